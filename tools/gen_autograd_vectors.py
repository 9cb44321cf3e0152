#!/usr/bin/env python3
"""Generate the autograd test vectors: every op's output, grad_fn name and input gradients from
real torch autograd (torch 2.4.1 CPU), plus torch's error messages and a small conv net.

    /work/refenv/bin/python tools/gen_autograd_vectors.py

Writes JSON to Tests/TrickCoreTests/Fixtures/autograd/:
- ops.json: one case per op call: {"op", "args", "inputs": [{"name", "tensor", "grad"}],
  "output", "grad_fn", "grad_output", "grads": {name: tensor}} — the Swift test runs the same op
  on the same inputs, backpropagates the same grad_output and compares.
- messages.json: the texts of torch's autograd errors and warnings.
- seg_losses.json: mmseg CrossEntropyLoss / DiceLoss / TverskyLoss / FocalLoss, torchvision sigmoid_focal_loss, mmdet
  IoULoss / GIoULoss: loss and
  the gradient of the prediction.
- decode_head.json: mmseg FCNHead.loss_by_feat (resize, OHEM weights, losses) and the gradient
  of seg_logits.
- convnet.json: conv-BN-ReLU x3, a 1x1 head, bilinear upsampling, CE with ignore 255: weights,
  input, labels, loss, every parameter's gradient and the updated running statistics.
"""
import json, math, os, warnings
import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'Tests', 'TrickCoreTests', 'Fixtures', 'autograd')
os.makedirs(OUT, exist_ok=True)
g = torch.Generator().manual_seed(1717)


def T(t):
    dt = {torch.float32: 'float32', torch.float64: 'float64', torch.int64: 'int64', torch.bool: 'bool'}[t.dtype]
    data = t.detach().reshape(-1)
    if t.dtype == torch.float32:
        # the shortest decimal that reads back as the same float32 (keeps the files small, loses nothing)
        data = [float(str(v)) for v in data.numpy()]
    else:
        data = data.tolist()
    if t.dtype.is_floating_point:   # JSON has no NaN / inf: they are written as strings
        data = [v if math.isfinite(v) else str(v) for v in data]
    return {'shape': list(t.shape), 'dtype': dt, 'data': data}


def randn(*s, scale=1.0):
    return torch.randn(*s, generator=g) * scale


def ints(lo, hi, *s):
    """Integer-valued floats: many ties."""
    return torch.randint(lo, hi, s, generator=g).float()


cases = []


def case(op, args, inputs, fn, grad_output=True):
    """inputs: list of (name, tensor, requires_grad). fn(*tensors) -> output tensor."""
    ts = []
    for name, t, rg in inputs:
        t = t.clone()
        if rg:
            t.requires_grad_(True)
        ts.append(t)
    out = fn(*ts)
    entry = {'op': op, 'args': args,
             'inputs': [{'name': n, 'tensor': T(t), 'grad': rg} for (n, t, rg) in inputs],
             'output': T(out), 'grad_fn': type(out.grad_fn).__name__ if out.grad_fn is not None else None}
    go = randn(*out.shape) if grad_output and out.dim() > 0 else torch.ones_like(out)
    entry['grad_output'] = T(go)
    out.backward(go)
    entry['grads'] = {n: (T(t.grad) if t.grad is not None else None) for (n, _, rg), t in zip(inputs, ts) if rg}
    cases.append(entry)


# ---- elementwise arithmetic with broadcasting
for op, f in [('add', torch.add), ('sub', torch.sub), ('mul', torch.mul), ('div', torch.div)]:
    case(op, {}, [('a', randn(2, 3, 4), True), ('b', randn(3, 1) + (3 if op == 'div' else 0), True)], f)
    case(op, {}, [('a', randn(4), True), ('b', randn(2, 1, 4) + (3 if op == 'div' else 0), True)], f)
    case(op, {}, [('a', randn(3, 2), True), ('b', randn(3, 2), False)], f)
for op, s, f in [('add_scalar', 2.5, lambda a: a + 2.5), ('sub_scalar', 1.5, lambda a: a - 1.5),
                 ('rsub_scalar', 2.0, lambda a: 2.0 - a), ('mul_scalar', -3.0, lambda a: a * -3.0),
                 ('div_scalar', 4.0, lambda a: a / 4.0)]:
    case(op, {'s': s}, [('a', randn(2, 3), True)], f)
case('neg', {}, [('a', randn(5), True)], torch.neg)
case('reciprocal', {}, [('a', randn(5) + 3, True)], torch.reciprocal)
for e in [2.0, 3.0, 0.5, 0.0, -1.5]:
    base = randn(2, 3).abs() + 0.5 if e in (0.5, -1.5) else randn(2, 3)
    case('pow_scalar', {'e': e}, [('a', base, True)], lambda a, e=e: a ** e)
case('pow_tensor', {}, [('a', randn(2, 3).abs() + 0.2, True), ('b', randn(2, 3), True)], torch.pow)
case('pow_tensor', {}, [('a', torch.tensor([0., 0., 2., 3.]), True), ('b', torch.tensor([0., 2., 0., -1.]), True)], torch.pow)
case('maximum', {}, [('a', ints(0, 3, 3, 4), True), ('b', ints(0, 3, 3, 4), True)], torch.maximum)
case('minimum', {}, [('a', ints(0, 3, 3, 4), True), ('b', ints(0, 3, 4), True)], torch.minimum)

