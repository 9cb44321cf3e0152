#!/usr/bin/env python3
"""Generate test vectors for trick's box core (Tests/TrickCoreTests/Fixtures/boxes/*.json).

Run with the reference environment:  /work/refenv/bin/python tools/gen_boxes_vectors.py

Sources of truth:
* torchvision 0.19 (ops.box_iou / generalized / distance / complete_box_iou, nms, batched_nms)
* mmdet 3.3 (bbox_overlaps, MaxIoUAssigner, multiclass_nms, AssignResult/RandomSampler counts)
* ensemble_boxes 1.0.9 (weighted_boxes_fusion, non_maximum_weighted, nms, soft_nms)
* mmcv 2.1 pure-Python wrappers (ops.nms, ops.soft_nms, ops.batched_nms).  mmcv-lite has no
  compiled ops, so the two CPU kernels they call are REPLICATED HERE IN PYTHON, line by line from
  mmcv/ops/csrc/pytorch/cpu/nms.cpp (nms_cpu, softnms_cpu), in float32, and patched into
  mmcv._ext before use.  The only liberty: nms_cpu's `scores.sort(descending=True)` is unstable
  upstream; the replica sorts stably (the spec's tie rule, reference §2.4).
"""
import io
import json
import os
import sys
from contextlib import redirect_stdout

import numpy as np
import torch
import torchvision

OUT = os.path.join(os.path.dirname(__file__), '..', 'Tests', 'TrickCoreTests', 'Fixtures', 'boxes')
f32 = np.float32


# ----------------------------------------------------------------------------------------------
# Python replicas of mmcv's CPU kernels (float32).

def nms_cpu(boxes, scores, iou_threshold, offset):
    b = boxes.detach().float().numpy()
    s = scores.detach().float().numpy()
    n = b.shape[0]
    if n == 0:
        return torch.zeros((0,), dtype=torch.long)
    off = f32(offset)
    x1, y1, x2, y2 = b[:, 0], b[:, 1], b[:, 2], b[:, 3]
    areas = (x2 - x1 + off) * (y2 - y1 + off)
    order = torch.from_numpy(s).sort(stable=True, dim=0, descending=True)[1].numpy()
    select = np.ones(n, dtype=bool)
    thr = f32(iou_threshold)
    for _i in range(n):
        if not select[_i]:
            continue
        i = order[_i]
        for _j in range(_i + 1, n):
            if not select[_j]:
                continue
            j = order[_j]
            w = max(f32(0), f32(min(x2[i], x2[j]) - max(x1[i], x1[j]) + off))
            h = max(f32(0), f32(min(y2[i], y2[j]) - max(y1[i], y1[j]) + off))
            inter = f32(w * h)
            ovr = f32(inter / f32(f32(areas[i] + areas[j]) - inter))
            if ovr > thr:
                select[_j] = False
    return torch.from_numpy(order[select].astype(np.int64))


def softnms_cpu(boxes, scores, dets, iou_threshold, sigma, min_score, method, offset):
    b = boxes.detach().float().numpy()
    n = b.shape[0]
    if n == 0:
        return torch.zeros((0,), dtype=torch.long)
    off = f32(offset)
    x1, y1, x2, y2 = [b[:, k].copy() for k in range(4)]
    sc = scores.detach().float().numpy().copy()
    areas = (x2 - x1 + off) * (y2 - y1 + off)
    de = dets.numpy()
    inds = np.arange(n)
    thr, sig, mn = f32(iou_threshold), f32(sigma), f32(min_score)
    nboxes = n
    i = 0
    while i < nboxes:
        max_score, max_pos = sc[i], i
        for pos in range(i + 1, nboxes):
            if max_score < sc[pos]:
                max_score, max_pos = sc[pos], pos
        ix1, iy1, ix2, iy2, iscore, iarea, iind = x1[max_pos], y1[max_pos], x2[max_pos], y2[max_pos], sc[max_pos], areas[max_pos], inds[max_pos]
        de[i] = [ix1, iy1, ix2, iy2, iscore]
        for arr in (x1, y1, x2, y2, sc, areas, inds):
            arr[max_pos] = arr[i]
        x1[i], y1[i], x2[i], y2[i], sc[i], areas[i], inds[i] = ix1, iy1, ix2, iy2, iscore, iarea, iind
        pos = i + 1
        while pos < nboxes:
            w = max(f32(0), f32(min(ix2, x2[pos]) - max(ix1, x1[pos]) + off))
            h = max(f32(0), f32(min(iy2, y2[pos]) - max(iy1, y1[pos]) + off))
            inter = f32(w * h)
            ovr = f32(inter / f32(f32(iarea + areas[pos]) - inter))
            weight = f32(1)
            if method == 0:
                if ovr >= thr:
                    weight = f32(0)
            elif method == 1:
                if ovr >= thr:
                    weight = f32(1) - ovr
            elif method == 2:
                weight = np.exp(f32(-(ovr * ovr)) / sig, dtype=np.float32)
            sc[pos] = f32(sc[pos] * weight)
            if sc[pos] < mn:
                for arr in (x1, y1, x2, y2, sc, areas, inds):
                    arr[pos] = arr[nboxes - 1]
                nboxes -= 1
                pos -= 1
            pos += 1
        i += 1
    return torch.from_numpy(inds[:nboxes].astype(np.int64))


