import TrickCore
import TrickLang

/// torch.optim over real parameters (issue 18): `SGD/Adam/AdamW/RMSprop(params, …)` where the
/// params are Parameters with values or autograd tensors build the core `Optimizer` (parameters
/// by identity) and step them; `param_groups` is a list of dicts holding the parameter objects
/// and the options, readable and writable as in torch (the dicts are the truth: each `step()`
/// reads them, each scheduler step writes them). Schedulers bound to such an optimizer (torch's
/// `torch.optim.lr_scheduler.*`, MMEngine's `*LR(optimizer, …)`), MMEngine's `OptimWrapper`,
/// `build_optim_wrapper` and the optimizer constructors over a model with values.
/// Over a skeleton (parameter names) the optimizer types keep their table-only behaviour.
final class LiveOptimizer {
    let core: Optimizer
    /// The group dicts (for a script's optimizer, read afresh from its `param_groups` at each push).
    private(set) var groups: ListRef
    /// A script's own optimizer (ScriptOptimizers.swift) whose groups `core` mirrors; nil for trick's.
    let script: ScriptOptimizer?
    /// MMEngine's `optimizer._global_step`: the `step()` calls since a scheduler was bound (-1 then).
    var stepCalls = -1
    /// torch's `optimizer._opt_called`: `step()` has run since a torch scheduler wrapped it.
    var optCalled = false
    /// `optimizer.state` once a script has read it (OptimizerStateView.swift), and each parameter's
    /// entries dict in it.
    var stateView: DictRef?
    var stateEntries: [ObjectIdentifier: DictRef] = [:]
    /// Whether a torch / an MMEngine scheduler has wrapped `step` (ScriptOptimizers.swift).
    var countsForTorch = false, countsForMMEngine = false
    init(core: Optimizer, groups: ListRef, script: ScriptOptimizer? = nil) { self.core = core; self.groups = groups; self.script = script }

    static func option(_ v: Value) throws -> OptionValue {
        switch v {
        case .none: return .none
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .float(let d): return .double(d)
        case .str(let s): return .string(s)
        case .tuple(let t): return .tuple(try t.map(option))
        case .list(let l): return .list(try l.items.map(option))
        case .tensor(let ref) where ref.tensor.count == 1: return .double(ref.tensor.double(at: 0))
        default: throw RuntimeError("optimizer options must be numbers, bools, None, strings, tuples or lists, got \(v.typeName)", kind: "TypeError")
        }
    }

    static func value(_ o: OptionValue) -> Value {
        switch o {
        case .none: return .none
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .float(d)
        case .string(let s): return .str(s)
        case .tuple(let t): return .tuple(t.map(value))
        case .list(let t): return .list(t.map(value))
        }
    }

    static func parameters(_ v: Value) throws -> ([Value], [Variable]) {
        var objs: [Value] = []
        switch v {
        case .list(let l): objs = l.items
        case .tuple(let t): objs = t
        case .object:
            if let n = ModuleObjects.node(v) { objs = n.namedParameters().map { .object(ModuleObjects.object(for: $0.param)) } } else { objs = [v] }
        default: throw RuntimeError("optimizer params must be an iterable of Tensors or dicts, got \(v.typeName)", kind: "TypeError")
        }
        let vars = try objs.map { o -> Variable in
            guard let x = VariableObjects.variable(o) else {
                throw RuntimeError("optimizer can only optimize Tensors, but one of the params is \(o.typeName)", kind: "TypeError")
            }
            guard x.isLeaf else { throw RuntimeError("can't optimize a non-leaf Tensor", kind: "ValueError") }
            return x
        }
        return (objs, vars)
    }

    /// The core groups from the dicts (a script may have changed an option or the params).
    func pushToCore() throws {
        if let script { groups = try script.groups() }
        guard groups.items.count == core.paramGroups.count else {
            if script != nil {
                throw RuntimeError("param_groups has \(groups.items.count) groups, the scheduler was made over \(core.paramGroups.count): trick's schedulers keep the groups they were made with", kind: "NotImplementedError")
            }
            throw RuntimeError("param_groups: add groups with add_param_group, not by editing the list", kind: "RuntimeError")
        }
        for (i, item) in groups.items.enumerated() {
            guard case .dict(let d) = item else { throw RuntimeError("param_groups entries must be dicts", kind: "TypeError") }
            core.paramGroups[i].options = try LiveOptimizer.options(d, skipOthers: script != nil)
            if script == nil, let p = d[str: "params"] { core.paramGroups[i].params = try LiveOptimizer.parameters(p).1 }
        }
    }

