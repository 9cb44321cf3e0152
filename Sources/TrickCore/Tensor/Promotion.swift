/// torch's type promotion (`torch.result_type`), including 0-d tensors and wrapped Python scalars.
///
/// Matches `at::native::result_type` (aten/src/ATen/native/TypeProperties.cpp): operands fall in
/// three tiers — dimensioned tensors, 0-d tensors, wrapped numbers (Python scalars; a Python
/// float counts as the default dtype float32) — and a lower tier only decides the dtype when its
/// category (bool < integer < floating) is higher than every higher tier's.
extension Operand {
    var tier: Int {
        switch self {
        case .tensor(let t): return t.rank > 0 ? 0 : 1
        default: return 2
        }
    }

    /// The dtype this operand contributes (Python floats are the default float dtype).
    var promotionDType: DType {
        switch self {
        case .tensor(let t): return t.dtype
        case .int: return .int64
        case .float: return .float32
        case .bool: return .bool
        }
    }

    /// The operand as a tensor of `dtype` (a Python scalar becomes 0-d; into a narrow dtype it
    /// wraps, as torch's arithmetic does: `int8_tensor + 300` adds 44).
    func tensor(as dtype: DType) -> Tensor {
        switch self {
        case .tensor(let t): return t.cast(to: dtype)
        case .int(let i): return Tensor.scalar(i).cast(to: dtype)
        case .float(let d): return Tensor(shape: [], float64: [d]).cast(to: dtype)
        case .bool(let b): return Tensor(shape: [], bool: [b]).cast(to: dtype)
        }
    }

    var isNumpy: Bool { if case .tensor(let t) = self { return t.isNumpy } else { return false } }
    var isTensor: Bool { if case .tensor = self { return true } else { return false } }

    var shape: [Int] {
        if case .tensor(let t) = self { return t.shape }
        return []
    }
}

extension DType {
    /// The dtype of `ops` combined as torch's `result_type`.
    public static func resultType(_ ops: [Operand]) -> DType {
        var tiers: [DType?] = [nil, nil, nil]
        for o in ops {
            let t = o.tier
            tiers[t] = tiers[t].map { promote($0, o.promotionDType) } ?? o.promotionDType
        }
        func combine(_ higher: DType?, _ lower: DType?) -> DType? {
            guard let h = higher else { return lower }
            guard let l = lower else { return h }
            if h.isFloatingPoint { return h }
            if h == .bool || l.isFloatingPoint { return promote(h, l) }
            return h
        }
        return combine(tiers[0], combine(tiers[1], tiers[2])) ?? .float32
    }
}
