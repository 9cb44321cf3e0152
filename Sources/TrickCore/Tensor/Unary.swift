/// Elementwise unary operations, dtype rules as torch:
/// - transcendental functions (`exp`, `log`, `sqrt`, `sigmoid`, ...) of int/bool tensors give float32;
/// - `neg`, `abs`, `relu`, `sign`, `square`, rounding keep the dtype (`-bool` is an error, as torch);
/// - `round` rounds half to even (torch uses `nearbyint`);
/// - `not` (`~`) is logical not on bool and bitwise not on integers;
/// - a narrow dtype's result is wrapped or rounded back to it (int8 `abs(-128)` is -128, as torch);
/// - `isnan`/`isinf`/`isfinite` give bool.
extension Tensor {
    public func unary(_ op: UnaryOp) throws -> Tensor {
        try unaryValues(op).rounded(like: self)
    }

    func unaryValues(_ op: UnaryOp) throws -> Tensor {
        switch op {
        case .isnan, .isinf, .isfinite:
            switch storage {
            case .float32(let a): return Tensor(shape: shape, bool: a.map { op == .isnan ? $0.isNaN : (op == .isinf ? $0.isInfinite : $0.isFinite) })
            case .float64(let a): return Tensor(shape: shape, bool: a.map { op == .isnan ? $0.isNaN : (op == .isinf ? $0.isInfinite : $0.isFinite) })
            default: return Tensor(shape: shape, bool: [Bool](repeating: op == .isfinite, count: count))
            }
        case .not:
            switch storage {
            case .bool(let a): return Tensor(shape: shape, bool: a.map { !$0 })
            case .int64(let a): return Tensor(shape: shape, int64: a.map { ~$0 })
            default: throw CoreError("operator ~ is only defined for bool and integer tensors, got \(dtype)")
            }
        case .neg, .pos, .abs, .relu, .sign, .square, .floor, .ceil, .round, .trunc:
            switch storage {
            case .float32(let a): return Tensor(shape: shape, float32: Tensor.keepDTypeUnary(op, a))
            case .float64(let a): return Tensor(shape: shape, float64: Tensor.keepDTypeUnary(op, a))
            case .int64(let a):
                switch op {
                case .neg: return Tensor(shape: shape, int64: a.map { 0 &- $0 })
                case .abs: return Tensor(shape: shape, int64: a.map { $0 < 0 ? 0 &- $0 : $0 })
                case .relu: return Tensor(shape: shape, int64: a.map { Swift.max($0, 0) })
                case .sign: return Tensor(shape: shape, int64: a.map { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) })
                case .square: return Tensor(shape: shape, int64: a.map { $0 &* $0 })
                default: return self
                }
            case .bool(let a):
                switch op {
                case .neg: throw CoreError("negation, the `-` operator, on a bool tensor is not supported; use `~` or logical_not() instead")
                case .square: return Tensor(shape: shape, int64: a.map { $0 ? 1 : 0 })
                default: return self
                }
            }
        default:
            switch storage {
            case .float64(let a): return Tensor(shape: shape, float64: Tensor.floatUnary(op, a))
            case .float32(let a): return Tensor(shape: shape, float32: Tensor.floatUnary(op, a))
            default: return Tensor(shape: shape, float32: Tensor.floatUnary(op, floats))
            }
        }
    }

    static func keepDTypeUnary<T: BinaryFloatingPoint>(_ op: UnaryOp, _ a: [T]) -> [T] {
        switch op {
        case .neg: return Parallel.map(a) { -$0 }
        case .abs: return Parallel.map(a) { Swift.abs($0) }
        case .relu: return Parallel.map(a) { $0.isNaN ? $0 : ($0 > 0 ? $0 : 0) }
        case .sign: return Parallel.map(a) { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }  // torch: sign(nan) == 0
        case .square: return Parallel.map(a) { $0 * $0 }
        case .floor: return Parallel.map(a) { $0.rounded(.down) }
        case .ceil: return Parallel.map(a) { $0.rounded(.up) }
        case .round: return Parallel.map(a) { $0.rounded(.toNearestOrEven) }
        case .trunc: return Parallel.map(a) { $0.rounded(.towardZero) }
        default: return a
        }
    }

    static func floatUnary<T: BinaryFloatingPoint & FloatingPointMath>(_ op: UnaryOp, _ a: [T]) -> [T] {
        switch op {
        case .exp: return Parallel.map(a) { T.exp($0) }
        case .log: return Parallel.map(a) { T.log($0) }
        case .log2: return Parallel.map(a) { T.log2($0) }
        case .log10: return Parallel.map(a) { T.log10($0) }
        case .log1p: return Parallel.map(a) { T.log1p($0) }
        case .expm1: return Parallel.map(a) { T.expm1($0) }
        case .sqrt: return Parallel.map(a) { $0.squareRoot() }
        case .rsqrt: return Parallel.map(a) { 1 / $0.squareRoot() }
        case .sin: return Parallel.map(a) { T.sin($0) }
        case .cos: return Parallel.map(a) { T.cos($0) }
        case .tan: return Parallel.map(a) { T.tan($0) }
        case .tanh: return Parallel.map(a) { T.tanh($0) }
        case .sigmoid: return Parallel.map(a) { 1 / (1 + T.exp(-$0)) }
        case .reciprocal: return Parallel.map(a) { 1 / $0 }
        default: return keepDTypeUnary(op, a)
        }
    }
}
