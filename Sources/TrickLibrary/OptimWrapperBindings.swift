import TrickCore
import TrickLang

/// MMEngine 0.10's `OptimWrapper(optimizer, accumulative_counts=1, clip_grad=None)`
/// (mmengine/optim/optimizer/optimizer_wrapper.py and base.py) as MMEngine writes it: every
/// method goes through the object's attributes, so a script (or a test) can replace `backward`,
/// `step` or `zero_grad` on the instance and `update_params` calls the replacement, and can set
/// `_inner_count` / `_max_counts` / `_remainder_counts`. `step`, `zero_grad`, `state_dict` and
/// `load_state_dict` call the optimizer object's own methods, so any optimizer-like object (a
/// mock) can be wrapped; clipping and `get_lr` / `get_momentum` need an optimizer over real
/// parameters (trick's SGD/Adam/AdamW/RMSprop), whose counts, clipping and read-outs are
/// TrickCore's `OptimWrapper`.
///
/// With several groups the wrapper has `base_param_settings` (a group of the optimizer's defaults,
/// for `get_lr()['base_lr']`), `param_groups` is the optimizer's groups and that dict, and a
/// scheduler bound to the wrapper steps it too (BoundGroups), as MMEngine's.
final class LiveOptimWrapper {
    let wrapper: OptimWrapper
    /// nil when the optimizer is a script's own object (stepped through its methods).
    let optimizer: LiveOptimizer?
    init(wrapper: OptimWrapper, optimizer: LiveOptimizer?) { self.wrapper = wrapper; self.optimizer = optimizer }
}

enum OptimWrapperBindings {
    static let countNames = ["_inner_count", "_max_counts", "_remainder_counts"]

    static func attribute(_ lib: Library, _ v: Value, _ name: String) throws -> Value {
        guard let getattr = lib.globals["getattr"] else { throw RuntimeError("getattr is not available") }
        return try lib.callValue(getattr, Arguments([v, .str(name)]))
    }

    static func callMethod(_ lib: Library, _ v: Value, _ name: String, _ args: Arguments = Arguments()) throws -> Value {
        try lib.callValue(try attribute(lib, v, name), args)
    }

    static func kwargs(_ v: Value, _ what: String) throws -> [(String, Value)] {
        switch v {
        case .none: return []
        case .dict(let d): return d.pairs.map { (Printer.str($0.0), $0.1) }
        default: throw RuntimeError("\(what) must be a dict, got \(v.typeName)", kind: "TypeError")
        }
    }

    /// `loss / loss_factor` as Python computes it (an autograd tensor keeps its graph).
    static func divide(_ lib: Library, _ loss: Value, by factor: Int) throws -> Value {
        if let v = VariableObjects.variable(loss) { return try VariableObjects.arithmetic("/", v, .int(factor), reflected: false) }
        if let t = loss.tensorValue { return VariableObjects.result(try Variable(t).div(Double(factor))) }
        if let n = VariableObjects.number(loss) { return .float(n / Double(factor)) }
        return try callMethod(lib, loss, "__truediv__", Arguments([.int(factor)]))
    }

