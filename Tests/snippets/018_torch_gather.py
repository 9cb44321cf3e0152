# Source: https://pytorch.org/docs/2.4/generated/torch.gather.html — the docstring example of torch.gather (torch 2.4.1)
#   examples 0..1 of the docstring, in order, as published.
# Doctest converted to a script: the imports the page assumes are added, and each value the doc displays
# is wrapped in print() (a script does not echo values).
import torch
t = torch.tensor([[1, 2], [3, 4]])
print(torch.gather(t, 1, torch.tensor([[0, 0], [1, 0]])))
