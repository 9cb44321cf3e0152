import TrickCore
import TrickLang

/// MMEngine's `ReduceOnPlateauParamScheduler(optimizer, param_name, …)`, `ReduceOnPlateauLR` and
/// `ReduceOnPlateauMomentum` bound to an optimizer (Core: Optim/ReduceOnPlateau.swift):
/// `step(metrics)` with the validation metrics dict, `get_last_value()`, `state_dict()` /
/// `load_state_dict()` and `__dict__` with MMEngine's attributes in its order.
enum PlateauSchedulerBindings {
    static let options = "monitor='loss', rule='less', factor=0.1, patience=10, threshold=0.0001, threshold_rule='rel', cooldown=0, "
        + "min_value=0.0, eps=1e-08, begin=0, end=1000000000, last_step=-1, by_epoch=True, verbose=False"

    static func register(_ lib: Library) {
        for (name, parameter) in [("ReduceOnPlateauParamScheduler", nil), ("ReduceOnPlateauLR", OptimizerScheduler.Parameter.lr),
                                  ("ReduceOnPlateauMomentum", .momentum)] {
            let sig = "\(name)(optimizer, \(parameter == nil ? "param_name, " : "")\(options))"
            lib.function(sig, doc: "MMEngine \(name): step(metrics) reduces the \(parameter?.key ?? "param_name") of every group by factor once metrics[monitor] "
                         + "has not improved for patience epochs (by_epoch only); step() without metrics only counts.") { a in
                guard let live = LiveOptimizer.from(a["optimizer"]) else {
                    throw RuntimeError("``optimizer`` should be an Optimizer,but got \(a["optimizer"].typeName)", kind: "TypeError")
                }
                let param = try parameter ?? .named(try a.string("param_name"))
                guard case .int(let lastStep) = a["last_step"] else {
                    throw RuntimeError("last_step must be an int, got \(Printer.repr(a["last_step"]))", kind: "AssertionError")
                }
                let perGroup: Bool
                switch a["min_value"] { case .list, .tuple: perGroup = true; default: perGroup = false }
                let minValues = perGroup ? try Convert.doubles(a["min_value"], what: "min_value") : [try a.double("min_value")]
                let groups = try BoundGroups(live, optimizerObject: a["optimizer"])
                try groups.push()
                let s = try TrainingOptimBindings.core {
                    try ReduceOnPlateauScheduler(optimizer: groups.groups, parameter: param, monitor: try a.string("monitor"), rule: try a.string("rule"),
                                                 factor: try a.double("factor"), patience: try a.int("patience"), threshold: try a.double("threshold"),
                                                 thresholdRule: try a.string("threshold_rule"), cooldown: try a.int("cooldown"), minValues: minValues,
                                                 minValuePerGroup: perGroup, eps: try a.double("eps"), begin: try a.int("begin"), end: try a.int("end"),
                                                 lastStep: lastStep, byEpoch: try a.bool("by_epoch"), typeName: name)
                }
                groups.pull()
                return .object(object(name, s, groups, optimizer: a["optimizer"], verbose: a["verbose"]))
            }
        }
    }

