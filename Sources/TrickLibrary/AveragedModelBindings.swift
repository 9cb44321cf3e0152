import TrickCore
import TrickLang

/// SWA and EMA on real modules (issue 18): torch's `AveragedModel(model, avg_fn=, multi_avg_fn=,
/// use_buffers=)` and MMEngine's `ExponentialMovingAverage` / `StochasticWeightAverage` /
/// `MomentumAnnealingEMA` given a
/// module with values hold a deep copy of it (a module themselves: called, `parameters()`,
/// `state_dict()` with `n_averaged` / `steps`), and `update_parameters(model)` averages its
/// parameters (and buffers when asked) in place by the core's rules (Schedules/SWA.swift);
/// `update_bn(loader, model)` recomputes every BatchNorm's running statistics with
/// `momentum=None` over a loader. Over dicts of tensors the forms of SWABindings keep working.
enum AveragedModelBindings {
    /// The averaged copy's state: the rule, the counters and what to average.
    final class State {
        enum Flavour { case torch, mmengine }
        let flavour: Flavour
        let copy: ModuleNode
        /// The copy's object (holding what a script gave its modules: registered buffers, a class).
        let copyObject: BuiltObject
        let rule: AveragingRule
        let custom: Value?
        let withBuffers: Bool
        /// MMEngine MomentumAnnealingEMA's gamma: the momentum is max(momentum, gamma / (gamma + steps)).
        let gamma: Double?
        var count = 0
        init(flavour: Flavour, copy: BuiltObject, rule: AveragingRule, custom: Value?, withBuffers: Bool, gamma: Double? = nil) {
            self.flavour = flavour; self.copyObject = copy; self.copy = copy.payload as! ModuleNode; self.rule = rule; self.custom = custom; self.withBuffers = withBuffers
            self.gamma = gamma
        }

        /// The rule of this update (MomentumAnnealingEMA anneals its momentum with the steps).
        var currentRule: AveragingRule {
            guard let gamma, case .mmengineEMA(let m, let k) = rule else { return rule }
            return .mmengineEMA(momentum: max(m, gamma / (gamma + Double(count))), interval: k)
        }
    }

    static func core<R>(_ body: () throws -> R) throws -> R {
        do { return try body() } catch let e as CoreError { throw RuntimeError(e.message, kind: e.kind) }
    }

    /// A module with values (what these forms take instead of a dict of tensors).
    static func liveModule(_ v: Value) -> ModuleNode? {
        guard let n = ModuleObjects.node(v), n.namedParameters().contains(where: { $0.param.variable != nil }) else { return nil }
        return n
    }

    /// One averaged tensor slot: reads and writes a parameter's values or a running statistic.
    struct Slot {
        let name: String
        let get: () -> Tensor
        let set: (Tensor) -> Void
    }

    /// Parameters then (when `buffers`) buffers — BatchNorm's statistics and those a script
    /// registered — in torch's `parameters()` / `buffers()` orders (a slot reads its buffer once,
    /// when made: an update makes fresh slots).
    static func slots(_ n: ModuleNode, parameters: Bool = true, buffers: Bool) throws -> [Slot] {
        var out: [Slot] = []
        if parameters {
            for (name, p) in n.namedParameters() {
                guard p.data != nil else { throw RuntimeError("parameter '\(name)' of the module has no values (a skeleton)", kind: "ValueError") }
                out.append(Slot(name: name, get: { p.data! }, set: { p.data = $0 }))
            }
        }
        if buffers {
            for (prefix, m) in n.namedModules() {
                let p = prefix.isEmpty ? "" : prefix + "."
                if let s = ModuleValues.stats(m) {
                    out.append(Slot(name: p + "running_mean", get: { s.mean }, set: { s.mean = $0 }))
                    out.append(Slot(name: p + "running_var", get: { s.variance }, set: { s.variance = $0 }))
                    out.append(Slot(name: p + "num_batches_tracked", get: { Tensor(shape: [], int64: [s.batchesTracked]) },
                                    set: { s.batchesTracked = $0.int64(at: 0) }))
                }
                // the buffers a script registered (module attributes), after, as in its `_buffers`
                let o = ModuleObjects.object(for: m)
                for (name, v) in ModuleBuffers.own(m, persistentOnly: false) {
                    let t = try ModuleBuffers.tensor(v)
                    out.append(Slot(name: p + name, get: { t }, set: { o.set(name, .tensor($0)) }))
                }
            }
        }
        return out
    }

