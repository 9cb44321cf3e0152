#!/usr/bin/env python3
"""Test vectors for the tensor core, produced by real torch (CPU).

Writes Tests/TrickCoreTests/Fixtures/tensor/*.json. Run with the reference env:
    /work/refenv/bin/python tools/gen_tensor_vectors.py
Each file is a list of cases; tensors are {"dtype", "shape", "data" (flat, row-major)} with
NaN/inf spelled "nan"/"inf"/"-inf"; Python scalars are {"scalar": v, "kind": "int"|"float"|"bool"}.
"""
import json
import math
import os

import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "TrickCoreTests", "Fixtures", "tensor")
G = torch.Generator().manual_seed(1234)


def enc_num(v):
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
    return v


def T(t):
    t = t.detach().contiguous()
    return {"dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape),
            "data": [enc_num(v) for v in t.reshape(-1).tolist()]}


def S(v):
    kind = "bool" if isinstance(v, bool) else ("int" if isinstance(v, int) else "float")
    return {"scalar": enc_num(v), "kind": kind}


def operand(x):
    return T(x) if isinstance(x, torch.Tensor) else S(x)


def randf(*shape, scale=3.0):
    return (torch.randn(*shape, generator=G) * scale).float()


def randi(*shape, lo=-5, hi=6):
    return torch.randint(lo, hi, shape, generator=G)


def write(name, cases):
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(cases, f, indent=None, separators=(",", ":"))
    print(name, len(cases))


def binary_cases():
    ops = {"+": torch.add, "-": torch.sub, "*": torch.mul, "/": torch.true_divide,
           "//": torch.floor_divide, "%": torch.remainder, "**": torch.pow,
           "==": torch.eq, "!=": torch.ne, "<": torch.lt, "<=": torch.le, ">": torch.gt, ">=": torch.ge,
           "maximum": torch.maximum, "minimum": torch.minimum}
    pairs = [
        (randf(3, 4), randf(3, 4)),
        (randf(2, 3, 4), randf(4)),
        (randf(3, 1), randf(1, 5)),
        (randi(3, 4), randi(3, 4, lo=1, hi=5)),
        (randi(2, 3), randf(3)),
        (randf(4), 2.5),
        (randi(4), 0.5),
        (randi(5), 3),
        (randf(2, 2).double(), randf(2)),
        (randi(3), torch.tensor(2.5, dtype=torch.float64)),
        (randf(3), torch.tensor(2, dtype=torch.int64)),
        (torch.tensor([True, False, True]), 1),
        (torch.tensor([True, False, True]), randi(3)),
        (-7, randi(2, 3, lo=1, hi=4)),
        (torch.tensor([-7.5, 7.5, -0.5, 3.0, -3.0]), torch.tensor([2.0, -2.0, 1.5, -1.5, 0.7])),
        (torch.tensor([-7, 7, -1, 9, -9]), torch.tensor([2, -2, 3, -4, 4])),
        (randf(2, 3), -1.75),
    ]
    cases = []
    for a, b in pairs:
        for sym, fn in ops.items():
            if sym == "**":
                if isinstance(b, torch.Tensor) and not b.dtype.is_floating_point and (b < 0).any():
                    continue
                if isinstance(a, torch.Tensor) and a.dtype.is_floating_point:
                    a_ = a.abs()
                else:
                    a_ = a
            else:
                a_ = a
            if sym in ("//", "%") and ((isinstance(b, torch.Tensor) and not b.dtype.is_floating_point and (b == 0).any())):
                continue
            if sym == "-" and all(isinstance(x, torch.Tensor) and x.dtype == torch.bool for x in (a_, b)):
                continue
            try:
                if isinstance(a_, torch.Tensor) or isinstance(b, torch.Tensor):
                    if sym in ("maximum", "minimum") and not (isinstance(a_, torch.Tensor) and isinstance(b, torch.Tensor)):
                        continue
                    r = {"+": lambda x, y: x + y, "-": lambda x, y: x - y, "*": lambda x, y: x * y,
                         "/": lambda x, y: x / y, "//": lambda x, y: x // y, "%": lambda x, y: x % y,
                         "**": lambda x, y: x ** y, "==": lambda x, y: x == y, "!=": lambda x, y: x != y,
                         "<": lambda x, y: x < y, "<=": lambda x, y: x <= y, ">": lambda x, y: x > y,
                         ">=": lambda x, y: x >= y}.get(sym, lambda x, y: fn(x, y))(a_, b)
                else:
                    continue
            except Exception:
                continue
            cases.append({"op": sym, "a": operand(a_), "b": operand(b), "out": T(r)})
    for sym, fn in (("&", torch.bitwise_and), ("|", torch.bitwise_or), ("^", torch.bitwise_xor)):
        x, y = torch.tensor([True, False, True, False]), torch.tensor([True, True, False, False])
        cases.append({"op": sym, "a": T(x), "b": T(y), "out": T(fn(x, y))})
        x, y = randi(4, lo=0, hi=16), randi(4, lo=0, hi=16)
        cases.append({"op": sym, "a": T(x), "b": T(y), "out": T(fn(x, y))})
    return cases


