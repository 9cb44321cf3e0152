# Source: https://mmsegmentation.readthedocs.io/en/latest/api.html#mmseg.models.losses.weighted_loss — the docstring example of mmseg.models.losses.weighted_loss, as published;
#   converted to a script: ">>> " prompts removed, the imports the docstring assumes added, each value the
#   doc displays wrapped in print().
from mmseg.models.losses import weighted_loss
import torch
@weighted_loss
def l1_loss(pred, target):
    return (pred - target).abs()
pred = torch.Tensor([0, 2, 3])
target = torch.Tensor([1, 1, 1])
weight = torch.Tensor([1, 0, 1])
print(l1_loss(pred, target))
print(l1_loss(pred, target, weight))
print(l1_loss(pred, target, reduction='none'))
print(l1_loss(pred, target, weight, avg_factor=2))
