# mmcv 2.1 asserts (AssertionError) on a per-channel pad_val whose length is not the image's
# channel count and on an unknown padding_mode, in impad and in the Pad transform; mmcv's own
# tests catch exactly that type (tests/test_image/test_geometric.py::test_impad).
import mmcv
import numpy as np
import pytest
from mmcv.transforms import Pad


def test_impad_asserts():
    img = np.random.rand(10, 10, 3).astype(np.float32)
    with pytest.raises(AssertionError):
        mmcv.impad(img, padding=3, pad_val=(100, 200))
    with pytest.raises(AssertionError):
        mmcv.impad(img, padding=2, pad_val=0, padding_mode='unknown')
    assert mmcv.impad(img, padding=2, pad_val=(1, 2, 3), padding_mode='reflect').shape == (14, 14, 3)


def test_pad_transform_asserts():
    results = dict(img=np.zeros((4, 5, 3), dtype=np.uint8))
    with pytest.raises(AssertionError):
        Pad(size=(8, 8), padding_mode='unknown')
    with pytest.raises(AssertionError):
        Pad(size=(8, 8), pad_val=dict(img=(1, 2)))(results)
