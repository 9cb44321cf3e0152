#!/usr/bin/env python3
"""Vectors for torch.nn.functional's activations and probability losses on autograd tensors
(Tests/golden/activation_loss_parity.trick), from the real torch 2.4.1:

    /work/refenv/bin/python tools/gen_activation_loss_vectors.py

Writes Tests/golden/data/activation_loss_vectors.json: per case the F function, its keyword
arguments, the tensor arguments (values, dtype, whether they require grad), torch's output, its
grad_fn name, an upstream gradient `up` and the gradient of `(out * up).sum()` for every
argument that requires grad.
"""
import json, os
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'Tests', 'golden', 'data', 'activation_loss_vectors.json')
g = torch.Generator().manual_seed(2024)
cases = []


def L(t):
    return t.detach().tolist()


def case(fn, tensors, kwargs=None, grad=('input',)):
    kwargs = kwargs or {}
    ins = {k: (v.clone().requires_grad_(k in grad) if v.dtype.is_floating_point else v) for k, v in tensors.items()}
    out = getattr(F, fn)(**ins, **kwargs)
    up = torch.rand(out.shape, generator=g, dtype=out.dtype) + 0.5
    (out * up).sum().backward()
    cases.append(dict(fn=fn, kwargs=kwargs,
                      tensors={k: dict(value=L(v), dtype=str(v.dtype).replace('torch.', ''), grad=k in grad) for k, v in tensors.items()},
                      out=L(out), grad_fn=type(out.grad_fn).__name__, up=L(up),
                      grads={k: L(ins[k].grad) for k in grad}))


def randn(*s, scale=1.0, dtype=torch.float32):
    return (torch.randn(*s, generator=g, dtype=torch.float64) * scale).to(dtype)


# activations: random values and the kinks (0, ±3, ±6, beyond softplus's threshold)
kinks = torch.tensor([-7.0, -6.0, -3.0, -1.0, 0.0, 1.0, 3.0, 6.0, 7.0, 25.0, -25.0, 0.5])
x = torch.cat([randn(24, scale=3), kinks]).reshape(4, 9)
for fn, kw in [('leaky_relu', {}), ('leaky_relu', {'negative_slope': 0.2}), ('gelu', {}), ('gelu', {'approximate': 'tanh'}),
               ('silu', {}), ('elu', {}), ('elu', {'alpha': 0.5}), ('selu', {}), ('relu6', {}),
               ('hardtanh', {'min_val': -2.0, 'max_val': 2.5}), ('hardswish', {}), ('hardsigmoid', {}), ('softplus', {}),
               ('softplus', {'beta': 2.0, 'threshold': 5.0}), ('logsigmoid', {}), ('mish', {})]:
    case(fn, {'input': x}, kw)
case('gelu', {'input': randn(3, 4, scale=2, dtype=torch.float64)})
case('silu', {'input': randn(2, 3, 2, 2, scale=2)})

# losses
logp = F.log_softmax(randn(6, 4, scale=2), dim=1)
y = torch.tensor([0, 3, 1, 2, 3, 1])
y_ign = torch.tensor([0, 3, -100, 2, 3, -100])
w = torch.tensor([0.5, 2.0, 1.0, 0.25])
for red in ['mean', 'sum', 'none']:
    case('nll_loss', {'input': logp, 'target': y}, {'reduction': red})
    case('nll_loss', {'input': logp, 'target': y_ign, 'weight': w}, {'reduction': red}, grad=('input',))
case('nll_loss', {'input': logp, 'target': torch.tensor([0, 3, 1, 2, 3, 7])}, {'ignore_index': 7})
logp4 = F.log_softmax(randn(2, 3, 4, 5, scale=2), dim=1)
y4 = torch.randint(0, 3, (2, 4, 5), generator=g)
y4[0, 1, :3] = 255
case('nll_loss', {'input': logp4, 'target': y4}, {'ignore_index': 255})
case('nll_loss', {'input': logp4, 'target': y4, 'weight': torch.tensor([1.0, 3.0, 0.5])}, {'ignore_index': 255})
case('nll_loss', {'input': logp4, 'target': y4}, {'ignore_index': 255, 'reduction': 'none'})
case('nll_loss', {'input': logp[0], 'target': torch.tensor(2)})

p = torch.sigmoid(randn(4, 5, scale=2))
p[0, 0], p[0, 1], p[1, 0], p[1, 1] = 0.0, 1.0, 1e-30, 1 - 1e-7
t = torch.rand(4, 5, generator=g)
t[0, 0], t[0, 1] = 1.0, 0.0   # log of 0: clamped to -100
for red in ['mean', 'sum', 'none']:
    case('binary_cross_entropy', {'input': p, 'target': t}, {'reduction': red})
case('binary_cross_entropy', {'input': p, 'target': (t > 0.5).float(), 'weight': torch.rand(4, 5, generator=g) + 0.5})
case('binary_cross_entropy', {'input': p, 'target': t, 'weight': torch.tensor([1.0, 2.0, 0.5, 1.5, 3.0])}, {'reduction': 'sum'})

q = F.log_softmax(randn(3, 5), dim=1)
tp = F.softmax(randn(3, 5), dim=1)
tp[0, 2] = 0.0
for red in ['batchmean', 'sum', 'mean', 'none']:
    case('kl_div', {'input': q, 'target': tp}, {'reduction': red}, grad=('input', 'target'))
case('kl_div', {'input': q, 'target': F.log_softmax(randn(3, 5), dim=1)}, {'reduction': 'batchmean', 'log_target': True}, grad=('input', 'target'))
case('kl_div', {'input': q, 'target': tp}, {'reduction': 'batchmean'})

a, b = randn(4, 6, scale=2), randn(4, 6, scale=2)
for red, delta in [('mean', 1.0), ('sum', 0.5), ('none', 2.0)]:
    case('huber_loss', {'input': a, 'target': b}, {'reduction': red, 'delta': delta}, grad=('input', 'target'))
case('huber_loss', {'input': a, 'target': randn(6, scale=2)}, {}, grad=('input', 'target'))

case('cosine_similarity', {'x1': randn(5, 8), 'x2': randn(5, 8)}, {}, grad=('x1', 'x2'))
case('cosine_similarity', {'x1': randn(3, 4, 2), 'x2': randn(3, 4, 2)}, {'dim': -1}, grad=('x1', 'x2'))
case('cosine_similarity', {'x1': randn(1, 6), 'x2': randn(4, 6)}, {'dim': 1}, grad=('x1', 'x2'))
zero = randn(3, 4)
zero[1] = 0
case('cosine_similarity', {'x1': zero, 'x2': randn(3, 4)}, {'eps': 1e-6}, grad=('x1', 'x2'))
case('cosine_similarity', {'x1': randn(4, 6), 'x2': randn(4, 6)}, {'dim': 0}, grad=('x1',))

# torch.erf (a torch function and a tensor method)
ex = randn(3, 4, scale=1.5).requires_grad_(True)
eo = torch.erf(ex)
eup = torch.rand(eo.shape, generator=g) + 0.5
(eo * eup).sum().backward()
erf = dict(x=L(ex), out=L(eo), up=L(eup), grad=L(ex.grad), grad_fn=type(eo.grad_fn).__name__)

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, 'w') as f:
    json.dump(dict(torch=torch.__version__, cases=cases, erf=erf), f)
print(len(cases), 'cases ->', os.path.relpath(OUT))
