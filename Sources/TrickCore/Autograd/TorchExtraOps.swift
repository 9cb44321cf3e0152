#if canImport(Glibc)
import Glibc
#endif

/// torch functions pasted training code calls that compose from others: addmm / baddbmm,
/// logit, nansum / nanmean, frac, sgn, cummax / cummin, `Tensor.unfold` (sliding windows along
/// one dimension), select, tensor_split, quantile / nanquantile, xlogy. Values and gradients are
/// torch 2.4.1's (derivatives.yaml); `grad_fn` names are torch's.
extension Variable {
    /// Runs `body` on stand-ins for `inputs` and records one node named `name` (torch's name for
    /// the op), whose backward differentiates through what `body` built. For ops torch computes
    /// as one kernel with a formula equal to the composition (addmm = β·input + α·m1@m2).
    static func fused(_ name: String, _ inputs: [Variable], _ body: ([Variable]) throws -> Variable) throws -> Variable {
        guard GradMode.isEnabled, inputs.contains(where: \.requiresGrad) else {
            return Variable(computed: try GradMode.noGrad { try body(inputs) }.data, gradFn: nil)
        }
        let leaves = try inputs.map { try Variable($0.data, requiresGrad: $0.requiresGrad) }
        let out = try body(leaves)
        let shapes = inputs.map(\.shape), dtypes = inputs.map(\.dtype)
        return Variable.record(name, out.data, inputs: inputs, saved: inputs.filter(\.requiresGrad)) { g, need in
            let wanted = leaves.indices.filter { need[$0] && leaves[$0].requiresGrad }
            var r = [Tensor?](repeating: nil, count: inputs.count)
            var got = [Tensor?](repeating: nil, count: wanted.count)
            if out.requiresGrad && !wanted.isEmpty {
                got = try GradMode.enableGrad {
                    try Autograd.grad([out], wanted.map { leaves[$0] }, gradOutputs: [g], retainGraph: true, allowUnused: true)
                }
            }
            for (k, i) in wanted.enumerated() { r[i] = try got[k] ?? Tensor.zeros(shapes[i], dtype: dtypes[i]) }
            return r
        }
    }

    /// `torch.addmm(input, mat1, mat2, beta=1, alpha=1)` (AddmmBackward0): β·input + α·(mat1 @ mat2).
    public static func addmm(_ input: Variable, _ m1: Variable, _ m2: Variable, beta: Double = 1, alpha: Double = 1) throws -> Variable {
        guard m1.rank == 2 else { throw CoreError("mat1 must be a matrix, got \(m1.rank)-D tensor", kind: "RuntimeError") }
        guard m2.rank == 2 else { throw CoreError("mat2 must be a matrix, got \(m2.rank)-D tensor", kind: "RuntimeError") }
        guard m1.shape[1] == m2.shape[0] else {
            throw CoreError("mat1 and mat2 shapes cannot be multiplied (\(m1.shape[0])x\(m1.shape[1]) and \(m2.shape[0])x\(m2.shape[1]))", kind: "RuntimeError")
        }
        return try fused("AddmmBackward0", [input, m1, m2]) { v in try scaledSum(v[0], beta, try v[1].matmul(v[2]), alpha) }
    }

    /// `torch.baddbmm(input, batch1, batch2, beta=1, alpha=1)` (BaddbmmBackward0).
    public static func baddbmm(_ input: Variable, _ b1: Variable, _ b2: Variable, beta: Double = 1, alpha: Double = 1) throws -> Variable {
        try fused("BaddbmmBackward0", [input, b1, b2]) { v in
            let p = try v[1].bmm(v[2])
            guard (try? Broadcast.shape(v[0].shape, p.shape)) == p.shape else {
                throw CoreError("The expanded size of the tensor (\(p.shape.last ?? 0)) must match the existing size (\(v[0].shape.last ?? 0)) at non-singleton dimension \(p.rank - 1).  Target sizes: \(Tensor.formatShape(p.shape)).  Tensor sizes: \(Tensor.formatShape(v[0].shape))", kind: "RuntimeError")
            }
            return try scaledSum(v[0], beta, p, alpha)
        }
    }

    /// β·a + α·b, with torch's rule that β = 0 ignores `a` (NaN and inf in it do not propagate).
    static func scaledSum(_ a: Variable, _ beta: Double, _ b: Variable, _ alpha: Double) throws -> Variable {
        let bb = alpha == 1 ? b : try b.mul(alpha)
        if beta == 0 { return try bb.add(try Variable(try Tensor.zeros(a.shape, dtype: a.dtype))) }
        return try (beta == 1 ? a : try a.mul(beta)).add(bb)
    }

