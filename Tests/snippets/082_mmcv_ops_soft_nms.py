# Source: https://mmcv.readthedocs.io/en/2.x/api/generated/mmcv.ops.soft_nms.html — the docstring example of
#   mmcv.ops.soft_nms (mmcv/ops/nms.py, mmcv 2.1), as published; the imports the docstring assumes are
#   added and print() of the two results appended.
import numpy as np
from mmcv.ops import soft_nms

boxes = np.array([[4., 3., 5., 3.],
                  [4., 3., 5., 4.],
                  [3., 1., 3., 1.],
                  [3., 1., 3., 1.],
                  [3., 1., 3., 1.],
                  [3., 1., 3., 1.]], dtype=np.float32)
scores = np.array([0.9, 0.9, 0.5, 0.5, 0.4, 0.0], dtype=np.float32)
iou_threshold = 0.6
dets, inds = soft_nms(boxes, scores, iou_threshold, sigma=0.5)
assert len(inds) == len(dets) == 5
print(dets)
print(inds)
