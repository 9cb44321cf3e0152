# What the upstream unit tests (Tests/upstream) lean on, where they do not check it themselves.
# Expected values printed by torch 2.4.1 / mmengine 0.10.7 / mmseg 1.2.2 in the reference env
# (tools/upstream_support_vectors.py prints them).
import pytest
import torch
from mmengine.testing import assert_allclose
from mmengine.utils import digit_version
from mmseg.models.losses import weight_reduce_loss


@pytest.mark.parametrize('text, expected', [
    ('2.4.1', (2, 4, 1, 0, 0, 0)), ('2.0.0rc1', (2, 0, 0, 0, -1, 1)), ('1.13.0a0', (1, 13, 0, 0, -3, 0)),
    ('2.1.0.dev20230801', (2, 1, 0, 0, -4, 0)), ('0.10.7.post1', (0, 10, 7, 0, 1, 1)), ('1.6', (1, 6, 0, 0, 0, 0))])
def test_digit_version(text, expected):
    assert digit_version(text) == expected


def test_assert_close_messages():
    with pytest.raises(AssertionError) as info:
        torch.testing.assert_close(torch.tensor([1., 2.]), torch.tensor([1., 2.1]))
    assert str(info.value) == ('Tensor-likes are not close!\n\nMismatched elements: 1 / 2 (50.0%)\n'
                               'Greatest absolute difference: 0.09999990463256836 at index (1,) (up to 1e-05 allowed)\n'
                               'Greatest relative difference: 0.04761900380253792 at index (1,) (up to 1.3e-06 allowed)')
    with pytest.raises(AssertionError) as info:
        torch.testing.assert_close(0.05, 0.06)
    assert str(info.value) == ('Scalars are not close!\n\nExpected 0.06 but got 0.05.\n'
                               'Absolute difference: 0.009999999999999995 (up to 1e-07 allowed)\n'
                               'Relative difference: 0.1666666666666666 (up to 1e-07 allowed)')
    with pytest.raises(AssertionError, match='boom'):
        torch.testing.assert_close(torch.tensor([1., 2.]), torch.tensor([1., 2.1]), msg='boom')
    with pytest.raises(AssertionError, match="attribute 'shape'"):
        torch.testing.assert_close(torch.tensor([1., 2.]), torch.tensor([1., 2., 3.]))


def test_mmengine_assert_allclose_compares_in_float32():
    # Python floats become float32 tensors, then assert_allclose's float32 tolerances (1e-4, 1e-5)
    assert_allclose(0.05, 0.050001)
    with pytest.raises(AssertionError) as info:
        assert_allclose(0.05, 0.0501)
    assert str(info.value) == ('Scalars are not close!\n\nExpected 0.05009999871253967 but got 0.05000000074505806.\n'
                               'Absolute difference: 9.999796748161316e-05 (up to 1e-05 allowed)\n'
                               'Relative difference: 0.0019959674660946524 (up to 0.0001 allowed)')


def test_weight_reduce_loss_broadcasts_a_channel_weight():
    loss = torch.tensor([[1., 2.], [3., 4.]])
    weight = torch.tensor([[1.], [0.5]])
    assert weight_reduce_loss(loss, weight, 'mean').item() == 1.625
    assert weight_reduce_loss(loss, weight, 'sum').item() == 6.5
    assert weight_reduce_loss(loss, weight, 'mean', avg_factor=3).item() == pytest.approx(2.1666667461395264, rel=1e-7)
    with pytest.raises(AssertionError):
        weight_reduce_loss(loss, torch.tensor([1., 1.]), 'mean')


@pytest.mark.skipif(True, reason='skipif skips when its condition holds')
def test_skipif_true():
    assert False


class TestSetupClassRunsOnce:
    calls = []

    @classmethod
    def setup_class(cls):
        cls.calls.append('setup')

    def test_first(self):
        assert self.calls == ['setup']

    def test_second(self):
        assert self.calls == ['setup']


class TestPlainSetupClass:
    # pytest calls a setup_class written without @classmethod with the class (mmcv's test_loading.py)
    def setup_class(cls):
        cls.results = {'seg_map_path': 'x.png'}

    def test_class_attribute(self):
        assert self.results == {'seg_map_path': 'x.png'}
        assert TestPlainSetupClass.results['seg_map_path'] == 'x.png'


def test_loading_transforms_take_one_file_argument():
    # mmcv 2.1: file_client_args (deprecated) and backend_args together are a ValueError
    from mmcv.transforms import LoadAnnotations, LoadImageFromFile
    for T in (LoadImageFromFile, LoadAnnotations):
        with pytest.raises(ValueError, match='"file_client_args" and "backend_args" cannot be set'):
            T(file_client_args={'backend': 'disk'}, backend_args={'backend': 'disk'})
        T(file_client_args=None, backend_args={'backend': 'disk'})


def test_registered_script_transform_inside_multi_scale_flip_aug():
    # a BaseTransform subclass built by the registry inside MultiScaleFlipAug stays alive (trick
    # crashed on its first call); mmcv 2.1 gives 4 packed views (2 scales x no flip / horizontal)
    import numpy as np
    from mmcv.transforms import TRANSFORMS, BaseTransform

    @TRANSFORMS.register_module()
    class PackForTest(BaseTransform):
        def transform(self, results):
            return dict(inputs=results['img'], data_sample=results['scale'])

    aug = TRANSFORMS.build(dict(type='MultiScaleFlipAug', transforms=[dict(type='PackForTest')],
                                scales=[(1333, 800), (800, 600)], allow_flip=True,
                                flip_direction=['horizontal']))
    out = aug(dict(img=np.zeros((10, 12, 3), dtype=np.uint8)))
    assert len(out['inputs']) == 4
    assert [tuple(x.shape) for x in out['inputs']] == [(800, 960, 3), (800, 960, 3), (600, 720, 3), (600, 720, 3)]
    assert out['data_sample'] == [(1333, 800), (1333, 800), (800, 600), (800, 600)]


def test_formatting_transforms_keep_dtypes_and_print_as_mmcv():
    # mmcv 2.1: ImageToTensor keeps a uint8 image uint8 (torch.from_numpy); reprs as printed there
    import numpy as np
    from mmcv.transforms import ImageToTensor, ToTensor, to_tensor
    out = ImageToTensor(['img']).transform({'img': np.zeros((2, 3, 3), dtype=np.uint8)})['img']
    assert tuple(out.shape) == (3, 2, 3) and out.dtype == torch.uint8
    assert repr(ImageToTensor(['img'])) == "ImageToTensor(keys=['img'])"
    assert repr(ToTensor(['a.b', 'c'])) == "ToTensor(keys=['a.b', 'c'])"
    assert to_tensor(3).dtype == torch.int64 and to_tensor(3.0).dtype == torch.float32
    assert to_tensor(np.zeros(2, dtype=np.uint8)).dtype == torch.uint8
    with pytest.raises(TypeError, match="cannot be converted to tensor"):
        to_tensor('123')