    /// `torch.logit(input, eps=None)` (LogitBackward0): log(z / (1 − z)) with z = clamp(x, eps, 1 − eps);
    /// the gradient is grad / (x(1 − x)), zero outside [eps, 1 − eps] when eps is given (NaN outside [0, 1] without).
    public func logit(eps: Double?) throws -> Variable {
        let x = data.dtype.isFloatingPoint ? data : data.cast(to: .float32)
        // in the tensor's precision, as torch (1 − eps rounds in float32)
        let single = x.storageDType == .float32
        let lo = single ? Double(Float(eps ?? 0)) : (eps ?? 0), hi = single ? Double(1 - Float(eps ?? 0)) : 1 - (eps ?? 0)
        let v: Tensor
        if single {
            v = Tensor(shape: x.shape, float32: x.floats.map { z0 -> Float in
                var z = z0
                if eps != nil { z = z < Float(lo) ? Float(lo) : (z > Float(hi) ? Float(hi) : z) }
                return Float(Foundation_log(Double(z / (1 - z))))
            }).cast(to: x.dtype)
        } else {
            v = try Tensor.mapFloating(x) { z0 in
                var z = z0
                if eps != nil { z = z < lo ? lo : (z > hi ? hi : z) }
                return Foundation_log(z / (1 - z))
            }
        }
        return Variable.record("LogitBackward0", v, inputs: [self], saved: [self]) { g, _ in
            let d = try Tensor.mapFloating(x) { z in
                if eps != nil, z < lo || z > hi { return 0 }
                return 1 / (z * (1 - z))
            }
            return [try GradMath.bin(.mul, g, d)]
        }
    }

    /// `torch.nansum(input, dim, keepdim)` (NansumBackward0): the sum with NaN counted as zero.
    public func nansum(dims: [Int]?, keepdim: Bool) throws -> Variable {
        let a = data
        let nan = try a.dtype.isFloatingPoint ? a.unary(.isnan) : Tensor.full(a.shape, 0, dtype: .bool)
        let clean = a.dtype.isFloatingPoint ? try Tensor.whereSelect(nan, .float(0), .tensor(a)) : a
        let ds = try a.reductionDims(dims)
        let v = try clean.sum(dims: dims, keepdim: keepdim)
        return Variable.record("NansumBackward0", v, inputs: [self], saved: [self]) { g, _ in
            let ge = try GradMath.expandReduced(g, a.shape, dims: ds, keepdim: keepdim)
            return [try Tensor.whereSelect(nan, .float(0), .tensor(ge))]
        }
    }

    /// `torch.nanmean` (torch's composite: nansum / number of non-NaN elements, DivBackward0).
    public func nanmean(dims: [Int]?, keepdim: Bool) throws -> Variable {
        guard data.dtype.isFloatingPoint else {
            throw CoreError("nanmean(): expected input to have floating point or complex dtype but got \(data.dtype.torchScalarName)", kind: "RuntimeError")
        }
        let count = try data.unary(.isnan).unary(.not).cast(to: data.dtype).sum(dims: dims, keepdim: keepdim)
        return try nansum(dims: dims, keepdim: keepdim).div(try Variable(count))
    }

    /// An op torch has no derivative for (`aminmax`): recorded under torch's `NotImplemented`
    /// node, whose backward raises torch's error.
    public func withoutDerivative(_ op: String) -> Variable {
        Variable.record("torch::autograd::NotImplemented", data, inputs: [self], savesTensors: false) { _, _ in
            throw CoreError("derivative for aten::\(op) is not implemented", kind: "RuntimeError")
        }
    }

    /// `torch.frac` (FracBackward0): x − trunc(x), gradient passed through.
    public func frac() throws -> Variable {
        guard data.dtype.isFloatingPoint else {
            throw CoreError("\"frac_cpu\" not implemented for '\(data.dtype.torchScalarName)'", kind: "RuntimeError")
        }
        let v = try Tensor.binary(.sub, data, try data.unary(.trunc))
        return Variable.record("FracBackward0", v, inputs: [self], savesTensors: false) { g, _ in [g] }
    }

    /// `torch.sgn` (SgnBackward0): the sign for real tensors; gradient zero.
    public func sgn() throws -> Variable {
        let v = try data.unary(.sign)
        let s = shape, dt = dtype
        return Variable.record("SgnBackward0", v, inputs: [self], savesTensors: false) { _, _ in [try Tensor.zeros(s, dtype: dt)] }
    }

