# F.conv_transpose2d / nn.ConvTranspose2d as FCN / UNet decoders use them: stride, padding,
# output_padding, groups, dilation, bias, and the gradients of input, weight and bias
import torch
import torch.nn as nn
import torch.nn.functional as F
x = (torch.arange(1 * 2 * 3 * 3, dtype=torch.float32).reshape(1, 2, 3, 3) - 8) / 5
w = (torch.arange(2 * 3 * 2 * 2, dtype=torch.float32).reshape(2, 3, 2, 2) - 11) / 9
b = torch.tensor([0.5, -0.25, 1.0])
print(F.conv_transpose2d(x, w))
print(F.conv_transpose2d(x, w, b, stride=2))
print(F.conv_transpose2d(x, w, stride=2, padding=1, output_padding=1).size(), F.conv_transpose2d(x, w, stride=2, padding=1, output_padding=1)[0, 1])
print(F.conv_transpose2d(x, w, stride=(2, 1), padding=(0, 1), dilation=2)[0, 2])
wg = (torch.arange(2 * 2 * 3 * 3, dtype=torch.float32).reshape(2, 2, 3, 3) - 17) / 13
print(F.conv_transpose2d(x, wg, groups=2, stride=2, padding=1)[0])
xs = x.clone().requires_grad_(True)
ws = w.clone().requires_grad_(True)
bs = b.clone().requires_grad_(True)
y = F.conv_transpose2d(xs, ws, bs, stride=2, padding=1, output_padding=1)
g = torch.arange(y.numel(), dtype=torch.float32).reshape(y.shape) / 20 - 1
(y * g).sum().backward()
print(y.grad_fn.name(), xs.grad, ws.grad, bs.grad)
xs.grad = None
wgs = wg.clone().requires_grad_(True)
y = F.conv_transpose2d(xs, wgs, groups=2, stride=2, dilation=2)
(y * y).sum().backward()
print(tuple(y.shape), xs.grad, wgs.grad)
torch.manual_seed(0)
up = nn.ConvTranspose2d(2, 3, kernel_size=2, stride=2)
print(up, tuple(up.weight.shape), tuple(up.bias.shape))
with torch.no_grad():
    up.weight.copy_(w)
    up.bias.copy_(b)
out = up(x)
print(tuple(out.shape), out[0, 0])
out.sum().backward()
print(up.weight.grad[0, 0], up.bias.grad)
print(nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1, output_padding=1, bias=False)(torch.zeros(1, 4, 5, 5)).detach().size())
for bad in [lambda: F.conv_transpose2d(x, w, stride=2, output_padding=2), lambda: F.conv_transpose2d(x, torch.ones(3, 3, 2, 2))]:
    try:
        bad()
    except RuntimeError:
        print('RuntimeError')
