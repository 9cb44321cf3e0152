# The pytest and standard-library forms upstream test files use around their tests (torchvision's
# test_ops.py): custom marks, pytest.param, importorskip, abc, torch.random, torch.cat(axis=).
from abc import ABC, abstractmethod

import pytest
import torch

SEEN = []


@pytest.mark.opcheck_only_one()
@pytest.mark.parametrize('a, b', [pytest.param(1, 2, marks=pytest.mark.needs_cuda), (3, 4), pytest.param(5, 6, id='five')])
def test_param_values(a, b):
    SEEN.append((a, b))
    assert b == a + 1


@pytest.mark.some_custom_mark
def test_custom_mark_keeps_the_test():
    assert pytest.mark.anything.name == 'anything'


def test_params_all_ran():
    assert SEEN == [(1, 2), (3, 4), (5, 6)]


def test_importorskip():
    assert pytest.importorskip('torchvision.ops').box_iou is not None


class Base(ABC):
    @abstractmethod
    def f(self):
        pass

    def g(self):
        return self.f() + 1


class Impl(Base):
    def f(self):
        return 41


def test_abc():
    assert Impl().g() == 42
    assert isinstance(Impl(), Base) and isinstance(Impl(), ABC)


def test_torch_random_and_cat_axis():
    torch.random.manual_seed(3)
    x = torch.rand(2)
    torch.manual_seed(3)
    assert torch.equal(x, torch.rand(2))
    a, b = torch.ones(2, 1), torch.zeros(2, 1)
    assert torch.cat([a, b], axis=-1).tolist() == [[1.0, 0.0], [1.0, 0.0]]
    assert torch.cat([a, b], axis=0).shape == (4, 1)
