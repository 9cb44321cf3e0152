# nn.ZeroPad2d and nn.Dropout2d / F.dropout2d as torch code uses them (dropout's mask is trick's own
# stream, so only what does not depend on it is printed: eval mode, p=0, p=1, the shapes)
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn import ZeroPad2d, Dropout2d

x = torch.arange(12.0).reshape(1, 2, 2, 3).requires_grad_(True)
pad, pad4 = ZeroPad2d(1), nn.ZeroPad2d((2, 0, 1, 3))
print(pad, pad4)
y = pad4(x)
print(list(y.shape), y.grad_fn.name())
print(pad(x)[0, 1])
(y * torch.arange(float(y.numel())).reshape(y.shape)).sum().backward()
print(x.grad)
drop = nn.Sequential(nn.Conv2d(2, 4, 1), Dropout2d(0.3), nn.ReLU())
print(drop)
drop.eval()
with torch.no_grad():
    drop[0].weight.copy_(torch.linspace(-1, 1, 8).reshape(4, 2, 1, 1))
    drop[0].bias.zero_()
print(drop(x.detach())[0, :, 0])
print(F.dropout2d(x, 0.5, training=False) is x, F.dropout2d(x, 0.0).grad_fn)
z = F.dropout2d(torch.ones(2, 3, 4, 4), p=1.0)
print(z.abs().sum(), list(z.shape))
try:
    nn.Dropout2d(1.5)
except ValueError as e:
    print('ValueError:', e)
