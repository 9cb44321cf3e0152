#!/usr/bin/env python3
"""Generate test vectors for trick's losses / OHEM / decode-head / interpolate core.

Run with the reference environment (torch 2.4, mmsegmentation 1.2.2, mmengine 0.10):
    /work/refenv/bin/python tools/gen_losses_vectors.py
Writes JSON fixtures to Tests/TrickCoreTests/Fixtures/losses/.

Every expected value comes from running the real library, except where mmseg 1.2.2 crashes
(SPEC section 8): CrossEntropyLoss with class_weight and ignore labels outside [-C, C) (expected =
the class-weighted mean over non-ignored pixels, i.e. F.cross_entropy's weighted mean), and
FocalLoss with index labels on CPU (expected = mmseg's own CPU path fed the one-hot target over
the C classes, which is what the CUDA kernel computes; ignored rows are zero-weighted through the
equivalent valid mask).
"""
import json, os, warnings
import numpy as np
import torch
import torch.nn.functional as F

warnings.filterwarnings('ignore')
from mmseg.models.losses import CrossEntropyLoss, DiceLoss, FocalLoss, accuracy
from mmseg.structures.sampler import OHEMPixelSampler
from mmseg.models.decode_heads import FCNHead
from mmseg.structures import SegDataSample
from mmengine.structures import PixelData
from mmengine.model import BaseModel
from torchvision.ops import sigmoid_focal_loss

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'Tests', 'TrickCoreTests', 'Fixtures', 'losses')
os.makedirs(OUT, exist_ok=True)
g = torch.Generator().manual_seed(1234)


def T(t):
    if t is None:
        return None
    if isinstance(t, (float, int)):
        t = torch.tensor(t)
    dt = {torch.float32: 'float32', torch.float64: 'float64', torch.int64: 'int64', torch.bool: 'bool'}[t.dtype]
    return {'shape': list(t.shape), 'dtype': dt, 'data': t.reshape(-1).tolist()}


def randn(*s, scale=2.0):
    return (torch.randn(*s, generator=g) * scale).float()


def labels(n, h, w, c, ign=255, p_ign=0.2):
    y = torch.randint(0, c, (n, h, w), generator=g)
    if ign is not None and p_ign > 0:
        m = torch.rand(n, h, w, generator=g) < p_ign
        y[m] = ign
    return y


def dump(name, cases):
    with open(os.path.join(OUT, name), 'w') as f:
        json.dump(cases, f, separators=(',', ':'))
    print(name, len(cases))


# ---------------------------------------------------------------- torch cross_entropy
cases = []
for (shape, ign, red, useW, ls) in [((2, 5, 3, 4), 255, 'mean', False, 0.0), ((2, 5, 3, 4), 255, 'mean', True, 0.0),
                                    ((2, 5, 3, 4), 255, 'sum', True, 0.0), ((2, 5, 3, 4), 255, 'none', True, 0.0),
                                    ((2, 5, 3, 4), 255, 'mean', True, 0.2), ((2, 5, 3, 4), 255, 'mean', False, 0.1),
                                    ((2, 5, 3, 4), 255, 'none', True, 0.1), ((2, 5, 3, 4), 255, 'sum', False, 0.3),
                                    ((6, 4), -100, 'mean', False, 0.0), ((6, 4), 2, 'mean', True, 0.0),
                                    ((1, 3, 5), 0, 'none', False, 0.0)]:
    x = randn(*shape)
    n, c = shape[0], shape[1]
    y = torch.randint(0, c, (n,) + shape[2:], generator=g)
    if ign not in (-100,):
        y[torch.rand(y.shape, generator=g) < 0.25] = ign
    w = (torch.rand(c, generator=g) + 0.5) if useW else None
    out = F.cross_entropy(x, y, weight=w, ignore_index=ign, reduction=red, label_smoothing=ls)
    cases.append(dict(x=T(x), y=T(y), weight=T(w), ignore_index=ign, reduction=red, label_smoothing=ls, expected=T(out)))
# probability targets
x = randn(3, 4, 2, 2)
p = torch.softmax(randn(3, 4, 2, 2), 1)
for red, ls in [('mean', 0.0), ('sum', 0.1), ('none', 0.0)]:
    out = F.cross_entropy(x, p, reduction=red, label_smoothing=ls)
    cases.append(dict(x=T(x), y=T(p), weight=None, ignore_index=-100, reduction=red, label_smoothing=ls, expected=T(out)))
dump('torch_cross_entropy.json', cases)

# ---------------------------------------------------------------- mmseg CrossEntropyLoss
cases = []


def ce_case(cfg, x, y, weight=None, avg_factor=None, reduction_override=None, ignore_index=255):
    loss = CrossEntropyLoss(**cfg)
    kw = dict(weight=weight, avg_factor=avg_factor, reduction_override=reduction_override, ignore_index=ignore_index)
    note = 'mmseg'
    try:
        out = loss(x, y, **kw)
    except (IndexError, RuntimeError):
        # SPEC section 8: intended = weighted mean over non-ignored pixels
        cw = torch.tensor(cfg['class_weight'], dtype=torch.float32)
        l = F.cross_entropy(x, y, weight=cw, reduction='none', ignore_index=ignore_index)
        if weight is not None:
            l = l * weight
        valid = y != ignore_index
        out = cfg.get('loss_weight', 1.0) * (l.sum() / (cw[y[valid]].sum() + torch.finfo(torch.float32).eps))
        note = 'intended'
    cases.append(dict(cfg=cfg, x=T(x), y=T(y), weight=T(weight), avg_factor=avg_factor, reduction_override=reduction_override,
                      ignore_index=ignore_index, expected=T(out.detach()), note=note))


