# How numpy prints arrays (str and repr, float64 and float32, positional and scientific, nan/inf,
# wrapping at 75 columns, 3-D): trick's NumpyFormatter checked against numpy (tools/gen_snippets.py --corpus).
import numpy as np
cases = [
 [[0.1, 0.1, 0.5, 0.8], [0.56, 0.5, 0.9, 0.91]],
 [0.45, 0.4, 0.075],
 [1e-5, 1.0, 150.0],
 [123456789.0, 1.5],
 [0.0, -1.5, 2.25],
 [1, 2, 300],
 [True, False],
 [[1.0, 2.0], [3.0, 4.0]],
 [0.1 * i for i in range(30)],
 [[[1, 2], [3, 4]], [[5, 6], [7, 8]]],
 [-0.5, 0.333333333333, 12.0],
 [float('nan'), 1.0, float('inf')],
 [1e-10, -2e-3],
 [0.0],
 [100000.0, 0.5],
]
for c in cases:
    a = np.array(c)
    print(a)
    print(repr(a))
    b = np.array(c, dtype=np.float32)
    print(b)
    print(repr(b))
