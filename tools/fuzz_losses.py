#!/usr/bin/env python3
"""Randomised differential test of trick's segmentation-loss built-ins against the reference libraries.

usage: /work/refenv/bin/python tools/fuzz_losses.py .build/release/trick [N] [seed] [area ...]
       (areas: ce dice focal ohem_pixel decode_head interpolate, and bad = malformed inputs of those forms)

Builds N random programs in the conformance-case forms of the areas ce, dice, focal, ohem_pixel,
decode_head and interpolate (other shapes, values, options and combinations than the public
cases), computes the expected output with torch 2.4 / mmseg 1.2.2 / mmengine 0.10, runs
`trick run` on each and compares tokens exactly as /work/shared/conformance/run.py does, with
the public cases' tolerances per area. A program the reference rejects must make trick exit 1
with 'error' on stderr (and never crash).

Where mmseg 1.2.2 itself is broken, the expectation is what SPEC section 8 asks for:
- CrossEntropyLoss with class_weight and labels holding an ignore index outside [-C, C) under
  'mean' raises IndexError upstream; expected = the class-weighted mean over non-ignored pixels
  (F.cross_entropy's weighted mean), see patched_cross_entropy below.
- FocalLoss with index labels crashes on CPU; expected = what the CUDA path computes: the mmcv
  kernel on one-hot targets over the C classes, i.e. mmseg's own `py_sigmoid_focal_loss` fed
  `one_hot(t, C+1)[:, :C]` with ignored rows masked by `valid_mask` (for C == 1 the label 1 is the
  positive class), see focal_forward_cuda below (reference/losses-ohem-pixel.md section 5).
- version='0.x' losses (CrossEntropyLoss's 0.x mean, DiceLoss with smooth / exponent / class_weight)
  are compared with mmseg 0.30's code transcribed below (v0_cross_entropy, V0DiceLoss), 0.x not
  being installed; for DiceLoss(ignore_index=None) 0.x raises AttributeError, the intended meaning
  (no pixel ignored) is expected.
Failing programs are kept in /tmp (their path is printed) for replay with `trick run`.
"""
from fuzz_common import run_trick
import io
import os
import sys
import tempfile
import warnings
from contextlib import redirect_stdout

import numpy as np
import torch
import torch.nn.functional as F

warnings.filterwarnings('ignore')
sys.path.insert(0, '/work/shared/conformance')
import run as conf  # noqa: E402  (tokens / compare exactly as the conformance runner)

import mmseg.models  # noqa: E402,F401  (registers the modules)
import mmseg.models.losses.cross_entropy_loss as cel  # noqa: E402
import mmseg.models.losses.focal_loss as fl  # noqa: E402
from mmseg.models.losses.utils import weight_reduce_loss  # noqa: E402
from mmseg.registry import MODELS  # noqa: E402
from mmseg.structures.sampler import OHEMPixelSampler  # noqa: E402
from mmseg.models.decode_heads import FCNHead  # noqa: E402
from mmseg.structures import SegDataSample  # noqa: E402
from mmengine.structures import PixelData  # noqa: E402
from mmengine.model import BaseModel  # noqa: E402
from torchvision.ops import sigmoid_focal_loss  # noqa: E402

TOL = {'ce': (1e-4, 1e-6), 'dice': (1e-4, 1e-6), 'focal': (1e-4, 1e-6), 'ohem_pixel': (0, 0),
       'decode_head': (2e-4, 1e-6), 'interpolate': (1e-5, 1e-6), 'tversky': (1e-4, 1e-6), 'lovasz': (1e-4, 1e-6),
       'ce_mask': (1e-4, 1e-6)}
if os.environ.get('FUZZ_EXACT'):   # bit-exact comparison (e.g. FUZZ_EXACT=1 ... interpolate)
    TOL = {k: (0, 0) for k in TOL}

# ------------------------------------------------------------------ SPEC section 8 expectations
_orig_ce = cel.cross_entropy


def patched_cross_entropy(pred, label, weight=None, class_weight=None, reduction='mean', avg_factor=None,
                          ignore_index=-100, avg_non_ignore=False):
    try:
        return _orig_ce(pred, label, weight, class_weight, reduction, avg_factor, ignore_index, avg_non_ignore)
    except IndexError:
        if class_weight is None or avg_factor is not None or reduction != 'mean':
            raise
        # intended: class-weighted mean over the non-ignored pixels (F.cross_entropy's divisor)
        loss = F.cross_entropy(pred, label, weight=class_weight, reduction='none', ignore_index=ignore_index)
        valid = label != ignore_index
        avg = class_weight[label[valid]].sum()
        if weight is not None:
            weight = weight.float()
        return weight_reduce_loss(loss, weight=weight, reduction=reduction, avg_factor=avg)


cel.cross_entropy = patched_cross_entropy
_orig_focal_forward = fl.FocalLoss.forward


def focal_forward_cuda(self, pred, target, weight=None, avg_factor=None, reduction_override=None, ignore_index=255, **kw):
    if pred.shape == target.shape:
        return _orig_focal_forward(self, pred, target, weight, avg_factor, reduction_override, ignore_index, **kw)
    assert isinstance(ignore_index, int)
    assert reduction_override in (None, 'none', 'mean', 'sum')
    assert pred.size(0) == target.size(0) and pred.shape[2:] == target.shape[1:]
    original_shape = pred.shape
    pred = pred.transpose(0, 1).reshape(pred.size(1), -1).transpose(0, 1).contiguous()
    target = target.view(-1).contiguous()
    valid_mask = (target != ignore_index).view(-1, 1)
    target = torch.where(target == ignore_index, target.new_tensor(0), target)
    reduction = reduction_override if reduction_override else self.reduction
    c = pred.size(1)
    oh = F.one_hot(target, num_classes=c + 1)
    onehot = oh[:, 1:2] if c == 1 else oh[:, :c]
    loss = self.loss_weight * fl.py_sigmoid_focal_loss(pred, onehot, None, weight, gamma=self.gamma, alpha=self.alpha,
                                                       class_weight=self.class_weight, valid_mask=valid_mask,
                                                       reduction=reduction, avg_factor=avg_factor)
    if reduction == 'none':
        loss = loss.transpose(0, 1).reshape(original_shape[1], original_shape[0], *original_shape[2:]).transpose(0, 1).contiguous()
    return loss


fl.FocalLoss.forward = focal_forward_cuda


# ------------------------------------------------------------------ mmseg 0.x losses (version='0.x')
# mmseg 0.30 is not installed; these are its `cross_entropy` and `DiceLoss` (mmseg/models/losses/
# cross_entropy_loss.py, dice_loss.py of the 0.x branch) on top of 1.2.2's shared utils.
def v0_cross_entropy(pred, label, weight=None, class_weight=None, reduction='mean', avg_factor=None,
                     ignore_index=-100, avg_non_ignore=False):
    loss = F.cross_entropy(pred, label, weight=class_weight, reduction='none', ignore_index=ignore_index)
    if (avg_factor is None) and avg_non_ignore and reduction == 'mean':
        avg_factor = label.numel() - (label == ignore_index).sum().item()
    if weight is not None:
        weight = weight.float()
    return weight_reduce_loss(loss, weight=weight, reduction=reduction, avg_factor=avg_factor)


def _v0_binary_dice(pred, target, valid_mask, smooth=1, exponent=2):
    pred = pred.reshape(pred.shape[0], -1)
    target = target.reshape(target.shape[0], -1)
    valid_mask = valid_mask.reshape(valid_mask.shape[0], -1)
    num = torch.sum(torch.mul(pred, target) * valid_mask, dim=1) * 2 + smooth
    den = torch.sum(pred.pow(exponent) + target.pow(exponent), dim=1) + smooth
    return (1 - num / den).mean()          # @weighted_loss default reduction 'mean'


class V0DiceLoss(torch.nn.Module):
    def __init__(self, smooth=1, exponent=2, reduction='mean', class_weight=None, loss_weight=1.0,
                 ignore_index=255, loss_name='loss_dice', **kwargs):
        super().__init__()
        self.smooth, self.exponent, self.reduction = smooth, exponent, reduction
        self.class_weight, self.loss_weight, self.ignore_index = class_weight, loss_weight, ignore_index
        self._loss_name = loss_name

    @property
    def loss_name(self):
        return self._loss_name

    def forward(self, pred, target, avg_factor=None, reduction_override=None, **kwargs):
        assert reduction_override in (None, 'none', 'mean', 'sum')
        reduction = reduction_override if reduction_override else self.reduction
        cw = pred.new_tensor(self.class_weight) if self.class_weight is not None else None
        pred = F.softmax(pred, dim=1)
        c = pred.shape[1]
        t = F.one_hot(torch.clamp(target.long(), 0, c - 1), num_classes=c)
        # 0.x computes `(target != None).long()` for ignore_index=None, a Python bool: AttributeError;
        # the intended meaning (SPEC section 8), and trick's: no pixel is ignored
        valid = (target != self.ignore_index).long() if self.ignore_index is not None else torch.ones_like(target)
        total = 0
        for i in range(c):
            if i != self.ignore_index:
                d = _v0_binary_dice(pred[:, i], t[..., i], valid, self.smooth, self.exponent)
                if cw is not None:
                    d *= cw[i]
                total += d
        return self.loss_weight * weight_reduce_loss(total / c, None, reduction, avg_factor)


# ------------------------------------------------------------------ Tversky / Lovász: SPEC section 8 expectations
# Where 1.2.2 crashes, trick does what the code means (Sources/TrickCore/Losses/{Tversky,Lovasz}.swift):
# - TverskyLoss(ignore_index=None): upstream `(target != None).long()` raises; intended = nothing masked,
#   computed here with an ignore index no label holds (build_loss);
# - Lovász-Softmax with exactly one valid pixel: upstream `valid.nonzero().squeeze()` drops the pixel axis;
#   intended = that pixel's loss (boolean indexing keeps the axis);
# - Lovász-Softmax with no valid pixel (the batch, or an image with per_image): upstream returns an empty
#   tensor (stacking then fails); intended = 0.
import mmseg.models.losses.lovasz_loss as lvz  # noqa: E402
_orig_softmax_flat = lvz.lovasz_softmax_flat
TVERSKY_NO_IGNORE = -(10 ** 9)