C = 5
for cfg in [dict(), dict(avg_non_ignore=True), dict(loss_weight=0.4), dict(reduction='sum'), dict(reduction='none'),
            dict(class_weight=[0.5, 1.0, 1.5, 2.0, 0.7]), dict(class_weight=[0.5, 1.0, 1.5, 2.0, 0.7], avg_non_ignore=True),
            dict(class_weight=[0.5, 1.0, 1.5, 2.0, 0.7], reduction='none'), dict(class_weight=[0.5, 1.0, 1.5, 2.0, 0.7], reduction='sum', loss_weight=2.0)]:
    x = randn(2, C, 3, 4)
    y = labels(2, 3, 4, C)
    ce_case(cfg, x, y)
    w = (torch.rand(2, 3, 4, generator=g) > 0.4).float()
    ce_case(cfg, x, y, weight=w)
# ignore index that is a class index (1.2.2 runs; cw[ign] counts without avg_non_ignore)
x = randn(2, C, 3, 4); y = labels(2, 3, 4, C, ign=None)
for cfg in [dict(class_weight=[0.5, 1.0, 1.5, 2.0, 0.7]), dict(class_weight=[0.5, 1.0, 1.5, 2.0, 0.7], avg_non_ignore=True), dict(avg_non_ignore=True)]:
    ce_case(cfg, x, y, ignore_index=0)
# explicit avg_factor and reduction_override
x = randn(2, C, 3, 4); y = labels(2, 3, 4, C)
ce_case(dict(), x, y, avg_factor=7.0)
ce_case(dict(), x, y, reduction_override='sum')
ce_case(dict(reduction='sum'), x, y, reduction_override='mean')
ce_case(dict(avg_non_ignore=True), x, y, reduction_override='none')
# all ignored
ce_case(dict(avg_non_ignore=True), x, torch.full((2, 3, 4), 255))
# (N, C) + (N)
ce_case(dict(avg_non_ignore=True), randn(7, 4), torch.tensor([0, 1, 2, 3, 255, 1, 0]))
# sigmoid path
for cfg in [dict(use_sigmoid=True), dict(use_sigmoid=True, avg_non_ignore=True), dict(use_sigmoid=True, reduction='none'),
            dict(use_sigmoid=True, reduction='sum', loss_weight=0.5)]:
    x = randn(2, 3, 2, 3); y = labels(2, 2, 3, 3)
    ce_case(cfg, x, y)
    ce_case(cfg, x, y, weight=torch.rand(2, 2, 3, generator=g))
# sigmoid with class_weight as pos_weight broadcasting along W (W == C)
x = randn(2, 3, 2, 3); y = labels(2, 2, 3, 3)
ce_case(dict(use_sigmoid=True, class_weight=[1.0, 2.0, 0.5]), x, y)
# binary head
x = randn(2, 1, 3, 3); y = labels(2, 3, 3, 2)
ce_case(dict(use_sigmoid=True), x, y)
ce_case(dict(use_sigmoid=True, avg_non_ignore=True), x, y)
dump('mmseg_cross_entropy.json', cases)

# ---------------------------------------------------------------- BCE with logits (torch)
cases = []
x = randn(3, 4); t = torch.rand(3, 4, generator=g)
for kw in [dict(), dict(reduction='sum'), dict(reduction='none'), dict(pos_weight=torch.tensor([1.0, 2.0, 0.5, 3.0])),
           dict(weight=torch.rand(3, 4, generator=g), reduction='mean')]:
    out = F.binary_cross_entropy_with_logits(x, t, **kw)
    cases.append(dict(x=T(x), t=T(t), weight=T(kw.get('weight')), pos_weight=T(kw.get('pos_weight')), reduction=kw.get('reduction', 'mean'), expected=T(out)))
dump('torch_bce.json', cases)

# ---------------------------------------------------------------- Dice (1.x)
cases = []
for cfg in [dict(), dict(naive_dice=True), dict(use_sigmoid=False), dict(use_sigmoid=False, naive_dice=True), dict(eps=0.01, loss_weight=3.0),
            dict(ignore_index=1), dict(activate=False), dict(reduction='none'), dict(reduction='sum'), dict(ignore_index=None)]:
    x = randn(2, 4, 3, 3); y = labels(2, 3, 3, 4)
    out = DiceLoss(**cfg)(x, y)
    cases.append(dict(cfg=cfg, x=T(x), y=T(y), weight=None, avg_factor=None, expected=T(out)))
