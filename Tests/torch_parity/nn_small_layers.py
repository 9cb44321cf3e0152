# small torch.nn layers pasted models use: LogSoftmax, Softmax2d, Unflatten, UpsamplingNearest2d /
# UpsamplingBilinear2d, Conv1d / F.conv1d (with gradients), GroupNorm / LayerNorm in a sequence
# block, and random draws that depend only on the probabilities (bernoulli, multinomial)
import torch
import torch.nn as nn
import torch.nn.functional as F

x = torch.linspace(-2, 2, 2 * 3 * 2 * 2).reshape(2, 3, 2, 2)
print(nn.LogSoftmax(dim=1), nn.Softmax2d(), nn.Unflatten(1, (2, 6)), nn.UpsamplingNearest2d(scale_factor=2), nn.UpsamplingBilinear2d(size=(3, 5)))
print(nn.LogSoftmax(dim=1)(x)[0], nn.Softmax2d()(x)[1, :, 0], bool(((nn.Softmax2d()(x[0]).sum(0) - 1).abs() < 1e-6).all()))
print(nn.Unflatten(1, (2, 6))(x.reshape(2, 12)).size(), nn.Unflatten(-1, [2, 2])(torch.arange(8.0).reshape(2, 4)))
print(nn.UpsamplingNearest2d(scale_factor=2)(x)[0, 0], nn.UpsamplingBilinear2d(size=(3, 5))(x)[1, 2])
try:
    nn.Softmax2d()(torch.zeros(2, 3))
except ValueError as e:
    print('ValueError:', e)
try:
    nn.Unflatten(1, (2, 2.0))
except TypeError as e:
    print('TypeError:', e)
seq = torch.linspace(-1, 1, 2 * 4 * 7).reshape(2, 4, 7).sin()
w = torch.linspace(-0.5, 0.5, 6 * 2 * 3).reshape(6, 2, 3)
bias = torch.tensor([0.1, -0.2, 0.0, 0.3, 0.05, -0.1])
print(F.conv1d(seq, w, bias, stride=2, padding=1, groups=2), F.conv1d(seq[0], w[:, :1].repeat(1, 4, 1), padding='same').size())
conv = nn.Conv1d(4, 3, kernel_size=3, padding=1, dilation=2)
print(conv, tuple(conv.weight.shape), tuple(conv.bias.shape))
with torch.no_grad():
    conv.weight.copy_(torch.linspace(-0.4, 0.4, conv.weight.numel()).reshape(conv.weight.shape))
    conv.bias.copy_(torch.tensor([0.0, 0.1, -0.1]))
sg = seq.clone().requires_grad_()
out = conv(sg)
print(out.size(), out.grad_fn.name())
(out * torch.linspace(-1, 1, out.numel()).reshape(out.shape)).sum().backward()
print(sg.grad[1], conv.weight.grad[2], conv.bias.grad)
block = nn.Sequential(nn.Conv1d(4, 8, 1), nn.GroupNorm(2, 8), nn.GELU(), nn.Conv1d(8, 4, 1))
tok = nn.Sequential(nn.LayerNorm(7), nn.Linear(7, 7), nn.LogSoftmax(-1))
with torch.no_grad():
    for i, p in enumerate(list(block.parameters()) + list(tok.parameters())):
        p.copy_(torch.linspace(-0.5, 0.6, p.numel()).reshape(p.shape).cos() * (0.5 + 0.1 * i))
print(block(seq)[1], tok(seq)[0, 1])
torch.manual_seed(0)
p = torch.tensor([[0.0, 1.0, 0.0], [1.0, 1.0, 0.0]])
draw = torch.bernoulli(p)
print(draw.dtype, draw.size(), draw[0], bool(draw[1, 2] == 0))
z = torch.zeros(3, 4).bernoulli_(1.0)
print(z, torch.ones(2, 2).bernoulli_(0.0), torch.zeros(2).bernoulli(p=1.0))
idx = torch.multinomial(torch.tensor([0.0, 0.0, 5.0, 0.0]), 3, replacement=True)
print(idx, idx.dtype, torch.multinomial(torch.tensor([[0.0, 2.0, 0.0], [1.0, 0.0, 0.0]]), 1))
perm = torch.multinomial(torch.tensor([1.0, 2.0, 3.0, 4.0]), 4)
print(sorted(perm.tolist()), perm.size())
for bad in [lambda: torch.multinomial(torch.tensor([1.0, 0.0]), 2), lambda: torch.multinomial(torch.tensor([1.0, -1.0]), 1),
            lambda: torch.bernoulli(torch.tensor([1.5]))]:
    try:
        bad()
    except RuntimeError as e:
        print('RuntimeError:', e)