# mixed and double precision: a float32 input of a float64 product gets a float32 gradient
case('mul', {}, [('a', randn(3, 4), True), ('b', randn(4).double(), True)], torch.mul)
case('div', {}, [('a', randn(2, 3).double(), True), ('b', randn(2, 3).double() + 3, True)], torch.div)
case('softmax', {'dim': 1}, [('a', randn(3, 5).double(), True)], lambda a: a.softmax(1))
case('matmul', {}, [('a', randn(3, 4).double(), True), ('b', randn(4, 2).double(), True)], torch.matmul)

# ---- unary
case('exp', {}, [('a', randn(3, 4), True)], torch.exp)
case('log', {}, [('a', randn(3, 4).abs() + 0.1, True)], torch.log)
case('sqrt', {}, [('a', randn(3, 4).abs() + 0.1, True)], torch.sqrt)
case('abs', {}, [('a', torch.tensor([-2., -0.5, 0., 0.5, 3.]), True)], torch.abs)
case('clamp', {'min': -0.5, 'max': 0.5}, [('a', torch.tensor([-1., -0.5, -0.2, 0., 0.5, 0.7]), True)], lambda a: a.clamp(-0.5, 0.5))
case('clamp', {'min': 0.0, 'max': None}, [('a', randn(3, 4), True)], lambda a: a.clamp(min=0.0))
case('clamp', {'min': None, 'max': 0.25}, [('a', randn(3, 4), True)], lambda a: a.clamp(max=0.25))
case('relu', {}, [('a', torch.tensor([-1., 0., 2., -3., 0.5]), True)], torch.relu)
case('relu', {}, [('a', randn(2, 3, 4), True)], torch.relu)
case('sigmoid', {}, [('a', randn(3, 4, scale=3), True)], torch.sigmoid)
case('tanh', {}, [('a', randn(3, 4, scale=2), True)], torch.tanh)
cond = randn(3, 4) > 0
case('where', {'cond': T(cond)}, [('a', randn(3, 4), True), ('b', randn(4), True)], lambda a, b: torch.where(cond, a, b))
case('softmax', {'dim': 1}, [('a', randn(3, 5, 2, scale=2), True)], lambda a: a.softmax(1))
case('softmax', {'dim': -1}, [('a', randn(4, 6, scale=2), True)], lambda a: a.softmax(-1))
case('log_softmax', {'dim': 1}, [('a', randn(3, 5, 2, scale=2), True)], lambda a: a.log_softmax(1))
case('log_softmax', {'dim': 0}, [('a', randn(7, scale=2), True)], lambda a: a.log_softmax(0))

# ---- reductions
case('sum', {'dims': None, 'keepdim': False}, [('a', randn(3, 4), True)], lambda a: a.sum())
case('sum', {'dims': [1], 'keepdim': False}, [('a', randn(2, 3, 4), True)], lambda a: a.sum(1))
case('sum', {'dims': [0, 2], 'keepdim': True}, [('a', randn(2, 3, 4), True)], lambda a: a.sum((0, 2), keepdim=True))
case('sum', {'dims': None, 'keepdim': False}, [('a', torch.zeros(0, 3), True)], lambda a: a.sum())
case('sum', {'dims': [0], 'keepdim': False}, [('a', torch.zeros(0, 3), True)], lambda a: a.sum(0))
case('mean', {'dims': None, 'keepdim': False}, [('a', randn(3, 4), True)], lambda a: a.mean())
case('mean', {'dims': [-1], 'keepdim': True}, [('a', randn(2, 3, 4), True)], lambda a: a.mean(-1, keepdim=True))
case('mean', {'dims': [0, 1], 'keepdim': False}, [('a', randn(2, 3, 4), True)], lambda a: a.mean((0, 1)))
case('mean', {'dims': None, 'keepdim': False}, [('a', randn(6000), True)], lambda a: a.mean())
for mx in [True, False]:
    name = 'max' if mx else 'min'
    red = torch.max if mx else torch.min
    case(name + '_dim', {'dim': 1, 'keepdim': False}, [('a', ints(0, 3, 3, 5), True)], lambda a: red(a, 1)[0])
    case(name + '_dim', {'dim': 0, 'keepdim': True}, [('a', ints(0, 2, 4, 3), True)], lambda a: red(a, 0, keepdim=True)[0])
    case(name + '_all', {}, [('a', ints(0, 3, 3, 4), True)], lambda a: red(a))
    case('a' + name, {'dims': [1], 'keepdim': False}, [('a', ints(0, 3, 3, 4), True)],
         lambda a: (a.amax if mx else a.amin)(1))
case('norm', {}, [('a', randn(3, 4), True)], lambda a: a.norm())

