import TrickCore
import TrickLang

/// A script's own optimizer — an instance of a class deriving from `torch.optim.Optimizer`
/// (Bundled/TorchOptimizerBase.swift), such as SAM or Lookahead — as trick's schedulers see it:
/// torch's `StepLR(sam, …)`, `SequentialLR`, `ReduceLROnPlateau`, `SWALR` and MMEngine's `*LR`,
/// `*Momentum`, `*ParamScheduler` accept any `torch.optim.Optimizer` and only read and write its
/// `param_groups` dicts (`lr`, `initial_lr`, `momentum`, `betas`, …) and its `defaults` keys, so
/// they run on a core `Optimizer` that mirrors those groups without parameters: each scheduler
/// step reads the script's `param_groups` (afresh: Lookahead may hand out its inner optimizer's)
/// and writes the changed values back into the same dicts, which the script's `step()` reads.
///
/// As torch and MMEngine do, binding the first scheduler replaces the instance's `step` with a
/// wrapper that counts the calls (torch's `_opt_called`, MMEngine's `_global_step`) and calls the
/// class's `step`, so `scheduler.step()` before `optimizer.step()` warns, and so does a `step`
/// the script assigns after the scheduler was made.
/// The view lives while its optimizer object does (one per object, so every scheduler over it
/// shares it). Where trick differs: groups added after a scheduler was made are an error.
final class ScriptOptimizer {
    /// The instance, weakly: the view must not keep the optimizer (and its model's parameters)
    /// after the script let go of it.
    private weak var instance: BuiltObject?
    unowned let lib: Library
    /// The `step` wrapper put on the instance (nil until a scheduler is bound). Weak: the
    /// instance holds it, and it holds the view, which holds this.
    private weak var wrapper: BuiltinFunction?

    init(object: BuiltObject, lib: Library) { self.instance = object; self.lib = lib }

    var object: Value {
        get throws {
            guard let instance else { throw RuntimeError("the optimizer of this scheduler was freed", kind: "RuntimeError") }
            return .object(instance)
        }
    }

    func isView(of o: BuiltObject) -> Bool { instance === o }

    /// The script's `param_groups` list, read now.
    func groups() throws -> ListRef {
        let v = try OptimWrapperBindings.attribute(lib, try object, "param_groups")
        guard case .list(let l) = v else { throw RuntimeError("optimizer.param_groups must be a list of dicts, got \(v.typeName)", kind: "TypeError") }
        return l
    }

    /// Whether `object.step` is still the wrapper a scheduler put there.
    var stepIsWrapped: Bool {
        guard let wrapper, let object = try? object, case .builtin(let b)? = try? OptimWrapperBindings.attribute(lib, object, "step") else { return false }
        return b === wrapper
    }

    /// torch's `patch_track_step_called` / MMEngine's `with_counter`: `step` counted, once; the
    /// counters are the instance's attributes `_opt_called` and `_global_step`, as there.
    func wrapStep(_ live: LiveOptimizer) throws {
        if live.countsForMMEngine { try set("_global_step", .int(live.stepCalls)) }
        guard !stepIsWrapped else { return }
        guard let instance else { throw RuntimeError("the optimizer was freed", kind: "RuntimeError") }
        // a `step` the script set on the instance itself is called as it is; the class's is looked
        // up at each call (a bound method kept here would hold the instance, which holds the wrapper)
        let own = instance.attributes["step"], typeName = instance.typeName
        // (the wrapper holds the view, which holds this ScriptOptimizer)
        let w = BuiltinFunction(raw: "step(*args, **kwargs)", doc: "The optimizer's step(), counted for the schedulers' step-order warnings (torch's and MMEngine's wrapper).") { [unowned self] args in
            live.countStep()
            if live.countsForTorch { try set("_opt_called", .bool(true)) }
            if live.countsForMMEngine { try set("_global_step", .int(live.stepCalls)) }
            if let own { return try lib.callValue(own, args) }
            guard let step = try self.instance?.getter?("step") else {
                throw RuntimeError("'\(typeName)' object has no attribute 'step'", kind: "AttributeError")
            }
            return try lib.callValue(step, args)
        }
        wrapper = w
        try set("step", .builtin(w))
    }

