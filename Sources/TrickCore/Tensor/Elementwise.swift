/// Binary operators with broadcasting and torch type promotion.
///
/// Semantics follow torch on CPU:
/// - the compute dtype is `torch.result_type(lhs, rhs)` (Python scalars are "wrapped numbers":
///   `int_tensor * 0.5` is float32, `float32_tensor * 2.0` stays float32, `bool_tensor + 1` is int64);
/// - `/` is true division: integer and bool inputs divide in float32;
/// - `//` and `%` round toward negative infinity and take the divisor's sign, as Python
///   (`div_floor_floating` / `remainder` in aten/src/ATen/native/cpu/BinaryOpsKernel.cpp);
///   integer division by zero is an error (torch raises "ZeroDivisionError"), float gives inf/nan;
/// - comparisons compute in the promoted dtype and give bool;
/// - narrow dtypes (int8, float16, …) compute in their storage type, the result wrapped or rounded;
/// - `&`, `|`, `^` take bool and integer tensors only; `maximum`/`minimum` propagate NaN.
extension Tensor {
    public static func binary(_ op: BinaryOp, _ lhs: Operand, _ rhs: Operand) throws -> Tensor {
        var ct = DType.resultType([lhs, rhs])
        let outShape = try Broadcast.shape(lhs.shape, rhs.shape)
        _ = try checkedAllocationCount(outShape, dtype: ct)
        switch op {
        case .div:
            if !ct.isFloatingPoint { ct = .float32 }
        case .and, .or, .xor:
            if ct.isFloatingPoint {
                throw CoreError("operator \(op.rawValue) is only defined for bool and integer tensors, got \(ct)")
            }
        case .sub:
            if ct == .bool { throw CoreError("subtracting two bool tensors with `-` is not supported; use `^` or logical_xor") }
        default: break
        }
        // float16 / bfloat16 add, sub, mul and div take a scalar operand (Python number or 0-d
        // tensor) unrounded, in float32, as torch's kernels read it (`original_scalar_value<opmath_t>`)
        let opmathScalars = (ct == .float16 || ct == .bfloat16) && [.add, .sub, .mul, .div].contains(op)
        func prepared(_ o: Operand) -> Tensor { opmathScalars && o.shape.isEmpty ? o.tensor(as: .float32) : o.tensor(as: ct) }
        let a = prepared(lhs), b = prepared(rhs)
        let r: Tensor
        switch (a.storage, b.storage) {
        case (.float32(let x), .float32(let y)):
            r = try floatingBinary(op, x, a.shape, y, b.shape, outShape)
        case (.float64(let x), .float64(let y)):
            r = try floatingBinary(op, x, a.shape, y, b.shape, outShape)
        case (.int64(let x), .int64(let y)):
            r = try integerBinary(op, x, a.shape, y, b.shape, outShape)
        case (.bool(let x), .bool(let y)):
            r = try boolBinary(op, x, a.shape, y, b.shape, outShape)
        default:
            throw CoreError("internal: mismatched operand storage")
        }
        // a narrow dtype computes in its storage type and wraps / rounds the result once
        var result = ct.isNarrow && r.storageDType == ct.storageDType ? r.fitted(to: ct) : r
        result.isNumpy = lhs.isNumpy || (rhs.isNumpy && !lhs.isTensor)   // the left array's type decides, as Python's dispatch
        return result
    }

    /// Convenience: `lhs op rhs` for two tensors.
    public static func binary(_ op: BinaryOp, _ lhs: Tensor, _ rhs: Tensor) throws -> Tensor {
        try binary(op, .tensor(lhs), .tensor(rhs))
    }

