# Source: https://pytorch.org/docs/2.4/generated/torch.narrow.html — the docstring example of torch.narrow (torch 2.4.1)
#   examples 0..3 of the docstring, in order, as published.
# Doctest converted to a script: the imports the page assumes are added, and each value the doc displays
# is wrapped in print() (a script does not echo values).
import torch
x = torch.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
print(torch.narrow(x, 0, 0, 2))
print(torch.narrow(x, 1, 1, 2))
print(torch.narrow(x, -1, torch.tensor(-1), 1))
