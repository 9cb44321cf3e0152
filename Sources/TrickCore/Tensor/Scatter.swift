/// Writes at indices: `scatter`, `scatter_add`, `index_add`, `index_fill` (torch 2.4.1), each
/// returning a new tensor (the in-place forms take it: InPlace.swift in the language).
extension Tensor {
    /// For each element of `index` (at coordinates c), the flat offset in this tensor of c with
    /// dimension `d` replaced by the index value, and the flat offset of c in a tensor of
    /// `sourceShape` (scatter's src may be larger than index, as torch allows).
    func scatterOffsets(_ what: String, dim d: Int, index: Tensor, sourceShape: [Int]?) throws -> (self: [Int], source: [Int]) {
        guard index.dtype == .int64 else { throw CoreError("\(what)(): Expected dtype int64 for index", kind: "RuntimeError") }
        guard index.rank == rank || (rank == 0 && index.rank <= 1) else {
            throw CoreError("Index tensor must have the same number of dimensions as self tensor", kind: "RuntimeError")
        }
        for k in 0..<index.rank where k != d && index.shape[k] > (rank == 0 ? 1 : shape[k]) {
            throw CoreError("Expected index \(Tensor.formatShape(index.shape)) to be smaller than self \(Tensor.formatShape(shape)) apart from dimension \(d)", kind: "RuntimeError")
        }
        if let s = sourceShape {
            for k in 0..<index.rank where index.shape[k] > (s.count == 0 ? 1 : s[k]) {
                throw CoreError("Expected index \(Tensor.formatShape(index.shape)) to be smaller than src \(Tensor.formatShape(s))", kind: "RuntimeError")
            }
        }
        let idx = index.int64s, ist = index.strides, st = strides
        let sst = sourceShape.map(Tensor.contiguousStrides) ?? []
        let size = rank == 0 ? 1 : shape[d]
        var out = [Int](repeating: 0, count: idx.count), src = [Int](repeating: 0, count: idx.count)
        for flat in 0..<idx.count {
            var rem = flat, off = 0, soff = 0
            for k in 0..<index.rank {
                let c = rem / ist[k]
                rem -= c * ist[k]
                if !sst.isEmpty { soff += c * sst[k] }
                if k == d {
                    let v = Int(idx[flat])
                    guard v >= -size && v < size else {
                        throw CoreError("index \(v) is out of bounds for dimension \(d) with size \(size)", kind: "RuntimeError")
                    }
                    off += (v < 0 ? v + size : v) * (rank == 0 ? 0 : st[k])
                } else if rank > 0 {
                    off += c * st[k]
                }
            }
            out[flat] = off
            src[flat] = soff
        }
        return (out, src)
    }

    /// `scatter(dim, index, src)`: self with self[…index…] = src[…]; with `add`, `scatter_add`
    /// (`+=`, duplicates accumulate in index order). src is converted to self's dtype.
    public func scattered(dim: Int, index: Tensor, source: Tensor, add: Bool = false) throws -> Tensor {
        let d = rank == 0 ? 0 : try Tensor.normalizeDim(dim, rank: rank)
        guard source.rank == index.rank || (source.rank == 0 && index.rank <= 1) else {
            throw CoreError("Index tensor must have the same number of dimensions as src tensor", kind: "RuntimeError")
        }
        let (o, s) = try scatterOffsets(add ? "scatter_add" : "scatter", dim: d, index: index, sourceShape: source.shape)
        return try written(at: o, values: source.cast(to: dtype), sourceOffsets: s, add: add)
    }

    /// `scatter(dim, index, value)`: a number written at every indexed position.
    public func scattered(dim: Int, index: Tensor, value: Double) throws -> Tensor {
        let d = rank == 0 ? 0 : try Tensor.normalizeDim(dim, rank: rank)
        let (o, _) = try scatterOffsets("scatter", dim: d, index: index, sourceShape: nil)
        let values = try Tensor.full([1], value, dtype: dtype)
        return try written(at: o, values: values, sourceOffsets: [Int](repeating: 0, count: o.count), add: false)
    }