    /// `clip_grad` checked as MMEngine's `__init__` does: None, or a non-empty dict whose `type`
    /// (default 'norm') is 'norm' or 'value' and that has arguments besides it. Returns the
    /// arguments (`clip_grad_kwargs`), the grad name MMEngine logs, and the core clipping.
    static func clipConfig(_ v: Value) throws -> (kwargs: DictRef, gradName: String, clip: OptimWrapper.Clip)? {
        if v.isNone { return nil }
        guard case .dict(let given) = v, given.count > 0 else {
            throw RuntimeError("If `clip_grad` is not None, it should be a `dict` which is the arguments of `torch.nn.utils.clip_grad_norm_` or clip_grad_value_`.", kind: "AssertionError")
        }
        let d = DictRef()
        for (k, x) in given.pairs where Printer.str(k) != "type" { d[k] = x }
        let type = given[str: "type"] ?? .str("norm")
        guard case .str(let t) = type, t == "norm" || t == "value" else {
            throw RuntimeError("type of clip_grad should be \"norm\" or \"value\" but got \(Printer.str(type))", kind: "ValueError")
        }
        guard d.count > 0 else {
            throw RuntimeError("`clip_grad` should contain other arguments besides `type`. The arguments should match with the `torch.nn.utils.clip_grad_norm_` or clip_grad_value_`", kind: "AssertionError")
        }
        let allowed = t == "norm" ? ["max_norm", "norm_type", "error_if_nonfinite", "foreach"] : ["clip_value", "foreach"]
        if let bad = d.pairs.map({ Printer.str($0.0) }).first(where: { !allowed.contains($0) }) {
            throw RuntimeError("clip_grad_\(t)_() got an unexpected keyword argument '\(bad)'", kind: "TypeError")
        }
        if t == "value" {
            return (d, "grad_value", .value(clipValue: try Convert.double(d[str: "clip_value"] ?? .none).unwrap("clip_grad clip_value")))
        }
        let maxNorm = try Convert.double(d[str: "max_norm"] ?? .none).unwrap("clip_grad max_norm")
        let normType = try Convert.double(d[str: "norm_type"] ?? .float(2)).unwrap("clip_grad norm_type")
        return (d, "grad_norm", .norm(maxNorm: maxNorm, normType: normType, errorIfNonfinite: try (d[str: "error_if_nonfinite"] ?? .bool(false)).truthy()))
    }

    static func hasBatchNorm(_ n: ModuleNode) -> Bool { n.kind == .batchNorm || n.children.contains { hasBatchNorm($0.module) } }

