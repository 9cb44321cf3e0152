#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// MMEngine parameter schedulers for the learning rate (`mmengine/optim/scheduler/param_scheduler.py`),
/// implemented with the same *chainable* `_get_value` formulas so the float results are bit-identical
/// (e.g. LinearLR warm-up ends at 0.009999999999999998, not 0.01). See
/// reference/param-groups-schedules-swa.md §6.1 and §8.12–13.
///
/// Mechanics, as `_ParamScheduler`: construction sets `initial_lr` (setdefault) and performs one
/// `step()`; `step()` advances `global_step` and, when `begin <= global_step < end`, advances
/// `last_step` and writes `_get_value()` into every group. Later schedulers start from whatever lr
/// is current (chaining).
public struct LRGroup: Sendable {
    public var lr: Double
    public var initialLR: Double?
    /// OneCycle's `max_lr` / `min_lr`, SWALR's `swa_lr`.
    public var maxLR: Double?
    public var minLR: Double?
    public var swaLR: Double?

    public init(lr: Double) { self.lr = lr }
}

/// MMEngine's `INF` default for `end`.
public let schedulerINF = 1_000_000_000

open class ParamScheduler {
    public let name: String
    public private(set) var begin: Int
    public private(set) var end: Int
    public let byEpoch: Bool
    public internal(set) var lastStep = -1
    public internal(set) var globalStep = -1
    public internal(set) var baseValues: [Double] = []

    public init(name: String, begin: Int = 0, end: Int = schedulerINF, byEpoch: Bool = true) throws {
        guard end > begin else {
            throw CoreError("\(name): end should be larger than begin, but got begin=\(begin), end=\(end)")
        }
        guard !end.subtractingReportingOverflow(begin).overflow else {
            throw CoreError("\(name): begin=\(begin) and end=\(end) are out of range")
        }
        self.name = name
        self.begin = begin
        self.end = end
        self.byEpoch = byEpoch
    }

    /// Construction against an optimizer's groups: `setdefault('initial_lr', lr)`, base values, first step.
    open func attach(_ groups: inout [LRGroup]) throws {
        for i in groups.indices where groups[i].initialLR == nil { groups[i].initialLR = groups[i].lr }
        baseValues = groups.map { $0.initialLR! }
        try step(&groups)
    }

    public func step(_ groups: inout [LRGroup]) throws {
        globalStep += 1
        if begin <= globalStep && globalStep < end {
            lastStep += 1
            let values = try value(groups)
            for i in groups.indices { groups[i].lr = values[i] }
        }
    }

    /// `_get_value()`: the new lr of every group from the current ones.
    open func value(_ groups: [LRGroup]) throws -> [Double] { groups.map(\.lr) }

    static func divide(_ a: Double, _ b: Double, _ what: String) throws -> Double {
        guard b != 0 else { throw CoreError("\(what): float division by zero") }
        return a / b
    }

    /// Python's `%` for a positive modulus.
    static func pymod(_ a: Int, _ m: Int) -> Int { ((a % m) + m) % m }
}

/// `StepLR(step_size, gamma=0.1)`: `lr *= gamma` every `step_size` steps.
///
/// As MMEngine, `step_size` is not validated at construction: `last_step % step_size` decides
/// (a negative step size decays at the multiples of its magnitude), and 0 fails only when the
/// scheduler first computes a value past its first step (Python's ZeroDivisionError).
public final class StepLR: ParamScheduler {
    let stepSize: Int, gamma: Double
    public init(stepSize: Int, gamma: Double = 0.1, begin: Int = 0, end: Int = schedulerINF, byEpoch: Bool = true) throws {
        self.stepSize = stepSize
        self.gamma = gamma
        try super.init(name: "StepLR", begin: begin, end: end, byEpoch: byEpoch)
    }
    override public func value(_ g: [LRGroup]) throws -> [Double] {
        if lastStep == 0 { return g.map(\.lr) }
        guard stepSize != 0 else { throw CoreError("StepLR: integer division or modulo by zero (step_size=0)") }
        if lastStep % stepSize != 0 { return g.map(\.lr) }
        return g.map { $0.lr * gamma }
    }
}