    /// A group dict's options but `params`. A script's optimizer may keep any value in its groups:
    /// those that are not numbers, strings, flags or sequences of them are left out (no scheduler
    /// reads them), where trick's own optimizers reject them.
    static func options(_ d: DictRef, skipOthers: Bool) throws -> [(key: String, value: OptionValue)] {
        var options: [(key: String, value: OptionValue)] = []
        for (k, v) in d.pairs {
            guard case .str(let key) = k, key != "params" else { continue }
            if skipOthers {
                if let o = try? option(v) { options.append((key, o)) }
            } else {
                options.append((key, try option(v)))
            }
        }
        return options
    }

    /// The dicts from the core groups (after a scheduler wrote lr / initial_lr / momentum).
    func pullFromCore() {
        for (i, g) in core.paramGroups.enumerated() where i < groups.items.count {
            guard case .dict(let d) = groups.items[i] else { continue }
            LiveOptimizer.write(g, into: d)
        }
    }

    /// A core group's options into its dict; an unchanged value stays the object the script
    /// holds (a list of names is not copied).
    static func write(_ g: ParamGroup, into d: DictRef) {
        for (k, v) in g.options where d[str: k].flatMap({ try? option($0) }) != v { d[str: k] = value(v) }
    }

    static func from(_ v: Value) -> LiveOptimizer? {
        guard case .object(let o) = v else { return nil }
        if let l = o.payload as? LiveOptimizer { return l }
        if let w = o.payload as? LiveOptimWrapper { return w.optimizer ?? ScriptOptimizer.live(of: o.attributes["optimizer"] ?? .none) }
        return ScriptOptimizer.live(of: v)
    }
}

enum TrainingOptimBindings {
    static func register(_ lib: Library) {
        registerOptimizers(lib)
        registerSchedulers(lib)
        PlateauSchedulerBindings.register(lib)
        registerWrapper(lib)
    }

    static func core<R>(_ body: () throws -> R) throws -> R {
        do { return try body() } catch let e as CoreError { throw RuntimeError(e.message, kind: e.kind) }
    }

    /// Whether `params` (as given to an optimizer) holds real tensors rather than names/skeletons.
    static func isLive(_ v: Value) -> Bool {
        func item(_ x: Value) -> Bool {
            if VariableObjects.variable(x) != nil { return true }
            if case .dict(let d) = x, let p = d[str: "params"] { return isLive(p) }
            return false
        }
        switch v {
        case .list(let l): return l.items.contains(where: item)
        case .tuple(let t): return t.contains(where: item)
        case .object:
            if let n = ModuleObjects.node(v) { return n.namedParameters().contains { $0.param.variable != nil } }
            return item(v)
        default: return false
        }
    }

    // MARK: optimizers

    static func registerOptimizers(_ lib: Library) {
        lib.function("Optimizer(params, defaults)", doc: "torch.optim.Optimizer, the base class of optimizers (trick's is torch's, written in trick: Bundled/TorchOptimizerBase.swift); derive from `torch.optim.Optimizer` for SAM or Lookahead. trick's optimizers with update rules are SGD, Adam, AdamW and RMSprop.") { a in
            // the bare name calls the class `from torch.optim import Optimizer` gives
            guard case .object(let m)? = try lib.importModule("torch.optim.optimizer"), let cls = try m.getter?("Optimizer") else {
                throw RuntimeError("torch.optim.optimizer could not be loaded", kind: "ImportError")
            }
            return try lib.callValue(cls, Arguments([a["params"], a["defaults"]]))
        }
        for kind in Optimizer.Kind.allCases {
            BuiltinTypeBases.register(kind.rawValue, parent: "Optimizer")   // issubclass(SGD, torch.optim.Optimizer)
            guard case .builtin(let old)? = lib.globals[kind.rawValue] else { continue }
            let f = BuiltinFunction(raw: old.signatureText, doc: old.doc + " Over real parameters (a module with values, its parameters()) it steps them as torch.") { args in
                guard let first = args.positional.first ?? args.keywords.first(where: { $0.0 == "params" })?.1, isLive(first) else {
                    return try old.call(args)
                }
                let kw = args.keywords.filter { $0.0 != "params" }
                guard args.positional.count <= 2 else {
                    throw RuntimeError("\(kind.rawValue)() takes params and lr positionally, the other options as keywords", kind: "TypeError")
                }
                var options = try kw.map { (key: $0.0, value: try LiveOptimizer.option($0.1)) }
                if args.positional.count == 2 { options.insert((key: "lr", value: try LiveOptimizer.option(args.positional[1])), at: 0) }
                return try make(kind, first, options)
            }
            AutogradBindings.replace(lib, old, with: f)
            lib.alias(kind.rawValue, for: kind.rawValue)
        }
    }

