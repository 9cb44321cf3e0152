# Source: https://pytorch.org/docs/2.4/generated/torch.numel.html — the docstring example of torch.numel (torch 2.4.1)
#   examples 0..3 of the docstring, in order, as published.
# Doctest converted to a script: the imports the page assumes are added, and each value the doc displays
# is wrapped in print() (a script does not echo values).
import torch
a = torch.randn(1, 2, 3, 4, 5)
print(torch.numel(a))
a = torch.zeros(4,4)
print(torch.numel(a))
