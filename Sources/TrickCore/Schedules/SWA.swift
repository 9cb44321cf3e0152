/// Stochastic Weight Averaging over named tensors: `torch.optim.swa_utils.AveragedModel`'s
/// `update_parameters` (CPU path) and `update_bn`'s BatchNorm statistics.
/// See reference/param-groups-schedules-swa.md §7.1, §7.2, §8.15–16.
public enum AveragingRule: Sendable, Equatable {
    /// Equal-weight SWA: `avg + (cur - avg) / (n_averaged + 1)` (torch `get_swa_avg_fn`, CPU).
    case swa
    /// `decay * avg + (1 - decay) * cur` (torch `get_ema_avg_fn(decay)`).
    case ema(decay: Double)
    /// MMEngine `StochasticWeightAverage` with `interval`: averages on every `interval`-th call
    /// (`steps % interval == 0`) with weight `1 / (steps // interval + 1)`; other calls leave it.
    case mmengineSWA(interval: Int)
    /// MMEngine `ExponentialMovingAverage(momentum, interval)`: `avg.lerp_(src, momentum)` on every
    /// `interval`-th call (torch's lerp: `a + w(b - a)` for w < 0.5, else `b - (b - a)(1 - w)`, fused).
    case mmengineEMA(momentum: Double, interval: Int)
    /// torch `get_ema_multi_avg_fn(decay)`: `torch._foreach_lerp_(avg, cur, 1 - decay)`.
    case emaLerp(decay: Double)
    /// torch `get_swa_multi_avg_fn()`: `torch._foreach_lerp_(avg, cur, 1 / (n_averaged + 1))`, the
    /// weight computed as a float32 tensor (`n_averaged` is an int64 buffer) and read back as a scalar.
    case swaLerp
}

public final class AveragedModel {
    public private(set) var names: [String]
    public private(set) var params: [Tensor]
    /// torch's `n_averaged` buffer: the number of `update_parameters` calls.
    public private(set) var nAveraged = 0
    /// MMEngine's `steps` counter (calls so far).
    public private(set) var steps = 0
    public let rule: AveragingRule

    public init(names: [String], params: [Tensor], rule: AveragingRule = .swa) throws {
        guard names.count == params.count else { throw CoreError("AveragedModel: \(names.count) names for \(params.count) tensors") }
        if case .mmengineEMA(let mo, let k) = rule {
            guard k > 0 else { throw CoreError("ExponentialMovingAverage: interval must be a positive integer, got \(k)") }
            guard mo > 0, mo < 1 else { throw CoreError("ExponentialMovingAverage: momentum must be in (0, 1), got \(mo)") }
        }
        if case .mmengineSWA(let k) = rule, k <= 0 { throw CoreError("AveragedModel: interval must be a positive integer, got \(k)") }
        if case .ema(let d) = rule, !(d >= 0 && d <= 1) { throw CoreError("AveragedModel: EMA decay must be in [0, 1], got \(d)") }
        self.names = names
        self.params = params
        self.rule = rule
    }

    public func param(_ name: String) -> Tensor? { names.firstIndex(of: name).map { params[$0] } }

    /// `update_parameters(model)`: the first call copies; later calls average by `rule`, or by
    /// `custom(avg, current, n_averaged)` (a user `avg_fn`) when given.
    public func update(names newNames: [String], params current: [Tensor],
                       custom: ((Tensor, Tensor, Int) throws -> Tensor)? = nil) throws {
        guard Set(newNames) == Set(names), newNames.count == names.count else {
            throw CoreError("update_parameters: the model has parameters \(newNames) but the averaged model has \(names)")
        }
        var incoming: [Tensor] = []
        for (i, n) in names.enumerated() {
            let t = current[newNames.firstIndex(of: n)!]
            guard t.shape == params[i].shape else {
                throw CoreError("update_parameters: '\(n)' has shape \(t.shape) but the averaged parameter has shape \(params[i].shape)")
            }
            incoming.append(t.cast(to: params[i].dtype))
        }
        defer { nAveraged += 1; steps += 1 }
        if nAveraged == 0 {
            params = incoming
            return
        }
        if let f = custom {
            for i in params.indices {
                let t = try f(params[i], incoming[i], nAveraged)
                guard t.shape == params[i].shape else {
                    throw CoreError("avg_fn returned shape \(t.shape) for '\(names[i])', expected \(params[i].shape)")
                }
                params[i] = t.cast(to: params[i].dtype)
            }
            return
        }
        for i in params.indices {
            if let t = AveragedModel.average(params[i], incoming[i], rule: rule, nAveraged: nAveraged, steps: steps) { params[i] = t }
        }
    }