x = randn(3, 4, 2, 2); y = labels(3, 2, 2, 4)
w = torch.rand(3, generator=g)
for cfg, kw in [(dict(), dict(weight=w)), (dict(), dict(avg_factor=2.0)), (dict(naive_dice=True), dict(weight=w, avg_factor=5.0))]:
    out = DiceLoss(**cfg)(x, y, **kw)
    cases.append(dict(cfg=cfg, x=T(x), y=T(y), weight=T(kw.get('weight')), avg_factor=kw.get('avg_factor'), expected=T(out)))
# soft target of the same shape
tt = torch.sigmoid(randn(3, 4, 2, 2))
out = DiceLoss()(x, tt)
cases.append(dict(cfg={}, x=T(x), y=T(tt), weight=None, avg_factor=None, expected=T(out)))
dump('mmseg_dice.json', cases)

# ---------------------------------------------------------------- Focal (mmseg) via one-hot targets (CPU path works for those)
cases = []
for cfg in [dict(), dict(gamma=1.0, alpha=0.25), dict(class_weight=[1.0, 2.0, 0.5, 1.5]), dict(reduction='sum'), dict(reduction='none'),
            dict(alpha=[0.1, 0.2, 0.3, 0.4]), dict(loss_weight=2.0, gamma=0.5)]:
    x = randn(2, 4, 3, 3)
    y = labels(2, 3, 3, 4)
    valid = y != 255
    y0 = torch.where(valid, y, torch.zeros_like(y))
    onehot = F.one_hot(y0, 4).permute(0, 3, 1, 2).float()
    # zero-weight the ignored rows exactly as the index path's valid mask does
    wrow = valid.reshape(-1).float()
    loss = FocalLoss(**cfg)
    out = loss(x, onehot, weight=wrow, ignore_index=255)
    cases.append(dict(cfg=cfg, x=T(x), y=T(y), expected=T(out.detach())))
dump('mmseg_focal.json', cases)

# ---------------------------------------------------------------- torchvision sigmoid_focal_loss
cases = []
for kw in [dict(), dict(reduction='mean'), dict(alpha=-1, gamma=1.5, reduction='sum'), dict(alpha=0.4, gamma=0.0, reduction='mean')]:
    x = randn(4, 5); t = (torch.rand(4, 5, generator=g) > 0.6).float()
    out = sigmoid_focal_loss(x, t, **kw)
    cases.append(dict(kw=kw, x=T(x), t=T(t), expected=T(out)))
dump('torchvision_focal.json', cases)


# ---------------------------------------------------------------- OHEM pixel sampler
class Ctx:
    def __init__(self, ignore_index, loss_decode):
        self.ignore_index = ignore_index
        self.loss_decode = loss_decode


cases = []


def ohem_case(thresh, min_kept, ign, loss_cfgs, x, y):
    types = {'CrossEntropyLoss': CrossEntropyLoss, 'DiceLoss': DiceLoss, 'FocalLoss': FocalLoss}
    mods = [types[c.get('type', 'CrossEntropyLoss')](**{k: v for k, v in c.items() if k != 'type'}) for c in loss_cfgs]
    ld = mods[0] if len(mods) == 1 else torch.nn.ModuleList(mods)
    s = OHEMPixelSampler(Ctx(ign, ld), thresh=thresh, min_kept=min_kept)
    w = s.sample(x, y.unsqueeze(1))
    cases.append(dict(thresh=thresh, min_kept=min_kept, ignore_index=ign, losses=loss_cfgs, x=T(x), y=T(y), expected=T(w)))


for thresh, mk, ign in [(0.7, 10, 255), (0.9, 60, 255), (0.3, 5, 255), (None, 12, 255), (None, 7, 0), (0.6, 4, 0), (0.5, 1000, 255), (None, 1000, 255), (None, 2, 255)]:
    x = randn(2, 4, 5, 6); y = labels(2, 5, 6, 4, ign=ign)
    ohem_case(thresh, mk, ign, [{}], x, y)
x = randn(2, 3, 4, 5); y = labels(2, 4, 5, 3)
ohem_case(None, 9, 255, [{}, dict(loss_weight=0.5, class_weight=[1.0, 2.0, 3.0])], x, y)
# ties: constant logits (all losses equal) and duplicated columns -- order decided by torch's sort
for mk in [3, 7, 20, 40]:
    x = torch.zeros(2, 3, 6, 7); y = labels(2, 6, 7, 3, p_ign=0.1)
    ohem_case(None, mk, 255, [{}], x, y)
x = randn(1, 3, 1, 4).repeat(2, 1, 8, 6); y = torch.randint(0, 3, (1, 1, 4), generator=g).repeat(2, 8, 6)
for mk in [5, 17, 33, 50]:
    ohem_case(None, mk, 255, [{}], x, y)
    ohem_case(0.2, mk, 255, [{}], x, y)
dump('ohem_pixel.json', cases)

# ---------------------------------------------------------------- torch sort tie order
cases = []
for n in [5, 16, 17, 30, 100, 257, 1000]:
    for levels in [2, 5]:
        v = torch.randint(0, levels, (n,), generator=g).float()
        _, di = v.sort(descending=True)
        _, ai = v.sort()
        cases.append(dict(values=v.tolist(), desc=di.tolist(), asc=ai.tolist()))
