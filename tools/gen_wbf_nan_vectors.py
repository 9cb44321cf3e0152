#!/usr/bin/env python3
"""Vectors for weighted_boxes_fusion when a cluster's scores sum to 0 (ensemble_boxes 1.0.9), and
for the tie order of numpy's argsort behind ensemble_boxes' `argsort()[::-1]`.

usage: /work/refenv/bin/python tools/gen_wbf_nan_vectors.py   (writes
Tests/TrickCoreTests/Fixtures/boxes/wbf_zero_scores.json and numpy_argsort.json)

A cluster whose scores sum to 0 gets a NaN fused box (0/0 in get_weighted_box); in
find_matching_box_fast `np.argmax` then picks the first NaN IoU and `NaN <= iou_thr` is False, so
the next box of that label joins it. NaN values are written as the string "nan" (JSON has no NaN).
"""
import json
import os

import numpy as np
import ensemble_boxes

OUT = os.path.join(os.path.dirname(__file__), '..', 'Tests', 'TrickCoreTests', 'Fixtures', 'boxes', 'wbf_zero_scores.json')


def enc(x):
    if isinstance(x, list):
        return [enc(v) for v in x]
    return 'nan' if isinstance(x, float) and x != x else x


def case(cases, bl, sl, ll, **kw):
    r = ensemble_boxes.weighted_boxes_fusion(bl, sl, ll, **kw)
    cases.append(dict(boxes=bl, scores=sl, labels=ll, weights=kw.get('weights'), iou_thr=kw.get('iou_thr', 0.55),
                      skip_box_thr=kw.get('skip_box_thr', 0.0), conf_type=kw.get('conf_type', 'avg'),
                      allows_overflow=kw.get('allows_overflow', False),
                      expected=[enc(np.asarray(x, dtype=np.float64).tolist()) for x in r]))


def main():
    rng = np.random.default_rng(23)
    cases = []
    # the report's repro: two identical boxes fuse to NaN, the third (no overlap) joins the NaN box
    case(cases, [[[.1, .1, .5, .5], [.6, .6, .9, .9], [.6, .6, .9, .9]]], [[0, 0, 0]], [[0, 0, 0]], iou_thr=0.55)
    for conf in ['avg', 'max', 'box_and_model_avg', 'absent_model_aware_avg']:
        # zero and positive scores mixed, two labels, two models
        bl = [[[.1, .1, .4, .4], [.12, .1, .42, .4], [.5, .5, .9, .9]], [[.1, .1, .4, .4], [.5, .52, .9, .9], [.2, .6, .3, .7]]]
        sl = [[0, 0, .7], [0, .6, 0]]
        ll = [[1, 1, 0], [1, 0, 1]]
        case(cases, bl, sl, ll, weights=[2, 1], iou_thr=0.5, conf_type=conf)
    # random clustered boxes, a share of zero scores; small (reference loop) and large (>= 256 records)
    for n, zero in [(12, 0.5), (40, 1.0), (300, 0.3), (300, 1.0)]:
        centres = rng.uniform(0, 0.8, (max(3, n // 10), 2))
        c = centres[rng.integers(0, len(centres), n)]
        xy = c + rng.uniform(-0.02, 0.02, (n, 2))
        wh = rng.uniform(0.1, 0.2, (n, 2))
        bx = np.clip(np.concatenate([xy, xy + wh], 1), 0, 1)
        sc = np.where(rng.uniform(0, 1, n) < zero, 0.0, rng.uniform(0.1, 1, n))
        lb = rng.integers(0, 2, n)
        case(cases, [bx.tolist()], [sc.tolist()], [lb.tolist()], iou_thr=0.55)
    with open(OUT, 'w') as f:
        json.dump(cases, f, allow_nan=False, separators=(',', ':'))
    print('wrote', len(cases), 'cases to', os.path.normpath(OUT))
    # np.argsort (kind 'quicksort': an unstable introsort) on tie-heavy float64 keys, NaN included
    sorts = []
    for n in [0, 1, 5, 16, 17, 18, 40, 100, 300, 1000]:
        for k in [1, 3, 1000]:
            v = rng.integers(0, k, n).astype(np.float64) / 4
            if k == 3 and n:
                v[rng.integers(0, n, max(1, n // 8))] = np.nan
            sorts.append(dict(keys=enc(v.tolist()), argsort=np.argsort(v).tolist()))
    v = np.arange(500, dtype=np.float64)[::-1] % 7
    sorts.append(dict(keys=v.tolist(), argsort=np.argsort(v).tolist()))
    out = os.path.join(os.path.dirname(OUT), 'numpy_argsort.json')
    with open(out, 'w') as f:
        json.dump(sorts, f, allow_nan=False, separators=(',', ':'))
    print('wrote', len(sorts), 'arrays to', os.path.normpath(out))


if __name__ == '__main__':
    main()
