# The objects torch.save writes in Tests/torch_save: run by torch (torch_files/) and by trick
# (trick_files/), both by tools/gen_torch_save_files.py, which checks that torch loads trick's
# files equal to its own; tests/torch_save_files.sh checks that trick still writes those bytes.
# The directory is $TORCH_SAVE_OUT.
import os
from collections import Counter, OrderedDict

import torch
import torch.nn as nn
from mmengine.optim.scheduler import CosineAnnealingLR, LinearLR, MultiStepLR, StepLR

OUT = os.environ['TORCH_SAVE_OUT']


def save(obj, name):
    torch.save(obj, os.path.join(OUT, name + '.pt'))


def model():
    m = nn.Sequential(nn.Conv2d(2, 3, 3, padding=1), nn.BatchNorm2d(3), nn.ReLU(), nn.Conv2d(3, 1, 1))
    with torch.no_grad():
        for i, p in enumerate(m.parameters()):
            p.copy_(torch.linspace(-0.4, 0.6, p.numel()).reshape(p.shape) / (i + 1))
    return m


def train(m, opt, steps=2):
    x = torch.linspace(-1.0, 1.0, 2 * 2 * 4 * 4).reshape(2, 2, 4, 4)
    for _ in range(steps):
        opt.zero_grad()
        m(x).square().mean().backward()
        opt.step()


# tensors of every dtype trick has, a scalar and empty ones
base = torch.arange(-6, 6).reshape(3, 4)
save({
    'float32': base.float() / 4,
    'float64': base.double() / 3,
    'float16': (base.float() / 8).half(),
    'bfloat16': (base.float() / 8).bfloat16(),
    'int64': base * 1000003,
    'int32': base.int() * 70001,
    'int16': base.short() * 501,
    'int8': base.to(torch.int8) * 20,
    'uint8': (base + 6).to(torch.uint8) * 20,
    'bool': base > 0,
    'scalar': torch.tensor(2.5),
    'int_scalar': torch.tensor(7),
    'empty': torch.zeros(0, 3),
    'empty_int': torch.zeros(2, 0, dtype=torch.int64),
    '4d': torch.arange(2 * 3 * 2 * 2, dtype=torch.float32).reshape(2, 3, 2, 2) - 5,
}, 'tensors')

# containers, numbers and strings of every size the pickle opcodes distinguish
shared = torch.tensor([1.0, -1.0])
save({
    'list': [1, -2, 3.5, 'héllo ✓', '', None, True, False],
    'tuple': (1, (2, 3), [], (), ('a',), (1, 2, 3, 4)),
    'dict': {1: 'one', 'two': {'three': [torch.tensor([3.0])]}, (4, 5): 'pair', 2.5: None},
    'ints': [0, 255, 256, 65535, 65536, 2 ** 31 - 1, 2 ** 31, -1, -2 ** 31, -2 ** 31 - 1, 2 ** 40, -2 ** 40, 2 ** 62, -2 ** 62 * 2],
    'floats': [0.1, -0.0, 1e300, -1e-300, float('inf'), float('-inf'), 1 / 3],
    'ordered': OrderedDict([('b', 1), ('a', shared)]),
    'shared': [shared, shared],
    'long_list': list(range(1500)),
    'long_dict': {str(i): i for i in range(1200)},
}, 'containers')

# a module's state dict after training steps (BatchNorm's running stats and num_batches_tracked),
# and the optimizers' state dicts
m = model()
sgd = torch.optim.SGD([{'params': m[0].parameters()}, {'params': list(m[1].parameters()) + list(m[3].parameters()), 'lr': 0.05}],
                      lr=0.1, momentum=0.9, weight_decay=1e-4, nesterov=True)
train(m, sgd)
save(m.state_dict(), 'module_state')
save(sgd.state_dict(), 'optimizer_sgd')
m2 = model()
adam = torch.optim.Adam(m2.parameters(), lr=0.01, betas=(0.8, 0.99), amsgrad=True)
train(m2, adam, steps=3)
save(adam.state_dict(), 'optimizer_adam')

# MMEngine schedulers' state dicts, in a checkpoint laid out as MMEngine's runner saves one
m3 = model()
opt = torch.optim.SGD(m3.parameters(), lr=0.1, momentum=0.9)
schedulers = [LinearLR(opt, start_factor=0.1, by_epoch=False, begin=0, end=3),
              StepLR(opt, step_size=2, gamma=0.5, begin=3, end=10, by_epoch=False),
              CosineAnnealingLR(opt, T_max=5, eta_min=1e-3, begin=10, end=15, by_epoch=False)]
for _ in range(6):
    train(m3, opt, steps=1)
    for s in schedulers:
        s.step()
save({
    'meta': {'epoch': 1, 'iter': 6, 'seed': 0, 'exp_name': 'toy'},
    'state_dict': m3.state_dict(),
    'optimizer': opt.state_dict(),
    'param_schedulers': [s.state_dict() for s in schedulers],
}, 'checkpoint')

# Parameters and tensors that require grad
p = nn.Parameter(torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
save({'param': p, 'frozen': nn.Parameter(torch.tensor([5.0]), requires_grad=False),
      'leaf': torch.tensor([0.5, 1.5], requires_grad=True), 'same_param': p}, 'parameters')

# a Counter (MMEngine's MultiStep schedulers keep their milestones in one) and a set: torch loads
# them with weights_only=False only (its weights-only unpickler allows neither)
opt4 = torch.optim.SGD(model().parameters(), lr=0.1)
multi = MultiStepLR(opt4, milestones=[2, 4, 4], gamma=0.5)
for _ in range(3):
    opt4.step()
    multi.step()
save({'multistep': multi.state_dict(), 'counter': Counter({'a': 2, 'b': 1}), 'set': {3, 1, 2}}, 'counter_set')
