# Source: https://pytorch.org/docs/2.4/generated/torch.logical_not.html — the docstring example of torch.logical_not (torch 2.4.1)
#   examples 0..3 of the docstring, in order, as published.
# Doctest converted to a script: the imports the page assumes are added, and each value the doc displays
# is wrapped in print() (a script does not echo values).
import torch
print(torch.logical_not(torch.tensor([True, False])))
print(torch.logical_not(torch.tensor([0, 1, -10], dtype=torch.int8)))
print(torch.logical_not(torch.tensor([0., 1.5, -10.], dtype=torch.double)))
print(torch.logical_not(torch.tensor([0., 1., -10.], dtype=torch.double), out=torch.empty(3, dtype=torch.int16)))
