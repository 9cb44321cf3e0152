#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import CTrickKernels

/// `torch.nn.functional.batch_norm(input, running_mean, running_var, weight=None, bias=None,
/// training=False, momentum=0.1, eps=1e-5)` with its gradient (NativeBatchNormBackward0),
/// float32, input (N, C) or (N, C, *).
///
/// As torch's CPU kernels (aten/src/ATen/native/cpu/batch_norm_kernel.cpp,
/// Normalization.cpp): training uses the batch statistics — per channel mean and biased
/// variance accumulated in double — and updates the running statistics in place with
/// `(1 − momentum)·running + momentum·stat`, the variance unbiased (`·n/(n−1)`); evaluation
/// uses the running statistics. The output is `x·α + β` with `α = invstd·w`, `β = b − mean·α`.
/// Backward, per channel with `Σg` and `dot = Σ(x − mean)·g` in double: training
/// `∂x = (g − Σg/n − (x − mean)·dot·invstd²/n)·invstd·w`; evaluation `∂x = g·invstd·w`;
/// `∂w = dot·invstd`, `∂b = Σg`. Channels run in parallel (independent, so the split does not
/// change any number).
public final class RunningStats {
    public var mean: Tensor
    public var variance: Tensor
    /// `num_batches_tracked` of a BatchNorm module (counted here; momentum=None is not supported).
    public var batchesTracked: Int64 = 0
    public init(mean: Tensor, variance: Tensor) { self.mean = mean; self.variance = variance }
    public convenience init(channels: Int) throws {
        self.init(mean: try Tensor.zeros([channels]), variance: try Tensor.ones([channels]))
    }
}