    /// One tensor's update after the first call (the first copies): `avg` blended with `cur` by
    /// `rule`, `nAveraged` / `steps` being the counts before this call; nil when the rule skips
    /// this call (MMEngine's `interval`). Used per tensor by `update` and by the averaged copies
    /// of real modules (the language's `AveragedModel(model)`).
    public static func average(_ avg: Tensor, _ cur: Tensor, rule: AveragingRule, nAveraged: Int, steps: Int) -> Tensor? {
        switch rule {
        case .swa:
            return blend(avg, cur) { avg, cur in avg + (cur - avg) / Double(nAveraged + 1) }
                f32: { avg, cur in avg + (cur - avg) / Float(nAveraged + 1) }
        case .ema(let decay):
            let a = Float(decay), b = Float(1 - decay)
            return blend(avg, cur) { avg, cur in decay * avg + (1 - decay) * cur }
                f32: { avg, cur in a * avg + b * cur }
        case .mmengineSWA(let interval):
            guard steps % interval == 0 else { return nil }
            let w = 1 / Double(steps / interval + 1)
            let wf = Float(w)
            // torch `add_(src - avg, alpha=w)` runs a fused multiply-add on CPU.
            return blend(avg, cur) { avg, cur in avg.addingProduct(cur - avg, w) }
                f32: { avg, cur in avg.addingProduct(cur - avg, wf) }
        case .mmengineEMA(let m, let interval):
            guard steps % interval == 0 else { return nil }
            return lerp(avg, cur, weight: m)
        case .emaLerp(let decay):
            return lerp(avg, cur, weight: 1 - decay)
        case .swaLerp:
            return lerp(avg, cur, weight: Double(1 / Float(nAveraged + 1)))
        }
    }

    /// torch's CPU `lerp_(avg, cur, weight)`: `avg + w (cur - avg)` for |w| < 0.5, else
    /// `cur - (cur - avg)(1 - w)`, fused, in the tensor's precision.
    static func lerp(_ avg: Tensor, _ cur: Tensor, weight m: Double) -> Tensor {
        let mf = Float(m)
        return blend(avg, cur) { avg, cur in
            abs(m) < 0.5 ? avg.addingProduct(m, cur - avg) : cur.addingProduct(-(1 - m), cur - avg)
        } f32: { avg, cur in
            abs(mf) < 0.5 ? avg.addingProduct(mf, cur - avg) : cur.addingProduct(-(1 - mf), cur - avg)
        }
    }

    /// Elementwise update in the tensor's own precision (float32 as torch on CPU; float64; integer
    /// tensors computed in double and truncated, as `copy_` into an integer tensor does).
    static func blend(_ avg: Tensor, _ cur: Tensor, _ f64: (Double, Double) -> Double, f32: (Float, Float) -> Float) -> Tensor {
        switch (avg.storage, cur.storage) {
        case (.float32(let a), .float32(let c)):
            var out = [Float](repeating: 0, count: a.count)
            a.withUnsafeBufferPointer { pa in c.withUnsafeBufferPointer { pc in
                for j in 0..<pa.count { out[j] = f32(pa[j], pc[j]) }
            } }
            return Tensor(shape: avg.shape, float32: out)
        case (.float64(let a), .float64(let c)):
            var out = [Double](repeating: 0, count: a.count)
            a.withUnsafeBufferPointer { pa in c.withUnsafeBufferPointer { pc in
                for j in 0..<pa.count { out[j] = f64(pa[j], pc[j]) }
            } }
            return Tensor(shape: avg.shape, float64: out)
        default:
            let a = avg.doubles, c = cur.doubles
            var out = [Double](repeating: 0, count: a.count)
            for j in 0..<a.count { out[j] = f64(a[j], c[j]).rounded(.towardZero) }
            return Tensor(shape: avg.shape, float64: out).cast(to: avg.dtype)
        }
    }
}

/// `update_bn`: BatchNorm running statistics recomputed over batches with `momentum=None`
/// (cumulative average with factor 1/num_batches_tracked, starting from mean 0 / var 1), i.e. the
/// plain mean over batches of each batch's per-channel mean and unbiased variance.
public enum BatchNormStats {
    /// `batches`: tensors of shape (N, C, *) — the inputs the BN layer sees. Returns
    /// (running_mean, running_var, num_batches_tracked), float32 as torch's buffers.
    public static func cumulative(_ batches: [Tensor]) throws -> (mean: Tensor, variance: Tensor, count: Int) {
        guard let first = batches.first else { throw CoreError("update_bn: no batches") }
        guard first.rank >= 2 else { throw CoreError("update_bn: a batch must have shape (N, C, ...), got \(first.shape)") }
        let C = first.shape[1]
        var mean = [Double](repeating: 0, count: C), variance = [Double](repeating: 1, count: C)
        for (bi, b) in batches.enumerated() {
            guard b.rank == first.rank, b.shape[1] == C else {
                throw CoreError("update_bn: batch \(bi) has shape \(b.shape), expected (N, \(C), ...) like batch 0 \(first.shape)")
            }
            let N = b.shape[0], inner = b.shape.dropFirst(2).reduce(1, *), n = N * inner
            guard n > 1 else { throw CoreError("update_bn: Expected more than 1 value per channel when training, got input size \(b.shape)") }
            let x = b.doubles
            let factor = 1.0 / Double(bi + 1)
            for c in 0..<C {
                var s = 0.0
                for i in 0..<N { let base = (i * C + c) * inner; for j in 0..<inner { s += x[base + j] } }
                let m = s / Double(n)
                var ss = 0.0
                for i in 0..<N { let base = (i * C + c) * inner; for j in 0..<inner { let d = x[base + j] - m; ss += d * d } }
                let unbiased = ss / Double(n - 1)
                mean[c] = Double(Float(factor * m + (1 - factor) * mean[c]))
                variance[c] = Double(Float(factor * unbiased + (1 - factor) * variance[c]))
            }
        }
        return (Tensor(shape: [C], float32: mean.map(Float.init)), Tensor(shape: [C], float32: variance.map(Float.init)), batches.count)
    }
}