import mmcv._ext as _ext  # noqa: E402  (the stub module)
_ext.nms = nms_cpu
_ext.softnms = softnms_cpu
import mmcv.ops  # noqa: E402
from mmdet.structures.bbox import bbox_overlaps  # noqa: E402
from mmdet.models.layers import multiclass_nms, mask_matrix_nms  # noqa: E402
from mmdet.models.task_modules.assigners import MaxIoUAssigner  # noqa: E402
from mmengine.structures import InstanceData  # noqa: E402
import ensemble_boxes  # noqa: E402


def tl(x):
    if isinstance(x, torch.Tensor):
        return x.tolist()
    if isinstance(x, np.ndarray):
        return x.tolist()
    return x


def rand_boxes(rng, n, size=100.0, lo=5.0, hi=40.0):
    xy = rng.uniform(0, size, (n, 2))
    wh = rng.uniform(lo, hi, (n, 2))
    return np.concatenate([xy, xy + wh], 1).astype(np.float32)


def clustered(rng, centres, per, jitter=4.0):
    out = []
    for c in centres:
        for _ in range(per):
            out.append(np.array(c) + rng.uniform(-jitter, jitter, 4))
    b = np.array(out, dtype=np.float32)
    return np.concatenate([np.minimum(b[:, :2], b[:, 2:]), np.maximum(b[:, :2], b[:, 2:])], 1)


def write(name, cases):
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name), 'w') as f:
        json.dump(cases, f, indent=None, separators=(',', ':'))
    print(f'{name}: {len(cases)} cases')


# ----------------------------------------------------------------------------------------------
def gen_iou(rng):
    cases = []
    for trial in range(4):
        a = rand_boxes(rng, 6 + trial)
        b = rand_boxes(rng, 4 + trial)
        ta, tb = torch.from_numpy(a), torch.from_numpy(b)
        for fn, f in [('box_iou', torchvision.ops.box_iou), ('generalized_box_iou', torchvision.ops.generalized_box_iou),
                      ('distance_box_iou', torchvision.ops.distance_box_iou), ('complete_box_iou', torchvision.ops.complete_box_iou)]:
            cases.append(dict(fn=fn, a=a.tolist(), b=b.tolist(), dtype='float32', expected=tl(f(ta, tb))))
        for mode in ['iou', 'iof', 'giou']:
            cases.append(dict(fn='bbox_overlaps', a=a.tolist(), b=b.tolist(), mode=mode, aligned=False, eps=1e-6, dtype='float32',
                              expected=tl(bbox_overlaps(ta, tb, mode=mode))))
        m = min(len(a), len(b))
        for mode in ['iou', 'iof', 'giou']:
            cases.append(dict(fn='bbox_overlaps', a=a[:m].tolist(), b=b[:m].tolist(), mode=mode, aligned=True, eps=1e-6, dtype='float32',
                              expected=tl(bbox_overlaps(ta[:m], tb[:m], mode=mode, is_aligned=True))))
    # float64 inputs compute in float64
    a = rand_boxes(rng, 5).astype(np.float64)
    b = rand_boxes(rng, 3).astype(np.float64)
    for fn, f in [('box_iou', torchvision.ops.box_iou), ('complete_box_iou', torchvision.ops.complete_box_iou)]:
        cases.append(dict(fn=fn, a=a.tolist(), b=b.tolist(), dtype='float64', expected=tl(f(torch.from_numpy(a), torch.from_numpy(b)))))
    cases.append(dict(fn='bbox_overlaps', a=a.tolist(), b=b.tolist(), mode='giou', aligned=False, eps=1e-6, dtype='float64',
                      expected=tl(bbox_overlaps(torch.from_numpy(a), torch.from_numpy(b), mode='giou'))))
    # degenerate boxes: mmdet's eps clamp gives 0
    d = np.array([[1, 1, 1, 1], [0, 0, 2, 2]], dtype=np.float32)
    cases.append(dict(fn='bbox_overlaps', a=d.tolist(), b=d.tolist(), mode='iou', aligned=False, eps=1e-6, dtype='float32',
                      expected=tl(bbox_overlaps(torch.from_numpy(d), torch.from_numpy(d)))))
    write('iou.json', cases)


