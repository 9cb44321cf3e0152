/// An MMEngine parameter scheduler bound to an optimizer (`LinearLR(optimizer, start_factor=…,
/// by_epoch=False, begin=0, end=500)`, mmengine 0.10 `_ParamScheduler` over torch's
/// `optimizer.param_groups`): construction sets each group's `initial_<param>` (setdefault) and
/// takes the first step; every `step()` reads the groups' current value (so schedulers bound to
/// one optimizer chain: each starts from what the previous one wrote) and writes the new values
/// into the groups, which the optimizer's next `step()` uses. The formulas are the existing
/// `ParamScheduler` subclasses (Sources/TrickCore/Schedules/ParamSchedulers.swift), which are
/// MMEngine's `*ParamScheduler` formulas whatever the parameter.
///
/// - `.lr`: the `*LR` schedulers. OneCycleLR writes `initial_lr`, `max_lr` and `min_lr` into the
///   groups, as MMEngine's does; torch's SWALR (`Schedules/SWALR.swift`) writes `swa_lr`.
/// - `.momentum`: the `*Momentum` schedulers (`MomentumSchedulerMixin`): the groups' `momentum`
///   when the optimizer has that option, else `betas[0]` — copied into a `momentum` key at
///   construction, and `betas = (momentum, beta2)` rewritten after every step — else an error.
/// - `.named(key)`: a `*ParamScheduler(optimizer, param_name=key)`, which schedules that group
///   option as it is (no betas mixin).
public final class OptimizerScheduler {
    public struct Parameter: Sendable, Equatable {
        /// The param-group key scheduled.
        public let key: String
        /// MMEngine's `MomentumSchedulerMixin`: `betas[0]` stands in for a missing `momentum`.
        public let momentumMixin: Bool
        public static let lr = Parameter(key: "lr", momentumMixin: false)
        public static let momentum = Parameter(key: "momentum", momentumMixin: true)
        public static func named(_ key: String) -> Parameter { Parameter(key: key, momentumMixin: false) }

        /// MMEngine's `MomentumSchedulerMixin.__init__` for `.momentum`: the groups' `momentum` when
        /// the optimizer has that option, else `betas[0]` copied into a `momentum` key (true is
        /// returned: the scheduler writes `betas` back), else an error. Other parameters: false.
        public func prepare(_ optimizer: any ScheduledGroups) throws -> Bool {
            guard momentumMixin, !optimizer.defaults.contains(where: { $0.key == "momentum" }) else { return false }
            guard optimizer.defaults.contains(where: { $0.key == "betas" }) else {
                throw CoreError("optimizer must support momentum when using momentum scheduler")
            }
            for i in optimizer.paramGroups.indices {
                optimizer.paramGroups[i]["momentum"] = .double(try optimizer.paramGroups[i].pair("betas").0)
            }
            return true
        }
    }

    /// The optimizer, or an OptimWrapper's groups with its `base_param_settings` (ScheduledGroups.swift).
    public let optimizer: any ScheduledGroups
    public private(set) var scheduler: ParamScheduler
    public let parameter: Parameter
    /// Momentum schedulers on Adam-style optimizers drive `betas[0]`.
    public let usesBetas: Bool
    /// `get_last_value()`: each group's value after the latest step.
    public private(set) var lastValue: [Double] = []

    /// `lastStep` other than -1 resumes (MMEngine's `last_step=`): every group must already hold
    /// `initial_<param>` (a KeyError otherwise), and counting continues from there.
    public init(optimizer: any ScheduledGroups, scheduler: ParamScheduler, parameter: Parameter = .lr, lastStep: Int = -1) throws {
        self.optimizer = optimizer
        self.scheduler = scheduler
        self.parameter = parameter
        usesBetas = try parameter.prepare(optimizer)
        // `group.setdefault(f'initial_{param_name}', group[param_name])`: a key no group has is a KeyError
        if optimizer.paramGroups.contains(where: { $0[parameter.key] == nil }) {
            throw CoreError("'\(parameter.key)'", kind: "KeyError")
        }
        var groups = try read()
        if lastStep != -1 {
            guard lastStep > -1 else { throw CoreError("last_step must be >= -1, got \(lastStep)", kind: "AssertionError") }
            if let i = groups.firstIndex(where: { $0.initialLR == nil }) {
                throw CoreError("\"param 'initial_\(parameter.key)' is not specified in param_groups[\(i)] when resuming an optimizer\"", kind: "KeyError")
            }
            scheduler.lastStep = lastStep
        }
        try scheduler.attach(&groups)
        try write(groups)
    }

    /// `load_state_dict`: carries on as `formula` (built from the saved options), with the saved
    /// counters, base values and last values; the groups are not touched, as in MMEngine.
    public func restore(_ formula: ParamScheduler, lastStep: Int, globalStep: Int, baseValues: [Double], lastValue: [Double]) {
        formula.lastStep = lastStep
        formula.globalStep = globalStep
        formula.baseValues = baseValues
        scheduler = formula
        self.lastValue = lastValue
    }

    /// `scheduler.step()` (call it after `optimizer.step()`, as MMEngine's ParamSchedulerHook does).
    public func step() throws {
        var groups = try read()
        try scheduler.step(&groups)
        try write(groups)
    }

    private var key: String { parameter.key }

    private func read() throws -> [LRGroup] {
        try optimizer.paramGroups.map { g in
            var l = LRGroup(lr: try g.number(key))
            l.initialLR = g["initial_" + key]?.number
            if parameter.key == "lr" {
                l.maxLR = g["max_lr"]?.number
                l.minLR = g["min_lr"]?.number
                l.swaLR = g["swa_lr"]?.number
            }
            return l
        }
    }

    private func write(_ groups: [LRGroup]) throws {
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
            set("initial_" + key, l.initialLR)
            set("max_lr", l.maxLR)
            set("min_lr", l.minLR)
            set(key, l.lr)
            if usesBetas {
                let beta2 = try optimizer.paramGroups[i].pair("betas").1
                guard let old = optimizer.paramGroups[i]["betas"]?.elements else { continue }
                optimizer.paramGroups[i]["betas"] = .tuple([optimizer.paramGroups[i]["momentum"]!, old.count == 2 ? old[1] : .double(beta2)])
            }
        }
        lastValue = groups.map(\.lr)
    }
}
