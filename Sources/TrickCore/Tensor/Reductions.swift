/// Reductions: sum, mean, prod, std, var, any, all, max/min (with indices), argmax/argmin,
/// amax/amin — `dim` an int, a list of ints, or nil for all, and `keepdim`, as torch.
///
/// dtypes as torch: `sum`/`prod` of bool/int give int64; `mean`/`std`/`var` need a float input
/// (an int input is an error, as torch); float sums accumulate in double and round once.
/// `max`/`min`/`argmax`/`argmin` return the first index on ties and propagate NaN (the index of
/// the first NaN), as torch on CPU. Empty reductions: sum 0, prod 1, mean NaN; max/min/argmax
/// of an empty lane are errors.
extension Tensor {
    /// Calls `f(base, stride, n)` for every lane of the reduction over `dims` (sorted, unique),
    /// in row-major order of the kept dimensions. `dims` empty means all dimensions.
    @inline(__always)
    static func reduceLanes<T, R>(_ a: [T], _ shape: [Int], _ dims: [Int],
                                  _ f: (UnsafePointer<T>, Int, Int) -> R) -> [R] {
        let rank = shape.count
        if dims.isEmpty || dims.count == rank {
            return a.withUnsafeBufferPointer { p in [f(p.baseAddress ?? UnsafePointer(bitPattern: 8)!, 1, a.count)] }
        }
        if dims.count == 1 {
            let d = dims[0]
            let outer = product(shape[..<d]), n = shape[d], inner = product(shape[(d + 1)...])
            var out: [R] = []
            out.reserveCapacity(outer * inner)
            a.withUnsafeBufferPointer { p in
                guard let base = p.baseAddress else {
                    // n == 0 (empty lanes) or outer*inner == 0
                    var dummy: [T] = []
                    dummy.reserveCapacity(1)
                    dummy.withUnsafeBufferPointer { q in
                        let b = q.baseAddress ?? UnsafePointer(bitPattern: 8)!
                        for _ in 0..<(outer * inner) { out.append(f(b, 1, 0)) }
                    }
                    return
                }
                for o in 0..<outer {
                    for i in 0..<inner { out.append(f(base + o * n * inner + i, inner, n)) }
                }
            }
            return out
        }
        // several dimensions: move the kept ones first, then the lanes are contiguous.
        let kept = (0..<rank).filter { !dims.contains($0) }
        let perm = kept + dims
        let st = contiguousStrides(shape)
        let moved = StridedCopy(shape: perm.map { shape[$0] }, strides: perm.map { st[$0] }, offset: 0).apply(a)
        let lanes = product(kept.map { shape[$0] }), n = product(dims.map { shape[$0] })
        return moved.withUnsafeBufferPointer { p in
            let base = p.baseAddress ?? UnsafePointer(bitPattern: 8)!
            return (0..<lanes).map { f(base + $0 * n, 1, n) }
        }
    }

    /// Output shape of a reduction over `dims` (nil: all).
    static func reducedShape(_ shape: [Int], _ dims: [Int], keepdim: Bool) -> [Int] {
        if dims.isEmpty || dims.count == shape.count {
            return keepdim ? [Int](repeating: 1, count: shape.count) : []
        }
        var out: [Int] = []
        for (i, s) in shape.enumerated() {
            if dims.contains(i) { if keepdim { out.append(1) } } else { out.append(s) }
        }
        return out
    }

    func reductionDims(_ dims: [Int]?) throws -> [Int] {
        guard let dims, !dims.isEmpty else { return Array(0..<rank) }
        let ds = try Tensor.normalizeDims(dims, rank: rank)
        return rank == 0 ? [] : ds
    }

    // MARK: sums

    public func sum(dims: [Int]? = nil, keepdim: Bool = false) throws -> Tensor {
        try sumValues(dims: dims, keepdim: keepdim).floatRounded(like: self)
    }