    /// The groups `params` gives: each group's parameter objects, their variables, its options,
    /// and the dict the script passed (torch's optimizer keeps that dict as the group).
    static func groupDicts(_ params: Value) throws -> [(objects: [Value], vars: [Variable], extra: [(String, Value)], dict: DictRef?)] {
        var items: [Value] = []
        switch params {
        case .list(let l): items = l.items
        case .tuple(let t): items = t
        default: items = [params]
        }
        if items.contains(where: { if case .dict = $0 { return true } else { return false } }) {
            return try items.map { item in
                guard case .dict(let d) = item, let p = d[str: "params"] else {
                    throw RuntimeError("each param group must be a dict with a 'params' key", kind: "TypeError")
                }
                let (objs, vars) = try LiveOptimizer.parameters(p)
                let extra = d.pairs.compactMap { k, v -> (String, Value)? in
                    guard case .str(let s) = k, s != "params" else { return nil }
                    return (s, v)
                }
                return (objs, vars, extra, d)
            }
        }
        let (objs, vars) = try LiveOptimizer.parameters(params)
        return [(objs, vars, [], nil)]
    }

    /// The group dict of `core` (torch's `add_param_group`): the script's own dict when it gave
    /// one, its `params` made a list and the defaults it lacks added (`setdefault`); a new dict
    /// otherwise.
    static func groupDict(_ objects: [Value], _ given: DictRef?, _ core: ParamGroup) -> Value {
        let d = given ?? DictRef()
        d[str: "params"] = .list(objects)
        for (k, v) in core.options where d[str: k] == nil { d[str: k] = LiveOptimizer.value(v) }
        return .dict(d)
    }

    static func make(_ kind: Optimizer.Kind, _ params: Value, _ options: [(key: String, value: OptionValue)]) throws -> Value {
        let gs = try groupDicts(params)
        let coreGroups = try gs.map { g in
            ParamGroup(params: g.vars, options: try g.extra.map { (key: $0.0, value: try LiveOptimizer.option($0.1)) })
        }
        let opt = try core { try Optimizer(kind, groups: coreGroups, options: options) }
        for w in opt.warnings { FileIO.writeStderr("UserWarning: \(w)\n") }
        let list = ListRef(zip(gs, opt.paramGroups).map { g, cg in groupDict(g.objects, g.dict, cg) })
        let live = LiveOptimizer(core: opt, groups: list)
        let defaults = DictRef()
        for (k, v) in opt.defaults { defaults[str: k] = LiveOptimizer.value(v) }
        let o = BuiltObject(typeName: kind.rawValue, attributes: [("defaults", .dict(defaults)), ("param_groups", .list(list))], payload: live)
        o.repr = { reprOptimizer(kind.rawValue, live) }
        o.setter = { [unowned o] name, v in
            guard name != "param_groups" else {
                guard case .list(let l) = v else { throw RuntimeError("param_groups must be a list of dicts, got \(v.typeName)", kind: "TypeError") }
                live.groups.items = l.items
                return
            }
            // A torch optimizer is a plain Python object: any attribute can be set, and a method
            // replaced on the instance (`optimizer.step = f`, which MMEngine's schedulers detect).
            o.methods[name] = nil
            o.set(name, v)
        }
        o.getter = { name in name == "state" ? try live.stateObject() : live.counter(name) }
        o.method("step(closure=None)") { a in
            live.countStep()
            var loss: Value = .none
            if !a["closure"].isNone, let lib = VariableObjects.library {
                loss = try GradMode.enableGrad { try lib.callValue(a["closure"], Arguments()) }
            }
            try live.pushToCore()
            try live.stateFromView()
            try core { try GradMode.noGrad { try opt.step() } }
            try live.stateToView()
            return loss
        }
        o.method("zero_grad(set_to_none=True)") { a in
            try live.pushToCore()
            try core { try opt.zeroGrad(setToNone: try a.bool("set_to_none")) }
            return .none
        }
        o.method("add_param_group(param_group)") { a in
            try live.pushToCore()
            let g = try groupDicts(.list([a["param_group"]]))[0]
            try core { try opt.addParamGroup(ParamGroup(params: g.vars, options: try g.extra.map { (key: $0.0, value: try LiveOptimizer.option($0.1)) })) }
            live.groups.items.append(groupDict(g.objects, g.dict, opt.paramGroups.last!))
            return .none
        }
        o.method("state_dict()") { _ in
            try live.pushToCore()
            try live.stateFromView()
            let sd = opt.stateDict()
            let state = DictRef()
            for (i, entries) in sd.state {
                let e = DictRef()
                for (k, v) in entries { e[str: k] = k == "step" ? .tensor(v) : .tensor(v) }
                try state.set(.int(i), .dict(e))
            }
            let groups: [Value] = sd.paramGroups.map { g in
                let d = DictRef()
                for (k, v) in g.options { d[str: k] = LiveOptimizer.value(v) }
                d[str: "params"] = .list(g.params.map { .int($0) })
                return .dict(d)
            }
            return .dict([("state", .dict(state)), ("param_groups", .list(groups))])
        }
        o.method("load_state_dict(state_dict)") { a in
            let sd = try a.dict("state_dict")
            guard case .dict(let st)? = sd[str: "state"], case .list(let pg)? = sd[str: "param_groups"] else {
                throw RuntimeError("optimizer state_dict must have 'state' and 'param_groups'", kind: "KeyError")
            }
            var state: [(index: Int, entries: [(key: String, value: Tensor)])] = []
            for (k, v) in st.pairs {
                guard case .dict(let e) = v else { continue }
                state.append((try Convert.int(k), try e.pairs.map { (key: Printer.str($0.0), value: try Convert.tensor($0.1)) }))
            }
            let groups: [(options: [(key: String, value: OptionValue)], params: [Int])] = try pg.items.map { item in
                guard case .dict(let d) = item else { throw RuntimeError("param_groups entries must be dicts", kind: "TypeError") }
                var opts: [(key: String, value: OptionValue)] = []
                var ps: [Int] = []
                for (k, v) in d.pairs {
                    let key = Printer.str(k)
                    if key == "params" { ps = try Convert.ints(v, what: "params") } else { opts.append((key, try LiveOptimizer.option(v))) }
                }
                return (opts, ps)
            }
            try live.pushToCore()
            try core { try opt.loadStateDict(OptimizerStateDict(state: state, paramGroups: groups)) }
            live.pullFromCore()
            live.forgetView()
            return .none
        }
        return .object(o)
    }

