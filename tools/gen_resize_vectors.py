"""Test vectors for trick's resize area (Sources/TrickCore/Resize), made by the real libraries.

Run with the reference environment:  /work/refenv/bin/python tools/gen_resize_vectors.py
Writes Tests/TrickCoreTests/Fixtures/resize/*.json.

Sources of truth:
- mmcv 2.x (mmcv-lite): mmcv.rescale_size / imrescale / imresize / impad / imflip / imnormalize,
  mmcv.transforms Resize / Pad / RandomResize / RandomChoiceResize / RandomFlip (np.random seeded).
- cv2 (opencv-python 4.11): cv2.resize INTER_LINEAR / INTER_NEAREST on float32 and uint8 images.
- numpy legacy np.random (MT19937): randint / random_sample / choice streams.
- MMDetection 2.x Resize / RandomFlip are not in mmdet 3.3: their sampling code
  (`random_sample`, `random_select`, `random_sample_ratio`, `_random_scale`, `RandomFlip.__call__`
  with `np.random.choice`) is replicated below from mmdet 2.28 `mmdet/datasets/pipelines/transforms.py`,
  then applied with mmcv.imrescale / mmcv.imresize as mmdet 2.x does.
- mmseg 1.x slide_inference window arithmetic is replicated from `EncoderDecoder.slide_inference`.
"""
import json
import math
import os

import cv2
import mmcv
import numpy as np
from mmcv.transforms import Pad, RandomChoiceResize, RandomFlip, RandomResize, Resize

OUT = os.path.join(os.path.dirname(__file__), '..', 'Tests', 'TrickCoreTests', 'Fixtures', 'resize')
os.makedirs(OUT, exist_ok=True)
rng = np.random.RandomState(1234)


def dump(name, obj):
    with open(os.path.join(OUT, name), 'w') as f:
        json.dump(obj, f, separators=(',', ':'))
    print(name, len(obj) if isinstance(obj, list) else '')


# 1. rescale_size
cases = []
for _ in range(150):
    w, h = int(rng.randint(1, 3000)), int(rng.randint(1, 3000))
    if rng.rand() < 0.4:
        s = float(np.round(rng.uniform(0.05, 3.0), int(rng.randint(1, 5))))
        size, f = mmcv.rescale_size((w, h), s, return_scale=True)
        cases.append(dict(size=[w, h], factor=s, out=list(size), out_factor=f))
    else:
        a, b = int(rng.randint(1, 4000)), int(rng.randint(1, 4000))
        size, f = mmcv.rescale_size((w, h), (a, b), return_scale=True)
        cases.append(dict(size=[w, h], edges=[a, b], out=list(size), out_factor=f))
for (w, h), s in [((1500, 1000), 0.801), ((683, 512), 0.5), ((1280, 853), (1333, 800)), ((345, 511), (1000, 600)),
                   ((100, 50), (0, 100))]:  # a zero edge: factor 0 (found by tools/fuzz_misc.py)
    size, f = mmcv.rescale_size((w, h), s, return_scale=True)
    d = dict(size=[w, h], out=list(size), out_factor=f)
    d.update(dict(factor=s) if isinstance(s, float) else dict(edges=list(s)))
    cases.append(d)
dump('rescale_size.json', cases)

# 2. cv2.resize (as mmcv.imresize calls it)
cases = []
shapes = [(4, 4, 1), (3, 4, 1), (5, 7, 3), (8, 6, 3), (1, 5, 1), (6, 1, 3), (9, 13, 2), (16, 12, 3)]
for (h, w, c) in shapes:
    for _ in range(6):
        ow, oh = int(rng.randint(1, 25)), int(rng.randint(1, 25))
        if rng.rand() < 0.25 and h % 2 == 0 and w % 2 == 0:
            ow, oh = w // 2, h // 2
        for dtype in ('float32', 'uint8'):
            if dtype == 'uint8':
                img = rng.randint(0, 256, size=(h, w, c)).astype(np.uint8)
            else:
                img = (rng.rand(h, w, c) * 255).astype(np.float32)
            for interp in ('bilinear', 'nearest'):
                out = mmcv.imresize(img, (ow, oh), interpolation=interp)
                cases.append(dict(dtype=dtype, shape=[h, w, c], img=img.ravel().tolist(), size=[ow, oh],
                                  interpolation=interp, out_shape=list(out.shape), out=out.ravel().tolist()))
dump('imresize.json', cases)

