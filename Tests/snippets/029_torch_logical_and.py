# Source: https://pytorch.org/docs/2.4/generated/torch.logical_and.html — the docstring example of torch.logical_and (torch 2.4.1)
#   examples 0..6 of the docstring, in order, as published.
# Doctest converted to a script: the imports the page assumes are added, and each value the doc displays
# is wrapped in print() (a script does not echo values).
import torch
print(torch.logical_and(torch.tensor([True, False, True]), torch.tensor([True, False, False])))
a = torch.tensor([0, 1, 10, 0], dtype=torch.int8)
b = torch.tensor([4, 0, 1, 0], dtype=torch.int8)
print(torch.logical_and(a, b))
print(torch.logical_and(a.double(), b.double()))
print(torch.logical_and(a.double(), b))
print(torch.logical_and(a, b, out=torch.empty(4, dtype=torch.bool)))