    static func reprOptimizer(_ name: String, _ live: LiveOptimizer) -> String { reprOptimizer(name, groups: live.groups.items) }

    /// torch's `Optimizer.__repr__`: each group's settings but its params, keys sorted.
    static func reprOptimizer(_ name: String, groups: [Value]) -> String {
        var s = "\(name) (\n"
        for (i, item) in groups.enumerated() {
            s += "Parameter Group \(i)\n"
            if case .dict(let d) = item {
                for (k, v) in d.pairs.sorted(by: { Printer.str($0.0) < Printer.str($1.0) }) where Printer.str(k) != "params" {
                    s += "    \(Printer.str(k)): \(Printer.str(v))\n"
                }
            }
        }
        return s + ")"
    }

    // MARK: schedulers bound to an optimizer

    /// Whose check a scheduler's first `step()` makes (`warnStepOrder`): MMEngine's `_ParamScheduler`
    /// or torch's `LRScheduler` (torch's SWALR).
    enum StepOrderCheck { case mmengine, torch }

    static func schedulerObject(_ typeName: String, _ live: LiveOptimizer, _ sched: ParamScheduler, parameter: OptimizerScheduler.Parameter = .lr,
                                lastStep: Int = -1, optimizerObject: Value = .none, check: StepOrderCheck = .torch, mmengine: Bool = false) throws -> Value {
        let groups = try BoundGroups(live, optimizerObject: optimizerObject)
        try groups.push()
        let s = try core { try OptimizerScheduler(optimizer: groups.groups, scheduler: sched, parameter: parameter, lastStep: lastStep) }
        groups.pull()
        try live.wrapStep(for: check)
        let o = BuiltObject(typeName: typeName, payload: s)
        o.repr = { "<\(typeName) object>" }
        var stepped = false
        o.method("step(epoch=None)") { _ in
            if mmengine ? s.scheduler.globalStep == 0 : !stepped { try warnStepOrder(live, optimizerObject, check: check) }
            stepped = true
            try groups.push()
            try core { try s.step() }
            groups.pull()
            return .none
        }
        // MMEngine `_ParamScheduler`'s attributes (torch's names for torch's schedulers)
        let attributes = ["optimizer", "param_name", "begin", "end", "by_epoch", "last_step", "base_values"]
        o.getterNames = { attributes }
        o.getter = { name in
            switch name {
            case "optimizer": return optimizerObject
            case "param_name": return .str(s.parameter.key)
            case "begin": return .int(s.scheduler.begin)
            case "end": return .int(s.scheduler.end)
            case "by_epoch": return .bool(s.scheduler.byEpoch)
            case "last_step": return .int(s.scheduler.lastStep)
            case "base_values": return .list(s.scheduler.baseValues.map { .float($0) })
            case "T_max": return (s.scheduler as? CosineAnnealingLR).map { .int($0.tMax) }
            default: return nil
            }
        }
        o.method("get_last_lr()") { _ in .list(s.lastValue.map { .float($0) }) }
        o.method("get_last_value()") { _ in .list(s.lastValue.map { .float($0) }) }
        return .object(o)
    }