    func sumValues(dims: [Int]? = nil, keepdim: Bool = false) throws -> Tensor {
        let ds = try reductionDims(dims)
        let out = Tensor.reducedShape(shape, ds, keepdim: keepdim)
        switch storage {
        case .float32(let a): return Tensor(shape: out, float32: Tensor.reduceLanes(a, shape, ds, Tensor.sumLane).map { Float($0) })
        case .float64(let a): return Tensor(shape: out, float64: Tensor.reduceLanes(a, shape, ds, Tensor.sumLane))
        case .int64(let a): return Tensor(shape: out, int64: Tensor.reduceLanes(a, shape, ds) { p, s, n in
            var acc: Int64 = 0
            for k in 0..<n { acc &+= p[k * s] }
            return acc
        })
        case .bool(let a): return Tensor(shape: out, int64: Tensor.reduceLanes(a, shape, ds) { p, s, n in
            var acc: Int64 = 0
            for k in 0..<n where p[k * s] { acc += 1 }
            return acc
        })
        }
    }

    @inline(__always)
    static func sumLane<T: BinaryFloatingPoint>(_ p: UnsafePointer<T>, _ s: Int, _ n: Int) -> Double {
        var acc = 0.0
        if s == 1 {
            var a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0
            var k = 0
            while k + 4 <= n {
                a0 += Double(p[k]); a1 += Double(p[k + 1]); a2 += Double(p[k + 2]); a3 += Double(p[k + 3])
                k += 4
            }
            while k < n { acc += Double(p[k]); k += 1 }
            return acc + ((a0 + a1) + (a2 + a3))
        }
        for k in 0..<n { acc += Double(p[k * s]) }
        return acc
    }

    public func mean(dims: [Int]? = nil, keepdim: Bool = false) throws -> Tensor {
        try meanValues(dims: dims, keepdim: keepdim).floatRounded(like: self)
    }

    func meanValues(dims: [Int]? = nil, keepdim: Bool = false) throws -> Tensor {
        guard dtype.isFloatingPoint else {
            throw CoreError("mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: \(dtype.torchScalarName)")
        }
        let ds = try reductionDims(dims)
        let out = Tensor.reducedShape(shape, ds, keepdim: keepdim)
        switch storage {
        case .float32(let a): return Tensor(shape: out, float32: Tensor.reduceLanes(a, shape, ds) { Float(Tensor.sumLane($0, $1, $2) / Double($2)) })
        case .float64(let a): return Tensor(shape: out, float64: Tensor.reduceLanes(a, shape, ds) { Tensor.sumLane($0, $1, $2) / Double($2) })
        default: throw CoreError("internal")
        }
    }

    public func prod(dims: [Int]? = nil, keepdim: Bool = false) throws -> Tensor {
        try prodValues(dims: dims, keepdim: keepdim).floatRounded(like: self)
    }

    func prodValues(dims: [Int]? = nil, keepdim: Bool = false) throws -> Tensor {
        let ds = try reductionDims(dims)
        let out = Tensor.reducedShape(shape, ds, keepdim: keepdim)
        switch storage {
        case .float32(let a):
            if dtype.isNarrow {   // torch multiplies float16 / bfloat16 in their own precision, rounding each step
                let round = dtype.floatRounding
                return Tensor(shape: out, float32: Tensor.reduceLanes(a, shape, ds) { p, s, n in
                    var acc: Float = 1
                    for k in 0..<n { acc = round(acc * p[k * s]) }
                    return acc
                })
            }
            return Tensor(shape: out, float32: Tensor.reduceLanes(a, shape, ds) { p, s, n in
                var acc: Float = 1
                for k in 0..<n { acc *= p[k * s] }
                return acc
            })
        case .float64(let a): return Tensor(shape: out, float64: Tensor.reduceLanes(a, shape, ds) { p, s, n in
            var acc = 1.0
            for k in 0..<n { acc *= p[k * s] }
            return acc
        })
        default:
            let a = int64s
            return Tensor(shape: out, int64: Tensor.reduceLanes(a, shape, ds) { p, s, n in
                var acc: Int64 = 1
                for k in 0..<n { acc = acc &* p[k * s] }
                return acc
            })
        }
    }

