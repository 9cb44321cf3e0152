"""The sample pictures the recipes draw on (examples/data/), made by this project (no licence
questions): a small synthetic street scene and its Cityscapes-style ground truth.

Run:  /work/refenv/bin/python tools/make_sample_images.py   (numpy + Pillow)
Writes examples/data/street.png (RGB, 256 x 160), street.jpg (quality 90), street_seg.png (palette
PNG of Cityscapes train ids, 255 = ignore: the ego-vehicle hood and a 2-pixel border) and
street_boxes.json (the cars' and people's ground-truth boxes, x1 y1 x2 y2, with labels
11 person / 13 car as in Cityscapes).
"""
import json
import os

import numpy as np
from PIL import Image

OUT = os.path.join(os.path.dirname(__file__), '..', 'examples', 'data')
os.makedirs(OUT, exist_ok=True)
H, W = 160, 256
rng = np.random.RandomState(7)
ROAD, SIDEWALK, BUILDING, POLE, VEGETATION, SKY, PERSON, CAR, IGNORE = 0, 1, 2, 5, 8, 10, 11, 13, 255
seg = np.full((H, W), SKY, np.uint8)
img = np.zeros((H, W, 3), np.float64)
yy, xx = np.mgrid[0:H, 0:W]

# Sky gradient, buildings with windows, sidewalk, road with lane marks.
img[:] = np.stack([120 + 0.6 * yy, 170 + 0.4 * yy, 235 - 0.1 * yy], -1)
x = 0
while x < W:
    w = rng.randint(28, 56); top = rng.randint(20, 70)
    seg[top:100, x:x + w] = BUILDING
    base = np.array([rng.randint(110, 190)] * 3) + rng.randint(-25, 25, 3)
    img[top:100, x:x + w] = base
    for wy in range(top + 6, 92, 12):
        for wx in range(x + 5, min(x + w - 6, W - 6), 10):
            img[wy:wy + 6, wx:wx + 5] = (60, 80, 110)
    x += w
seg[100:112] = SIDEWALK; img[100:112] = (185, 175, 170)
seg[112:] = ROAD; img[112:] = (95, 95, 100)
img[134:137, 20:60] = img[134:137, 110:150] = img[134:137, 200:240] = (230, 230, 230)
# Trees, poles.
for cx, cy, r in [(40, 82, 16), (196, 78, 20)]:
    disc = (xx - cx) ** 2 + ((yy - cy) * 1.2) ** 2 < r * r
    seg[disc] = VEGETATION; img[disc] = (70, 120, 40)
    seg[cy:102, cx - 2:cx + 2] = BUILDING if False else VEGETATION; img[cy:102, cx - 2:cx + 2] = (90, 60, 30)
for px in [92, 170]:
    seg[40:104, px:px + 3] = POLE; img[40:104, px:px + 3] = (150, 150, 150)
# Cars and people (boxes are their ground truth).
boxes, labels = [], []
for x1, y1, x2, y2, colour in [(20, 108, 84, 140, (200, 30, 30)), (100, 112, 150, 138, (30, 60, 190)),
                               (150, 106, 206, 136, (230, 200, 40))]:
    seg[y1 + 6:y2 - 4, x1:x2] = CAR; img[y1 + 6:y2 - 4, x1:x2] = colour
    seg[y1:y1 + 7, x1 + 10:x2 - 10] = CAR; img[y1:y1 + 7, x1 + 10:x2 - 10] = np.array(colour) * 0.7
    img[y1 + 1:y1 + 6, x1 + 13:x2 - 13] = (150, 190, 220)
    for wx in (x1 + 8, x2 - 16):
        seg[y2 - 6:y2, wx:wx + 9] = CAR; img[y2 - 6:y2, wx:wx + 9] = (25, 25, 25)
    boxes.append([x1, y1, x2, y2]); labels.append(CAR)
for x1, y1 in [(214, 84), (226, 88)]:
    seg[y1:y1 + 7, x1 + 2:x1 + 8] = PERSON; img[y1:y1 + 7, x1 + 2:x1 + 8] = (230, 190, 160)
    seg[y1 + 7:y1 + 22, x1:x1 + 10] = PERSON; img[y1 + 7:y1 + 22, x1:x1 + 10] = (50, 80, 50)
    seg[y1 + 22:y1 + 34, x1 + 1:x1 + 9] = PERSON; img[y1 + 22:y1 + 34, x1 + 1:x1 + 9] = (40, 40, 70)
    boxes.append([x1, y1, x1 + 10, y1 + 34]); labels.append(PERSON)
# Ego-vehicle hood and border: ignored, as Cityscapes' void classes.
hood = (yy > 150) & (np.abs(xx - W / 2) < 90)
seg[hood] = IGNORE; img[hood] = (30, 30, 35)
seg[:2] = seg[-2:] = IGNORE; seg[:, :2] = seg[:, -2:] = IGNORE
img += rng.normal(0, 4, img.shape)
img = np.clip(img, 0, 255).astype(np.uint8)

Image.fromarray(img, 'RGB').save(os.path.join(OUT, 'street.png'))
Image.fromarray(img, 'RGB').save(os.path.join(OUT, 'street.jpg'), quality=90)
cityscapes = [[128, 64, 128], [244, 35, 232], [70, 70, 70], [102, 102, 156], [190, 153, 153], [153, 153, 153],
              [250, 170, 30], [220, 220, 0], [107, 142, 35], [152, 251, 152], [70, 130, 180], [220, 20, 60],
              [255, 0, 0], [0, 0, 142], [0, 0, 70], [0, 60, 100], [0, 80, 100], [0, 0, 230], [119, 11, 32]]
p = Image.fromarray(seg, 'P')
p.putpalette(sum(cityscapes, []) + [0, 0, 0] * (256 - 19))
p.save(os.path.join(OUT, 'street_seg.png'))
with open(os.path.join(OUT, 'street_boxes.json'), 'w') as f:
    json.dump(dict(bboxes=boxes, labels=labels), f)
print('wrote', OUT)
