import torch
import torch.nn as nn
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 1, 1)
        self.register_buffer('buf', torch.zeros(2))
        self.num_classes = 19
        self.names = ['a']
        self.cfg = dict(x=1)
m = M()
print(m.num_classes, m.names, m.cfg)
def set_buf(): m.buf = 3
def set_conv(): m.conv = 3
def set_weight(): m.conv.weight = 3
for bad in [set_buf, set_conv, set_weight]:
    try:
        bad()
    except TypeError as e:
        print('TypeError', e)
c = nn.Conv2d(1, 1, 1)
c.foo = 3
print(c.foo)
m.buf.add_(1)
print(m.buf, m.state_dict()['buf'])