# 3. impad / impad_to_multiple / imflip / imnormalize
cases = []
img = rng.randint(0, 100, size=(3, 4, 2)).astype(np.float32)
for padding in [(1, 2, 3, 0), (5, 1, 0, 6), (2, 2, 2, 2)]:
    for mode in ('constant', 'edge', 'reflect', 'symmetric'):
        for pv in (7, (3, 9)):
            out = mmcv.impad(img, padding=padding, pad_val=pv, padding_mode=mode)
            cases.append(dict(kind='padding', shape=list(img.shape), img=img.ravel().tolist(), padding=list(padding), mode=mode,
                              pad_val=list(pv) if isinstance(pv, tuple) else pv, out_shape=list(out.shape), out=out.ravel().tolist()))
for shape in [(5, 6), (2, 2), (3, 9)]:
    out = mmcv.impad(img, shape=shape, pad_val=(1, 2))
    cases.append(dict(kind='shape', shape=list(img.shape), img=img.ravel().tolist(), target=list(shape), pad_val=[1, 2],
                      out_shape=list(out.shape), out=out.ravel().tolist()))
for d in (2, 3, 5):
    out = mmcv.impad_to_multiple(img, d, pad_val=0)
    cases.append(dict(kind='multiple', shape=list(img.shape), img=img.ravel().tolist(), divisor=d, pad_val=0,
                      out_shape=list(out.shape), out=out.ravel().tolist()))
# a single-channel (H, W, 1) image: cv2.copyMakeBorder returns (H', W') (found by tools/fuzz_misc.py)
img1 = np.arange(12, dtype=np.float32).reshape(3, 4, 1)
for shape in [(5, 6), (3, 4)]:
    out = mmcv.impad(img1, shape=shape, pad_val=(5,))
    cases.append(dict(kind='shape', shape=list(img1.shape), img=img1.ravel().tolist(), target=list(shape), pad_val=[5],
                      out_shape=list(out.shape), out=out.ravel().tolist()))
dump('impad.json', cases)

cases = []
for direction in ('horizontal', 'vertical', 'diagonal'):
    out = mmcv.imflip(img, direction)
    cases.append(dict(shape=list(img.shape), img=img.ravel().tolist(), direction=direction, out=out.ravel().tolist()))
    bb = np.array([[0, 1, 100, 101], [10.5, 20.25, 30, 40]], np.float32)
    fl = RandomFlip(prob=1.0, direction=direction)._flip_bbox(bb, (224, 200), direction)
    cases.append(dict(bboxes=bb.ravel().tolist(), img_hw=[224, 200], direction=direction, out=fl.ravel().tolist()))
dump('imflip.json', cases)

cases = []
for to_rgb in (True, False):
    im = (rng.rand(4, 5, 3) * 255).astype(np.float32)
    mean, std = [123.675, 116.28, 103.53], [58.395, 57.12, 57.375]
    out = mmcv.imnormalize(im, np.array(mean, np.float32), np.array(std, np.float32), to_rgb)
    cases.append(dict(shape=list(im.shape), img=im.ravel().tolist(), mean=mean, std=std, to_rgb=to_rgb, out=out.ravel().tolist()))
dump('imnormalize.json', cases)

# 4. mmcv 2.x transforms (shapes and scale factors only: images are zeros)
cases = []
for _ in range(60):
    h, w = int(rng.randint(5, 300)), int(rng.randint(5, 300))
    kind = rng.randint(4)
    if kind == 0:
        args = dict(scale=[int(rng.randint(5, 400)), int(rng.randint(5, 400))], keep_ratio=bool(rng.rand() < 0.7))
    elif kind == 1:
        args = dict(scale_factor=float(np.round(rng.uniform(0.1, 2.5), 3)), keep_ratio=bool(rng.rand() < 0.7))
    elif kind == 2:
        args = dict(scale_factor=[float(np.round(rng.uniform(0.1, 2.5), 3)), float(np.round(rng.uniform(0.1, 2.5), 3))], keep_ratio=False)
    else:
        args = dict(scale=int(rng.randint(5, 400)), keep_ratio=bool(rng.rand() < 0.5))
    pyargs = dict(args)
    if 'scale' in pyargs and isinstance(pyargs['scale'], list):
        pyargs['scale'] = tuple(pyargs['scale'])
    if 'scale_factor' in pyargs and isinstance(pyargs['scale_factor'], list):
        pyargs['scale_factor'] = tuple(pyargs['scale_factor'])
    boxes = np.array([[0, 0, 112, 112], [w * 0.5, h * 0.25, w * 0.9, h * 1.0]], np.float32)
    r = Resize(**pyargs)(dict(img=np.zeros((h, w, 1), np.uint8), gt_bboxes=boxes.copy()))
    cases.append(dict(transform='Resize', args=args, img_hw=[h, w], bboxes=boxes.ravel().tolist(), img_shape=list(r['img_shape']),
                      scale_factor=list(r['scale_factor']), scale=list(r['scale']), out_bboxes=r['gt_bboxes'].ravel().tolist()))
