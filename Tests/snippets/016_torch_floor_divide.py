# Source: https://pytorch.org/docs/2.4/generated/torch.floor_divide.html — the docstring example of torch.floor_divide (torch 2.4.1)
#   examples 0..3 of the docstring, in order, as published.
# Doctest converted to a script: the imports the page assumes are added, and each value the doc displays
# is wrapped in print() (a script does not echo values).
import torch
a = torch.tensor([4.0, 3.0])
b = torch.tensor([2.0, 2.0])
print(torch.floor_divide(a, b))
print(torch.floor_divide(a, 1.4))