/// `MultiStepLR(milestones, gamma=0.1)`: `lr *= gamma**count` at each milestone (repeats count).
public final class MultiStepLR: ParamScheduler {
    let milestones: [Int: Int], gamma: Double
    public init(milestones: [Int], gamma: Double = 0.1, begin: Int = 0, end: Int = schedulerINF, byEpoch: Bool = true) throws {
        var c: [Int: Int] = [:]
        for m in milestones { c[m, default: 0] += 1 }
        self.milestones = c
        self.gamma = gamma
        try super.init(name: "MultiStepLR", begin: begin, end: end, byEpoch: byEpoch)
    }
    override public func value(_ g: [LRGroup]) throws -> [Double] {
        guard let n = milestones[lastStep] else { return g.map(\.lr) }
        return g.map { $0.lr * pow(gamma, Double(n)) }
    }
}

/// `ConstantLR(factor=1/3)`: `lr * factor` from `begin`, restored (`* 1/factor`) at `end - 1`.
public final class ConstantLR: ParamScheduler {
    let factor: Double, totalIters: Int
    public init(factor: Double = 1.0 / 3, begin: Int = 0, end: Int = schedulerINF, byEpoch: Bool = true) throws {
        guard factor >= 0, factor <= 1 else { throw CoreError("ConstantLR: Constant multiplicative factor should between 0 and 1, got \(factor)") }
        self.factor = factor
        totalIters = end &- begin &- 1  // wraps only when super.init rejects begin/end
        try super.init(name: "ConstantLR", begin: begin, end: end, byEpoch: byEpoch)
    }
    override public func value(_ g: [LRGroup]) throws -> [Double] {
        if lastStep == 0 { return g.map { $0.lr * factor } }
        if lastStep != totalIters { return g.map(\.lr) }
        let inv = try ParamScheduler.divide(1.0, factor, "ConstantLR")
        return g.map { $0.lr * inv }
    }
}

/// `ExponentialLR(gamma)`: `lr *= gamma` every step after the first.
public final class ExponentialLR: ParamScheduler {
    let gamma: Double
    public init(gamma: Double, begin: Int = 0, end: Int = schedulerINF, byEpoch: Bool = true) throws {
        self.gamma = gamma
        try super.init(name: "ExponentialLR", begin: begin, end: end, byEpoch: byEpoch)
    }
    override public func value(_ g: [LRGroup]) throws -> [Double] {
        lastStep == 0 ? g.map(\.lr) : g.map { $0.lr * gamma }
    }
}

/// `CosineAnnealingLR(T_max=None, eta_min=None, eta_min_ratio=None)`; `T_max` defaults to `end - begin`.
public final class CosineAnnealingLR: ParamScheduler {
    public let tMax: Int
    let etaMin: Double?, etaMinRatio: Double?
    public init(tMax: Int?, etaMin: Double?, etaMinRatio: Double? = nil, begin: Int = 0, end: Int = schedulerINF, byEpoch: Bool = true) throws {
        var em = etaMin
        if etaMin == nil && etaMinRatio == nil { em = 0 }
        guard (em == nil) != (etaMinRatio == nil) else {
            throw CoreError("CosineAnnealingLR: Either `eta_min` or `eta_min_ratio should be specified (not both)", kind: "AssertionError")
        }
        let t = (tMax ?? 0) != 0 ? tMax! : end &- begin
        guard t > 0, t <= 1 << 60 else { throw CoreError("CosineAnnealingLR: T_max must be in 1…2^60, got \(t)") }
        self.tMax = t
        self.etaMin = em
        self.etaMinRatio = etaMinRatio
        try super.init(name: "CosineAnnealingLR", begin: begin, end: end, byEpoch: byEpoch)
    }
    func eta(_ base: Double) -> Double { etaMinRatio.map { base * $0 } ?? etaMin! }
    override public func value(_ g: [LRGroup]) throws -> [Double] {
        if lastStep == 0 { return g.map(\.lr) }
        let T = Double(tMax), t = Double(lastStep)
        if ParamScheduler.pymod(lastStep - 1 - tMax, 2 * tMax) == 0 {
            return zip(baseValues, g).map { base, grp in grp.lr + (base - eta(base)) * (1 - cos(Double.pi / T)) / 2 }
        }
        return zip(baseValues, g).map { base, grp in
            (1 + cos(Double.pi * t / T)) / (1 + cos(Double.pi * (t - 1) / T)) * (grp.lr - eta(base)) + eta(base)
        }
    }
}