    static func make(_ lib: Library, optimizer optimizerObject: Value, accumulativeCounts: Int, clipGrad: Value) throws -> Value {
        // a script's own optimizer is stepped through its methods, not through trick's core
        let live = LiveOptimizer.from(optimizerObject).flatMap { $0.script == nil ? $0 : nil }
        let clip = try clipConfig(clipGrad)
        guard clip == nil || live != nil else {
            throw RuntimeError("OptimWrapper: clip_grad needs an optimizer over real parameters (SGD, Adam, AdamW, RMSprop over a module's parameters)", kind: "NotImplementedError")
        }
        let w = try TrainingOptimBindings.core { try OptimWrapper(optimizer: live?.core, accumulativeCounts: accumulativeCounts, clip: clip?.clip) }
        let hub = try lib.currentMessageHub()
        // `base_param_settings`: with several groups, a group holding the optimizer's defaults (for `base_lr`)
        let groups = try attribute(lib, optimizerObject, "param_groups")
        var base: Value = .none
        if case .list(let l) = groups, l.items.count > 1 {
            let d = DictRef()
            d[str: "params"] = .tensor(try Tensor(shape: [1], float32: [0]))
            if case .dict(let defaults) = try attribute(lib, optimizerObject, "defaults") { for (k, v) in defaults.pairs { d[k] = v } }
            base = .dict(d)
        }
        let o = BuiltObject(typeName: "OptimWrapper", attributes: [
            ("_accumulative_counts", .int(accumulativeCounts)), ("optimizer", optimizerObject),
            ("clip_grad_kwargs", clip.map { .dict($0.kwargs) } ?? .none), ("message_hub", hub), ("base_param_settings", base),
        ], payload: LiveOptimWrapper(wrapper: w, optimizer: live))
        if let clip { o.set("grad_name", .str(clip.gradName)) }
        // (the methods refer to `o` unowned: the object holding them would otherwise never be freed)
        o.repr = { "Type: OptimWrapper\n_accumulative_counts: \(accumulativeCounts)\noptimizer: \n\(Printer.repr(optimizerObject))\n" }
        let computed = countNames + ["inner_count", "param_groups", "defaults"]
        o.getterNames = { computed }
        o.getter = { [unowned o] name in
            switch name {
            case "_inner_count", "inner_count": return .int(w.innerCount)
            case "_max_counts": return .int(w.maxCounts)
            case "_remainder_counts": return .int(w.remainderCounts)
            case "param_groups":
                // MMEngine's property: `optimizer.param_groups + [base_param_settings]`, a new list of the same dicts
                let groups = try attribute(lib, optimizerObject, "param_groups")
                guard let base = o.attributes["base_param_settings"], !base.isNone, case .list(let l) = groups else { return groups }
                return .list(l.items + [base])
            case "defaults": return try attribute(lib, optimizerObject, "defaults")
            default: return nil
            }
        }
        o.setter = { [unowned o] name, v in
            switch name {
            case "_inner_count": w.innerCount = try Convert.int(v)
            case "_max_counts": w.maxCounts = try Convert.int(v)
            case "_remainder_counts": w.remainderCounts = try Convert.int(v)
            case "inner_count", "param_groups", "defaults": throw RuntimeError("property '\(name)' of 'OptimWrapper' object has no setter", kind: "AttributeError")
            default:
                o.methods[name] = nil   // an instance attribute hides the method (a test's mock)
                o.set(name, v)
            }
        }
        func pushed() throws { try live?.pushToCore() }
        func needsLive(_ what: String) throws -> LiveOptimizer {
            guard let live else { throw RuntimeError("OptimWrapper.\(what) needs an optimizer over real parameters, got \(optimizerObject.typeName)", kind: "NotImplementedError") }
            return live
        }
        o.method("scale_loss(loss)") { a in try divide(lib, a["loss"], by: try TrainingOptimBindings.core { try w.lossFactor() }) }
        o.method("update_params(loss, step_kwargs=None, zero_kwargs=None)") { [unowned o] a in
            let stepKwargs = try kwargs(a["step_kwargs"], "step_kwargs"), zeroKwargs = try kwargs(a["zero_kwargs"], "zero_kwargs")
            let loss = try callMethod(lib, .object(o), "scale_loss", Arguments([a["loss"]]))
            _ = try callMethod(lib, .object(o), "backward", Arguments([loss]))
            if try callMethod(lib, .object(o), "should_update").truthy() {
                _ = try callMethod(lib, .object(o), "step", Arguments([], keywords: stepKwargs))
                _ = try callMethod(lib, .object(o), "zero_grad", Arguments([], keywords: zeroKwargs))
            }
            return .none
        }
        o.method("backward(loss, **kwargs)") { a in
            _ = try callMethod(lib, a["loss"], "backward", Arguments([], keywords: a.kwargs))
            w.innerCount += 1
            return .none
        }
        o.method("step(**kwargs)") { [unowned o] a in
            if case .dict(let d) = o.attributes["clip_grad_kwargs"] ?? .none, d.count > 0 { _ = try callMethod(lib, .object(o), "_clip_grad") }
            _ = try callMethod(lib, optimizerObject, "step", Arguments([], keywords: a.kwargs))
            return .none
        }
        o.method("_clip_grad()") { [unowned o] _ in
            try pushed()
            let norm = try TrainingOptimBindings.core { try GradMode.noGrad { try w.clipGrads() } }
            if let norm, let name = o.attributes["grad_name"] {
                _ = try callMethod(lib, o.attributes["message_hub"] ?? hub, "update_scalar", Arguments([.str("train/\(Printer.str(name))"), .float(norm.double(at: 0))]))
            }
            return .none
        }
        o.method("zero_grad(**kwargs)") { a in try callMethod(lib, optimizerObject, "zero_grad", Arguments([], keywords: a.kwargs)) }
        o.method("get_lr()") { [unowned o] _ in
            let live = try needsLive("get_lr()")
            try live.pushToCore()
            let out = DictRef()
            if case .dict(let b) = o.attributes["base_param_settings"] ?? .none { out[str: "base_lr"] = .list([b[str: "lr"] ?? .none]) }
            out[str: "lr"] = .list(try TrainingOptimBindings.core { try w.getLR() }.map { .float($0) })
            return .dict(out)
        }
        o.method("get_momentum()") { _ in
            try needsLive("get_momentum()").pushToCore()
            return .dict([("momentum", .list(try TrainingOptimBindings.core { try w.getMomentum() }.map { .float($0) }))])
        }
        o.method("should_update()") { _ in .bool(w.shouldUpdate()) }
        o.method("should_sync()") { _ in .bool(w.shouldSync()) }
        o.method("initialize_count_status(model, init_counts, max_counts)") { a in
            w.initializeCountStatus(initCounts: try a.int("init_counts"), maxCounts: try a.int("max_counts"))
            if w.innerCount % accumulativeCounts != 0 {
                try lib.printLog("Resumed iteration number is not divisible by `_accumulative_counts` in `GradientCumulativeOptimizerHook`, which means the gradient of some iterations is lost and the result may be influenced slightly.")
            }
            if accumulativeCounts > 1, let n = ModuleObjects.node(a["model"]), hasBatchNorm(n) {
                try lib.printLog("Gradient accumulative may slightly decrease performance because the model has BatchNorm layers.")
            }
            return .none
        }
        o.method("optim_context(model)") { a in
            // blocks DDP's gradient sync (model.no_sync()) at the iterations that accumulate
            var inner: Value = .none
            if !w.shouldSync(), (try? attribute(lib, a["model"], "no_sync")) != nil { inner = try callMethod(lib, a["model"], "no_sync") }
            let ctx = BuiltObject(typeName: "_GeneratorContextManager")
            ctx.method("__enter__()") { _ in
                if !inner.isNone { _ = try callMethod(lib, inner, "__enter__") }
                return .none
            }
            ctx.method("__exit__(exc_type, exc_value, traceback)") { e in
                if !inner.isNone { return try callMethod(lib, inner, "__exit__", Arguments([e["exc_type"], e["exc_value"], e["traceback"]])) }
                return .bool(false)
            }
            return .object(ctx)
        }
        o.method("state_dict()") { [unowned o] _ in
            let sd = try callMethod(lib, optimizerObject, "state_dict")
            if case .dict(let d) = sd, let b = o.attributes["base_param_settings"], !b.isNone { d[str: "base_param_settings"] = b }
            return sd
        }
        o.method("load_state_dict(state_dict)") { [unowned o] a in
            let sd = try a.dict("state_dict")
            if let b = sd[str: "base_param_settings"] {
                _ = try sd.remove(.str("base_param_settings"))
                if !b.isNone { o.set("base_param_settings", b) }
            }
            return try callMethod(lib, optimizerObject, "load_state_dict", Arguments([.dict(sd)]))
        }
        return .object(o)
    }
}