def _flatten_probs_intended(probs, labels, ignore_index=None):
    if probs.dim() == 3:
        B, H, W = probs.size()
        probs = probs.view(B, 1, H, W)
    B, C, H, W = probs.size()
    probs = probs.permute(0, 2, 3, 1).contiguous().view(-1, C)
    labels = labels.view(-1)
    if ignore_index is None:
        return probs, labels
    valid = labels != ignore_index
    return probs[valid], labels[valid]


def _softmax_flat_intended(probs, labels, classes='present', class_weight=None):
    if probs.numel() == 0:
        return probs.new_zeros(())
    return _orig_softmax_flat(probs, labels, classes=classes, class_weight=class_weight)


lvz.flatten_probs = _flatten_probs_intended
lvz.lovasz_softmax_flat = _softmax_flat_intended


def build_loss(cfg):
    """MODELS.build, or the 0.x loss for version='0.x' configs."""
    cfg = dict(cfg)
    ver = cfg.pop('version', None)
    if cfg['type'] == 'DiceLoss' and (ver == '0.x' or (ver is None and any(k in cfg for k in ('smooth', 'exponent', 'class_weight')))):
        cfg.pop('type')
        return V0DiceLoss(**cfg)
    if cfg['type'] == 'TverskyLoss' and 'ignore_index' in cfg and cfg['ignore_index'] is None:
        cfg['ignore_index'] = TVERSKY_NO_IGNORE
    m = MODELS.build(cfg)
    if ver == '0.x' and cfg['type'] == 'CrossEntropyLoss' and m.cls_criterion is cel.cross_entropy:
        m.cls_criterion = v0_cross_entropy
    return m


# ------------------------------------------------------------------ literals and random inputs
def lit(a, dtype='float32'):
    return f"tensor({np.asarray(a).tolist()!r}, dtype='{dtype}')"


def pyval(v):
    if isinstance(v, (list, tuple)):
        inner = ', '.join(pyval(x) for x in v)
        return f'[{inner}]' if isinstance(v, list) else f'({inner}{"," if len(v) == 1 else ""})'
    if isinstance(v, dict):
        return 'dict(' + ', '.join(f'{k}={pyval(x)}' for k, x in v.items()) + ')'
    return repr(v)


def kwargs_src(d):
    return ', '.join(f'{k}={pyval(v)}' for k, v in d.items())


def logits(rng, shape, ties=False, scale=2.0):
    if rng.random() < 0.1:
        scale = scale * float(rng.choice([0.05, 4.0, 8.0]))
    x = rng.normal(0, scale, shape)
    if ties:
        x = np.round(x * 2) / 2
    return x.astype(np.float32)


def labels(rng, shape, c, ign, p_ign):
    y = rng.integers(0, c, shape)
    if p_ign >= 1:
        y[...] = ign
    elif p_ign > 0:
        y[rng.random(shape) < p_ign] = ign
    return y.astype(np.int64)


def small_dim(rng, lo=1, hi=17):
    # mostly small, sometimes large, sometimes 1
    r = rng.random()
    if r < 0.15:
        return 1
    if r < 0.75:
        return int(rng.integers(lo, 7))
    return int(rng.integers(lo, hi + 1))


def pick(rng, xs):
    return xs[int(rng.integers(0, len(xs)))]


def ign_choice(rng, c):
    return pick(rng, [255, 255, 255, 0, -100, -1, int(rng.integers(1, c + 3))])


def p_ign_choice(rng):
    return pick(rng, [0.0, 0.2, 0.2, 0.5, 1.0])


def cw_list(rng, c):
    return [round(float(v), 4) for v in rng.uniform(0.2, 2.5, c)]


def fmt(v):
    """What Python's print shows for a tensor's tolist()."""
    return str(v.tolist()) if torch.is_tensor(v) else str(v)


def reference(fn):
    """Runs fn() and returns (printed output, None) or (None, exception)."""
    out = io.StringIO()
    try:
        with redirect_stdout(out), torch.no_grad():
            fn()
    except Exception as e:  # noqa: BLE001
        return None, e
    return out.getvalue(), None


# ------------------------------------------------------------------ ce
def case_ce(rng):
    kind = rng.random()
    if kind < 0.25:
        return case_ce_fn(rng)
    n, c = int(rng.integers(1, 4)), int(rng.integers(2, 22))
    h, w = small_dim(rng), small_dim(rng)
    sigmoid = rng.random() < 0.2
    if sigmoid and rng.random() < 0.25:
        c = 1
    flat = rng.random() < 0.1 and not sigmoid
    ign = ign_choice(rng, c)
    pshape, lshape = ((n, c), (n,)) if flat else ((n, c, h, w), (n, h, w))
    x = logits(rng, pshape)
    y = labels(rng, lshape, 2 if c == 1 else c, ign, p_ign_choice(rng))
    if c == 1 and (y == ign).all():
        # mmseg asserts on label[label != ign].max() of an empty tensor (a crash, not a rule):
        # trick gives the intended 0-weighted loss; keep one valid pixel here
        y.flat[0] = 1 if ign == 0 else 0
    cfg = {}
    if sigmoid:
        cfg['use_sigmoid'] = True
    if rng.random() < 0.4:
        cfg['avg_non_ignore'] = True
    if rng.random() < 0.35:
        cfg['reduction'] = pick(rng, ['none', 'sum', 'mean'])
    if rng.random() < 0.3:
        cfg['loss_weight'] = pick(rng, [0.5, 2.0, 0.4, 1.0, 3.0])
    if rng.random() < 0.4 and not (sigmoid and rng.random() < 0.7):
        cfg['class_weight'] = cw_list(rng, c if not sigmoid else (w if rng.random() < 0.7 else c))
    if rng.random() < 0.15:
        cfg['version'] = pick(rng, ['0.x', '0.x', '1.x'])
    dt = 'float64' if rng.random() < 0.08 else 'float32'
    x = x.astype(dt)
    fw = {}
    if rng.random() < 0.3:
        fw['weight'] = (rng.random(lshape) * (rng.random(lshape) > 0.3)).astype(np.float32)
    if rng.random() < 0.15:
        fw['avg_factor'] = float(pick(rng, [7.0, 3.5, 100.0, 1.0]))
    if rng.random() < 0.2:
        fw['reduction_override'] = pick(rng, ['none', 'mean', 'sum'])
    pass_ign = rng.random() < 0.9
    built = rng.random() < 0.5
    ctor = f"build(dict(type='CrossEntropyLoss'{', ' if cfg else ''}{kwargs_src(cfg)}))" if built else f"CrossEntropyLoss({kwargs_src(cfg)})"
    args = ['cls_score=x', 'label=y'] if rng.random() < 0.1 else ['x', 'y']
    if 'weight' in fw:
        args.append(f"weight={lit(fw['weight'])}")
    for k in ('avg_factor', 'reduction_override'):
        if k in fw:
            args.append(f'{k}={fw[k]!r}')
    if pass_ign:
        args.append(f'ignore_index={ign}')
    prog = f"loss = {ctor}\nx = {lit(x, dt)}\ny = {lit(y, 'int64')}\nprint(loss({', '.join(args)}).tolist())"

    def ref():
        loss = build_loss(dict(type='CrossEntropyLoss', **cfg))
        kw = {}
        if 'weight' in fw:
            kw['weight'] = torch.from_numpy(fw['weight'])
        for k in ('avg_factor', 'reduction_override'):
            if k in fw:
                kw[k] = fw[k]
        if pass_ign:
            kw['ignore_index'] = ign
        print(fmt(loss(torch.from_numpy(x), torch.from_numpy(y), **kw)))
    return 'ce', prog, ref


def case_ce_fn(rng):
    n, c = int(rng.integers(1, 4)), int(rng.integers(2, 22))
    shape = pick(rng, [(n, c), (n, c, small_dim(rng)), (n, c, small_dim(rng), small_dim(rng)),
                       (n, c, small_dim(rng), small_dim(rng))])
    ign = pick(rng, [255, -100, 0, 1, None])
    x = logits(rng, shape)
    lshape = (shape[0],) + shape[2:]
    y = labels(rng, lshape, c, 255 if ign is None else ign, 0.0 if ign in (None, -100) else p_ign_choice(rng))
    prob = rng.random() < 0.12    # class-probability targets of the input's shape
    if prob:
        y = torch.softmax(torch.from_numpy(logits(rng, shape)), 1).numpy()
        ign = None
    kw = {}
    if rng.random() < 0.5:
        kw['weight'] = rng.uniform(0.2, 2.0, c).astype(np.float32)
    if ign is not None:
        kw['ignore_index'] = ign
    if rng.random() < 0.6:
        kw['reduction'] = pick(rng, ['none', 'mean', 'sum'])
    if rng.random() < 0.4:
        kw['label_smoothing'] = float(np.float32(pick(rng, [0.1, 0.2, 0.05, 0.3, 1.0, 0.0])))
    args = ', '.join(f'{k}={lit(v) if k == "weight" else repr(v)}' for k, v in kw.items())
    kwn = rng.random() < 0.1    # the inputs by keyword
    prog = (f"print(cross_entropy({'input=' if kwn else ''}{lit(x)}, {'target=' if kwn else ''}{lit(y, 'float32' if prob else 'int64')}"
            f"{', ' if args else ''}{args}).tolist())")

    def ref():
        k2 = {k: (torch.from_numpy(v) if k == 'weight' else v) for k, v in kw.items()}
        print(fmt(F.cross_entropy(torch.from_numpy(x), torch.from_numpy(y), **k2)))
    return 'ce', prog, ref


