#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// MMCV 1.x `lr_config` policies (`mmcv/runner/hooks/lr_updater.py`, v1.7.2): absolute formulas of
/// the iteration / epoch (not chained), with the warm-up multiplying the already scheduled
/// ("regular") lr. See reference/param-groups-schedules-swa.md §6.2, §6.5 and §8.13, §8.17.
public struct LegacyLrConfig: Sendable {
    public enum Policy: Sendable {
        case fixed
        case step(steps: [Int], interval: Int?, gamma: Double, minLR: Double?)
        case exp(gamma: Double)
        case poly(power: Double, minLR: Double)
        case inv(gamma: Double, power: Double)
        case cosineAnnealing(minLR: Double?, minLRRatio: Double?)
        case cosineRestart(periods: [Int], restartWeights: [Double], minLR: Double?, minLRRatio: Double?)
        /// `target_ratio = (r0, r1)`, `cyclic_times`, `step_ratio_up`, `gamma`, cos or linear anneal.
        case cyclic(targetRatio: (Double, Double), cyclicTimes: Int, stepRatioUp: Double, gamma: Double, cosine: Bool)
    }
    public enum Warmup: String, Sendable { case constant, linear, exp }

    public var policy: Policy
    public var byEpoch: Bool
    public var warmup: Warmup?
    public var warmupIters: Int
    public var warmupRatio: Double
    public var warmupByEpoch: Bool

    public init(policy: Policy, byEpoch: Bool = true, warmup: Warmup? = nil, warmupIters: Int = 0,
                warmupRatio: Double = 0.1, warmupByEpoch: Bool = false) throws {
        if warmup != nil {
            guard warmupIters > 0 else { throw CoreError("lr_config: \"warmup_iters\" must be a positive integer, got \(warmupIters)") }
            guard warmupRatio > 0, warmupRatio <= 1 else { throw CoreError("lr_config: \"warmup_ratio\" must be in range (0,1], got \(warmupRatio)") }
        }
        if case .cyclic(_, let times, let up, _, _) = policy {
            guard !byEpoch else { throw CoreError("lr_config: cyclic policy currently only supports by_epoch=False") }
            guard times > 0 else { throw CoreError("lr_config: cyclic_times must be positive, got \(times)") }
            guard up >= 0, up < 1 else { throw CoreError("lr_config: \"step_ratio_up\" must be in range [0,1), got \(up)") }
        }
        if case .cosineAnnealing(let a, let b) = policy, (a == nil) == (b == nil) {
            throw CoreError("lr_config: exactly one of min_lr and min_lr_ratio must be given for CosineAnnealing")
        }
        if case .cosineRestart(let p, let w, let a, let b) = policy {
            guard (a == nil) != (b == nil) else { throw CoreError("lr_config: exactly one of min_lr and min_lr_ratio must be given for CosineRestart") }
            guard p.count == w.count else { throw CoreError("lr_config: periods and restart_weights should have the same length.") }
            guard p.allSatisfy({ $0 > 0 && $0 <= 1 << 48 }) else { throw CoreError("lr_config: periods must be in 1…2^48, got \(p)") }
        }
        if case .step(let s, let iv, _, _) = policy {
            if let iv, iv <= 0 { throw CoreError("lr_config: step must be a positive integer, got \(iv)") }
            if s.contains(where: { $0 <= 0 }) { throw CoreError("lr_config: every step must be positive, got \(s)") }
        }
        self.policy = policy
        self.byEpoch = byEpoch
        self.warmup = warmup
        self.warmupIters = warmupIters
        self.warmupRatio = warmupRatio
        self.warmupByEpoch = warmupByEpoch
    }
}

public enum LegacyLrUpdater {
    /// mmcv `annealing_cos(start, end, factor, weight=1)`.
    public static func annealingCos(_ start: Double, _ end: Double, _ factor: Double, _ weight: Double = 1) -> Double {
        let cosOut = cos(Double.pi * factor) + 1
        return end + 0.5 * weight * (start - end) * cosOut
    }

    public static func annealingLinear(_ start: Double, _ end: Double, _ factor: Double) -> Double {
        start + (end - start) * factor
    }

