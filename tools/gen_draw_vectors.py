"""Reference pixels for trick's drawings (Sources/TrickCore/Image/Drawing.swift).

Run with the reference environment:  /work/refenv/bin/python tools/gen_draw_vectors.py
Writes Tests/TrickCoreTests/Fixtures/images/draw.json:
- binary_masks: MMEngine 0.10 `Visualizer(image=rgb).draw_binary_masks(masks, colors, alphas)`
  then `get_image()` (the real visualiser, matplotlib Agg canvas), on random images and masks;
- sem_seg: MMSegmentation 1.2.2 `SegLocalVisualizer(alpha=…)._draw_sem_seg(image, PixelData,
  classes, palette, with_labels=False)` (the real visualiser) with mmseg's Cityscapes classes and
  palette (`mmseg.utils.get_classes / get_palette('cityscapes')`);
- load_annotations: mmseg 1.2.2 `LoadAnnotations(reduce_zero_label=…)` on the palette seg map
  fixture (how seg maps are read: pillow backend, palette indices).
Images are stored as trick sees them: BGR (as imread), while the visualisers work in RGB.
"""
import json
import os

import numpy as np
from mmengine.visualization import Visualizer

OUT = os.path.join(os.path.dirname(__file__), '..', 'Tests', 'TrickCoreTests', 'Fixtures', 'images', 'draw.json')
rng = np.random.RandomState(3)
CITYSCAPES = [[128, 64, 128], [244, 35, 232], [70, 70, 70], [102, 102, 156], [190, 153, 153], [153, 153, 153],
              [250, 170, 30], [220, 220, 0], [107, 142, 35], [152, 251, 152], [70, 130, 180], [220, 20, 60],
              [255, 0, 0], [0, 0, 142], [0, 0, 70], [0, 60, 100], [0, 80, 100], [0, 0, 230], [119, 11, 32]]
NAMED = {'red': (255, 0, 0), 'green': (0, 128, 0), 'blue': (0, 0, 255)}

cases = []
for n, (h, w) in enumerate([(9, 13), (16, 10), (20, 31)]):
    rgb = rng.randint(0, 256, (h, w, 3)).astype(np.uint8)
    k = 1 + n
    masks = rng.rand(k, h, w) > 0.5
    colors = [list(NAMED.values())[i % 3] for i in range(k)]
    alphas = [[0.8, 0.5, 0.3][i % 3] for i in range(k)]
    v = Visualizer(image=rgb)
    v.draw_binary_masks(masks, colors=[tuple(c) for c in colors], alphas=alphas)
    out = v.get_image()
    cases.append(dict(kind='binary_masks', shape=[h, w, 3], img=rgb[..., ::-1].ravel().tolist(),
                      masks=masks.astype(int).ravel().tolist(), colors=colors, alphas=alphas,
                      out=out[..., ::-1].ravel().tolist()))


import torch
from mmengine.structures import PixelData
from mmseg.utils import get_classes, get_palette
from mmseg.visualization import SegLocalVisualizer
from mmseg.datasets.transforms import LoadAnnotations

assert get_palette('cityscapes') == CITYSCAPES
for n, (h, w, alpha) in enumerate([(8, 12, 0.8), (15, 9, 0.5), (21, 17, 0.35)]):
    rgb = rng.randint(0, 256, (h, w, 3)).astype(np.uint8)
    seg = rng.randint(0, 19, (1, h, w))
    seg[0, 0, :] = 255
    vis = SegLocalVisualizer(name=f'v{n}', alpha=alpha)
    out = vis._draw_sem_seg(rgb.copy(), PixelData(data=torch.from_numpy(seg)), get_classes('cityscapes'),
                            get_palette('cityscapes'), with_labels=False)
    cases.append(dict(kind='sem_seg', shape=[h, w, 3], img=rgb[..., ::-1].ravel().tolist(), seg=seg.ravel().tolist(),
                      alpha=alpha, out=out[..., ::-1].ravel().tolist()))
seg_path = os.path.join(os.path.dirname(OUT), 'palette8_segmap.png')
for reduce in [False, True]:
    r = LoadAnnotations(reduce_zero_label=reduce)(dict(seg_map_path=seg_path, reduce_zero_label=reduce, seg_fields=[]))
    cases.append(dict(kind='load_annotations', reduce_zero_label=reduce, shape=list(r['gt_seg_map'].shape),
                      out=r['gt_seg_map'].astype(int).ravel().tolist()))
with open(OUT, 'w') as f:
    json.dump(cases, f, separators=(',', ':'))
print(len(cases), 'cases')
