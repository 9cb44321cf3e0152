#!/usr/bin/env python3
"""Randomised differential test of trick's box built-ins against the reference libraries.

usage: /work/refenv/bin/python tools/fuzz_boxes.py .build/release/trick [--mutate] [N] [seed] [kind ...]

kinds: nms batched iou soft ens assign score_voting gidaris (default: all). Builds N random programs in the
conformance-case forms (nms, batched_nms, the torchvision IoU family, bbox_overlaps with every
mode / is_aligned / eps and batch dims, mmcv soft_nms with defaults omitted or any option,
ensemble_boxes.weighted_boxes_fusion (every conf_type, weights, skip_box_thr, allows_overflow) /
non_maximum_weighted / nms / soft_nms (methods 1-3) / nms_method, MaxIoUAssigner with every
option), computes the expected output with torchvision / mmdet / ensemble_boxes (mmcv's soft_nms
via the kernel replica in gen_boxes_vectors.py), runs `trick run` on each, and compares tokens with
the conformance runner's `tokens` / `compare` at the public cases' tolerances of each area. Inputs
include ties, duplicates, degenerate (zero-size) boxes, float64, empty inputs, ensemble boxes
outside [0, 1] or with swapped corners (ensemble_boxes' printed warnings are part of the
expected output). Where the reference raises, trick must exit 1 with 'error' on stderr. With
--mutate, one number of each program is replaced by a wild value: trick must run it or fail
cleanly (exit 1, 'error' on stderr), never crash or hang. Failing programs stay in /tmp.
"""
from fuzz_common import run_trick as run
import io
import os
import sys
import warnings
from contextlib import redirect_stdout

warnings.filterwarnings('ignore')
import numpy as np  # noqa: E402
import torch  # noqa: E402

sys.argv, _argv = sys.argv[:1], sys.argv
sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, '/work/shared/conformance')
import gen_boxes_vectors as g  # noqa: E402  (patches mmcv._ext with the kernel replicas)
from run import tokens, compare  # noqa: E402
sys.argv = _argv
import torchvision  # noqa: E402
import mmcv.ops  # noqa: E402
import ensemble_boxes  # noqa: E402
from mmdet.structures.bbox import bbox_overlaps  # noqa: E402
from mmdet.models.task_modules.assigners import MaxIoUAssigner  # noqa: E402
from mmengine.structures import InstanceData  # noqa: E402

class Error:
    """Expected: the reference raises (the message is shown when trick does not)."""
    def __init__(self, e):
        self.msg = f'{type(e).__name__}: {e}'[:200]
TOL = dict(nms=(0, 0), iou=(1e-4, 1e-6), soft=(1e-4, 1e-5), ens=(1e-4, 1e-5), assign=(1e-5, 1e-6),
           score_voting=(1e-4, 1e-5), gidaris=(1e-6, 1e-6))


def t_lit(a, dtype='float32'):
    return f"tensor({np.asarray(a).tolist()!r}, dtype='{dtype}')"