    /// `get_lr(runner, base_lr)` for `progress` (the epoch when by_epoch, else the iteration).
    static func regularLR(_ c: LegacyLrConfig, base: Double, progress: Int, maxProgress: Int, iter: Int, maxIters: Int) throws -> Double {
        switch c.policy {
        case .fixed: return base
        case .step(let steps, let interval, let gamma, let minLR):
            var e: Int
            if let iv = interval { e = progress / iv } else {
                e = steps.count
                for (i, s) in steps.enumerated() where progress < s { e = i; break }
            }
            var lr = base * pow(gamma, Double(e))
            if let m = minLR { lr = max(lr, m) }
            return lr
        case .exp(let gamma): return base * pow(gamma, Double(progress))
        case .poly(let power, let minLR):
            let coeff = pow(1 - Double(progress) / Double(maxProgress), power)
            return (base - minLR) * coeff + minLR
        case .inv(let gamma, let power): return base * pow(1 + gamma * Double(progress), -power)
        case .cosineAnnealing(let minLR, let ratio):
            let target = ratio.map { base * $0 } ?? minLR!
            return annealingCos(base, target, Double(progress) / Double(maxProgress))
        case .cosineRestart(let periods, let weights, let minLR, let ratio):
            let target = ratio.map { base * $0 } ?? minLR!
            var acc = 0
            let cumulative = periods.map { acc += $0; return acc }
            guard let idx = cumulative.firstIndex(where: { progress < $0 }) else {
                throw CoreError("lr_config: Current iteration \(progress) exceeds cumulative_periods \(cumulative)")
            }
            let restart = idx == 0 ? 0 : cumulative[idx - 1]
            let alpha = min(Double(progress - restart) / Double(periods[idx]), 1)
            return annealingCos(base, target, alpha, weights[idx])
        case .cyclic(let ratio, let times, let upRatio, let gamma, let cosine):
            let P = maxIters / times
            guard P > 0 else { throw CoreError("lr_config: max_iters \(maxIters) is smaller than cyclic_times \(times)") }
            let up = Int(upRatio * Double(P))
            let phases: [(Int, Int, Double, Double)] = [(0, up, 1, ratio.0), (up, P, ratio.0, ratio.1)]
            let cur = iter % P
            let scale = pow(gamma, Double(iter / P))
            for (start, end, s0, e0) in phases where start <= cur && cur < end {
                var s = s0, e = e0
                if start == 0 { e = 1 - scale + e * scale } else { s = 1 - scale + s * scale }
                let f = Double(cur - start) / Double(end - start)
                return cosine ? annealingCos(base * s, base * e, f) : annealingLinear(base * s, base * e, f)
            }
            return base
        }
    }

    static func warmed(_ c: LegacyLrConfig, _ regular: Double, iter: Int, warmupIters: Int) -> Double {
        switch c.warmup! {
        case .constant: return regular * c.warmupRatio
        case .linear:
            let k = (1 - Double(iter) / Double(warmupIters)) * (1 - c.warmupRatio)
            return regular * (1 - k)
        case .exp:
            return regular * pow(c.warmupRatio, 1 - Double(iter) / Double(warmupIters))
        }
    }

    /// The lr of each group before each of `steps` iterations, as `LrUpdaterHook` sets it
    /// (`before_train_epoch` for by-epoch policies, `before_train_iter` for iteration ones and warm-up).
    /// `maxIters` defaults to `steps`; `epochLength` (iterations per epoch) to `maxIters` for iteration
    /// policies and to 1 for by-epoch policies.
    public static func run(baseLRs: [Double], config c: LegacyLrConfig, steps: Int, maxIters: Int? = nil, epochLength: Int? = nil) throws -> [[Double]] {
        guard steps >= 0, steps <= LRSchedule.maxSteps else { throw CoreError("mmcv_lr_schedule: steps must be in 0…\(LRSchedule.maxSteps), got \(steps)") }
        for lr in baseLRs where lr < 0 { throw CoreError("mmcv_lr_schedule: Invalid learning rate: \(lr)") }
        let total = maxIters ?? steps
        let epochLen = epochLength ?? (c.byEpoch ? 1 : max(1, total))
        guard epochLen > 0, total > 0 else { throw CoreError("mmcv_lr_schedule: max_iters and epoch_length must be positive") }
        let maxEpochs = (total + epochLen - 1) / epochLen
        let warmupIters = c.warmupByEpoch ? c.warmupIters * epochLen : c.warmupIters
        var lrs = baseLRs
        var regular = baseLRs
        var out = Array(repeating: [Double](), count: baseLRs.count)
        for i in 0..<steps {
            let epoch = i / epochLen
            if i % epochLen == 0 && c.byEpoch {
                regular = try baseLRs.map { try regularLR(c, base: $0, progress: epoch, maxProgress: maxEpochs, iter: i, maxIters: total) }
                lrs = regular
            }
            if !c.byEpoch {
                regular = try baseLRs.map { try regularLR(c, base: $0, progress: i, maxProgress: total, iter: i, maxIters: total) }
                if c.warmup == nil || i >= warmupIters { lrs = regular } else { lrs = regular.map { warmed(c, $0, iter: i, warmupIters: warmupIters) } }
            } else if c.warmup != nil && i <= warmupIters {
                lrs = i == warmupIters ? regular : regular.map { warmed(c, $0, iter: i, warmupIters: warmupIters) }
            }
            for g in lrs.indices { out[g].append(lrs[g]) }
        }
        return out
    }
}
