# Source: https://pytorch.org/docs/2.4/generated/torch.maximum.html — the docstring example of torch.maximum (torch 2.4.1)
#   examples 0..2 of the docstring, in order, as published.
# Doctest converted to a script: the imports the page assumes are added, and each value the doc displays
# is wrapped in print() (a script does not echo values).
import torch
a = torch.tensor((1, 2, -1))
b = torch.tensor((3, 0, 4))
print(torch.maximum(a, b))
