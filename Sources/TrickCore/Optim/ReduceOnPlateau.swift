/// The plateau test torch's `ReduceLROnPlateau` and MMEngine's `ReduceOnPlateauParamScheduler`
/// share (torch/optim/lr_scheduler.py, mmengine/optim/scheduler/param_scheduler.py): a metric
/// better than the best by the threshold resets the bad-epoch count; more than `patience` bad
/// epochs (none counted during a cooldown) reduce every group's value by `factor`, down to the
/// group's minimum, a change of at most `eps` being ignored.
public struct PlateauTracker: Equatable {
    /// `mode='max'` (torch) / `rule='greater'` (MMEngine): larger metrics are better.
    public var greater: Bool
    /// `threshold_mode` / `threshold_rule` 'rel' (else 'abs').
    public var relative: Bool
    public var factor: Double
    public var patience: Int
    public var threshold: Double
    public var cooldown: Int
    public var eps: Double
    public var best: Double
    public var numBadEpochs = 0
    public var cooldownCounter = 0

    /// `worst`: the best a run starts from, for `greater == false` (negated for `greater`):
    /// torch's `mode_worse` is inf, MMEngine's `rule_worse` its `INF = int(1e9)`.
    public init(greater: Bool, relative: Bool, factor: Double, patience: Int, threshold: Double, cooldown: Int, eps: Double,
                worst: Double = .infinity) {
        self.greater = greater; self.relative = relative; self.factor = factor; self.patience = patience
        self.threshold = threshold; self.cooldown = cooldown; self.eps = eps
        best = greater ? -worst : worst
    }

    public func isBetter(_ a: Double) -> Bool {
        switch (greater, relative) {
        case (false, true): return a < best * (1 - threshold)
        case (false, false): return a < best - threshold
        case (true, true): return a > best * (threshold + 1)
        case (true, false): return a > best + threshold
        }
    }

    /// One metric; true when the values are to be reduced now (the cooldown then starts).
    public mutating func observe(_ metric: Double) -> Bool {
        if isBetter(metric) { best = metric; numBadEpochs = 0 } else { numBadEpochs += 1 }
        if cooldownCounter > 0 { cooldownCounter -= 1; numBadEpochs = 0 }
        guard numBadEpochs > patience else { return false }
        cooldownCounter = cooldown
        numBadEpochs = 0
        return true
    }

    /// A group's reduced value, or nil when it would change by `eps` or less.
    public func reduced(_ old: Double, minimum: Double) -> Double? {
        let new = max(old * factor, minimum)
        return old - new > eps ? new : nil
    }
}

/// MMEngine's `ReduceOnPlateauParamScheduler(optimizer, param_name, monitor='loss', rule='less',
/// factor=0.1, patience=10, threshold=1e-4, threshold_rule='rel', cooldown=0, min_value=0.,
/// eps=1e-8, begin=0, end=INF, last_step=-1, by_epoch=True)` bound to an optimizer (and
/// `ReduceOnPlateauLR`, `ReduceOnPlateauMomentum`): `step(metrics)` reads `metrics[monitor]`
/// while `begin <= _global_step < end`; `step()` without metrics only counts `_global_step`.
/// Unlike the other MMEngine schedulers it takes no step at construction.
public final class ReduceOnPlateauScheduler {
    /// The optimizer, or an OptimWrapper's groups with its `base_param_settings` (ScheduledGroups.swift).
    public let optimizer: any ScheduledGroups
    public var parameter: OptimizerScheduler.Parameter
    /// Momentum on an Adam-style optimizer: `betas[0]`, mirrored into a `momentum` key.
    public let usesBetas: Bool
    public var tracker: PlateauTracker
    public var monitor: String
    public var begin: Int, end: Int
    public var lastStep: Int
    public var globalStep = 0
    public var minValues: [Double]
    /// `_last_value`: each group's value after the latest step.
    public var lastValue: [Double] = []