def unary_cases():
    names = ["neg", "abs", "exp", "log", "sqrt", "sigmoid", "tanh", "relu", "floor", "ceil", "round", "trunc",
             "sign", "reciprocal", "square", "isnan", "isinf", "isfinite", "log1p", "expm1", "sin", "cos", "rsqrt"]
    xs = [randf(3, 4), randi(5), torch.tensor([0.5, 1.5, 2.5, -0.5, -2.5, float("nan"), float("inf"), 0.0])]
    cases = []
    for x in xs:
        for n in names:
            xin = x.abs() + 0.1 if n in ("log", "sqrt", "rsqrt", "log1p") and x.dtype.is_floating_point else x
            if n in ("log", "sqrt", "rsqrt", "log1p") and not x.dtype.is_floating_point:
                xin = x.abs() + 1
            r = getattr(torch, n)(xin) if n != "relu" else torch.relu(xin)
            cases.append({"op": n, "a": T(xin), "out": T(r)})
    return cases


def reduction_cases():
    cases = []
    x3 = randf(2, 3, 4)
    xi = randi(3, 4)
    xb = torch.tensor([[True, False, False], [True, True, True]])
    for fn in ["sum", "mean", "prod", "std", "var", "amax", "amin"]:
        for dim in [None, 0, 1, -1, [0, 2], (1, 2)]:
            for keep in [False, True]:
                if dim is None and keep:
                    continue
                kw = {} if dim is None else {"dim": dim, "keepdim": keep}
                if fn == "prod" and isinstance(dim, (list, tuple)):
                    continue
                cases.append({"fn": fn, "a": T(x3), "dim": dim, "keepdim": keep, "out": T(getattr(torch, fn)(x3, **kw))})
    for fn in ["sum", "prod", "amax", "amin"]:
        for dim in [None, 0, 1]:
            kw = {} if dim is None else {"dim": dim}
            cases.append({"fn": fn, "a": T(xi), "dim": dim, "keepdim": False, "out": T(getattr(torch, fn)(xi, **kw))})
    for fn in ["any", "all", "sum"]:
        for dim in [None, 0, 1]:
            kw = {} if dim is None else {"dim": dim}
            cases.append({"fn": fn, "a": T(xb), "dim": dim, "keepdim": False, "out": T(getattr(torch, fn)(xb, **kw))})
    ties = torch.tensor([[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, 1.0, 2.0], [float("nan"), 1.0, float("nan"), 5.0]])
    tint = torch.tensor([[4, 1, 4, 4], [0, 0, 0, 0]])
    for x in (x3, ties, tint):
        for fn in ("max", "min"):
            for dim in range(x.dim()):
                for keep in (False, True):
                    v, i = getattr(torch, fn)(x, dim=dim, keepdim=keep)
                    cases.append({"fn": fn + "_dim", "a": T(x), "dim": dim, "keepdim": keep, "out": T(v), "indices": T(i)})
            cases.append({"fn": fn, "a": T(x), "dim": None, "keepdim": False, "out": T(getattr(torch, fn)(x))})
        for fn in ("argmax", "argmin"):
            cases.append({"fn": fn, "a": T(x), "dim": None, "keepdim": False, "out": T(getattr(torch, fn)(x))})
            for dim in range(x.dim()):
                cases.append({"fn": fn, "a": T(x), "dim": dim, "keepdim": True, "out": T(getattr(torch, fn)(x, dim=dim, keepdim=True))})
    return cases


