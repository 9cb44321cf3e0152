# Source: https://pytorch.org/docs/2.4/generated/torch.dot.html — the docstring example of torch.dot (torch 2.4.1)
#   examples 0..2 of the docstring, in order, as published.
# Doctest converted to a script: the imports the page assumes are added, and each value the doc displays
# is wrapped in print() (a script does not echo values).
import torch
print(torch.dot(torch.tensor([2, 3]), torch.tensor([2, 1])))
t1, t2 = torch.tensor([0, 1]), torch.tensor([2, 3])
print(torch.dot(t1, t2))
