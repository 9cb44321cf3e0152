# torch semantics the SWA / OptimWrapper upstream tests lean on (torch 2.4.1): a parameter's
# detach() shares its value (in-place ops on either change both, and bump the shared version),
# optimizer steps are seen by earlier detaches, `p.data = t` re-points p only; a layer's
# __class__ and torch.nn.modules.batchnorm._BatchNorm; torch.device('cpu'); MMEngine's
# MultiProcessTestCase running its test in this process as rank 0. Each expected value is
# computed here from the inputs, as torch computes it.
import pytest
import torch
from torch.nn.modules.batchnorm import _BatchNorm
from mmengine.testing._internal import MultiProcessTestCase


def test_detach_add_changes_the_parameter():
    p = torch.nn.Parameter(torch.tensor([1.0, -2.0, 3.5]))
    start = p.detach().clone()
    noise = torch.tensor([0.25, 0.5, -1.0])
    version = p._version
    d = p.detach()
    d.add_(noise)
    assert torch.equal(p.detach(), start + noise)
    assert torch.equal(d, start + noise)
    assert p._version == version + 1 and d._version == version + 1
    assert p.requires_grad and not d.requires_grad


def test_parameter_change_is_seen_by_an_earlier_detach():
    p = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    d = p.detach()
    with torch.no_grad():
        p.mul_(3.0)
    assert torch.equal(d, torch.tensor([1.0, 2.0]) * 3.0)
    # an optimizer's step is in place too
    p.grad = torch.tensor([0.5, -0.5])
    opt = torch.optim.SGD([p], lr=0.1)
    before = p.detach().clone()
    opt.step()
    assert torch.equal(d, before - 0.1 * torch.tensor([0.5, -0.5]))


def test_data_assignment_repoints_only_the_parameter():
    p = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    d = p.detach()
    p.data = torch.tensor([7.0, 8.0])
    assert torch.equal(d, torch.tensor([1.0, 2.0]))
    assert torch.equal(p.detach(), torch.tensor([7.0, 8.0]))


def test_in_place_on_leaf_requiring_grad_still_refused():
    p = torch.nn.Parameter(torch.tensor([1.0]))
    with pytest.raises(RuntimeError, match='a leaf Variable that requires grad'):
        p.add_(torch.tensor([1.0]))


def test_batchnorm_class_and_base():
    for layer in [torch.nn.BatchNorm1d(3), torch.nn.BatchNorm2d(3), torch.nn.SyncBatchNorm(3)]:
        assert issubclass(layer.__class__, _BatchNorm)
        assert isinstance(layer, _BatchNorm)
    assert torch.nn.BatchNorm2d(3).__class__ is torch.nn.BatchNorm2d
    assert not issubclass(torch.nn.Conv2d(1, 1, 1).__class__, torch.nn.modules.batchnorm._BatchNorm)


def test_device_is_cpu():
    cpu = torch.device('cpu')
    assert torch.zeros(2).device == cpu
    with pytest.raises(RuntimeError, match='CPU only'):
        torch.device('cuda')


class TestInProcess(MultiProcessTestCase):
    def setUp(self):
        super().setUp()
        self._spawn_processes()

    def run_test(self, test_name, parent_pipe):
        self.built_for = test_name
        super().run_test(test_name, parent_pipe)

    def test_runs_once_as_rank_0(self):
        assert self.built_for == 'test_runs_once_as_rank_0'
        assert self.rank == 0 and self.world_size == 2
