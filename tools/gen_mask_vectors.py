#!/usr/bin/env python3
"""Test vectors for instance masks (BitmapMasks) through MMDetection 3.3's Resize, RandomFlip and Pad.

Run with the reference environment:  /work/refenv/bin/python tools/gen_mask_vectors.py
Writes Tests/TrickCoreTests/Fixtures/resize/instance_masks.json. Each case runs the real
mmdet.datasets.transforms step on dict(img, gt_masks=BitmapMasks(...)) and records the masks after it
(mmcv's cv2-free paths are used: nearest imresize goes through cv2 in mmcv-lite as in the full mmcv).
"""
import json, os, warnings
import numpy as np

warnings.filterwarnings('ignore')
from mmdet.datasets.transforms import Resize, RandomFlip, Pad
from mmdet.structures.mask import BitmapMasks

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'Tests', 'TrickCoreTests', 'Fixtures', 'resize')
rng = np.random.RandomState(2024)


def masks(n, h, w):
    m = np.zeros((n, h, w), dtype=np.uint8)
    for i in range(n):  # a random rectangle plus noise per instance
        y0, x0 = rng.randint(0, h // 2 + 1), rng.randint(0, w // 2 + 1)
        m[i, y0:y0 + rng.randint(1, h // 2 + 2), x0:x0 + rng.randint(1, w // 2 + 2)] = 1
        m[i] |= (rng.rand(h, w) < 0.1).astype(np.uint8)
    return m


cases = []
for (n, h, w), step, args in [
        ((3, 13, 17), 'Resize', dict(scale=(30, 20), keep_ratio=True)),
        ((2, 13, 17), 'Resize', dict(scale=(25, 9), keep_ratio=False)),
        ((2, 20, 11), 'Resize', dict(scale_factor=0.55, keep_ratio=True)),
        ((0, 13, 17), 'Resize', dict(scale=(30, 20), keep_ratio=True)),
        ((2, 9, 12), 'RandomFlip', dict(prob=1.0, direction='horizontal')),
        ((2, 9, 12), 'RandomFlip', dict(prob=1.0, direction='vertical')),
        ((2, 9, 12), 'RandomFlip', dict(prob=1.0, direction='diagonal')),
        ((3, 13, 17), 'Pad', dict(size_divisor=8)),
        ((1, 13, 17), 'Pad', dict(size=(24, 20))),
        ((0, 13, 17), 'Pad', dict(size_divisor=8)),
        # pad_val['masks'] is the masks' padding value (fuzz_misc seed 82: trick padded with 0)
        ((2, 9, 6), 'Pad', dict(size_divisor=8, pad_val=dict(img=114, seg=255, masks=1))),
        ((1, 5, 7), 'Pad', dict(size=(9, 8), pad_val=dict(img=0, seg=255, masks=3)))]:
    m = masks(n, h, w)
    results = dict(img=np.zeros((h, w, 3), dtype=np.uint8), gt_masks=BitmapMasks(m, h, w), img_shape=(h, w))
    t = dict(Resize=Resize, RandomFlip=RandomFlip, Pad=Pad)[step](**args)
    out = t.transform(results)
    om = out['gt_masks'].masks
    cases.append(dict(step=step, args=args, masks=m.tolist(), shape=[n, h, w], expected=om.tolist(), expected_shape=list(om.shape)))

with open(os.path.join(OUT, 'instance_masks.json'), 'w') as f:
    json.dump(cases, f, separators=(',', ':'))
print('instance_masks.json', len(cases))
