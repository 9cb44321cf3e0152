#!/usr/bin/env python3
"""Vectors for the mmseg loss objects called on autograd tensors in trick code
(Tests/golden/loss_grad_parity.trick), from the real mmseg 1.2.2 / torch 2.4.1:

    /work/refenv/bin/python tools/gen_loss_grad_vectors.py

Writes Tests/golden/data/loss_grad_vectors.json:
- losses: per case the loss type and its constructor config, the forward's keyword arguments,
  pred (logits), target, the loss mmseg returns and d(loss.sum())/d(pred) from torch autograd;
  CrossEntropyLoss, DiceLoss, TverskyLoss, LovaszLoss (multi_class / binary, per_image, classes,
  class_weight) and FocalLoss (index labels: mmseg 1.2.2's CPU path crashes on them, so the
  expected values are mmseg's own py_sigmoid_focal_loss fed the one-hot target, which is what its
  CUDA kernel computes — SPEC §8);
- heads: mmseg FCNHead.loss_by_feat (bilinear resize to the label size, the OHEM pixel sampler,
  several losses) — the losses and the gradient of seg_logits for their sum.
"""
import json, os, warnings
import torch
import torch.nn.functional as F

warnings.filterwarnings('ignore')
from mmseg.models.losses import CrossEntropyLoss, DiceLoss, TverskyLoss, LovaszLoss
from mmseg.models.losses.focal_loss import py_sigmoid_focal_loss
from mmseg.models.decode_heads import FCNHead
from mmseg.structures import SegDataSample
from mmengine.structures import PixelData

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'Tests', 'golden', 'data', 'loss_grad_vectors.json')
g = torch.Generator().manual_seed(77)


def L(t):
    return t.detach().tolist()


def randn(*s, scale=1.0):
    return torch.randn(*s, generator=g) * scale


def labels(n, h, w, c, ign=None, p=0.1):
    y = torch.randint(0, c, (n, h, w), generator=g)
    if ign is not None:
        y[torch.rand(n, h, w, generator=g) < p] = ign
    return y


def focal(pred, target, cfg, weight=None, avg_factor=None, reduction_override=None, ignore_index=255):
    c = pred.shape[1]
    rows = pred.transpose(0, 1).reshape(c, -1).transpose(0, 1).contiguous()
    t = target.view(-1)
    valid = (t != ignore_index).view(-1, 1)
    t = torch.where(t == ignore_index, t.new_tensor(0), t)
    one_hot = F.one_hot(t, num_classes=c + 1)[:, :c]
    reduction = reduction_override or cfg.get('reduction', 'mean')
    loss = cfg.get('loss_weight', 1.0) * py_sigmoid_focal_loss(
        rows, one_hot, None, weight, gamma=cfg.get('gamma', 2.0), alpha=cfg.get('alpha', 0.5),
        class_weight=cfg.get('class_weight'), valid_mask=valid, reduction=reduction, avg_factor=avg_factor)
    if reduction == 'none':
        loss = loss.transpose(0, 1).reshape(pred.shape[1], pred.shape[0], *pred.shape[2:]).transpose(0, 1)
    return loss


TYPES = dict(CrossEntropyLoss=CrossEntropyLoss, DiceLoss=DiceLoss, TverskyLoss=TverskyLoss, LovaszLoss=LovaszLoss)
losses = []


def case(kind, cfg, call, pred, target):
    x = pred.clone().requires_grad_(True)
    kw = {k: (torch.tensor(v) if k == 'weight' else v) for k, v in call.items()}
    out = focal(x, target, cfg, **kw) if kind == 'FocalLoss' else TYPES[kind](**cfg)(x, target, **kw)
    out.sum().backward()
    losses.append(dict(type=kind, cfg=cfg, call=call, pred=L(pred), target=L(target), loss=L(out), grad=L(x.grad)))


