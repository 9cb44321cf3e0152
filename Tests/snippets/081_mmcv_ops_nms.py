# Source: https://mmcv.readthedocs.io/en/2.x/api/generated/mmcv.ops.nms.html — the docstring example of
#   mmcv.ops.nms (mmcv/ops/nms.py, mmcv 2.1), as published; the imports the docstring assumes are added
#   and print() of the two results appended.
import numpy as np
from mmcv.ops import nms

boxes = np.array([[49.1, 32.4, 51.0, 35.9],
                  [49.3, 32.9, 51.0, 35.3],
                  [49.2, 31.8, 51.0, 35.4],
                  [35.1, 11.5, 39.1, 15.7],
                  [35.6, 11.8, 39.3, 14.2],
                  [35.3, 11.5, 39.9, 14.5],
                  [35.2, 11.7, 39.7, 15.7]], dtype=np.float32)
scores = np.array([0.9, 0.9, 0.5, 0.5, 0.5, 0.4, 0.3],\
       dtype=np.float32)
iou_threshold = 0.6
dets, inds = nms(boxes, scores, iou_threshold)
assert len(inds) == len(dets) == 3
print(dets)
print(inds)
