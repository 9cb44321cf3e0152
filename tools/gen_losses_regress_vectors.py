#!/usr/bin/env python3
"""Regression vectors for mismatches found by differential fuzzing of the loss areas (tools/fuzz_losses.py).

usage: /work/refenv/bin/python tools/gen_losses_regress_vectors.py
writes Tests/TrickCoreTests/Fixtures/losses/regress.json (read by Tests/TrickCoreTests/Losses/RegressionTests.swift)

Every expected value is computed here by the reference library (torch 2.4.1 CPU):
- interpolate mode='bicubic' (4-D; align_corners True/False/None, sizes, scale factors, down- and
  up-sampling, float32 and float64): torch.nn.functional.interpolate (HelperInterpCubic,
  aten/src/ATen/native/cpu/UpSampleKernel.cpp), bit-exact. Found by fuzz seed 606 (trick rejected
  the mode); the FMA order of torch's build was probed on fuzz seed 707's case #359.
- interpolate mode='area' (3-D and 4-D; sizes, scale factors, and output sizes of 0, which
  adaptive_avg_pool accepts): F.adaptive_avg_pool1d/2d. Found by fuzz seeds 606 / 707.
- DiceLoss(version='0.x') with a class_weight longer than C (0.x reads only cw[i] of the scored
  classes) or missing only the ignored class: mmseg 0.30's DiceLoss, as transcribed in
  tools/fuzz_losses.py (V0DiceLoss; 0.x is not installed). Found by fuzz seed 1212 ('bad').
- torch.softmax(x, 1) on float32 logits, bit for bit (full 16-lane vectors: Sleef expf; scalar
  tails: libm expf; 2 parallel_for chunks), and OHEMPixelSampler threshold mode on saturated logits
  whose ground-truth probabilities tie in float32 (mmseg 1.2.2). Found by fuzz seed 606 (#500).
"""
import json
import os

import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fuzz_losses import V0DiceLoss, Ctx  # noqa: E402  (mmseg 0.30 DiceLoss transcription; head stand-in)
from mmseg.structures.sampler import OHEMPixelSampler  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'Tests', 'TrickCoreTests', 'Fixtures', 'losses')
g = torch.Generator().manual_seed(4242)


def T(t):
    dt = {torch.float32: 'float32', torch.float64: 'float64', torch.int64: 'int64'}[t.dtype]
    return {'shape': list(t.shape), 'dtype': dt, 'data': t.reshape(-1).tolist()}


def interp_case(shape, dtype=torch.float32, scale=1.0, **kw):
    x = (torch.randn(*shape, generator=g, dtype=torch.float64) * scale).to(dtype)
    y = F.interpolate(x, **kw)
    k = dict(kw)
    for name in ('size', 'scale_factor'):
        if name in k and not isinstance(k[name], (list, tuple)):
            k[name] = [k[name]]
    # bicubic float32 is bit-exact with torch's kernel (float64: within rounding); 'area' uses torch's mean for 1x1 outputs
    # (a vectorised sum), so it is compared with a tolerance
    return {'kind': 'interpolate', 'x': T(x), 'kw': k, 'expected': T(y), 'exact': kw['mode'] == 'bicubic' and dtype == torch.float32}


