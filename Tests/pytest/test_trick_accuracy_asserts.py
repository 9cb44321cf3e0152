# mmseg 1.2.2 accuracy / Accuracy assert their inputs: a k above the class count, a topk that is
# not an int or a tuple, a label count that does not fit, a pred without the class dimension are
# AssertionErrors (mmseg's own test_utils.py catches exactly that type). Passes under mmseg too.
import pytest
import torch
from mmseg.models.losses import Accuracy, accuracy

PRED = torch.tensor([[0.1, 0.2, 0.6, 0.1], [0.3, 0.1, 0.1, 0.5], [0.7, 0.1, 0.1, 0.1],
                     [0.2, 0.5, 0.2, 0.1], [0.1, 0.1, 0.7, 0.1]])
LABEL = torch.tensor([2, 3, 0, 1, 2])


def test_asserts():
    with pytest.raises(AssertionError):
        Accuracy(topk=5)(PRED, LABEL)
    with pytest.raises(AssertionError):
        Accuracy(topk='wrong type')(PRED, LABEL)
    with pytest.raises(AssertionError):
        Accuracy()(PRED, torch.tensor([2, 3, 0, 1, 2, 0]))
    with pytest.raises(AssertionError):
        Accuracy()(PRED[:, :, None], LABEL)
    with pytest.raises(AssertionError):
        accuracy(PRED, LABEL, topk=5)


def test_values_unchanged():
    assert accuracy(PRED, LABEL).item() == pytest.approx(100.0)
    assert [a.item() for a in Accuracy(topk=(1, 2))(PRED, LABEL)] == pytest.approx([100.0, 100.0])