def gen_nms(rng):
    cases = []
    for n, thr in [(50, 0.5), (200, 0.7), (30, 0.3), (80, 0.0), (60, 0.9)]:
        b = rand_boxes(rng, n)
        s = rng.uniform(0, 1, n).astype(np.float32)
        cases.append(dict(fn='nms', boxes=b.tolist(), scores=s.tolist(), thr=thr,
                          expected=tl(torchvision.ops.nms(torch.from_numpy(b), torch.from_numpy(s), thr))))
    # clustered, and tied scores (torchvision sorts stably)
    b = clustered(rng, [[10, 10, 40, 40], [50, 50, 90, 80], [20, 60, 50, 95]], 8)
    s = rng.integers(0, 4, len(b)).astype(np.float32) / 4
    for thr in [0.3, 0.5]:
        cases.append(dict(fn='nms', boxes=b.tolist(), scores=s.tolist(), thr=thr,
                          expected=tl(torchvision.ops.nms(torch.from_numpy(b), torch.from_numpy(s), thr))))
    # batched: coordinate trick (small) and per-class path (> 1000 boxes)
    for n, k, thr in [(60, 3, 0.5), (40, 3, 0.4), (1100, 4, 0.5)]:
        b = rand_boxes(rng, n, size=300 if n > 1000 else 100)
        s = rng.uniform(0, 1, n).astype(np.float32)
        idx = rng.integers(0, k, n)
        cases.append(dict(fn='batched_nms', boxes=b.tolist(), scores=s.tolist(), idxs=idx.tolist(), thr=thr,
                          expected=tl(torchvision.ops.batched_nms(torch.from_numpy(b), torch.from_numpy(s), torch.from_numpy(idx), thr))))
    # mmcv.ops.nms (offset 0 / 1, score_threshold, max_num)
    for n, thr, off, st, mx in [(40, 0.5, 0, 0, -1), (40, 0.3, 1, 0, -1), (50, 0.5, 0, 0.4, 10), (30, 0.6, 1, 0.2, -1)]:
        b = rand_boxes(rng, n)
        s = rng.uniform(0, 1, n).astype(np.float32)
        dets, inds = mmcv.ops.nms(torch.from_numpy(b), torch.from_numpy(s), thr, offset=off, score_threshold=st, max_num=mx)
        cases.append(dict(fn='mmcv_nms', boxes=b.tolist(), scores=s.tolist(), thr=thr, offset=off, score_threshold=st, max_num=mx,
                          expected=dict(dets=tl(dets), inds=tl(inds))))
    # mmcv.ops.batched_nms with nms / soft_nms configs, split and non-split paths
    b = rand_boxes(rng, 70)
    s = rng.uniform(0, 1, 70).astype(np.float32)
    idx = rng.integers(0, 3, 70)
    cfgs = [dict(type='nms', iou_threshold=0.5), dict(type='nms', iou_threshold=0.6, score_threshold=0.3, max_num=15),
            dict(type='nms', iou_threshold=0.5, split_thr=10), dict(type='nms', iou_threshold=0.6, max_num=12, split_thr=10),
            dict(type='soft_nms', iou_threshold=0.3, min_score=0.05), dict(type='soft_nms', iou_threshold=0.5, method='gaussian', split_thr=5),
            dict(type='nms', iou_threshold=0.5, class_agnostic=True), None]
    for cfg in cfgs:
        dets, keep = mmcv.ops.batched_nms(torch.from_numpy(b), torch.from_numpy(s), torch.from_numpy(idx),
                                          None if cfg is None else dict(cfg))
        cases.append(dict(fn='mmcv_batched_nms', boxes=b.tolist(), scores=s.tolist(), idxs=idx.tolist(), cfg=cfg,
                          expected=dict(dets=tl(dets), keep=tl(keep))))
    # mmdet multiclass_nms
    for shared in [True, False]:
        n, c = 30, 3
        base = rand_boxes(rng, n)
        mb = base if shared else np.concatenate([base + rng.uniform(-3, 3, base.shape).astype(np.float32) for _ in range(c)], 1)
        ms = rng.uniform(0, 1, (n, c + 1)).astype(np.float32)
        ms = ms / ms.sum(1, keepdims=True)
        sf = rng.uniform(0.3, 1, n).astype(np.float32)
        for cfg, mx, use_sf in [(dict(type='nms', iou_threshold=0.5), -1, False), (dict(type='nms', iou_threshold=0.4), 7, True),
                                (dict(type='soft_nms', iou_threshold=0.5, min_score=0.05), 10, False)]:
            dets, labels, inds = multiclass_nms(torch.from_numpy(mb), torch.from_numpy(ms), 0.05, dict(cfg), max_num=mx,
                                                score_factors=torch.from_numpy(sf) if use_sf else None, return_inds=True)
            cases.append(dict(fn='multiclass_nms', multi_bboxes=mb.tolist(), multi_scores=ms.tolist(), score_thr=0.05, cfg=cfg, max_num=mx,
                              score_factors=sf.tolist() if use_sf else None,
                              expected=dict(dets=tl(dets), labels=tl(labels), inds=tl(inds))))
    write('nms.json', cases)


