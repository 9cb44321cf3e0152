/// `unittest.mock.patch` (CPython 3.11): `patch('module.name', new=DEFAULT, …)`,
/// `patch.object(target, 'attribute', …)`, `patch.dict(in_dict, values, clear=False)`,
/// `patch.multiple(target, **names)` and `patch.stopall()`; each works as a decorator (of a
/// function: the MagicMock it made is passed as a last positional argument, stacked patches in
/// bottom-up order; of a class: each `test*` method), as a context manager (`with patch(...) as
/// m`) and through `start()`/`stop()`. The original attribute comes back on exit, or is removed
/// when the patch created it. Targets are resolved as `import` does (trick's modules, and
/// `sys.modules`).
enum Patch {
    /// One patching: what to set where, and what was there before.
    final class State {
        let resolve: () throws -> Value                  // the object patched (looked up when started)
        let attribute: String
        let new: Value                                   // DEFAULT: a MagicMock made at start
        let create: Bool
        let makeNew: () throws -> Value
        var target: Value = .none
        var original: Value?                             // nil: the attribute was not there
        var originalMethod: BuiltinFunction?             // a built-in object's method the patch hides
        var wasLocal = true
        var active: Value?
        init(resolve: @escaping () throws -> Value, attribute: String, new: Value, create: Bool, makeNew: @escaping () throws -> Value) {
            self.resolve = resolve
            self.attribute = attribute
            self.new = new
            self.create = create
            self.makeNew = makeNew
        }
    }

    /// A function decorated by one or more patches (CPython keeps them in `func.patchings`).
    final class Patched {
        let function: Value
        let patchings: [Patching]
        init(_ function: Value, _ patchings: [Patching]) {
            self.function = function
            self.patchings = patchings
        }
    }

    /// A patch of an attribute, or of a dict's items.
    enum Patching {
        case attribute(State)
        case dict(DictPatch)
    }

    final class DictPatch {
        let resolve: () throws -> DictRef
        let values: [(Value, Value)]
        let clear: Bool
        var saved: [(Value, Value)] = []
        var dict: DictRef?
        init(resolve: @escaping () throws -> DictRef, values: [(Value, Value)], clear: Bool) {
            self.resolve = resolve
            self.values = values
            self.clear = clear
        }
    }

    final class Registry { var started: [Patching] = [] }

    static func register(_ m: BuiltObject, _ interp: Interpreter) {
        let registry = Registry()
        let sig = "new=DEFAULT, spec=None, create=False, spec_set=None, autospec=None, new_callable=None, **kwargs"
        func state(_ a: Bound, resolve: @escaping () throws -> Value, attribute: String) -> State {
            var new = a["new"]
            if case .str("DEFAULT") = new { new = .object(Mock.defaultSentinel) }
            let spec = a["spec"], specSet = a["spec_set"], newCallable = a["new_callable"], kwargs = a.kwargs
            let make: () throws -> Value = { [unowned interp] in
                if !newCallable.isNone {
                    var kw = kwargs
                    if !spec.isNone { kw.append(("spec", spec)) }
                    if !specSet.isNone { kw.append(("spec_set", specSet)) }
                    return try interp.call(newCallable, Arguments([], keywords: kw))
                }
                let setSpec: Value
                if case .bool(true) = specSet { setSpec = (try? resolve()).flatMap { try? interp.getAttribute($0, attribute) } ?? .none } else { setSpec = specSet }
                var plainSpec = spec
                if case .bool(true) = spec { plainSpec = (try? resolve()).flatMap { try? interp.getAttribute($0, attribute) } ?? .none }
                return try Mock.make(interp, magic: true, spec: setSpec.isNone ? plainSpec : setSpec, specSet: !setSpec.isNone, configure: kwargs)
            }
            return State(resolve: resolve, attribute: attribute, new: new, create: (try? a.bool("create")) ?? false, makeNew: make)
        }
        let patch = BuiltObject(typeName: "function")
        patch.repr = { "<function patch>" }
        patch.callable = BuiltinFunction("patch(target, \(sig))",
                                         doc: "unittest.mock.patch: replaces 'module.attribute' (a MagicMock by default) in a with block, a decorated function or class, or between start() and stop().") { [unowned interp] a in
            let target = try a.string("target")
            guard let dot = target.lastIndex(of: ".") else {
                throw RuntimeError("Need a valid target to patch. You supplied: \(Printer.repr(.str(target)))", kind: "TypeError")
            }
            let path = String(target[..<dot]), attribute = String(target[target.index(after: dot)...])
            return patcher(.attribute(state(a, resolve: { [unowned interp] in try importTarget(interp, path) }, attribute: attribute)), interp, registry)
        }
        patch.method("object(target, attribute, \(sig))", doc: "patch.object: replaces target.attribute.") { [unowned interp] a in
            let target = a["target"]
            return patcher(.attribute(state(a, resolve: { target }, attribute: try a.string("attribute"))), interp, registry)
        }
        patch.method("dict(in_dict, values=(), clear=False, **kwargs)", doc: "patch.dict: sets items of a dict (or 'module.name' of one), restoring its contents after.") { [unowned interp] a in
            let inDict = a["in_dict"]
            var values: [(Value, Value)] = []
            switch a["values"] {
            case .dict(let d): values = d.pairs
            default:
                for item in try interp.iterate(a["values"]) {
                    let kv = try interp.iterate(item)
                    guard kv.count == 2 else { throw RuntimeError("dictionary update sequence element has length \(kv.count); 2 is required", kind: "ValueError") }
                    values.append((kv[0], kv[1]))
                }
            }
            values += a.kwargs.map { (.str($0.0), $0.1) }
            let resolve: () throws -> DictRef = { [unowned interp] in
                var v = inDict
                if case .str(let name) = inDict { v = try importTarget(interp, name) }
                guard case .dict(let d) = v else { throw RuntimeError("patch.dict needs a dict, got \(v.typeName)", kind: "TypeError") }
                return d
            }
            return patcher(.dict(DictPatch(resolve: resolve, values: values, clear: try a.bool("clear"))), interp, registry)
        }
        patch.method("multiple(target, spec=None, create=False, spec_set=None, autospec=None, new_callable=None, **kwargs)",
                     doc: "patch.multiple: several attributes of one target at once (name=DEFAULT makes a MagicMock).") { [unowned interp] a in
            var target = a["target"]
            if case .str(let name) = target { target = try importTarget(interp, name) }
            let t = target
            let states: [Patching] = a.kwargs.map { name, v in
                let new = Mock.isDefault(v) ? Value.object(Mock.defaultSentinel) : v
                return .attribute(State(resolve: { t }, attribute: name, new: new, create: (try? a.bool("create")) ?? false) { [unowned interp] in
                    try Mock.make(interp, magic: true)
                })
            }
            return multiple(states, interp, registry)
        }
        patch.method("stopall()", doc: "Stops every patch started with start().") { _ in
            for p in registry.started.reversed() { try stop(p) }
            registry.started.removeAll()
            return .none
        }
        patch.set("TEST_PREFIX", .str("test"))
        m.set("patch", .object(patch))
    }