def softmax_cases():
    cases = []
    for x in (randf(2, 3, 5, scale=5), randf(4, 7, scale=30), torch.tensor([[1000.0, 1001.0, 999.0], [-1000.0, -1000.0, -1001.0]]),
              randf(3, 4).double()):
        for dim in range(-1, x.dim()):
            cases.append({"fn": "softmax", "a": T(x), "dim": dim, "out": T(torch.softmax(x, dim))})
            cases.append({"fn": "log_softmax", "a": T(x), "dim": dim, "out": T(torch.log_softmax(x, dim))})
    return cases


def sort_cases():
    cases = []
    xs = [torch.randint(0, 4, (50,), generator=G).float(), torch.randint(0, 3, (3, 40), generator=G),
          torch.tensor([1.0, 3, 3, 2, 3, 1, 3, 0, 3]), torch.zeros(40),
          torch.tensor([2.0, float("nan"), 1.0, float("nan"), 2.0, 0.5]), randf(4, 6),
          torch.randint(0, 5, (300,), generator=G).float(), torch.randint(0, 2, (5, 20), generator=G).float()]
    for x in xs:
        for dim in ([-1, 0] if x.dim() > 1 else [-1]):
            for desc in (False, True):
                v, i = torch.sort(x, dim=dim, descending=desc)
                cases.append({"fn": "sort", "a": T(x), "dim": dim, "descending": desc, "stable": False, "out": T(v), "indices": T(i)})
                v, i = torch.sort(x, dim=dim, descending=desc, stable=True)
                cases.append({"fn": "sort", "a": T(x), "dim": dim, "descending": desc, "stable": True, "out": T(v), "indices": T(i)})
            n = x.shape[dim]
            for k in sorted({1, 2, 3, n // 2, n}):
                if k > n:
                    continue
                for largest in (True, False):
                    v, i = torch.topk(x, k, dim=dim, largest=largest)
                    cases.append({"fn": "topk", "a": T(x), "dim": dim, "k": k, "largest": largest, "out": T(v), "indices": T(i)})
    return cases


def index_cases():
    x = torch.arange(60).reshape(3, 4, 5).float()
    cases = []
    specs = [
        [1], [-1], [("s", None, None, None), 2], [("s", 1, None, None)], [("s", None, None, 2), ("s", 1, 4, 2)],
        [("e",), 0], [None, 1], [("s", None, None, None), None, ("s", 1, 3, None)], [1, 2, 3], [-3, -4, -5],
        [("t", [0, 2])], [("t", [[0, 1], [2, 2]])], [("s", None, None, None), ("t", [3, 0, 1])],
        [0, ("s", None, None, None), ("t", [1, 2])], [("t", [0, 1]), ("s", None, None, None), ("t", [1, 2])],
        [("s", None, None, None), ("t", [0, 1]), ("t", [1, 2])], [("t", [0, 2]), ("t", [1, 3])],
        [("m", "gt30")], [("m", "row")], [("s", None, None, None), ("m", "col")], [("e",), ("t", [4, 0])],
        [("t", [-1, 0])], [("s", 10, None, None)], [("s", -2, None, None)], [("s", 1, 1, None)], [("e",), None],
        [("t", [[0], [2]]), ("t", [1, 3])],
    ]

    def build(spec):
        out = []
        for s in spec:
            if s is None:
                out.append(None)
            elif isinstance(s, int):
                out.append(s)
            elif s[0] == "s":
                out.append(slice(s[1], s[2], s[3]))
            elif s[0] == "e":
                out.append(Ellipsis)
            elif s[0] == "t":
                out.append(torch.tensor(s[1]))
            elif s[0] == "m":
                out.append({"gt30": x > 30, "row": torch.tensor([True, False, True]),
                            "col": torch.tensor([False, True, True, False])}[s[1]])
        return tuple(out)

    def enc(spec):
        out = []
        for s, b in zip(spec, build(spec)):
            if s is None:
                out.append({"kind": "none"})
            elif isinstance(s, int):
                out.append({"kind": "int", "value": s})
            elif s[0] == "s":
                out.append({"kind": "slice", "start": s[1], "stop": s[2], "step": s[3]})
            elif s[0] == "e":
                out.append({"kind": "ellipsis"})
            else:
                out.append({"kind": "tensor", "tensor": T(b)})
        return out

    for spec in specs:
        r = x[build(spec)]
        cases.append({"fn": "index", "a": T(x), "index": enc(spec), "out": T(r)})
        y = x.clone()
        val = -1.0
        y[build(spec)] = val
        cases.append({"fn": "assign", "a": T(x), "index": enc(spec), "value": S(val), "out": T(y)})
        if r.numel() > 0:
            y = x.clone()
            v = torch.arange(r.numel()).reshape(r.shape).float() * 100
            y[build(spec)] = v
            cases.append({"fn": "assign", "a": T(x), "index": enc(spec), "value": T(v), "out": T(y)})
    # broadcast value assignment along the last dim
    y = x.clone()
    y[:, 1] = torch.tensor([7.0, 8, 9, 10, 11])
    cases.append({"fn": "assign", "a": T(x), "index": enc([("s", None, None, None), 1]), "value": T(torch.tensor([7.0, 8, 9, 10, 11])), "out": T(y)})
    return cases


def shape_cases():
    x = randf(2, 3, 4)
    xi = randi(3, 4)
    c = []
    c.append({"fn": "permute", "a": T(x), "dims": [2, 0, 1], "out": T(x.permute(2, 0, 1))})
    c.append({"fn": "transpose", "a": T(x), "dims": [0, -1], "out": T(x.transpose(0, -1))})
    c.append({"fn": "flip", "a": T(x), "dims": [0, 2], "out": T(x.flip([0, 2]))})
    c.append({"fn": "repeat", "a": T(xi), "dims": [2, 1, 3], "out": T(xi.repeat(2, 1, 3))})
    c.append({"fn": "expand", "a": T(xi[:, :1]), "dims": [2, 3, 5], "out": T(xi[:, :1].expand(2, 3, 5))})
    c.append({"fn": "cat", "list": [T(x), T(x[:, :1])], "dim": 1, "out": T(torch.cat([x, x[:, :1]], 1))})
    y = randf(2, 4)
    c.append({"fn": "cat", "list": [T(xi), T(y)], "dim": 0, "out": T(torch.cat([xi, y], 0))})
    c.append({"fn": "stack", "list": [T(xi), T(xi * 2)], "dim": 1, "out": T(torch.stack([xi, xi * 2], 1))})
    idx = torch.randint(0, 4, (3, 2), generator=G)
    c.append({"fn": "gather", "a": T(xi), "dim": 1, "index": T(idx), "out": T(torch.gather(xi, 1, idx))})
    idx0 = torch.randint(0, 3, (2, 4), generator=G)
    c.append({"fn": "gather", "a": T(xi), "dim": 0, "index": T(idx0), "out": T(torch.gather(xi, 0, idx0))})
    cond = xi > 0
    c.append({"fn": "where", "cond": T(cond), "x": T(xi), "y": S(0.5), "out": T(torch.where(cond, xi, 0.5))})
    xf = randf(3, 4)
    c.append({"fn": "where", "cond": T(cond[:1]), "x": T(xf), "y": T(xi), "out": T(torch.where(cond[:1], xf, xi))})
    for lo, hi in ((-1, 2), (None, 0.5), (0, None)):
        c.append({"fn": "clamp", "a": T(x), "min": lo, "max": hi, "out": T(torch.clamp(x, lo, hi))})
        c.append({"fn": "clamp", "a": T(xi), "min": lo, "max": hi, "out": T(torch.clamp(xi, lo, hi))})
    for a, b, s in ((0, 5, 1), (0, 1, 0.1), (1, 2.5, 0.5), (10, 0, -3), (-1, 1, 0.3), (0.0, 0.9, 0.3)):
        c.append({"fn": "arange", "start": a, "end": b, "step": s, "out": T(torch.arange(a, b, s))})
    for a, b, n in ((0, 1, 5), (-3, 7, 11), (0, 1, 1), (2, -2, 8), (0.1, 0.7, 7)):
        c.append({"fn": "linspace", "start": a, "end": b, "steps": n, "out": T(torch.linspace(a, b, n))})
    m1, m2 = randf(3, 5), randf(5, 2)
    c.append({"fn": "matmul", "x": T(m1), "y": T(m2), "out": T(m1 @ m2)})
    b1, b2 = randf(2, 1, 3, 4), randf(3, 4, 2)
    c.append({"fn": "matmul", "x": T(b1), "y": T(b2), "out": T(b1 @ b2)})
    v = randf(5)
    c.append({"fn": "matmul", "x": T(v), "y": T(m2), "out": T(v @ m2)})
    c.append({"fn": "matmul", "x": T(m1), "y": T(v), "out": T(m1 @ v)})
    c.append({"fn": "matmul", "x": T(v), "y": T(v), "out": T(v @ v)})
    return c


def format_cases():
    ts = [
        torch.tensor([0.1, 0.2, 0.3]), torch.tensor([[0.1, 0.2], [3.0, 4.0]]), torch.tensor(3.5), torch.tensor(3),
        torch.tensor([1.0, 2.0, 3.0]), torch.tensor([1, 2, 3]), torch.tensor([True, False]),
        torch.tensor([1e-5, 1.0]), torch.tensor([1e9, 1.0]), torch.tensor([1.0, 2000.0]),
        torch.tensor([123456.789, 0.5]), torch.tensor([float("nan"), 1.5, float("inf"), -float("inf")]),
        torch.tensor([0.0, -0.0, 0.0]), torch.tensor([]), torch.zeros(0, 4), torch.zeros(2, 0, dtype=torch.int64),
        torch.tensor([1.5, 2.5], dtype=torch.float64), torch.arange(2000), torch.arange(2000.0).reshape(40, 50) / 7,
        torch.arange(24).reshape(2, 3, 4), randf(3, 4, 5), torch.arange(100.0) / 3, torch.arange(30) * 123456789,
        torch.tensor([-1.0, 1.0, -100.0]), torch.tensor([[1e-8, 1.0], [2.0, 3.0]], dtype=torch.float64),
        torch.tensor([1e10, 1e-10]), torch.randn(5, 5, 5, 5, 5, generator=G), torch.tensor(float("nan")),
        torch.tensor([True] * 30), torch.tensor(-0.00001234), torch.tensor([1e8, 1.0]), torch.tensor([1e8 + 1, 1.0], dtype=torch.float64),
        torch.ones(1, 1, 1), torch.tensor([[-5, 10000], [3, 2]]),
    ]
    return [{"a": T(t), "out": str(t)} for t in ts]


if __name__ == "__main__":
    torch.set_printoptions(profile="default")
    write("binary", binary_cases())
    write("unary", unary_cases())
    write("reductions", reduction_cases())
    write("softmax", softmax_cases())
    write("sort", sort_cases())
    write("indexing", index_cases())
    write("shape", shape_cases())
    write("format", format_cases())
