#if canImport(Glibc)
import Glibc
#endif

/// Losses on probabilities and log-probabilities, with gradients with respect to the input:
/// - `F.nll_loss(input, target, weight, ignore_index, reduction)` (NllLossBackward0 for (C) and
///   (N, C) inputs, NllLoss2DBackward0 for (N, C, d1, …)): `−w[y]·x[y]`, 0 for ignored
///   elements; 'mean' divides by `Σ w[y]` over the non-ignored elements, as torch;
/// - `F.binary_cross_entropy(input, target, weight, reduction)` (BinaryCrossEntropyBackward0):
///   `−w·(t·max(log x, −100) + (1 − t)·max(log(1 − x), −100))`; gradient
///   `w·(x − t) / max((1 − x)·x, 1e−12)`;
/// - `F.kl_div` and `F.cosine_similarity`, composed from differentiable ops as torch composes them.
extension Variable {
    public static func nllLoss(_ input: Variable, _ target: Tensor, weight: Tensor? = nil, ignoreIndex: Int = -100,
                               reduction: Reduction = .mean) throws -> Variable {
        let x = input.data
        guard x.dtype.isFloatingPoint else { throw CoreError("nll_loss expects a floating-point input, got \(x.dtype)", kind: "RuntimeError") }
        let lay = try CrossEntropy.layout(x, target)
        let y = try CrossEntropy.labels(target)
        let cw = weight?.doubles
        if let cw, cw.count != lay.c {
            throw CoreError("weight tensor should be defined either for all \(lay.c) classes or no classes but got weight tensor of shape: \(Tensor.formatShape(weight!.shape))", kind: "RuntimeError")
        }
        let ign = Int64(ignoreIndex), (n, c, s) = (lay.n, lay.c, lay.s)
        for l in y where l != ign && !(l >= 0 && l < Int64(c)) {
            throw CoreError("Target \(l) is out of bounds.", kind: "IndexError")
        }
        let xs = x.doubles
        var elems = [Double](repeating: 0, count: n * s), denom = 0.0
        for b in 0..<n {
            for q in 0..<s where y[b * s + q] != ign {
                let li = Int(y[b * s + q]), w = cw?[li] ?? 1
                elems[b * s + q] = -w * xs[b * c * s + li * s + q]
                denom += w
            }
        }
        let total = elems.reduce(0, +)
        let v: Tensor
        switch reduction {
        case .none: v = Tensor(shape: lay.lossShape, float64: elems).cast(to: x.dtype)
        case .sum: v = Tensor.scalar(total, dtype: x.dtype)
        case .mean: v = Tensor.scalar(total / denom, dtype: x.dtype)
        }
        let name = x.rank >= 3 ? "NllLoss2DBackward0" : "NllLossBackward0"
        return record(name, v, inputs: [input], savesTensors: false) { g, _ in
            let gv = g.doubles
            var gx = [Double](repeating: 0, count: x.count)
            for b in 0..<n {
                for q in 0..<s where y[b * s + q] != ign {
                    let li = Int(y[b * s + q])
                    let scale = reduction == .none ? gv[b * s + q] : reduction == .mean ? gv[0] / denom : gv[0]
                    gx[b * c * s + li * s + q] = -(cw?[li] ?? 1) * scale
                }
            }
            return [Tensor(shape: x.shape, float64: gx).cast(to: x.dtype)]
        }
    }

