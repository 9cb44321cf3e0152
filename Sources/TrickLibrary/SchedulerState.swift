import TrickCore
import TrickLang

/// `state_dict()`, `load_state_dict(state)` and `__dict__` of an MMEngine scheduler bound to an
/// optimizer, as `_ParamScheduler`'s: its `__dict__` without the optimizer. For MMEngine's
/// `Step`, `MultiStep`, `Constant`, `Exponential`, `CosineAnnealing`, `Linear`, `Poly` and
/// `CosineRestart` families (`*LR`, `*Momentum`, `*ParamScheduler`) that is MMEngine 0.10's layout,
/// key for key and in its order (`use_betas` for momentum, the family's attributes — `milestones`
/// as a `Counter`, the `total_iters` and `cumulative_periods` it derives — then `param_name`,
/// `begin`, `end`, `by_epoch`, `base_values`, `last_step`, `_global_step`, `verbose`,
/// `_last_value`), so a state dict torch.save wrote from MMEngine loads here and the other way
/// round; the other schedulers give the options they were made with and those counters.
/// Loading takes the options the dict has (MMEngine: `__dict__.update`) — a scheduler made with
/// other options becomes the saved one — and leaves the optimizer's groups alone, as MMEngine.
enum SchedulerState {
    static func add(to o: BuiltObject, _ s: OptimizerScheduler, typeName: String, options initial: [(String, Value)], optimizerObject: Value,
                    rebuild: @escaping ([(String, Value)]) throws -> ParamScheduler) {
        var options = initial.filter { $0.0 != "optimizer" }
        let stem = familyStem(typeName)
        func option(_ key: String) -> Value { options.first { $0.0 == key }?.1 ?? .none }
        func state() -> [(String, Value)] {
            let sc = s.scheduler
            let counters: [(String, Value)] = [
                ("last_step", .int(sc.lastStep)), ("_global_step", .int(sc.globalStep)),
                ("base_values", .list(sc.baseValues.map { .float($0) })), ("_last_value", .list(s.lastValue.map { .float($0) })),
            ]
            guard let stem, let own = familyAttributes(stem, option, begin: sc.begin, end: sc.end) else {
                return options.filter { k, _ in !counters.contains { $0.0 == k } } + counters
            }
            return (s.parameter.momentumMixin ? [("use_betas", .bool(s.usesBetas))] : []) + own + [
                ("param_name", .str(s.parameter.key)), ("begin", .int(sc.begin)), ("end", .int(sc.end)), ("by_epoch", .bool(sc.byEpoch)),
                counters[2], counters[0], counters[1], ("verbose", option("verbose")), counters[3],
            ]
        }
        o.method("state_dict()", doc: "The scheduler's options and counters (MMEngine: its __dict__ without the optimizer).") { _ in .dict(state()) }
        o.method("load_state_dict(state_dict)", doc: "Becomes the saved scheduler: its options and counters (the optimizer's groups are left as they are).") { a in
            guard case .dict(let d) = a["state_dict"] else {
                throw RuntimeError("load_state_dict() argument must be a dict from state_dict(), got \(a["state_dict"].typeName)", kind: "TypeError")
            }
            func need(_ key: String) throws -> Value {
                guard let v = d[str: key] else { throw RuntimeError(Printer.repr(.str(key)), kind: "KeyError") }
                return v
            }
            // the options the dict has (MMEngine's layout keeps the constructor's, but not convert_to_iter_based)
            let saved = try options.map { k, current -> (String, Value) in
                guard let v = d[str: k] else {
                    if stem == nil { throw RuntimeError(Printer.repr(.str(k)), kind: "KeyError") }
                    return (k, current)
                }
                return (k, try constructorValue(k, v))
            }
            let formula = try rebuild(saved.map { k, v in k == "last_step" ? (k, .int(-1)) : (k, v) })
            guard case .int(let lastStep) = try need("last_step"), case .int(let globalStep) = try need("_global_step") else {
                throw RuntimeError("load_state_dict(): last_step and _global_step must be ints", kind: "TypeError")
            }
            s.restore(formula, lastStep: lastStep, globalStep: globalStep,
                      baseValues: try Convert.doubles(try need("base_values"), what: "base_values"),
                      lastValue: try Convert.doubles(try need("_last_value"), what: "_last_value"))
            options = saved.map { k, v in k == "last_step" ? (k, .int(lastStep)) : (k, v) }
            return .none
        }
        let previous = o.getter
        o.getter = { name in
            if name == "__dict__" { return .dict([("optimizer", optimizerObject)] + state()) }
            if let v = try previous?(name) { return v }
            return state().first { $0.0 == name }?.1 ?? options.first { $0.0 == name }?.1
        }
    }