v = torch.zeros(300)
cases.append(dict(values=v.tolist(), desc=v.sort(descending=True)[1].tolist(), asc=v.sort()[1].tolist()))
v = torch.arange(200).float().flip(0) // 3
cases.append(dict(values=v.tolist(), desc=v.sort(descending=True)[1].tolist(), asc=v.sort()[1].tolist()))
dump('torch_sort.json', cases)


# ---------------------------------------------------------------- decode head loss_by_feat + parse_losses
class Wrap(BaseModel):
    def forward(self, *a, **k):
        pass


cases = []


def head_case(logit_hw, label_hw, C, loss_decode, sampler, ign, align, n=2, x=None, y=None):
    head = FCNHead(in_channels=4, channels=4, num_classes=C, loss_decode=loss_decode, sampler=sampler, ignore_index=ign,
                   align_corners=align)
    x = randn(n, C, *logit_hw) if x is None else x
    y = labels(n, *label_hw, C, ign=ign, p_ign=0.15) if y is None else y
    samples = []
    for i in range(n):
        s = SegDataSample()
        s.gt_sem_seg = PixelData(data=y[i:i + 1])
        samples.append(s)
    losses = head.loss_by_feat(x, samples)
    total, log_vars = Wrap().parse_losses(losses)
    cases.append(dict(loss_decode=loss_decode, sampler=sampler, ignore_index=ign, align_corners=align, x=T(x), y=T(y),
                      expected=[[k, T(v.detach() if torch.is_tensor(v) else torch.tensor(v))] for k, v in losses.items()],
                      total=float(total), log_vars=[[k, float(v)] for k, v in log_vars.items()]))


CE = dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)
head_case((4, 5), (4, 5), 3, [dict(type='CrossEntropyLoss', loss_name='loss_ce', loss_weight=1.0), dict(type='DiceLoss', loss_name='loss_dice', loss_weight=3.0)], None, 255, False)
head_case((3, 4), (6, 9), 4, CE, dict(type='OHEMPixelSampler', thresh=0.7, min_kept=20), 255, False)
head_case((3, 4), (7, 7), 4, dict(type='CrossEntropyLoss', avg_non_ignore=True, class_weight=[0.5, 1.0, 1.5, 2.0]), None, 0, True)
head_case((4, 4), (8, 8), 3, [dict(type='CrossEntropyLoss', loss_name='loss_ce', loss_weight=1.0), dict(type='CrossEntropyLoss', loss_name='loss_ce', loss_weight=0.4, avg_non_ignore=True), dict(type='DiceLoss', loss_name='dice_aux', loss_weight=2.0)], None, 255, False)
head_case((5, 5), (5, 5), 4, [CE], dict(type='OHEMPixelSampler', min_kept=10), 255, False)
head_case((3, 3), (5, 7), 2, [dict(type='CrossEntropyLoss', loss_name='loss_ce'), dict(type='FocalLoss', loss_name='loss_focal')] if False else [CE], None, 255, True)
dump('decode_head.json', cases)

# ---------------------------------------------------------------- accuracy
cases = []
pred = torch.tensor([[.2, .3, .6, .5], [.1, .1, .2, .6], [.9, 0, 0, .1], [.4, .7, .1, .1], [0, 0, .99, 0]])
for tgt, kw in [([2, 3, 0, 1, 2], {}), ([2, 3, 1, 1, 2], dict(ignore_index=1)), ([2, 0, 0, 1, 2], dict(ignore_index=1)),
                ([2, 0, 0, 1, 2], dict(ignore_index=4)), ([2, 3, 0, 1, 2], dict(thresh=0.8)), ([3, 2, 0, 0, 2], dict(topk=2)),
                ([3, 2, 0, 0, 2], dict(topk=(1, 2)))]:
    out = accuracy(pred, torch.tensor(tgt), **kw)
    outs = out if isinstance(out, list) else [out]
    cases.append(dict(pred=T(pred), target=T(torch.tensor(tgt)), topk=list(kw['topk']) if isinstance(kw.get('topk'), tuple) else [kw.get('topk', 1)],
                      thresh=kw.get('thresh'), ignore_index=kw.get('ignore_index'), expected=[T(o) for o in outs]))
x = randn(2, 5, 3, 3); y = labels(2, 3, 3, 5)
out = accuracy(x, y, ignore_index=255)
cases.append(dict(pred=T(x), target=T(y), topk=[1], thresh=None, ignore_index=255, expected=[T(out)]))
dump('accuracy.json', cases)

# ---------------------------------------------------------------- interpolate
cases = []


def interp_case(x, **kw):
    out = F.interpolate(x, **kw)
    kw2 = dict(kw)
    if 'size' in kw2 and isinstance(kw2['size'], int):
        kw2['size'] = [kw2['size']]
    if 'scale_factor' in kw2 and not isinstance(kw2['scale_factor'], (list, tuple)):
        kw2['scale_factor'] = [kw2['scale_factor']]
    cases.append(dict(x=T(x), kw=kw2, expected=T(out)))


x = randn(1, 2, 4, 5)
for size in [(7, 9), (4, 3), (2, 2), (1, 1), (4, 5), (8, 10), (3, 11), (9, 5)]:
    for align in [False, True]:
        interp_case(x, size=size, mode='bilinear', align_corners=align)
    interp_case(x, size=size, mode='nearest')
    interp_case(x, size=size, mode='nearest-exact')
