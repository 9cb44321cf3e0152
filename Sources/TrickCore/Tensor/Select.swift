/// Selection: `where`, `gather`, `clamp`, `masked_fill`, `nonzero`, `unique`, `index_select`.
extension Tensor {
    /// `torch.where(condition, x, y)`: broadcast all three; x and y promote as a binary op.
    public static func whereSelect(_ condition: Tensor, _ x: Operand, _ y: Operand) throws -> Tensor {
        let dt = DType.resultType([x, y])
        let xy = try Broadcast.shape(x.shape, y.shape)
        let out = try Broadcast.shape(condition.shape, xy)
        let c = try Broadcast.expand(condition.bools, condition.shape, to: out)
        let a = x.tensor(as: dt), b = y.tensor(as: dt)
        func sel<T>(_ p: [T], _ q: [T]) throws -> [T] {
            let pe = try Broadcast.expand(p, a.shape, to: out), qe = try Broadcast.expand(q, b.shape, to: out)
            return (0..<c.count).map { c[$0] ? pe[$0] : qe[$0] }
        }
        let r: Tensor
        switch (a.storage, b.storage) {
        case (.float32(let p), .float32(let q)): r = Tensor(shape: out, float32: try sel(p, q))
        case (.float64(let p), .float64(let q)): r = Tensor(shape: out, float64: try sel(p, q))
        case (.int64(let p), .int64(let q)): r = Tensor(shape: out, int64: try sel(p, q))
        case (.bool(let p), .bool(let q)): r = Tensor(shape: out, bool: try sel(p, q))
        default: throw CoreError("internal: where dtype mismatch")
        }
        return r.fitted(to: dt)
    }

    /// `torch.gather(input, dim, index)`: out[i][j][k] = input[index[i][j][k]][j][k] (dim 0).
    /// `index` may be smaller than `input` in the other dimensions, as torch allows.
    public func gathered(dim: Int, index: Tensor) throws -> Tensor {
        guard index.dtype == .int64 else { throw CoreError("gather(): expected index to be an int64 tensor, got \(index.dtype)") }
        let d = try Tensor.normalizeDim(dim, rank: rank)
        guard index.rank == rank || (rank == 0 && index.rank <= 1) else {
            throw CoreError("gather(): index tensor must have the same number of dimensions as input tensor (input \(Tensor.formatShape(shape)), index \(Tensor.formatShape(index.shape)))")
        }
        if rank == 0 {
            for v in index.int64s where v != 0 && v != -1 { throw CoreError("gather(): index \(v) is out of bounds for a 0-d tensor") }
            return self
        }
        for k in 0..<rank where k != d && index.shape[k] > shape[k] {
            throw CoreError("gather(): size of index (\(Tensor.formatShape(index.shape))) must not exceed input size (\(Tensor.formatShape(shape))) in dimension \(k)")
        }
        let idx = index.int64s, st = strides, ist = index.strides
        let size = shape[d]
        var offsets = [Int](repeating: 0, count: idx.count)
        for flat in 0..<idx.count {
            var rem = flat, off = 0
            for k in 0..<rank {
                let c = rem / ist[k]
                rem -= c * ist[k]
                if k == d {
                    var v = Int(idx[flat])
                    if v < 0 { v += size }
                    guard v >= 0 && v < size else {
                        throw CoreError("gather(): index \(idx[flat]) is out of bounds for dimension \(d) with size \(size)")
                    }
                    off += v * st[k]
                } else {
                    off += c * st[k]
                }
            }
            offsets[flat] = off
        }
        return Tensor(shape: index.shape, storage: storage.map(OffsetGather(offsets: offsets))).keepingDType(of: self)
    }

    /// `index_select(dim, index)` for a 1-D int64 index.
    public func indexSelect(dim: Int, index: Tensor) throws -> Tensor {
        let d = try Tensor.normalizeDim(dim, rank: rank)
        guard index.rank <= 1 else { throw CoreError("index_select(): index must be 1-D, got shape \(Tensor.formatShape(index.shape))") }
        var items: [TensorIndex] = [TensorIndex](repeating: .slice(nil, nil, nil), count: d)
        items.append(.tensor(index.rank == 0 ? try index.reshaped([1]) : index))
        return try subscripted(items)
    }

    /// `clamp(min=None, max=None)`; with only float bounds an int tensor becomes float32 (torch promotes).
    /// `boundsAreFloat`: a bound was a Python float (an int tensor then gives float32, as torch).
    public func clamped(min lo: Double?, max hi: Double?, boundsAreFloat: Bool = false) throws -> Tensor {
        try clampedValues(min: lo, max: hi, boundsAreFloat: boundsAreFloat).rounded(like: self)
    }

