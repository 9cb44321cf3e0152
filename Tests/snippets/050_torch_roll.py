# Source: https://pytorch.org/docs/2.4/generated/torch.roll.html — the docstring example of torch.roll (torch 2.4.1)
#   examples 0..5 of the docstring, in order, as published.
# Doctest converted to a script: the imports the page assumes are added, and each value the doc displays
# is wrapped in print() (a script does not echo values).
import torch
x = torch.tensor([1, 2, 3, 4, 5, 6, 7, 8]).view(4, 2)
print(x)
print(torch.roll(x, 1))
print(torch.roll(x, 1, 0))
print(torch.roll(x, -1, 0))
print(torch.roll(x, shifts=(2, 1), dims=(0, 1)))
