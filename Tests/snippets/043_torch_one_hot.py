# Source: https://pytorch.org/docs/2.4/generated/torch.nn.functional.one_hot.html — the docstring example of torch.nn.functional.one_hot (torch 2.4.1)
#   examples 0..2 of the docstring, in order, as published.
# Doctest converted to a script: the imports the page assumes are added, and each value the doc displays
# is wrapped in print() (a script does not echo values).
import torch
import torch.nn.functional as F
print(F.one_hot(torch.arange(0, 5) % 3))
print(F.one_hot(torch.arange(0, 5) % 3, num_classes=5))
print(F.one_hot(torch.arange(0, 6).view(3,2) % 3))
