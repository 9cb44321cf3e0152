import TrickCore

/// The table of built-ins a program sees: global functions and values, namespaces such as
/// `ensemble_boxes`, and the registry of component types that `build(cfg)` looks up by
/// `type` (the reference libraries' names). Registered once, declaratively, with docs — as
/// Lua's `luaL_Reg` tables — so `help`, completion and error hints all read from here.
public final class Library {
    public private(set) var names: [String] = []
    public private(set) var globals: [String: Value] = [:]
    /// Component types buildable from a config dict, by `type` name.
    public private(set) var types: [String: BuiltinFunction] = [:]
    public private(set) var typeOrder: [String] = []

    /// Methods of tensors (`t.sum(dim=1)`): the signature's first parameter is `self`.
    public private(set) var tensorMethods: [String: BuiltinFunction] = [:]
    /// An autograd tensor as a value (set by the autograd bindings): what a plain tensor becomes
    /// when a value that requires grad is assigned into it (`inter[mask] = w * h`), as in torch.
    public var autogradTensor: ((Variable) -> Value)?
    /// Attribute-style properties of tensors (`t.shape`, `t.dtype`, `t.T`).
    public private(set) var tensorProperties: [String: (Tensor) throws -> Value] = [:]

    /// Module objects built by `import` (see `Modules`), by dotted path.
    var modules: [String: Value] = [:]

    public init() {}

    /// Runs `f` when the library is closed: for bindings that keep state of their own outside
    /// the library's tables.
    public func onClose(_ f: @escaping () -> Void) { closeHandlers.append(f) }
    private var closeHandlers: [() -> Void] = []

    /// Lets go of everything the library holds: its built-ins, types, methods, cached modules and
    /// the interpreter's hooks. Built-ins keep the library in their closures (and the library
    /// keeps them), so a library is never freed while its tables are full; a host that makes a
    /// library per program (the fuzzer, one per input) closes each when the program ends so that
    /// its memory comes back. A closed library is empty; do not run programs on it.
    public func close() {
        let handlers = closeHandlers
        closeHandlers = []
        for f in handlers { f() }
        // Built objects refer to each other and to themselves (`sys.modules['sys']`, a method
        // closure holding its object)
        Library.breakCycles(from: Array(globals.values) + Array(modules.values) + typeObjects.values.map { Value.object($0) })
        names = []; globals = [:]; types = [:]; typeOrder = []
        tensorMethods = [:]; tensorProperties = [:]; modules = [:]; typeObjects = [:]
        autogradTensor = nil
        callValue = { _, _ in throw RuntimeError("the library is closed", kind: "RuntimeError") }
        currentFile = { nil }
        loadType = { _ in }
        importModule = { _ in nil }
    }

    /// Empties every object, dict, list, class, function attribute table and closure cell reachable
    /// from `roots`, so that reference cycles among them (which reference counting never frees)
    /// come apart. Only for values no program will touch again (`close`).
    static func breakCycles(from roots: [Value]) {
        var seen = Set<ObjectIdentifier>()
        var pending = roots
        while let v = pending.popLast() {
            switch v {
            case .object(let o):
                guard seen.insert(ObjectIdentifier(o)).inserted else { continue }
                pending += o.attributes.values
                if let b = o.base { pending.append(.object(b)) }
                // a class lists itself first in its MRO
                for case let c as ClassInfo in [o.payload, o.instanceClass] where seen.insert(ObjectIdentifier(c)).inserted {
                    pending += c.namespace.values
                    pending += c.bases
                    c.mro = []
                    c.namespace = [:]
                }
                o.dropAll()
            case .dict(let d):
                guard seen.insert(ObjectIdentifier(d)).inserted else { continue }
                for e in d.entries { pending.append(e.key); pending.append(e.value) }
                d.removeAll()
            case .list(let l):
                guard seen.insert(ObjectIdentifier(l)).inserted else { continue }
                pending += l.items
                l.items = []
            case .tuple(let items):
                pending += items
            case .function(let f):
                guard seen.insert(ObjectIdentifier(f)).inserted else { continue }
                pending += f.defaults
                pending += f.attributes.values
                f.attributes = [:]
                for cell in f.captured?.items ?? [] where seen.insert(ObjectIdentifier(cell)).inserted {
                    pending.append(cell.value)
                    cell.value = .none
                }
            default:
                break
            }
        }
    }

    /// Calls any callable value (a script's `def`/`lambda`, a built-in, a callable object), so
    /// bindings can take user functions (`avg_fn=`, a pipeline step). Set by the interpreter.
    public internal(set) var callValue: (Value, Arguments) throws -> Value = { f, args in
        switch f {
        case .builtin(let b): return try b.call(args)
        case .object(let o) where o.callable != nil: return try o.callable!.call(args)
        default: throw RuntimeError("'\(f.typeName)' object is not callable", kind: "TypeError")
        }
    }

    /// The file whose statements are running (the script, or the innermost `include`), if any.
    /// Set by the interpreter; image reads and writes resolve relative paths against its folder.
    public internal(set) var currentFile: () -> String? = { nil }
    /// Imports the module that registers a type a config names, if one of trick's modules
    /// written in trick does (`dict(type='KeyMapper')` before `mmcv.transforms.wrappers` ran).
    public internal(set) var loadType: (String) throws -> Void = { _ in }
    /// What `type(x)` gives for a built-in object without a constructor of its name, one per name.
    var typeObjects: [String: BuiltObject] = [:]
    /// A module of trick's written in trick (or a user's file), by dotted name; nil if none.
    public internal(set) var importModule: (String) throws -> Value? = { _ in nil }

