# Buffers a user's module registers: named_buffers()/buffers() order (own, then submodules'), the
# state dict (parameters, persistent buffers, children), load_state_dict (strict errors, shapes,
# dtypes kept), register_buffer's errors, None and non-persistent buffers, float().
import torch
from torch import nn


class Stem(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 1)
        self.register_buffer('scale', torch.tensor([2.0, 3.0]))
        self.bn = nn.BatchNorm2d(2)
        self.register_buffer('steps', torch.tensor(0))

    def forward(self, x):
        self.steps = self.steps + 1
        return self.bn(self.conv(x)) * self.scale.view(1, -1, 1, 1)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer('mean', torch.tensor([0.5], dtype=torch.float64))
        self.stem = Stem()
        self.head = nn.Linear(2, 1)
        self.register_buffer('cache', torch.zeros(2), persistent=False)
        self.register_buffer('nothing', None)

    def forward(self, x):
        y = self.stem(x - self.mean.float())
        return self.head(y.mean((2, 3)))


net = Net()
print([name for name, _ in net.named_buffers()])
print([tuple(b.shape) for b in net.buffers()])
print([name for name, _ in net.named_buffers(prefix='model')])
print([name for name, _ in net.named_buffers(recurse=False)])
print(list(net.state_dict().keys()))
print(net.nothing, net.cache)

# values through a state dict
sd = net.state_dict()
sd['stem.conv.weight'] = torch.tensor([[[[1.0]]], [[[-2.0]]]])
sd['stem.conv.bias'] = torch.tensor([0.5, 0.25])
sd['head.weight'] = torch.tensor([[1.0, 0.5]])
sd['head.bias'] = torch.tensor([0.1])
sd['mean'] = torch.tensor([1.0])
sd['stem.scale'] = torch.tensor([1.5, -1.0])
print(net.load_state_dict(sd))
print(net.mean, net.mean.dtype, net.stem.scale)
x = torch.tensor([[[[1.0, 2.0], [3.0, 4.0]]], [[[0.0, -1.0], [2.0, 5.0]]]])
print(net(x))
print(net(x))
print(net.stem.steps, net.state_dict()['stem.steps'])
print(net.stem.bn.running_mean)

# strict errors and the non-strict result
bad = dict(sd)
del bad['stem.scale']
bad['extra'] = torch.ones(1)
bad['cache'] = torch.ones(2)
try:
    net.load_state_dict(bad)
except RuntimeError as e:
    print(e)
print(net.load_state_dict(bad, strict=False))
wrong = dict(sd)
wrong['stem.scale'] = torch.ones(3)
try:
    net.load_state_dict(wrong)
except RuntimeError as e:
    print(e)

# register_buffer's checks
for name, value in [('a.b', torch.ones(1)), ('', torch.ones(1)), ('head', torch.ones(1)),
                    ('forward', torch.ones(1)), ('c', 3), ('d', [1.0])]:
    try:
        net.register_buffer(name, value)
    except (KeyError, TypeError) as e:
        print(type(e).__name__, e)

# re-registering a buffer keeps its place and changes persistence; None drops it from the lists
net.register_buffer('mean', torch.tensor([0.0]), persistent=False)
net.register_buffer('cache', torch.ones(2))
print(list(net.state_dict().keys()))
net.stem.scale = None
print([name for name, _ in net.named_buffers()])
net.stem.scale = torch.tensor([4.0, 5.0])
print([name for name, _ in net.named_buffers()], net.stem.scale)

# float() casts floating-point buffers (integer ones keep their dtype)
net.register_buffer('mean', torch.tensor([0.25], dtype=torch.float64))
net.float()
print(net.mean.dtype, net.stem.steps.dtype)

# a built-in layer takes a buffer too (after its own)
bn = nn.BatchNorm1d(2)
bn.register_buffer('extra', torch.tensor([7.0]))
print(list(bn.state_dict().keys()))
try:
    bn.extra = 'x'
except TypeError as e:
    print('TypeError', e)

# torch.nn's weighted losses keep their class weights as buffers
ce = nn.CrossEntropyLoss(weight=torch.tensor([1.0, 3.0]))
print(list(ce.state_dict().items()), [n for n, _ in nn.BCEWithLogitsLoss(pos_weight=torch.ones(2)).named_buffers()])
print(ce(torch.tensor([[0.2, 0.8], [1.5, -0.5]]), torch.tensor([1, 0])))