for sf in [1.5, 0.5, 2.0, 0.3, 1.7, (1.25, 0.8)]:
    interp_case(x, scale_factor=sf, mode='bilinear', align_corners=False)
    interp_case(x, scale_factor=sf, mode='nearest')
    interp_case(x, scale_factor=sf, mode='bilinear', align_corners=True)
interp_case(x, scale_factor=1.7, mode='bilinear', align_corners=False, recompute_scale_factor=True)
x3 = randn(2, 3, 6)
for size in [4, 9, 13, 1]:
    interp_case(x3, size=size, mode='linear', align_corners=False)
    interp_case(x3, size=size, mode='linear', align_corners=True)
    interp_case(x3, size=size, mode='nearest')
big = randn(1, 1, 288, 3)
interp_case(big, size=(640, 3), mode='nearest')
interp_case(randn(1, 1, 2, 2), size=(82, 3), mode='nearest')
dump('interpolate.json', cases)


# ---------------------------------------------------------------- regressions found by tools/fuzz_losses.py
# Appended to the files above with their own generator, so the vectors above stay as they were.
r = torch.Generator().manual_seed(4242)


def append(name, cases):
    with open(os.path.join(OUT, name)) as f:
        old = json.load(f)
    dump(name, old + cases)


def focal_cuda(cfg, pred, target, weight=None, ignore_index=255):
    """mmseg FocalLoss on index labels as its CUDA path computes it (the CPU path crashes, SPEC section 8):
    the mmcv kernel on one_hot(t, C+1)[:, :C] (for C == 1: label 1 is the positive class) with ignored rows
    masked = mmseg's py_sigmoid_focal_loss fed that one-hot target and valid_mask."""
    from mmseg.models.losses.focal_loss import py_sigmoid_focal_loss
    loss = FocalLoss(**cfg)
    shape = pred.shape
    c = shape[1]
    p2 = pred.transpose(0, 1).reshape(c, -1).transpose(0, 1).contiguous()
    t = target.reshape(-1)
    valid = (t != ignore_index).view(-1, 1)
    t = torch.where(t == ignore_index, torch.zeros_like(t), t)
    oh = F.one_hot(t, c + 1)
    oh = oh[:, 1:2] if c == 1 else oh[:, :c]
    out = loss.loss_weight * py_sigmoid_focal_loss(p2, oh, None, weight, gamma=loss.gamma, alpha=loss.alpha,
                                                   class_weight=loss.class_weight, valid_mask=valid, reduction=loss.reduction)
    if loss.reduction == 'none':
        out = out.transpose(0, 1).reshape(shape[1], shape[0], *shape[2:]).transpose(0, 1).contiguous()
    return out


# acc_seg / accuracy: tied top scores are ranked as torch's CPU topk (libstdc++ nth_element), not lowest index first
cases = []
for C, hw in [(5, (4, 4)), (7, (3, 5)), (3, (6, 6))]:
    x = (torch.randint(-2, 3, (2, C) + hw, generator=r) * 0.5).float()
    y = torch.randint(0, C, (2,) + hw, generator=r)
    y[torch.rand(y.shape, generator=r) < 0.2] = 255
    cases.append(dict(pred=T(x), target=T(y), topk=[1], thresh=None, ignore_index=255, expected=[T(accuracy(x, y, ignore_index=255))]))
    outs = accuracy(x, y, topk=(1, 2), ignore_index=255)
    cases.append(dict(pred=T(x), target=T(y), topk=[1, 2], thresh=None, ignore_index=255, expected=[T(o) for o in outs]))
append('accuracy.json', cases)

# decode head with tied logits (acc_seg ties)
cases = []
x = (torch.randint(-8, 9, (2, 5, 2, 4), generator=r) * 0.5).float()
y = torch.randint(0, 5, (2, 2, 4), generator=r)
head_case((2, 4), (2, 4), 5, [dict(type='CrossEntropyLoss', loss_name='loss_ce'), dict(type='CrossEntropyLoss', loss_name='loss_aux', loss_weight=0.5)],
          None, 255, False, x=x, y=y)
x = (torch.randint(-6, 7, (2, 4, 3, 4), generator=r) * 0.5).float()
y = torch.randint(0, 4, (2, 5, 7), generator=r)
y[torch.rand(y.shape, generator=r) < 0.2] = 255
head_case((3, 4), (5, 7), 4, CE, None, 255, False, x=x, y=y)
append('decode_head.json', cases)

# OHEM loss mode: losses add as torch's `+=` does (a (N,) Dice value after CE broadcasts over the pixels),
# and the losses run even when every pixel is ignored (a loss of the wrong shape is still an error)
cases = []
x = torch.randn(1, 4, 7, 1, generator=r) * 2
y = torch.randint(0, 4, (1, 7, 1), generator=r)
ohem_case(None, 3, 0, [{}, dict(type='DiceLoss')], x, y)
x = torch.randn(1, 5, 6, 2, generator=r) * 2
y = torch.randint(0, 5, (1, 6, 2), generator=r)
ohem_case(None, 4, 255, [dict(class_weight=[1.0, 0.5, 2.0, 1.5, 0.7]), dict(type='DiceLoss', loss_weight=3.0), {}], x, y)
ohem_case(None, 4, 255, [{}], x, torch.full((1, 6, 2), 255))
cases.append(dict(thresh=None, min_kept=4, ignore_index=255, losses=[dict(type='FocalLoss')], x=T(x), y=T(torch.full((1, 6, 2), 255)),
                  expected=None, error=True))