/// `LinearLR(start_factor=1/3, end_factor=1.0)`: from `lr*start_factor` to `lr*end_factor` at `end - 1`.
public final class LinearLR: ParamScheduler {
    let startFactor: Double, endFactor: Double, totalIters: Int
    public init(startFactor: Double = 1.0 / 3, endFactor: Double = 1.0, begin: Int = 0, end: Int = schedulerINF, byEpoch: Bool = true) throws {
        guard startFactor >= 0, startFactor <= 1 else { throw CoreError("LinearLR: Starting multiplicative factor should between 0 and 1, got \(startFactor)") }
        guard endFactor >= 0, endFactor <= 1 else { throw CoreError("LinearLR: Ending multiplicative factor should between 0 and 1, got \(endFactor)") }
        self.startFactor = startFactor
        self.endFactor = endFactor
        totalIters = end &- begin &- 1  // wraps only when super.init rejects begin/end
        try super.init(name: "LinearLR", begin: begin, end: end, byEpoch: byEpoch)
    }
    override public func value(_ g: [LRGroup]) throws -> [Double] {
        if lastStep == 0 { return g.map { $0.lr * startFactor } }
        let d = endFactor - startFactor
        let denom = Double(totalIters) * startFactor + Double(lastStep - 1) * d
        let f = 1.0 + (try ParamScheduler.divide(d, denom, "LinearLR"))
        return g.map { $0.lr * f }
    }
}

/// `PolyLR(eta_min=0, power=1.0)`: reaches `eta_min` at `end - 1`.
public final class PolyLR: ParamScheduler {
    let etaMin: Double, power: Double, totalIters: Int
    public init(etaMin: Double = 0, power: Double = 1.0, begin: Int = 0, end: Int = schedulerINF, byEpoch: Bool = true) throws {
        self.etaMin = etaMin
        self.power = power
        totalIters = end &- begin &- 1  // wraps only when super.init rejects begin/end
        try super.init(name: "PolyLR", begin: begin, end: end, byEpoch: byEpoch)
    }
    override public func value(_ g: [LRGroup]) throws -> [Double] {
        if lastStep == 0 { return g.map(\.lr) }
        let f = pow(1 - 1 / Double(totalIters - lastStep + 1), power)
        return g.map { ($0.lr - etaMin) * f + etaMin }
    }
}

