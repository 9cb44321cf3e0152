"""Writes Tests/snippets/files/tests/data/color.jpg: the picture the mmcv snippets read.

The mmcv docs read `tests/data/color.jpg` from mmcv's repository; the corpus uses this picture of its
own instead (400 x 300, a smooth colour field with a few shapes), so no file of the library's is
committed. Run with the reference environment, then regenerate the snippets that read it:
    /work/refenv/bin/python tools/make_snippet_image.py
    /work/refenv/bin/python tools/gen_snippets.py 091_mmcv_imread
"""
import os

import cv2
import numpy as np

h, w = 300, 400
y, x = np.mgrid[0:h, 0:w].astype(np.float64)
img = np.stack([
    127 + 100 * np.sin(x / 37.0) * np.cos(y / 53.0),     # blue
    127 + 100 * np.cos((x + y) / 61.0),                  # green
    40 + 180 * (x / w) * (y / h),                        # red
], axis=-1)
img = np.clip(np.rint(img), 0, 255).astype(np.uint8)
cv2.rectangle(img, (40, 30), (150, 120), (20, 200, 240), -1)
cv2.circle(img, (290, 190), 60, (230, 60, 30), -1)
out = os.path.join(os.path.dirname(__file__), '..', 'Tests', 'snippets', 'files', 'tests', 'data', 'color.jpg')
cv2.imwrite(out, img, [cv2.IMWRITE_JPEG_QUALITY, 90])
print('wrote', os.path.normpath(out))
