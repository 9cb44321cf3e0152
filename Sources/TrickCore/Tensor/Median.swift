/// `torch.median` and `torch.kthvalue`: order statistics along a dimension, with the index of
/// the element chosen — chosen as torch's CPU kernels choose it among ties
/// (aten/src/ATen/native/Sorting.cpp).
///
/// - `median(dim)`: the lower median, position `(n − 1) / 2` of the lane ordered by value and,
///   among equal values, by index (torch's `nth_element` compares `(value, index)`), so ties
///   give a deterministic index. A lane holding NaN gives NaN and the first NaN's index.
/// - `kthvalue(k, dim)`: position `k − 1` after torch's `quick_select_template` (median-of-three
///   quickselect comparing values only, NaN largest); on ties the index is the one that
///   quickselect leaves there, replicated step by step.
/// - `median()` of all elements: the lower median value (NaN if any element is NaN).
extension Tensor {
    /// The offset of each lane's chosen element along `dim` (lanes in output order) and the
    /// output shape.
    func laneSelection(dim: Int, keepdim: Bool, what: String,
                       pick: ([Double]) -> Int) throws -> (offsets: [Int], indices: [Int64], shape: [Int]) {
        let r = Swift.max(rank, 1)
        let d = try Tensor.normalizeDim(dim, rank: r)
        let s = rank == 0 ? [1] : shape
        let size = s[d]
        let outer = Tensor.product(Array(s[..<d])), inner = Tensor.product(Array(s[(d + 1)...]))
        if size == 0 {
            throw CoreError("\(what)(): Expected reduction dim \(d) to have non-zero size.", kind: "IndexError")
        }
        var outShape = s
        if keepdim { outShape[d] = 1 } else { outShape.remove(at: d) }
        if rank == 0 { outShape = [] }
        let x = doubles
        var offsets: [Int] = [], indices: [Int64] = []
        offsets.reserveCapacity(outer * inner)
        var lane = [Double](repeating: 0, count: size)
        for o in 0..<outer {
            for i in 0..<inner {
                for k in 0..<size { lane[k] = x[(o * size + k) * inner + i] }
                let k = pick(lane)
                offsets.append((o * size + k) * inner + i)
                indices.append(Int64(k))
            }
        }
        return (offsets, indices, outShape)
    }

    /// `median(dim, keepdim)`: values and indices.
    public func median(dim: Int, keepdim: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        let (o, idx, s) = try medianSelection(dim: dim, keepdim: keepdim)
        return (try reindexed(s, offsets: o), Tensor(shape: s, int64: idx))
    }

    /// `kthvalue(k, dim=-1, keepdim)`: the k-th smallest (1-based) and its index.
    public func kthvalue(_ k: Int, dim: Int = -1, keepdim: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        let (o, idx, s) = try kthSelection(k, dim: dim, keepdim: keepdim)
        return (try reindexed(s, offsets: o), Tensor(shape: s, int64: idx))
    }

    func medianSelection(dim: Int, keepdim: Bool) throws -> (offsets: [Int], indices: [Int64], shape: [Int]) {
        try laneSelection(dim: dim, keepdim: keepdim, what: "median", pick: Tensor.lowerMedianIndex)
    }

    func kthSelection(_ k: Int, dim: Int, keepdim: Bool) throws -> (offsets: [Int], indices: [Int64], shape: [Int]) {
        let d = try Tensor.normalizeDim(dim, rank: Swift.max(rank, 1))
        let size = rank == 0 ? 1 : shape[d]
        guard k >= 1 && k <= size else {
            throw CoreError("kthvalue(): selected number k out of range for dimension \(d)", kind: "RuntimeError")
        }
        return try laneSelection(dim: dim, keepdim: keepdim, what: "kthvalue") { Tensor.quickSelectIndex($0, k - 1) }
    }

    /// `median()`: the lower median of all elements (NaN for an empty tensor or one holding NaN).
    public func medianAll() throws -> Tensor {
        let x = doubles
        if x.isEmpty { return try Tensor.full([], .nan, dtype: dtype) }
        let k = Tensor.lowerMedianIndex(x)
        return try reshaped([-1]).reindexed([], offsets: [k])
    }

    /// The index torch's median picks: the first NaN, else position (n−1)/2 ordered by (value, index).
    static func lowerMedianIndex(_ lane: [Double]) -> Int {
        if let nan = lane.firstIndex(where: { $0.isNaN }) { return nan }
        let order = lane.indices.sorted { lane[$0] < lane[$1] || (lane[$0] == lane[$1] && $0 < $1) }
        return order[(lane.count - 1) / 2]
    }

    /// torch's `quick_select_template` (SortingUtils.h) on (value, index) pairs, comparing values
    /// with NaN largest; returns the index that ends at position `k`.
    static func quickSelectIndex(_ lane: [Double], _ k: Int) -> Int {
        var v = lane, ix = Array(lane.indices)
        func gt(_ a: Double, _ b: Double) -> Bool { (a.isNaN && !b.isNaN) || a > b }
        func swap(_ i: Int, _ j: Int) { v.swapAt(i, j); ix.swapAt(i, j) }
        var lo = 0, hi = v.count - 1
        while true {
            if hi <= lo { break }
            if hi == lo + 1 {
                if gt(v[lo], v[hi]) { swap(lo, hi) }
                break
            }
            let mid = lo + (hi - lo) / 2
            swap(mid, lo + 1)
            if gt(v[lo + 1], v[hi]) { swap(lo + 1, hi) }
            if gt(v[lo], v[hi]) { swap(lo, hi) }
            if gt(v[lo + 1], v[lo]) { swap(lo + 1, lo) }
            var i = lo + 1, j = hi
            let pivot = v[lo]
            while true {
                repeat { i += 1 } while gt(pivot, v[i])
                repeat { j -= 1 } while gt(v[j], pivot)
                if j < i { break }
                swap(i, j)
            }
            swap(lo, j)
            if j <= k { lo = i }
            if j >= k { hi = j - 1 }
        }
        return ix[k]
    }
}