extension Variable {
    public static func batchNorm(_ input: Variable, running: RunningStats?, weight: Variable? = nil, bias: Variable? = nil,
                                 training: Bool, momentum: Double = 0.1, eps: Double = 1e-5) throws -> Variable {
        guard input.rank >= 2 else {
            throw CoreError("batch_norm: expected an input of at least 2 dimensions (N, C, …), got shape \(Tensor.formatShape(input.shape))")
        }
        guard input.dtype == .float32 else { throw CoreError("batch_norm: autograd's batch norm computes in float32, got \(input.dtype)") }
        let n = input.shape[0], c = input.shape[1], s = Tensor.product(input.shape.dropFirst(2))
        let count = n * s
        for (name, t) in [("weight", weight?.data), ("bias", bias?.data), ("running_mean", running?.mean), ("running_var", running?.variance)] {
            if let t, t.count != c {
                throw CoreError("batch_norm: \(name) should contain \(c) elements not \(t.count)")
            }
        }
        if training && count <= 1 {
            throw CoreError("Expected more than 1 value per channel when training, got input size \(Tensor.formatShape(input.shape))")
        }
        if !training && running == nil {
            throw CoreError("running_mean and running_var must be defined in evaluation mode")
        }
        let x = input.data.floats
        var mean = [Double](repeating: 0, count: c), invstd = [Double](repeating: 0, count: c)
        if training {
            var varBiased = [Double](repeating: 0, count: c)
            x.withUnsafeBufferPointer { px in
                mean.withUnsafeMutableBufferPointer { pm in
                    varBiased.withUnsafeMutableBufferPointer { pv in
                        invstd.withUnsafeMutableBufferPointer { pi in
                            Variable.forEachChannelGroup(c, work: x.count) { ch0, lanes in
                                for ch in ch0..<(ch0 + lanes) {
                                    var sum = 0.0
                                    for img in 0..<n { sum += Tensor.sumLane(px.baseAddress! + (img * c + ch) * s, 1, s) }
                                    pm[ch] = sum / Double(count)
                                }
                                if lanes == 4 {
                                    trick_bn_square_sums4(px.baseAddress!, n, c, s, ch0, pm.baseAddress! + ch0, pv.baseAddress! + ch0)
                                } else {
                                    for ch in ch0..<(ch0 + lanes) {
                                        let m = pm[ch]
                                        var sq = 0.0
                                        for img in 0..<n {
                                            let p = px.baseAddress! + (img * c + ch) * s
                                            for j in 0..<s { let d = Double(p[j]) - m; sq += d * d }
                                        }
                                        pv[ch] = sq
                                    }
                                }
                                for ch in ch0..<(ch0 + lanes) {
                                    pv[ch] = pv[ch] / Double(count)
                                    pi[ch] = 1 / (pv[ch] + eps).squareRoot()
                                }
                            }
                        }
                    }
                }
            }
            if let running {
                let rm = running.mean.doubles, rv = running.variance.doubles
                let unbiased = Double(count) / Double(count - 1)
                running.mean = Tensor(shape: running.mean.shape, float64: (0..<c).map { (1 - momentum) * rm[$0] + momentum * mean[$0] })
                    .cast(to: running.mean.dtype)
                running.variance = Tensor(shape: running.variance.shape, float64: (0..<c).map {
                    (1 - momentum) * rv[$0] + momentum * varBiased[$0] * unbiased
                }).cast(to: running.variance.dtype)
                running.batchesTracked += 1
            }
        } else if let running {
            mean = running.mean.doubles
            invstd = running.variance.doubles.map { 1 / ($0 + eps).squareRoot() }
        }
        let w = weight?.data.floats, b = bias?.data.floats
        var y = [Float](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                Variable.forEachChannel(c, work: x.count) { ch in
                    let alpha = invstd[ch] * Double(w?[ch] ?? 1)
                    let beta = Double(b?[ch] ?? 0) - mean[ch] * alpha
                    let a32 = Float(alpha), b32 = Float(beta)
                    for img in 0..<n {
                        let base = (img * c + ch) * s
                        for j in 0..<s { py[base + j] = px[base + j] * a32 + b32 }
                    }
                }
            }
        }
        var inputs = [input]
        if let weight { inputs.append(weight) }
        if let bias { inputs.append(bias) }
        let hasW = weight != nil, hasB = bias != nil
        let shape = input.shape
        return record("NativeBatchNormBackward0", Tensor(shape: shape, float32: y), inputs: inputs, saved: [input] + (weight.map { [$0] } ?? [])) { g, need in
            let gv = g.floats
            var gx = need[0] ? [Float](repeating: 0, count: x.count) : []
            var gw = [Float](repeating: 0, count: c), gb = [Float](repeating: 0, count: c)
            // Σg and Σ(x − mean)·g per channel, four channels side by side when the AVX2 build runs
            var sums = [Double](repeating: 0, count: 2 * c)
            x.withUnsafeBufferPointer { px in gv.withUnsafeBufferPointer { pg in sums.withUnsafeMutableBufferPointer { ps in
            mean.withUnsafeBufferPointer { pm in
                Variable.forEachChannelGroup(c, work: x.count) { ch0, lanes in
                    if lanes == 4 {
                        trick_bn_grad_sums4(px.baseAddress!, pg.baseAddress!, n, c, s, ch0, pm.baseAddress! + ch0,
                                            ps.baseAddress! + ch0, ps.baseAddress! + c + ch0)
                        return
                    }
                    for ch in ch0..<(ch0 + lanes) {
                        var sum = 0.0, dot = 0.0
                        let m = pm[ch]
                        for img in 0..<n {
                            let base = (img * c + ch) * s
                            for j in 0..<s {
                                let gj = Double(pg[base + j])
                                sum += gj
                                dot += (Double(px[base + j]) - m) * gj
                            }
                        }
                        ps[ch] = sum
                        ps[c + ch] = dot
                    }
                }
            } } } }
            x.withUnsafeBufferPointer { px in gv.withUnsafeBufferPointer { pg in
            gx.withUnsafeMutableBufferPointer { pgx in gw.withUnsafeMutableBufferPointer { pgw in gb.withUnsafeMutableBufferPointer { pgb in
                Variable.forEachChannel(c, work: x.count) { ch in
                    let sum = sums[ch], dot = sums[c + ch]
                    let m = mean[ch]
                    let istd = invstd[ch], wc = Double(w?[ch] ?? 1)
                    pgw[ch] = Float(dot * istd)
                    pgb[ch] = Float(sum)
                    if need[0] {
                        if training {
                            let k = dot * istd * istd / Double(count), gm = sum / Double(count)
                            let scale = istd * wc
                            for img in 0..<n {
                                let base = (img * c + ch) * s
                                for j in 0..<s {
                                    let dx = (Double(px[base + j]) - m) * k
                                    pgx[base + j] = Float((Double(pg[base + j]) - gm - dx) * scale)
                                }
                            }
                        } else {
                            let scale = Float(istd * wc)
                            for img in 0..<n {
                                let base = (img * c + ch) * s
                                for j in 0..<s { pgx[base + j] = pg[base + j] * scale }
                            }
                        }
                    }
                }
            } } } } }
            var r: [Tensor?] = [need[0] ? Tensor(shape: shape, float32: gx) : nil]
            var k = 1
            if hasW { r.append(need[k] ? Tensor(shape: [c], float32: gw) : nil); k += 1 }
            if hasB { r.append(need[k] ? Tensor(shape: [c], float32: gb) : nil) }
            return r
        }
    }
}

extension Variable {
    /// Runs `body(firstChannel, lanes)` over groups of 4 consecutive channels (`lanes` = 4) when
    /// the AVX2 kernels run, else one channel at a time (`lanes` = 1); the last group may be
    /// smaller. Groups are split over the cores as `forEachChannel` splits channels.
    static func forEachChannelGroup(_ c: Int, work: Int, _ body: (Int, Int) -> Void) {
        let width = VectorKernels.useAVX2 ? 4 : 1
        let groups = (c + width - 1) / width
        forEachChannel(groups, work: work) { grp in
            let ch0 = grp * width, lanes = Swift.min(width, c - ch0)
            if lanes == width || width == 1 { body(ch0, lanes); return }
            for ch in ch0..<(ch0 + lanes) { body(ch, 1) }
        }
    }

    /// Runs `body(channel)` for every channel, the channels split over the cores in two fixed
    /// halves when the tensor is large. Channels are independent (each writes only its own
    /// slots and sums its own elements in order), so the numbers do not depend on the split.
    static func forEachChannel(_ c: Int, work: Int, _ body: (Int) -> Void) {
        let workers = work >= 1 << 16 && c > 1 ? Parallel.workers : 1
        if workers == 1 { for ch in 0..<c { body(ch) }; return }
        let per = (c + workers - 1) / workers
        withoutActuallyEscaping(body) { f in
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                for ch in (w * per)..<Swift.min(c, (w + 1) * per) { f(ch) }
            }
        }
    }
}