    /// The check MMEngine's `_ParamScheduler.step()` and torch's `LRScheduler.step()` make at a
    /// scheduler's first step after construction: `optimizer.step` replaced since, or not called yet.
    static func warnStepOrder(_ live: LiveOptimizer, _ optimizerObject: Value, check: StepOrderCheck) throws {
        let link = "See more details at https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate"
        switch check {
        case .mmengine:
            if live.stepOverridden(optimizerObject) {
                try VariableObjects.library?.warn("Seems like `optimizer.step()` has been overridden after parameter value scheduler initialization. "
                                                  + "Please, make sure to call `optimizer.step()` before `scheduler.step()`. \(link)")
            } else if live.stepCalls < 0 {
                try VariableObjects.library?.warn("Detected call of `scheduler.step()` before `optimizer.step()`. In PyTorch 1.1.0 and later, you should call "
                                                  + "them in the opposite order: `optimizer.step()` before `scheduler.step()`. Failure to do this will result "
                                                  + "in PyTorch skipping the first value of the parameter value schedule. \(link)")
            }
        case .torch:
            if live.stepOverridden(optimizerObject) {
                try VariableObjects.library?.warn("Seems like `optimizer.step()` has been overridden after learning rate scheduler initialization. "
                                                  + "Please, make sure to call `optimizer.step()` before `lr_scheduler.step()`. \(link)")
            } else if !live.optCalled {
                try VariableObjects.library?.warn("Detected call of `lr_scheduler.step()` before `optimizer.step()`. In PyTorch 1.1.0 and later, you should call "
                                                  + "them in the opposite order: `optimizer.step()` before `lr_scheduler.step()`.  Failure to do this will result "
                                                  + "in PyTorch skipping the first value of the learning rate schedule. \(link)")
            }
        }
    }