    static func object(_ name: String, _ s: ReduceOnPlateauScheduler, _ groups: BoundGroups, optimizer: Value, verbose: Value) -> BuiltObject {
        let o = BuiltObject(typeName: name, payload: s)
        o.repr = { "<\(name) object>" }
        var verbose = verbose
        let momentum = s.parameter.momentumMixin
        func floats(_ xs: [Double]) -> Value { .list(xs.map { .float($0) }) }
        // `rule_worse` is MMEngine's INF = int(1e9); `best` is that int until a metric replaces it
        func number(_ d: Double) -> Value { abs(d) == Double(schedulerINF) ? .int(Int(d)) : .float(d) }
        func state() -> [(String, Value)] {
            let t = s.tracker
            return (momentum ? [("use_betas", .bool(s.usesBetas))] : []) + [
                ("param_name", .str(s.parameter.key)), ("begin", .int(s.begin)), ("end", .int(s.end)), ("by_epoch", .bool(true)),
                ("last_step", .int(s.lastStep)), ("_global_step", .int(s.globalStep)), ("verbose", verbose), ("factor", .float(t.factor)),
                ("min_values", floats(s.minValues)), ("patience", .int(t.patience)), ("cooldown", .int(t.cooldown)),
                ("cooldown_counter", .int(t.cooldownCounter)), ("rule_worse", number(t.greater ? -Double(schedulerINF) : Double(schedulerINF))),
                ("best", number(t.best)), ("num_bad_epochs", .int(t.numBadEpochs)), ("eps", .float(t.eps)), ("monitor", .str(s.monitor)),
                ("rule", .str(t.greater ? "greater" : "less")), ("threshold", .float(t.threshold)), ("threshold_rule", .str(t.relative ? "rel" : "abs")),
                ("_last_value", floats(s.lastValue)),
            ]
        }
        o.method("step(metrics=None)") { a in
            if a["metrics"].isNone { s.countStep(); return .none }
            guard case .dict(let d) = a["metrics"] else {
                throw RuntimeError("metrics type should be dict, but got type <class '\(a["metrics"].typeName)'>", kind: "TypeError")
            }
            var metric: Double?
            if let v = d[str: s.monitor], !v.isNone {
                if let x = Convert.double(v) { metric = x } else if let t = try? Convert.tensor(v), t.count == 1 { metric = t.double(at: 0) } else {
                    throw RuntimeError("\(name).step(): metrics['\(s.monitor)'] must be a number, got \(v.typeName)", kind: "TypeError")
                }
            }
            try groups.push()
            try TrainingOptimBindings.core { try s.step(metric: metric, keys: Printer.repr(.list(d.keys))) }
            groups.pull()
            return .none
        }
        o.method("get_last_value()") { _ in floats(s.lastValue) }
        o.method("state_dict()", doc: "MMEngine: the scheduler's __dict__ without the optimizer.") { _ in .dict(state()) }
        o.method("load_state_dict(state_dict)", doc: "Becomes the saved scheduler: its options and counters (the optimizer's groups are left as they are).") { a in
            let d = try a.dict("state_dict")
            func need(_ key: String) throws -> Value {
                guard let v = d[str: key] else { throw RuntimeError(Printer.repr(.str(key)), kind: "KeyError") }
                return v
            }
            func int(_ key: String) throws -> Int { try Convert.int(try need(key)) }
            func double(_ key: String) throws -> Double {
                guard let x = Convert.double(try need(key)) else { throw RuntimeError("state_dict['\(key)'] must be a number", kind: "TypeError") }
                return x
            }
            func string(_ key: String) throws -> String {
                guard case .str(let x) = try need(key) else { throw RuntimeError("state_dict['\(key)'] must be a str", kind: "TypeError") }
                return x
            }
            let rule = try string("rule"), thresholdRule = try string("threshold_rule")
            guard ["less", "greater"].contains(rule), ["rel", "abs"].contains(thresholdRule) else {
                throw RuntimeError("state_dict: unknown rule '\(rule)' or threshold_rule '\(thresholdRule)'", kind: "ValueError")
            }
            var t = PlateauTracker(greater: rule == "greater", relative: thresholdRule == "rel", factor: try double("factor"), patience: try int("patience"),
                                   threshold: try double("threshold"), cooldown: try int("cooldown"), eps: try double("eps"), worst: Double(schedulerINF))
            t.best = try double("best")
            t.numBadEpochs = try int("num_bad_epochs")
            t.cooldownCounter = try int("cooldown_counter")
            if !s.parameter.momentumMixin { s.parameter = .named(try string("param_name")) }
            s.tracker = t
            s.monitor = try string("monitor")
            s.begin = try int("begin")
            s.end = try int("end")
            s.lastStep = try int("last_step")
            s.globalStep = try int("_global_step")
            s.minValues = try Convert.doubles(try need("min_values"), what: "min_values")
            s.lastValue = try Convert.doubles(try need("_last_value"), what: "_last_value")
            verbose = try need("verbose")
            return .none
        }
        let names = ["optimizer"] + state().map(\.0)
        o.getterNames = { names }
        o.getter = { key in
            if key == "optimizer" { return optimizer }
            if key == "__dict__" { return .dict([("optimizer", optimizer)] + state()) }
            return state().first { $0.0 == key }?.1
        }
        return o
    }
}

extension ReduceOnPlateauScheduler: ReferenceBases {
    /// MMEngine's ReduceOnPlateau schedulers derive from `_ParamScheduler`.
    public var referenceBases: [String] { ["_ParamScheduler"] }
}
