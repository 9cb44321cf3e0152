/// `cumsum` / `cumprod` along a dimension (int/bool inputs give int64, as torch), `one_hot`.
extension Tensor {
    public func cumulative(dim: Int, product: Bool = false) throws -> Tensor {
        try cumulativeValues(dim: dim, product: product).floatRounded(like: self)
    }

    func cumulativeValues(dim: Int, product: Bool) throws -> Tensor {
        let d = try Tensor.normalizeDim(dim, rank: rank)
        let shp = rank == 0 ? [1] : shape
        let outer = Tensor.product(shp[..<d]), n = shp[d], inner = Tensor.product(shp[(d + 1)...])
        func scan<T: Numeric>(_ a: [T]) -> [T] {
            var out = a
            for o in 0..<outer {
                for i in 0..<inner {
                    let base = o * n * inner + i
                    for k in 1..<Swift.max(n, 1) {
                        let p = base + (k - 1) * inner, q = base + k * inner
                        out[q] = product ? out[p] * out[q] : out[p] + out[q]
                    }
                }
            }
            return out
        }
        switch storage {
        case .float32(let a): return Tensor(shape: shape, float32: scan(a))
        case .float64(let a): return Tensor(shape: shape, float64: scan(a))
        default: return Tensor(shape: shape, int64: scan(int64s))
        }
    }

    /// `F.one_hot(tensor, num_classes=-1)`: int64 input, a trailing class dimension.
    public func oneHot(numClasses: Int = -1) throws -> Tensor {
        guard dtype == .int64 else { throw CoreError("one_hot is only applicable to index tensors (int64), got \(dtype)") }
        let v = int64s
        if let neg = v.first(where: { $0 < 0 }) { throw CoreError("one_hot(): class values must be non-negative, got \(neg)") }
        let classes: Int
        if numClasses < 0 {
            guard !v.isEmpty else { throw CoreError("one_hot(): cannot infer the number of classes from an empty tensor") }
            let (c, o) = Int(v.max() ?? 0).addingReportingOverflow(1)
            guard !o else { throw CoreError("one_hot(): class value \(Int.max) is too large") }
            classes = c
        } else {
            classes = numClasses
            if let big = v.first(where: { $0 >= Int64(classes) }) {
                throw CoreError("one_hot(): class values must be smaller than num_classes (\(classes)), got \(big)")
            }
        }
        _ = try Tensor.checkedAllocationCount(shape + [classes], dtype: .int64)
        var out = [Int64](repeating: 0, count: v.count * classes)
        for (i, c) in v.enumerated() { out[i * classes + Int(c)] = 1 }
        return Tensor(shape: shape + [classes], int64: out)
    }

    /// `norm(p=2, dim=None, keepdim=False)` for p = 1, 2, inf (float inputs).
    public func norm(p: Double = 2, dims: [Int]? = nil, keepdim: Bool = false) throws -> Tensor {
        guard dtype.isFloatingPoint else { throw CoreError("norm(): expected a floating point tensor, got \(dtype)") }
        let a = try unary(.abs)
        if p == 1 { return try a.sum(dims: dims, keepdim: keepdim) }
        if p.isInfinite { return try a.extremumValue(dims: dims, keepdim: keepdim, max: true) }
        if p == 2 { return try Tensor.binary(.mul, a, a).sum(dims: dims, keepdim: keepdim).unary(.sqrt) }
        let s = try Tensor.binary(.pow, .tensor(a), .float(p)).sum(dims: dims, keepdim: keepdim)
        return try Tensor.binary(.pow, .tensor(s), .float(1 / p))
    }
}
