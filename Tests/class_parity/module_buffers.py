# A user's module with buffers registered in __init__ and read in forward; a None buffer.
import torch
from torch import nn


class Normalize(nn.Module):
    def __init__(self, mean, std):
        super().__init__()
        self.register_buffer('mean', torch.tensor(mean).view(-1, 1, 1))
        self.register_buffer('std', torch.tensor(std).view(-1, 1, 1))
        self.register_buffer('unused', None)

    def forward(self, x):
        return (x - self.mean) / self.std


norm = Normalize([0.5, 0.25], [0.5, 0.5])
print(norm(torch.ones(2, 2, 2)), norm.unused)
try:
    norm.register_buffer('a.b', torch.ones(1))
except KeyError:
    print('KeyError')
try:
    norm.register_buffer('c', 3)
except TypeError as e:
    print('TypeError:', e)
