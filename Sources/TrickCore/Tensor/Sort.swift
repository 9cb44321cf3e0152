/// `sort`, `argsort`, `topk` along a dimension, with torch's CPU results including the order
/// of equal values: `sort(stable=False)` is libstdc++ `std::sort` on (value, index) pairs,
/// `stable=True` keeps the input order of ties, `topk` is torch's `topk_impl_loop`
/// (aten/src/ATen/native/TopKImpl.h: `partial_sort` when k * 64 <= n, else `nth_element`
/// then `sort` of the first k - 1). NaN counts as larger than every number.
extension Tensor {
    /// Runs `body` on each lane along `dim` as (value, index) pairs and writes back `outLen`
    /// pairs per lane; returns (values, indices) of shape `shape` with `dim` resized.
    func laneSort(dim: Int, outLen: Int, descending: Bool, _ body: (inout StdSort<Ascending>) -> Void,
                  _ bodyDesc: (inout StdSort<Descending>) -> Void) throws -> (values: Tensor, indices: Tensor) {
        let d = rank == 0 ? 0 : try Tensor.normalizeDim(dim, rank: rank)
        let shp = rank == 0 ? [1] : shape
        let outer = Tensor.product(shp[..<d]), n = shp[d], inner = Tensor.product(shp[(d + 1)...])
        var outShape = shp
        outShape[d] = outLen
        let keys = doubles
        var order = [Int](repeating: 0, count: outer * outLen * inner)  // source flat offsets
        var idx = [Int64](repeating: 0, count: outer * outLen * inner)
        var s = StdSort<Ascending>(a: [])
        var sd = StdSort<Descending>(a: [])
        for o in 0..<outer {
            for i in 0..<inner {
                let base = o * n * inner + i
                let lane = (0..<n).map { (keys[base + $0 * inner], Int64($0)) }
                let sortedLane: [(Double, Int64)]
                if descending { sd.a = lane; bodyDesc(&sd); sortedLane = sd.a } else { s.a = lane; body(&s); sortedLane = s.a }
                let ob = o * outLen * inner + i
                for j in 0..<outLen {
                    let src = Int(sortedLane[j].1)
                    order[ob + j * inner] = base + src * inner
                    idx[ob + j * inner] = Int64(src)
                }
            }
        }
        let finalShape = rank == 0 ? [] : outShape
        let values = Tensor(shape: finalShape, storage: storage.map(OffsetGather(offsets: order))).keepingDType(of: self)
        return (values, Tensor(shape: finalShape, int64: idx))
    }

    /// `sort(dim=-1, descending=False, stable=False)`.
    public func sorted(dim: Int = -1, descending: Bool = false, stable: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        let n = rank == 0 ? 1 : shape[try Tensor.normalizeDim(dim, rank: rank)]
        // torch sorts 1-D int64 tensors of at least GRAIN_SIZE (32768) elements ascending with
        // fbgemm's radix sort, which is stable (SortingKernel.cpp `can_use_radix_sort`).
        let stable = stable || (dtype == .int64 && rank == 1 && !descending && count >= 32768)
        func run<O>(_ s: inout StdSort<O>) {
            if stable {
                s.a.sort { O.less($0.0, $1.0) || (!O.less($1.0, $0.0) && $0.1 < $1.1) }
            } else {
                s.sort(0, s.a.count)
            }
        }
        return try laneSort(dim: dim, outLen: n, descending: descending, { run(&$0) }, { run(&$0) })
    }

    /// `argsort(dim=-1, descending=False, stable=False)`.
    public func argsorted(dim: Int = -1, descending: Bool = false, stable: Bool = false) throws -> Tensor {
        try sorted(dim: dim, descending: descending, stable: stable).indices
    }

    /// `topk(k, dim=-1, largest=True, sorted=True)`.
    public func topk(_ k: Int, dim: Int = -1, largest: Bool = true, sorted: Bool = true) throws -> (values: Tensor, indices: Tensor) {
        let n = rank == 0 ? 1 : shape[try Tensor.normalizeDim(dim, rank: rank)]
        guard k >= 0 && k <= n else {
            throw CoreError("topk(): selected index k out of range (k = \(k), but the dimension has size \(n))")
        }
        func run<O>(_ s: inout StdSort<O>) {
            guard k > 0 else { return }
            let m = s.a.count
            if k * 64 <= m {
                s.partialSort(0, k, m)
            } else {
                s.nthElement(0, k - 1, m)
                if sorted { s.sort(0, k - 1) }
            }
        }
        return try laneSort(dim: dim, outLen: k, descending: largest, { run(&$0) }, { run(&$0) })
    }
}