    static func floatingBinary<T: BinaryFloatingPoint & FloatingPointMath>(
        _ op: BinaryOp, _ x: [T], _ xs: [Int], _ y: [T], _ ys: [Int], _ out: [Int]
    ) throws -> Tensor {
        func wrap(_ v: [T]) -> Tensor { Tensor(shape: out, storage: T.wrap(v)) }
        func cmp(_ f: (T, T) -> Bool) -> Tensor { Tensor(shape: out, bool: Broadcast.zip(x, xs, y, ys, out, f)) }
        switch op {
        case .add: return wrap(Broadcast.zip(x, xs, y, ys, out) { $0 + $1 })
        case .sub: return wrap(Broadcast.zip(x, xs, y, ys, out) { $0 - $1 })
        case .mul: return wrap(Broadcast.zip(x, xs, y, ys, out) { $0 * $1 })
        case .div: return wrap(Broadcast.zip(x, xs, y, ys, out) { $0 / $1 })
        case .floorDiv: return wrap(Broadcast.zip(x, xs, y, ys, out, floorDivide))
        case .mod: return wrap(Broadcast.zip(x, xs, y, ys, out, floatRemainder))
        case .pow:
            if ys.isEmpty, let e = y.first {
                if e == 2 { return wrap(Broadcast.zip(x, xs, y, ys, out) { a, _ in a * a }) }
                if e == 0.5 { return wrap(Broadcast.zip(x, xs, y, ys, out) { a, _ in a.squareRoot() }) }
                if e == 1 { return wrap(Broadcast.zip(x, xs, y, ys, out) { a, _ in a }) }
            }
            return wrap(Broadcast.zip(x, xs, y, ys, out) { T.pow($0, $1) })
        case .eq: return cmp { $0 == $1 }
        case .ne: return cmp { $0 != $1 }
        case .lt: return cmp { $0 < $1 }
        case .le: return cmp { $0 <= $1 }
        case .gt: return cmp { $0 > $1 }
        case .ge: return cmp { $0 >= $1 }
        case .maximum: return wrap(Broadcast.zip(x, xs, y, ys, out) { a, b in a.isNaN || b.isNaN ? T.nan : (a > b ? a : b) })
        case .minimum: return wrap(Broadcast.zip(x, xs, y, ys, out) { a, b in a.isNaN || b.isNaN ? T.nan : (a < b ? a : b) })
        case .and, .or, .xor: throw CoreError("operator \(op.rawValue) is only defined for bool and integer tensors")
        }
    }

    /// Python floor division for floats, as torch `div_floor_floating`.
    @inline(__always)
    static func floorDivide<T: BinaryFloatingPoint & FloatingPointMath>(_ a: T, _ b: T) -> T {
        if b == 0 { return a / b }
        let mod = T.fmod(a, b)
        var div = (a - mod) / b
        if mod != 0 && (b < 0) != (mod < 0) { div -= 1 }
        if div != 0 {
            var f = div.rounded(.down)
            if div - f > 0.5 { f += 1 }
            return f
        }
        return T(signOf: a / b, magnitudeOf: 0)
    }

    /// Python `%` for floats (result has the divisor's sign), as torch `remainder`.
    @inline(__always)
    static func floatRemainder<T: BinaryFloatingPoint & FloatingPointMath>(_ a: T, _ b: T) -> T {
        var m = T.fmod(a, b)
        if m != 0 && (b < 0) != (m < 0) { m += b }
        return m
    }