def boxes(rng, n, clustered=False, dt=np.float32):
    if clustered and n:
        k = max(1, n // 6)
        c = rng.uniform(0, 100, (k, 2))
        xy = c[rng.integers(0, k, n)] + rng.normal(0, 3, (n, 2))
        wh = rng.uniform(15, 40, (k, 2))[rng.integers(0, k, n)] + rng.normal(0, 2, (n, 2))
    else:
        xy = rng.uniform(0, 100, (n, 2))
        wh = rng.uniform(3, 40, (n, 2))
    b = np.concatenate([xy, xy + np.abs(wh) + 0.5], 1).reshape(n, 4)
    if n and rng.random() < .25:  # integer pixel coordinates
        b = np.round(b)
    if n > 1 and rng.random() < .2:  # exact duplicates
        k = int(rng.integers(1, n))
        b[rng.integers(0, n, k)] = b[rng.integers(0, n, k)]
    if n and rng.random() < .1:  # zero-width / zero-height boxes
        i = rng.integers(0, n)
        b[i, 2] = b[i, 0]
    return b.astype(dt)


def scores(rng, n, ties=False, dt=np.float32):
    s = rng.uniform(0, 1, n)
    if ties:
        s = np.round(s * 4) / 4
    return s.astype(dt)


def thr(rng, choices):
    return float(rng.choice(choices)) if rng.random() < .7 else float(np.round(rng.uniform(0, 1), 2))


def case_nms(rng):
    n = int(rng.choice([0, 1, 2, 5, 40, 200]))
    dt = 'float64' if rng.random() < .2 else 'float32'
    b, s = boxes(rng, n, rng.random() < .5, np.dtype(dt)), scores(rng, n, rng.random() < .3, np.dtype(dt))
    t = thr(rng, [0.0, 0.3, 0.5, 0.7, 1.0])
    exp = torchvision.ops.nms(torch.from_numpy(b), torch.from_numpy(s), t).tolist()
    form = f"iou_threshold={t}" if rng.random() < .3 else str(t)
    return f"print(nms({t_lit(b.reshape(-1, 4), dt)}, {t_lit(s, dt)}, {form}).tolist())", str(exp), 'nms'


def case_batched(rng):
    n = int(rng.choice([0, 3, 60, 300, 1100]))
    b, s = boxes(rng, n, rng.random() < .5), scores(rng, n, rng.random() < .2)
    if rng.random() < .2:
        b = b * 10  # larger coordinates: the coordinate trick's float32 offsets
    idx = rng.integers(0, int(rng.choice([1, 3, 6, 80])), n)
    if rng.random() < .1:
        idx = idx * 7 + 2
    t = thr(rng, [0.3, 0.5, 0.7])
    exp = torchvision.ops.batched_nms(torch.from_numpy(b), torch.from_numpy(s), torch.from_numpy(idx), t).tolist()
    form = f"iou_threshold={t}" if rng.random() < .3 else str(t)
    return f"print(batched_nms({t_lit(b.reshape(-1, 4))}, {t_lit(s)}, {t_lit(idx, 'int64')}, {form}).tolist())", str(exp), 'nms'


def case_iou(rng):
    n, m = int(rng.integers(0, 7)), int(rng.integers(0, 7))
    dt = 'float64' if rng.random() < .3 else 'float32'
    a, b = boxes(rng, n), boxes(rng, m)
    ta, tb = torch.from_numpy(a).to(getattr(torch, dt)), torch.from_numpy(b).to(getattr(torch, dt))
    kind = rng.integers(0, 6)
    if kind < 4:
        fn = ['box_iou', 'generalized_box_iou', 'distance_box_iou', 'complete_box_iou'][kind]
        extra = ''
        kws = {}
        if kind >= 2 and rng.random() < .3:
            kws['eps'] = float(rng.choice([1e-7, 1e-3, 0.5]))
            extra = f", eps={kws['eps']!r}"
        try:
            exp = str(getattr(torchvision.ops, fn)(ta, tb, **kws).tolist())
        except Exception as e:
            exp = Error(e)
        return f"print({fn}({t_lit(a.reshape(-1, 4), dt)}, {t_lit(b.reshape(-1, 4), dt)}{extra}).tolist())", exp, 'iou'
    kws = {}
    args = ''
    if rng.random() < .8:
        kws['mode'] = str(rng.choice(['iou', 'iof', 'giou']))
    aligned = bool(rng.random() < .4)
    if aligned or rng.random() < .2:
        kws['is_aligned'] = aligned
    if rng.random() < .25:
        kws['eps'] = float(rng.choice([1e-6, 1e-3, 0.0, 1.0, 100.0]))
    if aligned:
        k = min(n, m)
        a, b, ta, tb = a[:k], b[:k], ta[:k], tb[:k]
    la, lb = t_lit(a.reshape(-1, 4), dt), t_lit(b.reshape(-1, 4), dt)
    if kind == 5 and len(a) and len(b):  # batch dims (B, m, 4)
        bs = int(rng.integers(1, 3))
        ta = torch.stack([ta] * bs) + torch.arange(bs, dtype=ta.dtype).view(-1, 1, 1)
        tb = torch.stack([tb] * bs)
        la, lb = t_lit(ta.numpy(), dt), t_lit(tb.numpy(), dt)
    args = ''.join(f', {k}={v!r}' for k, v in kws.items())
    try:
        exp = str(bbox_overlaps(ta, tb, **kws).tolist())
    except Exception as e:
        exp = Error(e)
    return f"print(bbox_overlaps({la}, {lb}{args}).tolist())", exp, 'iou'


def case_soft(rng):
    n = int(rng.choice([0, 1, 2, 10, 40]))
    b, s = boxes(rng, n, True), scores(rng, n, rng.random() < .2)
    kw = {}
    if rng.random() < .6:
        kw['iou_threshold'] = thr(rng, [0.3, 0.5, 0.4])
    if rng.random() < .5:
        kw['sigma'] = float(rng.choice([0.5, 2.0, 0.1, 1.0]))
    if rng.random() < .6:
        kw['min_score'] = float(rng.choice([1e-3, 0.05, 0.01, 0.0, 0.3]))
    if rng.random() < .8:
        kw['method'] = str(rng.choice(['linear', 'gaussian', 'naive']))
    if rng.random() < .3:
        kw['offset'] = int(rng.choice([0, 1]))
    d, i = mmcv.ops.soft_nms(torch.from_numpy(b), torch.from_numpy(s), **kw)
    args = ''.join(f', {k}={v!r}' for k, v in kw.items())
    return (f"dets, inds = soft_nms({t_lit(b.reshape(-1, 4))}, {t_lit(s)}{args})\nprint(dets.tolist())\nprint(inds.tolist())",
            f"{d.tolist()}\n{i.tolist()}", 'soft')


def ens_lists(rng):
    bl, sl, ll = [], [], []
    cent = rng.uniform(0, 0.8, (5, 2))
    nlab = int(rng.choice([1, 3]))
    for _ in range(int(rng.integers(1, 5))):
        n = int(rng.integers(0, 10))
        xy = cent[rng.integers(0, 5, n)] + rng.normal(0, 0.02, (n, 2))
        wh = rng.uniform(0.05, 0.3, (n, 2))
        b = np.clip(np.concatenate([xy, xy + wh], 1), 0, 1).round(4)
        if n and rng.random() < .15:  # out of range, swapped corners, zero area: warnings
            i = int(rng.integers(0, n))
            k = rng.random()
            if k < .4:
                b[i, 2] = 1.2
            elif k < .7:
                b[i, [0, 2]] = b[i, [2, 0]]
            else:
                b[i, 3] = b[i, 1]
        bl.append(b.tolist())
        # no tied scores (not even after weighting): ensemble_boxes orders them with numpy's
        # argsort()[::-1], whose tie order on AVX-512 machines (x86-simd-sort networks) trick
        # does not replicate
        sl.append(rng.uniform(0, 1, n).round(6).tolist())
        lab = rng.integers(0, nlab, n)
        ll.append(lab.tolist() if rng.random() < .8 else [float(x) for x in lab])
    return bl, sl, ll


def case_ens(rng):
    bl, sl, ll = ens_lists(rng)
    kind = int(rng.integers(0, 5))
    if kind >= 2:
        # ensemble_boxes.nms / soft_nms / nms_method crash (numpy concatenate) on a model without
        # boxes; trick pools the other models' boxes, as intended (SPEC section 8)
        keep = [i for i in range(len(bl)) if bl[i]] or [0]
        if not bl[keep[0]]:
            bl[0], sl[0], ll[0] = [[0.1, 0.1, 0.4, 0.5]], [0.7], [1]
        bl, sl, ll = [bl[i] for i in keep], [sl[i] for i in keep], [ll[i] for i in keep]
    m = len(bl)
    w = None
    r0 = rng.random()
    if r0 < .35:
        w = rng.integers(1, 4, m).tolist()
    elif r0 < .45:
        w = [float(x) for x in rng.uniform(0.2, 3, m).round(2)]
    elif r0 < .48:
        w = [1] * (m + 1)  # wrong length: a printed warning, weights ignored
    head = f"{bl!r}, {sl!r}, {ll!r}"
    out = io.StringIO()
    kws = {}
    if w is not None or rng.random() < .3:
        kws['weights'] = w

    def opt(name, p, choices):
        if rng.random() < p:
            kws[name] = choices() if callable(choices) else choices
    try:
        with redirect_stdout(out):
            if kind == 0:
                fn = 'weighted_boxes_fusion'
                opt('iou_thr', .8, lambda: thr(rng, [0.4, 0.55, 0.7]))
                opt('skip_box_thr', .6, lambda: float(rng.choice([0.0, 0.2, 0.05, 0.5])))
                opt('conf_type', .8, lambda: str(rng.choice(['avg', 'max', 'box_and_model_avg', 'absent_model_aware_avg'])))
                opt('allows_overflow', .4, lambda: bool(rng.random() < .5))
                r = ensemble_boxes.weighted_boxes_fusion(bl, sl, ll, **kws)
            elif kind == 1:
                fn = 'non_maximum_weighted'
                opt('iou_thr', .8, lambda: thr(rng, [0.4, 0.55]))
                opt('skip_box_thr', .6, lambda: float(rng.choice([0.0, 0.2, 0.05])))
                r = ensemble_boxes.non_maximum_weighted(bl, sl, ll, **kws)
            elif kind == 2:
                fn = 'nms'
                opt('iou_thr', .8, lambda: thr(rng, [0.3, 0.5]))
                r = ensemble_boxes.nms([list(x) for x in bl], [list(x) for x in sl], ll, **kws)
            else:
                fn = 'soft_nms' if kind == 3 else 'nms_method'
                opt('method', .8, lambda: int(rng.integers(1, 4)))
                opt('iou_thr', .7, lambda: thr(rng, [0.3, 0.5]))
                opt('sigma', .6, lambda: float(rng.choice([0.1, 0.5, 1.0])))
                opt('thresh', .6, lambda: float(rng.choice([0.001, 0.1, 0.0])))
                r = getattr(ensemble_boxes, fn)([list(x) for x in bl], [list(x) for x in sl], ll, **kws)
        exp = out.getvalue() + f"{r[0].tolist()}\n{r[1].tolist()}\n{r[2].tolist()}"
    except Exception as e:
        # ensemble_boxes.nms / soft_nms crash when no box is left after the zero-area filter;
        # trick returns empty results, as intended (SPEC section 8): not compared
        exp = None if 'need at least one array' in str(e) else Error(e)
    args = ''.join(f', {k}={v!r}' for k, v in kws.items())
    prog = f"boxes, scores, labels = ensemble_boxes.{fn}({head}{args})\nprint(boxes.tolist())\nprint(scores.tolist())\nprint(labels.tolist())"
    return prog, exp, 'ens'


def case_assign(rng):
    k = int(rng.integers(0, 5))
    gts = boxes(rng, k)
    n = int(rng.integers(0, 30))
    if k:
        pri = np.concatenate([g.clustered(rng, gts.tolist(), int(rng.integers(1, 5)), jitter=float(rng.choice([2, 6, 12]))), boxes(rng, int(rng.integers(0, 5)))])
        if rng.random() < .2:
            pri[0] = gts[0]  # IoU exactly 1
        if rng.random() < .15 and len(pri) > 1:
            pri[1] = pri[0]  # tied overlaps
    else:
        pri = boxes(rng, n)
    spec = {}
    spec['pos_iou_thr'] = thr(rng, [0.4, 0.5, 0.7])
    if rng.random() < .25:
        spec['neg_iou_thr'] = (float(rng.choice([0.0, 0.1])), thr(rng, [0.3, 0.4, 0.5]))
    else:
        spec['neg_iou_thr'] = thr(rng, [0.3, 0.4, 0.5])
    if rng.random() < .8:
        spec['min_pos_iou'] = float(rng.choice([0.0, 0.3, 0.5, 0.1]))
    if rng.random() < .5:
        spec['gt_max_assign_all'] = bool(rng.random() < .5)
    if rng.random() < .6:
        spec['match_low_quality'] = bool(rng.random() < .5)
    ign = None
    r1 = rng.random()
    if r1 < .45:
        spec['ignore_iof_thr'] = float(rng.choice([0.3, 0.5, -1]))
        if rng.random() < .5:
            spec['ignore_wrt_candidates'] = bool(rng.random() < .5)
        if rng.random() < .9:
            ign = boxes(rng, int(rng.integers(0, 3)))
            if len(ign) and len(pri):
                ign[0] = pri[0] + np.array([-3, -3, 3, 3], dtype=np.float32)
    elif r1 < .5:
        spec['ignore_iof_thr'] = -1
    labels = rng.integers(0, 5, k)
    with_labels = rng.random() < .9
    try:
        gi = InstanceData(bboxes=torch.from_numpy(gts.reshape(-1, 4)))
        gi.labels = torch.from_numpy(labels)
        r = MaxIoUAssigner(**spec).assign(InstanceData(priors=torch.from_numpy(pri.reshape(-1, 4))), gi,
                                          None if ign is None else InstanceData(bboxes=torch.from_numpy(ign.reshape(-1, 4))))
        # without gt_labels (the MMDetection 2.x call form) the result's labels are None
        exp = f"{r.num_gts}\n{r.gt_inds.tolist()}\n{r.labels.tolist() if with_labels else None}\n{r.max_overlaps.tolist()}"
    except Exception as e:
        exp = Error(e)
    args = ', '.join(f'{kk}={v!r}' for kk, v in spec.items())
    gl = f", gt_labels={t_lit(labels, 'int64')}" if with_labels else ''
    prog = (f"a = MaxIoUAssigner({args})\n"
            f"r = a.assign({t_lit(pri.reshape(-1, 4))}, {t_lit(gts.reshape(-1, 4))}, gt_bboxes_ignore={'None' if ign is None else t_lit(ign.reshape(-1, 4))}{gl})\n"
            f"print(r.num_gts)\nprint(r.gt_inds.tolist())\nprint(r.labels{'.tolist()' if with_labels else ''})\nprint(r.max_overlaps.tolist())")
    return prog, exp, 'assign'


import types  # noqa: E402
import gen_score_voting_vectors as sv  # noqa: E402  (the Gidaris transliteration; main() writes the fixture)
from mmdet.models.dense_heads.paa_head import PAAHead  # noqa: E402
from mmdet.models.layers import multiclass_nms  # noqa: E402


def case_score_voting(rng):
    """PAAHead.score_voting on what PAA feeds it: clustered candidates, a zero background column, the
    detections of multiclass_nms (mmcv batched_nms) over them."""
    n = int(rng.integers(0, 90)) if rng.random() < .9 else int(rng.integers(90, 300))
    C = int(rng.integers(1, 7))
    b = boxes(rng, n, clustered=rng.random() < .85)
    s = rng.uniform(0, 1, (n, C))
    if rng.random() < .3:
        s = s ** float(rng.choice([2.0, 4.0]))      # mostly low scores, as a detector's
    if rng.random() < .15:
        s = np.round(s * 8) / 8                      # tied scores
    s = s.astype(np.float32)
    padded = np.concatenate([s, np.zeros((n, 1), np.float32)], 1)
    thr = float(rng.choice([0.05, 0.05, 0.0, 0.2, 0.3, 0.5, 0.9]))
    iou = float(rng.choice([0.6, 0.5, 0.7, 0.3]))
    max_num = int(rng.choice([100, 100, 5, 20, -1]))
    tb, tp = torch.from_numpy(b.reshape(-1, 4)), torch.from_numpy(padded.reshape(-1, C + 1))
    try:
        dets, labels = multiclass_nms(tb, tp, thr, dict(type='nms', iou_threshold=iou), max_num)
    except Exception as e:  # noqa: BLE001  (no boxes at all)
        return "print('skip')", Error(e), 'score_voting'
    pass_nc = rng.random() < .8
    vthr = thr
    try:
        vb, vl = PAAHead.score_voting(types.SimpleNamespace(cls_out_channels=C), dets, labels, tb, tp, vthr)
        exp = f"{vb.tolist()}\n{vl.tolist()}\n{tuple(vb.shape)}"
    except RuntimeError as e:
        # nothing voted (no det, or no candidate above score_thr): upstream's torch.cat of an empty list raises (PAA
        # only calls score_voting when there are dets); intended, and trick's (SPEC section 8): empty results
        if 'non-empty list' not in str(e):
            raise
        exp = "[]\n[]\n(0, 5)"
    except Exception as e:  # noqa: BLE001
        exp = Error(e)
    dl = t_lit(dets.numpy().reshape(-1, 5))
    nc = f", num_classes={C}" if pass_nc else ''
    kwn = rng.random() < .2
    bl = t_lit(b.reshape(-1, 4)) if n else 'zeros(0, 4)'
    sl = t_lit(padded.reshape(-1, C + 1)) if n else f'zeros(0, {C + 1})'
    prog = (f"dets = {dl}\nlabels = {t_lit(labels.numpy(), 'int64')}\nboxes = {bl}\n"
            f"scores = {sl}\n"
            f"vb, vl = score_voting(dets, labels, boxes, scores, {'score_thr=' if kwn else ''}{vthr!r}{nc})\n"
            "print(vb.tolist())\nprint(vl.tolist())\nprint(vb.shape)")
    return prog, exp, 'score_voting'


def case_gidaris(rng):
    """gidaris_voting against the line-by-line numpy transliteration of apply_bbox_voting (MATLAB)."""
    n = int(rng.integers(0, 60))
    k = int(rng.integers(0, 8))
    dt = np.float64 if rng.random() < .5 else np.float32
    c = boxes(rng, n, clustered=rng.random() < .8).astype(np.float64)
    if rng.random() < .3:
        c = np.round(c)
    sc = rng.normal(0, 1.5, (n, 1)) if rng.random() < .7 else rng.uniform(0, 1, (n, 1))
    cands = np.hstack([c.reshape(-1, 4), sc]).astype(dt)
    if n and rng.random() < .8:
        top = cands[np.argsort(-cands[:, 4], kind='stable')[:k]].copy()
        if len(top) and rng.random() < .3:
            top[:, :4] += rng.normal(0, 2, top[:, :4].shape)
        dets = top
    else:
        dets = np.hstack([boxes(rng, k).astype(np.float64), rng.uniform(0, 1, (k, 1))]).astype(dt)
    thresh = float(rng.choice([0.5, 0.3, 0.7, 0.0, 0.9, 1.0])) if rng.random() < .8 else float(np.round(rng.uniform(0, 1), 2))
    add_val = float(rng.choice([1.5, 0.0, 0.5, 3.0, -0.5]))
    out = sv.apply_bbox_voting(cands.astype(np.float64).reshape(-1, 5), dets.astype(np.float64).reshape(-1, 5), thresh, add_val)
    exp = f"{out.tolist()}\n{tuple(out.shape)}"
    args = []
    if rng.random() < .8:
        args.append(f"thresh={thresh!r}")
    elif thresh != 0.5:
        out = sv.apply_bbox_voting(cands.astype(np.float64).reshape(-1, 5), dets.astype(np.float64).reshape(-1, 5), 0.5, add_val)
        exp = f"{out.tolist()}\n{tuple(out.shape)}"
    if rng.random() < .8 or add_val != 1.5:
        args.append(f"add_val={add_val!r}")
    dts = 'float64' if dt == np.float64 else 'float32'
    prog = (f"out = gidaris_voting({t_lit(dets.reshape(-1, 5), dts)}, {t_lit(cands.reshape(-1, 5), dts)}{', ' if args else ''}{', '.join(args)})\n"
            "print(out.tolist())\nprint(out.shape)")
    return prog, exp, 'gidaris'


KINDS = dict(nms=case_nms, batched=case_batched, iou=case_iou, soft=case_soft, ens=case_ens, assign=case_assign,
             score_voting=case_score_voting, gidaris=case_gidaris)


def check(p, exp, area):
    if p is None:
        return 'timeout'
    if p.returncode not in (0, 1):
        return f'crash rc={p.returncode}: {p.stderr.strip()[-300:]}'
    if isinstance(exp, Error):
        if p.returncode != 1 or 'error' not in p.stderr.lower():
            return f'expected an error ({exp.msg}), got rc={p.returncode} stdout={p.stdout[:200]!r}'
        return None
    if p.returncode != 0:
        return f'rc={p.returncode}: {p.stderr.strip()[-300:]}'
    if exp is None:
        return None
    a, e = tokens(p.stdout), tokens(exp)
    why = compare(a, e, *TOL[area])
    if why is None and any(isinstance(x, float) and x != x for x in a) != any(isinstance(x, float) and x != x for x in e):
        why = 'nan where the reference has none (or the reverse)'
    return why


NUM = __import__('re').compile(r"(?<![\w.'])-?\d+(?:\.\d+)?(?:e-?\d+)?(?![\w'])")
BAD = ['-1', '0', '-0.5', '10**12', '2**62', '1e308', "'a'", 'None', '[]', '()', 'True', '[1, 2, 3]', "float('nan')", "float('inf')"]


def mutate(rng, prog):
    ms = list(NUM.finditer(prog))
    if not ms:
        return prog
    m = ms[int(rng.integers(0, len(ms)))]
    return prog[:m.start()] + str(rng.choice(BAD)) + prog[m.end():]


def main():
    args = sys.argv[1:]
    mut = '--mutate' in args
    if mut:
        args.remove('--mutate')
    binary = args[0]
    n = int(args[1]) if len(args) > 1 else 60
    seed = int(args[2]) if len(args) > 2 else 1
    kinds = [KINDS[k] for k in (args[3:] or list(KINDS))]
    rng = np.random.default_rng(seed)
    fails, counts, errors = 0, {}, {}
    for c in range(n):
        kind = kinds[c % len(kinds)]
        prog, exp, area = kind(rng)
        if mut:
            prog = mutate(rng, prog)
        path, p = run(binary, prog)
        if mut:
            why = None
            if p is None:
                why = 'timeout'
            elif p.returncode not in (0, 1):
                why = f'crash rc={p.returncode}: {p.stderr.strip()[-300:]}'
            elif p.returncode == 1 and 'error' not in p.stderr.lower():
                why = 'exit 1 without an error message'
        else:
            why = check(p, exp, area)
        counts[kind.__name__] = counts.get(kind.__name__, 0) + 1
        if isinstance(exp, Error):
            errors[kind.__name__] = errors.get(kind.__name__, 0) + 1
        if why:
            fails += 1
            print(f'FAIL {kind.__name__} ({path}): {why}')
            print('  program ', prog[:600].replace('\n', ' | '))
            if p is not None and not isinstance(exp, Error) and not mut:
                print('  got     ', p.stdout[:400].replace('\n', ' | '))
                print('  expected', str(exp)[:400].replace('\n', ' | '))
        else:
            os.unlink(path)
    what = 'robustness (mutated)' if mut else 'fuzz_boxes'
    print(f'{what} seed {seed}: {n - fails}/{n} ok  cases {counts}  of which reference errors {errors}')
    return 1 if fails else 0


if __name__ == '__main__':
    sys.exit(main())
