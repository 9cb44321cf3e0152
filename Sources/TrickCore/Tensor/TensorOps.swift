/// The operations the language's operators map onto. This file fixes the API; the kernels
/// live beside it (Elementwise.swift, Indexing.swift, ...).

/// An operand of a binary operator: a tensor, or a Python scalar (which takes part in type
/// promotion as torch's "wrapped numbers" do: `int_tensor * 0.5` is float32, `float32_tensor * 2`
/// stays float32, `bool_tensor + 1` is int64).
public enum Operand {
    case tensor(Tensor)
    case int(Int64)
    case float(Double)
    case bool(Bool)
}

public enum BinaryOp: String, Sendable {
    case add = "+", sub = "-", mul = "*", div = "/", floorDiv = "//", mod = "%", pow = "**"
    case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">="
    case and = "&", or = "|", xor = "^"
    case maximum = "maximum", minimum = "minimum"
}

public enum UnaryOp: String, Sendable {
    case neg, pos, abs, not  // `not` is `~` (bool: logical not; int64: bitwise not)
    case exp, log, log2, log10, log1p, expm1, sqrt, rsqrt, sin, cos, tan, tanh, sigmoid, relu
    case floor, ceil, round, trunc, sign, reciprocal, square, isnan, isinf, isfinite
}

/// One index of a subscript `t[...]`, as torch/numpy advanced indexing understands it.
public enum TensorIndex {
    case int(Int)
    case slice(Int?, Int?, Int?)
    case newAxis          // None
    case ellipsis         // ...
    case tensor(Tensor)   // bool mask or int64 index tensor
}