    /// Where a relative path is looked for, in order, as `include` does: next to the running file,
    /// in the working directory, then in trick's own folder. Each entry is a prefix ("" for the
    /// working directory) to put before the path.
    public func searchPrefixes() -> [String] {
        var out: [String] = []
        if let f = currentFile() {
            let d = FileIO.directoryName(f)
            if d != "." { out.append(d.hasSuffix("/") ? d : d + "/") }
        }
        out.append("")
        out += ConfigFiles.trickFolders.map { $0.hasSuffix("/") ? $0 : $0 + "/" }
        return out
    }

    /// Registers a tensor method, e.g. `lib.tensorMethod("sum(self, dim=None, keepdim=False)") { a in ... }`;
    /// `a.tensor("self")` is the receiver.
    public func tensorMethod(_ signature: String, doc: String = "", _ body: @escaping (Bound) throws -> Value) {
        let f = BuiltinFunction(signature, doc: doc, body)
        tensorMethods[f.name] = f
    }

    public func tensorProperty(_ name: String, _ body: @escaping (Tensor) throws -> Value) {
        tensorProperties[name] = body
    }

    public func define(_ name: String, _ value: Value) {
        if globals[name] == nil { names.append(name) }
        globals[name] = value
    }

    /// Registers a global function: `lib.function("nms(boxes, scores, iou_threshold)") { a in ... }`.
    @discardableResult
    public func function(_ signature: String, doc: String = "", _ body: @escaping (Bound) throws -> Value) -> BuiltinFunction {
        let f = BuiltinFunction(signature, doc: doc, body)
        define(f.name, .builtin(f))
        return f
    }

    /// Registers a global function of one parameter (`len(obj)`, `str(obj='')`) written over the
    /// value itself: keyword calls and defaults bind as for any built-in, and a call of one
    /// positional argument runs `f` directly (`BuiltinFunction.fast1`).
    @discardableResult
    public func function1(_ signature: String, doc: String = "", _ f: @escaping (Value) throws -> Value) -> BuiltinFunction {
        let b = function(signature, doc: doc) { a in try f(a.slots[0]) }
        precondition(b.signature.slotNames.count == 1, "function1 needs one parameter: \(signature)")
        b.fast1 = f
        return b
    }

    /// As `function1`, for a function of two parameters (`isinstance(obj, classinfo)`).
    @discardableResult
    public func function2(_ signature: String, doc: String = "", _ f: @escaping (Value, Value) throws -> Value) -> BuiltinFunction {
        let b = function(signature, doc: doc) { a in try f(a.slots[0], a.slots[1]) }
        precondition(b.signature.slotNames.count == 2, "function2 needs two parameters: \(signature)")
        b.fast2 = f
        return b
    }

    /// Registers a component type: callable by name (`CrossEntropyLoss(avg_non_ignore=True)`) and
    /// buildable from a config (`build(dict(type='CrossEntropyLoss', ...))`). The body returns the
    /// built object. Extra `build` default_args must be parameters of the signature.
    @discardableResult
    public func type(_ signature: String, doc: String = "", _ body: @escaping (Bound) throws -> Value) -> BuiltinFunction {
        let f = BuiltinFunction(signature, doc: doc, body)
        if types[f.name] == nil { typeOrder.append(f.name) }
        types[f.name] = f
        define(f.name, .builtin(f))
        return f
    }

    /// Registers (or replaces) a buildable type made in trick code (`@MODELS.register_module()`).
    public func registerType(_ name: String, _ f: BuiltinFunction) {
        if types[name] == nil { typeOrder.append(name) }
        types[name] = f
    }

    /// Registers a type under an extra name (e.g. MMDetection 2.x spellings).
    public func alias(_ name: String, for existing: String) {
        guard let f = types[existing] else { return }
        if types[name] == nil { typeOrder.append(name) }
        types[name] = f
    }

    /// A namespace object (`ensemble_boxes.weighted_boxes_fusion(...)`); add functions with `method`.
    public func namespace(_ name: String) -> BuiltObject {
        if case .object(let o)? = globals[name] { return o }
        let o = BuiltObject(typeName: "module")
        o.repr = { "<module '\(name)'>" }
        define(name, .object(o))
        return o
    }

    /// Builds a registered component from a config dict, as MMEngine `Registry.build`:
    /// `type` selects the component, the other keys are its arguments, and `defaultArgs`
    /// fill keys the config does not set.
    public func build(_ cfg: DictRef, defaultArgs: [(String, Value)] = []) throws -> Value {
        guard let t = cfg[str: "type"] else {
            throw RuntimeError("build() config must contain the key 'type', got keys \(cfg.keys.map { Printer.repr($0) }.joined(separator: ", "))", kind: "KeyError")
        }
        guard case .str(let name) = t else {
            throw RuntimeError("build() 'type' must be a str, got \(t.typeName)", kind: "TypeError")
        }
        if types[name] == nil { try loadType(name) }
        guard let f = types[name] else {
            let hint = closestName(to: name, in: typeOrder).map { " (did you mean '\($0)'?)" } ?? ""
            throw RuntimeError("unknown type '\(name)': it is not in the registry\(hint)", kind: "KeyError")
        }
        var keywords: [(String, Value)] = []
        for (k, v) in cfg.pairs {
            guard case .str(let ks) = k else { throw RuntimeError("config keys must be str, got \(k.typeName)", kind: "TypeError") }
            if ks != "type" { keywords.append((ks, v)) }
        }
        for (k, v) in defaultArgs where !keywords.contains(where: { $0.0 == k }) {
            keywords.append((k, v))
        }
        return try f.call(Arguments([], keywords: keywords))
    }
}