    static func register(_ lib: Library) {
        wrap(lib, "AveragedModel") { a in
            guard let model = liveModule(a["model"]) else { return nil }
            if a.has("avg_fn") && a.has("multi_avg_fn") {
                throw RuntimeError("AveragedModel(): Only one of avg_fn and multi_avg_fn should be provided", kind: "ValueError")
            }
            var rule = AveragingRule.swa   // CPU: get_swa_avg_fn (torch's foreach path is for accelerators)
            var custom: Value?
            for key in ["avg_fn", "multi_avg_fn"] where a.has(key) {
                if case .object(let o) = a[key], let r = o.payload as? AveragingRule {
                    rule = r
                } else if key == "avg_fn" {
                    custom = a[key]
                } else {
                    throw RuntimeError("AveragedModel(): multi_avg_fn must be get_ema_multi_avg_fn(decay) or get_swa_multi_avg_fn() (a script function would have to update tensors in place), got \(a[key].typeName)", kind: "TypeError")
                }
            }
            return try make(lib, a["model"], "AveragedModel", State(flavour: .torch, copy: try ModuleValues.deepCopy(model), rule: rule, custom: custom,
                                                               withBuffers: try a.bool("use_buffers")))
        }
        wrap(lib, "ExponentialMovingAverage") { a in
            guard let model = liveModule(a["model"]) else { return nil }
            try checkEMAMomentum(lib, a)
            let rule = AveragingRule.mmengineEMA(momentum: try a.double("momentum"), interval: try a.int("interval"))
            _ = try core { try TrickCore.AveragedModel(names: [], params: [], rule: rule) }   // the argument checks
            return try make(lib, a["model"], "ExponentialMovingAverage", State(flavour: .mmengine, copy: try ModuleValues.deepCopy(model), rule: rule,
                                                                          custom: nil, withBuffers: try a.bool("update_buffers")))
        }
        lib.function("MomentumAnnealingEMA(model, momentum=0.0002, gamma=100, interval=1, device=None, update_buffers=False)",
                     doc: "MMEngine MomentumAnnealingEMA over a module with values: ExponentialMovingAverage whose momentum is max(momentum, gamma / (gamma + steps)).") { a in
            guard let model = liveModule(a["model"]) else {
                throw RuntimeError("MomentumAnnealingEMA() argument 'model' must be a module with values, got \(a["model"].typeName)", kind: "TypeError")
            }
            try checkEMAMomentum(lib, a)
            let rule = AveragingRule.mmengineEMA(momentum: try a.double("momentum"), interval: try a.int("interval"))
            _ = try core { try TrickCore.AveragedModel(names: [], params: [], rule: rule) }
            let gamma = try a.double("gamma")
            guard gamma > 0 else { throw RuntimeError("gamma must be greater than 0, but got \(Printer.repr(a["gamma"]))", kind: "AssertionError") }
            return try make(lib, a["model"], "MomentumAnnealingEMA", State(flavour: .mmengine, copy: try ModuleValues.deepCopy(model), rule: rule, custom: nil,
                                                              withBuffers: try a.bool("update_buffers"), gamma: gamma))
        }
        wrap(lib, "StochasticWeightAverage") { a in
            guard let model = liveModule(a["model"]) else { return nil }
            let rule = AveragingRule.mmengineSWA(interval: try a.int("interval"))
            _ = try core { try TrickCore.AveragedModel(names: [], params: [], rule: rule) }
            return try make(lib, a["model"], "StochasticWeightAverage", State(flavour: .mmengine, copy: try ModuleValues.deepCopy(model), rule: rule,
                                                                         custom: nil, withBuffers: try a.bool("update_buffers")))
        }
        registerUpdateBN(lib)
    }

    /// MMEngine ExponentialMovingAverage.__init__'s own check and warning (MomentumAnnealingEMA
    /// inherits both): `assert 0.0 < momentum < 1.0` with its message, and a momentum above 0.5
    /// logged as a WARNING on the current MMLogger (EMA's momentum is usually small: it is
    /// PyTorch's 1 - momentum).
    static func checkEMAMomentum(_ lib: Library, _ a: Bound) throws {
        let m = try a.double("momentum")
        guard m > 0, m < 1 else {
            throw RuntimeError("momentum must be in range (0.0, 1.0)but got \(Printer.repr(a["momentum"]))", kind: "AssertionError")
        }
        if m > 0.5 {
            try lib.printLog("The value of momentum in EMA is usually a small number,which is different from the conventional notion of momentum but got \(Printer.repr(a["momentum"])). Please make sure the value is correct.")
        }
    }

    /// Replaces the dict-of-tensors form `name` by one that takes a module with values first
    /// (`body` returns nil for the old form).
    static func wrap(_ lib: Library, _ name: String, _ body: @escaping (Bound) throws -> Value?) {
        guard case .builtin(let old)? = lib.globals[name] else { return }
        let f = BuiltinFunction(old.signatureText, doc: old.doc + " Given a module with values: a deep copy of it, averaged in place by update_parameters(model).") { a in
            if let v = try body(a) { return v }
            return try old.call(a.forwarding(old.signature))
        }
        AutogradBindings.replace(lib, old, with: f)
    }

