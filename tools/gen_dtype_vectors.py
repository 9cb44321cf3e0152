#!/usr/bin/env python3
"""Test vectors for trick's dtypes (uint8, int8, int16, int32, int64, float16, bfloat16, float32,
float64, bool), produced by real torch 2.4.1 on x86-64 CPU.

Writes Tests/TrickCoreTests/Fixtures/tensor/dtypes.json. Run with the reference env:
    /work/refenv/bin/python tools/gen_dtype_vectors.py
Sections:
- promotion: torch.result_type of every pair of dtypes as dimensioned tensors, a dimensioned tensor
  with a 0-d tensor, and a tensor with a Python int / float / bool;
- casts: values of each source dtype converted to every dtype (`.to`), float→int truncation and
  the wrap torch's x86-64 conversions give out of range (NaN/inf/overflow → int is undefined
  behaviour in C++; these are the values torch 2.4.1 gives on x86-64);
- binary / unary / reductions: ops on narrow dtypes whose results wrap or round;
- reprs: str(tensor) of each dtype; iinfo / finfo: repr and fields.
Tensors are {"dtype", "shape", "data"}; Python scalars {"scalar", "kind"} (gen_tensor_vectors.py's encoding).
"""
import json
import math
import operator
import os

import torch

from gen_tensor_vectors import OUT, S, T  # the same encoding as the other tensor vectors
DTYPES = [torch.bool, torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64,
          torch.float16, torch.bfloat16, torch.float32, torch.float64]


def name(d):
    return str(d).replace("torch.", "")


def sample(d, shape):
    """Small values every dtype holds exactly (bool: alternating)."""
    n = math.prod(shape) if shape else 1
    vals = [(i % 5) + 1 for i in range(n)]
    return torch.tensor(vals).reshape(shape).to(d)


promotion = []
for a in DTYPES:
    for b in DTYPES:
        x, y, y0 = sample(a, [2]), sample(b, [2]), sample(b, [])
        promotion.append({"a": T(x), "b": T(y), "result": name(torch.result_type(x, y))})
        promotion.append({"a": T(x), "b": T(y0), "result": name(torch.result_type(x, y0))})
    for s in [3, 2.5, True]:
        x = sample(a, [2])
        promotion.append({"a": T(x), "b": S(s), "result": name(torch.result_type(x, s))})
        promotion.append({"a": S(s), "b": T(x), "result": name(torch.result_type(s, x))})

casts = []
float_values = [0.0, 1.5, -1.5, 0.1, 1 / 3, 2.5, 127.9, 128.0, -128.0, -129.9, 255.5, 256.0, 300.7, -300.0,
                32767.0, 40000.0, 70000.0, 65519.0, 65520.0, 1e-8, 6e-8, 3e9, -3e9, 1e10, 1e39,
                float("nan"), float("inf"), float("-inf")]
int_values = [0, 1, -1, 127, 128, -129, 255, 256, 300, -300, 40000, 70000, 2 ** 31 - 1, 2 ** 31, -(2 ** 31) - 1,
              2 ** 40 + 77, -(2 ** 40) - 3]
sources = [torch.tensor(float_values, dtype=torch.float32), torch.tensor(float_values, dtype=torch.float64),
           torch.tensor(int_values), torch.tensor([True, False, True])]
for src in sources:
    for d in DTYPES:
        if src.dtype.is_floating_point and not d.is_floating_point and d != torch.bool:
            keep = [i for i, v in enumerate(src.tolist()) if math.isfinite(v) and abs(v) < 2 ** 31]
            src_c = src[keep]   # NaN, inf, |x| >= 2**31 → int: undefined behaviour, see the "ub" cases
        else:
            src_c = src
        casts.append({"input": T(src_c), "dtype": name(d), "output": T(src_c.to(d))})
ub = []
for src in sources[:2]:
    for d in [torch.uint8, torch.int8, torch.int16, torch.int32]:
        ub.append({"input": T(src), "dtype": name(d), "output": T(src.to(d))})

OPS = {"add": operator.add, "sub": operator.sub, "mul": operator.mul, "floorDiv": operator.floordiv,
       "mod": operator.mod, "div": operator.truediv, "and": operator.and_, "or": operator.or_, "xor": operator.xor,
       "pow": operator.pow, "maximum": torch.maximum, "minimum": torch.minimum, "lt": operator.lt, "eq": operator.eq}
binary = []
ints = {torch.uint8: [200, 100, 255, 0, 7, 130], torch.int8: [100, -100, 127, -128, 7, -3],
        torch.int16: [30000, -30000, 32767, -32768, 7, -3], torch.int32: [2 ** 31 - 1, -(2 ** 31), 123456789, -5, 7, -3]}
