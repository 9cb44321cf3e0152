# Source: https://pytorch.org/docs/2.4/generated/torch.split.html — the docstring example of torch.split (torch 2.4.1)
#   examples 0..3 of the docstring, in order, as published.
# Doctest converted to a script: the imports the page assumes are added, and each value the doc displays
# is wrapped in print() (a script does not echo values).
import torch
a = torch.arange(10).reshape(5, 2)
print(a)
print(torch.split(a, 2))
print(torch.split(a, [1, 4]))