# ---- views and indexing
case('reshape', {'shape': [4, -1]}, [('a', randn(2, 3, 4), True)], lambda a: a.reshape(4, -1))
case('permute', {'dims': [2, 0, 1]}, [('a', randn(2, 3, 4), True)], lambda a: a.permute(2, 0, 1))
case('transpose', {'d0': 0, 'd1': 2}, [('a', randn(2, 3, 4), True)], lambda a: a.transpose(0, 2))
case('t', {}, [('a', randn(3, 4), True)], lambda a: a.t())
case('unsqueeze', {'dim': 1}, [('a', randn(3, 4), True)], lambda a: a.unsqueeze(1))
case('squeeze', {'dims': None}, [('a', randn(3, 1, 4), True)], lambda a: a.squeeze())
case('flatten', {'start': 1, 'end': -1}, [('a', randn(2, 3, 4), True)], lambda a: a.flatten(1))
case('expand', {'shape': [2, 3, 4]}, [('a', randn(3, 1), True)], lambda a: a.expand(2, 3, 4))
case('index', {'index': [{'slice': [1, 3, None]}, {'slice': [None, None, 2]}]}, [('a', randn(4, 5), True)], lambda a: a[1:3, ::2])
case('index', {'index': [{'int': 1}]}, [('a', randn(4, 5), True)], lambda a: a[1])
case('index', {'index': [{'slice': [None, None, None]}, {'int': -1}]}, [('a', randn(4, 5), True)], lambda a: a[:, -1])
idx = torch.tensor([0, 2, 2, 3, 0])
case('index', {'index': [{'tensor': T(idx)}]}, [('a', randn(4, 3), True)], lambda a: a[idx])
mask = randn(4, 3) > 0
case('index', {'index': [{'tensor': T(mask)}]}, [('a', randn(4, 3), True)], lambda a: a[mask])
case('index_select', {'dim': 1, 'index': T(torch.tensor([3, 0, 3, 1]))}, [('a', randn(3, 4), True)],
     lambda a: a.index_select(1, torch.tensor([3, 0, 3, 1])))
gi = torch.randint(0, 4, (3, 6), generator=g)
case('gather', {'dim': 1, 'index': T(gi)}, [('a', randn(3, 4), True)], lambda a: a.gather(1, gi))
mk = randn(4) > 0
case('masked_select', {'mask': T(mk)}, [('a', randn(3, 4), True)], lambda a: a.masked_select(mk))
case('cat', {'dim': 1}, [('a', randn(2, 3), True), ('b', randn(2, 2), True), ('c', randn(2, 1), False)], lambda a, b, c: torch.cat([a, b, c], 1))
case('stack', {'dim': 1}, [('a', randn(2, 3), True), ('b', randn(2, 3), True)], lambda a, b: torch.stack([a, b], 1))

# ---- matmul / linear
case('matmul', {}, [('a', randn(3, 4), True), ('b', randn(4, 5), True)], torch.matmul)
case('matmul', {}, [('a', randn(4), True), ('b', randn(4), True)], torch.matmul)
case('matmul', {}, [('a', randn(3, 4), True), ('b', randn(4), True)], torch.matmul)
case('matmul', {}, [('a', randn(2, 3, 4), True), ('b', randn(4, 5), True)], torch.matmul)
case('matmul', {}, [('a', randn(40, 130), True), ('b', randn(130, 50), True)], torch.matmul)
case('linear', {}, [('x', randn(5, 4), True), ('w', randn(3, 4), True), ('b', randn(3), True)], F.linear)
case('linear', {}, [('x', randn(5, 4), True), ('w', randn(3, 4), True)], F.linear)
case('linear', {}, [('x', randn(2, 5, 4), True), ('w', randn(3, 4), True), ('b', randn(3), True)], F.linear)

