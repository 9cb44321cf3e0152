#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `torch.optim.swa_utils.SWALR(optimizer, swa_lr, anneal_epochs=10, anneal_strategy='cos')`, with
/// torch's recursive `get_lr`: the starting lr is recovered from the current one by inverting the
/// previous blend, so the values are bit-identical to torch's. Construction performs the initial
/// step (s = 0: lr unchanged unless `anneal_epochs == 0`). See reference/param-groups-schedules-swa.md §7.3.
///
/// As an extension for chaining in `lr_schedule`, `begin`/`end` limit the steps SWALR takes (as the
/// MMEngine schedulers), so "SGD schedule, then SWALR from epoch 5" can be written as one list.
public final class SWALR: ParamScheduler {
    let swaLR: [Double], annealEpochs: Int, cosine: Bool
    /// torch's `_step_count`.
    var stepCount = 0

    public init(swaLR: [Double], annealEpochs: Int = 10, annealStrategy: String = "cos",
                begin: Int = 0, end: Int = schedulerINF, byEpoch: Bool = true) throws {
        guard annealStrategy == "cos" || annealStrategy == "linear" else {
            throw CoreError("SWALR: anneal_strategy must by one of 'cos' or 'linear', instead got \(annealStrategy)")
        }
        guard annealEpochs >= 0 else {
            throw CoreError("SWALR: anneal_epochs must be equal or greater than 0, got \(annealEpochs)")
        }
        // torch does not check swa_lr's sign (a negative swa_lr anneals to a negative lr).
        self.swaLR = swaLR
        self.annealEpochs = annealEpochs
        cosine = annealStrategy == "cos"
        try super.init(name: "SWALR", begin: begin, end: end, byEpoch: byEpoch)
    }

    public static func anneal(_ t: Double, cosine: Bool) -> Double { cosine ? (1 - cos(Double.pi * t)) / 2 : t }

    override public func attach(_ groups: inout [LRGroup]) throws {
        let lrs = swaLR.count == 1 ? Array(repeating: swaLR[0], count: groups.count) : swaLR
        guard lrs.count == groups.count else {
            throw CoreError("SWALR: swa_lr must have the same length as optimizer.param_groups: swa_lr has \(swaLR.count), optimizer.param_groups has \(groups.count)")
        }
        for i in groups.indices { groups[i].swaLR = lrs[i] }
        try super.attach(&groups)
    }

    override public func value(_ g: [LRGroup]) throws -> [Double] {
        stepCount += 1
        var step = stepCount - 1
        if annealEpochs == 0 { step = max(1, step) }
        let E = Double(max(1, annealEpochs))
        let prevT = max(0, min(1, Double(step - 1) / E))
        let prevAlpha = SWALR.anneal(prevT, cosine: cosine)
        let t = max(0, min(1, Double(step) / E))
        let alpha = SWALR.anneal(t, cosine: cosine)
        return g.map { grp in
            let swa = grp.swaLR!
            let prev = prevAlpha == 1 ? swa : (grp.lr - prevAlpha * swa) / (1 - prevAlpha)
            return swa * alpha + prev * (1 - alpha)
        }
    }
}

/// The SWA paper's cyclic schedule (Izmailov et al. 2018, eq. 2): for iteration i = 1, 2, …,
/// `alpha(i) = (1 - t(i)) * alpha1 + t(i) * alpha2`, `t(i) = (mod(i - 1, c) + 1) / c`; models are
/// averaged when `mod(i, c) == 0` (the cycle's lowest lr). See reference §7.4.
public enum SWACyclic {
    public static func lr(iteration i: Int, alpha1: Double, alpha2: Double, cycle c: Int) throws -> Double {
        guard c > 0 else { throw CoreError("swa_cyclic_lr: cycle length c must be a positive integer, got \(c)") }
        guard i >= 1 else { throw CoreError("swa_cyclic_lr: iterations are numbered from 1, got \(i)") }
        let t = Double(ParamScheduler.pymod(i - 1, c) + 1) / Double(c)
        return (1 - t) * alpha1 + t * alpha2
    }

    public static func schedule(steps: Int, alpha1: Double, alpha2: Double, cycle c: Int) throws -> [Double] {
        guard steps >= 0, steps <= LRSchedule.maxSteps else { throw CoreError("swa_cyclic_lr: steps must be in 0…\(LRSchedule.maxSteps), got \(steps)") }
        return try (0..<steps).map { try lr(iteration: $0 + 1, alpha1: alpha1, alpha2: alpha2, cycle: c) }
    }
}