yl = labels(2, 5, 6, c=4, ign=255)
cw = [0.8, 1.2, 0.5, 2.0]
case('CrossEntropyLoss', {}, {'ignore_index': 255}, randn(2, 4, 5, 6, scale=2), yl)
case('CrossEntropyLoss', {'avg_non_ignore': True, 'loss_weight': 0.5}, {'ignore_index': 255}, randn(2, 4, 5, 6, scale=2), yl)
case('CrossEntropyLoss', {'class_weight': cw}, {'ignore_index': 255}, randn(2, 4, 5, 6, scale=2), labels(2, 5, 6, c=4))
case('CrossEntropyLoss', {'use_sigmoid': True}, {'ignore_index': 255}, randn(2, 4, 5, 6, scale=2), yl)
case('DiceLoss', {}, {}, randn(2, 4, 5, 6, scale=2), yl)
case('DiceLoss', {'use_sigmoid': False, 'naive_dice': True, 'loss_weight': 3.0}, {}, randn(2, 4, 5, 6, scale=2), yl)
case('TverskyLoss', {'class_weight': cw, 'alpha': 0.4, 'beta': 0.6}, {}, randn(2, 4, 5, 6, scale=2), yl)
case('FocalLoss', {}, {}, randn(2, 4, 5, 6, scale=2), yl)
case('FocalLoss', {'gamma': 1.5, 'alpha': 0.25, 'loss_weight': 2.0}, {'reduction_override': 'sum'}, randn(2, 4, 5, 6, scale=2), yl)
case('LovaszLoss', {'reduction': 'none'}, {}, randn(2, 4, 5, 6, scale=2), yl)
case('LovaszLoss', {'per_image': True}, {}, randn(2, 4, 5, 6, scale=2), yl)
case('LovaszLoss', {'per_image': True, 'reduction': 'sum', 'classes': 'all', 'class_weight': cw, 'loss_weight': 0.7}, {},
     randn(2, 4, 5, 6, scale=2), yl)
case('LovaszLoss', {'reduction': 'none', 'classes': [0, 2]}, {'ignore_index': 3}, randn(2, 4, 5, 6, scale=2), labels(2, 5, 6, c=4))
case('LovaszLoss', {'loss_type': 'binary', 'reduction': 'none'}, {}, randn(2, 5, 6, scale=2), labels(2, 5, 6, c=2, ign=255))
case('LovaszLoss', {'loss_type': 'binary', 'per_image': True}, {}, randn(2, 5, 6, scale=2), labels(2, 5, 6, c=2, ign=255))

heads = []


def head_case(logit_hw, label_hw, C, loss_decode, sampler, ign=255, align=False, n=2):
    head = FCNHead(in_channels=4, channels=4, num_classes=C, loss_decode=loss_decode, sampler=sampler,
                   ignore_index=ign, align_corners=align)
    x0 = randn(n, C, *logit_hw, scale=2)
    x = x0.clone().requires_grad_(True)
    y = labels(n, *label_hw, c=C, ign=ign, p=0.15)
    samples = []
    for i in range(n):
        s = SegDataSample()
        s.gt_sem_seg = PixelData(data=y[i:i + 1])
        samples.append(s)
    out = head.loss_by_feat(x, samples)
    total = sum(v for k, v in out.items() if 'loss' in k)
    total.backward()
    heads.append(dict(loss_decode=loss_decode, sampler=sampler, ignore_index=ign, align_corners=align, x=L(x0), y=L(y),
                      losses={k: L(v) for k, v in out.items()}, grad=L(x.grad)))


CE = dict(type='CrossEntropyLoss', loss_weight=1.0)
head_case((3, 4), (6, 9), 4, CE, dict(type='OHEMPixelSampler', thresh=0.7, min_kept=20))
head_case((5, 5), (10, 10), 4, [CE, dict(type='LovaszLoss', reduction='none', loss_weight=0.5)], dict(type='OHEMPixelSampler', min_kept=40))
head_case((4, 4), (8, 8), 3, [CE, dict(type='TverskyLoss', loss_name='loss_tversky')], dict(type='OHEMPixelSampler', thresh=0.6, min_kept=10), align=True)

with open(OUT, 'w') as f:
    json.dump(dict(losses=losses, heads=heads), f, separators=(',', ':'))
print(OUT, len(losses), 'losses', len(heads), 'heads')
