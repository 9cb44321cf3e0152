"""Test images and the pixels mmcv / OpenCV / PIL decode from them, for trick's image codecs
(Sources/CImageCodecs, Sources/TrickCore/Image).

Run with the reference environment:  /work/refenv/bin/python tools/gen_image_vectors.py
Writes Tests/TrickCoreTests/Fixtures/images/*.png|jpg (small images written by PIL and OpenCV in
every PNG colour type / bit depth trick reads, and baseline / progressive / 4:4:4 / gray JPEGs)
and Tests/TrickCoreTests/Fixtures/images/expected.json:
- for each file and flag in color / grayscale / unchanged / color_ignore_orientation:
  `mmcv.imread(path, flag)` (cv2 backend, i.e. cv2.imdecode, which applies the Exif orientation of
  the exif*.jpg / exif*.png files for color and grayscale), and `channel_order='rgb'` for the color
  flags (mmcv swaps channels for 'color' only);
- `mmcv.imfrombytes(bytes, flag='unchanged', backend='pillow')`, how MMSegmentation reads seg maps.
Sources of truth: opencv-python 4.11 (its bundled libpng / libjpeg-turbo), Pillow, mmcv 2.x.
"""
import json
import os

import cv2
import mmcv
import numpy as np
from PIL import Image

OUT = os.path.join(os.path.dirname(__file__), '..', 'Tests', 'TrickCoreTests', 'Fixtures', 'images')
os.makedirs(OUT, exist_ok=True)
rng = np.random.RandomState(20)
H, W = 11, 16


def rgb8():
    y, x = np.mgrid[0:H, 0:W]
    img = np.stack([x * 15, y * 23, (x * y * 3) % 256], axis=-1) + rng.randint(0, 20, (H, W, 3))
    return np.clip(img, 0, 255).astype(np.uint8)


def path(name):
    return os.path.join(OUT, name)


files = []


def pil_save(name, img, **kw):
    img.save(path(name), **kw)
    files.append(name)


def cv_save(name, arr, params=()):
    assert cv2.imwrite(path(name), arr, list(params))
    files.append(name)