# ------------------------------------------------------------------ dice
def case_dice(rng):
    if rng.random() < 0.25:
        return case_dice_v0(rng)
    n, c = int(rng.integers(1, 4)), int(rng.integers(1, 22))
    h, w = small_dim(rng), small_dim(rng)
    x = logits(rng, (n, c, h, w))
    onehot = rng.random() < 0.1
    ylab = labels(rng, (n, h, w), c, pick(rng, [255, -1, c, 255]), p_ign_choice(rng))
    if onehot:
        y = torch.sigmoid(torch.from_numpy(logits(rng, (n, c, h, w)))).numpy() if rng.random() < 0.5 else \
            F.one_hot(torch.from_numpy(ylab).clamp(0, c), c + 1)[..., :c].permute(0, 3, 1, 2).numpy().astype(np.float32)
    else:
        y = ylab
    cfg = {}
    if rng.random() < 0.4:
        cfg['use_sigmoid'] = bool(rng.random() < 0.3)
    if rng.random() < 0.4:
        cfg['naive_dice'] = bool(rng.random() < 0.7)
    if rng.random() < 0.15:
        cfg['activate'] = False
    if rng.random() < 0.3:
        cfg['eps'] = pick(rng, [0.01, 1e-5, 0.1, 1.0, 0.0])
    if rng.random() < 0.3:
        cfg['loss_weight'] = pick(rng, [3.0, 0.5, 2.0, 1.0])
    if rng.random() < 0.3:
        cfg['reduction'] = pick(rng, ['none', 'sum', 'mean'])
    if rng.random() < 0.3:
        cfg['ignore_index'] = pick(rng, [None, 0, 1, c - 1, -1, 255])
    fw = {}
    if rng.random() < 0.2:
        fw['weight'] = rng.random(n).astype(np.float32)
    if rng.random() < 0.15:
        fw['avg_factor'] = pick(rng, [2.0, 5.0, 0.5])
    if rng.random() < 0.15:
        fw['reduction_override'] = pick(rng, ['none', 'mean', 'sum'])
    built = rng.random() < 0.7
    ctor = f"build(dict(type='DiceLoss'{', ' if cfg else ''}{kwargs_src(cfg)}))" if built else f"DiceLoss({kwargs_src(cfg)})"
    args = [lit(x), lit(y, 'float32' if onehot else 'int64')]
    if rng.random() < 0.1:
        args = ['pred=' + args[0], 'target=' + args[1]]
    if 'weight' in fw:
        args.append(f"weight={lit(fw['weight'])}")
    for k in ('avg_factor', 'reduction_override'):
        if k in fw:
            args.append(f'{k}={fw[k]!r}')
    args.append(f'ignore_index={pick(rng, [255, 0])}')
    prog = f"loss = {ctor}\nprint(loss({', '.join(args)}).tolist())"

    def ref():
        loss = MODELS.build(dict(type='DiceLoss', **cfg))
        kw = {k: (torch.from_numpy(v) if k == 'weight' else v) for k, v in fw.items()}
        print(fmt(loss(torch.from_numpy(x), torch.from_numpy(y), **kw)))
    return 'dice', prog, ref


def case_dice_v0(rng):
    n, c = int(rng.integers(1, 4)), int(rng.integers(1, 22))
    h, w = small_dim(rng), small_dim(rng)
    x = logits(rng, (n, c, h, w))
    y = labels(rng, (n, h, w), c, pick(rng, [255, -1, c, 255, 0]), p_ign_choice(rng))
    cfg = {}
    if rng.random() < 0.6:
        cfg['version'] = '0.x'
    if rng.random() < 0.5 or not cfg:
        cfg['smooth'] = pick(rng, [1, 0.5, 1.0, 0, 2.0, 1e-5])
    if rng.random() < 0.4:
        cfg['exponent'] = pick(rng, [2, 1, 3, 2.0, 1.5])
    if rng.random() < 0.4:
        cfg['class_weight'] = cw_list(rng, c)
    if rng.random() < 0.3:
        cfg['loss_weight'] = pick(rng, [3.0, 0.5, 2.0, 1.0])
    if rng.random() < 0.3:
        cfg['reduction'] = pick(rng, ['none', 'sum', 'mean'])
    if rng.random() < 0.4:
        cfg['ignore_index'] = pick(rng, [None, 0, 1, c - 1, -1, 255])
    fw = {}
    if rng.random() < 0.2:
        fw['weight'] = rng.random((n, h, w)).astype(np.float32)   # ignored by 0.x (falls into **kwargs)
    if rng.random() < 0.15:
        fw['avg_factor'] = pick(rng, [2.0, 5.0, 0.5])
    if rng.random() < 0.15:
        fw['reduction_override'] = pick(rng, ['none', 'mean', 'sum'])
    built = rng.random() < 0.7
    ctor = f"build(dict(type='DiceLoss', {kwargs_src(cfg)}))" if built else f"DiceLoss({kwargs_src(cfg)})"
    args = [lit(x), lit(y, 'int64')]
    if 'weight' in fw:
        args.append(f"weight={lit(fw['weight'])}")
    for k in ('avg_factor', 'reduction_override'):
        if k in fw:
            args.append(f'{k}={fw[k]!r}')
    args.append(f'ignore_index={pick(rng, [255, 0])}')
    prog = f"loss = {ctor}\nprint(loss({', '.join(args)}).tolist())"

    def ref():
        loss = build_loss(dict(type='DiceLoss', **cfg))
        kw = {k: (torch.from_numpy(v) if k == 'weight' else v) for k, v in fw.items()}
        print(fmt(loss(torch.from_numpy(x), torch.from_numpy(y), **kw)))
    return 'dice', prog, ref


# ------------------------------------------------------------------ focal
def case_focal(rng):
    if rng.random() < 0.3:
        return case_tv_focal(rng)
    n, c = int(rng.integers(1, 4)), int(rng.integers(1, 22))
    h, w = small_dim(rng), small_dim(rng)
    flat = rng.random() < 0.1
    pshape, lshape = ((n, c), (n,)) if flat else ((n, c, h, w), (n, h, w))
    x = logits(rng, pshape)
    ign = pick(rng, [255, 255, 0, -1, c])
    y = labels(rng, lshape, 2 if c == 1 else c, ign, p_ign_choice(rng))
    tdt = 'int64'
    if rng.random() < 0.2:     # a target of the prediction's shape: one-hot or soft (the CPU path of 1.2.2)
        tdt = 'float32'
        if rng.random() < 0.5:
            y = np.moveaxis(np.eye(c, dtype=np.float32)[np.clip(y, 0, c - 1)], -1, 1).copy()
        else:
            y = rng.random(pshape).astype(np.float32)
    dt = 'float64' if rng.random() < 0.08 else 'float32'
    x = x.astype(dt)
    cfg = {}
    if rng.random() < 0.4:
        cfg['gamma'] = pick(rng, [1.0, 0.0, 0.5, 3.0, 2.0])
    if rng.random() < 0.4:
        cfg['alpha'] = pick(rng, [0.25, 0.75, 0.5]) if (c == 1 or rng.random() < 0.6) else [round(float(v), 3) for v in rng.uniform(0.1, 0.9, c)]
    if rng.random() < 0.3:
        cfg['class_weight'] = cw_list(rng, c)
    if rng.random() < 0.3:
        cfg['reduction'] = pick(rng, ['none', 'sum', 'mean'])
    if rng.random() < 0.3:
        cfg['loss_weight'] = pick(rng, [2.0, 0.5, 1.0])
    fw = {}
    m = int(np.prod(lshape))
    if rng.random() < 0.15:
        fw['weight'] = rng.random(pick(rng, [(m,), (m, 1), (m, c)])).astype(np.float32)
    if rng.random() < 0.1:
        fw['avg_factor'] = pick(rng, [4.0, 10.0])
    if rng.random() < 0.15:
        fw['reduction_override'] = pick(rng, ['none', 'mean', 'sum'])
    built = rng.random() < 0.3
    ctor = f"build(dict(type='FocalLoss'{', ' if cfg else ''}{kwargs_src(cfg)}))" if built else f"FocalLoss({kwargs_src(cfg)})"
    args = [lit(x, dt), lit(y, tdt)]
    if rng.random() < 0.1:
        args = ['pred=' + args[0], 'target=' + args[1]]
    if 'weight' in fw:
        args.append(f"weight={lit(fw['weight'])}")
    for k in ('avg_factor', 'reduction_override'):
        if k in fw:
            args.append(f'{k}={fw[k]!r}')
    args.append(f'ignore_index={ign}')
    prog = f"loss = {ctor}\nprint(loss({', '.join(args)}).tolist())"

    def ref():
        loss = MODELS.build(dict(type='FocalLoss', **cfg))
        kw = {k: (torch.from_numpy(v) if k == 'weight' else v) for k, v in fw.items()}
        print(fmt(loss(torch.from_numpy(x), torch.from_numpy(y), ignore_index=ign, **kw)))
    return 'focal', prog, ref


def case_tv_focal(rng):
    shape = pick(rng, [(int(rng.integers(1, 9)), int(rng.integers(1, 9))), (int(rng.integers(1, 20)),),
                       (2, 3, small_dim(rng), small_dim(rng))])
    x = logits(rng, shape)
    t = (rng.random(shape) > 0.6).astype(np.float32) if rng.random() < 0.8 else rng.random(shape).astype(np.float32)
    kw = {}
    if rng.random() < 0.6:
        kw['alpha'] = pick(rng, [-1, 0.25, 0.5, 0.0, 1.0, -1.0, 0.9])
    if rng.random() < 0.6:
        kw['gamma'] = pick(rng, [2, 0, 1, 1.5, 0.5, 3.0])
    if rng.random() < 0.7:
        kw['reduction'] = pick(rng, ['none', 'mean', 'sum'])
    args = kwargs_src(kw)
    kwn = rng.random() < 0.1
    prog = (f"print(sigmoid_focal_loss({'inputs=' if kwn else ''}{lit(x)}, {'targets=' if kwn else ''}{lit(t)}"
            f"{', ' if args else ''}{args}).tolist())")

    def ref():
        print(fmt(sigmoid_focal_loss(torch.from_numpy(x), torch.from_numpy(t), **kw)))
    return 'focal', prog, ref


