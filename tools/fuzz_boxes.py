#!/usr/bin/env python3
"""Randomised differential test of trick's box built-ins against the reference libraries.

usage: /work/refenv/bin/python tools/fuzz_boxes.py .build/release/trick [N] [seed]

Builds N random programs in the conformance-case style (nms, batched_nms, IoU family,
bbox_overlaps, soft_nms, ensemble_boxes.*, MaxIoUAssigner), computes the expected output with
torchvision / mmdet / ensemble_boxes (mmcv's soft_nms via the kernel replica in
gen_boxes_vectors.py), runs `trick run` on each, and compares number tokens as the
conformance runner does (rtol 1e-4 for floats, exact for indices).
"""
import io
import os
import re
import subprocess
import sys
import tempfile
from contextlib import redirect_stdout

import numpy as np
import torch

sys.argv, _argv = sys.argv[:1], sys.argv
sys.path.insert(0, os.path.dirname(__file__))
import gen_boxes_vectors as g  # noqa: E402  (patches mmcv._ext with the kernel replicas)
sys.argv = _argv
import torchvision  # noqa: E402
import mmcv.ops  # noqa: E402
import ensemble_boxes  # noqa: E402
from mmdet.structures.bbox import bbox_overlaps  # noqa: E402
from mmdet.models.task_modules.assigners import MaxIoUAssigner  # noqa: E402
from mmengine.structures import InstanceData  # noqa: E402

TOKEN = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|nan|inf")


def toks(s):
    return [float(t) for t in TOKEN.findall(s)]


def t_lit(a, dtype='float32'):
    return f"tensor({np.asarray(a).tolist()!r}, dtype='{dtype}')"