    static func make(_ lib: Library, _ source: Value, _ typeName: String, _ state: State) throws -> Value {
        let root = ModuleNode(typeName: typeName)
        root.setChild("module", state.copy)
        let counter = state.flavour == .torch ? "n_averaged" : "steps"
        let v = ModuleObjects.wrap(root)
        guard case .object(let o) = v else { return v }
        try ModuleClassCopy.adopt(source, state.copy, lib)
        if ModuleValues.hasForward(state.copy) {
            let copy = state.copy
            try ModuleValues.setForward(v) { _ in { x in try ModuleValues.call(copy, x) } }
        }
        let previous = o.getter
        o.getter = { name in
            if name == counter { return .tensor(Tensor(shape: [], int64: [Int64(state.count)])) }
            return try previous?(name)
        }
        o.method("update_parameters(model)") { a in
            guard let src = liveModule(a["model"]) else {
                throw RuntimeError("\(typeName).update_parameters() argument 'model' must be a module with values, got \(a["model"].typeName)", kind: "TypeError")
            }
            try update(lib, state, src)
            return .none
        }
        o.method("state_dict(destination=None, prefix='', keep_vars=False)") { a in
            let d = DictRef()
            d.flavor = DictFlavor(.orderedDict)   // torch's Module.state_dict() is an OrderedDict
            let prefix = try a.string("prefix")
            // the counter buffer first, as torch's and MMEngine's state dicts list it
            d[str: prefix + counter] = .tensor(Tensor(shape: [], int64: [Int64(state.count)]))
            for (k, x) in try ModuleValues.stateDict(state.copy, keepVars: try a.bool("keep_vars")) { d[str: prefix + "module." + k] = x }
            return .dict(d)
        }
        if let load = o.methods["load_state_dict"] {
            o.method("load_state_dict(state_dict, strict=True, assign=False)") { a in
                // the counter is a buffer of the averaged model; the rest is its copy's (`module.…`)
                let given = try a.dict("state_dict"), rest = DictRef()
                for (k, x) in given.pairs where Printer.str(k) != counter { rest[k] = x }
                if let c = given[str: counter] {
                    let t = try Convert.tensor(c)
                    guard t.count == 1 else { throw RuntimeError("\(counter) must hold one number, got shape \(Tensor.formatShape(t.shape))", kind: "RuntimeError") }
                    state.count = Int(t.double(at: 0))
                } else if try a.bool("strict") {
                    throw RuntimeError("Error(s) in loading state_dict for \(typeName):\n\tMissing key(s) in state_dict: \"\(counter)\". ", kind: "RuntimeError")
                }
                return try load.call(Arguments([.dict(rest)], keywords: [("strict", a["strict"]), ("assign", a["assign"])]))
            }
        }
        return v
    }

    /// torch 2.4.1 `AveragedModel.update_parameters` / MMEngine 0.10 `BaseAveragedModel.update_parameters`.
    static func update(_ lib: Library, _ state: State, _ src: ModuleNode) throws {
        let mine = try slots(state.copy, buffers: state.withBuffers)
        let theirs = try slots(src, buffers: state.withBuffers)
        guard mine.count == theirs.count else {
            throw RuntimeError("update_parameters(): the model has \(theirs.count) tensors to average, the averaged model \(mine.count)", kind: "ValueError")
        }
        for (m, t) in zip(mine, theirs) where m.get().shape != t.get().shape {
            throw RuntimeError("update_parameters(): '\(t.name)' has shape \(Tensor.formatShape(t.get().shape)), the averaged '\(m.name)' \(Tensor.formatShape(m.get().shape))", kind: "RuntimeError")
        }
        let n = state.count
        for (m, t) in zip(mine, theirs) {
            let avg = m.get(), cur = t.get().cast(to: avg.dtype)
            if n == 0 { m.set(cur); continue }
            // MMEngine averages floating-point tensors only (num_batches_tracked keeps its first copy)
            if state.flavour == .mmengine && !avg.dtype.isFloatingPoint { continue }
            if let f = state.custom {
                let r = try lib.callValue(f, Arguments([.tensor(avg), .tensor(cur), .tensor(Tensor(shape: [], int64: [Int64(n)]))]))
                guard let x = try? Convert.tensor(r), x.shape == avg.shape else {
                    throw RuntimeError("avg_fn must return a tensor of the parameter's shape \(Tensor.formatShape(avg.shape)), got \(r.typeName)", kind: "TypeError")
                }
                m.set(x.cast(to: avg.dtype))
            } else if !avg.dtype.isFloatingPoint, let x = try integerAverage(avg, cur, rule: state.currentRule, n: n) {
                m.set(x)
            } else if let x = TrickCore.AveragedModel.average(avg, cur, rule: state.currentRule, nAveraged: n, steps: n) {
                m.set(x)
            }
        }
        if !state.withBuffers {
            // buffers follow the source model
            let mb = try slots(state.copy, parameters: false, buffers: true), tb = try slots(src, parameters: false, buffers: true)
            for (m, t) in zip(mb, tb) { m.set(t.get()) }
        }
        state.count += 1
    }

