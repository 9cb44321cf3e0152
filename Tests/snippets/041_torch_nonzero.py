# Source: https://pytorch.org/docs/2.4/generated/torch.nonzero.html — the docstring example of torch.nonzero (torch 2.4.1)
#   examples 0..4 of the docstring, in order, as published.
# Doctest converted to a script: the imports the page assumes are added, and each value the doc displays
# is wrapped in print() (a script does not echo values).
import torch
print(torch.nonzero(torch.tensor([1, 1, 1, 0, 1])))
torch.nonzero(torch.tensor([[0.6, 0.0, 0.0, 0.0],
                            [0.0, 0.4, 0.0, 0.0],
                            [0.0, 0.0, 1.2, 0.0],
                            [0.0, 0.0, 0.0,-0.4]]))
print(torch.nonzero(torch.tensor([1, 1, 1, 0, 1]), as_tuple=True))
torch.nonzero(torch.tensor([[0.6, 0.0, 0.0, 0.0],
                            [0.0, 0.4, 0.0, 0.0],
                            [0.0, 0.0, 1.2, 0.0],
                            [0.0, 0.0, 0.0,-0.4]]), as_tuple=True)
print(torch.nonzero(torch.tensor(5), as_tuple=True))