# ---- conv2d
def conv_case(n, c, h, w, o, k, bias=True, **kw):
    ins = [('x', randn(n, c, h, w), True), ('w', randn(o, c // kw.get('groups', 1), k, k, scale=0.3), True)]
    if bias:
        ins.append(('b', randn(o), True))
    args = {'stride': kw.get('stride', 1), 'padding': kw.get('padding', 0), 'dilation': kw.get('dilation', 1), 'groups': kw.get('groups', 1)}
    case('conv2d', args, ins, lambda *t: F.conv2d(*t, **kw))
conv_case(2, 3, 8, 8, 4, 3, padding=1)
conv_case(2, 3, 9, 7, 5, 3, stride=2, dilation=2, padding=2)
conv_case(1, 4, 6, 6, 6, 3, groups=2, padding=1)
conv_case(2, 4, 5, 5, 3, 1, bias=False)
conv_case(1, 2, 7, 7, 3, 2, stride=3)
conv_case(1, 16, 12, 12, 16, 3, groups=16, padding=1)

# ---- batch norm
for training in [True, False]:
    x = randn(4, 3, 5, 5, scale=2) + 1
    rm, rv = randn(3) * 0.1, randn(3).abs() + 0.5
    wgt, bs = randn(3), randn(3)
    rm2, rv2 = rm.clone(), rv.clone()
    case('batch_norm', {'training': training, 'momentum': 0.1, 'eps': 1e-5, 'running_mean': T(rm), 'running_var': T(rv)},
         [('x', x, True), ('w', wgt, True), ('b', bs, True)],
         lambda x, w, b: F.batch_norm(x, rm2, rv2, w, b, training=training, momentum=0.1, eps=1e-5))
    cases[-1]['running_mean_after'] = T(rm2)
    cases[-1]['running_var_after'] = T(rv2)
x2 = randn(6, 4)
rm, rv = torch.zeros(4), torch.ones(4)
case('batch_norm', {'training': True, 'momentum': 0.3, 'eps': 1e-3, 'running_mean': T(torch.zeros(4)), 'running_var': T(torch.ones(4))},
     [('x', x2, True)], lambda x: F.batch_norm(x, rm, rv, training=True, momentum=0.3, eps=1e-3))
cases[-1]['running_mean_after'] = T(rm)
cases[-1]['running_var_after'] = T(rv)

# ---- layer norm / group norm
case('layer_norm', {'shape': [6], 'eps': 1e-5}, [('x', randn(3, 4, 6, scale=2) + 1, True), ('w', randn(6), True), ('b', randn(6), True)],
     lambda x, w, b: F.layer_norm(x, [6], w, b))
case('layer_norm', {'shape': [4, 5], 'eps': 1e-3}, [('x', randn(2, 4, 5), True)], lambda x: F.layer_norm(x, [4, 5], eps=1e-3))
case('group_norm', {'groups': 2, 'eps': 1e-5}, [('x', randn(2, 6, 3, 4, scale=2), True), ('w', randn(6), True), ('b', randn(6), True)],
     lambda x, w, b: F.group_norm(x, 2, w, b))
case('group_norm', {'groups': 6, 'eps': 1e-5}, [('x', randn(2, 6, 5), True), ('w', randn(6), True), ('b', randn(6), False)],
     lambda x, w, b: F.group_norm(x, 6, w, b))

# ---- pooling
case('max_pool2d', {'kernel': [2, 2], 'stride': [2, 2], 'padding': [0, 0], 'dilation': [1, 1], 'ceil_mode': False},
     [('x', ints(0, 3, 2, 2, 6, 6), True)], lambda x: F.max_pool2d(x, 2))
case('max_pool2d', {'kernel': [3, 3], 'stride': [2, 2], 'padding': [1, 1], 'dilation': [1, 1], 'ceil_mode': False},
     [('x', randn(1, 3, 7, 7), True)], lambda x: F.max_pool2d(x, 3, 2, 1))
case('max_pool2d', {'kernel': [3, 3], 'stride': [2, 2], 'padding': [0, 0], 'dilation': [1, 1], 'ceil_mode': True},
     [('x', ints(0, 4, 1, 2, 8, 8), True)], lambda x: F.max_pool2d(x, 3, 2, ceil_mode=True))
case('max_pool2d', {'kernel': [2, 2], 'stride': [1, 1], 'padding': [0, 0], 'dilation': [2, 2], 'ceil_mode': False},
     [('x', randn(1, 2, 6, 6), True)], lambda x: F.max_pool2d(x, 2, 1, dilation=2))
case('avg_pool2d', {'kernel': [2, 2], 'stride': [2, 2], 'padding': [0, 0], 'ceil_mode': False, 'count_include_pad': True},
     [('x', randn(2, 2, 6, 6), True)], lambda x: F.avg_pool2d(x, 2))
case('avg_pool2d', {'kernel': [3, 3], 'stride': [2, 2], 'padding': [1, 1], 'ceil_mode': True, 'count_include_pad': False},
     [('x', randn(1, 2, 8, 7), True)], lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False))
case('avg_pool2d', {'kernel': [3, 3], 'stride': [2, 2], 'padding': [1, 1], 'ceil_mode': False, 'count_include_pad': True},
     [('x', randn(1, 2, 7, 7), True)], lambda x: F.avg_pool2d(x, 3, 2, 1))
for os_ in [[1, 1], [3, 5], [2, 2], [6, 4]]:
    case('adaptive_avg_pool2d', {'size': os_}, [('x', randn(2, 3, 7, 9), True)], lambda x, os_=os_: F.adaptive_avg_pool2d(x, os_))

# ---- interpolate
for mode, ac, size, sf in [('bilinear', False, [11, 13], None), ('bilinear', True, [11, 13], None),
                           ('bilinear', False, [3, 4], None), ('bilinear', True, [3, 2], None),
                           ('bilinear', False, [60, 70], None), ('bilinear', False, None, [2.0, 2.0]),
                           ('nearest', None, [11, 13], None), ('nearest', None, [3, 2], None),
                           ('nearest', None, None, [2.0, 3.0]), ('nearest', None, [64, 72], None)]:
    args = {'mode': mode, 'align_corners': ac, 'size': size, 'scale_factor': sf}
    kw = {'mode': mode}
    if ac is not None:
        kw['align_corners'] = ac
    if size:
        kw['size'] = size
    if sf:
        kw['scale_factor'] = sf
    case('interpolate', args, [('x', randn(1, 2, 6, 7) if size and size[0] > 50 else randn(2, 3, 6, 7), True)], lambda x, kw=kw: F.interpolate(x, **kw))

# ---- losses
def labels(*s, c, ign=None, p=0.25):
    y = torch.randint(0, c, s, generator=g)
    if ign is not None:
        y[torch.rand(*s, generator=g) < p] = ign
    return y

for red in ['mean', 'sum', 'none']:
    y = labels(6, c=5)
    case('cross_entropy', {'target': T(y), 'reduction': red, 'ignore_index': -100, 'label_smoothing': 0.0, 'weight': None},
         [('x', randn(6, 5, scale=2), True)], lambda x, y=y, red=red: F.cross_entropy(x, y, reduction=red))
    y = labels(2, 4, 5, c=4, ign=255)
    w = torch.rand(4, generator=g) + 0.5
    case('cross_entropy', {'target': T(y), 'reduction': red, 'ignore_index': 255, 'label_smoothing': 0.0, 'weight': T(w)},
         [('x', randn(2, 4, 4, 5, scale=2), True)], lambda x, y=y, w=w, red=red: F.cross_entropy(x, y, weight=w, ignore_index=255, reduction=red))
    case('cross_entropy', {'target': T(y), 'reduction': red, 'ignore_index': 255, 'label_smoothing': 0.1, 'weight': None},
         [('x', randn(2, 4, 4, 5, scale=2), True)], lambda x, y=y, red=red: F.cross_entropy(x, y, ignore_index=255, reduction=red, label_smoothing=0.1))
    case('cross_entropy', {'target': T(y), 'reduction': red, 'ignore_index': 255, 'label_smoothing': 0.2, 'weight': T(w)},
         [('x', randn(2, 4, 4, 5, scale=2), True)], lambda x, y=y, w=w, red=red: F.cross_entropy(x, y, weight=w, ignore_index=255, reduction=red, label_smoothing=0.2))
yi = torch.full((1, 3, 3), 255, dtype=torch.long)
case('cross_entropy', {'target': T(yi), 'reduction': 'mean', 'ignore_index': 255, 'label_smoothing': 0.0, 'weight': None},
     [('x', randn(1, 4, 3, 3), True)], lambda x: F.cross_entropy(x, yi, ignore_index=255))
case('cross_entropy', {'target': T(yi), 'reduction': 'sum', 'ignore_index': 255, 'label_smoothing': 0.0, 'weight': None},
     [('x', randn(1, 4, 3, 3), True)], lambda x: F.cross_entropy(x, yi, ignore_index=255, reduction='sum'))
ye = torch.zeros(0, dtype=torch.long)
case('cross_entropy', {'target': T(ye), 'reduction': 'sum', 'ignore_index': -100, 'label_smoothing': 0.0, 'weight': None},
     [('x', torch.zeros(0, 3), True)], lambda x: F.cross_entropy(x, ye, reduction='sum'))
for red in ['mean', 'sum', 'none']:
    t = torch.rand(3, 4, generator=g)
    case('bce_with_logits', {'target': T(t), 'reduction': red, 'weight': None, 'pos_weight': None},
         [('x', randn(3, 4, scale=3), True)], lambda x, t=t, red=red: F.binary_cross_entropy_with_logits(x, t, reduction=red))
    w, pw = torch.rand(4, generator=g), torch.rand(4, generator=g) * 3
    t = (torch.rand(3, 4, generator=g) > 0.5).float()
    case('bce_with_logits', {'target': T(t), 'reduction': red, 'weight': T(w), 'pos_weight': T(pw)},
         [('x', randn(3, 4, scale=3), True)], lambda x, t=t, w=w, pw=pw, red=red: F.binary_cross_entropy_with_logits(x, t, weight=w, pos_weight=pw, reduction=red))
    for beta in [1.0, 0.5]:
        case('smooth_l1', {'reduction': red, 'beta': beta}, [('x', randn(4, 5, scale=2), True), ('t', randn(4, 5), True)],
             lambda x, t, red=red, beta=beta: F.smooth_l1_loss(x, t, reduction=red, beta=beta))
    case('l1', {'reduction': red}, [('x', randn(4, 5), True), ('t', randn(4, 5), False)],
         lambda x, t, red=red: F.l1_loss(x, t, reduction=red))

# ---- composite: the gradient of a value used twice, through several ops
case('composite', {}, [('a', randn(3, 4), True), ('b', randn(4, 2), True)],
     lambda a, b: ((a @ b).tanh() * (a @ b)).sum(1).exp().mean())

with open(os.path.join(OUT, 'ops.json'), 'w') as f:
    json.dump(cases, f, separators=(',', ':'))
print('ops.json', len(cases))

# ---- segmentation losses (mmseg 1.2.2, torchvision 0.19.1)
from mmseg.models.losses import CrossEntropyLoss, DiceLoss, TverskyLoss
from torchvision.ops import sigmoid_focal_loss
seg = []
def seg_case(kind, cfg, call, pred, target):
    x = pred.clone().requires_grad_(True)
    if kind == 'CrossEntropyLoss':
        call = dict(call, ignore_index=255)   # what the decode head passes (the forward's default is -100)
    kw = {k: (torch.tensor(v) if k == 'weight' else v) for k, v in call.items()}
    if kind == 'CrossEntropyLoss':
        out = CrossEntropyLoss(**cfg)(x, target, **kw)
    elif kind == 'DiceLoss':
        out = DiceLoss(**cfg)(x, target, **kw)
    elif kind == 'TverskyLoss':
        out = TverskyLoss(**cfg)(x, target, **kw)
    elif kind == 'FocalLoss':
        out = focal_cuda_path(x, target, cfg, **kw)
    else:
        out = sigmoid_focal_loss(x, target, **cfg)
    go = randn(*out.shape) if out.dim() > 0 else torch.ones_like(out)
    out.backward(go)
    seg.append({'loss': kind, 'cfg': cfg, 'call': call, 'pred': T(pred), 'target': T(target), 'output': T(out),
                'grad_output': T(go), 'grad': T(x.grad)})
def focal_cuda_path(pred, target, cfg, weight=None, avg_factor=None, reduction_override=None, ignore_index=255):
    """mmseg 1.2.2 FocalLoss.forward with index labels as its CUDA branch runs it (one-hot over the
    C classes), through mmseg's own py_sigmoid_focal_loss (the CPU branch slices the one-hot wrongly,
    SPEC section 8; for a scalar alpha the CUDA kernel computes this same expression)."""
    from mmseg.models.losses.focal_loss import py_sigmoid_focal_loss
    shape = pred.shape
    c = shape[1]
    rows = pred.transpose(0, 1).reshape(c, -1).transpose(0, 1).contiguous()
    t = target.view(-1).contiguous()
    valid = (t != ignore_index).view(-1, 1)
    t = torch.where(t == ignore_index, t.new_tensor(0), t)
    one_hot = F.one_hot(t, num_classes=c + 1)[:, :c]
    reduction = reduction_override or cfg.get('reduction', 'mean')
    loss = cfg.get('loss_weight', 1.0) * py_sigmoid_focal_loss(
        rows, one_hot, None, weight, gamma=cfg.get('gamma', 2.0), alpha=cfg.get('alpha', 0.5),
        class_weight=cfg.get('class_weight'), valid_mask=valid, reduction=reduction, avg_factor=avg_factor)
    if reduction == 'none':
        loss = loss.transpose(0, 1).reshape(shape[1], shape[0], *shape[2:]).transpose(0, 1).contiguous()
    return loss


yl = labels(2, 5, 6, c=4, ign=255)
ynoign = labels(2, 5, 6, c=4)
cw = [0.8, 1.2, 0.5, 2.0]
seg_case('CrossEntropyLoss', {}, {}, randn(2, 4, 5, 6, scale=2), yl)
seg_case('CrossEntropyLoss', {'avg_non_ignore': True}, {}, randn(2, 4, 5, 6, scale=2), yl)
seg_case('CrossEntropyLoss', {'class_weight': cw}, {}, randn(2, 4, 5, 6, scale=2), ynoign)
seg_case('CrossEntropyLoss', {'class_weight': cw, 'loss_weight': 0.4}, {'reduction_override': 'sum'}, randn(2, 4, 5, 6, scale=2), yl)
seg_case('CrossEntropyLoss', {'loss_weight': 0.4}, {'weight': (torch.rand(2, 5, 6, generator=g) > 0.3).float().tolist()},
         randn(2, 4, 5, 6, scale=2), yl)
seg_case('CrossEntropyLoss', {}, {'avg_factor': 17.0}, randn(2, 4, 5, 6, scale=2), yl)
seg_case('CrossEntropyLoss', {'reduction': 'none'}, {}, randn(2, 4, 5, 6, scale=2), yl)
seg_case('CrossEntropyLoss', {'use_sigmoid': True}, {}, randn(2, 4, 5, 6, scale=2), yl)
seg_case('CrossEntropyLoss', {'use_sigmoid': True, 'avg_non_ignore': True, 'loss_weight': 0.5}, {},
         randn(2, 4, 5, 6, scale=2), yl)
seg_case('CrossEntropyLoss', {'use_sigmoid': True}, {}, randn(2, 1, 5, 6, scale=2), labels(2, 5, 6, c=2, ign=255))
seg_case('DiceLoss', {}, {}, randn(2, 4, 5, 6, scale=2), yl)
seg_case('DiceLoss', {'use_sigmoid': False, 'naive_dice': True, 'loss_weight': 3.0}, {}, randn(2, 4, 5, 6, scale=2), yl)
seg_case('DiceLoss', {'use_sigmoid': False, 'ignore_index': 0}, {'weight': [0.3, 1.5]}, randn(2, 4, 5, 6, scale=2), ynoign)
seg_case('DiceLoss', {'reduction': 'none'}, {}, randn(2, 4, 5, 6, scale=2), yl)
seg_case('TverskyLoss', {}, {}, randn(2, 4, 5, 6, scale=2), yl)
seg_case('TverskyLoss', {'class_weight': cw, 'ignore_index': 1, 'alpha': 0.4, 'beta': 0.6, 'smooth': 0.5, 'loss_weight': 2.0}, {},
         randn(2, 4, 5, 6, scale=2), ynoign)
seg_case('FocalLoss', {}, {}, randn(2, 4, 5, 6, scale=2), yl)
seg_case('FocalLoss', {'gamma': 1.5, 'alpha': 0.25, 'class_weight': cw, 'loss_weight': 2.0}, {'reduction_override': 'sum'},
         randn(2, 4, 5, 6, scale=2), yl)
seg_case('FocalLoss', {'reduction': 'none'}, {'weight': torch.rand(60, generator=g).tolist()}, randn(2, 4, 5, 6, scale=2), yl)
seg_case('FocalLoss', {}, {'avg_factor': 11.0}, randn(2, 4, 5, 6, scale=2), yl)
tf = (torch.rand(3, 7, generator=g) > 0.6).float()
for red in ['none', 'mean', 'sum']:
    seg_case('sigmoid_focal_loss', {'alpha': 0.25, 'gamma': 2, 'reduction': red}, {}, randn(3, 7, scale=2), tf)
seg_case('sigmoid_focal_loss', {'alpha': -1, 'gamma': 1.5, 'reduction': 'mean'}, {}, randn(3, 7, scale=2), tf)
# mmdet 3.3 IoULoss / GIoULoss on (n, 4) boxes (x1, y1, x2, y2), some disjoint, one identical pair
from mmdet.models.losses import IoULoss, GIoULoss
def boxes(n, scale=10.0):
    xy = torch.rand(n, 2, generator=g) * scale
    wh = torch.rand(n, 2, generator=g) * scale / 2 + 0.5
    return torch.cat([xy, xy + wh], 1)
bt = boxes(6)
bp = bt + randn(6, 4, scale=1.0)
bp[:, 2:] = torch.maximum(bp[:, 2:], bp[:, :2] + 0.2)
bp[0] = bt[0]              # identical boxes
bp[1] = bt[1] + 20.0       # disjoint boxes
def box_case(kind, cfg, call):
    x = bp.clone().requires_grad_(True)
    kw = {k: (torch.tensor(v) if k == 'weight' else v) for k, v in call.items()}
    out = (IoULoss if kind == 'IoULoss' else GIoULoss)(**cfg)(x, bt, **kw)
    go = randn(*out.shape) if out.dim() > 0 else torch.ones_like(out)
    out.backward(go)
    seg.append({'loss': kind, 'cfg': cfg, 'call': call, 'pred': T(bp), 'target': T(bt), 'output': T(out),
                'grad_output': T(go), 'grad': T(x.grad)})
with warnings.catch_warnings():
    warnings.simplefilter('ignore')
    box_case('IoULoss', {}, {})
    box_case('IoULoss', {'mode': 'linear', 'loss_weight': 2.0}, {'weight': [1.0, 0.5, 0.0, 2.0, 1.0, 1.0]})
    box_case('IoULoss', {'mode': 'square', 'reduction': 'none'}, {})
    box_case('IoULoss', {}, {'avg_factor': 4.0})
    box_case('GIoULoss', {}, {})
    box_case('GIoULoss', {'reduction': 'sum', 'loss_weight': 0.5}, {'weight': [1.0, 0.5, 0.0, 2.0, 1.0, 1.0]})
    box_case('GIoULoss', {'reduction': 'none'}, {})
    box_case('GIoULoss', {}, {'weight': [0.0] * 6})

with open(os.path.join(OUT, 'seg_losses.json'), 'w') as f:
    json.dump(seg, f, separators=(',', ':'))
print('seg_losses.json', len(seg))

# ---- mmseg decode head loss_by_feat: resize, OHEM weights, losses; the gradient of seg_logits
from mmseg.models.decode_heads import FCNHead
from mmseg.structures import SegDataSample
from mmengine.structures import PixelData
heads = []
def head_case(logit_hw, label_hw, C, loss_decode, sampler, ign, align, n=2):
    head = FCNHead(in_channels=4, channels=4, num_classes=C, loss_decode=loss_decode, sampler=sampler, ignore_index=ign,
                   align_corners=align)
    x = randn(n, C, *logit_hw, scale=2).requires_grad_(True)
    y = labels(n, *label_hw, c=C, ign=ign, p=0.15)
    samples = []
    for i in range(n):
        s = SegDataSample()
        s.gt_sem_seg = PixelData(data=y[i:i + 1])
        samples.append(s)
    losses = head.loss_by_feat(x, samples)
    total = sum(v for k, v in losses.items() if 'loss' in k)
    total.backward()
    heads.append(dict(loss_decode=loss_decode, sampler=sampler, ignore_index=ign, align_corners=align, x=T(x), y=T(y),
                      losses=[[k, T(v.detach())] for k, v in losses.items()], grad=T(x.grad)))
with warnings.catch_warnings():
    warnings.simplefilter('ignore')
    CE = dict(type='CrossEntropyLoss', loss_weight=1.0)
    head_case((3, 4), (6, 9), 4, CE, dict(type='OHEMPixelSampler', thresh=0.7, min_kept=20), 255, False)
    head_case((5, 5), (5, 5), 4, [CE], dict(type='OHEMPixelSampler', min_kept=10), 255, False)
    head_case((3, 4), (7, 7), 4, dict(type='CrossEntropyLoss', avg_non_ignore=True, class_weight=[0.5, 1.0, 1.5, 2.0]), None, 0, True)
    head_case((4, 4), (8, 8), 3, [dict(type='CrossEntropyLoss', loss_name='loss_ce', loss_weight=1.0),
                                  dict(type='CrossEntropyLoss', loss_name='loss_ce', loss_weight=0.4, avg_non_ignore=True),
                                  dict(type='DiceLoss', loss_name='loss_dice', loss_weight=2.0)], None, 255, False)
    head_case((3, 3), (5, 5), 3, [CE, dict(type='TverskyLoss', ignore_index=0, class_weight=[1.0, 2.0, 0.5], loss_name='loss_ce')], None, 0, False)
with open(os.path.join(OUT, 'decode_head.json'), 'w') as f:
    json.dump(heads, f, separators=(',', ':'))
print('decode_head.json', len(heads))

# ---- messages
msgs = {}
def catch(key, f):
    try:
        f()
    except RuntimeError as e:
        msgs[key] = str(e)
x = torch.randn(3, requires_grad=True)
def twice():
    y = (x * x).sum(); y.backward(); y.backward()
catch('freed_graph', twice)
catch('non_scalar', lambda: (x * x).backward())
def inplace():
    a = x.exp(); a.add_(1); a.sum().backward()
catch('inplace_exp', inplace)
def inplace_detached():
    leaf = torch.randn(3, requires_grad=True); y = leaf * leaf; leaf.detach().zero_(); y.sum().backward()
catch('inplace_leaf_detach', inplace_detached)
def leaf_inplace():
    torch.randn(2, 3, requires_grad=True).add_(1)
catch('leaf_inplace', leaf_inplace)
catch('no_grad_fn', lambda: torch.randn(3).sum().backward())
catch('unused', lambda: torch.autograd.grad((x * 2).sum(), [torch.randn(2, requires_grad=True)]))
catch('input_no_grad', lambda: torch.autograd.grad((x * 2).sum(), [torch.randn(2)]))
catch('shape_mismatch', lambda: (x * 2).backward(torch.ones(2)))
catch('integer_requires_grad', lambda: torch.ones(2, dtype=torch.long).requires_grad_())
catch('requires_grad_non_leaf', lambda: (x * 2).requires_grad_(False))
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter('always')
    (x * 2).grad
    msgs['non_leaf_grad'] = str(w[0].message)
# reprs: a leaf that requires grad, a computed tensor (x * 2), float64, a long one that wraps
reprs = []
for t in [torch.tensor([1., 2.5]), torch.tensor([1., 2.], dtype=torch.float64), torch.arange(24.).reshape(2, 12) * 1.37,
          torch.tensor(3.)]:
    leaf = t.clone().requires_grad_(True)
    reprs.append({'x': T(t), 'op': 'leaf', 'repr': repr(leaf)})
    reprs.append({'x': T(t), 'op': 'mul2', 'repr': repr(leaf * 2)})
    with torch.no_grad():
        reprs.append({'x': T(t), 'op': 'mul2_no_grad', 'repr': repr(leaf * 2)})
msgs['reprs'] = reprs
with open(os.path.join(OUT, 'messages.json'), 'w') as f:
    json.dump(msgs, f, indent=1)
print('messages.json', len(msgs))

# ---- the small conv net
torch.manual_seed(0)
class Net(nn.Module):
    def __init__(self, classes=5):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU())
        self.layer1 = nn.Sequential(nn.Conv2d(8, 16, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
        self.layer2 = nn.Sequential(nn.Conv2d(16, 16, 3, padding=2, dilation=2, bias=False), nn.BatchNorm2d(16), nn.ReLU())
        self.head = nn.Conv2d(16, classes, 1)
    def forward(self, x):
        y = self.head(self.layer2(self.layer1(self.stem(x))))
        return F.interpolate(y, size=x.shape[2:], mode='bilinear', align_corners=False)
net = Net()
for m in net.modules():   # non-trivial affine parameters
    if isinstance(m, nn.BatchNorm2d):
        nn.init.uniform_(m.weight, 0.5, 1.5); nn.init.uniform_(m.bias, -0.2, 0.2)
net.train()
x = randn(2, 3, 24, 20)
y = labels(2, 24, 20, c=5, ign=255, p=0.2)
params = {k: T(v) for k, v in net.state_dict().items() if v.dtype.is_floating_point}
logits = net(x)
loss = F.cross_entropy(logits, y, ignore_index=255)
loss.backward()
net_out = {'params': params, 'x': T(x), 'y': T(y), 'loss': loss.item(), 'logits': T(logits),
           'grads': {k: T(v.grad) for k, v in net.named_parameters()},
           'buffers_after': {k: T(v) for k, v in net.state_dict().items() if 'running' in k}}
with open(os.path.join(OUT, 'convnet.json'), 'w') as f:
    json.dump(net_out, f, separators=(',', ':'))
print('convnet.json', loss.item())
