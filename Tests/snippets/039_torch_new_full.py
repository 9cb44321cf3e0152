# Source: https://pytorch.org/docs/2.4/generated/torch.Tensor.new_full.html — the docstring example of torch.Tensor.new_full (torch 2.4.1)
#   examples 0..1 of the docstring, in order, as published.
# Doctest converted to a script: the imports the page assumes are added, and each value the doc displays
# is wrapped in print() (a script does not echo values).
import torch
tensor = torch.ones((2,), dtype=torch.float64)
print(tensor.new_full((3, 4), 3.141592))
