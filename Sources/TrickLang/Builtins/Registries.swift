/// MMEngine's registries as MM code uses them: `@MODELS.register_module()` on a user's class
/// (with `name=`, `force=`, or `module=` directly) makes `build(dict(type='MyLoss', …))` and
/// `MODELS.build(...)` construct it. Where trick differs: all registries share one table (the
/// one `build` reads), rather than one per scope and kind; a name already registered is the
/// KeyError MMEngine raises unless `force=True`.
public enum Registries {
    /// MMEngine's root registries, importable from mmengine.registry, mmseg.registry and mmdet.registry.
    static let names = ["MODELS", "TRANSFORMS", "DATASETS", "DATA_SAMPLERS", "OPTIMIZERS", "OPTIM_WRAPPERS",
                        "OPTIM_WRAPPER_CONSTRUCTORS", "PARAM_SCHEDULERS", "METRICS", "EVALUATOR", "TASK_UTILS",
                        "HOOKS", "LOOPS", "VISUALIZERS", "MODEL_WRAPPERS", "WEIGHT_INITIALIZERS"]

    static func register(into lib: Library, interpreter interp: Interpreter) {
        // what each name was registered as (the class itself, for `MODELS.get('BN')` and `issubclass`)
        let originals = RegisteredOriginals()
        for name in names {
            let scope = name.lowercased()
            let root = RootRegistry()
            let o = BuiltObject(typeName: "Registry", payload: root)
            o.repr = { "Registry(name=\(scope), items=\(lib.typeOrder.count))" }
            o.getter = { attr in attr == "children" ? .dict(root.children) : nil }
            o.method("register_module(name=None, force=False, module=None)",
                     doc: "Registers a class (or function) under its name; as a decorator when `module` is not given.") { [unowned interp] a in
                let given = a["name"].isNone ? nil : try a.string("name")
                let force = try a.bool("force")
                func add(_ m: Value) throws -> Value {
                    let typeName: String
                    if let given { typeName = given } else if case .str(let n) = try interp.getAttribute(m, "__name__") { typeName = n } else {
                        throw RuntimeError("register_module(): cannot tell the name of \(m.typeName); pass name=", kind: "TypeError")
                    }
                    if !force, lib.types[typeName] != nil {
                        throw RuntimeError("\(typeName) is already registered in \(scope) at __main__", kind: "KeyError")
                    }
                    // (weak: the library can outlive the interpreter whose program registered
                    // the class — the fuzzer runs many programs over one library)
                    let wrapper = BuiltinFunction(raw: "\(typeName)(*args, **kwargs)") { [weak interp] args in
                        guard let interp else {
                            throw RuntimeError("\(typeName) was registered by a program that has ended", kind: "RuntimeError")
                        }
                        return try interp.call(m, args)
                    }
                    lib.registerType(typeName, wrapper)
                    originals.values[typeName] = (wrapper, m)
                    return m
                }
                if !a["module"].isNone { return try add(a["module"]) }
                return .builtin(BuiltinFunction(raw: "register_module.<decorator>(module)") { args in
                    guard let m = args.positional.first else {
                        throw RuntimeError("register_module() decorator needs the class it decorates", kind: "TypeError")
                    }
                    return try add(m)
                })
            }
            o.method("build(cfg, default_args=None)", doc: "Registry.build: the component the config's `type` names.") { a in
                guard case .dict(let cfg) = a["cfg"] else { throw RuntimeError("build() needs a config dict, got \(a["cfg"].typeName)", kind: "TypeError") }
                var defaults: [(String, Value)] = []
                if case .dict(let d) = a["default_args"] {
                    for (k, v) in d.pairs { if case .str(let ks) = k { defaults.append((ks, v)) } }
                }
                return try lib.build(cfg, defaultArgs: defaults)
            }
            o.method("get(key)", doc: "The registered component named `key` (the class a script registered, else the built-in), or None.") { a in
                let key = try a.string("key")
                guard let f = lib.types[key] else { return .none }
                if let (wrapper, m) = originals.values[key], wrapper === f { return m }
                return .builtin(f)
            }
            o.method("__contains__(key)") { a in .bool(lib.types[try a.string("key")] != nil) }
            lib.define(name, .object(o))
        }
        registerDefaultScope(lib)
    }

