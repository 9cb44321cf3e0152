# ensemble_boxes nms/soft_nms with weights overwrite the caller's scores (a stacked float32 array row by row,
# a list row by row, numpy's dtypes), as upstream's nms_method does.
import numpy as np
from ensemble_boxes import nms, soft_nms
b = np.array([[[0.1,0.1,0.5,0.5],[0.2,0.2,0.6,0.6]],[[0.1,0.1,0.5,0.52],[0.7,0.7,0.9,0.9]]])
s = np.array([[0.9,0.8],[0.7,0.6]], dtype=np.float32)
l = np.array([[0,0],[0,1]])
r = nms(b, s, l, weights=[2, 1])
print(s.dtype, s)
sl = [[0.9, 0.8], np.array([0.7, 0.6], dtype=np.float32)]
r = soft_nms([b[0], b[1]], sl, [l[0], l[1]], weights=[1.5, 1.0])
print(sl)
print(r)
