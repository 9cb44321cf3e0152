# Gradient hooks: a non-leaf's hook rescales what flows on (retain_grad sees it after the hook), a
# leaf's hook sees the sum of its gradients once, a removed hook no longer runs, a hook's return
# replaces the gradient, and a tensor without grad refuses one.
import torch
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * 2
y.retain_grad()
seen = []
hx = x.register_hook(lambda g: seen.append(('x', g.clone())))
y.register_hook(lambda g: g * 10)
z = (y ** 2).sum() + (x * x).sum()
z.backward()
print(y.grad, x.grad, seen)
hx.remove()
x.grad = None
(x * 3).sum().backward()
print(x.grad, len(seen))
w = torch.ones(2, requires_grad=True)
w.register_hook(lambda g: g.clamp(max=0.5))
(w * torch.tensor([0.2, 3.0])).sum().backward()
print(w.grad)
try:
    torch.ones(2).register_hook(print)
except RuntimeError as e:
    print('RuntimeError', e)
