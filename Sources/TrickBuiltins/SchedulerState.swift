import TrickCore
import TrickLang

/// `state_dict()`, `load_state_dict(state)` and `__dict__` of an MMEngine scheduler bound to an
/// optimizer, as `_ParamScheduler`'s (its `__dict__` without the optimizer): the options it was
/// made with (`gamma`, `step_size`, `param_name`, `begin`, …) and its counters `last_step`,
/// `_global_step`, `base_values`, `_last_value`. Loading takes all of them — a scheduler made with
/// other options becomes the saved one — and leaves the optimizer's groups alone, as MMEngine.
enum SchedulerState {
    static func add(to o: BuiltObject, _ s: OptimizerScheduler, options initial: [(String, Value)], optimizerObject: Value,
                    rebuild: @escaping ([(String, Value)]) throws -> ParamScheduler) {
        var options = initial.filter { $0.0 != "optimizer" }
        func state() -> [(String, Value)] {
            let counters: [(String, Value)] = [
                ("last_step", .int(s.scheduler.lastStep)), ("_global_step", .int(s.scheduler.globalStep)),
                ("base_values", .list(s.scheduler.baseValues.map { .float($0) })), ("_last_value", .list(s.lastValue.map { .float($0) })),
            ]
            return options.filter { k, _ in !counters.contains { $0.0 == k } } + counters
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
            let saved = try options.map { k, _ in (k, try need(k)) }
            let formula = try rebuild(saved.map { k, v in k == "last_step" ? (k, .int(-1)) : (k, v) })
            guard case .int(let lastStep) = try need("last_step"), case .int(let globalStep) = try need("_global_step") else {
                throw RuntimeError("load_state_dict(): last_step and _global_step must be ints", kind: "TypeError")
            }
            s.restore(formula, lastStep: lastStep, globalStep: globalStep,
                      baseValues: try Convert.doubles(try need("base_values"), what: "base_values"),
                      lastValue: try Convert.doubles(try need("_last_value"), what: "_last_value"))
            options = saved
            return .none
        }
        let previous = o.getter
        o.getter = { name in
            if name == "__dict__" { return .dict([("optimizer", optimizerObject)] + state()) }
            if let v = try previous?(name) { return v }
            return options.first { $0.0 == name }?.1
        }
    }
}