    private func set(_ name: String, _ v: Value) throws {
        guard let setattr = lib.globals["setattr"] else { throw RuntimeError("setattr is not available") }
        _ = try lib.callValue(setattr, Arguments([try object, .str(name), v]))
    }

    /// A view, weakly: it lives as long as what uses it (the schedulers bound to the optimizer,
    /// the `step` wrapper on the instance); it holds the optimizer's `param_groups`.
    struct WeakView {
        weak var live: LiveOptimizer?
    }

    /// Each script optimizer's view, by object (an entry whose object went is dropped: a new
    /// object may reuse its identifier).
    nonisolated(unsafe) private static var views: [ObjectIdentifier: WeakView] = [:]
    static func forgetAll() { views = [:] }

    /// The view of `v` when it is an instance of a script's subclass of `torch.optim.Optimizer`.
    static func live(of v: Value) -> LiveOptimizer? {
        guard case .object(let o) = v, o.instanceClass != nil, let lib = VariableObjects.library else { return nil }
        let script = ScriptOptimizer(object: o, lib: lib)
        guard let groups = try? script.groups() else { return nil }
        if let l = views[ObjectIdentifier(o)]?.live, l.script?.isView(of: o) == true, l.core.paramGroups.count == groups.items.count { return l }
        guard (try? isOptimizer(lib, v)) == true else { return nil }
        var defaults: [(key: String, value: OptionValue)] = []
        if case .dict(let d)? = try? OptimWrapperBindings.attribute(lib, v, "defaults") {
            defaults = (try? LiveOptimizer.options(d, skipOthers: true)) ?? []
        }
        let options = groups.items.map { item -> [(key: String, value: OptionValue)] in
            guard case .dict(let d) = item else { return [] }
            return (try? LiveOptimizer.options(d, skipOthers: true)) ?? []
        }
        let live = LiveOptimizer(core: Optimizer(groupsOf: defaults, groups: options), groups: groups, script: script)
        views = views.filter { $0.value.live != nil }
        views[ObjectIdentifier(o)] = WeakView(live: live)
        return live
    }

    /// `isinstance(v, torch.optim.Optimizer)`.
    static func isOptimizer(_ lib: Library, _ v: Value) throws -> Bool {
        guard case .object(let m)? = try lib.importModule("torch.optim.optimizer"), let cls = try m.getter?("Optimizer"),
              let isinstance = lib.globals["isinstance"] else { return false }
        return try lib.callValue(isinstance, Arguments([v, cls])).truthy()
    }
}

extension LiveOptimizer {
    /// What a scheduler's construction does to `optimizer.step` (see ScriptOptimizer): MMEngine's
    /// also restarts the count (`optimizer._global_step = -1`).
    func wrapStep(for check: TrainingOptimBindings.StepOrderCheck) throws {
        switch check {
        case .torch: countsForTorch = true
        case .mmengine: countsForMMEngine = true; stepCalls = -1
        }
        try script?.wrapStep(self)
    }

    /// A call of `optimizer.step()` (trick's, or the wrapper on a script's).
    func countStep() {
        optCalled = true
        stepCalls += 1
    }

    /// `optimizer._global_step` / `_opt_called` of trick's optimizers, once a scheduler counts them.
    func counter(_ name: String) -> Value? {
        switch name {
        case "_global_step" where countsForMMEngine: return .int(stepCalls)
        case "_opt_called" where countsForTorch && optCalled: return .bool(true)
        default: return nil
        }
    }

    /// Whether the script replaced `optimizer.step` after a scheduler wrapped it (torch: no
    /// `_wrapped_by_lr_sched`, MMEngine: no `_with_counter` on it).
    func stepOverridden(_ optimizerObject: Value) -> Bool {
        if let script { return !script.stepIsWrapped }
        if case .object(let o) = optimizerObject { return o.methods["step"] == nil }
        return false
    }
}