    /// MMEngine's `DefaultScope` (`get_instance(name, scope_name=…)`, `get_current_instance()`,
    /// `overwrite_default_scope(scope_name)` as a context manager). Where trick differs: with one
    /// table for every registry, the scope changes only the lookups of `Registries.lookup` (the
/// optimizer constructors': a class registered in a child registry of that scope).
    static func registerDefaultScope(_ lib: Library) {
        let state = DefaultScopeState()
        let ds = BuiltObject(typeName: "type", payload: state)
        ds.repr = { "<class 'mmengine.registry.default_scope.DefaultScope'>" }
        ds.set("__name__", .str("DefaultScope"))
        var instances: [String: Value] = [:]
        func make(_ name: String, _ scope: String) -> Value {
            let o = BuiltObject(typeName: "DefaultScope", attributes: [("instance_name", .str(name)), ("scope_name", .str(scope))])
            o.repr = { "<DefaultScope \(name): \(scope)>" }
            instances[name] = .object(o)
            state.current = .object(o)
            return .object(o)
        }
        ds.method("get_instance(name, scope_name)") { a in
            if let v = instances[try a.string("name")] { state.current = v; return v }
            return make(try a.string("name"), try a.string("scope_name"))
        }
        ds.method("get_current_instance()") { _ in state.current }
        ds.method("check_instance_created(name)") { a in .bool(instances[try a.string("name")] != nil) }
        ds.method("overwrite_default_scope(scope_name)") { a in
            let scope = a["scope_name"]
            let ctx = BuiltObject(typeName: "_GeneratorContextManager")
            var saved: Value = .none
            ctx.method("__enter__()") { _ in
                saved = state.current
                if case .str(let s) = scope { _ = make("overwrite-\(instances.count)", s) }
                return .none
            }
            ctx.method("__exit__(exc_type, exc_value, traceback)") { _ in state.current = saved; return .bool(false) }
            return .object(ctx)
        }
        lib.define("DefaultScope", .object(ds))
        lib.function("init_default_scope(scope)",
                     doc: "mmengine.registry.init_default_scope: makes `scope` the current default scope (a DefaultScope instance named after it, made once; when another scope is current, a new instance is made and a warning says so, as MMEngine logs it).") { a in
            let scope = try a.string("scope")
            if state.current.isNone || instances[scope] == nil {
                // DefaultScope.get_instance(scope, scope_name=scope): made once, then made current
                if let v = instances[scope] { state.current = v } else { _ = make(scope, scope) }
                return .none
            }
            if case .object(let cur) = state.current, case .str(let curScope)? = cur.attributes["scope_name"], curScope != scope {
                try lib.warn("The current default scope \"\(curScope)\" is not \"\(scope)\", `init_default_scope` will force set the currentdefault scope to \"\(scope)\".")
                _ = make("\(scope)-\(instances.count)", scope)
            }
            return .none
        }
    }

    /// `registry.get(name)` as MMEngine's `switch_scope_and_registry` resolves it: in the child
    /// registry (`Registry(…, parent=OPTIMIZERS, scope=…)`) of the current default scope first,
    /// then the root's shared table; nil when neither has it.
    public static func lookup(_ registry: String, _ name: String, in lib: Library) -> Value? {
        if case .object(let o)? = lib.globals[registry], let root = o.payload as? RootRegistry,
           case .object(let ds)? = lib.globals["DefaultScope"], let state = ds.payload as? DefaultScopeState,
           case .object(let current) = state.current, case .str(let scope)? = current.attributes["scope_name"],
           case .object(let child)? = root.children[str: scope], let t = child.payload as? UserRegistries.Table,
           let v = t.get(name) {
            return v
        }
        return lib.types[name].map { .builtin($0) }
    }
}

/// A root registry's children: the registries made with it as parent, by scope (`OPTIMIZERS.children`).
final class RootRegistry {
    let children = DictRef()
}

/// What `register_module` registered under each name, with the wrapper the shared table calls
/// (a later registration of the name by other means replaces the wrapper, and `get` then
/// returns the built-in).
final class RegisteredOriginals {
    var values: [String: (BuiltinFunction, Value)] = [:]
}

/// The `DefaultScope` instance made or entered last (`get_current_instance()`).
final class DefaultScopeState {
    var current: Value = .none
}