    /// `torch.cummax` / `torch.cummin` (CummaxBackward0 / CumminBackward0): the running extremum
    /// along dim and where it was last reached (torch: `>=` / `<=`, so ties take the later index;
    /// a NaN wins and stays). The gradient goes to those indices.
    public func cumulativeExtremum(dim: Int, max: Bool) throws -> (values: Variable, indices: Tensor) {
        let a = data
        let (values, indices) = try a.cumulativeExtremum(dim: dim, max: max)
        let d = try Tensor.normalizeDim(dim, rank: Swift.max(a.rank, 1))
        let out = Variable.record(max ? "CummaxBackward0" : "CumminBackward0", values, inputs: [self], saved: [self]) { g, _ in
            guard a.rank > 0 else { return [g] }
            return [try GradMath.scatterAdd(g, offsets: try Tensor.offsets(along: d, indices: indices, shape: a.shape), shape: a.shape)]
        }
        return (out, indices)
    }

    /// `Tensor.unfold(dimension, size, step)` (UnfoldBackward0): every window of `size` elements
    /// `step` apart along `dimension`, as a new last dimension.
    public func unfoldDim(_ dimension: Int, size: Int, step: Int) throws -> Variable {
        try gatherLike("UnfoldBackward0") { try $0.unfoldDim(dimension, size: size, step: step) }
    }

    /// `torch.select(input, dim, index)` (SelectBackward0).
    public func select(dim: Int, index: Int) throws -> Variable {
        let d = try Tensor.normalizeDim(dim, rank: rank)
        let n = shape[d]
        guard index >= -n && index < n else {
            throw CoreError("select(): index \(index) out of range for tensor of size \(Tensor.formatShape(shape)) at dimension \(dim)", kind: "IndexError")
        }
        return try subscripted(Array(repeating: TensorIndex.slice(nil, nil, nil), count: d) + [.int(index)])
    }

    /// `torch.tensor_split(input, indices_or_sections, dim)`: n near-equal parts (the first
    /// size % n one longer) or the pieces between the given indices (SliceBackward0 each).
    public func tensorSplit(sections: Int?, indices: [Int]?, dim: Int) throws -> [Variable] {
        let d = try Tensor.normalizeDim(dim, rank: rank)
        let n = shape[d]
        var bounds: [Int] = []
        if let sections {
            guard sections > 0 else { throw CoreError("number of sections must be larger than 0, got \(sections)", kind: "RuntimeError") }
            let base = n / sections, extra = n % sections
            var start = 0
            for i in 0..<sections { bounds.append(start); start += base + (i < extra ? 1 : 0) }
            bounds.append(n)
        } else {
            bounds = [0] + (indices ?? []) + [n]
        }
        var out: [Variable] = []
        for i in 0..<(bounds.count - 1) {
            var lo = bounds[i], hi = bounds[i + 1]
            if lo < 0 { lo = Swift.max(lo + n, 0) }
            if hi < 0 { hi = Swift.max(hi + n, 0) }
            lo = Swift.min(lo, n); hi = Swift.min(Swift.max(hi, lo), n)
            out.append(try narrow(d, lo, hi - lo))
        }
        return out
    }

    /// `torch.xlogy(x, y)` (XlogyBackward0): x·log(y), 0 where x == 0 (unless y is NaN).
    public static func xlogy(_ x: Variable, _ y: Variable) throws -> Variable {
        let a = x.data, b = y.data
        let fa = a.dtype.isFloatingPoint ? a : a.cast(to: b.dtype.isFloatingPoint ? b.dtype : .float32)
        let fb = b.dtype.isFloatingPoint ? b : b.cast(to: fa.dtype)
        let v = try Tensor.mapFloating2(fa, fb) { p, q in q.isNaN ? .nan : (p == 0 ? 0 : p * Foundation_log(q)) }
        return Variable.record("XlogyBackward0", v, inputs: [x, y], saved: [x, y]) { g, need in
            [need[0] ? try GradMath.sumTo(try GradMath.bin(.mul, g, try Tensor.mapFloating2(fa, fb) { p, q in p == 0 && q <= 0 ? 0 : Foundation_log(q) }), a.shape) : nil,
             need[1] ? try GradMath.sumTo(try GradMath.bin(.mul, g, try GradMath.bin(.div, fa, fb)), b.shape) : nil]
        }
    }

