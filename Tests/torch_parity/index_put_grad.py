# item assignment recorded by autograd: a computed loss masked in place, a plain tensor given
# values that require grad (torchvision's box-loss helpers), at module level, in a dict, on self
import torch
import torch.nn.functional as F
logits = torch.tensor([[0.2, 1.0, -0.5], [0.5, -1.0, 0.3], [1.5, 0.1, 0.2], [-0.3, 0.7, 0.0]], requires_grad=True)
target = torch.tensor([1, 0, 2, 1])
loss = F.cross_entropy(logits, target, reduction='none')
loss[target == 0] = 0
loss.sum().backward()
print(loss.detach(), logits.grad)
w = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = w * 2
y[1] = w[0] * 5
y[torch.tensor([True, False, True])] *= 3
y.sum().backward()
print(y, w.grad)
x1 = torch.tensor([0.0, 5.0, 20.0], requires_grad=True)
x2 = torch.tensor([10.0, 8.0, 22.0], requires_grad=True)
inter = torch.zeros_like(x1)
mask = x2 - x1 > 4
inter[mask] = (x2[mask] - x1[mask]) * 2
print(inter.requires_grad)
inter.sum().backward()
print(inter, x1.grad, x2.grad)
store = {'acc': torch.zeros(3)}
v = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
store['acc'][1:] = v[1:] ** 2
store['acc'].sum().backward()
print(store['acc'], v.grad)
class Acc:
    def __init__(self):
        self.buf = torch.zeros(2)
a = Acc()
p = torch.tensor([3.0, 4.0], requires_grad=True)
a.buf[0] = p[1] * p[0]
a.buf.sum().backward()
print(a.buf, p.grad)
def giou_like(b1, b2):
    area = torch.zeros(b1.shape[0])
    ok = b1[:, 2] > b2[:, 0]
    area[ok] = (b1[ok, 2] - b2[ok, 0]).clamp(min=0)
    return area
b = torch.tensor([[0., 0., 10., 10.], [5., 5., 8., 9.]], requires_grad=True)
out = giou_like(b, torch.tensor([[2., 2., 12., 12.], [20., 20., 30., 30.]]))
out.sum().backward()
print(out, b.grad)