    /// `'a.b.c'` as `import` finds it: the longest importable module, then attributes.
    static func importTarget(_ interp: Interpreter, _ dotted: String) throws -> Value {
        let parts = dotted.split(separator: ".").map(String.init)
        for n in stride(from: parts.count, through: 1, by: -1) {
            guard let base = try? interp.importModule(parts[..<n].joined(separator: ".")) else { continue }
            var v = base
            for p in parts[n...] { v = try interp.getAttribute(v, p) }
            return v
        }
        throw RuntimeError("No module named '\(parts.first ?? dotted)'", kind: "ModuleNotFoundError")
    }

    // MARK: starting and stopping

    static func start(_ p: Patching, _ interp: Interpreter) throws -> Value {
        switch p {
        case .attribute(let s):
            let target = try s.resolve()
            s.target = target
            s.original = try? interp.getAttribute(target, s.attribute)
            s.wasLocal = isLocal(target, s.attribute)
            if case .object(let o) = target, o.payload as? ClassInfo == nil { s.originalMethod = o.methods[s.attribute] }
            if s.original == nil && !s.create {
                throw RuntimeError("\(Printer.repr(target)) does not have the attribute '\(s.attribute)'", kind: "AttributeError")
            }
            let new = Mock.isDefault(s.new) ? try s.makeNew() : s.new
            try set(interp, target, s.attribute, new)
            s.active = new
            return new
        case .dict(let d):
            let dict = try d.resolve()
            d.dict = dict
            d.saved = dict.pairs
            if d.clear { dict.removeAll() }
            for (k, v) in d.values { try dict.set(k, v) }
            return .dict(dict)
        }
    }

    static func stop(_ p: Patching) throws {
        switch p {
        case .attribute(let s):
            guard s.active != nil else { return }
            s.active = nil
            if let method = s.originalMethod, case .object(let o) = s.target {
                o.removeAttributes([s.attribute])
                o.methods[s.attribute] = method
            } else if let original = s.original, s.wasLocal {
                try rawSet(s.target, s.attribute, original)
            } else {
                remove(s.target, s.attribute)
            }
        case .dict(let d):
            guard let dict = d.dict else { return }
            dict.removeAll()
            for (k, v) in d.saved { try dict.set(k, v) }
            d.dict = nil
        }
    }

    /// Whether the attribute is the object's own (restored by setting it back) rather than its
    /// class's (restored by removing the patch, as CPython does for an instance's method).
    static func isLocal(_ target: Value, _ name: String) -> Bool {
        guard case .object(let o) = target else { return true }
        if let info = o.payload as? ClassInfo { return info.namespace[name] != nil || o.attributes[name] != nil }
        if o.instanceClass is ClassInfo { return o.attributes[name] != nil }
        return true
    }

    static func set(_ interp: Interpreter, _ target: Value, _ name: String, _ v: Value) throws {
        // a module's attributes are read-only to scripts, not to patch; a method is hidden, as an attribute hides it
        if case .object(let o) = target, o.typeName == "module", o.setter == nil { o.methods[name] = nil; o.set(name, v); return }
        try interp.setAttribute(target, name, v)
    }