/// MMSegmentation 1.x `PolyLRRatio(eta_min_ratio=None, eta_min=0, power=1.0)`
/// (`mmseg/engine/schedulers/poly_ratio_scheduler.py`): `PolyLR` whose floor is
/// `base_lr * eta_min_ratio` per group when the ratio is given, else `eta_min`.
public final class PolyLRRatio: ParamScheduler {
    let etaMin: Double, etaMinRatio: Double?, power: Double, totalIters: Int
    public init(etaMinRatio: Double?, etaMin: Double = 0, power: Double = 1.0, begin: Int = 0, end: Int = schedulerINF,
                byEpoch: Bool = true) throws {
        self.etaMin = etaMin
        self.etaMinRatio = etaMinRatio
        self.power = power
        totalIters = end &- begin &- 1  // wraps only when super.init rejects begin/end
        try super.init(name: "PolyLRRatio", begin: begin, end: end, byEpoch: byEpoch)
    }
    override public func value(_ g: [LRGroup]) throws -> [Double] {
        if lastStep == 0 { return g.map(\.lr) }
        let f = pow(1 - 1 / Double(totalIters - lastStep + 1), power)
        return zip(baseValues, g).map { base, group in
            let floor = etaMinRatio.map { base * $0 } ?? etaMin
            return (group.lr - floor) * f + floor
        }
    }
}

/// MMDetection 3.x `QuadraticWarmupLR` (`mmdet/engine/schedulers/quadratic_warmup.py`):
/// `lr_t = lr_{t-1} + base_lr * (2t + 1) / (end - begin)**2`, starting from
/// `base_lr / (end - begin)**2` at the first step; `end` must be finite.
public final class QuadraticWarmupLR: ParamScheduler {
    let totalIters: Int
    public init(begin: Int = 0, end: Int = schedulerINF, byEpoch: Bool = true) throws {
        guard end < schedulerINF else {
            throw CoreError("QuadraticWarmupLR: ``end`` must be less than infinity, set ``end`` as the number of warmup end")
        }
        totalIters = end &- begin
        try super.init(name: "QuadraticWarmupLR", begin: begin, end: end, byEpoch: byEpoch)
    }
    override public func value(_ g: [LRGroup]) throws -> [Double] {
        let square = Double(totalIters) * Double(totalIters)  // exact: totalIters < 1e9
        let k = Double(2 * lastStep + 1)
        if lastStep == 0 { return baseValues.map { $0 * k / square } }
        return zip(baseValues, g).map { base, group in group.lr + base * k / square }
    }
}

/// `OneCycleLR(eta_max, total_steps=None, pct_start=0.3, anneal_strategy='cos', div_factor=25,
/// final_div_factor=1e4, three_phase=False)`: not chainable; overwrites `initial_lr`.
public final class OneCycleLR: ParamScheduler {
    let etaMax: [Double], totalSteps: Int, divFactor: Double, finalDivFactor: Double, cosine: Bool
    let phases: [(endStep: Double, start: Int, end: Int)]  // 0 initial, 1 max, 2 min
    public init(etaMax: [Double], totalSteps: Int?, pctStart: Double = 0.3, annealStrategy: String = "cos",
                divFactor: Double = 25, finalDivFactor: Double = 1e4, threePhase: Bool = false,
                begin: Int = 0, end: Int = schedulerINF, byEpoch: Bool = true) throws {
        if let t = totalSteps, t <= 0 { throw CoreError("OneCycleLR: Expected positive integer total_steps, but got \(t)") }
        let total = totalSteps ?? (end &- begin)
        guard pctStart >= 0, pctStart <= 1 else { throw CoreError("OneCycleLR: Expected float between 0 and 1 pct_start, but got \(pctStart)") }
        guard annealStrategy == "cos" || annealStrategy == "linear" else {
            throw CoreError("OneCycleLR: anneal_strategy must by one of \"cos\" or \"linear\", instead got \(annealStrategy)")
        }
        self.etaMax = etaMax
        self.totalSteps = total
        self.divFactor = divFactor
        self.finalDivFactor = finalDivFactor
        cosine = annealStrategy == "cos"
        let T = Double(total)
        phases = threePhase
            ? [(pctStart * T - 1, 0, 1), (2 * pctStart * T - 2, 1, 0), (T - 1, 0, 2)]
            : [(pctStart * T - 1, 0, 1), (T - 1, 1, 2)]
        try super.init(name: "OneCycleLR", begin: begin, end: end, byEpoch: byEpoch)
    }
    override public func attach(_ groups: inout [LRGroup]) throws {
        let maxes = etaMax.count == 1 ? Array(repeating: etaMax[0], count: groups.count) : etaMax
        guard maxes.count == groups.count else {
            throw CoreError("OneCycleLR: expected \(groups.count) values for max_lr, got \(etaMax.count)")
        }
        for i in groups.indices {
            groups[i].initialLR = maxes[i] / divFactor
            groups[i].maxLR = maxes[i]
            groups[i].minLR = groups[i].initialLR! / finalDivFactor
        }
        try super.attach(&groups)
    }
    override public func value(_ g: [LRGroup]) throws -> [Double] {
        let stepNum = lastStep
        guard stepNum <= totalSteps else {
            throw CoreError("OneCycleLR: Tried to step \(stepNum + 1) times. The specified number of total steps is \(totalSteps)")
        }
        return try g.map { grp in
            func v(_ k: Int) -> Double { k == 0 ? grp.initialLR! : k == 1 ? grp.maxLR! : grp.minLR! }
            var startStep = 0.0
            for (i, ph) in phases.enumerated() {
                if Double(stepNum) <= ph.endStep || i == phases.count - 1 {
                    let pct = try ParamScheduler.divide(Double(stepNum) - startStep, ph.endStep - startStep, "OneCycleLR")
                    let s = v(ph.start), e = v(ph.end)
                    return cosine ? e + (s - e) / 2.0 * (cos(Double.pi * pct) + 1) : (e - s) * pct + s
                }
                startStep = ph.endStep
            }
            return grp.lr
        }
    }
}