# ------------------------------------------------------------------ ohem_pixel
class Ctx:
    def __init__(self, ignore_index, loss_decode):
        self.ignore_index = ignore_index
        self.loss_decode = loss_decode


def rand_loss_decode(rng, c, allow_other=False):
    def one():
        d = dict(type='CrossEntropyLoss')
        if rng.random() < 0.3:
            d['loss_weight'] = pick(rng, [0.5, 2.0, 0.4])
        if rng.random() < 0.3:
            d['class_weight'] = cw_list(rng, c)
        if rng.random() < 0.3:
            d['avg_non_ignore'] = True
        if rng.random() < 0.1:
            d['version'] = '0.x'
        if allow_other and rng.random() < 0.15:
            d = dict(type=pick(rng, ['DiceLoss', 'FocalLoss', 'CrossEntropyLoss']))
            if d['type'] == 'CrossEntropyLoss':
                d['use_sigmoid'] = True
            elif d['type'] == 'DiceLoss' and rng.random() < 0.4:
                d['version'] = '0.x'
        if allow_other and rng.random() < 0.15:
            d = tversky_or_lovasz(rng, c)
        if rng.random() < 0.2:
            d['loss_name'] = pick(rng, ['loss_ce', 'loss_aux', 'loss_x', 'ce_main', 'myloss'])
        return d
    k = pick(rng, [1, 1, 1, 2, 3])
    return one() if k == 1 and rng.random() < 0.7 else [one() for _ in range(k)]


def tversky_or_lovasz(rng, c):
    """A TverskyLoss / LovaszLoss config for loss lists (decode heads, OHEM)."""
    if rng.random() < 0.5:
        d = dict(type='TverskyLoss')
        if rng.random() < 0.3:
            d['ignore_index'] = pick(rng, [None, 0, 1, c - 1, -1, 255])
        if rng.random() < 0.3:
            d['alpha'], d['beta'] = pick(rng, [(0.5, 0.5), (0.1, 0.9), (0.7, 0.3)])
        if rng.random() < 0.3:
            d['smooth'] = pick(rng, [0.5, 0, 2])
        if rng.random() < 0.3:
            d['class_weight'] = cw_list(rng, c)
    else:
        d = dict(type='LovaszLoss')
        if rng.random() < 0.5:
            d['per_image'] = True
            if rng.random() < 0.5:
                d['reduction'] = pick(rng, ['none', 'mean', 'sum'])
        else:
            d['reduction'] = 'none'
        if rng.random() < 0.3:
            d['classes'] = pick(rng, ['all', 'present', [0], [c - 1, 0], [-1]])
        if rng.random() < 0.3:
            d['class_weight'] = cw_list(rng, c)
    if rng.random() < 0.3:
        d['loss_weight'] = pick(rng, [0.5, 2.0, 0.4])
    return d


def build_ld(ld):
    if isinstance(ld, dict):
        return build_loss(ld)
    return torch.nn.ModuleList([build_loss(d) for d in ld])


def make_head(c, ld, **kw):
    """FCNHead whose loss_decode is built by build_loss (0.x configs included)."""
    head = FCNHead(in_channels=4, channels=4, num_classes=c, loss_decode=dict(type='CrossEntropyLoss'), **kw)
    head.loss_decode = build_ld(ld)
    return head


