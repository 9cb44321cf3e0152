# Source: https://pytorch.org/docs/2.4/generated/torch.bitwise_xor.html — the docstring example of torch.bitwise_xor (torch 2.4.1)
#   examples 0..1 of the docstring, in order, as published.
# Doctest converted to a script: the imports the page assumes are added, and each value the doc displays
# is wrapped in print() (a script does not echo values).
import torch
print(torch.bitwise_xor(torch.tensor([-1, -2, 3], dtype=torch.int8), torch.tensor([1, 0, 3], dtype=torch.int8)))
print(torch.bitwise_xor(torch.tensor([True, True, False]), torch.tensor([False, True, False])))
