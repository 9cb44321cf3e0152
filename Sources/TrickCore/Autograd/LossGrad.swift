/// Losses with gradients with respect to their input (targets are constants):
/// - `F.cross_entropy(input, target, weight, ignore_index, reduction, label_smoothing)` for index
///   targets — the forward is the core's `CrossEntropy.torchCrossEntropy`; the gradient of an
///   element with label `y` and scale `s` (the output gradient, divided by `Σ w[y]` over
///   non-ignored elements under 'mean') is
///   `s·((1−ε)·w_y·(p − onehot_y) + ε/C·(W·p − w))`, `W = Σ_c w_c`, and 0 for ignored elements;
///   torch names it NllLossBackward0 (2-D input) / NllLoss2DBackward0 (4-D), AddBackward0 with
///   label smoothing (its last op);
/// - `F.binary_cross_entropy_with_logits(input, target, weight, pos_weight, reduction)`
///   (BinaryCrossEntropyWithLogitsBackward0): `((1 + (pw−1)·t)·σ(x) − pw·t)·w·s`;
/// - `F.smooth_l1_loss(input, target, reduction, beta)` (SmoothL1LossBackward0);
/// - `F.l1_loss` is torch's composite `(input − target).abs()` then the reduction.
extension Variable {
    public static func crossEntropy(_ input: Variable, _ target: Tensor, weight: Tensor? = nil, ignoreIndex: Int = -100,
                                    reduction: Reduction = .mean, labelSmoothing: Double = 0) throws -> Variable {
        let x = input.data
        guard !(target.dtype.isFloatingPoint && target.shape == x.shape) else {
            throw CoreError("cross_entropy: gradients are implemented for class-index targets (int64), not probability targets")
        }
        let v = try CrossEntropy.torchCrossEntropy(x, target, weight: weight, ignoreIndex: ignoreIndex,
                                                   reduction: reduction, labelSmoothing: labelSmoothing).cast(to: x.dtype)
        let lay = try CrossEntropy.layout(x, target)
        let y = try CrossEntropy.labels(target)
        let name = labelSmoothing > 0 ? "AddBackward0" : (x.rank >= 3 ? "NllLoss2DBackward0" : "NllLossBackward0")
        let cw = weight?.doubles
        return record(name, v, inputs: [input], saved: [input]) { g, _ in
            let (n, c, s) = (lay.n, lay.c, lay.s)
            let ign = Int64(ignoreIndex), eps = labelSmoothing
            let probs = try x.softmax(dim: x.rank == 1 ? 0 : 1)
            let gv = g.doubles
            var denom = 1.0
            if reduction == .mean {
                denom = 0
                for l in y where l != ign { denom += cw?[Int(l)] ?? 1 }
            }
            let wTotal = cw?.reduce(0, +) ?? Double(c)
            // per element in double, stored once in the input's float type: for each block of
            // pixels the per-pixel factors first, then every class row of the block contiguously
            func run<F: BinaryFloatingPoint>(_ p: [F]) -> [F] {
                let blocksPer = (s + PixelSoftmax.blockSize - 1) / PixelSoftmax.blockSize
                return HugePages.array(count: p.count) { po in
                    p.withUnsafeBufferPointer { pp in
                        y.withUnsafeBufferPointer { yp in
                            Parallel.ranges(n * blocksPer, threads: Parallel.threads(forNanoseconds: 1.0 * Double(p.count))) { first, last in
                                let bs = PixelSoftmax.blockSize
                                withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * bs) { dbl in
                                withUnsafeTemporaryAllocation(of: Int.self, capacity: bs) { lbl in
                                    let scales = dbl.baseAddress!, factors = scales + bs, labels = lbl.baseAddress!
                                    for blk in first..<last {
                                        let b = blk / blocksPer, q0 = (blk % blocksPer) * bs, len = Swift.min(bs, s - q0)
                                        for i in 0..<len {
                                            let label = yp[b * s + q0 + i]
                                            if label == ign { labels[i] = -1; scales[i] = 0; factors[i] = 0; continue }
                                            let li = Int(label)
                                            labels[i] = li
                                            scales[i] = (reduction == .none ? gv[b * s + q0 + i] : gv[0]) / denom
                                            factors[i] = (1 - eps) * (cw?[li] ?? 1)
                                        }
                                        for k in 0..<c {
                                            let row = pp.baseAddress! + b * c * s + k * s + q0, out = po.baseAddress! + b * c * s + k * s + q0
                                            let smooth = eps / Double(c), wk = cw?[k] ?? 1
                                            for i in 0..<len {
                                                let pk = Double(row[i])
                                                var d = factors[i] * (pk - (k == labels[i] ? 1 : 0))
                                                if eps > 0 { d += smooth * (wTotal * pk - wk) }
                                                out[i] = labels[i] < 0 ? 0 : F(scales[i] * d)
                                            }
                                        }
                                    }
                                } }
                            }
                        }
                    }
                }
            }
            switch probs.storage {
            case .float32(let a): return [Tensor(shape: x.shape, float32: run(a))]
            case .float64(let a): return [Tensor(shape: x.shape, float64: run(a))]
            default: return [Tensor(shape: x.shape, float64: run(probs.doubles)).cast(to: x.dtype)]
            }
        }
    }

    public static func binaryCrossEntropyWithLogits(_ input: Variable, _ target: Tensor, weight: Tensor? = nil,
                                                    posWeight: Tensor? = nil, reduction: Reduction = .mean) throws -> Variable {
        let x = input.data
        let v = try CrossEntropy.torchBCEWithLogits(x, target, weight: weight, posWeight: posWeight, reduction: reduction).cast(to: x.dtype)
        let shape = x.shape
        return record("BinaryCrossEntropyWithLogitsBackward0", v, inputs: [input], saved: [input]) { g, _ in
            let pw = try posWeight.map { try Broadcast.expand($0.doubles, $0.shape, to: shape) }
            let w = try weight.map { try Broadcast.expand($0.doubles, $0.shape, to: shape) }
            let xs = x.doubles, ts = target.doubles, gv = g.doubles
            let norm = reduction == .mean ? 1 / Double(xs.count) : 1
            var gx = [Double](repeating: 0, count: xs.count)
            for i in xs.indices {
                let sig = 1 / (1 + Double.exp(-xs[i]))
                let t = ts[i]
                var d: Double
                if let pw {
                    d = (1 + (pw[i] - 1) * t) * sig - pw[i] * t
                } else {
                    d = sig - t
                }
                if let w { d *= w[i] }
                gx[i] = d * (reduction == .none ? gv[i] : gv[0]) * norm
            }
            return [Tensor(shape: shape, float64: gx).cast(to: x.dtype)]
        }
    }

    /// `F.smooth_l1_loss(input, target, reduction='mean', beta=1.0)`; beta 0 is the L1 loss.
    public static func smoothL1Loss(_ input: Variable, _ target: Variable, reduction: Reduction = .mean, beta: Double = 1) throws -> Variable {
        guard beta >= 0 else { throw CoreError("smooth_l1_loss does not support negative values for beta.") }
        return try piecewiseQuadratic("SmoothL1LossBackward0", input, target, reduction: reduction, beta: beta, scale: 1)
    }

    /// `F.huber_loss(input, target, reduction='mean', delta=1.0)` (HuberLossBackward0): `delta`
    /// times the smooth L1 loss with `beta = delta`.
    public static func huberLoss(_ input: Variable, _ target: Variable, reduction: Reduction = .mean, delta: Double = 1) throws -> Variable {
        guard delta > 0 else { throw CoreError("huber_loss does not support non-positive values for delta.", kind: "RuntimeError") }
        return try piecewiseQuadratic("HuberLossBackward0", input, target, reduction: reduction, beta: delta, scale: delta)
    }

    /// `scale ·` (`0.5·d²/beta` where `|d| < beta`, else `|d| − 0.5·beta`), `d = input − target`.
    static func piecewiseQuadratic(_ name: String, _ input: Variable, _ target: Variable, reduction: Reduction,
                                   beta: Double, scale: Double) throws -> Variable {
        let x = input.data, t = target.data
        let outShape = try Broadcast.shape(x.shape, t.shape)
        let diff = try Tensor.binary(.sub, x, t)
        let z = diff.doubles
        let elems = z.map { d -> Double in
            let a = Swift.abs(d)
            return scale == 1 ? (a < beta ? 0.5 * d * d / beta : a - 0.5 * beta) : (a < beta ? 0.5 * d * d : scale * (a - 0.5 * beta))
        }
        var v = Tensor(shape: outShape, float64: elems).cast(to: diff.dtype)
        switch reduction {
        case .none: break
        case .sum: v = try v.sum()
        case .mean: v = try v.mean()
        }
        let xs = x.shape, ts = t.shape
        return record(name, v, inputs: [input, target], saved: [input, target]) { g, need in
            let gv = g.doubles
            let norm = reduction == .mean ? 1 / Double(z.count) : 1
            let gd = Tensor(shape: outShape, float64: z.indices.map { i in
                let d = z[i], gi = (reduction == .none ? gv[i] : gv[0]) * norm
                if d < -beta { return -gi * scale }
                if d > beta { return gi * scale }
                return beta == 0 ? 0 : gi * d * (scale / beta)
            }).cast(to: diff.dtype)
            return [need[0] ? try GradMath.sumTo(gd, xs) : nil, need[1] ? try GradMath.sumTo(try gd.unary(.neg), ts) : nil]
        }
    }

    /// `F.l1_loss(input, target, reduction='mean')`, composed as torch composes it.
    public static func l1Loss(_ input: Variable, _ target: Variable, reduction: Reduction = .mean) throws -> Variable {
        let a = try input.sub(target).abs()
        switch reduction {
        case .none: return a
        case .sum: return try a.sum()
        case .mean: return try a.mean()
        }
    }
}
