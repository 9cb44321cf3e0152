#!/usr/bin/env python3
"""Vectors for the gradients of issue 17's second list (std/var, cumsum, sort/topk, bmm, chunk/
split/unbind, the elementwise math, F.normalize, F.pad, repeat, …) called as users write them in
torch code, from real torch 2.4.1 autograd:

    /work/refenv/bin/python tools/gen_grad_ops_vectors.py

Writes Tests/golden/data/grad_ops_vectors.json, read by Tests/golden/grad_ops_parity.trick. Each
case: the name of an op (the notebook's OPS table holds the same expression as CASES below), the
inputs (all require grad), the outputs (a tuple op gives several), each output's grad_fn name, the
output gradients fed to torch.autograd.backward and the inputs' gradients. Inputs are random, with
integer-valued ones for ties (sort, topk, maximum, std of equal values) and empty ones.
"""
import json, math, os
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'Tests', 'golden', 'data', 'grad_ops_vectors.json')
g = torch.Generator().manual_seed(1718)


def randn(*s, scale=1.0):
    return torch.randn(tuple(s), generator=g) * scale


def ints(lo, hi, *s):
    return torch.randint(lo, hi, s, generator=g).float()


def L(t):
    """Flat values (the shapes are written apart; non-finite floats as 'nan' / 'inf' / '-inf')."""
    v = t.detach().reshape(-1).tolist()
    return [x if math.isfinite(x) else str(x) for x in v] if t.dtype.is_floating_point else v


# name -> the expression the notebook's OPS table holds (same text)
CASES = {
    'std': 'lambda a: a.std()',
    'std_dim': 'lambda a: a.std(1)',
    'std_keepdim': 'lambda a: torch.std(a, dim=(0, 2), keepdim=True)',
    'std_biased': 'lambda a: a.std(dim=-1, unbiased=False)',
    'std_correction': 'lambda a: torch.std(a, 0, correction=2)',
    'var': 'lambda a: a.var()',
    'var_dim': 'lambda a: torch.var(a, 1, keepdim=True)',
    'var_biased': 'lambda a: a.var(0, unbiased=False)',
    'var_correction0': 'lambda a: a.var(dim=1, correction=0)',
    'cumsum': 'lambda a: a.cumsum(1)',
    'cumsum_dim0': 'lambda a: torch.cumsum(a, dim=0)',
    'sort': 'lambda a: a.sort(1)',
    'sort_desc': 'lambda a: torch.sort(a, dim=0, descending=True)',
    'sort_values': 'lambda a: a.sort(descending=True)[0]',
    'topk': 'lambda a: a.topk(3)',
    'topk_smallest': 'lambda a: torch.topk(a, 2, dim=0, largest=False)',
    'topk_values': 'lambda a: a.topk(2, dim=1)[0]',
    'bmm': 'lambda a, b: torch.bmm(a, b)',
    'bmm_method': 'lambda a, b: a.bmm(b)',
    'matmul_batched': 'lambda a, b: a @ b',
    'matmul_broadcast': 'lambda a, b: torch.matmul(a, b)',
    'chunk': 'lambda a: a.chunk(3, dim=1)',
    'chunk_fn': 'lambda a: torch.chunk(a, 2)',
    'split': 'lambda a: a.split(2, dim=1)',
    'split_sizes': 'lambda a: torch.split(a, [1, 3], dim=0)',
    'unbind': 'lambda a: a.unbind(1)',
    'unbind_fn': 'lambda a: torch.unbind(a)',
    'narrow': 'lambda a: a.narrow(1, 1, 2)',
    'sin': 'lambda a: torch.sin(a)',
    'cos': 'lambda a: a.cos()',
    'tan': 'lambda a: a.tan()',
    'log1p': 'lambda a: torch.log1p(a)',
    'expm1': 'lambda a: a.expm1()',
    'exp2': 'lambda a: torch.exp2(a)',
    'log2': 'lambda a: a.log2()',
    'log10': 'lambda a: torch.log10(a)',
    'rsqrt': 'lambda a: a.rsqrt()',
    'reciprocal': 'lambda a: torch.reciprocal(a)',
    'neg': 'lambda a: -a',
    'sign': 'lambda a: a.sign()',
    'floor': 'lambda a: torch.floor(a)',
    'ceil': 'lambda a: a.ceil()',
    'round': 'lambda a: a.round()',
    'trunc': 'lambda a: torch.trunc(a)',
    'square': 'lambda a: a.square()',
    'maximum': 'lambda a, b: torch.maximum(a, b)',
    'minimum': 'lambda a, b: a.minimum(b)',
    'atan2': 'lambda a, b: torch.atan2(a, b)',
    'normalize': 'lambda a: F.normalize(a)',
    'normalize_dim': 'lambda a: F.normalize(a, p=2.0, dim=-1)',
    'normalize_p1': 'lambda a: F.normalize(a, p=1, dim=0)',
    'norm_dim': 'lambda a: a.norm(dim=1)',
    'norm_p1': 'lambda a: torch.norm(a, p=1, dim=0, keepdim=True)',
    'pad': 'lambda a: F.pad(a, (1, 2))',
    'pad_value': 'lambda a: F.pad(a, (0, 1, 2, 0), value=-1.5)',
    'pad_crop': 'lambda a: F.pad(a, [-1, 1, 1, -2], mode="constant", value=0.5)',
    'flatten': 'lambda a: a.flatten(1)',
    'unflatten': 'lambda a: a.unflatten(1, (2, 3))',
    'squeeze_dim': 'lambda a: a.squeeze(1)',
    'unsqueeze': 'lambda a: torch.unsqueeze(a, -1)',
    'expand': 'lambda a: a.expand(2, -1, 4)',
    'repeat': 'lambda a: a.repeat(2, 1, 3)',
    'flip': 'lambda a: torch.flip(a, [0, 1])',
}

