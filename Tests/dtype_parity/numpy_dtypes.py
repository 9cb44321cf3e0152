# numpy's dtype names in trick (issue 16): np.uint8 & co. for np.array and astype, printing as numpy 1.26
# does; the .out is numpy's own output (tools/gen_snippets.py --corpus Tests/dtype_parity).
import numpy as np
a = np.array([1, 2, 300], dtype=np.int16)
print(a, a.dtype, repr(a), a.astype(np.uint8), a.astype(np.int8), a.dtype == np.int16)
f = np.array([0.1, 1 / 3, 2.5], dtype=np.float16)
print(f, repr(f), f.dtype, repr(f.astype(np.float32)), f.astype(np.int32))
u = np.array([[0, 128, 255]], dtype=np.uint8)
print(repr(u), u.shape, u.dtype, u.astype(np.float64) / 255, repr(np.array([7], dtype=np.int32)), repr(np.array([True], dtype=np.bool_)))