    /// `torch.quantile` / `torch.nanquantile` (torch's composite: sort, then lerp / pick between
    /// neighbours, so the gradient flows through the sort). `q` scalar or 1-D; with a 1-D q the
    /// result has q's dimension first. Interpolation 'linear', 'lower', 'higher', 'midpoint', 'nearest'
    /// (nearest rounds half to even, as torch). quantile gives NaN for a lane holding a NaN;
    /// nanquantile ignores NaNs (NaN for an all-NaN lane).
    public func quantile(_ q: [Double], scalarQ: Bool, dim: Int?, keepdim: Bool, interpolation: String, ignoreNaN: Bool) throws -> Variable {
        let fname = ignoreNaN ? "nanquantile" : "quantile"
        guard data.dtype == .float32 || data.dtype == .float64 else {
            throw CoreError("\(fname)() input tensor must be either float or double dtype", kind: "RuntimeError")
        }
        guard data.count > 0 else { throw CoreError("\(fname)() input tensor must be non-empty", kind: "RuntimeError") }
        for p in q where !(p >= 0 && p <= 1) { throw CoreError("\(fname)() q values must be in the range [0, 1]", kind: "RuntimeError") }
        // lanes along the last dimension of `sorted`
        var x: Variable = self
        var outShape: [Int]
        if let dim {
            let d = try Tensor.normalizeDim(dim, rank: Swift.max(rank, 1))
            if rank == 0 { x = try reshape([1]) } else if d != rank - 1 { x = try x.transpose(d, rank - 1) }
            outShape = shape
            if rank > 0 { if keepdim { outShape[d] = 1 } else { outShape.remove(at: d) } }
        } else {
            x = try reshape([data.count])
            outShape = keepdim ? Array(repeating: 1, count: rank) : []
        }
        let lane = x.shape.last!
        let (sorted, _) = try x.sort(dim: -1)   // NaN last, as torch
        let sd = sorted.data
        let lanes = sd.count / lane
        let vals = sd.doubles
        var results: [Variable] = []
        let f32 = sd.dtype == .float32
        for p in q {
            // torch's quantile_compute: ranks in the input's dtype, NaN lanes to the last rank
            // (quantile) or counted without NaNs (nanquantile); below = floor, above = ceil
            var lo = [Int64](repeating: 0, count: lanes), hi = lo
            var w = [Double](repeating: 0, count: lanes)
            for l in 0..<lanes {
                var rank: Double
                if ignoreNaN {
                    var valid = 0
                    for k in 0..<lane where !vals[l * lane + k].isNaN { valid += 1 }
                    rank = f32 ? Double(Float(p) * Float(valid - 1)) : p * Double(valid - 1)
                    if rank < 0 { rank = 0 }
                } else if vals[l * lane + lane - 1].isNaN {
                    rank = Double(lane - 1)
                } else {
                    rank = f32 ? Double(Float(p) * Float(lane - 1)) : p * Double(lane - 1)
                }
                switch interpolation {
                case "lower": rank = rank.rounded(.down)
                case "higher": rank = rank.rounded(.up)
                case "nearest": rank = rank.rounded(.toNearestOrEven)
                default: break
                }
                lo[l] = Int64(rank.rounded(.down))
                hi[l] = Int64(rank.rounded(.up))
                w[l] = interpolation == "midpoint" ? 0.5 : (interpolation == "linear" ? rank - rank.rounded(.down) : 0)
                if interpolation != "linear" && interpolation != "midpoint" { hi[l] = lo[l] }
            }
            let idxShape = Array(sorted.shape.dropLast()) + [1]
            let a = try sorted.gather(dim: -1, index: Tensor(shape: idxShape, int64: lo))
            var r = a
            if interpolation == "linear" || interpolation == "midpoint" {
                let b = try sorted.gather(dim: -1, index: Tensor(shape: idxShape, int64: hi))
                let wt = Tensor(shape: idxShape, float64: w).cast(to: sd.dtype)
                r = try a.add(try b.sub(a).mul(try Variable(wt)))          // lerp(below, above, w)
            }
            results.append(try r.reshape(outShape))
        }
        if scalarQ { return results[0] }
        return try Variable.stack(results, dim: 0)
    }
}

extension Tensor {
    /// `f` applied to every element of a floating tensor in double, stored in its dtype.
    static func mapFloating(_ t: Tensor, _ f: (Double) -> Double) throws -> Tensor {
        switch t.storage {
        case .float64(let a): return Tensor(shape: t.shape, float64: a.map(f))
        default:
            let r = Tensor(shape: t.shape, float32: t.floats.map { Float(f(Double($0))) })
            return t.dtype == .float32 || !t.dtype.isFloatingPoint ? r : r.cast(to: t.dtype)
        }
    }