def case_ohem(rng):
    n, c = int(rng.integers(1, 4)), int(rng.integers(2, 22))
    h, w = small_dim(rng), small_dim(rng)
    ties = rng.random() < 0.25
    if ties and rng.random() < 0.3:
        x = np.zeros((n, c, h, w), np.float32)
    else:
        x = logits(rng, (n, c, h, w), ties=ties)
    ign = pick(rng, [255, 255, 0, -1, 3])
    y = labels(rng, (n, h, w), c, ign, pick(rng, [0.0, 0.2, 0.2, 0.6, 1.0]))
    thresh = pick(rng, [None, None, 0.7, 0.3, 0.9, 0.5, 0.05, 1.0])
    if rng.random() < 0.15:
        # confident logits whose labels are mostly the argmax: ground-truth probabilities saturate
        # near 1 and tie in float32, so the threshold / K-th value falls between equal floats
        x = (x * pick(rng, [5.0, 8.0, 12.0])).astype(np.float32)
        am = x.argmax(1)
        sel = (rng.random(y.shape) < 0.8) & (y != ign)
        y[sel] = am[sel]
        thresh = pick(rng, [None, 0.99, 0.999, 1.0, 0.9])
    npix = n * h * w
    mk = pick(rng, [2, 3, 5, 10, max(2, npix // 4), npix, npix * 2, 100000])
    ld = rand_loss_decode(rng, c, allow_other=True)
    y4 = rng.random() < 0.4
    ylit = lit(y[:, None] if y4 else y, 'int64')
    kwn = rng.random() < 0.1
    samp = {} if thresh is None else {'thresh': thresh}
    samp['min_kept'] = mk
    prog = (f"sampler = build(dict(type='OHEMPixelSampler', {kwargs_src(samp)}), ignore_index={ign}, loss_decode={pyval(ld)})\n"
            f"w = sampler.sample({'seg_logit=' if kwn else ''}{lit(x)}, {'seg_label=' if kwn else ''}{ylit})\nprint(w.shape)\nprint(w.tolist())")

    def ref():
        s = OHEMPixelSampler(Ctx(ign, build_ld(ld)), thresh=thresh, min_kept=mk)
        wt = s.sample(torch.from_numpy(x), torch.from_numpy(y[:, None]))
        print(tuple(wt.shape))
        print(fmt(wt))
    return 'ohem_pixel', prog, ref


# ------------------------------------------------------------------ decode_head
class Wrap(BaseModel):
    def forward(self, *a, **k):
        pass


def case_head(rng):
    n, c = int(rng.integers(1, 4)), int(rng.integers(2, 8 if rng.random() < 0.8 else 20))
    lh, lw = small_dim(rng, 1, 9), small_dim(rng, 1, 9)
    h, w = small_dim(rng), small_dim(rng)
    if rng.random() < 0.25:
        h, w = lh, lw
    x = logits(rng, (n, c, lh, lw), ties=rng.random() < 0.15)
    ign = pick(rng, [255, 255, 0, 1, -1, c - 1])
    y = labels(rng, (n, h, w), c, ign, pick(rng, [0.0, 0.15, 0.15, 0.5, 1.0]))
    ld = rand_loss_decode(rng, c)
    if rng.random() < 0.15:
        extra = dict(type='CrossEntropyLoss', use_sigmoid=True, loss_name=pick(rng, ['loss_bce', 'loss_ce']))
        if rng.random() < 0.4:
            extra['avg_non_ignore'] = True
        ld = (ld if isinstance(ld, list) else [ld]) + [extra]
    if rng.random() < 0.1:
        extra = dict(type='CrossEntropyLoss', reduction=pick(rng, ['none', 'sum']), loss_name=pick(rng, ['loss_none', 'aux_none', 'loss_ce']))
        ld = (ld if isinstance(ld, list) else [ld]) + [extra]
        if rng.random() < 0.5:
            ld = ld[::-1]
    if rng.random() < 0.3:
        extra = dict(type='DiceLoss', loss_name=pick(rng, ['loss_dice', 'dice_aux', 'loss_ce']), loss_weight=pick(rng, [1.0, 3.0, 2.0]))
        if rng.random() < 0.3:
            extra['use_sigmoid'] = False
        if rng.random() < 0.3:
            extra['naive_dice'] = True
        if rng.random() < 0.2:
            extra['eps'] = pick(rng, [1.0, 1e-5])
        if rng.random() < 0.2:
            extra['ignore_index'] = pick(rng, [None, 0, 1])
        if rng.random() < 0.25:
            for k in ('use_sigmoid', 'naive_dice', 'eps'):
                extra.pop(k, None)
            extra['version'] = '0.x'
            if rng.random() < 0.5:
                extra['smooth'] = pick(rng, [1, 0.5, 0])
            if rng.random() < 0.3:
                extra['class_weight'] = cw_list(rng, c)
        ld = (ld if isinstance(ld, list) else [ld]) + [extra]
    if rng.random() < 0.15:
        extra = dict(type='FocalLoss', loss_name=pick(rng, ['loss_focal', 'loss_ce']))
        if rng.random() < 0.4:
            extra['gamma'] = pick(rng, [1.0, 0.0, 3.0])
        if rng.random() < 0.4:
            extra['alpha'] = pick(rng, [0.25, [round(float(v), 3) for v in rng.uniform(0.1, 0.9, c)]])
        if rng.random() < 0.3:
            extra['class_weight'] = cw_list(rng, c)
        if rng.random() < 0.3:
            extra['loss_weight'] = pick(rng, [2.0, 0.5])
        ld = (ld if isinstance(ld, list) else [ld]) + [extra]
    if rng.random() < 0.3:
        extra = tversky_or_lovasz(rng, c)
        if rng.random() < 0.4:
            extra['loss_name'] = pick(rng, ['loss_tv', 'loss_lovasz', 'loss_ce', 'aux_x'])
        ld = (ld if isinstance(ld, list) else [ld]) + [extra]
        if rng.random() < 0.3:
            ld = ld[::-1]
    sampler = None
    if rng.random() < 0.35:
        sampler = dict(type='OHEMPixelSampler', min_kept=pick(rng, [2, 10, 20, 1000]))
        t = pick(rng, [None, 0.7, 0.5, 0.9])
        if t is not None:
            sampler['thresh'] = t
    align = bool(rng.random() < 0.4)
    names = []
    for d in (ld if isinstance(ld, list) else [ld]):
        nm = d.get('loss_name', {'CrossEntropyLoss': 'loss_ce', 'DiceLoss': 'loss_dice', 'FocalLoss': 'loss_focal',
                                  'TverskyLoss': 'loss_tversky', 'LovaszLoss': 'loss_lovasz'}[d['type']])
        if nm not in names:
            names.append(nm)
    names.append('acc_seg')
    y4 = rng.random() < 0.3
    kwn = rng.random() < 0.1
    prog = (f"losses = decode_head_loss({'seg_logits=' if kwn else ''}{lit(x)}, {'seg_label=' if kwn else ''}{lit(y[:, None] if y4 else y, 'int64')}, loss_decode={pyval(ld)}, "
            f"sampler={pyval(sampler)}, ignore_index={ign}, align_corners={align})\n"
            f"for k in {names!r}:\n    print(k, losses[k].tolist())\n"
            "total, log_vars = parse_losses(losses)\nprint('total', total.tolist())")

    def ref():
        head = make_head(c, ld, sampler=sampler, ignore_index=ign, align_corners=align)
        samples = []
        for i in range(n):
            s = SegDataSample()
            s.gt_sem_seg = PixelData(data=torch.from_numpy(y[i:i + 1]))
            samples.append(s)
        losses = head.loss_by_feat(torch.from_numpy(x), samples)
        for k in names:
            print(k, fmt(losses[k]))
        total, _ = Wrap().parse_losses(losses)
        print('total', total.tolist())   # the int 0 (no 'loss' key) has no tolist, as in the program
    return 'decode_head', prog, ref


# ------------------------------------------------------------------ interpolate
def case_interp(rng):
    three = rng.random() < 0.2
    n, c = int(rng.integers(1, 3)), int(rng.integers(1, 4) if rng.random() < 0.8 else rng.integers(4, 40))
    if three:
        shape = (n, c, small_dim(rng))
        mode = pick(rng, ['linear', 'nearest', 'linear', 'bilinear' if rng.random() < 0.1 else 'linear'])
    else:
        shape = (n, c, small_dim(rng), small_dim(rng)) if rng.random() < 0.9 else (1, c, int(rng.integers(20, 50)), int(rng.integers(20, 50)))
        mode = pick(rng, ['bilinear', 'bilinear', 'nearest', 'nearest-exact' if rng.random() < 0.2 else 'bilinear'])
        if rng.random() < 0.15:
            mode = 'bicubic'
    if rng.random() < 0.1:
        mode = 'area'
    x = logits(rng, shape, scale=1.0)
    kw = {}
    d = len(shape) - 2
    if rng.random() < 0.5:
        sz = tuple(small_dim(rng, 1, 19) for _ in range(d))
        kw['size'] = sz[0] if (d == 1 or rng.random() < 0.15) and len(set(sz)) >= 1 and rng.random() < 0.5 else sz
        if isinstance(kw['size'], tuple) and d == 1 and rng.random() < 0.5:
            kw['size'] = kw['size'][0]
    else:
        f = pick(rng, [1.5, 0.7, 2.3, 2.0, 0.5, 3.0, 1.25, 0.3, 1.7, 0.9, 4.0, 1.0])
        if d == 2 and rng.random() < 0.25:
            f = (f, pick(rng, [0.8, 1.5, 2.0, 0.6, 2.5]))
        kw['scale_factor'] = f
    kw['mode'] = mode
    if mode in ('linear', 'bilinear', 'bicubic') or rng.random() < 0.05:
        r = rng.random()
        if r < 0.45:
            kw['align_corners'] = True
        elif r < 0.85:
            kw['align_corners'] = False
        elif r < 0.9:
            kw['align_corners'] = None
    if 'scale_factor' in kw and rng.random() < 0.1:
        kw['recompute_scale_factor'] = True
    for k in ('size', 'scale_factor'):
        if isinstance(kw.get(k), tuple) and rng.random() < 0.3:
            kw[k] = list(kw[k])
    # float64: linear modes agree within 1 ulp (not bit for bit); float64 'nearest' picks some source indices in
    # double in some torch kernels (not modelled: the call forms use float32), so it is left out
    dt = 'float64' if rng.random() < 0.1 and ('linear' in mode or mode == 'bicubic') and not os.environ.get('FUZZ_EXACT') else 'float32'
    if dt == 'float64':
        x = x.astype(np.float64) + rng.normal(0, 1e-9, x.shape)
    prog = f"print(interpolate({'input=' if rng.random() < 0.1 else ''}{lit(x, dt)}, {kwargs_src(kw)}).tolist())"

    def ref():
        print(fmt(F.interpolate(torch.from_numpy(x), **kw)))
    return 'interpolate', prog, ref


# ------------------------------------------------------------------ tversky / lovasz / ce_mask
CW_DIR = tempfile.mkdtemp(prefix='fuzz_cw_')
_cw_files = [0]


def cw_value(rng, n):
    """A class_weight config value: a list, or a .json / .npy file holding one (get_class_weight)."""
    cw = cw_list(rng, n)
    r = rng.random()
    if r < 0.75:
        return cw
    _cw_files[0] += 1
    if r < 0.88:
        path = os.path.join(CW_DIR, f'cw{_cw_files[0]}.json')
        with open(path, 'w') as f:
            f.write(repr(cw))
    else:
        path = os.path.join(CW_DIR, f'cw{_cw_files[0]}.npy')
        np.save(path, np.asarray(cw, dtype=pick(rng, [np.float32, np.float64])))
    return path


def forward_kwargs(rng, n, lshape, with_ign=True, ign_choices=(255, 0, -1, None)):
    """Random forward keywords (weight / avg_factor / reduction_override / ignore_index)."""
    fw = {}
    if rng.random() < 0.15:
        fw['weight'] = rng.random(lshape).astype(np.float32)
    if rng.random() < 0.2:
        fw['avg_factor'] = float(pick(rng, [2.0, 5.0, 0.5, 3.0]))
    if rng.random() < 0.3:
        fw['reduction_override'] = pick(rng, ['none', 'mean', 'sum'])
    if with_ign and rng.random() < 0.6:
        fw['ignore_index'] = pick(rng, list(ign_choices))
    return fw


def call_src(fw, inputs):
    args = list(inputs)
    for k, v in fw.items():
        args.append(f"{k}={lit(v) if k == 'weight' else repr(v)}")
    return ', '.join(args)


def call_ref(fw):
    return {k: (torch.from_numpy(v) if k == 'weight' else v) for k, v in fw.items()}


def case_tversky(rng):
    n, c = int(rng.integers(1, 4)), int(rng.integers(1, 9) if rng.random() < 0.85 else rng.integers(9, 22))
    h, w = small_dim(rng), small_dim(rng)
    form = rng.random()
    if form < 0.1:
        pshape, lshape = (n, c), (n,)
    elif form < 0.2:
        pshape, lshape = (n, c, h), (n, h)
    else:
        pshape, lshape = (n, c, h, w), (n, h, w)
    cfg = {}
    ign = pick(rng, [255, 255, 255, None, 0, -1, c - 1, int(rng.integers(0, c + 2))])
    if ign != 255 or rng.random() < 0.2:
        cfg['ignore_index'] = ign
    if rng.random() < 0.4:
        cfg['smooth'] = pick(rng, [1, 0.5, 0, 2, 1e-5, 1.0, 3.0])
    if rng.random() < 0.6:
        a = pick(rng, [0.3, 0.5, 0.1, 0.7, 0.4, 0.2, 0.0, 1.0, 0.25, 0.6, 0.9])
        cfg['alpha'], cfg['beta'] = a, round(1.0 - a, 10)
        if rng.random() < 0.3:
            cfg.pop(pick(rng, ['alpha', 'beta']))   # the other keeps its default: the pair may not sum to 1
    if rng.random() < 0.35:
        cfg['class_weight'] = cw_value(rng, c if rng.random() < 0.9 else c + 2)
    if rng.random() < 0.3:
        cfg['loss_weight'] = pick(rng, [0.5, 2.0, 0.4, 1.0, 3.0])
    if rng.random() < 0.2:
        cfg['loss_name'] = 'loss_tv'
    # labels: classes, the ignore index (unless None), values above C-1 (clamped to C-1), negatives (clamped to 0)
    y = rng.integers(0, c, lshape).astype(np.int64)
    fill = ign if ign is not None else 255
    p_ign = p_ign_choice(rng)
    if p_ign >= 1:
        y[...] = fill
    elif p_ign > 0:
        y[rng.random(lshape) < p_ign] = fill
    if rng.random() < 0.25:
        y[rng.random(lshape) < 0.2] = pick(rng, [c, c + 3, -2, 7])
    fl = rng.random() < 0.15
    if fl:   # float labels: .long() truncates, the mask compares the float value
        y = y.astype(np.float32)
        if rng.random() < 0.5:
            y = (y + (rng.random(lshape) < 0.2) * pick(rng, [0.5, 0.25, -0.5])).astype(np.float32)
    dt = 'float64' if rng.random() < 0.08 else 'float32'
    x = logits(rng, pshape).astype(dt)
    fw = forward_kwargs(rng, n, lshape)      # all ignored by TverskyLoss.forward(**kwargs)
    built = rng.random() < 0.5
    ctor = f"build(dict(type='TverskyLoss'{', ' if cfg else ''}{kwargs_src(cfg)}))" if built else f"TverskyLoss({kwargs_src(cfg)})"
    prog = (f"loss = {ctor}\nx = {lit(x, dt)}\ny = {lit(y, 'float32' if fl else 'int64')}\n"
            f"out = loss({call_src(fw, ['x', 'y'])})\nprint(out.shape)\nprint(out.tolist())")

    def ref():
        loss = build_loss(dict(type='TverskyLoss', **cfg))
        out = loss(torch.from_numpy(x), torch.from_numpy(y), **call_ref(fw))
        print(tuple(out.shape))
        print(fmt(out))
    return 'tversky', prog, ref


def _lovasz_classes(rng, c):
    r = rng.random()
    if r < 0.4:
        return None
    if r < 0.6:
        return pick(rng, ['present', 'all'])
    k = int(rng.integers(1, min(c, 4) + 1))
    return [int(v) for v in rng.integers(-c, c, k)]


def case_lovasz(rng):
    n = int(rng.integers(1, 4))
    h, w = small_dim(rng), small_dim(rng)
    binary = rng.random() < 0.3
    cfg = {}
    if binary:
        cfg['loss_type'] = 'binary'
        c = 1
        pshape = (n, h, w) if rng.random() < 0.6 else (n, 1, h, w)
        if rng.random() < 0.15:
            cfg['classes'] = pick(rng, ['all', [0]])
    else:
        if rng.random() < 0.2:
            cfg['loss_type'] = 'multi_class'
        c = int(rng.integers(1, 9) if rng.random() < 0.85 else rng.integers(9, 22))
        if c == 1 and rng.random() < 0.7:
            c = 2
        pshape = (n, c, h, w)
        cls = _lovasz_classes(rng, c)
        if cls is not None:
            cfg['classes'] = cls
    per_image = rng.random() < 0.5
    if per_image:
        cfg['per_image'] = True
        if rng.random() < 0.7:
            cfg['reduction'] = pick(rng, ['none', 'mean', 'sum'])
    else:
        if rng.random() < 0.3:
            cfg['per_image'] = False
        cfg['reduction'] = 'none'
    if rng.random() < 0.3:
        cfg['class_weight'] = cw_value(rng, c if rng.random() < 0.9 else c + 2)
    if rng.random() < 0.3:
        cfg['loss_weight'] = pick(rng, [0.5, 2.0, 0.4, 1.0, 3.0])
    lshape = (n, h, w)
    fw = forward_kwargs(rng, n, lshape, ign_choices=(255, 255, 0, -1, c - 1, None))
    ign = fw.get('ignore_index', 255)
    if 'avg_factor' in fw and (cfg.get('reduction', 'mean') if 'reduction_override' not in fw else fw['reduction_override']) == 'sum' and per_image:
        if rng.random() < 0.8:
            del fw['avg_factor']   # (the reference raises; kept sometimes)
    if binary:
        y = rng.integers(0, 2, lshape).astype(np.int64)
        # labels other than 0/1 are an error in trick (upstream computes a meaningless hinge): only 0/1 or the ignore index
        if ign is not None and ign not in (0, 1):
            p_ign = p_ign_choice(rng)
            if p_ign >= 1:
                y[...] = ign
            elif p_ign > 0:
                y[rng.random(lshape) < p_ign] = ign
    else:
        fill = ign if ign is not None else 255
        y = labels(rng, lshape, c, fill, p_ign_choice(rng))
        if rng.random() < 0.15:
            y[rng.random(lshape) < 0.15] = pick(rng, [c, c + 2, -3])
        if rng.random() < 0.1 and ign is not None:   # exactly one valid pixel (an image of it with per_image)
            y[...] = ign
            y.flat[int(rng.integers(0, y.size))] = int(rng.integers(0, c))
    # float32 only: on float64 logits mmseg 1.2.2 raises (torch.dot of float64 errors with lovasz_grad's float32)
    # while trick computes, a reference crash not reproduced (SPEC section 8)
    dt = 'float32'
    x = logits(rng, pshape, ties=rng.random() < 0.2).astype(dt)
    built = rng.random() < 0.5
    ctor = f"build(dict(type='LovaszLoss', {kwargs_src(cfg)}))" if built else f"LovaszLoss({kwargs_src(cfg)})"
    inputs = ['x', 'y'] if rng.random() < 0.9 else ['cls_score=x', 'label=y']
    prog = (f"loss = {ctor}\nx = {lit(x, dt)}\ny = {lit(y, 'int64')}\n"
            f"out = loss({call_src(fw, inputs)})\nprint(out.shape)\nprint(out.tolist())")

    def ref():
        loss = build_loss(dict(type='LovaszLoss', **cfg))
        out = loss(torch.from_numpy(x), torch.from_numpy(y), **call_ref(fw))
        print(tuple(out.shape))
        print(fmt(out))
    return 'lovasz', prog, ref


def case_ce_mask(rng):
    r_, c = int(rng.integers(1, 7)), int(rng.integers(1, 7))
    h, w = small_dim(rng, 1, 9), small_dim(rng, 1, 9)
    x = logits(rng, (r_, c, h, w))
    tshape = (r_, w) if h == 1 else (r_, h, w)
    t = (rng.random(tshape) > 0.5).astype(np.float32) if rng.random() < 0.8 else rng.random(tshape).astype(np.float32)
    lab = rng.integers(-c if rng.random() < 0.1 else 0, c, r_).astype(np.int64)
    cfg = {'use_mask': True}
    if rng.random() < 0.3:
        cfg['loss_weight'] = pick(rng, [0.5, 2.0, 1.0, 3.0])
    if rng.random() < 0.35:
        # BCE's weight broadcasts against the (R, H, W) slice: length W or 1 (other lengths are an error)
        k = pick(rng, [w, w, 1, c])
        cfg['class_weight'] = cw_value(rng, k)
    if rng.random() < 0.15:
        cfg['reduction'] = 'mean'
    if rng.random() < 0.1:
        cfg['loss_name'] = 'loss_mask'
    dt = 'float64' if rng.random() < 0.08 else 'float32'
    x = x.astype(dt)
    third = 'weight=lab' if rng.random() < 0.2 else 'lab'
    fw = ''
    if rng.random() < 0.15:
        fw = ", reduction_override='mean'"
    built = rng.random() < 0.5
    ctor = f"build(dict(type='CrossEntropyLoss', {kwargs_src(cfg)}))" if built else f"CrossEntropyLoss({kwargs_src(cfg)})"
    prog = (f"loss = {ctor}\nx = {lit(x, dt)}\nt = {lit(t)}\nlab = {lit(lab, 'int64')}\n"
            f"out = loss(x, t, {third}{fw}, ignore_index=None)\nprint(out.shape)\nprint(out.tolist())")

    def ref():
        loss = build_loss(dict(type='CrossEntropyLoss', **cfg))
        kw = {'reduction_override': 'mean'} if fw else {}
        out = loss(torch.from_numpy(x), torch.from_numpy(t), torch.from_numpy(lab), ignore_index=None, **kw)
        print(tuple(out.shape))
        print(fmt(out))
    return 'ce_mask', prog, ref


# ------------------------------------------------------------------ bad inputs (the reference raises; trick must exit 1)
def case_bad(rng):
    n, c, h, w = int(rng.integers(1, 3)), int(rng.integers(2, 6)), int(rng.integers(1, 5)), int(rng.integers(1, 5))
    x = logits(rng, (n, c, h, w))
    y = labels(rng, (n, h, w), c, 255, 0.2)
    X, Y = lit(x), lit(y, 'int64')
    tx, ty = torch.from_numpy(x), torch.from_numpy(y)
    k = int(rng.integers(25, 31)) if rng.random() < 0.45 else int(rng.integers(0, 25))
    if k >= 25:
        return case_bad_new(rng, k, n, c, h, w, x, y)
    if k == 0:   # class_weight of the wrong length
        cw = cw_list(rng, c + 1)
        return 'ce', f"loss = build(dict(type='CrossEntropyLoss', class_weight={cw!r}))\nprint(loss({X}, {Y}, ignore_index=255).tolist())", \
            lambda: print(MODELS.build(dict(type='CrossEntropyLoss', class_weight=cw))(tx, ty, ignore_index=255))
    if k == 1:   # a label outside [0, C) that is not ignored
        y2 = y.copy(); y2.flat[0] = c
        return 'ce', f"loss = CrossEntropyLoss()\nprint(loss({X}, {lit(y2, 'int64')}, ignore_index=255).tolist())", \
            lambda: print(MODELS.build(dict(type='CrossEntropyLoss'))(tx, torch.from_numpy(y2), ignore_index=255))
    if k == 2:   # labels of the wrong spatial size
        y2 = labels(rng, (n, h + 1, w), c, 255, 0.0)
        return 'ce', f"print(cross_entropy({X}, {lit(y2, 'int64')}, ignore_index=255).tolist())", \
            lambda: print(F.cross_entropy(tx, torch.from_numpy(y2), ignore_index=255))
    if k == 3:   # an unknown reduction
        return 'ce', f"print(cross_entropy({X}, {Y}, ignore_index=255, reduction='avg').tolist())", \
            lambda: print(F.cross_entropy(tx, ty, ignore_index=255, reduction='avg'))
    if k == 4:   # avg_factor with reduction 'sum'
        return 'ce', f"loss = CrossEntropyLoss(reduction='sum')\nprint(loss({X}, {Y}, avg_factor=3.0, ignore_index=255).tolist())", \
            lambda: print(MODELS.build(dict(type='CrossEntropyLoss', reduction='sum'))(tx, ty, avg_factor=3.0, ignore_index=255))
    if k == 5:   # binary head with a label > 1
        x1 = logits(rng, (n, 1, h, w)); y2 = y.copy(); y2.flat[0] = 2
        return 'ce', f"loss = CrossEntropyLoss(use_sigmoid=True)\nprint(loss({lit(x1)}, {lit(y2, 'int64')}, ignore_index=255).tolist())", \
            lambda: print(MODELS.build(dict(type='CrossEntropyLoss', use_sigmoid=True))(torch.from_numpy(x1), torch.from_numpy(y2), ignore_index=255))
    if k == 6:   # weight of the wrong length for Dice
        wt = rng.random(n + 1).astype(np.float32)
        return 'dice', f"loss = build(dict(type='DiceLoss'))\nprint(loss({X}, {Y}, weight={lit(wt)}).tolist())", \
            lambda: print(MODELS.build(dict(type='DiceLoss'))(tx, ty, weight=torch.from_numpy(wt)))
    if k == 7:   # Dice: ignore_index drops the only channel
        x1 = logits(rng, (n, 1, h, w))
        return 'dice', f"loss = build(dict(type='DiceLoss', ignore_index=0))\nprint(loss({lit(x1)}, {Y}).tolist())", \
            lambda: print(MODELS.build(dict(type='DiceLoss', ignore_index=0))(torch.from_numpy(x1), ty))
    if k == 8:   # Dice: a target of another shape
        y2 = labels(rng, (n, h + 1, w), c, 255, 0.0)
        return 'dice', f"loss = build(dict(type='DiceLoss'))\nprint(loss({X}, {lit(y2, 'int64')}).tolist())", \
            lambda: print(MODELS.build(dict(type='DiceLoss'))(tx, torch.from_numpy(y2)))
    if k == 9:   # FocalLoss: int gamma / int loss_weight / str class_weight
        arg = pick(rng, ['gamma=2', 'loss_weight=1', "alpha=1"])
        kw = eval(f'dict({arg})')
        return 'focal', f"loss = FocalLoss({arg})\nprint(loss({X}, {Y}, ignore_index=255).tolist())", \
            lambda: print(MODELS.build(dict(type='FocalLoss', **kw))(tx, ty))
    if k == 10:  # FocalLoss: target of the wrong shape
        y2 = labels(rng, (n, h, w + 1), c, 255, 0.0)
        return 'focal', f"loss = FocalLoss()\nprint(loss({X}, {lit(y2, 'int64')}, ignore_index=255).tolist())", \
            lambda: print(MODELS.build(dict(type='FocalLoss'))(tx, torch.from_numpy(y2)))
    if k == 11:  # FocalLoss: a label > C
        y2 = y.copy(); y2.flat[0] = c + 1
        return 'focal', f"loss = FocalLoss()\nprint(loss({X}, {lit(y2, 'int64')}, ignore_index=255).tolist())", \
            lambda: print(MODELS.build(dict(type='FocalLoss'))(tx, torch.from_numpy(y2)))
    if k == 12:  # sigmoid_focal_loss: shapes differ / bad reduction / integer targets
        if rng.random() < 0.3:
            return 'focal', f"print(sigmoid_focal_loss({X}, {lit(np.zeros((n, c, h, w), np.int64), 'int64')}).tolist())", \
                lambda: print(sigmoid_focal_loss(tx, torch.zeros(n, c, h, w, dtype=torch.int64)))
        if rng.random() < 0.5:
            return 'focal', f"print(sigmoid_focal_loss({X}, {lit(np.zeros((n, c, h, w + 1), np.float32))}).tolist())", \
                lambda: print(sigmoid_focal_loss(tx, torch.zeros(n, c, h, w + 1)))
        return 'focal', f"print(sigmoid_focal_loss({X}, {lit(np.zeros((n, c, h, w), np.float32))}, reduction='avg').tolist())", \
            lambda: print(sigmoid_focal_loss(tx, torch.zeros(n, c, h, w), reduction='avg'))
    if k == 13:  # OHEM: min_kept 1
        return 'ohem_pixel', (f"sampler = build(dict(type='OHEMPixelSampler', thresh=0.7, min_kept=1), ignore_index=255, loss_decode=dict(type='CrossEntropyLoss'))\n"
                              f"print(sampler.sample({X}, {Y}).tolist())"), \
            lambda: print(OHEMPixelSampler(Ctx(255, MODELS.build(dict(type='CrossEntropyLoss'))), thresh=0.7, min_kept=1))
    if k == 14:  # OHEM: label of another spatial size
        y2 = labels(rng, (n, h + 1, w), c, 255, 0.0)
        thr = pick(rng, [None, 0.7])
        samp = f"thresh={thr}, " if thr is not None else ''
        return 'ohem_pixel', (f"sampler = build(dict(type='OHEMPixelSampler', {samp}min_kept=5), ignore_index=255, loss_decode=dict(type='CrossEntropyLoss'))\n"
                              f"print(sampler.sample({X}, {lit(y2, 'int64')}).tolist())"), \
            lambda: OHEMPixelSampler(Ctx(255, MODELS.build(dict(type='CrossEntropyLoss'))), thresh=thr, min_kept=5).sample(tx, torch.from_numpy(y2)[:, None])
    if k == 15:  # OHEM thresh mode: a label outside [0, C)
        y2 = y.copy(); y2.flat[0] = c + 2
        return 'ohem_pixel', (f"sampler = build(dict(type='OHEMPixelSampler', thresh=0.7, min_kept=5), ignore_index=255, loss_decode=dict(type='CrossEntropyLoss'))\n"
                              f"print(sampler.sample({X}, {lit(y2, 'int64')}).tolist())"), \
            lambda: OHEMPixelSampler(Ctx(255, None), thresh=0.7, min_kept=5).sample(tx, torch.from_numpy(y2)[:, None])
    if k == 16:  # decode head: loss_decode of a wrong type
        return 'decode_head', f"losses = decode_head_loss({X}, {Y}, loss_decode='CrossEntropyLoss')\nprint(losses['acc_seg'].tolist())", \
            lambda: FCNHead(in_channels=4, channels=4, num_classes=c, loss_decode='CrossEntropyLoss')
    if k == 17:  # decode head: batch sizes differ
        y2 = labels(rng, (n + 1, h, w), c, 255, 0.0)
        return 'decode_head', f"losses = decode_head_loss({X}, {lit(y2, 'int64')}, loss_decode=dict(type='CrossEntropyLoss'))\nprint(losses['acc_seg'].tolist())", \
            lambda: _head_loss(c, dict(type='CrossEntropyLoss'), tx, torch.from_numpy(y2))
    if k == 18:  # interpolate: both size and scale_factor
        return 'interpolate', f"print(interpolate({X}, size=(3, 3), scale_factor=2.0, mode='nearest').tolist())", \
            lambda: F.interpolate(tx, size=(3, 3), scale_factor=2.0, mode='nearest')
    if k == 19:  # interpolate: bilinear on 3-D input / linear on 4-D
        x3 = logits(rng, (n, c, w))
        if rng.random() < 0.5:
            return 'interpolate', f"print(interpolate({lit(x3)}, size=4, mode='bilinear', align_corners=False).tolist())", \
                lambda: F.interpolate(torch.from_numpy(x3), size=4, mode='bilinear', align_corners=False)
        return 'interpolate', f"print(interpolate({X}, size=(4, 4), mode='linear', align_corners=False).tolist())", \
            lambda: F.interpolate(tx, size=(4, 4), mode='linear', align_corners=False)
    if k == 20:  # interpolate: a scale factor giving an empty output / size of the wrong length
        if rng.random() < 0.5:
            return 'interpolate', f"print(interpolate({X}, scale_factor=0.1, mode='bilinear', align_corners=False).tolist())", \
                lambda: F.interpolate(tx, scale_factor=0.1, mode='bilinear', align_corners=False)
        return 'interpolate', f"print(interpolate({X}, size=(2, 3, 4), mode='nearest').tolist())", \
            lambda: F.interpolate(tx, size=(2, 3, 4), mode='nearest')
    if k == 22:  # interpolate: bicubic on 3-D input / area with align_corners
        x3 = logits(rng, (n, c, w))
        if rng.random() < 0.5:
            return 'interpolate', f"print(interpolate({lit(x3)}, size=4, mode='bicubic', align_corners=False).tolist())", \
                lambda: F.interpolate(torch.from_numpy(x3), size=4, mode='bicubic', align_corners=False)
        return 'interpolate', f"print(interpolate({X}, size=(2, 2), mode='area', align_corners=False).tolist())", \
            lambda: F.interpolate(tx, size=(2, 2), mode='area', align_corners=False)
    if k == 23:  # interpolate: an empty bicubic output / a negative area size
        if rng.random() < 0.5:
            return 'interpolate', f"print(interpolate({X}, scale_factor=0.1, mode='bicubic', align_corners=False).tolist())", \
                lambda: F.interpolate(tx, scale_factor=0.1, mode='bicubic', align_corners=False)
        return 'interpolate', f"print(interpolate({X}, size=(-1, 2), mode='area').tolist())", \
            lambda: F.interpolate(tx, size=(-1, 2), mode='area')
    if k == 24:  # 0.x DiceLoss: class_weight of the wrong length / soft targets (0.x one-hot needs labels)
        if rng.random() < 0.5:
            cw = cw_list(rng, pick(rng, [c - 1, c + 1]))
            return 'dice', f"loss = DiceLoss(version='0.x', class_weight={cw!r})\nprint(loss({X}, {Y}).tolist())", \
                lambda: print(fmt(build_loss(dict(type='DiceLoss', version='0.x', class_weight=cw))(tx, ty)))
        # (a 1x1 map is left out: 0.x then broadcasts the one-hot of the float target's values)
        x2 = logits(rng, (n, c, 2, 3))
        sx, X, tx = torch.softmax(torch.from_numpy(x2), 1).numpy(), lit(x2), torch.from_numpy(x2)
        return 'dice', f"loss = DiceLoss(version='0.x')\nprint(loss({X}, {lit(sx)}).tolist())", \
            lambda: print(build_loss(dict(type='DiceLoss', version='0.x'))(tx, torch.from_numpy(sx)))
    # k == 21: interpolate: unknown mode / nearest with align_corners
    if rng.random() < 0.5:
        return 'interpolate', f"print(interpolate({X}, size=(3, 3), mode='bilinearr').tolist())", \
            lambda: F.interpolate(tx, size=(3, 3), mode='bilinearr')
    return 'interpolate', f"print(interpolate({X}, size=(3, 3), mode='nearest', align_corners=False).tolist())", \
        lambda: F.interpolate(tx, size=(3, 3), mode='nearest', align_corners=False)


def case_bad_new(rng, k, n, c, h, w, x, y):
    """Malformed TverskyLoss / LovaszLoss / CrossEntropyLoss(use_mask=True) programs (the reference raises)."""
    X, Y = lit(x), lit(y, 'int64')
    tx, ty = torch.from_numpy(x), torch.from_numpy(y)

    def loss_prog(area, cfg, args_src, ref_args, ref_kw=None):
        tname = cfg['type']
        rest = {a: b for a, b in cfg.items() if a != 'type'}
        ctor = f"build(dict({kwargs_src(cfg)}))" if rng.random() < 0.5 else f"{tname}({kwargs_src(rest)})"
        return area, f"loss = {ctor}\nprint(loss({args_src}).tolist())", \
            lambda: print(fmt(build_loss(cfg)(*ref_args, **(ref_kw or {}))))
    if k == 25:  # Tversky: alpha + beta != 1 / class_weight shorter than C / a target of another size
        r = rng.random()
        if r < 0.4:
            a, b = pick(rng, [(0.3, 0.6), (0.5, 0.6), (0.1, 0.2), (0.7, 0.7), (1.0, 0.5)])
            return loss_prog('tversky', dict(type='TverskyLoss', alpha=a, beta=b), f"{X}, {Y}", (tx, ty))
        if r < 0.7 or h * w == 1:
            # (a one-pixel pred is left out of the wrong-size branch: mmseg's (N, 1) x (N, K) products broadcast and it
            # computes a meaningless value; trick rejects the shape)
            return loss_prog('tversky', dict(type='TverskyLoss', class_weight=cw_list(rng, c - 1)), f"{X}, {Y}", (tx, ty))
        y2 = labels(rng, (n, h + 1, w), c, 255, 0.0)
        return loss_prog('tversky', dict(type='TverskyLoss'), f"{X}, {lit(y2, 'int64')}", (tx, torch.from_numpy(y2)))
    if k == 26:  # Lovász: per_image=False with a reduction other than 'none' / unknown loss_type
        if rng.random() < 0.7:
            cfg = dict(type='LovaszLoss', reduction=pick(rng, ['mean', 'sum']))
            if rng.random() < 0.5:
                cfg['per_image'] = False
        else:
            cfg = dict(type='LovaszLoss', loss_type=pick(rng, ['multi', 'softmax', 'Binary']), reduction='none')
        return loss_prog('lovasz', cfg, f"{X}, {Y}", (tx, ty))
    if k == 27:  # Lovász: bad classes (not 'all'/'present'/list of ints, out of range, empty list)
        cls = pick(rng, ['some', 'All', 3, (0, 1), [0.0, 1.0], [c], [-c - 1], [], [0, c + 2]])
        return loss_prog('lovasz', dict(type='LovaszLoss', classes=cls, reduction='none'), f"{X}, {Y}", (tx, ty))
    if k == 28:  # Lovász: labels of another size / binary with C > 1 logits / avg_factor with 'sum' / short class_weight
        r = rng.random()
        if r < 0.3:
            y2 = labels(rng, (n, h, w + 1), c, 255, 0.0)
            return loss_prog('lovasz', dict(type='LovaszLoss', per_image=pick(rng, [True, False]), reduction='none'),
                             f"{X}, {lit(y2, 'int64')}", (tx, torch.from_numpy(y2)))
        if r < 0.5:
            x2 = logits(rng, (n, 2 + int(rng.integers(0, 3)), h, w))
            y2 = rng.integers(0, 2, (n, h, w)).astype(np.int64)
            return loss_prog('lovasz', dict(type='LovaszLoss', loss_type='binary', reduction='none'),
                             f"{lit(x2)}, {lit(y2, 'int64')}", (torch.from_numpy(x2), torch.from_numpy(y2)))
        if r < 0.75:
            return loss_prog('lovasz', dict(type='LovaszLoss', per_image=True, reduction='sum'), f"{X}, {Y}, avg_factor=2.0",
                             (tx, ty), dict(avg_factor=2.0))
        y2 = rng.integers(0, c, (n, h, w)).astype(np.int64)
        y2.flat[0] = c - 1
        return loss_prog('lovasz', dict(type='LovaszLoss', class_weight=cw_list(rng, c - 1), classes='all', reduction='none'),
                         f"{X}, {lit(y2, 'int64')}", (tx, torch.from_numpy(y2)))
    if k == 29:  # Lovász: an unknown reduction_override
        return loss_prog('lovasz', dict(type='LovaszLoss', per_image=True), f"{X}, {Y}, reduction_override='avg'",
                         (tx, ty), dict(reduction_override='avg'))
    # k == 30: CrossEntropyLoss(use_mask=True): ignore_index not None, reduction, avg_factor, masks of another shape,
    # labels of another length or out of range, a class_weight that does not broadcast, use_sigmoid too
    t = (rng.random((c, h, w)) > 0.5).astype(np.float32)
    xm = logits(rng, (c, c + 1, h, w))
    lab = rng.integers(0, c + 1, c).astype(np.int64)
    tm, xmt, labt = torch.from_numpy(t), torch.from_numpy(xm), torch.from_numpy(lab)
    T_, XM, LAB = lit(t), lit(xm), lit(lab, 'int64')
    r = int(rng.integers(0, 8))
    if r == 0:
        return loss_prog('ce_mask', dict(type='CrossEntropyLoss', use_mask=True), f"{XM}, {T_}, {LAB}", (xmt, tm, labt))
    if r == 1:
        return loss_prog('ce_mask', dict(type='CrossEntropyLoss', use_mask=True, reduction=pick(rng, ['sum', 'none'])),
                         f"{XM}, {T_}, {LAB}, ignore_index=None", (xmt, tm, labt), dict(ignore_index=None))
    if r == 2:
        return loss_prog('ce_mask', dict(type='CrossEntropyLoss', use_mask=True), f"{XM}, {T_}, {LAB}, avg_factor=2.0, ignore_index=None",
                         (xmt, tm, labt), dict(avg_factor=2.0, ignore_index=None))
    if r == 3:
        t2 = (rng.random((c, h + 1, w)) > 0.5).astype(np.float32)
        return loss_prog('ce_mask', dict(type='CrossEntropyLoss', use_mask=True), f"{XM}, {lit(t2)}, {LAB}, ignore_index=None",
                         (xmt, torch.from_numpy(t2), labt), dict(ignore_index=None))
    if r == 4:
        lab2 = np.append(lab, 0) if rng.random() < 0.5 else lab.copy()
        if len(lab2) == len(lab):
            lab2[0] = c + 1 + int(rng.integers(0, 3))
        return loss_prog('ce_mask', dict(type='CrossEntropyLoss', use_mask=True), f"{XM}, {T_}, {lit(lab2, 'int64')}, ignore_index=None",
                         (xmt, tm, torch.from_numpy(lab2)), dict(ignore_index=None))
    if r == 5:
        return loss_prog('ce_mask', dict(type='CrossEntropyLoss', use_mask=True, class_weight=cw_list(rng, w + 1)),
                         f"{XM}, {T_}, {LAB}, ignore_index=None", (xmt, tm, labt), dict(ignore_index=None))
    if r == 6:
        return loss_prog('ce_mask', dict(type='CrossEntropyLoss', use_mask=True, use_sigmoid=True),
                         f"{XM}, {T_}, {LAB}, ignore_index=None", (xmt, tm, labt), dict(ignore_index=None))
    ti = t.astype(np.int64)   # integer masks: BCE's result type cannot be cast to Long
    return loss_prog('ce_mask', dict(type='CrossEntropyLoss', use_mask=True), f"{XM}, {lit(ti, 'int64')}, {LAB}, ignore_index=None",
                     (xmt, torch.from_numpy(ti), labt), dict(ignore_index=None))


def _head_loss(c, ld, x, y):
    head = FCNHead(in_channels=4, channels=4, num_classes=c, loss_decode=ld)
    samples = []
    for i in range(y.shape[0]):
        s = SegDataSample()
        s.gt_sem_seg = PixelData(data=y[i:i + 1])
        samples.append(s)
    return head.loss_by_feat(x, samples)


KINDS = {'ce': case_ce, 'dice': case_dice, 'focal': case_focal, 'ohem_pixel': case_ohem,
         'decode_head': case_head, 'interpolate': case_interp, 'tversky': case_tversky, 'lovasz': case_lovasz,
         'ce_mask': case_ce_mask, 'bad': case_bad}


def main():
    binary = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 120
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    areas = sys.argv[4:] or list(KINDS)
    rng = np.random.default_rng(seed)
    fails, counts, errs = 0, {a: 0 for a in KINDS}, {a: 0 for a in KINDS}
    for i in range(n):
        area, prog, ref = KINDS[areas[i % len(areas)]](rng)
        counts[area] += 1
        expected, exc = reference(ref)
        path, p = run_trick(binary, prog)
        why = None
        if p is None:
            why = 'timeout'
        elif exc is not None:
            errs[area] += 1
            if p.returncode != 1 or 'error' not in p.stderr.lower():
                why = f'reference raised {type(exc).__name__}: {str(exc)[:120]}; trick rc={p.returncode}'
        elif p.returncode != 0:
            why = f'rc={p.returncode}: {p.stderr.strip()[-300:]}'
        else:
            rtol, atol = TOL[area]
            why = conf.compare(conf.tokens(p.stdout), conf.tokens(expected), rtol, atol)
        if why:
            fails += 1
            print(f'FAIL {area} #{i} ({path}): {why}')
            if p is not None and exc is None and p.returncode == 0:
                print('  got     ', p.stdout[:400].replace('\n', ' | '))
                print('  expected', expected[:400].replace('\n', ' | '))
            elif p is not None and p.returncode not in (0, 1):
                print('  stderr  ', p.stderr[-400:])
        else:
            os.unlink(path)
    summary = ', '.join(f'{a} {counts[a]} ({errs[a]} error cases)' for a in KINDS if counts[a])
    print(f'fuzz seed {seed}: {n - fails}/{n} match; {summary}')
    return 1 if fails else 0


if __name__ == '__main__':
    sys.exit(main())
