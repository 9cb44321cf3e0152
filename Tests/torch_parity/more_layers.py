# smaller nn layers and functions from pasted model code (ECA-style 1-D pooling, token mixers,
# shrink / threshold activations, patch unfold / fold modules), with their gradients
import torch
import torch.nn as nn
import torch.nn.functional as F

x = torch.linspace(-3, 3, 2 * 3 * 7).reshape(2, 3, 7).sin() * 2
print(F.max_pool1d(x, 3), F.max_pool1d(x, 3, stride=2, padding=1, return_indices=True)[1][0], F.avg_pool1d(x, 2)[1])
print(F.avg_pool1d(x, 3, 2, 1, count_include_pad=False)[0], F.adaptive_avg_pool1d(x, 3)[1], F.adaptive_max_pool1d(x, 2, return_indices=True))
print(nn.MaxPool1d(2), nn.MaxPool1d(3, 1, 1), nn.AvgPool1d(2), nn.AdaptiveAvgPool1d(1), nn.AdaptiveMaxPool1d(4))
print(nn.MaxPool1d(2)(x)[0], nn.AvgPool1d(3, stride=2)(x)[1], nn.AdaptiveAvgPool1d(1)(x).squeeze(-1))
xg = x.clone().requires_grad_()
(F.max_pool1d(xg, 3, 2).sum() + (F.avg_pool1d(xg, 2) ** 2).sum() + F.adaptive_avg_pool1d(xg, 2).sum()).backward()
print(xg.grad[0])
img = torch.arange(2 * 3 * 4.0).reshape(1, 2, 3, 4)
unfold, fold = nn.Unfold(kernel_size=2, stride=1), nn.Fold(output_size=(3, 4), kernel_size=2)
print(unfold, fold)
print(unfold(img).size(), fold(unfold(img))[0, 1])
y = torch.linspace(-2, 2, 12).reshape(2, 6)
print(F.softmin(y, dim=1), F.glu(y), F.glu(y, 0), F.hardshrink(y), F.hardshrink(y, 1.0))
print(F.softsign(y), F.tanhshrink(y), F.threshold(y, 0.5, -1.0), F.celu(y), F.celu(y, 2.0))
print(nn.Softmin(1), nn.GLU(), nn.Hardshrink(), nn.Softsign(), nn.Tanhshrink(), nn.Threshold(0.1, 20), nn.CELU(0.5), nn.PairwiseDistance(), nn.ChannelShuffle(2))
print(nn.Softmin(0)(y)[:, 0], nn.GLU(1)(y), nn.CELU(0.5)(y)[1], nn.Threshold(0.1, 20)(y)[0])
a, b = torch.linspace(-1, 1, 6).reshape(2, 3), torch.linspace(1, 0, 6).reshape(2, 3)
print(F.pairwise_distance(a, b), F.pairwise_distance(a, b, p=1, keepdim=True), nn.PairwiseDistance(p=3.0)(a, b))
print(F.channel_shuffle(torch.arange(8.0).reshape(1, 4, 2, 1), 2).flatten(), nn.ChannelShuffle(2)(torch.arange(6.0).reshape(1, 6, 1, 1)).flatten())
yg = y.clone().requires_grad_()
(F.softmin(yg, 1)[:, 0].sum() + F.glu(yg).sum() + F.hardshrink(yg).sum() + F.softsign(yg).sum() + F.tanhshrink(yg).sum() + F.celu(yg, 2.0).sum() + F.threshold(yg, 0.5, -1.0).sum()).backward()
print(yg.grad)
ag = a.clone().requires_grad_()
F.pairwise_distance(ag, b).sum().backward()
print(ag.grad)
try:
    F.glu(torch.ones(2, 3))
except RuntimeError as e:
    print('RuntimeError:', e)
