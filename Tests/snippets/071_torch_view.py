# Source: https://pytorch.org/docs/2.4/generated/torch.Tensor.view.html — the docstring example of torch.Tensor.view (torch 2.4.1)
#   examples 0..11 of the docstring, in order, as published.
# Doctest converted to a script: the imports the page assumes are added, and each value the doc displays
# is wrapped in print() (a script does not echo values).
import torch
x = torch.randn(4, 4)
print(x.size())
y = x.view(16)
print(y.size())
z = x.view(-1, 8)  # the size -1 is inferred from other dimensions
print(z.size())
a = torch.randn(1, 2, 3, 4)
print(a.size())
b = a.transpose(1, 2)  # Swaps 2nd and 3rd dimension
print(b.size())
c = a.view(1, 3, 2, 4)  # Does not change tensor layout in memory
print(c.size())
