# torch.optim.swa_utils on a user's module with registered buffers: AveragedModel with
# use_buffers=True averages them (floats and the integer counter as torch does), without it they
# follow the source model; the averaged copy's state dict; update_bn runs the class's forward.
import torch
from torch import nn
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn, update_bn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 2)
        self.bn = nn.BatchNorm1d(2, momentum=0.25)
        self.register_buffer('scale', torch.tensor([1.0, 2.0]))
        self.register_buffer('seen', torch.tensor(0))
        self.register_buffer('last', torch.zeros(2), persistent=False)

    def forward(self, x):
        self.seen = self.seen + x.shape[0]
        y = self.bn(self.fc(x)) * self.scale
        self.last = x.mean(0) * self.scale
        return y


net = Net()
sd = net.state_dict()
sd['fc.weight'] = torch.tensor([[0.5, -1.0], [2.0, 0.25]])
sd['fc.bias'] = torch.tensor([0.1, -0.2])
net.load_state_dict(sd)

swa = AveragedModel(net, use_buffers=True)
ema = AveragedModel(net, multi_avg_fn=get_ema_multi_avg_fn(0.75), use_buffers=True)
plain = AveragedModel(net)
batches = [torch.tensor([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]]),
           torch.tensor([[2.0, 0.0], [-1.0, 1.0]]),
           torch.tensor([[0.0, 4.0], [1.0, 1.0], [2.0, 2.0], [3.0, 0.0]])]
for i, x in enumerate(batches):
    net(x)
    net.scale = net.scale * 1.5 + i
    for m in (swa, ema, plain):
        m.update_parameters(net)

for name, m in [('swa', swa), ('ema', ema), ('plain', plain)]:
    print(name, [n for n, _ in m.module.named_buffers()])
    print(m.module.scale, m.module.seen, m.module.last)
    print(m.module.bn.running_mean, m.module.bn.num_batches_tracked)
print(list(swa.state_dict().keys()))

update_bn([x for x in batches], swa)
print(swa.module.bn.running_mean, swa.module.bn.running_var, swa.module.seen)
print(swa(batches[0]))
