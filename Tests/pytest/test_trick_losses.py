# Regression tests written as pytest / unittest tests: `trick test` runs the test_* functions
# and Test* classes. Expected values printed by torch 2.4.1 / mmseg 1.2.2 for these inputs
# (F.cross_entropy mean 0.2712836265563965, sum 0.542567253112793; mmseg CrossEntropyLoss the
# same mean; reduction='average' is mmseg's ValueError).
import unittest
import pytest
import torch
import torch.nn.functional as F
from mmseg.models.losses import CrossEntropyLoss


def test_ce_ignore_index():
    pred = torch.tensor([[[[2.0]], [[0.5]]]])
    target = torch.tensor([[[255]]])
    loss = F.cross_entropy(pred, target, ignore_index=255, reduction='sum')
    assert loss.item() == 0.0


@pytest.mark.parametrize('reduction, expected', [('mean', 0.2712836265563965), ('sum', 0.542567253112793)])
def test_ce_reductions(reduction, expected):
    pred = torch.tensor([[2.0, 0.5], [0.1, 1.0]])
    target = torch.tensor([0, 1])
    loss = F.cross_entropy(pred, target, reduction=reduction)
    assert loss.item() == pytest.approx(expected, rel=1e-6)


def test_unknown_loss_type_raises():
    with pytest.raises(KeyError, match='CrossEntropyLos'):
        build(dict(type='CrossEntropyLos'))


def test_skipped_on_purpose():
    pytest.skip('shows how a skip is reported')


class TestCrossEntropyLoss(unittest.TestCase):
    def setUp(self):
        self.loss = CrossEntropyLoss(loss_weight=1.0)

    def test_loss_name(self):
        self.assertEqual(self.loss.loss_name, 'loss_ce')

    def test_value(self):
        pred = torch.tensor([[2.0, 0.5], [0.1, 1.0]])
        target = torch.tensor([0, 1])
        self.assertAlmostEqual(self.loss(pred, target).item(), 0.2712836265563965, places=6)
        with self.assertRaises(ValueError):
            CrossEntropyLoss(reduction='average')(pred, target)