    /// `var(dim, correction=1)` (unbiased by default, as torch); two-pass in double.
    public func variance(dims: [Int]? = nil, correction: Double = 1, keepdim: Bool = false) throws -> Tensor {
        try varianceValues(dims: dims, correction: correction, keepdim: keepdim).floatRounded(like: self)
    }

    func varianceValues(dims: [Int]? = nil, correction: Double = 1, keepdim: Bool = false) throws -> Tensor {
        guard dtype.isFloatingPoint else {
            throw CoreError("std and var only support floating point and complex dtypes, got \(dtype)")
        }
        let ds = try reductionDims(dims)
        let out = Tensor.reducedShape(shape, ds, keepdim: keepdim)
        func lane<T: BinaryFloatingPoint>(_ p: UnsafePointer<T>, _ s: Int, _ n: Int) -> Double {
            let m = Tensor.sumLane(p, s, n) / Double(n)
            var acc = 0.0
            for k in 0..<n { let d = Double(p[k * s]) - m; acc += d * d }
            return acc / Swift.max(0, Double(n) - correction)
        }
        switch storage {
        case .float32(let a): return Tensor(shape: out, float32: Tensor.reduceLanes(a, shape, ds, lane).map { Float($0) })
        case .float64(let a): return Tensor(shape: out, float64: Tensor.reduceLanes(a, shape, ds, lane))
        default: throw CoreError("internal")
        }
    }

    public func std(dims: [Int]? = nil, correction: Double = 1, keepdim: Bool = false) throws -> Tensor {
        try variance(dims: dims, correction: correction, keepdim: keepdim).unary(.sqrt)
    }

    public func any(dims: [Int]? = nil, keepdim: Bool = false) throws -> Tensor {
        let ds = try reductionDims(dims)
        return Tensor(shape: Tensor.reducedShape(shape, ds, keepdim: keepdim), bool: Tensor.reduceLanes(bools, shape, ds) { p, s, n in
            for k in 0..<n where p[k * s] { return true }
            return false
        })
    }

    public func all(dims: [Int]? = nil, keepdim: Bool = false) throws -> Tensor {
        let ds = try reductionDims(dims)
        return Tensor(shape: Tensor.reducedShape(shape, ds, keepdim: keepdim), bool: Tensor.reduceLanes(bools, shape, ds) { p, s, n in
            for k in 0..<n where !p[k * s] { return false }
            return true
        })
    }

    // MARK: extrema

    /// Index of the extreme element of a lane: first on ties, first NaN wins.
    @inline(__always)
    static func extremeLane<T: Comparable>(_ p: UnsafePointer<T>, _ s: Int, _ n: Int, max: Bool, isNaN: (T) -> Bool) -> Int {
        var best = 0
        var bv = p[0]
        if isNaN(bv) { return 0 }
        for k in 1..<Swift.max(n, 1) {
            let v = p[k * s]
            if isNaN(v) { return k }
            if max ? v > bv : v < bv { bv = v; best = k }
        }
        return best
    }

