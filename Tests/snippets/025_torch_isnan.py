# Source: https://pytorch.org/docs/2.4/generated/torch.isnan.html — the docstring example of torch.isnan (torch 2.4.1)
#   examples 0..0 of the docstring, in order, as published.
# Doctest converted to a script: the imports the page assumes are added, and each value the doc displays
# is wrapped in print() (a script does not echo values).
import torch
print(torch.isnan(torch.tensor([1, float('nan'), 2])))
