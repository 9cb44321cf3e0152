# torch.median / torch.kthvalue as robust statistics in losses and post-processing: the lower
# median, ties (which index torch returns), dims, keepdim, negative dims, NaN, and gradients
import torch
x = torch.tensor([[3.0, 1.0, 2.0, 1.0, 3.0, 2.0], [5.0, 5.0, 5.0, 1.0, 1.0, 1.0], [0.5, -1.0, 7.0, 2.0, 2.0, 9.0]])
print(torch.median(x), x.median(), torch.median(x, 1), torch.median(x, dim=0), x.median(-1, keepdim=True))
v, i = torch.median(x, dim=1)
print(v, i)
print(torch.median(torch.tensor([1.0, 2.0, 2.0, 2.0, 3.0, 3.0]), 0), torch.median(torch.tensor([2, 1, 2, 3, 2, 3]), 0))
print(torch.median(torch.tensor([4.0, float('nan'), 1.0, float('nan')]), 0), torch.median(torch.tensor([4.0, float('nan'), 1.0])))
print(torch.median(torch.tensor(5.0)), torch.median(torch.tensor(5.0), 0), torch.median(torch.tensor([])))
for k in [1, 2, 3, 4, 6]:
    print(k, torch.kthvalue(x, k, 1), x.kthvalue(k, dim=1, keepdim=True).indices)
print(torch.kthvalue(x, 2, 0), torch.kthvalue(torch.tensor([1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]), 4))
print(torch.kthvalue(torch.tensor([3, 3, 1, 1, 2, 2, 3, 1, 2, 3, 1]), 6), torch.kthvalue(torch.tensor([2.0, float('nan'), 1.0]), 3))
r = torch.tensor([[2.0, 7.0, 7.0, 1.0, 7.0, 3.0, 7.0, 0.0], [1.0, 1.0, 2.0, 2.0, 1.0, 2.0, 1.0, 2.0]])
for k in range(1, 9):
    print(k, r.kthvalue(k).indices.tolist(), r.median(1).indices.tolist())
g = torch.tensor([[3.0, 1.0, 2.0, 1.0], [4.0, 4.0, 0.0, 4.0]], requires_grad=True)
m = g.median()
m.backward()
print(m, g.grad)
g.grad = None
vals, idx = g.median(dim=1)
(vals * torch.tensor([2.0, 3.0])).sum().backward()
print(vals, idx, g.grad)
g.grad = None
kv = g.kthvalue(3, dim=1).values
kv.sum().backward()
print(kv, g.grad)
for bad in [lambda: torch.kthvalue(x, 7, 1), lambda: torch.median(torch.ones(2, 0), 1)]:
    try:
        bad()
    except (RuntimeError, IndexError) as e:
        print(type(e).__name__)
