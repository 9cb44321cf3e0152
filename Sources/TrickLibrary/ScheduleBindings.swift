import TrickCore
import TrickLang

/// Trick 8: MMEngine lr schedulers, `lr_schedule`, SWALR, the SWA paper's cyclic schedule,
/// `AveragedModel`, `update_bn`.
enum ScheduleBindings {
    static let common = "begin=0, end=1000000000, last_step=-1, by_epoch=True, verbose=False, convert_to_iter_based=False"

    /// Scheduler types: calling one (or `build(dict(type=...))`) returns a config object; `lr_schedule`
    /// instantiates fresh schedulers from these for every run (schedulers are stateful).
    static let schedulerSignatures: [String] = [
        "StepLR(step_size, gamma=0.1, \(common))",
        "MultiStepLR(milestones, gamma=0.1, \(common))",
        "ConstantLR(factor=0.3333333333333333, \(common))",
        "ExponentialLR(gamma, \(common))",
        "CosineAnnealingLR(T_max=None, eta_min=None, \(common), eta_min_ratio=None)",
        "LinearLR(start_factor=0.3333333333333333, end_factor=1.0, \(common))",
        "PolyLR(eta_min=0, power=1.0, \(common))",
        "PolyLRRatio(eta_min_ratio=None, eta_min=0, power=1.0, \(common))",
        "QuadraticWarmupLR(\(common))",
        "OneCycleLR(eta_max=0, total_steps=None, pct_start=0.3, anneal_strategy='cos', div_factor=25.0, final_div_factor=10000.0, three_phase=False, \(common))",
        "CosineRestartLR(periods, restart_weights=(1,), eta_min=None, eta_min_ratio=None, \(common))",
        "SWALR(swa_lr, anneal_epochs=10, anneal_strategy='cos', last_epoch=-1, begin=0, end=1000000000, by_epoch=True, convert_to_iter_based=False)",
    ]

    /// MMEngine's scheduler families: each `*LR` formula above is also `*ParamScheduler(optimizer,
    /// param_name, …)` (any group option, as it is) and `*Momentum(optimizer, …)` (the momentum,
    /// or Adam's `betas[0]`); OneCycle has no momentum scheduler, as in MMEngine.
    static let familyStems = ["Step", "MultiStep", "Constant", "Exponential", "CosineAnnealing", "Linear", "Poly", "OneCycle", "CosineRestart"]
    static let familySignatures: [String] = familyStems.flatMap { stem -> [String] in
        guard let sig = schedulerSignatures.first(where: { $0.hasPrefix(stem + "LR(") }) else { return [] }
        let rest = sig.dropFirst(stem.count + 3)
        let param = "\(stem)ParamScheduler(param_name, \(rest)"
        return stem == "OneCycle" ? [param] : [param, "\(stem)Momentum(\(rest)"]
    }

    /// The `*LR` formula a family member uses (`StepParamScheduler`, `StepMomentum` → `StepLR`).
    static func formulaName(_ type: String) -> String {
        for suffix in ["ParamScheduler", "Momentum"] where type.hasSuffix(suffix) {
            return String(type.dropLast(suffix.count)) + "LR"
        }
        return type
    }

