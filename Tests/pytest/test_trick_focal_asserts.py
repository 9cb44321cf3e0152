# mmseg 1.2.2 FocalLoss: its asserts are AssertionErrors (reduction, reduction_override, loss_name,
# the pred/target shapes), use_sigmoid=False set after construction is NotImplementedError at the
# forward, and the arguments its forward reads (alpha, gamma, …) may be set on the built loss.
# Passes under mmseg 1.2.2 too (one-hot targets: mmseg's CPU path needs them).
import pytest
import torch
import torch.nn.functional as F
from mmseg.models.losses import CrossEntropyLoss, DiceLoss, FocalLoss


def data():
    pred = torch.tensor([[[[0.2, -1.0], [1.5, 0.3]], [[-0.4, 0.9], [0.1, -2.0]], [[1.2, 0.0], [-0.7, 0.6]]]])
    target = F.one_hot(torch.tensor([[[0, 2], [1, 1]]]), num_classes=3).permute(0, 3, 1, 2).float()
    return pred, target


def test_asserts():
    pred, target = data()
    with pytest.raises(AssertionError):
        FocalLoss(reduction='test')
    with pytest.raises(AssertionError):
        FocalLoss(loss_name=123)
    with pytest.raises(AssertionError):
        FocalLoss(gamma=2)
    with pytest.raises(AssertionError):
        FocalLoss(use_sigmoid=False)
    for loss in [FocalLoss(), CrossEntropyLoss(), DiceLoss()]:
        with pytest.raises(AssertionError):
            loss(pred, target.argmax(1), reduction_override='test')
    with pytest.raises(AssertionError):
        FocalLoss()(pred, target[:, :, :1, :1])


def test_use_sigmoid_set_afterwards():
    pred, target = data()
    loss = FocalLoss()
    loss.use_sigmoid = False
    with pytest.raises(NotImplementedError):
        loss(pred, target)


def test_arguments_set_afterwards_are_used():
    pred, target = data()
    loss = FocalLoss()
    loss.alpha = [0.1, 0.3, 0.2]
    loss.gamma = 3.0
    loss.loss_weight = 2.0
    assert loss(pred, target).item() == FocalLoss(alpha=[0.1, 0.3, 0.2], gamma=3.0, loss_weight=2.0)(pred, target).item()
    assert loss(pred, target).item() != FocalLoss()(pred, target).item()
