#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// torch.optim.lr_scheduler's chainable schedulers (torch 2.4.1) bound to an `Optimizer` through
/// `OptimizerScheduler`.
///
/// torch's `LRScheduler` is MMEngine's `_ParamScheduler` with `begin=0, end=∞`: construction sets
/// `initial_lr` (setdefault) and steps once; `step()` advances `last_epoch` and writes `get_lr()`,
/// computed from each group's *current* lr, so several schedulers on one optimizer chain (torch's
/// documented "chaining": `scheduler1.step(); scheduler2.step()` each iteration). For StepLR,
/// MultiStepLR, ExponentialLR, CosineAnnealingLR, ConstantLR and LinearLR MMEngine copied torch's
/// `get_lr` formulas operation for operation, so these are the MMEngine classes with torch's
/// arguments (`total_iters=T` is MMEngine's `end = T + 1`: torch leaves the lr alone once
/// `last_epoch > total_iters`, MMEngine stops stepping at `end`). PolynomialLR's formula differs
/// from MMEngine's PolyLR and is `TorchPolynomialLR`.
///
/// The language binds torch's names to TorchSchedulers.swift, torch's own classes (closed forms
/// for `step(epoch)` and SequentialLR, the lambda, cyclic and plateau schedulers); these factories
/// stay as the MMEngine-formula form of the same schedules, pinned by their unit tests.
public enum TorchLRScheduler {
    public static func stepLR(stepSize: Int, gamma: Double = 0.1) throws -> ParamScheduler {
        try StepLR(stepSize: stepSize, gamma: gamma)
    }

    public static func multiStepLR(milestones: [Int], gamma: Double = 0.1) throws -> ParamScheduler {
        try MultiStepLR(milestones: milestones, gamma: gamma)
    }

    public static func exponentialLR(gamma: Double) throws -> ParamScheduler { try ExponentialLR(gamma: gamma) }

    public static func cosineAnnealingLR(tMax: Int, etaMin: Double = 0) throws -> ParamScheduler {
        try CosineAnnealingLR(tMax: tMax, etaMin: etaMin)
    }

    public static func constantLR(factor: Double = 1.0 / 3, totalIters: Int = 5) throws -> ParamScheduler {
        guard factor >= 0, factor <= 1 else {
            throw CoreError("Constant multiplicative factor expected to be between 0 and 1.")
        }
        return try ConstantLR(factor: factor, begin: 0, end: try end(totalIters))
    }

    public static func linearLR(startFactor: Double = 1.0 / 3, endFactor: Double = 1.0, totalIters: Int = 5) throws -> ParamScheduler {
        guard startFactor > 0, startFactor <= 1 else {
            throw CoreError("Starting multiplicative factor expected to be greater than 0 and less or equal to 1.")
        }
        guard endFactor >= 0, endFactor <= 1 else {
            throw CoreError("Ending multiplicative factor expected to be between 0 and 1.")
        }
        return try LinearLR(startFactor: startFactor, endFactor: endFactor, begin: 0, end: try end(totalIters))
    }

    public static func polynomialLR(totalIters: Int = 5, power: Double = 1.0) throws -> ParamScheduler {
        try TorchPolynomialLR(totalIters: totalIters, power: power)
    }

    static func end(_ totalIters: Int) throws -> Int {
        guard totalIters >= 0, totalIters < schedulerINF - 1 else { throw CoreError("total_iters must be in 0…\(schedulerINF - 2), got \(totalIters)") }
        return totalIters + 1
    }
}

/// torch's `PolynomialLR(total_iters=5, power=1.0)`: `lr *= ((1 - t/T) / (1 - (t-1)/T)) ** power`
/// for `0 < t <= T`, unchanged otherwise (torch's chainable `get_lr`).
public final class TorchPolynomialLR: ParamScheduler {
    let totalIters: Int, power: Double
    public init(totalIters: Int = 5, power: Double = 1.0) throws {
        self.totalIters = totalIters
        self.power = power
        try super.init(name: "PolynomialLR")
    }
    override public func value(_ g: [LRGroup]) throws -> [Double] {
        if lastStep == 0 || lastStep > totalIters { return g.map(\.lr) }
        let T = Double(totalIters), t = Double(lastStep)
        let f = pow((1.0 - t / T) / (1.0 - (t - 1) / T), power)
        return g.map { $0.lr * f }
    }
}
