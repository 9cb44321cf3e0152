/// `torch.bincount` and `torch.histc` (torch 2.4.1 aten/native/SummaryOps.cpp and
/// cpu/HistogramKernel.cpp): the counts behind a confusion matrix and mmseg's per-class
/// intersection and union.
extension Tensor {
    /// Occurrences of each value 0…max of a 1-d non-negative integer tensor (at least `minlength`
    /// bins); with `weights` (same length), their sums instead: float32 weights give float32,
    /// any other dtype float64, as torch.
    public func bincount(weights: Tensor? = nil, minlength: Int = 0) throws -> Tensor {
        guard !dtype.isFloatingPoint, dtype != .bool else {
            throw CoreError("\"bincount_cpu\" not implemented for '\(dtype.torchScalarName)'", kind: "RuntimeError")
        }
        let values = int64s
        guard rank == 1, values.allSatisfy({ $0 >= 0 }) else {
            throw CoreError("bincount only supports 1-d non-negative integral inputs.", kind: "RuntimeError")
        }
        guard minlength >= 0 else { throw CoreError("minlength should be >= 0", kind: "RuntimeError") }
        let n = Swift.max(Int(values.max() ?? -1) + 1, minlength)
        guard let w = weights else {
            var counts = [Int64](repeating: 0, count: n)
            for v in values { counts[Int(v)] += 1 }
            return Tensor(shape: [n], int64: counts)
        }
        guard w.rank == 1, w.count == values.count else {
            throw CoreError("weights should be 1-d and have the same length as input", kind: "RuntimeError")
        }
        if w.dtype == .float32 {
            var sums = [Float](repeating: 0, count: n)
            for (v, x) in zip(values, w.floats) { sums[Int(v)] += x }
            return Tensor(shape: [n], float32: sums)
        }
        var sums = [Double](repeating: 0, count: n)
        for (v, x) in zip(values, w.doubles) { sums[Int(v)] += x }
        return Tensor(shape: [n], float64: sums)
    }

    /// `bins` equal-width bins over [min, max] (both 0: the data's own range; equal bounds are
    /// widened by 1 on each side), elements outside ignored, the last bin closed. Each element's
    /// bin is `Int((x - min) * bins / (max - min))` computed in the tensor's dtype, as torch's
    /// linear kernel does (no search against the bin edges), the top edge going to the last bin.
    /// The counts have the tensor's dtype.
    public func histc(bins: Int, min lo: Double = 0, max hi: Double = 0) throws -> Tensor {
        guard dtype == .float32 || dtype == .float64 else {
            throw CoreError("\"histogram_cpu\" not implemented for '\(dtype.torchScalarName)'", kind: "RuntimeError")
        }
        guard bins > 0 else { throw CoreError("torch.histc(): bins must be > 0, but got \(bins) for dimension 0", kind: "RuntimeError") }
        let x = doubles
        var left = lo, right = hi
        if left == right, !x.isEmpty {
            left = x.min()!
            right = x.max()!
        }
        if left == right { left -= 1; right += 1 }
        guard left <= right else { throw CoreError("torch.histc(): max must be larger than min", kind: "RuntimeError") }
        guard left.isFinite, right.isFinite else {
            throw CoreError("torch.histc(): range of [\(left), \(right)] is not finite", kind: "RuntimeError")
        }
        var counts = [Double](repeating: 0, count: bins)
        if dtype == .float32 {
            let l = Float(left), r = Float(right), b = Float(bins)
            for v in floats where v >= l && v <= r {
                var pos = Int((v - l) * b / (r - l))
                if pos == bins { pos -= 1 }
                counts[pos] += 1
            }
            return Tensor(shape: [bins], float32: counts.map { Float($0) })
        }
        for v in x where v >= left && v <= right {
            var pos = Int((v - left) * Double(bins) / (right - left))
            if pos == bins { pos -= 1 }
            counts[pos] += 1
        }
        return Tensor(shape: [bins], float64: counts)
    }
}