for _ in range(20):
    h, w = int(rng.randint(5, 300)), int(rng.randint(5, 300))
    kind = rng.randint(3)
    if kind == 0:
        args = dict(size_divisor=int(rng.randint(1, 64)))
    elif kind == 1:
        args = dict(size=[int(rng.randint(5, 400)), int(rng.randint(5, 400))])
    else:
        args = dict(pad_to_square=True, size_divisor=int(rng.randint(1, 40)))
    pyargs = dict(args)
    if 'size' in pyargs:
        pyargs['size'] = tuple(pyargs['size'])
    r = Pad(**pyargs)(dict(img=np.zeros((h, w, 3), np.uint8)))
    cases.append(dict(transform='Pad', args=args, img_hw=[h, w], pad_shape=list(r['pad_shape']), img_shape=list(r['img_shape'])))
# seeded random transforms
for seed in range(12):
    h, w = 100, 150
    for name, make in [
        ('RandomResize_range', lambda: RandomResize(scale=[(200, 120), (133, 80)], keep_ratio=True)),
        ('RandomResize_ratio', lambda: RandomResize(scale=(204, 51), ratio_range=(0.5, 2.0), keep_ratio=True)),
        ('RandomChoiceResize', lambda: RandomChoiceResize(scales=[(133, 64), (133, 80), (133, 96)], keep_ratio=True)),
    ]:
        np.random.seed(seed)
        r = make()(dict(img=np.zeros((h, w, 1), np.uint8)))
        cases.append(dict(transform=name, seed=seed, img_hw=[h, w], img_shape=list(r['img_shape']), scale=list(r['scale']),
                          scale_factor=list(r['scale_factor'])))
    for prob, direction in [(0.5, 'horizontal'), (0.7, ['horizontal', 'vertical', 'diagonal']), ([0.2, 0.3], ['horizontal', 'vertical'])]:
        np.random.seed(seed)
        r = RandomFlip(prob=prob, direction=direction)(dict(img=np.zeros((2, 2, 1), np.uint8)))
        cases.append(dict(transform='RandomFlip', seed=seed, prob=prob, direction=direction, flip=bool(r['flip']),
                          flip_direction=r['flip_direction']))
dump('transforms.json', cases)


# 5. MMDetection 2.x Resize sampling (replicated from mmdet 2.28) on a 1500x1000 image
def mmdet2_random_scale(img_scale, mode, ratio_range):
    if ratio_range is not None:
        min_ratio, max_ratio = ratio_range
        ratio = np.random.random_sample() * (max_ratio - min_ratio) + min_ratio
        return (int(img_scale[0][0] * ratio), int(img_scale[0][1] * ratio)), None
    if len(img_scale) == 1:
        return img_scale[0], 0
    if mode == 'range':
        img_scale_long = [max(s) for s in img_scale]
        img_scale_short = [min(s) for s in img_scale]
        long_edge = np.random.randint(min(img_scale_long), max(img_scale_long) + 1)
        short_edge = np.random.randint(min(img_scale_short), max(img_scale_short) + 1)
        return (long_edge, short_edge), None
    idx = np.random.randint(len(img_scale))
    return img_scale[idx], idx


cases = []
for seed in range(10):
    for img_scale, mode, ratio_range, keep in [([(2000, 1200), (1333, 800)], 'range', None, True),
                                               ([(2000, 1200), (1333, 800)], 'range', None, False),
                                               ([(2000, 1200), (1666, 1000), (1333, 800)], 'value', None, False),
                                               ([(2048, 512)], 'range', (0.5, 2.0), True)]:
        np.random.seed(seed)
        scale, idx = mmdet2_random_scale(img_scale, mode, ratio_range)
        img = np.zeros((1000, 1500, 1), np.uint8)
        if keep:
            out = mmcv.imrescale(img, scale)
        else:
            out = mmcv.imresize(img, scale)
        nh, nw = out.shape[:2]
        sf = np.array([nw / 1500, nh / 1000, nw / 1500, nh / 1000], np.float32)
        np.random.seed(seed)
        flip_cur = np.random.choice(['horizontal', None], p=[0.5, 0.5])
        cases.append(dict(seed=seed, img_scale=[list(s) for s in img_scale], multiscale_mode=mode,
                          ratio_range=list(ratio_range) if ratio_range else None, keep_ratio=keep,
                          scale=list(scale), scale_idx=idx, img_shape=list(out.shape), scale_factor=sf.tolist(),
                          flip_after_seed=flip_cur is not None))