    /// `index_add(dim, index, source, alpha=1)`: source's slices added at the indexed positions of
    /// `dim`; `index_fill(dim, index, value)`: those positions set to value.
    public func indexAdded(dim: Int, index: Tensor, source: Tensor, alpha: Double = 1) throws -> Tensor {
        let d = rank == 0 ? 0 : try Tensor.normalizeDim(dim, rank: rank)
        guard index.rank <= 1 else { throw CoreError("index_add_(): Index is supposed to be a vector", kind: "RuntimeError") }
        let positions = index.int64s
        var expected = shape
        if rank > 0 { expected[d] = positions.count }
        guard source.shape == expected || (rank == 0 && source.count == positions.count) else {
            throw CoreError("index_add_(): Source/destination tensor must have same slice shapes. Destination slice shape: \(Tensor.formatShape(shape)) at dimension \(d) and source slice shape: \(Tensor.formatShape(source.shape)) at dimension 0.", kind: "RuntimeError")
        }
        // the index broadcast along the other dimensions, as scatter_add's
        var idxShape = source.shape
        if rank == 0 { idxShape = [] }
        let inner = rank == 0 ? 1 : shape[(d + 1)...].reduce(1, *), outer = rank == 0 ? 1 : shape[..<d].reduce(1, *)
        var expandedIndex = [Int64](repeating: 0, count: source.count)
        for o in 0..<outer { for (i, p) in positions.enumerated() { for j in 0..<inner { expandedIndex[(o * positions.count + i) * inner + j] = p } } }
        let scaled = alpha == 1 ? source : try Tensor.binary(.mul, .tensor(source), .float(alpha))
        return try scattered(dim: d, index: Tensor(shape: idxShape, int64: expandedIndex), source: scaled, add: true)
    }

    public func indexFilled(dim: Int, index: Tensor, value: Double) throws -> Tensor {
        let d = rank == 0 ? 0 : try Tensor.normalizeDim(dim, rank: rank)
        guard index.rank <= 1 else { throw CoreError("index_fill_(): Index is supposed to be a vector", kind: "RuntimeError") }
        let size = rank == 0 ? 1 : shape[d]
        var mask = [Bool](repeating: false, count: size)
        for p in index.int64s {
            guard p >= -Int64(size) && p < Int64(size) else { throw CoreError("index \(p) is out of bounds for dimension \(d) with size \(size)", kind: "RuntimeError") }
            mask[Int(p < 0 ? p + Int64(size) : p)] = true
        }
        var maskShape = [Int](repeating: 1, count: rank)
        if rank > 0 { maskShape[d] = size }
        return try maskedFilled(Tensor(shape: maskShape, bool: mask), value)
    }

    /// This tensor with `values[sourceOffsets[i]]` written (or added) at `offsets[i]`, in order.
    func written(at offsets: [Int], values: Tensor, sourceOffsets: [Int], add: Bool) throws -> Tensor {
        func apply<T>(_ a: [T], _ v: [T], _ combine: (T, T) -> T) -> [T] {
            var out = a
            for (o, s) in zip(offsets, sourceOffsets) { out[o] = add ? combine(out[o], v[s]) : v[s] }
            return out
        }
        let r: Tensor
        switch (storage, values.storage) {
        case (.float32(let a), .float32(let v)): r = Tensor(shape: shape, float32: apply(a, v, +))
        case (.float64(let a), .float64(let v)): r = Tensor(shape: shape, float64: apply(a, v, +))
        case (.int64(let a), .int64(let v)): r = Tensor(shape: shape, int64: apply(a, v, &+))
        case (.bool(let a), .bool(let v)): r = Tensor(shape: shape, bool: apply(a, v) { $0 || $1 })
        default: throw CoreError("internal: scatter dtype mismatch")
        }
        return r.keepingDType(of: self).rounded(like: self)
    }
}