cases.append(dict(thresh=None, min_kept=4, ignore_index=255, losses=[dict(type='DiceLoss'), {}], x=T(x), y=T(y), expected=None, error=True))
append('ohem_pixel.json', cases)

# FocalLoss: weight whose first size is M is viewed as (M, 1) (an OHEM (N, H, W) weight works when H*W == 1),
# other 2-D weights broadcast against (M, C); 1-channel head: label 1 is the positive class
cases = []
for cfg, shape, wshape in [({}, (2, 4, 1, 1), (2, 1, 1)), (dict(reduction='sum'), (2, 3, 2, 3), (12,)), ({}, (2, 3, 2, 3), (12, 1)),
                           (dict(alpha=[0.2, 0.5, 0.7], reduction='none'), (1, 3, 2, 2), (1, 3)), ({}, (2, 3, 2, 2), (1, 1)),
                           (dict(gamma=1.0), (2, 1, 3, 3), None), (dict(reduction='none', class_weight=[2.0]), (1, 1, 2, 3), None)]:
    x = torch.randn(*shape, generator=r) * 2
    C = shape[1]
    y = torch.randint(0, 2 if C == 1 else C, (shape[0],) + shape[2:], generator=r)
    y[torch.rand(y.shape, generator=r) < 0.25] = 255
    w = None if wshape is None else torch.rand(*wshape, generator=r)
    cases.append(dict(cfg=cfg, x=T(x), y=T(y), weight=T(w), expected=T(focal_cuda(cfg, x, y, w))))
append('mmseg_focal.json', cases)

# interpolate, compared bit for bit ('exact'): torch's channels-last bilinear kernel (outH + outW <= 128) fuses the
# source index and its corner-weight sums (16-lane vector order for channels below the last multiple of 16, scalar
# order for the rest), the generic kernel (larger outputs, 'linear') fuses its tap sums but not the source index;
# 3-D 'nearest' takes no out==in / out==2*in shortcut (torch's 1-D kernel), 4-D does
cases = []
interp_case(torch.randn(2, 2, 17, 15, generator=r), scale_factor=(2.3, 0.6), mode='bilinear', align_corners=False)
interp_case(torch.randn(1, 3, 9, 11, generator=r), size=(13, 7), mode='bilinear', align_corners=False)
interp_case(torch.randn(1, 2, 12, 5, generator=r), scale_factor=0.7, mode='bilinear', align_corners=False)
x3 = torch.randn(2, 2, 3, generator=r)
interp_case(x3, scale_factor=1.25, mode='nearest')
interp_case(torch.randn(1, 2, 4, generator=r), scale_factor=2.1, mode='nearest')
interp_case(torch.randn(1, 1, 4, 4, generator=r), scale_factor=2.1, mode='nearest')
interp_case(torch.randn(1, 2, 3, 3, generator=r), scale_factor=1.25, mode='nearest')
interp_case(torch.randn(1, 17, 5, 6, generator=r), size=(9, 4), mode='bilinear', align_corners=False)
interp_case(torch.randn(1, 12, 7, 5, generator=r), size=(4, 9), mode='bilinear', align_corners=False)
interp_case(torch.randn(1, 3, 23, 36, generator=r), scale_factor=0.3, mode='nearest-exact')
interp_case(torch.randn(1, 17, 5, 6, generator=r), scale_factor=1.7, mode='bilinear', align_corners=True)
interp_case(torch.randn(1, 3, 9, 11, generator=r), size=(70, 80), mode='bilinear', align_corners=False)
interp_case(torch.randn(1, 2, 6, 5, generator=r), scale_factor=(9.3, 17.1), mode='bilinear', align_corners=False)
interp_case(torch.randn(2, 3, 11, generator=r), size=13, mode='linear', align_corners=False)
interp_case(torch.randn(1, 2, 11, generator=r), scale_factor=2.3, mode='linear', align_corners=True)
for cs in cases:
    cs['exact'] = True
append('interpolate.json', cases)


# ---------------------------------------------------------------- TverskyLoss, LovaszLoss, CrossEntropyLoss(use_mask=True)
# Their own generator, so the vectors above stay as they were. 'intended' marks inputs where mmseg 1.2.2 crashes
# (SPEC section 8) and the expected value is what the code means: TverskyLoss(ignore_index=None) masks nothing
# (= any ignore index absent from the labels); LovaszLoss with one valid pixel runs lovasz_softmax_flat on it;
# LovaszLoss with every pixel ignored gives 0.
from mmseg.models.losses import TverskyLoss, LovaszLoss
from mmseg.models.losses.lovasz_loss import lovasz_softmax_flat
q = torch.Generator().manual_seed(2027)


