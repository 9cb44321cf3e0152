#!/usr/bin/env python3
"""Weight files written by the real libraries (numpy 1.26, safetensors 0.8, torch 2.4.1), read by
Tests/golden/state_files.trick:

    /work/refenv/bin/python tools/gen_state_file_vectors.py

Writes Tests/golden/data/state_files/:
- dtypes.safetensors: one tensor per safetensors dtype trick reads (F32 F64 F16 BF16 I64 I32 I16 I8
  U8 BOOL, a 0-d and an empty one) and __metadata__, by safetensors.torch.save_file;
- arrays.npz (np.savez: stored, zip64 extra fields) and arrays_compressed.npz (np.savez_compressed:
  deflated), positional and named arrays of several dtypes; one.npy (np.save), fortran.npy (a
  Fortran-ordered array), big_endian.npy ('>f8');
- net.safetensors / net.npz: the state_dict of a small torch net (conv, BatchNorm with its buffers,
  linear) after a few training steps, so its running statistics are not the defaults;
- expected.json: every array's values (flattened), shape and the dtype trick gives it, the
  net's input and output in eval mode, and the BatchNorm statistics update_bn(loader, swa_model)
  gives an AveragedModel of the net over a loader of (input, target) batches.
"""
import json, math, os
import numpy as np
import torch
import torch.nn as nn
from safetensors.torch import save_file

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'Tests', 'golden', 'data', 'state_files')
os.makedirs(OUT, exist_ok=True)
g = torch.Generator().manual_seed(2024)
rng = np.random.RandomState(7)


def flat(a):
    a = np.asarray(a)
    v = a.reshape(-1).tolist()
    return [x if not isinstance(x, float) or math.isfinite(x) else str(x) for x in v]


def trick_dtype(dt):
    """The dtype trick reads an array of numpy dtype `dt` as: its own, except uint16/32/64, which
    widen to int64 (trick has no such dtypes)."""
    dt = np.dtype(dt)
    if dt.kind == 'u' and dt.itemsize > 1:
        return 'int64'
    return 'bool' if dt.kind == 'b' else dt.name


expected = {}

# ---- safetensors, every dtype
st = {
    'f32': torch.randn(2, 3, generator=g),
    'f64': torch.randn(4, generator=g, dtype=torch.float64),
    'f16': (torch.randn(3, 2, generator=g) * 10).half(),
    'bf16': (torch.randn(5, generator=g) * 100).bfloat16(),
    'i64': torch.tensor([[-(2 ** 40), 3], [7, 2 ** 62]]),
    'i32': torch.tensor([-5, 0, 2 ** 31 - 1], dtype=torch.int32),
    'i16': torch.tensor([-300, 300], dtype=torch.int16),
    'i8': torch.tensor([-128, 127, 0], dtype=torch.int8),
    'u8': torch.tensor([[0, 255], [17, 128]], dtype=torch.uint8),
    'bool': torch.tensor([True, False, True]),
    'scalar': torch.tensor(3.5),
    'empty': torch.zeros(0, 4),
}
save_file(st, os.path.join(OUT, 'dtypes.safetensors'), metadata={'format': 'pt', 'note': 'trick "vectors"'})
expected['dtypes.safetensors'] = {k: dict(data=flat(v.float().numpy() if v.dtype in (torch.float16, torch.bfloat16) else v.numpy()),
                                          shape=list(v.shape), dtype=str(v.dtype).replace('torch.', ''))
                                  for k, v in st.items()}

# ---- npz / npy
arrays = [rng.randn(3, 4).astype(np.float32), np.arange(6, dtype=np.int64).reshape(2, 3)]
named = {'weights': rng.randn(5).astype(np.float64), 'mask': rng.rand(2, 2) > 0.5, 'small': np.array([1, -2, 3], dtype=np.int32),
         'bytes': np.array([0, 200, 255], dtype=np.uint8), 'half': rng.randn(3).astype(np.float16), 'scalar': np.float32(2.25),
         'empty': np.zeros((0, 2), dtype=np.float32)}
np.savez(os.path.join(OUT, 'arrays.npz'), *arrays, **named)
np.savez_compressed(os.path.join(OUT, 'arrays_compressed.npz'), *arrays, **named)
everything = {f'arr_{i}': a for i, a in enumerate(arrays)}
everything.update({k: np.asarray(v) for k, v in named.items()})
for f in ['arrays.npz', 'arrays_compressed.npz']:
    expected[f] = {k: dict(data=flat(v.astype(np.float32) if v.dtype == np.float16 else v), shape=list(v.shape), dtype=trick_dtype(v.dtype))
                   for k, v in everything.items()}
one = rng.randn(2, 3).astype(np.float32)
np.save(os.path.join(OUT, 'one.npy'), one)
fortran = np.asfortranarray(rng.randn(3, 4))
np.save(os.path.join(OUT, 'fortran.npy'), fortran)
big = rng.randn(2, 2).astype('>f8')
np.save(os.path.join(OUT, 'big_endian.npy'), big)
for f, a in [('one.npy', one), ('fortran.npy', fortran), ('big_endian.npy', big)]:
    expected[f] = dict(data=flat(a), shape=list(a.shape), dtype=trick_dtype(a.dtype))


# ---- a torch net's weights
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
        return self.fc(torch.relu(self.bn(self.conv(x))).mean((2, 3)))


torch.manual_seed(5)
net = Net()
opt = torch.optim.SGD(net.parameters(), lr=0.1)
for _ in range(3):
    x = torch.randn(4, 3, 6, 6, generator=g)
    loss = net(x).pow(2).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
net.eval()
x = torch.randn(2, 3, 6, 6, generator=g)
with torch.no_grad():
    y = net(x)
sd = {k: v.detach().clone() for k, v in net.state_dict().items()}
save_file(sd, os.path.join(OUT, 'net.safetensors'))
np.savez(os.path.join(OUT, 'net.npz'), **{k: v.numpy() for k, v in sd.items()})
expected['net'] = dict(keys=list(sd), x=flat(x.numpy()), x_shape=list(x.shape), y=flat(y.numpy()), y_shape=list(y.shape))

# torch.optim.swa_utils on the loaded net: AveragedModel, then update_bn(loader, swa) calling swa(input)
from torch.optim.swa_utils import AveragedModel, update_bn
swa = AveragedModel(net)
swa.update_parameters(net)
batches = [torch.randn(3, 3, 6, 6, generator=g) for _ in range(3)]
update_bn([(b, torch.zeros(3)) for b in batches], swa)
expected['update_bn'] = dict(batches=[flat(b.numpy()) for b in batches], shape=[3, 3, 6, 6],
                             running_mean=flat(swa.module.bn.running_mean.numpy()), running_var=flat(swa.module.bn.running_var.numpy()),
                             training=swa.training)

with open(os.path.join(OUT, 'expected.json'), 'w') as f:
    json.dump(expected, f, separators=(',', ':'))
print('wrote', sorted(os.listdir(OUT)))