    static func registerSchedulers(_ lib: Library) {
        lib.function("_ParamScheduler(optimizer, param_name, begin=0, end=1000000000, last_step=-1, by_epoch=True, verbose=False)",
                     doc: "MMEngine's base parameter scheduler: every scheduler bound to an optimizer is one (isinstance); itself it has no formula (NotImplementedError), as in MMEngine.") { a in
            guard LiveOptimizer.from(a["optimizer"]) != nil else {
                throw RuntimeError("``optimizer`` should be an Optimizer,but got \(a["optimizer"].typeName)", kind: "TypeError")
            }
            throw RuntimeError("", kind: "NotImplementedError")
        }
        // torch.optim.lr_scheduler: torch's signatures
        let ns = BuiltObject(typeName: "module")
        ns.repr = { "<module 'torch.optim.lr_scheduler'>" }
        func torchScheduler(_ sig: String, _ make: @escaping (Bound) throws -> ParamScheduler) {
            let name = String(sig.prefix { $0 != "(" })
            let f = BuiltinFunction(sig, doc: "torch.optim.lr_scheduler.\(name) bound to an optimizer") { a in
                guard let live = LiveOptimizer.from(a["optimizer"]) else {
                    throw RuntimeError("\(name)() argument 'optimizer' must be an optimizer over real parameters, got \(a["optimizer"].typeName)", kind: "TypeError")
                }
                guard try a.int("last_epoch") == -1 else { throw RuntimeError("\(name)(last_epoch != -1): resuming is not supported", kind: "NotImplementedError") }
                return try schedulerObject(name, live, try core { try make(a) }, optimizerObject: a["optimizer"])
            }
            ns.methods[name] = f
            lib.define("torch_" + name, .builtin(f))
        }
        torchScheduler("StepLR(optimizer, step_size, gamma=0.1, last_epoch=-1, verbose='deprecated')") { a in
            try TorchLRScheduler.stepLR(stepSize: try a.int("step_size"), gamma: try a.double("gamma"))
        }
        torchScheduler("MultiStepLR(optimizer, milestones, gamma=0.1, last_epoch=-1, verbose='deprecated')") { a in
            try TorchLRScheduler.multiStepLR(milestones: try Convert.ints(a["milestones"], what: "milestones"), gamma: try a.double("gamma"))
        }
        torchScheduler("ExponentialLR(optimizer, gamma, last_epoch=-1, verbose='deprecated')") { a in try TorchLRScheduler.exponentialLR(gamma: try a.double("gamma")) }
        torchScheduler("CosineAnnealingLR(optimizer, T_max, eta_min=0.0, last_epoch=-1, verbose='deprecated')") { a in
            try TorchLRScheduler.cosineAnnealingLR(tMax: try a.int("T_max"), etaMin: try a.double("eta_min"))
        }
        torchScheduler("ConstantLR(optimizer, factor=0.3333333333333333, total_iters=5, last_epoch=-1, verbose='deprecated')") { a in
            try TorchLRScheduler.constantLR(factor: try a.double("factor"), totalIters: try a.int("total_iters"))
        }
        torchScheduler("LinearLR(optimizer, start_factor=0.3333333333333333, end_factor=1.0, total_iters=5, last_epoch=-1, verbose='deprecated')") { a in
            try TorchLRScheduler.linearLR(startFactor: try a.double("start_factor"), endFactor: try a.double("end_factor"), totalIters: try a.int("total_iters"))
        }
        torchScheduler("PolynomialLR(optimizer, total_iters=5, power=1.0, last_epoch=-1, verbose='deprecated')") { a in
            try TorchLRScheduler.polynomialLR(totalIters: try a.int("total_iters"), power: try a.double("power"))
        }
        lib.define("torch_lr_scheduler", .object(ns))

        // MMEngine's schedulers: `PolyLR(optimizer, eta_min=…, begin=…, end=…, by_epoch=False)`,
        // `PolyParamScheduler(optimizer, 'momentum', …)`, `PolyMomentum(optimizer, …)`.
        for sig in ScheduleBindings.schedulerSignatures + ScheduleBindings.familySignatures {
            let name = String(sig.prefix { $0 != "(" })
            guard case .builtin(let old)? = lib.globals[name] else { continue }
            let takesParamName = name.hasSuffix("ParamScheduler")
            let f = BuiltinFunction(raw: old.signatureText, doc: old.doc + " Given an optimizer first (or optimizer=), it is bound to it: step() writes the groups' lr.") { args in
                // `_ParamScheduler`'s check: a string where the optimizer goes (configs name
                // their options, and a ParamScheduler's first option is param_name)
                if case .str? = args.positional.first,
                   !takesParamName || args.positional.count > 1 || args.keywords.contains(where: { $0.0 == "param_name" }) {
                    throw RuntimeError("``optimizer`` should be an Optimizer,but got str", kind: "TypeError")
                }
                var rest = args
                var target: LiveOptimizer?
                if let first = args.positional.first, let l = LiveOptimizer.from(first) {
                    target = l
                    rest = Arguments(Array(args.positional.dropFirst()), keywords: args.keywords)
                } else if let kw = args.keywords.first(where: { $0.0 == "optimizer" }), let l = LiveOptimizer.from(kw.1) {
                    target = l
                    rest = Arguments(args.positional, keywords: args.keywords.filter { $0.0 != "optimizer" })
                }
                guard let live = target else { return try old.call(args) }
                let optimizerObject = args.positional.first.flatMap { LiveOptimizer.from($0) != nil ? $0 : nil }
                    ?? args.keywords.first(where: { $0.0 == "optimizer" })?.1 ?? .none
                let cfg = try old.call(rest)
                guard case .object(let o) = cfg, let bound = o.payload as? Bound else { return cfg }
                let sched = try core { try ScheduleBindings.instantiate(bound, epochLength: nil, resumable: true) }
                let parameter: OptimizerScheduler.Parameter = name.hasSuffix("Momentum") ? .momentum
                    : takesParamName ? .named(try bound.string("param_name")) : .lr
                let lastStep = name == "SWALR" ? -1 : try bound.int("last_step")
                let made = try schedulerObject(name, live, sched, parameter: parameter, lastStep: lastStep, optimizerObject: optimizerObject,
                                          check: name == "SWALR" ? .torch : .mmengine, mmengine: true)
                if case .object(let so) = made, let state = so.payload as? OptimizerScheduler {
                    let options = Signature(sig).parameterNames.map { ($0, bound[$0]) }
                    SchedulerState.add(to: so, state, typeName: name, options: options, optimizerObject: optimizerObject) { saved in
                        guard case .object(let c) = try old.call(Arguments([], keywords: saved)), let b = c.payload as? Bound else {
                            throw RuntimeError("\(name): cannot rebuild from the saved state", kind: "ValueError")
                        }
                        return try core { try ScheduleBindings.instantiate(b, epochLength: nil, resumable: true) }
                    }
                }
                return made
            }
            AutogradBindings.replace(lib, old, with: f)
            if ScheduleBindings.familySignatures.contains(sig) || ScheduleBindings.familyStems.contains(where: { $0 + "LR" == name }) {
                SchedulerClassMethods.register(lib, name: name, type: f)
            }
        }
    }

    // MARK: OptimWrapper (the object: OptimWrapperBindings.swift)