/// `CosineRestartLR(periods, restart_weights=(1,), eta_min=None, eta_min_ratio=None)`.
public final class CosineRestartLR: ParamScheduler {
    let periods: [Int], weights: [Double], cumulative: [Int], etaMin: Double?, etaMinRatio: Double?
    public init(periods: [Int], restartWeights: [Double] = [1], etaMin: Double?, etaMinRatio: Double?,
                begin: Int = 0, end: Int = schedulerINF, byEpoch: Bool = true) throws {
        guard (etaMin == nil) != (etaMinRatio == nil) else {
            throw CoreError("CosineRestartLR: exactly one of eta_min and eta_min_ratio must be given", kind: "AssertionError")
        }
        guard periods.count == restartWeights.count else {
            throw CoreError("CosineRestartLR: periods and restart_weights should have the same length (\(periods.count) vs \(restartWeights.count))", kind: "AssertionError")
        }
        guard periods.allSatisfy({ $0 > 0 }) else { throw CoreError("CosineRestartLR: periods must be positive, got \(periods)") }
        self.periods = periods
        weights = restartWeights
        var acc = 0
        var c: [Int] = []
        for p in periods {
            let (r, o) = acc.addingReportingOverflow(p)
            guard !o else { throw CoreError("CosineRestartLR: the periods add up beyond the integer range") }
            acc = r
            c.append(acc)
        }
        cumulative = c
        self.etaMin = etaMin
        self.etaMinRatio = etaMinRatio
        try super.init(name: "CosineRestartLR", begin: begin, end: end, byEpoch: byEpoch)
    }
    override public func value(_ g: [LRGroup]) throws -> [Double] {
        guard let idx = cumulative.firstIndex(where: { lastStep < $0 }) else { return g.map(\.lr) }
        let w = weights[idx], restart = idx == 0 ? 0 : cumulative[idx - 1], P = Double(periods[idx])
        let s = lastStep - restart
        return zip(baseValues, g).map { base, grp in
            let etaMax = base * w
            let em = etaMinRatio.map { base * $0 } ?? etaMin!
            if s == 0 { return etaMax }
            return (1 + cos(Double.pi * Double(s) / P)) / (1 + cos(Double.pi * Double(s - 1) / P)) * (grp.lr - em) + em
        }
    }
}
