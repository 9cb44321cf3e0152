/// `sort`, `argsort`, `topk` along a dimension, with torch's CPU results including the order
/// of equal values: `sort(stable=False)` is libstdc++ `std::sort` on (value, index) pairs,
/// `stable=True` keeps the input order of ties, `topk` is torch's `topk_impl_loop`
/// (aten/src/ATen/native/TopKImpl.h: `partial_sort` when k * 64 <= n, else `nth_element`
/// then `sort` of the first k - 1). NaN counts as larger than every number.
extension Tensor {
    /// Runs `body` on each lane along `dim` as (value, index) pairs and writes back `outLen`
    /// pairs per lane; returns (values, indices) of shape `shape` with `dim` resized.
    func laneSort(dim: Int, outLen: Int, _ body: (inout StdSort<Double>) -> Void,
                  descending: Bool) throws -> (values: Tensor, indices: Tensor) {
        let d = rank == 0 ? 0 : try Tensor.normalizeDim(dim, rank: rank)
        let shp = rank == 0 ? [1] : shape
        let outer = Tensor.product(shp[..<d]), n = shp[d], inner = Tensor.product(shp[(d + 1)...])
        var outShape = shp
        outShape[d] = outLen
        let keys = doubles
        var order = [Int](repeating: 0, count: outer * outLen * inner)  // source flat offsets
        var idx = [Int64](repeating: 0, count: outer * outLen * inner)
        let lessAsc: (Double, Double) -> Bool = { x, y in (!x.isNaN && y.isNaN) || x < y }
        let lessDesc: (Double, Double) -> Bool = { x, y in (x.isNaN && !y.isNaN) || x > y }
        var s = StdSort<Double>(a: [], less: descending ? lessDesc : lessAsc)
        for o in 0..<outer {
            for i in 0..<inner {
                let base = o * n * inner + i
                s.a = (0..<n).map { (keys[base + $0 * inner], Int64($0)) }
                body(&s)
                let ob = o * outLen * inner + i
                for j in 0..<outLen {
                    let src = Int(s.a[j].1)
                    order[ob + j * inner] = base + src * inner
                    idx[ob + j * inner] = Int64(src)
                }
            }
        }
        let finalShape = rank == 0 ? [] : outShape
        let values = Tensor(shape: finalShape, storage: storage.map(OffsetGather(offsets: order)))
        return (values, Tensor(shape: finalShape, int64: idx))
    }

    /// `sort(dim=-1, descending=False, stable=False)`.
    public func sorted(dim: Int = -1, descending: Bool = false, stable: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        let n = rank == 0 ? 1 : shape[try Tensor.normalizeDim(dim, rank: rank)]
        return try laneSort(dim: dim, outLen: n, { s in
            if stable {
                let less = s.less
                s.a.sort { less($0.0, $1.0) || (!less($1.0, $0.0) && $0.1 < $1.1) }
            } else {
                s.sort(0, s.a.count)
            }
        }, descending: descending)
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
        return try laneSort(dim: dim, outLen: k, { s in
            guard k > 0 else { return }
            let m = s.a.count
            if k * 64 <= m {
                s.partialSort(0, k, m)
            } else {
                s.nthElement(0, k - 1, m)
                if sorted { s.sort(0, k - 1) }
            }
        }, descending: largest)
    }
}
