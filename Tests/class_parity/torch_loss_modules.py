# torch.nn's loss modules (torch's signatures, distinct from mmseg's CrossEntropyLoss), as modules
# of a user's net.
import torch
import torch.nn as nn
from torch.nn import CrossEntropyLoss

logits = torch.tensor([[1.5410, -0.2934, -2.1788], [0.5684, -1.0845, -1.3986],
                       [0.4033, 0.8380, -0.7193], [-0.4033, -0.5966, 0.1820]])
labels = torch.tensor([0, 2, 1, 2])
print(round(nn.CrossEntropyLoss()(logits, labels).item(), 5))
print(round(CrossEntropyLoss(weight=torch.tensor([1.0, 2.0, 0.5]), ignore_index=1)(logits, labels).item(), 5))
print(round(nn.CrossEntropyLoss(label_smoothing=0.1, reduction='sum')(logits, labels).item(), 5))
target = torch.tensor([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0], [1.0, 1.0, 0.0], [0.0, 1.0, 0.0]])
print(round(nn.BCEWithLogitsLoss(pos_weight=torch.tensor([2.0, 1.0, 1.0]))(logits, target).item(), 5))
print(round(nn.MSELoss()(logits, target).item(), 5), round(nn.L1Loss(reduction='sum')(logits, target).item(), 5),
      round(nn.SmoothL1Loss(beta=0.5)(logits, target).item(), 5))
print(nn.CrossEntropyLoss(), isinstance(nn.MSELoss(), nn.Module))