cases = [
    # bicubic
    interp_case((1, 2, 3, 4), size=(7, 9), mode='bicubic', align_corners=False),
    interp_case((1, 2, 3, 4), size=(7, 9), mode='bicubic', align_corners=True),
    interp_case((2, 1, 5, 5), size=(5, 5), mode='bicubic', align_corners=False),          # same size
    interp_case((1, 3, 8, 6), size=(3, 2), mode='bicubic', align_corners=False),          # downsampling
    interp_case((1, 3, 8, 6), size=(1, 1), mode='bicubic', align_corners=True),           # align, out 1
    interp_case((1, 2, 4, 5), scale_factor=2.3, mode='bicubic', align_corners=True),
    interp_case((1, 2, 4, 5), scale_factor=1.5, mode='bicubic', align_corners=False),     # user scale used
    interp_case((1, 2, 4, 5), scale_factor=(0.7, 2.5), mode='bicubic', align_corners=False,
                recompute_scale_factor=True),
    interp_case((1, 2, 4, 5), size=(6, 3), mode='bicubic'),                               # align_corners None
    interp_case((1, 4, 9, 7), scale=4.0, size=(20, 15), mode='bicubic', align_corners=False),  # large values
    interp_case((1, 2, 3, 4), dtype=torch.float64, size=(7, 5), mode='bicubic', align_corners=False),
    interp_case((1, 1, 1, 6), size=(4, 11), mode='bicubic', align_corners=False),         # a 1-pixel axis
    # area
    interp_case((1, 2, 5, 7), size=(2, 3), mode='area'),
    interp_case((2, 3, 6, 6), size=(4, 4), mode='area'),                                  # overlapping windows
    interp_case((1, 2, 3, 4), size=(7, 9), mode='area'),                                  # upsampling
    interp_case((1, 2, 5, 7), scale_factor=0.5, mode='area'),
    interp_case((1, 2, 5, 7), scale_factor=(1.5, 0.6), mode='area'),
    interp_case((1, 3, 10), size=4, mode='area'),                                         # 3-D
    interp_case((1, 3, 10), scale_factor=0.35, mode='area'),
    interp_case((1, 2, 1, 1), scale_factor=0.3, mode='area'),                             # empty output
    interp_case((1, 2, 4, 3), size=(2, 0), mode='area'),
    interp_case((1, 2, 3), size=0, mode='area'),
    interp_case((1, 2, 5, 4), dtype=torch.float64, size=(3, 3), mode='area'),
]



def dice0x_case(n, c, h, w, cfg, ign_p=0.2):
    x = torch.randn(n, c, h, w, generator=g) * 2
    y = torch.randint(0, c, (n, h, w), generator=g)
    y[torch.rand(n, h, w, generator=g) < ign_p] = 255
    with torch.no_grad():
        v = V0DiceLoss(**cfg)(x, y)
    return {'kind': 'dice0x', 'cfg': cfg, 'x': T(x), 'y': T(y), 'expected': T(v)}


cases += [
    dice0x_case(2, 3, 4, 5, dict(class_weight=[0.5, 2.0, 1.5, 7.0])),                   # one extra entry
    dice0x_case(1, 4, 3, 3, dict(class_weight=[1.0, 0.25, 3.0, 2.0, 9.0, 9.0], smooth=0.5)),
    dice0x_case(2, 3, 3, 4, dict(class_weight=[1.5, 0.5], ignore_index=2)),             # ignored class unweighted
]



def softmax_case(shape, scale):
    x = (torch.randn(*shape, generator=g) * scale).float()
    y = torch.randint(0, shape[1], (shape[0],) + tuple(shape[2:]), generator=g)
    p = torch.softmax(x, 1).gather(1, y[:, None])[:, 0]
    return {'kind': 'softmax_gt', 'x': T(x), 'y': T(y), 'expected': T(p)}


def ohem_case(shape, scale, thresh, min_kept, ign=255, p_ign=0.1):
    x = (torch.randn(*shape, generator=g) * scale).float()
    y = torch.randint(0, shape[1], (shape[0],) + tuple(shape[2:]), generator=g)
    y[torch.rand(y.shape, generator=g) < p_ign] = ign
    w = OHEMPixelSampler(Ctx(ign, None), thresh=thresh, min_kept=min_kept).sample(x, y[:, None])
    return {'kind': 'ohem_thresh', 'x': T(x), 'y': T(y), 'thresh': thresh, 'min_kept': min_kept, 'ignore_index': ign,
            'expected': T(w)}


cases += [softmax_case(sh, sc) for sh, sc in [((2, 5, 7, 9), 2.0), ((1, 19, 8, 8), 8.0), ((3, 3, 5, 17), 4.0),
                                               ((2, 4, 16, 16), 3.0), ((1, 5, 9, 9), 5.0), ((3, 2, 1, 40), 6.0),
                                               ((1, 3, 1, 1), 9.0)]]
cases += [ohem_case((2, 3, 8, 15), 8.0, 0.9, 240), ohem_case((1, 4, 9, 11), 9.0, 0.7, 200),
          ohem_case((2, 2, 6, 20), 10.0, 0.5, 10000), ohem_case((3, 3, 5, 7), 8.0, 0.95, 50)]

with open(os.path.join(OUT, 'regress.json'), 'w') as f:
    json.dump(cases, f, separators=(',', ':'))
print('regress.json', len(cases))