    func extremeIndices(_ ds: [Int], max: Bool, what: String) throws -> [Int] {
        let laneLength = ds.isEmpty ? count : Tensor.product(ds.map { shape[$0] })
        if laneLength == 0 {
            throw CoreError("\(what)(): cannot perform reduction on a tensor with no elements along the reduced dimension (shape \(Tensor.formatShape(shape))) because the operation does not have an identity")
        }
        switch storage {
        case .float32(let a): return Tensor.reduceLanes(a, shape, ds) { Tensor.extremeLane($0, $1, $2, max: max, isNaN: { $0.isNaN }) }
        case .float64(let a): return Tensor.reduceLanes(a, shape, ds) { Tensor.extremeLane($0, $1, $2, max: max, isNaN: { $0.isNaN }) }
        case .int64(let a): return Tensor.reduceLanes(a, shape, ds) { Tensor.extremeLane($0, $1, $2, max: max, isNaN: { _ in false }) }
        case .bool(let a):
            let b = a.map { $0 ? 1 : 0 } as [Int8]
            return Tensor.reduceLanes(b, shape, ds) { Tensor.extremeLane($0, $1, $2, max: max, isNaN: { _ in false }) }
        }
    }

    /// `max(dim, keepdim)` / `min(dim, keepdim)`: (values, int64 indices).
    public func extremum(dim: Int, keepdim: Bool = false, max: Bool) throws -> (values: Tensor, indices: Tensor) {
        let d = try Tensor.normalizeDim(dim, rank: rank)
        let ds = rank == 0 ? [] : [d]
        let idx = try extremeIndices(ds, max: max, what: max ? "max" : "min")
        let out = Tensor.reducedShape(shape, ds, keepdim: keepdim)
        let indices = Tensor(shape: out, int64: idx.map { Int64($0) })
        if rank == 0 { return (self, Tensor(shape: [], int64: [0])) }
        let values = try gathered(dim: d, index: indices.reshaped(Tensor.reducedShape(shape, ds, keepdim: true)))
        return (try values.reshaped(out), indices)
    }

    /// `max()` / `min()` of all elements (0-d), or `amax`/`amin` over `dims`.
    public func extremumValue(dims: [Int]? = nil, keepdim: Bool = false, max: Bool) throws -> Tensor {
        try extremumValues(dims: dims, keepdim: keepdim, max: max).keepingDType(of: self)
    }

    func extremumValues(dims: [Int]?, keepdim: Bool, max: Bool) throws -> Tensor {
        let ds = try reductionDims(dims)
        let out = Tensor.reducedShape(shape, ds, keepdim: keepdim)
        if count == 0 {
            throw CoreError("\(max ? "max" : "min")(): expected a non-empty tensor (the operation does not have an identity), got shape \(Tensor.formatShape(shape))")
        }
        func pick<T>(_ a: [T], _ isNaN: @escaping (T) -> Bool, _ better: @escaping (T, T) -> Bool) -> [T] {
            Tensor.reduceLanes(a, shape, ds) { p, s, n in
                var bv = p[0]
                if isNaN(bv) { return bv }
                for k in 1..<Swift.max(n, 1) {
                    let v = p[k * s]
                    if isNaN(v) { return v }
                    if better(v, bv) { bv = v }
                }
                return bv
            }
        }
        switch storage {
        case .float32(let a): return Tensor(shape: out, float32: pick(a, { $0.isNaN }, max ? { $0 > $1 } : { $0 < $1 }))
        case .float64(let a): return Tensor(shape: out, float64: pick(a, { $0.isNaN }, max ? { $0 > $1 } : { $0 < $1 }))
        case .int64(let a): return Tensor(shape: out, int64: pick(a, { _ in false }, max ? { $0 > $1 } : { $0 < $1 }))
        case .bool(let a): return Tensor(shape: out, bool: pick(a, { _ in false }, max ? { $0 && !$1 } : { !$0 && $1 }))
        }
    }

    /// `argmax(dim=None, keepdim=False)` / `argmin`: nil `dim` indexes the flattened tensor.
    public func argExtremum(dim: Int? = nil, keepdim: Bool = false, max: Bool) throws -> Tensor {
        if let dim {
            return try extremum(dim: dim, keepdim: keepdim, max: max).indices
        }
        let idx = try extremeIndices([], max: max, what: max ? "argmax" : "argmin")
        return Tensor(shape: keepdim ? [Int](repeating: 1, count: rank) : [], int64: [Int64(idx[0])])
    }
}