    /// `minValues`: one per group, or a single value for all. The checks run in MMEngine's order.
    public init(optimizer: any ScheduledGroups, parameter: OptimizerScheduler.Parameter, monitor: String, rule: String, factor: Double, patience: Int,
                threshold: Double, thresholdRule: String, cooldown: Int, minValues: [Double], minValuePerGroup: Bool, eps: Double,
                begin: Int, end: Int, lastStep: Int, byEpoch: Bool, typeName: String) throws {
        let betas = try parameter.prepare(optimizer)
        guard end > begin else { throw CoreError("end should be larger than begin, but got begin=\(begin), end=\(end)") }
        guard byEpoch else { throw CoreError("Now \(typeName) only support by_epoch=True", kind: "AssertionError") }
        guard lastStep >= -1 else { throw CoreError("last_step must be an int >= -1, got \(lastStep)", kind: "AssertionError") }
        let key = parameter.key
        if lastStep == -1 {
            for i in optimizer.paramGroups.indices where optimizer.paramGroups[i]["initial_" + key] == nil {
                guard let v = optimizer.paramGroups[i][key] else { throw CoreError("'\(key)'", kind: "KeyError") }
                optimizer.paramGroups[i]["initial_" + key] = v
            }
        } else if let i = optimizer.paramGroups.firstIndex(where: { $0["initial_" + key] == nil }) {
            throw CoreError("\"param 'initial_\(key)' is not specified in param_groups[\(i)] when resuming an optimizer\"", kind: "KeyError")
        }
        guard factor < 1 else { throw CoreError("Factor should be < 1.0.") }
        let n = optimizer.paramGroups.count
        if minValuePerGroup {
            // counted against the optimizer's own groups; a wrapper's base group takes the last one
            let wrapped = optimizer as? WrapperParamGroups
            let own = wrapped?.optimizer.paramGroups.count ?? n
            guard minValues.count == own else { throw CoreError("expected \(own) min_lrs, got \(minValues.count)") }
            self.minValues = minValues + (wrapped?.base != nil ? minValues.suffix(1) : [])
        } else {
            self.minValues = Array(repeating: minValues.first ?? 0, count: n)
        }
        guard threshold >= 0 else { throw CoreError("threshold \(OptionValue.pythonFloat(threshold)) should be >= 0.") }
        guard rule == "less" || rule == "greater" else { throw CoreError("mode \(rule) is unknown!") }
        guard thresholdRule == "rel" || thresholdRule == "abs" else { throw CoreError("threshold mode \(thresholdRule) is unknown!") }
        self.optimizer = optimizer
        self.parameter = parameter
        usesBetas = betas
        tracker = PlateauTracker(greater: rule == "greater", relative: thresholdRule == "rel", factor: factor, patience: patience,
                                 threshold: threshold, cooldown: cooldown, eps: eps, worst: Double(schedulerINF))
        self.monitor = monitor
        self.begin = begin
        self.end = end
        self.lastStep = lastStep
        lastValue = try optimizer.paramGroups.map { try $0.number(key) }
    }

    /// `step()` without metrics: only counts `_global_step`.
    public func countStep() { globalStep += 1 }

    /// `step(metrics)`: `metric` is `metrics[monitor]`, nil when the dict (whose keys' repr is
    /// `keys`) has none — a KeyError within the window, as MMEngine.
    public func step(metric: Double?, keys: String) throws {
        if begin <= globalStep && globalStep < end {
            lastStep += 1
            guard let metric else { throw CoreError("\"Excepted key in \(keys), but got key \(monitor) is not in dict\"", kind: "KeyError") }
            if tracker.observe(metric) {
                for i in optimizer.paramGroups.indices {
                    let old = try optimizer.paramGroups[i].number(parameter.key)
                    if let new = tracker.reduced(old, minimum: minValues[i]) { optimizer.paramGroups[i][parameter.key] = .double(new) }
                }
            }
        }
        if usesBetas {
            for i in optimizer.paramGroups.indices {
                guard let old = optimizer.paramGroups[i]["betas"]?.elements, old.count == 2, let m = optimizer.paramGroups[i]["momentum"] else { continue }
                optimizer.paramGroups[i]["betas"] = .tuple([m, old[1]])
            }
        }
        lastValue = try optimizer.paramGroups.map { try $0.number(parameter.key) }
    }
}
