# F.instance_norm / nn.InstanceNorm2d (style transfer, GAN discriminators, some seg heads) and
# reflection / replication padding (F.pad modes, nn.ReflectionPad2d / ReplicationPad2d), with
# gradients and running statistics
import torch
import torch.nn as nn
import torch.nn.functional as F
x = torch.tensor([[[[1.0, 2.0, 4.0], [3.0, 0.0, -1.0]], [[5.0, 5.0, 6.0], [7.0, 1.0, 2.0]]],
                  [[[0.5, 0.25, 1.0], [2.0, 3.0, 4.0]], [[-1.0, -2.0, 0.0], [1.0, 2.0, 9.0]]]])
print(F.instance_norm(x), F.instance_norm(x, eps=0.1)[1, 0])
w = torch.tensor([2.0, 0.5], requires_grad=True)
b = torch.tensor([0.1, -0.3], requires_grad=True)
xg = x.clone().requires_grad_(True)
y = F.instance_norm(xg, weight=w, bias=b)
(y * torch.arange(24.0).reshape(2, 2, 2, 3) / 10).sum().backward()
print(y.detach()[0, 1], xg.grad, w.grad, b.grad)
rm, rv = torch.zeros(2), torch.ones(2)
F.instance_norm(x, rm, rv, momentum=0.2)
print(rm, rv)
print(F.instance_norm(x, rm, rv, use_input_stats=False)[0, 0])
inorm = nn.InstanceNorm2d(2)
print(inorm, inorm(x)[1, 1], list(inorm.parameters()))
aff = nn.InstanceNorm2d(2, affine=True)
print(aff.weight, aff.bias)
out = aff(xg)
(out * torch.arange(24.0).reshape(2, 2, 2, 3)).sum().backward()
print(aff.weight.grad, aff.bias.grad)
tr = nn.InstanceNorm2d(2, track_running_stats=True)
tr(x)
print(tr.running_mean, tr.running_var)
tr.eval()
print(tr(x)[0, 0], nn.InstanceNorm1d(2)(x[0])[1])
img = torch.arange(12.0).reshape(1, 1, 3, 4)
print(F.pad(img, (1, 2, 2, 1), mode='reflect'), F.pad(img, (2, 1, 1, 0), mode='replicate'), F.pad(img, (1, 1, 1, 1), mode='circular'))
print(F.pad(torch.arange(5.0).reshape(1, 1, 5), (2, 3), mode='reflect'), F.pad(torch.arange(5.0).reshape(1, 1, 5), (3, 1), mode='replicate'))
print(nn.ReflectionPad2d(1), nn.ReflectionPad2d((1, 0, 2, 1))(img), nn.ReplicationPad2d((0, 2, 1, 0))(img), nn.ReflectionPad1d(2)(img[0]))
ig = img.clone().requires_grad_(True)
r = nn.ReflectionPad2d((2, 1, 1, 2))(ig)
print(r.grad_fn.name())
(r * torch.arange(r.numel(), dtype=torch.float32).reshape(r.shape)).sum().backward()
print(ig.grad)
ig.grad = None
r = F.pad(ig, (1, 2, 0, 2), mode='replicate')
print(r.grad_fn.name())
r.sum().backward()
print(ig.grad)
for bad in [lambda: F.pad(img, (4, 0, 0, 0), mode='reflect'), lambda: F.instance_norm(torch.ones(2, 3))]:
    try:
        bad()
    except (RuntimeError, ValueError) as e:
        print(type(e).__name__)
