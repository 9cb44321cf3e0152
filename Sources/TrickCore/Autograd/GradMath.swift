/// Small tensor helpers the backward formulas share.
enum GradMath {
    @inline(__always) static func bin(_ op: BinaryOp, _ a: Tensor, _ b: Tensor) throws -> Tensor { try Tensor.binary(op, a, b) }
    @inline(__always) static func bin(_ op: BinaryOp, _ a: Tensor, _ s: Double) throws -> Tensor {
        try Tensor.binary(op, .tensor(a), .float(s))
    }
    @inline(__always) static func bin(_ op: BinaryOp, _ s: Double, _ a: Tensor) throws -> Tensor {
        try Tensor.binary(op, .float(s), .tensor(a))
    }

    /// Sums a broadcast gradient back to an input's shape (torch `sum_to`): leading dimensions
    /// summed away, dimensions where the input had size 1 summed with keepdim.
    static func sumTo(_ g: Tensor, _ shape: [Int]) throws -> Tensor {
        if g.shape == shape { return g }
        let lead = g.rank - shape.count
        var dims = Array(0..<Swift.max(lead, 0))
        for (i, s) in shape.enumerated() where s == 1 && g.shape[i + lead] != 1 { dims.append(i + lead) }
        if dims.isEmpty { return try g.reshaped(shape) }
        if g.count == 0 || Tensor.product(shape) == 0 {
            return try Tensor.zeros(shape, dtype: g.dtype)
        }
        return try g.sum(dims: dims, keepdim: true).reshaped(shape)
    }

    /// `g` (the gradient of a reduction over `dims`, kept or not) expanded back to `shape`.
    static func expandReduced(_ g: Tensor, _ shape: [Int], dims: [Int], keepdim: Bool) throws -> Tensor {
        var kept = shape
        for d in (dims.isEmpty ? Array(0..<shape.count) : dims) { kept[d] = 1 }
        let gk = keepdim ? g : try g.reshaped(kept)
        return try gk.expanded(shape)
    }

    /// Adds `g[i]` into a zero tensor of `shape` at flat position `offsets[i]` (duplicates
    /// accumulate, in order; a negative offset, a padded position, adds nowhere): the backward of
    /// every gather-like op.
    static func scatterAdd(_ g: Tensor, offsets: [Int], shape: [Int]) throws -> Tensor {
        let n = try Tensor.checkedAllocationCount(shape, dtype: g.dtype)
        switch g.storage {
        case .float64(let a):
            var out = [Double](repeating: 0, count: n)
            for (i, o) in offsets.enumerated() where o >= 0 { out[o] += a[i] }
            return Tensor(shape: shape, float64: out)
        default:
            let a = g.floats
            var out = [Float](repeating: 0, count: n)
            a.withUnsafeBufferPointer { pa in
                out.withUnsafeMutableBufferPointer { po in
                    for (i, o) in offsets.enumerated() where o >= 0 { po[o] += pa[i] }
                }
            }
            return Tensor(shape: shape, float32: out)
        }
    }

    /// The flat source offset of every element `f` picks from a tensor of `shape`: `f` applied to
    /// `arange(n).reshape(shape)`.
    static func sourceOffsets(_ shape: [Int], _ f: (Tensor) throws -> Tensor) throws -> [Int] {
        let n = Tensor.product(shape)
        let ids = Tensor(shape: shape, int64: (0..<Int64(n)).map { $0 })
        return try f(ids).int64s.map { Int($0) }
    }

    /// Elementwise `f(a, b)` for two float tensors of one shape and dtype.
    static func zip(_ a: Tensor, _ b: Tensor, _ f: (Double, Double) -> Double,
                    _ f32: (Float, Float) -> Float) -> Tensor {
        switch (a.storage, b.storage) {
        case (.float32(let x), .float32(let y)):
            return Tensor(shape: a.shape, float32: [Float](unsafeUninitializedCapacity: x.count) { buf, c in
                x.withUnsafeBufferPointer { px in y.withUnsafeBufferPointer { py in
                    for i in 0..<x.count { buf[i] = f32(px[i], py[i]) }
                } }
                c = x.count
            })
        default:
            let x = a.doubles, y = b.doubles
            return Tensor(shape: a.shape, float64: (0..<x.count).map { f(x[$0], y[$0]) })
        }
    }

    /// Elementwise `f(a, b, c)` for three float tensors of one shape and dtype.
    static func zip3(_ a: Tensor, _ b: Tensor, _ c: Tensor, _ f: (Double, Double, Double) -> Double,
                     _ f32: (Float, Float, Float) -> Float) -> Tensor {
        switch (a.storage, b.storage, c.storage) {
        case (.float32(let x), .float32(let y), .float32(let z)):
            return Tensor(shape: a.shape, float32: [Float](unsafeUninitializedCapacity: x.count) { buf, n in
                for i in 0..<x.count { buf[i] = f32(x[i], y[i], z[i]) }
                n = x.count
            })
        default:
            let x = a.doubles, y = b.doubles, z = c.doubles
            return Tensor(shape: a.shape, float64: (0..<x.count).map { f(x[$0], y[$0], z[$0]) })
        }
    }
}