base = rgb8()
pil_save('rgb8.png', Image.fromarray(base, 'RGB'))
rgba = np.dstack([base, rng.randint(0, 256, (H, W)).astype(np.uint8)])
pil_save('rgba8.png', Image.fromarray(rgba, 'RGBA'))
gray = (base.astype(int).sum(-1) // 3).astype(np.uint8)
pil_save('gray8.png', Image.fromarray(gray, 'L'))
pil_save('gray_alpha8.png', Image.fromarray(np.dstack([gray, 255 - gray]), 'LA'))
pil_save('gray1.png', Image.fromarray(gray > 100).convert('1'))
gray16 = (gray.astype(np.uint16) * 257 + rng.randint(0, 257, (H, W))).astype(np.uint16)
cv_save('gray16.png', gray16)
rgb16 = (base.astype(np.uint16) * 256 + rng.randint(0, 256, (H, W, 3))).astype(np.uint16)
cv_save('bgr16.png', rgb16)
cv_save('bgra16.png', np.dstack([rgb16, (rgb16[..., 0] ^ 0x5a5a)]).astype(np.uint16))
# Palette images: an indexed seg map with the VOC palette (classes 0…20 and the 255 border).
voc = [0, 0, 0]
for i in range(1, 256):
    c, r, g, b = i, 0, 0, 0
    for j in range(8):
        r |= ((c >> 0) & 1) << (7 - j); g |= ((c >> 1) & 1) << (7 - j); b |= ((c >> 2) & 1) << (7 - j)
        c >>= 3
    voc += [r, g, b]
seg = (np.arange(H)[:, None] // 2 * 3 + np.arange(W)[None, :] // 3) % 21
seg[0, :] = 255
seg[:, -1] = 0
p = Image.fromarray(seg.astype(np.uint8), 'P'); p.putpalette(voc)
pil_save('palette8_segmap.png', p)
p4 = Image.fromarray((seg % 16).astype(np.uint8), 'P'); p4.putpalette(voc[:48])
pil_save('palette4.png', p4, bits=4)
pt = Image.fromarray(seg.astype(np.uint8), 'P'); pt.putpalette(voc)
pil_save('palette8_trns.png', pt, transparency=bytes([0, 128] + [255] * 254))
pil_save('rgb8_trns.png', Image.fromarray(base, 'RGB'), transparency=tuple(int(v) for v in base[3, 4]))
# JPEGs: PIL (4:2:0 q90, 4:4:4 q95, progressive, gray) and OpenCV's own default writer.
pil_save('rgb420.jpg', Image.fromarray(base, 'RGB'), quality=90, subsampling=2)
pil_save('rgb444.jpg', Image.fromarray(base, 'RGB'), quality=95, subsampling=0)
pil_save('progressive.jpg', Image.fromarray(base, 'RGB'), quality=85, progressive=True)
pil_save('gray.jpg', Image.fromarray(gray, 'L'), quality=90)
cv_save('cv2_default.jpg', base[..., ::-1].copy())
# Exif orientations (cv2 turns 'color' / 'grayscale' reads upright, not 'unchanged' or *_ignore_orientation).
for o in [2, 3, 6, 8]:
    exif = Image.Exif(); exif[0x0112] = o
    pil_save(f'exif{o}.jpg', Image.fromarray(base, 'RGB'), quality=92, exif=exif)
for o in [5, 7]:
    exif = Image.Exif(); exif[0x0112] = o
    pil_save(f'exif{o}.png', Image.fromarray(base, 'RGB'), exif=exif)
big = np.kron(base, np.ones((3, 2, 1), np.uint8))[:31, :29]  # odd sizes: partial MCUs
pil_save('odd_size.jpg', Image.fromarray(np.ascontiguousarray(big), 'RGB'), quality=80, subsampling=1)

cases = []
for name in files:
    p = path(name)
    for flag in ['color', 'grayscale', 'unchanged', 'color_ignore_orientation']:
        for order in (['bgr', 'rgb'] if flag.startswith('color') else ['bgr']):
            img = mmcv.imread(p, flag=flag, channel_order=order)
            ref = cv2.imread(p, {'color': cv2.IMREAD_COLOR, 'grayscale': cv2.IMREAD_GRAYSCALE,
                                  'unchanged': cv2.IMREAD_UNCHANGED,
                                  'color_ignore_orientation': cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION}[flag])
            if order == 'bgr':
                assert np.array_equal(img, ref), name
            cases.append(dict(file=name, flag=flag, channel_order=order, backend='cv2', shape=list(img.shape),
                              dtype=str(img.dtype), pixels=img.ravel().astype(int).tolist()))
    if name.endswith('.png'):
        with open(p, 'rb') as f:
            img = mmcv.imfrombytes(f.read(), flag='unchanged', backend='pillow')
        cases.append(dict(file=name, flag='unchanged', channel_order='bgr', backend='pillow', shape=list(img.shape),
                          dtype=str(img.dtype), pixels=img.ravel().astype(int).tolist()))
# Encoding: mmcv.imwrite's JPEG (cv2 defaults: quality 95, 4:2:0) and quality 70, decoded again;
# trick's encoder must give the same pixels back (the same libjpeg-turbo settings).
encoded = []
for name in ['rgb8.png', 'gray8.png']:
    src = cv2.imread(path(name), cv2.IMREAD_UNCHANGED)
    for params in [[], [cv2.IMWRITE_JPEG_QUALITY, 70]]:
        ok, buf = cv2.imencode('.jpg', src, params)
        back = cv2.imdecode(buf, cv2.IMREAD_UNCHANGED)
        encoded.append(dict(file=name, params=params, shape=list(back.shape), pixels=back.ravel().astype(int).tolist()))
with open(path('expected.json'), 'w') as f:
    json.dump(dict(opencv=cv2.__version__, mmcv=mmcv.__version__, cases=cases, jpeg_encode=encoded), f, separators=(',', ':'))
print(len(files), 'files,', len(cases), 'cases')
