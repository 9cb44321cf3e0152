# Source: https://pytorch.org/docs/2.4/generated/torch.permute.html — the docstring example of torch.permute (torch 2.4.1)
#   examples 0..2 of the docstring, in order, as published.
# Doctest converted to a script: the imports the page assumes are added, and each value the doc displays
# is wrapped in print() (a script does not echo values).
import torch
x = torch.randn(2, 3, 5)
print(x.size())
print(torch.permute(x, (2, 0, 1)).size())