    static func integerBinary(_ op: BinaryOp, _ x: [Int64], _ xs: [Int], _ y: [Int64], _ ys: [Int], _ out: [Int]) throws -> Tensor {
        func wrap(_ v: [Int64]) -> Tensor { Tensor(shape: out, int64: v) }
        func cmp(_ f: (Int64, Int64) -> Bool) -> Tensor { Tensor(shape: out, bool: Broadcast.zip(x, xs, y, ys, out, f)) }
        switch op {
        case .add: return wrap(Broadcast.zip(x, xs, y, ys, out) { $0 &+ $1 })
        case .sub: return wrap(Broadcast.zip(x, xs, y, ys, out) { $0 &- $1 })
        case .mul: return wrap(Broadcast.zip(x, xs, y, ys, out) { $0 &* $1 })
        case .floorDiv, .mod:
            if y.contains(0) { throw CoreError("ZeroDivisionError: integer division by zero in `\(op.rawValue)`") }
            if op == .floorDiv {
                return wrap(Broadcast.zip(x, xs, y, ys, out) { a, b in
                    if b == -1 { return 0 &- a }
                    let q = a / b, r = a % b
                    return (r != 0 && (r < 0) != (b < 0)) ? q - 1 : q
                })
            }
            return wrap(Broadcast.zip(x, xs, y, ys, out) { a, b in
                if b == -1 { return 0 }
                let r = a % b
                return (r != 0 && (r < 0) != (b < 0)) ? r + b : r
            })
        case .pow:
            if y.contains(where: { $0 < 0 }) { throw CoreError("integers to negative integer powers are not allowed") }
            return wrap(Broadcast.zip(x, xs, y, ys, out) { a, e in
                var result: Int64 = 1, base = a, e = e
                while e > 0 {
                    if e & 1 == 1 { result = result &* base }
                    base = base &* base
                    e >>= 1
                }
                return result
            })
        case .div: throw CoreError("internal: integer true division")
        case .eq: return cmp { $0 == $1 }
        case .ne: return cmp { $0 != $1 }
        case .lt: return cmp { $0 < $1 }
        case .le: return cmp { $0 <= $1 }
        case .gt: return cmp { $0 > $1 }
        case .ge: return cmp { $0 >= $1 }
        case .and: return wrap(Broadcast.zip(x, xs, y, ys, out) { $0 & $1 })
        case .or: return wrap(Broadcast.zip(x, xs, y, ys, out) { $0 | $1 })
        case .xor: return wrap(Broadcast.zip(x, xs, y, ys, out) { $0 ^ $1 })
        case .maximum: return wrap(Broadcast.zip(x, xs, y, ys, out) { Swift.max($0, $1) })
        case .minimum: return wrap(Broadcast.zip(x, xs, y, ys, out) { Swift.min($0, $1) })
        }
    }

    static func boolBinary(_ op: BinaryOp, _ x: [Bool], _ xs: [Int], _ y: [Bool], _ ys: [Int], _ out: [Int]) throws -> Tensor {
        func wrap(_ v: [Bool]) -> Tensor { Tensor(shape: out, bool: v) }
        switch op {
        case .add, .or, .maximum: return wrap(Broadcast.zip(x, xs, y, ys, out) { $0 || $1 })
        case .mul, .and, .minimum: return wrap(Broadcast.zip(x, xs, y, ys, out) { $0 && $1 })
        case .xor, .ne: return wrap(Broadcast.zip(x, xs, y, ys, out) { $0 != $1 })
        case .eq: return wrap(Broadcast.zip(x, xs, y, ys, out) { $0 == $1 })
        case .lt: return wrap(Broadcast.zip(x, xs, y, ys, out) { !$0 && $1 })
        case .le: return wrap(Broadcast.zip(x, xs, y, ys, out) { !$0 || $1 })
        case .gt: return wrap(Broadcast.zip(x, xs, y, ys, out) { $0 && !$1 })
        case .ge: return wrap(Broadcast.zip(x, xs, y, ys, out) { $0 || !$1 })
        case .pow, .floorDiv, .mod, .sub, .div:
            // torch computes these on bool in int64 (bool ** bool, bool // bool are int64 ops).
            return try integerBinary(op, x.map { $0 ? 1 : 0 }, xs, y.map { $0 ? 1 : 0 }, ys, out)
        }
    }
}

/// The libm functions the float kernels need, for Float and Double alike.
public protocol FloatingPointMath {
    static func fmod(_ a: Self, _ b: Self) -> Self
    static func pow(_ a: Self, _ b: Self) -> Self
    static func exp(_ x: Self) -> Self
    static func log(_ x: Self) -> Self
    static func log2(_ x: Self) -> Self
    static func log10(_ x: Self) -> Self
    static func log1p(_ x: Self) -> Self
    static func expm1(_ x: Self) -> Self
    static func sin(_ x: Self) -> Self
    static func cos(_ x: Self) -> Self
    static func tan(_ x: Self) -> Self
    static func tanh(_ x: Self) -> Self
    static func wrap(_ a: [Self]) -> Tensor.Storage
    static func unwrap(_ t: Tensor) -> [Self]
}