for d, vals in ints.items():
    x = torch.tensor(vals, dtype=d)
    y = torch.tensor(list(reversed(vals)), dtype=d).clamp(min=1) if d == torch.uint8 else torch.tensor([3, 5, 2, 7, -2, 3], dtype=d)
    for op, f in OPS.items():
        if op == "pow":
            binary.append({"op": op, "a": T(x), "b": S(2), "output": T(f(x, 2))})
            continue
        if op in ("maximum", "minimum"):
            binary.append({"op": op, "a": T(x), "b": T(y), "output": T(f(x, y))})
            continue
        binary.append({"op": op, "a": T(x), "b": T(y), "output": T(f(x, y))})
        if op not in ("floorDiv", "mod"):
            binary.append({"op": op, "a": T(x), "b": S(100), "output": T(f(x, 100))})
    binary.append({"op": "add", "a": T(x), "b": S(300), "output": T(x + 300)})
    binary.append({"op": "mul", "a": T(x), "b": S(2.5), "output": T(x * 2.5)})
binary.append({"op": "add", "a": T(torch.tensor([1, 2, 3], dtype=torch.uint8)), "b": T(torch.tensor([-1, 5, -7], dtype=torch.int8)),
               "output": T(torch.tensor([1, 2, 3], dtype=torch.uint8) + torch.tensor([-1, 5, -7], dtype=torch.int8))})
g = torch.Generator().manual_seed(16)
for d in [torch.float16, torch.bfloat16]:
    x = (torch.randn(8, generator=g) * 10).to(d)
    y = (torch.randn(8, generator=g) * 3).to(d)
    for op in ["add", "sub", "mul", "div", "floorDiv", "mod", "maximum", "lt"]:
        binary.append({"op": op, "a": T(x), "b": T(y), "output": T(OPS[op](x, y))})
    binary.append({"op": "mul", "a": T(x), "b": S(0.1), "output": T(x * 0.1)})
    binary.append({"op": "add", "a": T(x), "b": T(torch.randn(8, generator=g)), "output": None})
    binary[-1]["output"] = T(x + torch.tensor(binary[-1]["b"]["data"], dtype=torch.float32))

UNARY = {"neg": torch.neg, "abs": torch.abs, "not": torch.bitwise_not, "sign": torch.sign, "square": torch.square,
         "exp": torch.exp, "sqrt": torch.sqrt, "sigmoid": torch.sigmoid}
unary = []
for d, vals in ints.items():
    x = torch.tensor(vals, dtype=d)
    for op in ["neg", "abs", "not", "sign", "square", "exp", "sigmoid"]:
        unary.append({"op": op, "input": T(x), "output": T(UNARY[op](x))})
for d in [torch.float16, torch.bfloat16]:
    x = (torch.rand(6, generator=g) * 8).to(d)
    for op in ["neg", "abs", "exp", "sqrt", "sigmoid", "square"]:
        unary.append({"op": op, "input": T(x), "output": T(UNARY[op](x))})

reductions = []
for d in [torch.uint8, torch.int8, torch.int16, torch.int32, torch.float16, torch.bfloat16]:
    x = sample(d, [3, 4]) if not d.is_floating_point else (torch.randn(3, 4, generator=g) * 4).to(d)
    for op in ["sum", "max", "min", "prod"]:
        for dim in [None, 1]:
            r = getattr(x, op)() if dim is None else getattr(x, op)(dim)
            r = r.values if isinstance(r, tuple) else r
            reductions.append({"op": op, "dim": dim, "input": T(x), "output": T(r)})
    if d.is_floating_point:
        reductions.append({"op": "mean", "dim": None, "input": T(x), "output": T(x.mean())})

reprs = []
for d in DTYPES:
    x = torch.tensor([[0.1, -2.5, 300.7], [65504.0, 1e-3, 7.0]]).to(d) if d.is_floating_point else torch.tensor([[1, 0, 3], [-2, 127, 5]]).to(d)
    reprs.append({"input": T(x), "repr": str(x)})
    reprs.append({"input": T(x[:, :0]), "repr": str(x[:, :0])})
    reprs.append({"input": T(x[0, 1]), "repr": str(x[0, 1])})
reprs.append({"input": T(torch.tensor([0.1, 1e-5, 60000.0], dtype=torch.float16)),
              "repr": str(torch.tensor([0.1, 1e-5, 60000.0], dtype=torch.float16))})

info = []
for d in DTYPES:
    if d == torch.bool:
        continue
    if d.is_floating_point:
        f = torch.finfo(d)
        info.append({"dtype": name(d), "repr": repr(f), "bits": f.bits, "eps": f.eps, "max": f.max, "min": f.min,
                     "tiny": f.tiny, "resolution": f.resolution})
    else:
        i = torch.iinfo(d)
        info.append({"dtype": name(d), "repr": repr(i), "bits": i.bits, "max": i.max, "min": i.min})
sizes = {name(d): torch.tensor([], dtype=d).element_size() for d in DTYPES}

os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, "dtypes.json"), "w") as f:
    json.dump({"promotion": promotion, "casts": casts, "ub": ub, "binary": binary, "unary": unary,
               "reductions": reductions, "reprs": reprs, "info": info, "element_size": sizes}, f)
print("wrote dtypes.json:", {k: len(v) for k, v in [("promotion", promotion), ("casts", casts), ("binary", binary),
                                                  ("unary", unary), ("reductions", reductions), ("reprs", reprs)]})