    static func register(_ lib: Library) {
        for sig in familySignatures {
            let name = String(sig.prefix { $0 != "(" })
            lib.type(sig, doc: "MMEngine \(name) config; given an optimizer first it is bound to it and schedules \(name.hasSuffix("Momentum") ? "the momentum (Adam: betas[0])" : "the group option param_name").") { a in
                let o = BuiltObject(typeName: a.function, payload: a)
                for p in Signature(sig).parameterNames { o.set(p, a[p]) }
                return .object(o)
            }
        }
        for sig in schedulerSignatures {
            lib.type(sig, doc: "MMEngine parameter scheduler config (torch SWALR for 'SWALR'); use in lr_schedule(base_lr, [..], steps=N).") { a in
                let o = BuiltObject(typeName: a.function, payload: a)
                for p in Signature(sig).parameterNames { o.set(p, a[p]) }
                return .object(o)
            }
        }
        lib.function("lr_schedule(base_lr, schedulers, steps, epoch_length=None)",
                     doc: """
                     The lr used at each of `steps` iterations when the schedulers (configs or scheduler objects) run as
                     MMEngine's runner steps them (chained, in list order). base_lr: a number, or a list of group lrs
                     (then one list per group is returned). epoch_length: iterations per epoch for by_epoch=True schedulers.
                     """) { a in
            let single: Bool
            let bases: [Double]
            switch a["base_lr"] {
            case .list, .tuple: single = false; bases = try Convert.doubles(a["base_lr"], what: "lr_schedule() argument 'base_lr'")
            default: single = true; bases = [try a.double("base_lr")]
            }
            let epochLength = try a.optionalInt("epoch_length")
            var items: [Value]
            switch a["schedulers"] {
            case .list(let l): items = l.items
            case .tuple(let t): items = t
            default: items = [a["schedulers"]]
            }
            let schedulers = try items.enumerated().map { i, v in try makeScheduler(lib, v, index: i, epochLength: epochLength) }
            let out: [[Double]]
            do {
                out = try LRSchedule.run(baseLRs: bases, schedulers: schedulers, steps: try a.int("steps"), epochLength: epochLength)
            } catch let e as CoreError { throw RuntimeError(e.message, kind: "ValueError") }
            let lists = out.map { Value.list($0.map { .float($0) }) }
            return single ? lists[0] : .list(lists)
        }
        lib.function("swa_cyclic_lr(alpha1, alpha2, c, steps)",
                     doc: "The SWA paper's cyclic lr for iterations i = 1…steps: alpha(i) = (1 - t) * alpha1 + t * alpha2, t = (mod(i - 1, c) + 1) / c.") { a in
            do {
                return .list(try SWACyclic.schedule(steps: try a.int("steps"), alpha1: try a.double("alpha1"), alpha2: try a.double("alpha2"),
                                                    cycle: try a.int("c")).map { .float($0) })
            } catch let e as CoreError { throw RuntimeError(e.message, kind: "ValueError") }
        }
        lib.function("plot(values, width=60, height=12)",
                     doc: "A terminal line chart (Unicode braille) of a list of numbers (e.g. lr_schedule(...)) or of several lists.") { a in
            var series: [[Double]] = []
            let items = try a.sequence("values")
            if items.contains(where: { if case .list = $0 { return true }; if case .tuple = $0 { return true }; return false }) {
                series = try items.map { try Convert.doubles($0, what: "plot() series") }
            } else {
                series = [try Convert.doubles(a["values"], what: "plot() argument 'values'")]
            }
            do {
                return .str(try TerminalChart.render(series, width: try a.int("width"), height: try a.int("height"), format: Printer.formatFloat))
            } catch let e as CoreError { throw RuntimeError(e.message, kind: "ValueError") }
        }
        lib.function("save_svg(values, path, width=640, height=320, title=None)",
                     doc: "Writes a line chart of a list of numbers (or of several lists), e.g. lr_schedule(...), as an SVG file (atomically), for notebook exports.") { a in
            let series = try ChartBindings.series(a["values"], items: try a.sequence("values"), function: "save_svg")
            let path = try a.string("path")
            guard path.hasSuffix(".svg") else { throw RuntimeError("save_svg() writes .svg files, not '\(path)'", kind: "ValueError") }
            try FileIO.writeAtomically(path, try ChartBindings.svg(series, width: try a.int("width"), height: try a.int("height"),
                                                                  title: try a.optionalString("title")))
            ImageFiles.recordWrite(path)   // linked in Markdown transcripts
            return .none
        }
        ChartBindings.register(lib)
        SWABindings.register(lib)
        LegacyScheduleBindings.register(lib)
    }

    /// A core scheduler from a config dict or a scheduler object.
    static func makeScheduler(_ lib: Library, _ v: Value, index: Int, epochLength: Int?) throws -> ParamScheduler {
        var obj: Value = v
        if case .dict(let d) = v {
            guard case .str(let t)? = d[str: "type"], lib.types[t] != nil, schedulerSignatures.contains(where: { $0.hasPrefix(t + "(") }) else {
                let t = d[str: "type"].map { Printer.repr($0) } ?? "(missing)"
                let names = schedulerSignatures.map { String($0.prefix { $0 != "(" }) }
                let hint = (d[str: "type"].flatMap { if case .str(let s) = $0 { return closestName(to: s, in: names) } else { return nil } })
                    .map { " (did you mean '\($0)'?)" } ?? ""
                throw RuntimeError("lr_schedule(): scheduler \(index) has type \(t), which is not an lr scheduler\(hint)", kind: "KeyError")
            }
            obj = try lib.build(d)
        }
        guard case .object(let o) = obj, let a = o.payload as? Bound else {
            throw RuntimeError("lr_schedule(): scheduler \(index) must be a config dict such as dict(type='PolyLR', ...) or a scheduler, got \(v.typeName)", kind: "TypeError")
        }
        do { return try instantiate(a, epochLength: epochLength) } catch let e as CoreError { throw RuntimeError(e.message, kind: "ValueError") }
    }

