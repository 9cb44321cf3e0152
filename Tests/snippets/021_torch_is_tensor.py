# Source: https://pytorch.org/docs/2.4/generated/torch.is_tensor.html — the docstring example of torch.is_tensor (torch 2.4.1)
#   examples 0..1 of the docstring, in order, as published.
# Doctest converted to a script: the imports the page assumes are added, and each value the doc displays
# is wrapped in print() (a script does not echo values).
import torch
x = torch.tensor([1, 2, 3])
print(torch.is_tensor(x))
