# Source: https://pytorch.org/docs/2.4/generated/torch.remainder.html — the docstring example of torch.remainder (torch 2.4.1)
#   examples 0..1 of the docstring, in order, as published.
# Doctest converted to a script: the imports the page assumes are added, and each value the doc displays
# is wrapped in print() (a script does not echo values).
import torch
print(torch.remainder(torch.tensor([-3., -2, -1, 1, 2, 3]), 2))
print(torch.remainder(torch.tensor([1, 2, 3, 4, 5]), -1.5))
