import torch
import torch.nn as nn
import torch.nn.functional as F

class Head(nn.Module):
    def __init__(self, cin, ncls):
        super().__init__()
        self.conv = nn.Conv2d(cin, 4, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(4)
        self.cls = nn.Conv2d(4, ncls, 1)

    def forward(self, x):
        x = F.relu(self.bn(self.conv(x)))
        x = F.adaptive_avg_pool2d(x, 2) if False else x
        return self.cls(x) * 2.0

torch.manual_seed(0)
net = Head(3, 2)
with torch.no_grad():
    for name, p in net.named_parameters():
        p.copy_(torch.arange(p.numel(), dtype=torch.float32).reshape(p.shape) / (10 * p.numel()) - 0.05)
x = torch.arange(2 * 3 * 5 * 5, dtype=torch.float32).reshape(2, 3, 5, 5) / 150.0
y = (torch.arange(50).reshape(2, 5, 5) % 2)
opt = torch.optim.AdamW([{'params': net.conv.parameters(), 'lr': 1e-3},
                         {'params': list(net.bn.parameters()) + list(net.cls.parameters()), 'lr': 1e-2}], weight_decay=0.01)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=4)
for it in range(4):
    logits = net(x)
    logits = F.interpolate(logits, size=(5, 5), mode='bilinear', align_corners=False)
    loss = F.cross_entropy(logits, y, weight=torch.tensor([1.0, 2.0]))
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(net.parameters(), max_norm=1.0)
    opt.step()
    sched.step()
    print(it, f'{loss.item():.5f}', [round(g['lr'], 6) for g in opt.param_groups])
print(net.bn.running_mean, net.bn.num_batches_tracked)
print(sorted(net.state_dict().keys()))
net.eval()
with torch.no_grad():
    print(net(x).argmax(1)[0])
from torch.nn.utils import clip_grad_value_, parameters_to_vector, vector_to_parameters
from torch.nn.utils.clip_grad import clip_grad_norm_
net.train()
loss = F.cross_entropy(net(x), y)
net.zero_grad()
loss.backward()
clip_grad_value_(net.parameters(), clip_value=0.01)
print(net.cls.bias.grad)
print(f"{clip_grad_norm_(net.parameters(), max_norm=0.02, norm_type=1.0).item():.6f}", net.cls.bias.grad)
vec = parameters_to_vector(net.parameters())
print(tuple(vec.shape), f"{vec.sum().item():.5f}")
vector_to_parameters(torch.zeros_like(vec), net.parameters())
print(net.cls.weight.view(-1), net.conv.weight.abs().sum())
