/// Tensor factories: `arange`, `linspace`, `eye`, `*_like` (zeros/ones/full are in Tensor.swift).
extension Tensor {
    /// `torch.arange(start, end, step)`: the length is `ceil((end - start) / step)` computed in
    /// double, as torch (aten/src/ATen/native/RangeFactories.cpp); values are `start + i * step`
    /// computed in double then cast (torch's CPU kernel computes in the accumulate type, double
    /// for float32 as well). Integer arguments give int64, any float argument float32.
    public static func arange(start: Double, end: Double, step: Double = 1, dtype: DType? = nil, integerArgs: Bool = false) throws -> Tensor {
        guard step != 0 else { throw CoreError("arange(): step must be nonzero") }
        guard start.isFinite && end.isFinite else { throw CoreError("arange(): unsupported range: \(start) -> \(end)") }
        guard (step > 0 && end >= start) || (step < 0 && end <= start) else {
            throw CoreError("arange(): upper bound and larger bound inconsistent with step sign (start=\(start), end=\(end), step=\(step))")
        }
        let dt = dtype ?? (integerArgs ? .int64 : .float32)
        let sizeD = ((end - start) / step).rounded(.up)
        guard sizeD >= 0, sizeD < 1e12 else { throw CoreError("arange(): invalid size \(sizeD)") }
        let n = Int(sizeD)
        _ = try checkedAllocationCount([n], dtype: dt)
        switch dt.storageDType {
        case .int64:
            guard Swift.abs(start) < 9e18, Swift.abs(step) < 9e18 else { throw CoreError("arange(): start/step out of int64 range") }
            let s = Int64(start), st = Int64(step)
            return Tensor(shape: [n], int64: (0..<n).map { s &+ Int64($0) &* st }).fitted(to: dt)
        case .float64:
            return Tensor(shape: [n], float64: (0..<n).map { start + Double($0) * step })
        case .bool:
            return Tensor(shape: [n], bool: (0..<n).map { start + Double($0) * step != 0 })
        default:
            return Tensor(shape: [n], float32: (0..<n).map { Float(start + Double($0) * step) }).fitted(to: dt)
        }
    }

    /// `torch.linspace(start, end, steps)`: as torch's CPU kernel, the first half is
    /// `start + i * step` and the second half `end - (steps - 1 - i) * step` (symmetric rounding).
    public static func linspace(start: Double, end: Double, steps: Int, dtype: DType = .float32) throws -> Tensor {
        guard steps >= 0 else { throw CoreError("linspace(): number of steps must be non-negative, got \(steps)") }
        _ = try checkedAllocationCount([steps], dtype: dtype)
        if steps == 0 { return try zeros([0], dtype: dtype) }
        if steps == 1 { return try full([1], start, dtype: dtype) }
        if dtype == .float32 {
            let s = Float(start), e = Float(end)
            let step = (e - s) / Float(steps - 1)
            let half = steps / 2
            return Tensor(shape: [steps], float32: (0..<steps).map { i in
                i < half ? s + step * Float(i) : e - step * Float(steps - i - 1)
            })
        }
        let step = (end - start) / Double(steps - 1)
        let half = steps / 2
        let vals = (0..<steps).map { i in i < half ? start + step * Double(i) : end - step * Double(steps - i - 1) }
        if dtype == .int64 {
            // torch computes integer linspace in double and truncates.
            return Tensor(shape: [steps], int64: vals.map { Int64(clampingDouble: $0.rounded(.towardZero)) })
        }
        return Tensor(shape: [steps], float64: vals).cast(to: dtype)
    }

    /// `torch.eye(n, m=None)`.
    public static func eye(_ n: Int, _ m: Int? = nil, dtype: DType = .float32) throws -> Tensor {
        let cols = m ?? n
        guard n >= 0 && cols >= 0 else { throw CoreError("eye(): n and m must be non-negative, got \(n), \(cols)") }
        var t = try zeros([n, cols], dtype: .float64)
        var a = t.doubles
        for i in 0..<Swift.min(n, cols) { a[i * cols + i] = 1 }
        t = Tensor(shape: [n, cols], float64: a)
        return t.cast(to: dtype)
    }

    /// `torch.full_like(t, value)` / `zeros_like` / `ones_like`.
    public func fullLike(_ value: Double, dtype: DType? = nil) throws -> Tensor {
        try Tensor.full(shape, value, dtype: dtype ?? self.dtype)
    }
}