    /// An optimizer over `model`'s real parameters from an optimizer config and the groups
    /// `param_groups` resolves (names → the model's parameter objects). The type is trick's
    /// SGD/Adam/AdamW/RMSprop, or found as `OPTIMIZERS.build` finds it: a class the script
    /// registered (in a child registry of the current default scope, or the root). The groups go
    /// first, positionally (MMEngine passes them under the class's first parameter's name).
    static func liveOptimizer(_ lib: Library, model: Value, groups: [DictRef], optimizerConfig: DictRef, optimizerType: String) throws -> Value {
        let isTricks = Optimizer.Kind(rawValue: optimizerType) != nil
        guard let n = ModuleObjects.node(model),
              let ctor = isTricks ? lib.globals[optimizerType] : Registries.lookup("OPTIMIZERS", optimizerType, in: lib) else {
            throw RuntimeError("optimizer type '\(optimizerType)' has no update rule in trick (SGD, Adam, AdamW, RMSprop) and is not a registered optimizer class", kind: "NotImplementedError")
        }
        var root = n
        if let inner = n.child("module") { root = inner }
        let byName = Dictionary(root.namedParameters().map { ($0.name, $0.param) }, uniquingKeysWith: { a, _ in a })
        let dicts: [Value] = try groups.map { g in
            let d = DictRef()
            for (k, v) in g.pairs {
                if Printer.str(k) == "params", case .list(let l) = v {
                    d[str: "params"] = .list(try l.items.map { item in
                        if case .str(let name) = item {
                            guard let p = byName[name] else { throw RuntimeError("no parameter '\(name)' in the model", kind: "KeyError") }
                            return .object(ModuleObjects.object(for: p))
                        }
                        return item
                    })
                } else if case .str(let key) = k, key != "param_names", key != "group_name", key != "lr_scale" {
                    d[str: key] = v
                } else {
                    d[k] = v
                }
            }
            return .dict(d)
        }
        // `OPTIMIZERS.build(dict(optimizer_cfg, params=groups))`: the config's options are the defaults
        let options = optimizerConfig.pairs.compactMap { k, v -> (String, Value)? in
            guard case .str(let key) = k, key != "type", key != "params" else { return nil }
            return (key, v)
        }
        return try lib.callValue(ctor, Arguments([.list(dicts)], keywords: options))
    }

    static func registerWrapper(_ lib: Library) {
        lib.function("OptimWrapper(optimizer, accumulative_counts=1, clip_grad=None)", doc: "mmengine.optim.OptimWrapper around an optimizer over real parameters") { a in
            try OptimWrapperBindings.make(lib, optimizer: a["optimizer"], accumulativeCounts: try a.int("accumulative_counts"), clipGrad: a["clip_grad"])
        }
        lib.function("build_optim_wrapper(model, cfg)", doc: "mmengine.optim.build_optim_wrapper: an OptimWrapper whose optimizer steps the model's parameters, groups by the constructor and paramwise_cfg") { a in
            try buildWrapper(lib, model: a["model"], cfg: try a.dict("cfg"), paramwise: .none, constructor: .none)
        }
        if case .builtin(let old)? = lib.globals["DefaultOptimWrapperConstructor"] {
            // MMCV 1.x's DefaultOptimizerConstructor keeps the seed docstrings' form (groups of
            // parameter names, Tests/golden/seed_docstring_examples.trick); MMEngine's return an OptimWrapper.
            for name in ["DefaultOptimWrapperConstructor", "LearningRateDecayOptimizerConstructor", "LayerDecayOptimizerConstructor"] {
                guard case .builtin(let oldCtor)? = lib.globals[name] else { continue }
                let f = BuiltinFunction(oldCtor.signatureText, doc: oldCtor.doc + " Over a model with values, calling the builder returns an OptimWrapper (MMEngine) stepping the real parameters.") { a in
                    try validateConstructorConfig(a["optim_wrapper_cfg"], a["paramwise_cfg"])
                    let builder = try oldCtor.call(Arguments([a["optim_wrapper_cfg"], a["paramwise_cfg"]]))
                    guard case .object(let b) = builder, let skeleton = b.callable else { return builder }
                    b.callable = BuiltinFunction("\(name)(model)") { [unowned b] c in
                        // the builder's attributes as they are now (a subclass may have changed them)
                        guard isLive(c["model"]), case .dict(let optimizer)? = b.attributes["optimizer_cfg"] else {
                            return try skeleton.call(Arguments([c["model"]]))
                        }
                        let cfg = DictRef()
                        if case .dict(let w)? = b.attributes["optim_wrapper_cfg"], w !== optimizer { for (k, v) in w.pairs { cfg[k] = v } }
                        cfg[str: "optimizer"] = .dict(optimizer)
                        var pw = b.attributes["paramwise_cfg"] ?? .none
                        if case .dict(let d) = pw, d.count == 0 { pw = .none }
                        return try buildWrapper(lib, model: c["model"], cfg: cfg, paramwise: pw, constructor: .str(name),
                                               baseLR: b.attributes["base_lr"] ?? .none, baseWD: b.attributes["base_wd"] ?? .none)
                    }
                    return builder
                }
                AutogradBindings.replace(lib, oldCtor, with: f)
                lib.registerType(name, f)   // OPTIM_WRAPPER_CONSTRUCTORS.build(dict(type=name, …)) builds this one too
            }
            _ = old
        }
    }