    func clampedValues(min lo: Double?, max hi: Double?, boundsAreFloat: Bool) throws -> Tensor {
        guard lo != nil || hi != nil else { throw CoreError("clamp(): at least one of 'min' or 'max' must not be None") }
        let boundIsFloat = boundsAreFloat
        var t = self
        if !dtype.isFloatingPoint && boundIsFloat { t = cast(to: .float32) }
        if t.dtype == .bool { t = t.cast(to: .int64) }
        switch t.storage {
        case .float32(let a):
            let l = lo.map { Float($0) }, h = hi.map { Float($0) }
            return Tensor(shape: shape, float32: a.map { v in
                if v.isNaN { return v }
                var r = v
                if let l, r < l { r = l }
                if let h, r > h { r = h }
                return r
            })
        case .float64(let a):
            return Tensor(shape: shape, float64: a.map { v in
                if v.isNaN { return v }
                var r = v
                if let lo, r < lo { r = lo }
                if let hi, r > hi { r = hi }
                return r
            })
        case .int64(let a):
            let l = lo.map { Int64(clampingDouble: $0) }, h = hi.map { Int64(clampingDouble: $0) }
            return Tensor(shape: shape, int64: a.map { v in
                var r = v
                if let l, r < l { r = l }
                if let h, r > h { r = h }
                return r
            })
        case .bool: throw CoreError("internal")
        }
    }

    /// `clamp(min=tensor, max=tensor)` with broadcasting (torch: max wins where min > max).
    public func clamped(min lo: Tensor?, max hi: Tensor?) throws -> Tensor {
        var r = self
        if let lo { r = try Tensor.binary(.maximum, .tensor(r), .tensor(lo)) }
        if let hi { r = try Tensor.binary(.minimum, .tensor(r), .tensor(hi)) }
        return r
    }

    /// `masked_fill(mask, value)`: mask broadcasts to this tensor's shape; dtype kept.
    public func maskedFilled(_ mask: Tensor, _ value: Double) throws -> Tensor {
        try dtype.checkRepresentable(value)
        return try maskedFilledValues(mask, value).rounded(like: self)
    }

    func maskedFilledValues(_ mask: Tensor, _ value: Double) throws -> Tensor {
        guard mask.dtype == .bool else { throw CoreError("masked_fill(): expected a bool mask, got \(mask.dtype)") }
        guard Broadcast.canExpand(mask.shape, to: shape) else {
            throw CoreError("masked_fill(): mask of shape \(Tensor.formatShape(mask.shape)) cannot be broadcast to the tensor's shape \(Tensor.formatShape(shape))")
        }
        let m = try Broadcast.expand(mask.bools, mask.shape, to: shape)
        switch storage {
        case .float32(var a): let v = Float(value); for i in 0..<a.count where m[i] { a[i] = v }; return Tensor(shape: shape, float32: a)
        case .float64(var a): for i in 0..<a.count where m[i] { a[i] = value }; return Tensor(shape: shape, float64: a)
        case .int64(var a):
            let v = try DType.exactInt64(value)
            for i in 0..<a.count where m[i] { a[i] = v }
            return Tensor(shape: shape, int64: a)
        case .bool(var a): for i in 0..<a.count where m[i] { a[i] = value != 0 }; return Tensor(shape: shape, bool: a)
        }
    }

    /// `nonzero()`: (n, rank) int64 coordinates of the non-zero elements in row-major order.
    public func nonzero() -> Tensor {
        let b = bools
        var coords: [Int64] = []
        let st = strides
        var n = 0
        for i in 0..<b.count where b[i] {
            var rem = i
            for k in 0..<rank {
                coords.append(Int64(rem / st[k]))
                rem %= st[k]
            }
            n += 1
        }
        return Tensor(shape: [n, rank], int64: coords)
    }

    /// `unique(sorted=True, return_inverse=False, return_counts=False)` of the flattened tensor.
    public func unique() -> (values: Tensor, inverse: Tensor, counts: Tensor) {
        let vals = doubles
        // NaN sorts last (a strict weak order, so the sort is well defined)
        func less(_ x: Double, _ y: Double) -> Bool { (!x.isNaN && y.isNaN) || x < y }
        let order = (0..<vals.count).sorted { less(vals[$0], vals[$1]) || (!less(vals[$1], vals[$0]) && $0 < $1) }
        var uniq: [Int] = []  // representative flat index
        var counts: [Int64] = []
        var inverse = [Int64](repeating: 0, count: vals.count)
        for i in order {
            if let last = uniq.last, vals[last] == vals[i] {
                counts[counts.count - 1] += 1
            } else {
                uniq.append(i); counts.append(1)
            }
            inverse[i] = Int64(uniq.count - 1)
        }
        let values = Tensor(shape: [uniq.count], storage: storage.map(OffsetGather(offsets: uniq))).keepingDType(of: self)
        return (values, Tensor(shape: shape, int64: inverse), Tensor(counts))
    }
}

/// Gathers elements at flat offsets (any dtype).
struct OffsetGather: StorageTransform {
    let offsets: [Int]
    func apply<T>(_ a: [T]) -> [T] {
        a.withUnsafeBufferPointer { p in offsets.map { p[$0] } }
    }
}

extension Int64 {
    /// The nearest Int64 to `d` (saturating; NaN gives 0), for bounds given as doubles.
    init(clampingDouble d: Double) {
        if d.isNaN { self = 0 } else if d >= 9.2233720368547758e18 { self = .max } else if d <= -9.2233720368547758e18 { self = .min } else { self = Int64(d) }
    }
}
