#!/usr/bin/env python3
"""Test vectors for trick's PAA score voting and Gidaris box voting.

Run with the reference environment:  /work/refenv/bin/python tools/gen_score_voting_vectors.py
Writes Tests/TrickCoreTests/Fixtures/boxes/score_voting.json.

- score_voting: the real mmdet 3.3 `PAAHead.score_voting` (called unbound: it only reads
  `self.cls_out_channels`), on post-NMS detections made by mmcv's `batched_nms` path
  (`mmdet.models.layers.multiclass_nms`) as PAAHead does.
- gidaris_voting: `apply_bbox_voting` of gidariss/mrcnn-object-detection
  (code/postprocessing/post_process_candidate_detections.m) and R-CNN `boxoverlap`, transliterated
  line by line to numpy float64 (MATLAB is not available here).
"""
import json, os, types, warnings
import numpy as np
import torch

warnings.filterwarnings('ignore')
from mmdet.models.dense_heads.paa_head import PAAHead
from mmdet.models.layers import multiclass_nms

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'Tests', 'TrickCoreTests', 'Fixtures', 'boxes')
g = torch.Generator().manual_seed(77)


def boxes(n, scale=100.0):
    xy = torch.rand(n, 2, generator=g) * scale
    wh = torch.rand(n, 2, generator=g) * scale * 0.3 + 2
    return torch.cat([xy, xy + wh], 1)


def boxoverlap(a, b):  # R-CNN boxoverlap.m
    x1 = np.maximum(a[:, 0], b[0]); y1 = np.maximum(a[:, 1], b[1])
    x2 = np.minimum(a[:, 2], b[2]); y2 = np.minimum(a[:, 3], b[3])
    w = x2 - x1 + 1; h = y2 - y1 + 1
    inter = w * h
    aarea = (a[:, 2] - a[:, 0] + 1) * (a[:, 3] - a[:, 1] + 1)
    barea = (b[2] - b[0] + 1) * (b[3] - b[1] + 1)
    o = inter / (aarea + barea - inter)
    o[w <= 0] = 0; o[h <= 0] = 0
    return o


def apply_bbox_voting(cands, dets, iou_thresh, add_val):
    dets = dets.copy()
    for p in range(dets.shape[0]):
        overlap = boxoverlap(cands[:, :4], dets[p, :4])
        mask = overlap >= iou_thresh
        nb = cands[mask].copy()
        nb[:, 4] = np.finfo(float).eps + np.maximum(0, nb[:, 4] + add_val)
        if mask.any():
            dets[p, :4] = (nb[:, :4] * nb[:, 4:5]).sum(0) / nb[:, 4].sum()
    return dets



def main():
    cases = []
    for n, C, thr in [(30, 3, 0.05), (60, 4, 0.2), (12, 1, 0.0), (40, 5, 0.3)]:
        # clusters of jittered boxes, so votes have several neighbours
        centers = boxes(max(2, n // 6))
        b = centers[torch.randint(0, len(centers), (n,), generator=g)] + torch.randn(n, 4, generator=g) * 3
        b[:, 2:] = torch.maximum(b[:, 2:], b[:, :2] + 1)
        s = torch.rand(n, C, generator=g)
        padded = torch.cat([s, s.new_zeros(n, 1)], 1)  # PAA pads a background column
        dets, labels = multiclass_nms(b, padded, thr, dict(type='nms', iou_threshold=0.6), 100)
        head = types.SimpleNamespace(cls_out_channels=C)
        vb, vl = PAAHead.score_voting(head, dets, labels, b, padded, thr)
        cases.append(dict(kind='paa', det_bboxes=dets.tolist(), det_labels=labels.tolist(), mlvl_bboxes=b.tolist(),
                          mlvl_nms_scores=padded.tolist(), score_thr=thr, num_classes=C,
                          expected_bboxes=vb.tolist(), expected_labels=vl.tolist()))

    for n, thresh, add_val in [(25, 0.5, 1.5), (40, 0.7, 0.0), (15, 0.3, 1.5)]:
        centers = boxes(4).numpy().astype(np.float64)
        c = centers[np.random.RandomState(n).randint(0, 4, n)] + np.random.RandomState(n + 1).randn(n, 4) * 4
        c[:, 2:] = np.maximum(c[:, 2:], c[:, :2] + 1)
        sc = np.random.RandomState(n + 2).randn(n, 1)  # SVM-like scores, some negative
        cands = np.hstack([c, sc])
        dets = cands[np.argsort(-cands[:, 4], kind='stable')[:3]]
        out = apply_bbox_voting(cands, dets, thresh, add_val)
        cases.append(dict(kind='gidaris', dets=dets.tolist(), candidates=cands.tolist(), thresh=thresh, add_val=add_val,
                          expected=out.tolist()))

    with open(os.path.join(OUT, 'score_voting.json'), 'w') as f:
        json.dump(cases, f, separators=(',', ':'))
    print('score_voting.json', len(cases))


if __name__ == '__main__':
    main()