EMPTY = {'std_dim', 'var_dim', 'cumsum', 'sort', 'topk_values', 'sin', 'pad', 'repeat', 'chunk', 'normalize'}

cases = []


def case(name, *inputs, loose=False):
    fn = eval(CASES[name], {'torch': torch, 'F': F})
    ts = [t.clone().requires_grad_(True) for t in inputs]
    out = fn(*ts)
    outs = list(out) if isinstance(out, tuple) else [out]
    gos = [randn(*o.shape) for o in outs]
    torch.autograd.backward([o for o in outs if o.requires_grad], [go for o, go in zip(outs, gos) if o.requires_grad])
    cases.append(dict(
        name=name, loose=loose, tuple=isinstance(out, tuple),
        inputs=[L(t) for t in inputs], shapes=[list(t.shape) for t in inputs],
        outputs=[L(o) for o in outs], output_shapes=[list(o.shape) for o in outs],
        grad_fns=[type(o.grad_fn).__name__ if o.grad_fn is not None else None for o in outs],
        grad_outputs=[L(go) for go in gos], output_dtypes=[str(o.dtype).replace('torch.', '') for o in outs],
        grads=[L(t.grad) if t.grad is not None else None for t in ts]))


case('std', randn(3, 4))
case('std', torch.tensor([2.0]))                 # one element: nan, as torch
case('std', torch.full((2, 3), 1.5))             # std 0: zero gradient (masked), not nan
case('std_dim', randn(3, 5))
case('std_dim', ints(0, 2, 4, 3))                # ties, some rows constant
case('std_keepdim', randn(2, 3, 4))
case('std_biased', randn(3, 6, scale=3))
case('std_correction', randn(5, 2))
case('var', randn(7))
case('var', randn(6000), loose=True)             # a long reduction
case('var_dim', randn(3, 4))
case('var_biased', ints(0, 3, 5, 3))
case('var_correction0', randn(2, 5))
case('std_dim', torch.zeros(2, 0))
case('var_dim', torch.zeros(0, 3))
case('cumsum', randn(3, 5))
case('cumsum', torch.zeros(2, 0))
case('cumsum_dim0', randn(4, 2, 3))
for name in ['sort', 'sort_desc', 'sort_values']:
    case(name, ints(0, 4, 3, 6))                  # ties: the gradient follows torch's indices
    case(name, randn(5, 4))
case('sort', torch.zeros(2, 0))
for name in ['topk', 'topk_smallest', 'topk_values']:
    case(name, ints(0, 3, 4, 5))
    case(name, randn(4, 6))
case('topk_values', torch.zeros(3, 2))           # all tied
case('bmm', randn(2, 3, 4), randn(2, 4, 5))
case('bmm_method', randn(3, 2, 2), randn(3, 2, 6))
case('bmm', torch.zeros(0, 3, 4), torch.zeros(0, 4, 2))
case('matmul_batched', randn(2, 3, 4), randn(2, 4, 5))
case('matmul_broadcast', randn(2, 1, 3, 4), randn(5, 4, 2))
case('chunk', randn(2, 7))
case('chunk', torch.zeros(2, 0))
case('chunk_fn', randn(5, 3))
case('split', randn(3, 5))
case('split_sizes', randn(4, 2))
case('unbind', randn(2, 3))
case('unbind_fn', randn(3, 2, 2))
case('narrow', randn(3, 4))
for name in ['sin', 'cos', 'tan', 'expm1', 'exp2', 'neg', 'sign', 'floor', 'ceil', 'round', 'trunc', 'square']:
    case(name, randn(3, 4, scale=1.5))
case('sign', torch.tensor([-1.0, 0.0, 2.0, 0.0]))
case('round', torch.tensor([0.5, 1.5, 2.5, -0.5]))
case('sin', torch.zeros(0))
for name in ['log1p', 'log2', 'log10', 'rsqrt', 'reciprocal']:
    case(name, randn(3, 4).abs() + 0.1)
case('maximum', ints(0, 3, 3, 4), ints(0, 3, 4))
case('minimum', ints(0, 3, 3, 4), ints(0, 3, 3, 4))
case('atan2', randn(3, 4), randn(4))
case('normalize', randn(3, 4, 2))
case('normalize', torch.tensor([[0.0, 0.0], [3.0, 4.0]]))   # a zero row: eps clamps, gradient finite
case('normalize', torch.zeros(0, 3))
case('normalize_dim', randn(2, 5))
case('normalize_p1', randn(4, 3))
case('norm_dim', randn(3, 4))
case('norm_dim', torch.tensor([[0.0, 0.0, 0.0], [1.0, 2.0, 2.0]]))
case('norm_p1', randn(3, 4))
case('pad', randn(2, 3))
case('pad', torch.zeros(2, 0))
case('pad_value', randn(2, 3, 4))
case('pad_crop', randn(2, 4, 5))
case('flatten', randn(2, 3, 4))
case('unflatten', randn(2, 6))
case('squeeze_dim', randn(3, 1, 2))
case('unsqueeze', randn(3, 2))
case('expand', randn(1, 3, 1))
case('repeat', randn(3, 2))
case('repeat', torch.zeros(0, 2))
case('flip', randn(3, 4))

assert set(CASES) == {c['name'] for c in cases}, set(CASES) - {c['name'] for c in cases}
with open(OUT, 'w') as f:
    json.dump(dict(cases=cases, ops=CASES), f, separators=(',', ':'))
print(f'wrote {len(cases)} cases to {os.path.relpath(OUT)}')
