# Source: https://pytorch.org/docs/2.4/generated/torch.tensor.html — the docstring example of torch.tensor (torch 2.4.1)
#   examples 0..1 of the docstring, in order, as published.
# Doctest converted to a script: the imports the page assumes are added, and each value the doc displays
# is wrapped in print() (a script does not echo values).
import torch
print(torch.tensor([[0.1, 1.2], [2.2, 3.1], [4.9, 5.2]]))
print(torch.tensor([0, 1]))  # Type inference on data
