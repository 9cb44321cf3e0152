/// Elementwise unary operations, dtype rules as torch:
/// - transcendental functions (`exp`, `log`, `sqrt`, `sigmoid`, ...) of int/bool tensors give float32;
/// - `neg`, `abs`, `relu`, `sign`, `square`, rounding keep the dtype (`-bool` is an error, as torch);
/// - `round` rounds half to even (torch uses `nearbyint`);
/// - `not` (`~`) is logical not on bool and bitwise not on int64;
/// - `isnan`/`isinf`/`isfinite` give bool.
extension Tensor {
    public func unary(_ op: UnaryOp) throws -> Tensor {
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
        case .neg: return a.map { -$0 }
        case .abs: return a.map { Swift.abs($0) }
        case .relu: return a.map { $0.isNaN ? $0 : ($0 > 0 ? $0 : 0) }
        case .sign: return a.map { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }  // torch: sign(nan) == 0
        case .square: return a.map { $0 * $0 }
        case .floor: return a.map { $0.rounded(.down) }
        case .ceil: return a.map { $0.rounded(.up) }
        case .round: return a.map { $0.rounded(.toNearestOrEven) }
        case .trunc: return a.map { $0.rounded(.towardZero) }
        default: return a
        }
    }

    static func floatUnary<T: BinaryFloatingPoint & FloatingPointMath>(_ op: UnaryOp, _ a: [T]) -> [T] {
        switch op {
        case .exp: return a.map { T.exp($0) }
        case .log: return a.map { T.log($0) }
        case .log2: return a.map { T.log2($0) }
        case .log10: return a.map { T.log10($0) }
        case .log1p: return a.map { T.log1p($0) }
        case .expm1: return a.map { T.expm1($0) }
        case .sqrt: return a.map { $0.squareRoot() }
        case .rsqrt: return a.map { 1 / $0.squareRoot() }
        case .sin: return a.map { T.sin($0) }
        case .cos: return a.map { T.cos($0) }
        case .tan: return a.map { T.tan($0) }
        case .tanh: return a.map { T.tanh($0) }
        case .sigmoid: return a.map { 1 / (1 + T.exp(-$0)) }
        case .reciprocal: return a.map { 1 / $0 }
        default: return keepDTypeUnary(op, a)
        }
    }
}
