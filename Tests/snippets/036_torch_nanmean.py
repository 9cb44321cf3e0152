# Source: https://pytorch.org/docs/2.4/generated/torch.nanmean.html — the docstring example of torch.nanmean (torch 2.4.1)
#   examples 0..5 of the docstring, in order, as published.
# Doctest converted to a script: the imports the page assumes are added, and each value the doc displays
# is wrapped in print() (a script does not echo values).
import torch
x = torch.tensor([[torch.nan, 1, 2], [1, 2, 3]])
print(x.mean())
print(x.nanmean())
print(x.mean(dim=0))
print(x.nanmean(dim=0))
print(torch.tensor([torch.nan]).nanmean())