dump('mmdet2_resize.json', cases)

# 6. numpy legacy random streams
cases = []
for seed in (0, 1, 42, 2**32 - 1):
    np.random.seed(seed)
    draws = []
    for i in range(40):
        k = i % 4
        if k == 0:
            draws.append(['randint', 0, 7, int(np.random.randint(0, 7))])
        elif k == 1:
            draws.append(['random_sample', int(np.random.random_sample() * 2**53)])  # exact as an integer
        elif k == 2:
            draws.append(['randint', 1333, 2001, int(np.random.randint(1333, 2001))])
        else:
            draws.append(['choice', [0.25, 0.25, 0.5], int(np.random.choice(3, p=[0.25, 0.25, 0.5]))])
    np.random.seed(seed)
    big = [int(np.random.randint(0, 2**40)) for _ in range(3)]
    cases.append(dict(seed=seed, draws=draws, randint_2_40=big))
dump('numpy_random.json', cases)


# 7. mmseg slide_inference windows (replicated from EncoderDecoder.slide_inference)
def windows(H, W, crop, stride):
    h_stride, w_stride = stride
    h_crop, w_crop = crop
    h_grids = max(H - h_crop + h_stride - 1, 0) // h_stride + 1
    w_grids = max(W - w_crop + w_stride - 1, 0) // w_stride + 1
    out = []
    count = np.zeros((H, W), np.int64)
    for h_idx in range(h_grids):
        for w_idx in range(w_grids):
            y1 = h_idx * h_stride
            x1 = w_idx * w_stride
            y2 = min(y1 + h_crop, H)
            x2 = min(x1 + w_crop, W)
            y1 = max(y2 - h_crop, 0)
            x1 = max(x2 - w_crop, 0)
            out.append([y1, y2, x1, x2])
            count[y1:y2, x1:x2] += 1
    return out, int(count.max()), int(count.min())


cases = []
for H, W, crop, stride in [(1024, 2048, (769, 769), (513, 513)), (512, 683, (512, 512), (341, 341)), (512, 512, (512, 512), (341, 341)),
                           (300, 400, (512, 512), (341, 341)), (10, 7, (4, 4), (3, 3)), (5, 5, (3, 3), (2, 2)), (37, 91, (16, 20), (9, 11))]:
    w, cmax, cmin = windows(H, W, crop, stride)
    cases.append(dict(H=H, W=W, crop=list(crop), stride=list(stride), windows=w, count_max=cmax, count_min=cmin))
dump('slide_windows.json', cases)


# 8. TTA merges with torch (mmseg 1.x SegTTAModel.merge_preds after postprocess_result;
#    mmdet 2.x bbox_mapping_back + torchvision batched_nms)
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torchvision.ops import batched_nms  # noqa: E402

g = torch.Generator().manual_seed(0)
cases = []
for C, views, ori, align in [(3, [((5, 7), None, None), ((9, 12), 'horizontal', None), ((4, 6), 'vertical', (3, 5))], (6, 8), False),
                             (4, [((6, 6), None, None), ((12, 12), 'horizontal', None)], (8, 8), True),
                             (1, [((5, 5), None, None), ((10, 10), 'horizontal', None)], (7, 7), False)]:
    logits, probs = [], 0
    for (h, w), flip, crop in views:
        x = torch.randn(1, C, h, w, generator=g)
        logits.append(x[0].flatten().tolist())
        y = x
        if crop is not None:
            y = y[:, :, :crop[0], :crop[1]]
        if flip == 'horizontal':
            y = y.flip(dims=(3,))
        elif flip == 'vertical':
            y = y.flip(dims=(2,))
        y = F.interpolate(y, size=ori, mode='bilinear', align_corners=align)
        probs = probs + (y.sigmoid() if C == 1 else y.softmax(dim=1))
    probs = probs / len(views)
    pred = (probs[0, 0] > 0.3).long() if C == 1 else probs[0].argmax(dim=0)
    cases.append(dict(C=C, shapes=[list(v[0]) for v in views], flips=[v[1] for v in views],
                      img_shapes=[list(v[2]) if v[2] else list(v[0]) for v in views], logits=logits, ori=list(ori),
                      align_corners=align, probs=probs[0].flatten().tolist(), pred=pred.flatten().tolist()))
