import TrickCore
import TrickLang

/// MMEngine schedulers' `build_iter_from_epoch(*args, begin=0, end=INF, by_epoch=True,
/// epoch_length=None, **kwargs)` classmethod (`StepLR.build_iter_from_epoch(optimizer, step_size=2,
/// epoch_length=7)`): the epoch-based options are multiplied by the epoch length (begin and end as
/// `int(x * epoch_length)`, `end` only when not INF; `step_size`, `milestones`, `T_max`,
/// `total_steps`, `periods` for the types that have them), then the type is called with
/// `by_epoch=False`. Class attributes of a built-in type are found as globals named `Type.attr`.
enum SchedulerClassMethods {
    /// The options counted in epochs, per formula (mmengine/optim/scheduler/param_scheduler.py).
    static let epochOptions: [String: [String]] = [
        "StepLR": ["step_size"], "MultiStepLR": ["milestones"], "CosineAnnealingLR": ["T_max"],
        "OneCycleLR": ["total_steps"], "CosineRestartLR": ["periods"],
    ]

    static func register(_ lib: Library, name: String, type: BuiltinFunction) {
        let scaled = epochOptions[ScheduleBindings.formulaName(name)] ?? []
        let f = BuiltinFunction(raw: "build_iter_from_epoch(*args, begin=0, end=1000000000, by_epoch=True, epoch_length=None, **kwargs)",
                                doc: "MMEngine \(name).build_iter_from_epoch: the epoch-based options times epoch_length, as an iteration-based \(name).") { args in
            var keywords = args.keywords
            func take(_ key: String) -> Value? {
                guard let i = keywords.firstIndex(where: { $0.0 == key }) else { return nil }
                return keywords.remove(at: i).1
            }
            let byEpoch = try take("by_epoch")?.truthy() ?? true
            let epochLength = take("epoch_length") ?? .none
            guard byEpoch else {
                throw RuntimeError("Only epoch-based kwargs whose `by_epoch=True` can be converted to iter-based.", kind: "AssertionError")
            }
            guard case .int(let n) = epochLength, n > 0 else {
                throw RuntimeError("`epoch_length` must be a positive integer, but got \(Printer.str(epochLength)).", kind: "AssertionError")
            }
            func times(_ v: Value) throws -> Value {
                switch v {
                case .int(let i): return .int(i * n)
                case .float(let d): return .float(d * Double(n))
                case .none: return .none
                case .list(let l): return .list(try l.items.map(times))
                case .tuple(let t): return .list(try t.map(times))
                default: throw RuntimeError("\(name).build_iter_from_epoch: an epoch count must be a number, got \(v.typeName)", kind: "TypeError")
                }
            }
            // `int(begin * epoch_length)`
            func intTimes(_ v: Value) throws -> Value {
                guard let d = Convert.double(v) else { throw RuntimeError("begin/end must be numbers, got \(v.typeName)", kind: "TypeError") }
                return .int(Int(d * Double(n)))
            }
            let begin = take("begin") ?? .int(0)
            let end = take("end") ?? .int(schedulerINF)
            for key in scaled { if let v = take(key) { keywords.append((key, try times(v))) } }
            keywords.append(("begin", try intTimes(begin)))
            if case .int(schedulerINF) = end { keywords.append(("end", end)) } else { keywords.append(("end", try intTimes(end))) }
            keywords.append(("by_epoch", .bool(false)))
            return try type.call(Arguments(args.positional, keywords: keywords))
        }
        lib.define("\(name).build_iter_from_epoch", .builtin(f))
    }
}
