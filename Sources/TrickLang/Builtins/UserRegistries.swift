/// MMEngine's `Registry` class, for registries a script makes itself
/// (`MODELS = Registry('models')`, `Registry('detector', parent=MODELS, scope='det')`): each has its
/// own table of names, `register_module` (decorator, `name=`, `force=`, `module=`), `get` (its own
/// names, then its parent's; `'scope.Name'` looks in the registry of that scope under the same
/// root), `build` (the component `type` names, called with the other keys and `default_args`, or
/// the registry's `build_func(cfg, registry)`), `module_dict`, `len`, `in`; and `build_from_cfg`.
/// The root registries MM code imports (`MODELS`, …) stay the one shared table of Registries.swift.
enum UserRegistries {
    final class Table {
        let name: String
        let scope: String
        var modules: [(String, Value)] = []
        weak var parent: Table?
        /// The root registry's shared table, for a registry whose parent is a root one (`OPTIMIZERS`).
        var rootLookup: ((String) -> Value?)?
        var children: [Table] = []
        var buildFunc: Value = .none
        init(name: String, scope: String) { self.name = name; self.scope = scope }

        func own(_ key: String) -> Value? { modules.first { $0.0 == key }?.1 }
        var root: Table { parent?.root ?? self }
        func find(scope s: String) -> Table? {
            if scope == s { return self }
            for c in children { if let t = c.find(scope: s) { return t } }
            return nil
        }
        /// MMEngine `Registry.get`: `scope.Name` in that scope's registry (searched from the root),
        /// else the name here and up the parents.
        func get(_ key: String) -> Value? {
            if let dot = key.firstIndex(of: ".") {
                let s = String(key[..<dot]), n = String(key[key.index(after: dot)...])
                if let t = root.find(scope: s) { return t.getUp(n) }
            }
            return getUp(key)
        }
        func getUp(_ key: String) -> Value? { own(key) ?? parent?.getUp(key) ?? rootLookup?(key) }
    }

    static func register(into lib: Library, interpreter interp: Interpreter) {
        lib.function("Registry(name, build_func=None, parent=None, scope=None, locations=[])",
                     doc: "mmengine.Registry: a registry of its own (name → class or function), with a parent chain and scopes") { [unowned interp] a in
            let name = try a.string("name")
            var parentTable: Table?
            if case .object(let p) = a["parent"] { parentTable = p.payload as? Table }
            let t = Table(name: name, scope: a.has("scope") ? try a.string("scope") : "__main__")
            t.buildFunc = a["build_func"]
            if let p = parentTable { t.parent = p; p.children.append(t) }
            let made = object(t, lib, interp)
            if case .object(let p) = a["parent"], let root = p.payload as? RootRegistry {
                // a child of a root registry: listed in its `children`, finds the root's names
                root.children[str: t.scope] = made
                t.rootLookup = { [unowned lib] key in lib.types[key].map { .builtin($0) } }
            }
            return made
        }
        lib.function("build_from_cfg(cfg, registry, default_args=None)",
                     doc: "mmengine.registry.build_from_cfg: registry.build(cfg, default_args)") { [unowned interp] a in
            try interp.call(try interp.getAttribute(a["registry"], "build"), Arguments([a["cfg"]], keywords: [("default_args", a["default_args"])]))
        }
    }

    static func object(_ t: Table, _ lib: Library, _ interp: Interpreter) -> Value {
        let o = BuiltObject(typeName: "Registry", payload: t)
        o.repr = { "Registry(name=\(t.name), items=\(t.modules.count))" }
        o.method("register_module(name=None, force=False, module=None)",
                 doc: "Registers a class or function under its name (or name=); a decorator when module is not given") { [unowned interp] a in
            let given = a["name"].isNone ? nil : try a.string("name")
            let force = try a.bool("force")
            func add(_ m: Value) throws -> Value {
                let key: String
                if let given { key = given } else if case .str(let n) = try interp.getAttribute(m, "__name__") { key = n } else {
                    throw RuntimeError("register_module(): cannot tell the name of \(m.typeName); pass name=", kind: "TypeError")
                }
                if let i = t.modules.firstIndex(where: { $0.0 == key }) {
                    guard force else { throw RuntimeError("\(key) is already registered in \(t.name) at __main__", kind: "KeyError") }
                    t.modules[i].1 = m
                } else {
                    t.modules.append((key, m))
                }
                return m
            }
            if !a["module"].isNone { return try add(a["module"]) }
            return .builtin(BuiltinFunction(raw: "register_module.<decorator>(module)") { args in
                guard let m = args.positional.first else { throw RuntimeError("register_module() decorator needs the class it decorates", kind: "TypeError") }
                return try add(m)
            })
        }
        o.method("get(key)", doc: "The class registered as key (scope.Name looks in that scope), or None") { a in
            t.get(try a.string("key")) ?? .none
        }
        o.method("build(cfg, default_args=None)", doc: "The component cfg['type'] names, called with the other keys") { [unowned interp] a in
            if !t.root.buildFunc.isNone || !t.buildFunc.isNone {
                let f = t.buildFunc.isNone ? t.root.buildFunc : t.buildFunc
                return try interp.call(f, Arguments([a["cfg"], .object(o)]))
            }
            guard case .dict(let cfg) = a["cfg"] else { throw RuntimeError("cfg must be a dict, but got \(a["cfg"].typeName)", kind: "TypeError") }
            var kwargs: [(String, Value)] = []
            if case .dict(let d) = a["default_args"] { for (k, v) in d.pairs { if case .str(let ks) = k { kwargs.append((ks, v)) } } }
            var type: Value = .none
            for (k, v) in cfg.pairs {
                guard case .str(let ks) = k else { continue }
                if ks == "type" { type = v; continue }
                kwargs.removeAll { $0.0 == ks }
                kwargs.append((ks, v))
            }
            if type.isNone, let i = kwargs.firstIndex(where: { $0.0 == "type" }) { type = kwargs.remove(at: i).1 }
            let target: Value
            if case .str(let name) = type {
                guard let c = t.get(name) else { throw RuntimeError("\(name) is not in the \(t.scope)::\(t.name) registry", kind: "KeyError") }
                target = c
            } else if type.isNone {
                throw RuntimeError("`cfg` or `default_args` must contain the key \"type\", but got \(Printer.repr(a["cfg"]))", kind: "KeyError")
            } else {
                target = type
            }
            return try interp.call(target, Arguments([], keywords: kwargs))
        }
        o.method("__len__()") { _ in .int(t.modules.count) }
        o.method("__contains__(key)") { a in .bool(t.get(try a.string("key")) != nil) }
        o.getter = { attr in
            switch attr {
            case "module_dict": return .dict(t.modules.map { ($0.0, $0.1) })
            case "name": return .str(t.name)
            case "scope": return .str(t.scope)
            default: return nil
            }
        }
        return .object(o)
    }
}