    public static func binaryCrossEntropy(_ input: Variable, _ target: Tensor, weight: Tensor? = nil,
                                          reduction: Reduction = .mean) throws -> Variable {
        let x = input.data
        guard target.shape == x.shape else {
            throw CoreError("Using a target size (\(Tensor.formatShape(target.shape))) that is different to the input size (\(Tensor.formatShape(x.shape))) is deprecated. Please ensure they have the same size.")
        }
        let xs = x.doubles, ts = target.doubles
        let w = try weight.map { try Broadcast.expand($0.doubles, $0.shape, to: x.shape) }
        for (xi, ti) in zip(xs, ts) {
            guard xi >= 0 && xi <= 1 else { throw CoreError("all elements of input should be between 0 and 1", kind: "RuntimeError") }
            guard ti >= 0 && ti <= 1 else { throw CoreError("all elements of target should be between 0 and 1", kind: "RuntimeError") }
        }
        // torch evaluates each element in the input's dtype
        let f32 = x.dtype != .float64
        func clampLog(_ v: Double) -> Double { Swift.max(f32 ? Double(Float(v)) : v, -100) }
        var elems = xs.indices.map { i -> Double in
            let e = (ts[i] - 1) * clampLog(Glibc.log1p(-xs[i])) - ts[i] * clampLog(Glibc.log(xs[i]))
            return e * (w?[i] ?? 1)
        }
        if f32 { elems = elems.map { Double(Float($0)) } }
        let v: Tensor
        switch reduction {
        case .none: v = Tensor(shape: x.shape, float64: elems).cast(to: x.dtype)
        case .sum: v = Tensor.scalar(elems.reduce(0, +), dtype: x.dtype)
        case .mean: v = Tensor.scalar(elems.reduce(0, +) / Double(elems.count), dtype: x.dtype)
        }
        return record("BinaryCrossEntropyBackward0", v, inputs: [input], saved: [input]) { g, _ in
            let gv = g.doubles
            let norm = reduction == .mean ? 1 / Double(xs.count) : 1
            let gx = xs.indices.map { i -> Double in
                let gi = (reduction == .none ? gv[i] : gv[0]) * norm
                return gi * (xs[i] - ts[i]) / Swift.max((1 - xs[i]) * xs[i], 1e-12) * (w?[i] ?? 1)
            }
            return [Tensor(shape: x.shape, float64: gx).cast(to: x.dtype)]
        }
    }

    /// `F.kl_div(input, target, reduction, log_target)`: torch's `kl_div` — `exp(t)·(t − x)` with
    /// log targets, else `xlogy(t, t) − t·x` — then the reduction; 'batchmean' is the sum divided
    /// by the batch size (the first dimension).
    public static func klDiv(_ input: Variable, _ target: Variable, reduction: String = "mean", logTarget: Bool = false) throws -> Variable {
        let out = logTarget ? try target.exp().mul(try target.sub(input)) : try target.xlogySelf().sub(try target.mul(input))
        switch reduction {
        case "none": return out
        case "sum": return try out.sum()
        case "mean": return try out.mean()
        case "batchmean": return input.rank == 0 ? try out.sum() : try out.sum().div(Double(input.shape[0]))
        default: throw CoreError("\(reduction) is not a valid value for reduction")
        }
    }

    /// `xlogy(t, t)` (XlogyBackward0): `t·log t`, 0 where t == 0; its gradient is the sum of
    /// xlogy's two input gradients, `xlogy(g, t)` (0 where t == 0) and `g·t/t`.
    func xlogySelf() throws -> Variable {
        let t = data
        let v = GradMath.map(t, { $0.isNaN ? .nan : $0 == 0 ? 0 : $0 * Glibc.log($0) })
        return Variable.record("XlogyBackward0", v, inputs: [self], saved: [self]) { g, _ in
            let d = GradMath.zip(g, t, { g, t in (g == 0 || t == 0 ? 0 : g * Glibc.log(t)) + g * t / t },
                                 { g, t in (g == 0 || t == 0 ? 0 : g * logf(t)) + g * t / t })
            return [d]
        }
    }

    /// `F.cosine_similarity(x1, x2, dim, eps)` as torch 2.4 computes it: each input divided by
    /// its 2-norm along `dim` (clamped to `eps` without recording the clamp), then the product
    /// summed along `dim` (SumBackward1).
    public static func cosineSimilarity(_ a: Variable, _ b: Variable, dim: Int = 1, eps: Double = 1e-8) throws -> Variable {
        guard a.dtype.isFloatingPoint || b.dtype.isFloatingPoint else {
            throw CoreError("expected common dtype to be floating point, yet common dtype is \(a.dtype)", kind: "RuntimeError")
        }
        let shape = try Broadcast.shape(a.shape, b.shape)
        let dt: DType = a.dtype == .float64 || b.dtype == .float64 ? .float64 : .float32
        let x1 = try (a.shape == shape ? a : a.expand(shape)).cast(to: dt), x2 = try (b.shape == shape ? b : b.expand(shape)).cast(to: dt)
        func normalized(_ x: Variable) throws -> Variable {
            let n = try x.norm(p: 2, dims: [dim], keepdim: true)
            let clamped = try n.data.clamped(min: eps, max: nil, boundsAreFloat: true)
            let c = Variable.record("CloneBackward0", clamped, inputs: [n], savesTensors: false) { g, _ in [g] }
            return try x.div(c)
        }
        return try normalized(x1).mul(try normalized(x2)).sum(dims: [dim])
    }
}
