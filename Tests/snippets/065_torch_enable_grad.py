# Source: https://pytorch.org/docs/2.4/generated/torch.enable_grad.html — the docstring example of torch.enable_grad (torch 2.4.1)
#   examples 0..10 of the docstring, in order, as published.
# Doctest converted to a script: the imports the page assumes are added, and each value the doc displays
# is wrapped in print() (a script does not echo values).
import torch
x = torch.tensor([1.], requires_grad=True)
with torch.no_grad():
    with torch.enable_grad():
        y = x * 2
print(y.requires_grad)
y.backward()
print(x.grad)
@torch.enable_grad()
def doubler(x):
    return x * 2
with torch.no_grad():
    z = doubler(x)
print(z.requires_grad)
@torch.enable_grad
def tripler(x):
    return x * 3
with torch.no_grad():
    z = tripler(x)
print(z.requires_grad)