    /// `f` on two broadcast floating tensors, in the promoted dtype.
    static func mapFloating2(_ a: Tensor, _ b: Tensor, _ f: (Double, Double) -> Double) throws -> Tensor {
        let shape = try Broadcast.shape(a.shape, b.shape)
        let ea = try a.expanded(shape), eb = try b.expanded(shape)
        let dt: DType = (a.dtype == .float64 || b.dtype == .float64) ? .float64 : .float32
        let xs = ea.doubles, ys = eb.doubles
        var out = [Double](repeating: 0, count: xs.count)
        for i in 0..<xs.count { out[i] = f(xs[i], ys[i]) }
        return Tensor(shape: shape, float64: out).cast(to: dt)
    }

    /// cummax / cummin values and indices along `dim`.
    public func cumulativeExtremum(dim: Int, max: Bool) throws -> (values: Tensor, indices: Tensor) {
        if rank == 0 { return (self, Tensor(shape: [], int64: [0])) }
        let d = try Tensor.normalizeDim(dim, rank: rank)
        let n = shape[d], inner = Tensor.product(shape[(d + 1)...]), outer = Tensor.product(shape[..<d])
        var idx = [Int64](repeating: 0, count: count)
        var src = [Int](repeating: 0, count: count)
        let vals = doubles
        for o in 0..<outer {
            for i in 0..<inner {
                var best = 0.0, bestAt = 0
                for k in 0..<n {
                    let off = (o * n + k) * inner + i
                    let x = vals[off]
                    if k == 0 || x.isNaN || (!best.isNaN && (max ? x >= best : x <= best)) {
                        best = x; bestAt = k
                    }
                    idx[off] = Int64(bestAt)
                    src[off] = (o * n + bestAt) * inner + i
                }
            }
        }
        let values = try GradMath.gatherFlat(self, src).reshaped(shape)
        return (values, Tensor(shape: shape, int64: idx))
    }

    /// Flat source offsets of `indices` taken along `dim` of a tensor of `shape` (same shape as indices).
    static func offsets(along d: Int, indices: Tensor, shape: [Int]) throws -> [Int] {
        let n = shape[d], inner = Tensor.product(shape[(d + 1)...])
        let ids = indices.int64s
        var out = [Int](repeating: 0, count: ids.count)
        for f in 0..<ids.count {
            let i = f % inner, o = f / (inner * n)
            out[f] = (o * n + Int(ids[f])) * inner + i
        }
        return out
    }

    /// `Tensor.unfold(dimension, size, step)`: shape with `dimension` → (n − size) / step + 1 and
    /// a new last dimension of `size`.
    public func unfoldDim(_ dimension: Int, size: Int, step: Int) throws -> Tensor {
        let d = try Tensor.normalizeDim(dimension, rank: Swift.max(rank, 1))
        let n = rank == 0 ? 1 : shape[d]
        guard size <= n else {
            throw CoreError("maximum size for tensor at dimension \(d) is \(n) but size is \(size)", kind: "RuntimeError")
        }
        guard step > 0 else { throw CoreError("step is \(step) but must be > 0", kind: "RuntimeError") }
        guard size >= 0 else { throw CoreError("size is \(size) but must be >= 0", kind: "RuntimeError") }
        if rank == 0 { return try reshaped([1]) }
        let windows = (n - size) / step + 1
        var outShape = shape
        outShape[d] = windows
        outShape.append(size)
        let inner = Tensor.product(shape[(d + 1)...]), outer = Tensor.product(shape[..<d])
        var src: [Int] = []
        src.reserveCapacity(Tensor.product(outShape))
        for o in 0..<outer {
            for w in 0..<windows {
                for i in 0..<inner {
                    for k in 0..<size { src.append((o * n + w * step + k) * inner + i) }
                }
            }
        }
        return try GradMath.gatherFlat(self, src).reshaped(outShape)
    }
}

extension GradMath {
    /// The elements of `t` at flat offsets `src`, as a 1-D tensor of t's dtype.
    static func gatherFlat(_ t: Tensor, _ src: [Int]) throws -> Tensor {
        let flat = try t.reshaped([t.count])
        return try flat.subscripted([.tensor(Tensor(shape: [src.count], int64: src.map { Int64($0) }))])
    }
}

@inline(__always) func Foundation_log(_ x: Double) -> Double { log(x) }