def qlabels(n, h, w, c, ign=255, p_ign=0.2):
    y = torch.randint(0, c, (n, h, w), generator=q)
    if ign is not None and p_ign > 0:
        y[torch.rand(n, h, w, generator=q) < p_ign] = ign
    return y


cases = []
for cfg, shape, ign_in_labels in [({}, (2, 5, 6, 7), 255), (dict(class_weight=[0.5, 1.0, 1.5, 2.0, 0.7]), (2, 5, 6, 7), 255),
                                  (dict(alpha=0.5, beta=0.5, smooth=0.5), (2, 5, 6, 7), 255), (dict(alpha=0.1, beta=0.9, smooth=2), (1, 4, 8, 8), 255),
                                  (dict(loss_weight=0.4, alpha=0.7, beta=0.3), (3, 3, 5, 4), 255), (dict(ignore_index=0), (2, 4, 5, 5), 0),
                                  (dict(ignore_index=-1), (2, 4, 5, 5), -1), (dict(smooth=0), (1, 19, 16, 16), 255),
                                  ({}, (2, 3, 4, 4), None), (dict(ignore_index=2, class_weight=[1.0, 2.0, 3.0]), (2, 3, 4, 4), 2)]:
    x = torch.randn(*shape, generator=q) * 2
    y = qlabels(shape[0], shape[2], shape[3], shape[1], ign=ign_in_labels)
    out = TverskyLoss(**cfg)(x, y)
    cases.append(dict(cfg=cfg, x=T(x), y=T(y), expected=T(out), note='mmseg'))
# labels beyond C-1 that are not ignored clamp to class C-1 (mmseg computes; so does trick)
x = torch.randn(2, 4, 3, 5, generator=q) * 2
y = qlabels(2, 3, 5, 4); y[0, 0, :3] = 6
cases.append(dict(cfg={}, x=T(x), y=T(y), expected=T(TverskyLoss()(x, y)), note='mmseg'))
# (N, C) logits with (N,) labels
x = torch.randn(9, 4, generator=q) * 2
y = torch.tensor([0, 1, 2, 3, 255, 1, 0, 3, 3])
cases.append(dict(cfg=dict(alpha=0.4, beta=0.6), x=T(x), y=T(y), expected=T(TverskyLoss(alpha=0.4, beta=0.6)(x, y)), note='mmseg'))
# ignore_index=None: upstream raises AttributeError; intended = nothing masked
x = torch.randn(2, 3, 4, 4, generator=q) * 2
y = qlabels(2, 4, 4, 3, ign=None)
cases.append(dict(cfg=dict(ignore_index=None), x=T(x), y=T(y), expected=T(TverskyLoss(ignore_index=-12345)(x, y)), note='intended'))
dump('mmseg_tversky.json', cases)

cases = []


def lovasz_case(cfg, x, y, ignore_index=255, avg_factor=None, reduction_override=None, note='mmseg', expected=None):
    kw = dict(avg_factor=avg_factor, reduction_override=reduction_override)
    if ignore_index != 'default':
        kw['ignore_index'] = ignore_index
    if expected is None:
        expected = LovaszLoss(**cfg)(x, y, **kw)
    cases.append(dict(cfg=cfg, x=T(x), y=T(y), ignore_index=ignore_index, avg_factor=avg_factor,
                      reduction_override=reduction_override, expected=T(expected.detach()), note=note))


NONE = dict(reduction='none')
for cfg in [NONE, dict(NONE, classes='all'), dict(NONE, classes=[0, 2, 4]), dict(NONE, classes=[-1, 1]),
            dict(NONE, class_weight=[0.5, 1.0, 1.5, 2.0, 0.7]), dict(NONE, loss_weight=0.3, classes='all', class_weight=[1.0, 2.0, 1.0, 0.5, 3.0]),
            dict(per_image=True), dict(per_image=True, reduction='sum'), dict(per_image=True, reduction='none'),
            dict(per_image=True, classes='all', class_weight=[0.5, 1.0, 1.5, 2.0, 0.7], loss_weight=2.0)]:
    x = torch.randn(2, 5, 6, 7, generator=q) * 2
    y = qlabels(2, 6, 7, 5)
    y[1][y[1] == 3] = 1   # class 3 absent from image 1 ('present' differs per image)
    lovasz_case(cfg, x, y, ignore_index='default')
x = torch.randn(2, 4, 5, 5, generator=q) * 2
y = qlabels(2, 5, 5, 4, ign=None)
lovasz_case(NONE, x, y, ignore_index=0)
lovasz_case(NONE, x, y, ignore_index=None)
lovasz_case(dict(per_image=True), x, y, ignore_index=2, avg_factor=3.0)
lovasz_case(dict(per_image=True), x, y, reduction_override='sum')
# ties: quantised logits give many equal errors (the result must not depend on their order)
x = (torch.randint(-3, 4, (2, 19, 24, 32), generator=q) * 0.5).float()
y = qlabels(2, 24, 32, 19)
lovasz_case(NONE, x, y, ignore_index='default')
lovasz_case(dict(per_image=True, classes='all'), x, y, ignore_index='default')
# binary (Lovász hinge): one logit per pixel, 0/1 labels
for cfg in [dict(loss_type='binary', reduction='none'), dict(loss_type='binary', per_image=True),
            dict(loss_type='binary', per_image=True, reduction='sum', loss_weight=0.5)]:
    x = torch.randn(3, 6, 5, generator=q) * 2
    y = qlabels(3, 6, 5, 2)
    lovasz_case(cfg, x, y, ignore_index='default')
