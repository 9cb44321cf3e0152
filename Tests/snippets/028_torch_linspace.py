# Source: https://pytorch.org/docs/2.4/generated/torch.linspace.html — the docstring example of torch.linspace (torch 2.4.1)
#   examples 0..3 of the docstring, in order, as published.
# Doctest converted to a script: the imports the page assumes are added, and each value the doc displays
# is wrapped in print() (a script does not echo values).
import torch
print(torch.linspace(3, 10, steps=5))
print(torch.linspace(-10, 10, steps=5))
print(torch.linspace(start=-10, end=10, steps=5))
print(torch.linspace(start=-10, end=10, steps=1))