    /// Puts the original back without the target's setter (a module's attributes are read-only
    /// to scripts; a class's namespace entry is restored as it was).
    static func rawSet(_ target: Value, _ name: String, _ v: Value) throws {
        guard case .object(let o) = target else { return }
        if let info = o.payload as? ClassInfo, info.namespace[name] != nil || o.attributes[name] == nil {
            info.namespace[name] = v
            if !info.order.contains(name) { info.order.append(name) }
            return
        }
        if let setter = o.setter, o.typeName != "module" { try setter(name, v); return }
        o.set(name, v)
    }

    static func remove(_ target: Value, _ name: String) {
        guard case .object(let o) = target else { return }
        if let info = o.payload as? ClassInfo {
            info.namespace[name] = nil
            info.order.removeAll { $0 == name }
        }
        o.removeAttributes([name])
    }

    // MARK: the patcher object

    /// What `patch(...)` returns: a decorator, a context manager, and start()/stop().
    static func patcher(_ p: Patching, _ interp: Interpreter, _ registry: Registry) -> Value {
        let o = BuiltObject(typeName: "_patch")
        o.repr = { "<unittest.mock._patch object>" }
        if case .attribute(let s) = p { o.set("attribute", .str(s.attribute)) }
        o.method("start()") { [unowned interp] _ in
            let v = try start(p, interp)
            registry.started.append(p)
            return v
        }
        o.method("stop()") { _ in
            try stop(p)
            registry.started.removeAll { same($0, p) }
            return .none
        }
        o.method("__enter__()") { [unowned interp] _ in try start(p, interp) }
        o.method("__exit__(exc_type, exc_value, traceback)") { _ in try stop(p); return .bool(false) }
        o.callable = BuiltinFunction("patch.<decorator>(func)") { [unowned interp] a in try decorate(a["func"], [p], interp) }
        return .object(o)
    }

    /// `patch.multiple`: one patcher for several attributes; as a context manager it gives a
    /// dict of the mocks it made, by name.
    static func multiple(_ ps: [Patching], _ interp: Interpreter, _ registry: Registry) -> Value {
        let o = BuiltObject(typeName: "_patch")
        o.repr = { "<unittest.mock._patch object>" }
        func startAll() throws -> Value {
            var made: [(String, Value)] = []
            for p in ps {
                let v = try start(p, interp)
                if case .attribute(let s) = p, Mock.isDefault(s.new) { made.append((s.attribute, v)) }
            }
            return .dict(made)
        }
        o.method("start()") { _ in let v = try startAll(); registry.started += ps; return v }
        o.method("stop()") { _ in for p in ps.reversed() { try stop(p) }; return .none }
        o.method("__enter__()") { _ in try startAll() }
        o.method("__exit__(exc_type, exc_value, traceback)") { _ in for p in ps.reversed() { try stop(p) }; return .bool(false) }
        o.callable = BuiltinFunction("patch.<decorator>(func)") { [unowned interp] a in try decorate(a["func"], ps, interp, keywords: true) }
        return .object(o)
    }

    static func same(_ a: Patching, _ b: Patching) -> Bool {
        switch (a, b) {
        case (.attribute(let x), .attribute(let y)): return x === y
        case (.dict(let x), .dict(let y)): return x === y
        default: return false
        }
    }

    /// Decorates a function (a wrapper that patches around each call) or a class (its `test*`
    /// methods). A function already patched gets this patch added to its list, so stacked
    /// decorators pass their mocks bottom-up, as CPython.
    static func decorate(_ f: Value, _ ps: [Patching], _ interp: Interpreter, keywords: Bool = false) throws -> Value {
        if case .object(let c) = f, let info = c.payload as? ClassInfo {
            for name in info.order where name.hasPrefix("test") {
                guard let m = info.namespace[name] else { continue }
                switch m {
                case .function, .object: info.namespace[name] = try decorate(m, ps, interp, keywords: keywords)
                default: break
                }
            }
            return f
        }
        var inner = f, earlier: [Patching] = []
        if case .object(let o) = f, let w = o.payload as? MethodWrapper, let p = w.decoration as? Patched {
            inner = p.function
            earlier = p.patchings
        }
        let all = earlier + ps
        let multipleKeywords = keywords
        let name: String
        switch inner {
        case .function(let fn): name = fn.code.name
        case .builtin(let b): name = b.name
        default: name = "patched"
        }
        let patched = Patched(inner, all)
        let wrapper = BuiltinFunction(raw: "\(name)(*args, **kwargs)") { [unowned interp] args in
            var extra: [Value] = [], extraKeywords: [(String, Value)] = []
            var started: [Patching] = []
            defer { for p in started.reversed() { try? stop(p) } }
            for p in all {
                let v = try start(p, interp)
                started.append(p)
                if case .attribute(let s) = p, Mock.isDefault(s.new) {
                    if multipleKeywords { extraKeywords.append((s.attribute, v)) } else { extra.append(v) }
                }
            }
            return try interp.call(inner, Arguments(args.positional + extra, keywords: args.keywords + extraKeywords))
        }
        return ClassBuiltins.function(wrapper, decoration: patched)
    }
}