def gen_soft_nms(rng):
    cases = []
    specs = [(30, dict()), (30, dict(method='gaussian', sigma=0.5, min_score=0.01)), (25, dict(method='naive', iou_threshold=0.4)),
             (40, dict(iou_threshold=0.5, min_score=0.05)), (20, dict(method='gaussian', sigma=2.0, min_score=0.001)),
             (25, dict(offset=1)), (25, dict(method='gaussian', offset=1, min_score=0.02))]
    for n, kw in specs:
        b = clustered(rng, [rng.uniform(0, 80, 2).tolist() + [0, 0] for _ in range(n // 5)], 5, jitter=3) if n else None
        b[:, 2:] = b[:, :2] + rng.uniform(10, 40, (len(b), 2)).astype(np.float32)
        s = rng.uniform(0, 1, len(b)).astype(np.float32)
        dets, inds = mmcv.ops.soft_nms(torch.from_numpy(b), torch.from_numpy(s), **kw)
        cases.append(dict(fn='soft_nms', boxes=b.tolist(), scores=s.tolist(), kwargs=kw, expected=dict(dets=tl(dets), inds=tl(inds))))
    write('soft_nms.json', cases)


def ens_inputs(rng, models=3, per=(8, 12), labels=2):
    boxes, scores, labs = [], [], []
    centres = rng.uniform(0, 0.8, (6, 2))
    for m in range(models):
        n = int(rng.integers(per[0], per[1] + 1))
        c = centres[rng.integers(0, len(centres), n)]
        xy = c + rng.uniform(-0.03, 0.03, (n, 2))
        wh = rng.uniform(0.1, 0.3, (n, 2))
        bx = np.clip(np.concatenate([xy, xy + wh], 1), 0, 1)
        boxes.append(bx.tolist())
        scores.append(rng.uniform(0, 1, n).tolist())
        labs.append(rng.integers(0, labels, n).tolist())
    return boxes, scores, labs


def gen_ensemble(rng):
    cases = []
    for conf in ['avg', 'max', 'box_and_model_avg', 'absent_model_aware_avg']:
        for weights, iou, skip, ov in [(None, 0.55, 0.0, False), ([2, 1, 1], 0.5, 0.1, False), ([1, 2, 1], 0.6, 0.0, True)]:
            bl, sl, ll = ens_inputs(rng)
            r = ensemble_boxes.weighted_boxes_fusion(bl, sl, ll, weights=weights, iou_thr=iou, skip_box_thr=skip,
                                                     conf_type=conf, allows_overflow=ov)
            cases.append(dict(fn='wbf', boxes=bl, scores=sl, labels=ll, weights=weights, iou_thr=iou, skip_box_thr=skip,
                              conf_type=conf, allows_overflow=ov, expected=[tl(x) for x in r]))
    for weights, iou, skip in [(None, 0.55, 0.05), ([3, 1, 2], 0.5, 0.0)]:
        bl, sl, ll = ens_inputs(rng)
        r = ensemble_boxes.non_maximum_weighted(bl, sl, ll, weights=weights, iou_thr=iou, skip_box_thr=skip)
        cases.append(dict(fn='nmw', boxes=bl, scores=sl, labels=ll, weights=weights, iou_thr=iou, skip_box_thr=skip,
                          expected=[tl(x) for x in r]))
    for weights, iou in [(None, 0.5), ([1, 2, 1], 0.4)]:
        bl, sl, ll = ens_inputs(rng)
        r = ensemble_boxes.nms([list(x) for x in bl], [list(x) for x in sl], ll, iou_thr=iou, weights=weights)
        cases.append(dict(fn='ens_nms', boxes=bl, scores=sl, labels=ll, weights=weights, iou_thr=iou, expected=[tl(x) for x in r]))
    for method, iou, sigma, thresh, weights in [(2, 0.5, 0.5, 0.001, None), (1, 0.4, 0.5, 0.01, [2, 1, 1]), (3, 0.5, 0.5, 0.001, None)]:
        bl, sl, ll = ens_inputs(rng)
        r = ensemble_boxes.soft_nms([list(x) for x in bl], [list(x) for x in sl], ll, method=method, iou_thr=iou, sigma=sigma,
                                    thresh=thresh, weights=weights)
        cases.append(dict(fn='ens_soft_nms', boxes=bl, scores=sl, labels=ll, method=method, iou_thr=iou, sigma=sigma, thresh=thresh,
                          weights=weights, expected=[tl(x) for x in r]))
    # the reference file's T8 (source test), boxes outside [0, 1] and reversed corners
    bl = [[[.10, .10, .50, .50], [.11, .11, .51, .51], [.60, .60, .80, .80]], [[.59, .59, .79, .79], [.61, .61, .81, .81], [.90, .90, .80, .80]]]
    sl = [[.9, .8, .7], [.85, .75, .65]]
    ll = [[1, 1, 1], [1, 1, 0]]
    for conf in ['avg', 'max', 'box_and_model_avg', 'absent_model_aware_avg']:
        r = ensemble_boxes.weighted_boxes_fusion(bl, sl, ll, weights=[2, 1], iou_thr=0.5, skip_box_thr=1e-4, conf_type=conf)
        cases.append(dict(fn='wbf', boxes=bl, scores=sl, labels=ll, weights=[2, 1], iou_thr=0.5, skip_box_thr=1e-4,
                          conf_type=conf, allows_overflow=False, expected=[tl(x) for x in r]))
    write('ensemble.json', cases)


def gen_assigner(rng):
    cases = []
    specs = [dict(pos_iou_thr=0.7, neg_iou_thr=0.3, min_pos_iou=0.3), dict(pos_iou_thr=0.5, neg_iou_thr=0.5, min_pos_iou=0.5, match_low_quality=False),
             dict(pos_iou_thr=0.5, neg_iou_thr=(0.1, 0.4), min_pos_iou=0.0), dict(pos_iou_thr=0.5, neg_iou_thr=0.4, min_pos_iou=0.0, ignore_iof_thr=0.5),
             dict(pos_iou_thr=0.5, neg_iou_thr=0.4, min_pos_iou=0.0, ignore_iof_thr=0.3, ignore_wrt_candidates=False),
             dict(pos_iou_thr=0.4, neg_iou_thr=0.4, min_pos_iou=0.2, gt_max_assign_all=False),
             dict(pos_iou_thr=0.5, neg_iou_thr=0.5, min_pos_iou=0.0)]
    for spec in specs:
        gts = rand_boxes(rng, 3)
        pri = np.concatenate([clustered(rng, gts.tolist(), 8, jitter=5), rand_boxes(rng, 6)])
        ign = rand_boxes(rng, 2) if 'ignore_iof_thr' in spec else None
        if ign is not None:
            ign[1] = pri[3] + np.array([-2, -2, 2, 2], dtype=np.float32)
        labels = rng.integers(0, 5, 3)
        a = MaxIoUAssigner(**spec)
        r = a.assign(InstanceData(priors=torch.from_numpy(pri)), InstanceData(bboxes=torch.from_numpy(gts), labels=torch.from_numpy(labels)),
                     None if ign is None else InstanceData(bboxes=torch.from_numpy(ign)))
        cases.append(dict(fn='assign', cfg=dict(spec, neg_iou_thr=list(spec['neg_iou_thr']) if isinstance(spec['neg_iou_thr'], tuple) else spec['neg_iou_thr']),
                          neg_is_tuple=isinstance(spec['neg_iou_thr'], tuple), bboxes=pri.tolist(), gt_bboxes=gts.tolist(),
                          gt_bboxes_ignore=None if ign is None else ign.tolist(), gt_labels=labels.tolist(),
                          expected=dict(num_gts=r.num_gts, gt_inds=tl(r.gt_inds), max_overlaps=tl(r.max_overlaps), labels=tl(r.labels))))
    # edge cases: no gts, no priors
    a = MaxIoUAssigner(pos_iou_thr=0.5, neg_iou_thr=0.5)
    pri = rand_boxes(rng, 4)
    r = a.assign(InstanceData(priors=torch.from_numpy(pri)), InstanceData(bboxes=torch.zeros(0, 4), labels=torch.zeros(0, dtype=torch.long)))
    cases.append(dict(fn='assign', cfg=dict(pos_iou_thr=0.5, neg_iou_thr=0.5), neg_is_tuple=False, bboxes=pri.tolist(), gt_bboxes=[],
                      gt_bboxes_ignore=None, gt_labels=[], expected=dict(num_gts=0, gt_inds=tl(r.gt_inds), max_overlaps=tl(r.max_overlaps), labels=tl(r.labels))))
    write('assigner.json', cases)


def gen_matrix_nms(rng):
    cases = []
    for n, kw in [(12, dict()), (12, dict(kernel='linear')), (15, dict(filter_thr=0.3, nms_pre=12, max_num=8)),
                  (10, dict(sigma=0.5, filter_thr=0.2))]:
        h = w = 8
        masks = np.zeros((n, h, w), dtype=bool)
        for i in range(n):
            y, x = rng.integers(0, 5, 2)
            masks[i, y:y + rng.integers(2, 4), x:x + rng.integers(2, 4)] = True
        labels = rng.integers(0, 2, n)
        scores = rng.uniform(0.1, 1, n).astype(np.float32)
        s, l, m, k = mask_matrix_nms(torch.from_numpy(masks), torch.from_numpy(labels), torch.from_numpy(scores), **kw)
        cases.append(dict(fn='mask_matrix_nms', masks=masks.astype(int).tolist(), labels=labels.tolist(), scores=scores.tolist(), kwargs=kw,
                          expected=dict(scores=tl(s), labels=tl(l), keep_inds=tl(k))))
    write('matrix_nms.json', cases)


def gen_torch_sort(rng):
    # torch.sort(descending=True) (stable=False) tie order, which trick reproduces (TorchSort.swift)
    cases = []
    for n, levels in [(5, 2), (16, 3), (17, 3), (20, 4), (33, 2), (100, 5), (257, 7), (1000, 4), (3000, 50), (2000, 2000)]:
        v = (np.floor(rng.uniform(0, levels, n)) / levels).astype(np.float32)
        cases.append(dict(values=v.tolist(), expected=torch.from_numpy(v).sort(descending=True)[1].tolist()))
    write('torch_sort.json', cases)


def det_scenario(rng, n_img=4, n_cls=3):
    imgs = []
    for i in range(n_img):
        k = int(rng.integers(1, 6))
        gts = rand_boxes(rng, k, size=200, lo=8, hi=120)
        labels = rng.integers(0, n_cls, k)
        dets, dl = [], []
        for g, l in zip(gts, labels):
            for _ in range(int(rng.integers(0, 3))):
                dets.append(np.concatenate([g + rng.normal(0, 6, 4), [rng.uniform(0.2, 1)]]))
                dl.append(l if rng.random() < .85 else int(rng.integers(0, n_cls)))
        for b in rand_boxes(rng, int(rng.integers(0, 3)), size=200, lo=8, hi=60):
            dets.append(np.concatenate([b, [rng.uniform(0, 0.6)]]))
            dl.append(int(rng.integers(0, n_cls)))
        d = np.array(dets, dtype=np.float32).reshape(-1, 5)
        d[:, 2:4] = np.maximum(d[:, 2:4], d[:, 0:2] + 1)
        ig = rng.random(k) < .15
        imgs.append(dict(gts=gts, labels=labels, ignore=ig, dets=d, det_labels=np.array(dl, dtype=int)))
    return imgs


def gen_det_eval(rng):
    from mmdet.evaluation.functional import eval_map
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval
    cases = []
    for trial in range(6):
        n_cls = 3
        imgs = det_scenario(rng, n_img=int(rng.integers(2, 6)), n_cls=n_cls)
        det_results = [[im['dets'][im['det_labels'] == c] for c in range(n_cls)] for im in imgs]
        anns = [dict(bboxes=im['gts'][~im['ignore']], labels=im['labels'][~im['ignore']],
                     bboxes_ignore=im['gts'][im['ignore']], labels_ignore=im['labels'][im['ignore']]) for im in imgs]
        mode = 'area' if trial % 2 == 0 else '11points'
        iou = [0.5, 0.5, 0.7, 0.3, 0.5, 0.75][trial]
        with redirect_stdout(io.StringIO()):
            mean_ap, res = eval_map(det_results, anns, iou_thr=iou, eval_mode=mode, use_legacy_coordinate=trial == 4)
        cases.append(dict(fn='eval_map', det_results=[[d.tolist() for d in per] for per in det_results],
                          annotations=[{k: v.tolist() for k, v in a.items()} for a in anns], iou_thr=iou, eval_mode=mode,
                          legacy=trial == 4, expected=dict(mean_ap=float(mean_ap), aps=[float(r['ap']) for r in res],
                                                           num_gts=[int(r['num_gts']) for r in res])))
        # COCO on the same scenario (ignored gts become crowd regions)
        images = [dict(id=i + 1) for i in range(len(imgs))]
        gt_anns, dt = [], []
        for i, im in enumerate(imgs):
            for b, l, ig in zip(im['gts'], im['labels'], im['ignore']):
                w, h = float(b[2] - b[0]), float(b[3] - b[1])
                gt_anns.append(dict(id=len(gt_anns) + 1, image_id=i + 1, category_id=int(l) + 1, bbox=[float(b[0]), float(b[1]), w, h],
                                    area=w * h, iscrowd=int(ig)))
            for d, l in zip(im['dets'], im['det_labels']):
                dt.append(dict(image_id=i + 1, category_id=int(l) + 1, bbox=[float(d[0]), float(d[1]), float(d[2] - d[0]), float(d[3] - d[1])],
                               score=float(d[4])))
        gt = COCO()
        gt.dataset = dict(images=images, annotations=gt_anns, categories=[dict(id=c + 1) for c in range(n_cls)])
        with redirect_stdout(io.StringIO()):
            gt.createIndex()
            res_coco = gt.loadRes(dt) if dt else COCO()
            ev = COCOeval(gt, res_coco, 'bbox')
            ev.evaluate(); ev.accumulate(); ev.summarize()
        cases.append(dict(fn='coco_eval', gts=gt_anns, dets=dt, img_ids=[im['id'] for im in images], cat_ids=[1, 2, 3],
                          expected=[float(x) for x in ev.stats]))
    write('det_eval.json', cases)


def main():
    rng = np.random.default_rng(20261129)
    gen_iou(rng)
    gen_nms(rng)
    gen_soft_nms(rng)
    gen_ensemble(rng)
    gen_assigner(rng)
    gen_matrix_nms(rng)
    gen_torch_sort(rng)
    gen_det_eval(rng)


if __name__ == '__main__':
    sys.exit(main())