    /// `resumable`: the caller handles `last_step` (a scheduler bound to an optimizer resumes;
    /// `lr_schedule` always starts from the beginning).
    static func instantiate(_ a: Bound, epochLength: Int?, resumable: Bool = false) throws -> ParamScheduler {
        let type = formulaName(a.function)
        var begin = try a.int("begin"), end = try a.int("end")
        var byEpoch = try a.bool("by_epoch")
        var scale = 1
        func times(_ x: Int, _ what: String) throws -> Int {
            let (r, o) = x.multipliedReportingOverflow(by: scale)
            if o { throw CoreError("\(type): \(what)=\(x) times epoch_length \(scale) is out of range") }
            return r
        }
        if try a.bool("convert_to_iter_based") && byEpoch {
            guard let e = epochLength, e > 0 else {
                throw CoreError("\(type): convert_to_iter_based=True needs the epoch length: lr_schedule(..., epoch_length=N)")
            }
            scale = e
            byEpoch = false
            begin = try times(begin, "begin")
            if end != schedulerINF { end = try times(end, "end") }
        }
        if type != "SWALR" && !resumable {
            guard try a.int("last_step") == -1 else { throw CoreError("\(type): resuming (last_step != -1) is not supported by lr_schedule") }
        }
        func optionalDouble(_ n: String) throws -> Double? { try a.optionalDouble(n) }
        switch type {
        case "StepLR":
            return try StepLR(stepSize: try times(try a.int("step_size"), "step_size"), gamma: try a.double("gamma"), begin: begin, end: end, byEpoch: byEpoch)
        case "MultiStepLR":
            let ms = try Convert.ints(a["milestones"], what: "MultiStepLR milestones").map { try times($0, "milestone") }
            return try MultiStepLR(milestones: ms, gamma: try a.double("gamma"), begin: begin, end: end, byEpoch: byEpoch)
        case "ConstantLR":
            return try ConstantLR(factor: try a.double("factor"), begin: begin, end: end, byEpoch: byEpoch)
        case "ExponentialLR":
            return try ExponentialLR(gamma: try a.double("gamma"), begin: begin, end: end, byEpoch: byEpoch)
        case "CosineAnnealingLR":
            let tMax = try a.optionalInt("T_max").map { try times($0, "T_max") }
            return try CosineAnnealingLR(tMax: tMax, etaMin: try optionalDouble("eta_min"), etaMinRatio: try optionalDouble("eta_min_ratio"),
                                         begin: begin, end: end, byEpoch: byEpoch)
        case "LinearLR":
            return try LinearLR(startFactor: try a.double("start_factor"), endFactor: try a.double("end_factor"), begin: begin, end: end, byEpoch: byEpoch)
        case "PolyLR":
            return try PolyLR(etaMin: try a.double("eta_min"), power: try a.double("power"), begin: begin, end: end, byEpoch: byEpoch)
        case "PolyLRRatio":
            return try PolyLRRatio(etaMinRatio: try optionalDouble("eta_min_ratio"), etaMin: try a.double("eta_min"), power: try a.double("power"),
                                   begin: begin, end: end, byEpoch: byEpoch)
        case "QuadraticWarmupLR":
            return try QuadraticWarmupLR(begin: begin, end: end, byEpoch: byEpoch)
        case "OneCycleLR":
            let etaMax = try Convert.doubles(a["eta_max"], what: "OneCycleLR eta_max")
            return try OneCycleLR(etaMax: etaMax, totalSteps: try a.optionalInt("total_steps").map { try times($0, "total_steps") }, pctStart: try a.double("pct_start"),
                                  annealStrategy: try a.string("anneal_strategy"), divFactor: try a.double("div_factor"),
                                  finalDivFactor: try a.double("final_div_factor"), threePhase: try a.bool("three_phase"),
                                  begin: begin, end: end, byEpoch: byEpoch)
        case "CosineRestartLR":
            let periods = try Convert.ints(a["periods"], what: "CosineRestartLR periods").map { try times($0, "period") }
            let weights = try Convert.doubles(a["restart_weights"], what: "CosineRestartLR restart_weights")
            return try CosineRestartLR(periods: periods, restartWeights: weights, etaMin: try optionalDouble("eta_min"),
                                       etaMinRatio: try optionalDouble("eta_min_ratio"), begin: begin, end: end, byEpoch: byEpoch)
        case "SWALR":
            guard case .int(let e) = a["anneal_epochs"] else {
                throw CoreError("SWALR: anneal_epochs must be equal or greater than 0, got \(Printer.repr(a["anneal_epochs"]))")
            }
            return try SWALR(swaLR: try Convert.doubles(a["swa_lr"], what: "SWALR swa_lr"), annealEpochs: e,
                             annealStrategy: try a.string("anneal_strategy"), begin: begin, end: end, byEpoch: byEpoch)
        default:
            throw CoreError("\(type) is not an lr scheduler")
        }
    }
}
