# torch.load of files torch 2.4.1 wrote and of files trick wrote (Tests/torch_save, made by
# tools/gen_torch_save_files.py, which checks that torch loads trick's files equal to its own),
# then state dicts loaded into modules, optimizers and MMEngine schedulers that carry on from them,
# and torch.save / torch.load round trips.
import os
import tempfile
from collections import Counter, OrderedDict

import torch
import torch.nn as nn
from mmengine.optim.scheduler import CosineAnnealingLR, LinearLR, MultiStepLR, StepLR

FILES = os.path.join('..', 'torch_save')


def describe(obj, path='', depth=0):
    pad = '  ' * depth
    if isinstance(obj, torch.Tensor):
        kind = 'Parameter' if isinstance(obj, nn.Parameter) else 'Tensor'
        print(f'{pad}{path}: {kind} {obj.dtype} {tuple(obj.shape)} requires_grad={obj.requires_grad}')
        print(obj.detach().tolist() if obj.dtype not in (torch.float16, torch.bfloat16) else obj.detach().float().tolist())
    elif isinstance(obj, dict):
        print(f'{pad}{path}: {type(obj).__name__} of {len(obj)}')
        for i, (k, v) in enumerate(obj.items()):
            if i == 6 and len(obj) > 20:
                print(f'{pad}  ... {len(obj) - 7} more, last {list(obj.items())[-1]!r}')
                break
            describe(v, repr(k), depth + 1)
    elif isinstance(obj, (list, tuple)) and len(obj) > 8:
        print(f'{pad}{path}: {type(obj).__name__} of {len(obj)}: {obj[:4]!r} ... {obj[-2:]!r}, sum {sum(obj)}')
    elif isinstance(obj, (list, tuple)) and any(isinstance(x, (torch.Tensor, dict, list)) for x in obj):
        print(f'{pad}{path}: {type(obj).__name__} of {len(obj)}')
        for i, v in enumerate(obj):
            describe(v, str(i), depth + 1)
    elif isinstance(obj, set):
        print(f'{pad}{path}: set {sorted(obj)}')   # (trick's sets keep insertion order, CPython's hash order)
    else:
        print(f'{pad}{path}: {obj!r}')


for folder in ('torch_files', 'trick_files'):
    for name in ['tensors', 'containers', 'module_state', 'optimizer_sgd', 'optimizer_adam', 'checkpoint', 'parameters', 'counter_set']:
        print(f'== {folder}/{name}.pt')
        describe(torch.load(os.path.join(FILES, folder, name + '.pt'), map_location='cpu'))

# objects saved twice load as one object
c = torch.load(os.path.join(FILES, 'trick_files', 'containers.pt'), weights_only=True)
print(c['shared'][0] is c['shared'][1], c['ordered']['a'] is c['shared'][0])
p = torch.load(os.path.join(FILES, 'trick_files', 'parameters.pt'))
print(p['param'] is p['same_param'], type(p['param']).__name__, p['frozen'].requires_grad)

# views of one storage (offsets, strides, expand) and a pickle at protocol 4: torch's files only
for name in ['views', 'protocol4']:
    print(f'== torch_files/{name}.pt')
    describe(torch.load(os.path.join(FILES, 'torch_files', name + '.pt')))


def model():
    m = nn.Sequential(nn.Conv2d(2, 3, 3, padding=1), nn.BatchNorm2d(3), nn.ReLU(), nn.Conv2d(3, 1, 1))
    with torch.no_grad():
        for p in m.parameters():
            p.zero_()
    return m


x = torch.linspace(-1.0, 1.0, 2 * 2 * 4 * 4).reshape(2, 2, 4, 4)

# a module and its optimizer carry on from the saved state dicts
for folder in ('torch_files', 'trick_files'):
    m = model()
    print(m.load_state_dict(torch.load(os.path.join(FILES, folder, 'module_state.pt'))))
    sgd = torch.optim.SGD([{'params': m[0].parameters()}, {'params': list(m[1].parameters()) + list(m[3].parameters()), 'lr': 0.05}],
                          lr=0.1, momentum=0.9, weight_decay=1e-4, nesterov=True)
    sgd.load_state_dict(torch.load(os.path.join(FILES, folder, 'optimizer_sgd.pt'), weights_only=True))
    sgd.zero_grad()
    loss = m(x).square().mean()
    loss.backward()
    sgd.step()
    print(folder, round(loss.item(), 6), [round(p.sum().item(), 6) for p in m.parameters()])
    m.eval()
    print(m(x).sum().item())

# a checkpoint's schedulers carry on
for folder in ('torch_files', 'trick_files'):
    ckpt = torch.load(os.path.join(FILES, folder, 'checkpoint.pt'), map_location=torch.device('cpu'))
    m = model()
    m.load_state_dict(ckpt['state_dict'])
    opt = torch.optim.SGD(m.parameters(), lr=0.1, momentum=0.9)
    opt.load_state_dict(ckpt['optimizer'])
    schedulers = [LinearLR(opt, start_factor=0.1, by_epoch=False, begin=0, end=3),
                  StepLR(opt, step_size=2, gamma=0.5, begin=3, end=10, by_epoch=False),
                  CosineAnnealingLR(opt, T_max=5, eta_min=1e-3, begin=10, end=15, by_epoch=False)]
    for s, sd in zip(schedulers, ckpt['param_schedulers']):
        s.load_state_dict(sd)
    opt.param_groups[0]['lr'] = ckpt['optimizer']['param_groups'][0]['lr']
    lrs = []
    for _ in range(8):
        opt.step()
        for s in schedulers:
            s.step()
        lrs.append(round(opt.param_groups[0]['lr'], 8))
    print(folder, ckpt['meta'], lrs)
    multi = MultiStepLR(torch.optim.SGD(model().parameters(), lr=0.1), milestones=[1], gamma=0.1)
    multi.load_state_dict(torch.load(os.path.join(FILES, folder, 'counter_set.pt'))['multistep'])
    print(multi.milestones, multi.last_step, multi.get_last_value())

# round trips through torch.save / torch.load
with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, 'roundtrip.pth')
    w = torch.tensor([[1.5, -2.0], [0.25, 4.0]])
    obj = {'w': w, 'again': w, 'od': OrderedDict(a=1, b=[2, 3.5]), 'c': Counter('abca'), 'nested': [(1, 'x'), {'k': None}],
           'i': torch.tensor([1, 2, 3], dtype=torch.int32), 'b': torch.tensor([True, False]), 'h': torch.tensor([0.5, 1.5]).half()}
    torch.save(obj, path)
    back = torch.load(path)
    print(back)
    print(back['w'] is back['again'], type(back['od']).__name__, type(back['c']).__name__)
    m = model()
    torch.save(m.state_dict(), path)
    sd = torch.load(path, weights_only=True)
    print(type(sd).__name__, list(sd.keys()), sd['1.num_batches_tracked'])
