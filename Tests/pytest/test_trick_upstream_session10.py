# What the upstream test files added in session 10 needed (mmengine test_averaged_model.py, mmdet
# test_iou2d_calculator.py, mmcv test_photometric.py), checked as the reference libraries behave:
# this file passes under torch 2.4.1 / numpy 1.26 / mmcv 2.1 / mmengine 0.10.7 / mmdet 3.3 too
# (/work/refenv/bin/python -m pytest Tests/pytest/test_trick_upstream_session10.py).
from unittest import TestCase

import numpy as np
import pytest
import torch

import mmcv
from mmdet.models.task_modules import BboxOverlaps2D
from mmdet.structures.bbox import bbox_overlaps
from mmengine.logging import MMLogger
from mmengine.model import ExponentialMovingAverage, MomentumAnnealingEMA


def test_tensor_numpy_is_an_ndarray():
    t = torch.tensor([[1.5, -2.25], [0.125, 4.0]])
    a = t.numpy()
    assert isinstance(a, np.ndarray)
    assert str(a.dtype) == 'float32'
    assert a.tolist() == [[1.5, -2.25], [0.125, 4.0]]
    assert isinstance(torch.tensor([1, 2]).numpy(), np.ndarray)
    assert str(torch.tensor([1, 2]).numpy().dtype) == 'int64'
    with pytest.raises(AttributeError):
        np.zeros(2).numpy()


def test_round_decimals():
    t = torch.tensor([0.123456, 2.5, -1.98765])
    # an ndarray's round takes decimals by position; a tensor's only by keyword
    assert np.allclose(t.numpy().round(4), [0.1235, 2.5, -1.9876], rtol=0, atol=1e-7)
    assert np.allclose(t.numpy().round(decimals=1), [0.1, 2.5, -2.0], rtol=0, atol=1e-7)
    assert torch.allclose(t.round(decimals=2), torch.tensor([0.12, 2.5, -1.99]))
    with pytest.raises(TypeError):
        t.round(2)


def test_all_any():
    a = np.array([[1, 0], [1, 1]])
    assert np.all(a >= 0) and not np.all(a)
    assert np.any(a) and not np.any(a < 0)
    assert np.all(a, axis=0).tolist() == [True, False]
    assert np.any(a == 0, axis=1).tolist() == [True, False]
    assert np.all(a, axis=1, keepdims=True).shape == (2, 1)
    assert np.all([True, True]) and not np.any([0.0, 0.0])


def test_bbox_overlaps_asserts_shapes():
    b = torch.tensor([[0., 0., 10., 10.], [5., 5., 15., 15.]])
    with pytest.raises(AssertionError):   # batch dimensions differ
        bbox_overlaps(b.unsqueeze(0).repeat(2, 1, 1), b.unsqueeze(0).repeat(3, 1, 1))
    with pytest.raises(AssertionError):   # is_aligned needs as many rows as columns
        bbox_overlaps(b, b[:1], is_aligned=True)
    with pytest.raises(AssertionError):   # the last dimension is not 4
        bbox_overlaps(b[:, :3], b[:, :3])
    with pytest.raises(AssertionError):
        BboxOverlaps2D()(b.unsqueeze(0).repeat(2, 1, 1), b.unsqueeze(0).repeat(3, 1, 1), 'giou', True)
    gious = bbox_overlaps(b, b.flip(0), 'giou', is_aligned=True)
    assert np.allclose(gious.numpy().round(4), [-0.0794, -0.0794], rtol=0, atol=1e-7)


def test_imnormalize_takes_array_mean_std():
    img = np.array([[[10, 20, 30], [40, 50, 60]]], dtype=np.uint8)
    mean = np.array([123.675, 116.28, 103.53], dtype=np.float32)
    std = np.array([58.395, 57.12, 57.375], dtype=np.float32)
    out = mmcv.imnormalize(img, mean, std)
    assert np.allclose(out, (img[:, :, ::-1] - mean) / std)
    out = mmcv.imnormalize(img, mean, std, to_rgb=False)
    assert np.allclose(out, (img - mean) / std)


def test_ema_momentum_checks():
    model = torch.nn.Linear(2, 2)
    for cls in (ExponentialMovingAverage, MomentumAnnealingEMA):
        with pytest.raises(AssertionError, match='momentum must be in range'):
            cls(model, momentum=3)
        with pytest.raises(AssertionError, match='momentum must be in range'):
            cls(model, momentum=0)


class TestEMAMomentumWarning(TestCase):

    def test_large_momentum_is_logged(self):
        model = torch.nn.Linear(2, 2)
        with self.assertLogs(MMLogger.get_current_instance(), level='WARNING') as cm:
            ExponentialMovingAverage(model, momentum=0.9)
        self.assertEqual(len(cm.output), 1)
        self.assertIn('momentum but got 0.9', cm.output[0])
        with self.assertLogs(MMLogger.get_current_instance(), level='WARNING') as cm:
            MomentumAnnealingEMA(model, momentum=0.75)
        self.assertIn('momentum but got 0.75', cm.output[0])


def test_warns_as_record():
    import warnings
    with pytest.warns(UserWarning) as record:
        warnings.warn('first', UserWarning)
        warnings.warn('second', DeprecationWarning)
    assert len(record) == 2
    assert record[0].message.args[0] == 'first'
    assert [str(r.message) for r in record] == ['first', 'second']
    from mmcv.cnn import ConvModule
    with pytest.warns(UserWarning) as record:
        ConvModule(3, 8, 2, bias=True, norm_cfg=dict(type='BN'))
    assert len(record) == 1
    assert record[0].message.args[0] == 'Unnecessary conv bias before batch/instance norm'
