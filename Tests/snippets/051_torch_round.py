# Source: https://pytorch.org/docs/2.4/generated/torch.round.html — the docstring example of torch.round (torch 2.4.1)
#   examples 0..3 of the docstring, in order, as published.
# Doctest converted to a script: the imports the page assumes are added, and each value the doc displays
# is wrapped in print() (a script does not echo values).
import torch
print(torch.round(torch.tensor((4.7, -2.3, 9.1, -7.7))))
print(torch.round(torch.tensor([-0.5, 0.5, 1.5, 2.5])))
print(torch.round(torch.tensor([0.1234567]), decimals=3))
print(torch.round(torch.tensor([1200.1234567]), decimals=-3))
