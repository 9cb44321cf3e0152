# Source: https://pytorch.org/docs/2.4/generated/torch.topk.html — the docstring example of torch.topk (torch 2.4.1)
#   examples 0..2 of the docstring, in order, as published.
# Doctest converted to a script: the imports the page assumes are added, and each value the doc displays
# is wrapped in print() (a script does not echo values).
import torch
x = torch.arange(1., 6.)
print(x)
print(torch.topk(x, 3))
