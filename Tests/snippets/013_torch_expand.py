# Source: https://pytorch.org/docs/2.4/generated/torch.Tensor.expand.html — the docstring example of torch.Tensor.expand (torch 2.4.1)
#   examples 0..3 of the docstring, in order, as published.
# Doctest converted to a script: the imports the page assumes are added, and each value the doc displays
# is wrapped in print() (a script does not echo values).
import torch
x = torch.tensor([[1], [2], [3]])
print(x.size())
print(x.expand(3, 4))
print(x.expand(-1, 4))  # -1 means not changing the size of that dimension
