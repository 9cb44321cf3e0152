import torch
a = torch.zeros(3)
b = a
b[0] = 1
print(a)
c = a
c += 2
print(a, c is a)
a.clamp_(max=2.5)
print(b)
lst = [torch.zeros(2), torch.ones(2)]
for p in lst:
    p += 1
print(lst)
d = {'seg': torch.tensor([0, 1, 0])}
seg = d['seg']
seg[seg == 0] = 255
print(d)
def normalize_(t):
    t.sub_(1) if hasattr(t, 'sub_') else None
    t.fill_(7)
x = torch.zeros(2)
normalize_(x)
print(x)
t = torch.zeros(2, 3)
t[0][1] = 5
t[1].fill_(3)
print(t)
i = torch.tensor([1, 2])
try:
    i += 0.5
except RuntimeError as e:
    print('RuntimeError:', e)
try:
    i += torch.tensor([[1, 2], [3, 4]])
except RuntimeError as e:
    print('RuntimeError:', e)
print(i)
y = x.fill_(3)
print(y is x, x)
print({x: 1}[x])
import copy
z = copy.deepcopy([x, x])
z[0][0] = 9
print(x, z, z[0] is z[1])
class M:
    def __init__(self):
        self.w = torch.zeros(2)
m = M()
w = m.w
m.w += 1
m.w[1] = 4
print(w)
tup = (torch.zeros(2),)
tup[0].add_(1) if hasattr(tup[0], 'add_') else tup[0].fill_(1)
print(tup)
x = torch.zeros(2, 3)
y = x
x.add_(1)
x.mul_(torch.tensor([1., 2., 3.]))
print(y)
f = x.sub_
f(1)
print(y)
x.copy_(torch.tensor([7, 8, 9]))
print(y, y.dtype)
z = torch.zeros(3)
z.unsqueeze_(0)
print(tuple(z.shape))
i = torch.tensor([1, 2, 3])
i.masked_fill_(i > 1, 0)
print(i)
try:
    i.add_(0.5)
except RuntimeError as e:
    print('RuntimeError:', e)
try:
    z.add_(torch.zeros(2, 3))
except RuntimeError as e:
    print('RuntimeError:', e)
w = torch.ones(3)
w.exp_().clamp_(max=2)
print(w)
out = torch.zeros(3, dtype=torch.bool)
torch.logical_not(torch.tensor([1., 0., 2.]), out=out)
print(out)
b = torch.ones(2)
r = b.add_(1)
print(r is b)
# numpy arrays are shared the same way; in-place arithmetic keeps the array's dtype
import numpy as np
a = np.zeros(3, dtype=np.float32)
b = a
b += 1
b[0] = 5
print(a, a.dtype)
img = np.full((2, 2), 10, dtype=np.uint8)
results = {'img': img}
results['img'] += 5
print(img, img.dtype)
ia = np.array([1, 2, 3])
try:
    ia += 0.5
except TypeError as e:
    print('TypeError (cannot cast)')
try:
    ia += np.zeros((2, 3), dtype=np.int64)
except ValueError as e:
    print('ValueError (non-broadcastable output)')
print(ia)
# a parameter-style update loop over tensors in a list changes the list's tensors
params = [torch.ones(2), torch.full((2,), 2.0)]
grads = [torch.tensor([0.5, 1.0]), torch.tensor([1.0, -1.0])]
for p, g in zip(params, grads):
    p -= 0.1 * g
print(params)
state = {}
for p in params:
    state[p] = {'step': 0}
for p in params:
    state[p]['step'] += 1
print([state[p]['step'] for p in params], params[0] in state, torch.ones(2) in state)