    /// torch's averaging of an integer buffer (num_batches_tracked with use_buffers=True): the
    /// arithmetic promotes to float32 (`avg + (cur - avg) / (n + 1)`, `avg * decay + cur * (1 - decay)`)
    /// and `copy_` truncates back; `get_swa_multi_avg_fn` fails on integers in torch, and here.
    static func integerAverage(_ avg: Tensor, _ cur: Tensor, rule: AveragingRule, n: Int) throws -> Tensor? {
        let a = avg.doubles.map { Float($0) }, c = cur.doubles.map { Float($0) }
        var out: [Float]
        switch rule {
        case .swa: out = zip(a, c).map { $0 + ($1 - $0) / Float(n + 1) }
        case .emaLerp(let decay), .ema(let decay): out = zip(a, c).map { $0 * Float(decay) + $1 * Float(1 - decay) }
        case .swaLerp: throw RuntimeError("Integer division with addcdiv is no longer supported, and in a future release addcdiv will perform a true division of tensor1 and tensor2.", kind: "RuntimeError")
        default: return nil
        }
        out = out.map { $0.rounded(.towardZero) }
        return Tensor(shape: avg.shape, float32: out).cast(to: avg.dtype)
    }

    // MARK: update_bn

    static func registerUpdateBN(_ lib: Library) {
        guard case .builtin(let old)? = lib.globals["update_bn"] else { return }
        let f = BuiltinFunction("update_bn(loader, model=None, device=None)",
                                doc: old.doc + " update_bn(loader, model): torch.optim.swa_utils.update_bn on a module with values — every BatchNorm's statistics reset and recomputed with momentum=None over the loader's inputs (a batch's first item when it is a list or tuple), calling model(input) in train mode, as torch.") { a in
            guard !a["model"].isNone else { return try old.call(Arguments([a["loader"]])) }
            guard let model = liveModule(a["model"]) else {
                throw RuntimeError("update_bn() argument 'model' must be a module with values, got \(a["model"].typeName)", kind: "TypeError")
            }
            let norms = model.namedModules().map(\.module).filter { ModuleValues.stats($0) != nil }
            guard !norms.isEmpty else { return .none }
            for m in norms {
                let s = ModuleValues.stats(m)!
                s.mean = try Tensor.zeros(s.mean.shape, dtype: s.mean.dtype)
                s.variance = try Tensor.ones(s.variance.shape, dtype: s.variance.dtype)
                s.batchesTracked = 0
                ModuleState.of(m).cumulativeStats = true
            }
            let modules = model.namedModules().map(\.module)
            let wasTraining = ModuleValues.isTraining(model)
            defer {
                for m in norms { ModuleState.of(m).cumulativeStats = false }
                // model.train(was_training): every submodule takes the model's mode back
                for m in modules { ModuleValues.setTraining(m, wasTraining) }
            }
            for m in modules { ModuleValues.setTraining(m, true) }
            let items = try LoaderItems.items(a["loader"], lib)
            for item in items {
                var input = item
                if case .list(let l) = item, let first = l.items.first { input = first }
                if case .tuple(let t) = item, let first = t.first { input = first }
                _ = try GradMode.noGrad { try lib.callValue(a["model"], Arguments([input])) }
            }
            return .none
        }
        AutogradBindings.replace(lib, old, with: f)
    }
}

/// The items of an iterable value (a list, a DataLoader, …); anything else through the library's `list`.
enum LoaderItems {
    static func items(_ v: Value, _ lib: Library) throws -> [Value] {
        switch v {
        case .list(let l): return l.items
        case .tuple(let t): return t
        case .object(let o):
            if let it = o.methods["__iter__"] { return try items(try it.call(Arguments()), lib) }
            fallthrough
        default:
            guard let list = lib.globals["list"], case .list(let l) = try lib.callValue(list, Arguments([v])) else {
                throw RuntimeError("'\(v.typeName)' object is not iterable", kind: "TypeError")
            }
            return l.items
        }
    }
}