/// The groups a scheduler bound to `optimizerObject` steps, and the dicts they mirror: the
/// optimizer's (`live`), and for an OptimWrapper over several groups its `base_param_settings`
/// dict after them (MMEngine's `OptimWrapper.param_groups`; core: WrapperParamGroups). The dicts
/// are the truth: `push` reads them before a scheduler step, `pull` writes the new values back.
final class BoundGroups {
    let live: LiveOptimizer
    let groups: any ScheduledGroups
    private let wrapper: (object: BuiltObject, groups: WrapperParamGroups)?

    init(_ live: LiveOptimizer, optimizerObject: Value) throws {
        self.live = live
        if case .object(let o) = optimizerObject, o.payload is LiveOptimWrapper, let base = try BoundGroups.base(o) {
            let w = WrapperParamGroups(optimizer: live.core, base: base)
            wrapper = (o, w)
            groups = w
        } else {
            wrapper = nil
            groups = live.core
        }
    }

    /// The wrapper's `base_param_settings` as a group (nil when it is None).
    private static func base(_ o: BuiltObject) throws -> ParamGroup? {
        guard case .dict(let d)? = o.attributes["base_param_settings"] else { return nil }
        return ParamGroup(params: [], options: try LiveOptimizer.options(d, skipOthers: true))
    }

    func push() throws {
        try live.pushToCore()
        guard let wrapper else { return }
        guard let base = try BoundGroups.base(wrapper.object) else {
            throw RuntimeError("OptimWrapper.base_param_settings became None after a scheduler was bound to the wrapper", kind: "RuntimeError")
        }
        wrapper.groups.base = base
    }

    func pull() {
        live.pullFromCore()
        guard let wrapper, let base = wrapper.groups.base, case .dict(let d)? = wrapper.object.attributes["base_param_settings"] else { return }
        LiveOptimizer.write(base, into: d)
    }
}
