# nn.ParameterList / nn.ParameterDict in a module: registration order, names, indexing, len,
# iteration, and gradients reaching them
import torch
import torch.nn as nn


class Scales(nn.Module):
    def __init__(self):
        super().__init__()
        self.scales = nn.ParameterList([nn.Parameter(torch.tensor(1.0)), nn.Parameter(torch.tensor([2.0, 3.0]))])
        self.extra = nn.ParameterDict({'gamma': nn.Parameter(torch.ones(2)), 'beta': nn.Parameter(torch.zeros(2))})

    def forward(self, x):
        y = x * self.scales[0] + self.scales[1]
        return y * self.extra['gamma'] + self.extra['beta']


m = Scales()
print([n for n, _ in m.named_parameters()], len(m.scales), len(m.extra), 'gamma' in m.extra, list(m.extra.keys()))
out = m(torch.tensor([1.0, -1.0]))
out.sum().backward()
print(out, m.scales[0].grad, m.scales[1].grad, m.extra['gamma'].grad, m.extra['beta'].grad)
pl = nn.ParameterList()
pl.append(nn.Parameter(torch.zeros(3)))
pl.extend([nn.Parameter(torch.ones(1))])
print(len(pl), [tuple(p.shape) for p in pl], pl[-1])
pd = nn.ParameterDict()
pd['w'] = nn.Parameter(torch.full((2,), 0.5))
pd.update({'b': nn.Parameter(torch.zeros(1))})
print(list(pd), [(k, tuple(v.shape)) for k, v in pd.items()], sum(p.numel() for p in pd.values()))
opt = torch.optim.SGD(m.parameters(), lr=0.1)
opt.step()
print(m.scales[0], m.extra['beta'])
print(pl)
print(pd)
print(nn.ParameterList([nn.Parameter(torch.zeros(2, 3))]), nn.ParameterDict(), m.scales)
