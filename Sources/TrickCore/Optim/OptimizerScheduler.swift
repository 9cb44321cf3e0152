/// An MMEngine parameter scheduler bound to an optimizer (`LinearLR(optimizer, start_factor=…,
/// by_epoch=False, begin=0, end=500)`, mmengine 0.10 `_ParamScheduler` over torch's
/// `optimizer.param_groups`): construction sets each group's `initial_lr` (setdefault) and takes the
/// first step; every `step()` reads the groups' current `lr` (so schedulers bound to one optimizer
/// chain: each starts from what the previous one wrote) and writes the new values into the groups,
/// which the optimizer's next `step()` uses. The lr formulas are the existing `ParamScheduler`
/// subclasses (Sources/TrickCore/Schedules/ParamSchedulers.swift).
///
/// OneCycleLR writes `initial_lr`, `max_lr` and `min_lr` into the groups, as MMEngine's does;
/// torch's SWALR (`Schedules/SWALR.swift`) writes `swa_lr` into the groups likewise.
public final class OptimizerScheduler {
    public let optimizer: Optimizer
    public let scheduler: ParamScheduler
    /// `get_last_value()`: each group's lr after the latest step.
    public private(set) var lastValue: [Double] = []

    public init(optimizer: Optimizer, scheduler: ParamScheduler) throws {
        self.optimizer = optimizer
        self.scheduler = scheduler
        var groups = try read()
        try scheduler.attach(&groups)
        write(groups)
    }

    /// `scheduler.step()` (call it after `optimizer.step()`, as MMEngine's ParamSchedulerHook does).
    public func step() throws {
        var groups = try read()
        try scheduler.step(&groups)
        write(groups)
    }

    private func read() throws -> [LRGroup] {
        try optimizer.paramGroups.map { g in
            var l = LRGroup(lr: try g.number("lr"))
            l.initialLR = g["initial_lr"]?.number
            l.maxLR = g["max_lr"]?.number
            l.minLR = g["min_lr"]?.number
            l.swaLR = g["swa_lr"]?.number
            return l
        }
    }

    private func write(_ groups: [LRGroup]) {
        for (i, l) in groups.enumerated() {
            // A value a scheduler handed back unchanged keeps its Python type (`lr=1` stays an int),
            // as MMEngine stores `group[param_name]` itself there.
            func set(_ key: String, _ v: Double?) {
                guard let v else { return }
                if let old = optimizer.paramGroups[i][key], old.number == v { return }
                optimizer.paramGroups[i][key] = .double(v)
            }
            // In the order the reference constructors add the keys: torch's SWALR sets `swa_lr`
            // before its base class sets `initial_lr`; OneCycleLR sets initial_lr, max_lr, min_lr.
            set("swa_lr", l.swaLR)
            set("initial_lr", l.initialLR)
            set("max_lr", l.maxLR)
            set("min_lr", l.minLR)
            set("lr", l.lr)
        }
        lastValue = groups.map(\.lr)
    }
}
