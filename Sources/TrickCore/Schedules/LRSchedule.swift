/// Runs a list of schedulers as MMEngine's runner does and records the lr used at every iteration:
/// the schedulers are constructed in list order (each performs its first step), then before
/// iteration k the current lr is recorded, and after it `ParamSchedulerHook` steps every
/// iteration-based scheduler (`after_train_iter`) and, at the end of an epoch, every epoch-based
/// one (`after_train_epoch`), in list order. Without an `epochLength` every step is both an
/// iteration and an epoch (as the MMEngine scheduler tests step per epoch).
/// See reference/param-groups-schedules-swa.md §6.1.
public enum LRSchedule {
    /// A bound on the recorded length (a typo such as `steps=10**10` is an error, not an hour of work).
    public static let maxSteps = 50_000_000

    /// Returns `lrs[group][iteration]`.
    public static func run(baseLRs: [Double], schedulers: [ParamScheduler], steps: Int, epochLength: Int? = nil) throws -> [[Double]] {
        guard steps >= 0, steps <= maxSteps else { throw CoreError("lr_schedule: steps must be in 0…\(maxSteps), got \(steps)") }
        guard !baseLRs.isEmpty else { throw CoreError("lr_schedule: base_lr must hold at least one group lr") }
        for lr in baseLRs where lr < 0 || !lr.isFinite {
            throw CoreError("lr_schedule: Invalid learning rate: \(lr)")
        }
        if let e = epochLength, e <= 0 { throw CoreError("lr_schedule: epoch_length must be a positive integer, got \(e)") }
        var groups = baseLRs.map { LRGroup(lr: $0) }
        for s in schedulers { try s.attach(&groups) }
        var out = Array(repeating: [Double](), count: groups.count)
        for i in out.indices { out[i].reserveCapacity(steps) }
        for k in 0..<steps {
            for (i, g) in groups.enumerated() { out[i].append(g.lr) }
            if let e = epochLength {
                for s in schedulers where !s.byEpoch { try s.step(&groups) }
                if (k + 1) % e == 0 { for s in schedulers where s.byEpoch { try s.step(&groups) } }
            } else {
                for s in schedulers { try s.step(&groups) }
            }
        }
        return out
    }
}
