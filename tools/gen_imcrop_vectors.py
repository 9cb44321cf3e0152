# Prints the expected values of Tests/pytest/test_trick_imcrop.py with mmcv 2.1 (reference env:
# /work/refenv/bin/python tools/gen_imcrop_vectors.py).
import numpy as np
import mmcv

img = np.arange(5 * 6 * 2).reshape(5, 6, 2)
bboxes = np.array([[1, 1, 3, 2], [0, 0, 5, 4], [4, 3, 5, 4]])
print('plain', [p.tolist() for p in mmcv.imcrop(img, bboxes)])
print('scale 1.5', [p.tolist() for p in mmcv.imcrop(img, bboxes, 1.5)])
print('pad', [p.tolist() for p in mmcv.imcrop(img, bboxes, 1.5, pad_fill=[-1, -2])])
print('one box gray', mmcv.imcrop(img[..., 0], np.array([2, 1, 4, 3]), 2.0, pad_fill=9).tolist())
small = np.zeros((3, 4, 2))
print('resize_like', mmcv.imresize_like(img.astype(np.float32), small).shape)