def boxes(rng, n, clustered=False):
    if clustered and n:
        k = max(1, n // 6)
        c = rng.uniform(0, 100, (k, 2))
        xy = c[rng.integers(0, k, n)] + rng.normal(0, 3, (n, 2))
        wh = rng.uniform(15, 40, (k, 2))[rng.integers(0, k, n)] + rng.normal(0, 2, (n, 2))
    else:
        xy = rng.uniform(0, 100, (n, 2))
        wh = rng.uniform(3, 40, (n, 2))
    return np.concatenate([xy, xy + np.abs(wh) + 0.5], 1).astype(np.float32).reshape(n, 4)


def scores(rng, n, ties=False):
    s = rng.uniform(0, 1, n)
    if ties:
        s = np.round(s * 4) / 4
    return s.astype(np.float32)


def case_nms(rng):
    n = int(rng.choice([0, 1, 5, 40, 200]))
    b, s = boxes(rng, n, rng.random() < .5), scores(rng, n, rng.random() < .3)
    thr = float(rng.choice([0.0, 0.3, 0.5, 0.7, 1.0]))
    exp = torchvision.ops.nms(torch.from_numpy(b), torch.from_numpy(s), thr).tolist()
    return f"print(nms({t_lit(b.reshape(-1, 4))}, {t_lit(s)}, {thr}).tolist())", str(exp)


def case_batched(rng):
    n = int(rng.choice([3, 60, 1100]))
    b, s = boxes(rng, n, rng.random() < .5), scores(rng, n, rng.random() < .2)
    idx = rng.integers(0, int(rng.choice([1, 3, 6])), n)
    thr = float(rng.choice([0.3, 0.5, 0.7]))
    exp = torchvision.ops.batched_nms(torch.from_numpy(b), torch.from_numpy(s), torch.from_numpy(idx), thr).tolist()
    return f"print(batched_nms({t_lit(b)}, {t_lit(s)}, {t_lit(idx, 'int64')}, {thr}).tolist())", str(exp)


def case_iou(rng):
    n, m = int(rng.integers(0, 7)), int(rng.integers(1, 7))
    a, b = boxes(rng, n), boxes(rng, m)
    dt = 'float64' if rng.random() < .3 else 'float32'
    ta, tb = torch.from_numpy(a).to(getattr(torch, dt)), torch.from_numpy(b).to(getattr(torch, dt))
    kind = rng.integers(0, 5)
    if kind < 4:
        fn = ['box_iou', 'generalized_box_iou', 'distance_box_iou', 'complete_box_iou'][kind]
        exp = getattr(torchvision.ops, fn)(ta, tb).tolist()
        return f"print({fn}({t_lit(a.reshape(-1, 4), dt)}, {t_lit(b, dt)}).tolist())", str(exp)
    mode = str(rng.choice(['iou', 'iof', 'giou']))
    aligned = bool(rng.random() < .4)
    if aligned:
        k = min(n, m)
        a, b, ta, tb = a[:k], b[:k], ta[:k], tb[:k]
    exp = bbox_overlaps(ta, tb, mode=mode, is_aligned=aligned).tolist()
    return (f"print(bbox_overlaps({t_lit(a.reshape(-1, 4), dt)}, {t_lit(b.reshape(-1, 4), dt)}, mode='{mode}', is_aligned={aligned}).tolist())",
            str(exp))


def case_soft(rng):
    n = int(rng.choice([1, 10, 40]))
    b, s = boxes(rng, n, True), scores(rng, n)
    kw = dict(iou_threshold=float(rng.choice([0.3, 0.5])), sigma=float(rng.choice([0.5, 2.0])),
              min_score=float(rng.choice([1e-3, 0.05])), method=str(rng.choice(['linear', 'gaussian', 'naive'])),
              offset=int(rng.choice([0, 1])))
    d, i = mmcv.ops.soft_nms(torch.from_numpy(b), torch.from_numpy(s), **kw)
    args = ', '.join(f'{k}={v!r}' for k, v in kw.items())
    return (f"dets, inds = soft_nms({t_lit(b)}, {t_lit(s)}, {args})\nprint(dets.tolist())\nprint(inds.tolist())",
            f"{d.tolist()}\n{i.tolist()}")


def ens_lists(rng):
    bl, sl, ll = [], [], []
    cent = rng.uniform(0, 0.8, (5, 2))
    for _ in range(int(rng.integers(1, 4))):
        n = int(rng.integers(0, 10))
        xy = cent[rng.integers(0, 5, n)] + rng.normal(0, 0.02, (n, 2))
        wh = rng.uniform(0.05, 0.3, (n, 2))
        b = np.clip(np.concatenate([xy, xy + wh], 1), 0, 1).round(4)
        bl.append(b.tolist())
        sl.append(rng.uniform(0, 1, n).round(4).tolist())
        ll.append(rng.integers(0, 3, n).tolist())
    return bl, sl, ll


def case_ens(rng):
    bl, sl, ll = ens_lists(rng)
    if sum(len(x) for x in bl) == 0 or any(len(x) == 0 for x in bl):
        bl[0], sl[0], ll[0] = [[0.1, 0.1, 0.4, 0.5]], [0.7], [1]
        for k in range(1, len(bl)):
            if not bl[k]:
                bl[k], sl[k], ll[k] = [[0.12, 0.1, 0.4, 0.52]], [0.6], [1]
    m = len(bl)
    w = None if rng.random() < .5 else rng.integers(1, 4, m).tolist()
    kind = rng.integers(0, 4)
    head = f"{bl!r}, {sl!r}, {ll!r}"
    out = io.StringIO()
    with redirect_stdout(out):
        if kind == 0:
            ct = str(rng.choice(['avg', 'max', 'box_and_model_avg', 'absent_model_aware_avg']))
            iou, skip, ov = float(rng.choice([0.4, 0.55, 0.7])), float(rng.choice([0.0, 0.2])), bool(rng.random() < .3)
            r = ensemble_boxes.weighted_boxes_fusion(bl, sl, ll, weights=w, iou_thr=iou, skip_box_thr=skip, conf_type=ct, allows_overflow=ov)
            call = f"ensemble_boxes.weighted_boxes_fusion({head}, weights={w!r}, iou_thr={iou}, skip_box_thr={skip}, conf_type='{ct}', allows_overflow={ov})"
        elif kind == 1:
            iou, skip = float(rng.choice([0.4, 0.55])), float(rng.choice([0.0, 0.2]))
            r = ensemble_boxes.non_maximum_weighted(bl, sl, ll, weights=w, iou_thr=iou, skip_box_thr=skip)
            call = f"ensemble_boxes.non_maximum_weighted({head}, weights={w!r}, iou_thr={iou}, skip_box_thr={skip})"
        elif kind == 2:
            iou = float(rng.choice([0.3, 0.5]))
            r = ensemble_boxes.nms(bl, [list(x) for x in sl], ll, iou_thr=iou, weights=w)
            call = f"ensemble_boxes.nms({head}, iou_thr={iou}, weights={w!r})"
        else:
            meth, iou, sig, th = int(rng.integers(1, 4)), float(rng.choice([0.3, 0.5])), float(rng.choice([0.1, 0.5])), float(rng.choice([0.001, 0.1]))
            r = ensemble_boxes.soft_nms(bl, [list(x) for x in sl], ll, method=meth, iou_thr=iou, sigma=sig, thresh=th, weights=w)
            call = f"ensemble_boxes.soft_nms({head}, method={meth}, iou_thr={iou}, sigma={sig}, thresh={th}, weights={w!r})"
    prog = f"boxes, scores, labels = {call}\nprint(boxes.tolist())\nprint(scores.tolist())\nprint(labels.tolist())"
    return prog, out.getvalue() + f"{r[0].tolist()}\n{r[1].tolist()}\n{r[2].tolist()}"


def case_assign(rng):
    k = int(rng.integers(0, 4))
    gts = boxes(rng, k)
    n = int(rng.integers(1, 30))
    pri = np.concatenate([g.clustered(rng, gts.tolist(), 4, jitter=6), boxes(rng, 4)]) if k else boxes(rng, n)
    spec = dict(pos_iou_thr=float(rng.choice([0.4, 0.5, 0.7])), neg_iou_thr=float(rng.choice([0.3, 0.4, 0.5])),
                min_pos_iou=float(rng.choice([0.0, 0.3, 0.5])), gt_max_assign_all=bool(rng.random() < .7),
                match_low_quality=bool(rng.random() < .7))
    if rng.random() < .3:
        spec['neg_iou_thr'] = (0.1, spec['neg_iou_thr'])
    ign = None
    if rng.random() < .4:
        spec['ignore_iof_thr'] = float(rng.choice([0.3, 0.5]))
        spec['ignore_wrt_candidates'] = bool(rng.random() < .5)
        ign = boxes(rng, 2)
        ign[0] = pri[0] + np.array([-3, -3, 3, 3], dtype=np.float32)
    labels = rng.integers(0, 5, k)
    r = MaxIoUAssigner(**spec).assign(InstanceData(priors=torch.from_numpy(pri)),
                                      InstanceData(bboxes=torch.from_numpy(gts.reshape(-1, 4)), labels=torch.from_numpy(labels)),
                                      None if ign is None else InstanceData(bboxes=torch.from_numpy(ign)))
    args = ', '.join(f'{kk}={v!r}' for kk, v in spec.items())
    prog = (f"a = MaxIoUAssigner({args})\n"
            f"r = a.assign({t_lit(pri)}, {t_lit(gts.reshape(-1, 4))}, gt_bboxes_ignore={'None' if ign is None else t_lit(ign)}, gt_labels={t_lit(labels, 'int64')})\n"
            "print(r.num_gts)\nprint(r.gt_inds.tolist())\nprint(r.labels.tolist())\nprint(r.max_overlaps.tolist())")
    return prog, f"{r.num_gts}\n{r.gt_inds.tolist()}\n{r.labels.tolist()}\n{r.max_overlaps.tolist()}"


KINDS = [case_nms, case_batched, case_iou, case_soft, case_ens, case_assign]


def main():
    binary = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 60
    rng = np.random.default_rng(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    fails = 0
    for c in range(n):
        kind = KINDS[c % len(KINDS)]
        prog, expected = kind(rng)
        with tempfile.NamedTemporaryFile('w', suffix='.trick', delete=False) as f:
            f.write(prog)
        p = subprocess.run([binary, 'run', f.name], capture_output=True, text=True)
        a, e = toks(p.stdout), toks(expected)
        bad = p.returncode != 0 or len(a) != len(e) or any(abs(x - y) > 1e-6 + 1e-4 * abs(y) for x, y in zip(a, e))
        if bad:
            fails += 1
            print(f'FAIL {kind.__name__} (program {f.name}): rc={p.returncode} {p.stderr.strip()[-200:]}')
            print('  got     ', p.stdout[:300].replace('\n', ' | '))
            print('  expected', expected[:300].replace('\n', ' | '))
        else:
            os.unlink(f.name)
    print(f'fuzz: {n - fails}/{n} match')
    return 1 if fails else 0


if __name__ == '__main__':
    sys.exit(main())