x = (torch.randint(-2, 3, (2, 1, 8, 8), generator=q) * 0.5).float()
y = qlabels(2, 8, 8, 2, p_ign=0)
lovasz_case(dict(loss_type='binary', reduction='none'), x, y, ignore_index=None)
# one valid pixel (upstream's nonzero().squeeze() drops the pixel axis and crashes): intended = that pixel alone
x = torch.randn(1, 3, 2, 2, generator=q) * 2
y = torch.tensor([[[255, 2], [255, 255]]])
p = torch.softmax(x, 1).permute(0, 2, 3, 1).reshape(-1, 3)
lovasz_case(NONE, x, y, ignore_index='default', note='intended', expected=lovasz_softmax_flat(p[1:2], y.reshape(-1)[1:2]))
# every pixel ignored: intended 0 (upstream returns an empty tensor)
lovasz_case(NONE, x, torch.full((1, 2, 2), 255), ignore_index='default', note='intended', expected=torch.tensor(0.0))
dump('mmseg_lovasz.json', cases)

# CrossEntropyLoss(use_mask=True): the instance-mask BCE (forward's third argument = RoI labels, ignore_index=None)
cases = []
for cfg, shape in [(dict(use_mask=True), (3, 4, 5, 5)), (dict(use_mask=True, loss_weight=0.5), (4, 3, 6, 7)),
                   (dict(use_mask=True, class_weight=[1.0, 2.0, 0.5, 1.5, 3.0, 0.2, 1.0]), (3, 4, 5, 7)), (dict(use_mask=True), (3, 4, 1, 6))]:
    x = torch.randn(*shape, generator=q) * 2
    tshape = (shape[0],) + tuple(s for i, s in enumerate(shape[2:]) if not (i == 0 and s == 1))
    t = (torch.rand(*tshape, generator=q) > 0.5).float()
    lab = torch.randint(0, shape[1], (shape[0],), generator=q)
    out = CrossEntropyLoss(**cfg)(x, t, lab, ignore_index=None)
    cases.append(dict(cfg=cfg, x=T(x), y=T(t), label=T(lab), expected=T(out)))
dump('mmseg_ce_mask.json', cases)

# decode heads mixing CE with Tversky / Lovász (the head passes its ignore_index to Lovász, Tversky keeps its own)
cases = []
head_case((4, 5), (8, 10), 4, [dict(type='CrossEntropyLoss', loss_name='loss_ce'), dict(type='TverskyLoss', loss_weight=0.5),
                               dict(type='LovaszLoss', reduction='none', loss_weight=0.7)], None, 255, False)
head_case((4, 4), (6, 6), 3, [dict(type='LovaszLoss', per_image=True, loss_name='loss_lovasz')], dict(type='OHEMPixelSampler', thresh=0.7, min_kept=10), 0, True)
head_case((3, 3), (5, 5), 3, [CE, dict(type='TverskyLoss', ignore_index=0, class_weight=[1.0, 2.0, 0.5], loss_name='loss_ce')], None, 0, False)
append('decode_head.json', cases)

# float64 'nearest' / 'nearest-exact' source indices are computed in double (opmath), e.g. in=570, scale 4.6
cases = []
for shape, kw in [((1, 2, 570), dict(scale_factor=4.6, mode='nearest')), ((1, 2, 41), dict(scale_factor=2.3, mode='nearest-exact')),
                  ((1, 2, 200), dict(size=94, mode='nearest')), ((2, 3, 5, 570), dict(scale_factor=(1.0, 4.6), mode='nearest'))]:
    x = torch.arange(float(torch.tensor(shape).prod()), dtype=torch.float64).reshape(shape)
    interp_case(x, **kw)
# 4-D nearest: torch 2.4 takes the channels-last kernel (nearest_idx: float scale, out == in / 2·in shortcuts)
# when outH + outW <= 128 (or C > 3 with a 1x1 input) — for float64 too — and the generic kernel (opmath
# scale, no shortcuts, nearest-exact as max(s·(d+0.5)−0.5, 0) + 0.5) otherwise — for float32 too
for shape, dt, kw in [((1, 3, 2, 168), torch.float64, dict(size=(2, 80), mode='nearest')),
                      ((1, 2, 2, 16), torch.float64, dict(scale_factor=(1.0, 4.6), mode='nearest')),
                      ((1, 1, 4, 30), torch.float32, dict(size=(490, 272), mode='nearest-exact')),
                      ((1, 2, 3, 100), torch.float32, dict(scale_factor=(1.0, 2.0000001), mode='nearest')),
                      ((1, 5, 1, 1), torch.float64, dict(size=(300, 7), mode='nearest'))]:
    x = torch.arange(float(torch.tensor(shape).prod()), dtype=dt).reshape(shape)
    interp_case(x, **kw)
for cs in cases:
    cs['exact'] = True
append('interpolate.json', cases)