dump('seg_tta.json', cases)


def bbox_mapping_back(b, img_shape, sf, flip, direction):
    b = b.clone()
    if flip:
        h, w = img_shape
        f = b.clone()
        if direction in ('horizontal', 'diagonal'):
            f[:, 0] = w - b[:, 2]
            f[:, 2] = w - b[:, 0]
        if direction in ('vertical', 'diagonal'):
            f[:, 1] = h - b[:, 3]
            f[:, 3] = h - b[:, 1]
        b = f
    return b / torch.tensor([sf[0], sf[1], sf[0], sf[1]], dtype=b.dtype)


cases = []
for seed in range(3):
    gg = torch.Generator().manual_seed(100 + seed)
    views = [((800, 1200), (0.8, 0.8), None), ((800, 1200), (0.8, 0.8), 'horizontal'), ((1200, 1800), (1.2, 1.2), None)]
    B, S, L, raw = [], [], [], []
    for (h, w), sf, flip in views:
        n = 12
        xy = torch.rand(n, 2, generator=gg) * torch.tensor([w * 0.7, h * 0.7])
        wh = torch.rand(n, 2, generator=gg) * torch.tensor([w * 0.3, h * 0.3]) + 5
        boxes = torch.cat([xy, xy + wh], 1)
        scores = torch.rand(n, generator=gg)
        labels = torch.randint(0, 3, (n,), generator=gg)
        raw.append(dict(bboxes=boxes.flatten().tolist(), scores=scores.tolist(), labels=labels.tolist(), img_shape=[h, w],
                        scale_factor=list(sf), flip=flip))
        B.append(bbox_mapping_back(boxes.double(), (h, w), sf, flip is not None, flip))
        S.append(scores.double())
        L.append(labels)
    B, S, L = torch.cat(B), torch.cat(S), torch.cat(L)
    keep = batched_nms(B, S, L, 0.5)[:20]
    cases.append(dict(views=raw, iou_threshold=0.5, max_per_img=20, bboxes=B[keep].flatten().tolist(),
                      scores=S[keep].tolist(), labels=L[keep].tolist()))


def check_with_det_tta_model(cases):
    """The replica above is mmdet 3.3's own DetTTAModel merge: its `_merge_single_sample`, given each
    view's boxes in original-image coordinates (what a 3.x head predicts with rescale=True, i.e. the
    augmented boxes / scale_factor), flips them back in ori_shape, concatenates and runs mmcv's
    batched_nms (the CPU kernel replica of gen_boxes_vectors) — same labels, boxes within float32."""
    import sys
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import gen_boxes_vectors  # noqa: F401  mmcv-lite has no compiled nms: the kernel's replica
    from mmdet.models import DetTTAModel
    from mmdet.structures import DetDataSample
    from mmengine import ConfigDict
    from mmengine.structures import InstanceData

    class Detector(torch.nn.Module):
        def test_step(self, data):
            return data

    for c in cases:
        model = DetTTAModel(module=Detector(), tta_cfg=ConfigDict(
            nms=dict(type='nms', iou_threshold=c['iou_threshold']), max_per_img=c['max_per_img']))
        samples = []
        for v in c['views']:
            h, w = v['img_shape']
            sf = v['scale_factor']
            s = DetDataSample(metainfo=dict(img_shape=(h, w), scale_factor=tuple(sf), flip=v['flip'] is not None,
                                            flip_direction=v['flip'], ori_shape=(round(h / sf[1]), round(w / sf[0]))))
            s.pred_instances = InstanceData(bboxes=torch.tensor(v['bboxes']).view(-1, 4) / torch.tensor(sf * 2),
                                            scores=torch.tensor(v['scores']), labels=torch.tensor(v['labels']))
            samples.append(s)
        out = model._merge_single_sample(samples).pred_instances
        assert out.labels.tolist() == c['labels']
        assert torch.allclose(out.bboxes.double(), torch.tensor(c['bboxes'], dtype=torch.float64).view(-1, 4), rtol=1e-6, atol=1e-3)
        assert torch.allclose(out.scores.double(), torch.tensor(c['scores'], dtype=torch.float64), rtol=1e-6)


check_with_det_tta_model(cases)
dump('det_tta.json', cases)