    /// The family of `LinearLR`, `LinearMomentum` or `LinearParamScheduler` ("Linear").
    static func familyStem(_ typeName: String) -> String? {
        for suffix in ["ParamScheduler", "Momentum", "LR"] where typeName.hasSuffix(suffix) {
            let stem = String(typeName.dropLast(suffix.count))
            return ["Step", "MultiStep", "Constant", "Exponential", "CosineAnnealing", "Linear", "Poly", "CosineRestart"].contains(stem) ? stem : nil
        }
        return nil
    }

    /// The attributes a family's `__init__` sets before `_ParamScheduler.__init__`, in its order,
    /// from the options (mmengine/optim/scheduler/param_scheduler.py).
    static func familyAttributes(_ stem: String, _ option: (String) -> Value, begin: Int, end: Int) -> [(String, Value)]? {
        // CosineAnnealing / CosineRestart: eta_min is 0. when neither it nor eta_min_ratio is given
        let etaMin: Value = option("eta_min").isNone && option("eta_min_ratio").isNone ? .float(0) : option("eta_min")
        switch stem {
        case "Step": return [("step_size", option("step_size")), ("gamma", option("gamma"))]
        case "MultiStep": return [("milestones", counter(option("milestones"))), ("gamma", option("gamma"))]
        case "Constant": return [("factor", option("factor")), ("total_iters", .int(end - begin - 1))]
        case "Exponential": return [("gamma", option("gamma"))]
        case "CosineAnnealing":
            let tMax = option("T_max").isNone ? Value.int(end - begin) : option("T_max")
            return [("T_max", tMax), ("eta_min", etaMin), ("eta_min_ratio", option("eta_min_ratio"))]
        case "Linear": return [("start_factor", option("start_factor")), ("end_factor", option("end_factor")), ("total_iters", .int(end - begin - 1))]
        case "Poly": return [("eta_min", option("eta_min")), ("power", option("power")), ("total_iters", .int(end - begin - 1))]
        case "CosineRestart":
            let periods = (try? Convert.ints(option("periods"), what: "periods")) ?? []
            let cumulative = periods.indices.map { Value.int(periods[...$0].reduce(0, +)) }
            return [("periods", option("periods")), ("eta_min", etaMin), ("eta_min_ratio", option("eta_min_ratio")),
                    ("restart_weights", option("restart_weights")), ("cumulative_periods", .list(cumulative))]
        default: return nil
        }
    }

    /// MultiStep's `self.milestones = Counter(milestones)`.
    static func counter(_ milestones: Value) -> Value {
        let d = DictRef()
        d.flavor = DictFlavor(.counter)
        let items: [Value]
        switch milestones {
        case .list(let l): items = l.items
        case .tuple(let t): items = t
        default: return milestones
        }
        for m in items { try? d.set(m, .int((d[m].flatMap { try? Convert.int($0) } ?? 0) + 1)) }
        return .dict(d)
    }

    /// A saved attribute as the constructor takes it: a `Counter` of milestones is the list it counts.
    static func constructorValue(_ key: String, _ v: Value) throws -> Value {
        guard key == "milestones", case .dict(let d) = v else { return v }
        var list: [Value] = []
        for (m, n) in d.pairs { list += Array(repeating: m, count: Swift.max(0, try Convert.int(n))) }
        return .list(list)
    }
}
