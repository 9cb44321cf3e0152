# Source: https://pytorch.org/docs/2.4/generated/torch.sign.html — the docstring example of torch.sign (torch 2.4.1)
#   examples 0..2 of the docstring, in order, as published.
# Doctest converted to a script: the imports the page assumes are added, and each value the doc displays
# is wrapped in print() (a script does not echo values).
import torch
a = torch.tensor([0.7, -1.2, 0., 2.3])
print(a)
print(torch.sign(a))