    /// MMEngine's DefaultOptimWrapperConstructor.__init__ checks, in its order: the config is a
    /// dict; paramwise_cfg is None or a dict; custom_keys is a dict; a decay multiplier needs the
    /// optimizer's weight_decay. (The flat optimizer config of the seed's docstrings is accepted too.)
    static func validateConstructorConfig(_ cfgValue: Value, _ paramwise: Value) throws {
        guard case .dict(let cfg) = cfgValue else { throw RuntimeError("optimizer_cfg should be a dict, but got \(cfgValue.typeName)", kind: "TypeError") }
        let optimizer: DictRef
        if case .dict(let o)? = cfg[str: "optimizer"] { optimizer = o } else { optimizer = cfg }
        if paramwise.isNone { return }
        guard case .dict(let pw) = paramwise else { throw RuntimeError("paramwise_cfg should be None or a dict, but got \(paramwise.typeName)", kind: "TypeError") }
        let baseWD = optimizer[str: "weight_decay"] ?? .none
        if let keys = pw[str: "custom_keys"] {
            guard case .dict(let ck) = keys else { throw RuntimeError("If specified, custom_keys must be a dict, but got \(keys.typeName)", kind: "TypeError") }
            if baseWD.isNone, ck.pairs.contains(where: { if case .dict(let d) = $0.1 { return d[str: "decay_mult"] != nil } else { return false } }) {
                throw RuntimeError("base_wd should not be None", kind: "ValueError")
            }
        }
        if baseWD.isNone, ["bias_decay_mult", "norm_decay_mult", "dwconv_decay_mult"].contains(where: { pw[str: $0] != nil }) {
            throw RuntimeError("base_wd should not be None", kind: "ValueError")
        }
    }

    /// `baseLR`/`baseWD`: the constructor's `base_lr`/`base_wd` when it has them (the lr and
    /// weight decay the groups' multipliers scale; MMEngine reads them from the constructor).
    static func buildWrapper(_ lib: Library, model: Value, cfg: DictRef, paramwise: Value, constructor: Value,
                             baseLR: Value = .none, baseWD: Value = .none) throws -> Value {
        guard case .dict(let opt)? = cfg[str: "optimizer"] else {
            throw RuntimeError("`optim_wrapper_cfg` must contain \"optimizer\" config", kind: "AssertionError")
        }
        if case .str(let t)? = cfg[str: "type"], t != "OptimWrapper" {
            throw RuntimeError("optim_wrapper type '\(t)' is not supported (only OptimWrapper: AMP needs CUDA)", kind: "NotImplementedError")
        }
        guard case .str(let optType)? = opt[str: "type"] else { throw RuntimeError("optimizer config must contain the key 'type'", kind: "KeyError") }
        guard case .builtin(let groupsFn)? = lib.globals["param_groups"] else { throw RuntimeError("param_groups is not available") }
        var pw = paramwise
        if pw.isNone, let p = cfg[str: "paramwise_cfg"] { pw = p }
        var ctor = constructor
        if ctor.isNone, let c = cfg[str: "constructor"] { ctor = c }
        let groupsValue = try groupsFn.call(Arguments([model, .dict(opt), pw], keywords: [("constructor", ctor), ("base_lr", baseLR), ("base_wd", baseWD)]))
        guard case .list(let gl) = groupsValue else { throw RuntimeError("param_groups gave no list") }
        let groups = gl.items.compactMap { if case .dict(let d) = $0 { return d } else { return nil } }
        let optimizer = try liveOptimizer(lib, model: model, groups: groups, optimizerConfig: opt, optimizerType: optType)
        guard LiveOptimizer.from(optimizer) != nil || Optimizer.Kind(rawValue: optType) == nil else {
            throw RuntimeError("the model has no parameters with values (a skeleton)", kind: "ValueError")
        }
        let counts = try Convert.int(cfg[str: "accumulative_counts"] ?? .int(1))
        return try OptimWrapperBindings.make(lib, optimizer: optimizer, accumulativeCounts: counts, clipGrad: cfg[str: "clip_grad"] ?? .none)
    }
}

extension Optional where Wrapped == Double {
    func unwrap(_ what: String) throws -> Double {
        guard let v = self else { throw RuntimeError("\(what) must be a number", kind: "TypeError") }
        return v
    }
}

extension LiveOptimizer: ReferenceBases {
    /// Every torch optimizer derives from `torch.optim.Optimizer`.
    var referenceBases: [String] { ["Optimizer"] }
}

extension OptimizerScheduler: ReferenceBases {
    /// Every MMEngine scheduler derives from `_ParamScheduler`.
    public var referenceBases: [String] { ["_ParamScheduler"] }
}
