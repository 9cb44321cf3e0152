/// Classes written in trick code, as Python has them: a class is an object holding its
/// namespace and its method resolution order (C3, as CPython computes it); an instance is an
/// object whose attributes are its own dict, with everything else looked up through the class
/// (functions become bound methods, `property`, `classmethod` and `staticmethod` as in Python).
/// Dunder methods a class defines (`__add__`, `__getitem__`, `__len__`, `__call__`,
/// `__repr__`, `__enter__`, …) are found by the operators and statements through
/// `BuiltObject.special`. Both are `BuiltObject`s, so everything that handles built-in objects
/// (printing, attribute access, `with`, iteration) handles them too.
public final class ClassInfo {
    public let name: String
    /// The class object itself (unowned: it owns this).
    unowned(unsafe) var object: BuiltObject!
    let bases: [Value]
    /// User classes in method resolution order, this one first.
    var mro: [ClassInfo] = []
    var namespace: [String: Value] = [:]
    var order: [String] = []
    /// The built-in exception this class derives from, if any (its instances can be raised).
    var exceptionBase: String?
    /// A built-in type this class derives from (`nn.Module`): instances are made by it and
    /// keep its behaviour (children and parameters registered on assignment, its methods),
    /// with the class's methods first.
    var nativeBase: BuiltinFunction?
    /// The built-in base is made when `super().__init__(…)` runs, with its arguments (an
    /// optimizer, a loss, a transform), not before `__init__` as a module is.
    var nativeDeferred = false
    /// Abstract methods not overridden (sorted): such a class cannot be instantiated.
    var abstractMethods: [String] = []
    /// The module the class was defined in (`__main__` for the script).
    var module = "__main__"

    init(name: String, bases: [Value]) {
        self.name = name
        self.bases = bases
    }

    func lookup(_ attr: String) -> Value? {
        for c in mro { if let v = c.namespace[attr] { return v } }
        return nil
    }

    func isSubclass(of other: ClassInfo) -> Bool { mro.contains { $0 === other } }
}

/// An object that passes for an instance of a class it is not made by (a mock with a `spec`).
protocol ClassSpecified: AnyObject {
    var specifiedClass: ClassInfo? { get }
}

/// An instance's link to its class.
public final class InstanceInfo {
    public let cls: ClassInfo
    init(_ cls: ClassInfo) { self.cls = cls }
}

/// `staticmethod(f)`, `classmethod(f)`, `property(fget, fset)` wrappers in a class namespace, and
/// functions a built-in decorator made (`@patch(...)`, `@unittest.skipIf(...)`), which bind to
/// the instance as a `def` does.
final class MethodWrapper {
    enum Kind { case staticMethod, classMethod, property, function }
    let kind: Kind
    let function: Value
    var setter: Value?
    /// What the built-in decorator that made a `.function` keeps about it (patch's patchings).
    var decoration: AnyObject?
    init(_ kind: Kind, _ function: Value) {
        self.kind = kind
        self.function = function
    }
}

extension Interpreter {
    /// `class Name(bases): body`, after the body ran and left its names in `ns`.
    func buildClass(_ name: String, bases declared: [Value], namespace ns: DictRef, module: String? = nil) throws -> Value {
        let bases = try enumMixinBases(declared)        // `class Mode(str, Enum)` (EnumModule.swift)
        let module = module ?? globals.moduleName
        let info = ClassInfo(name: name, bases: bases)
        var userBases: [ClassInfo] = []
        for b in bases {
            switch b {
            case .object(let o) where o.payload is ClassInfo:
                let ci = o.payload as! ClassInfo
                userBases.append(ci)
                if info.exceptionBase == nil { info.exceptionBase = ci.exceptionBase }
                if info.nativeBase == nil { info.nativeBase = ci.nativeBase; info.nativeDeferred = ci.nativeDeferred }
            case .builtin(let f) where ExceptionKinds.parent[f.name] != nil:
                if info.exceptionBase == nil { info.exceptionBase = f.name }
            case .builtin(let f) where f.name == "object":
                break
            case .builtin(let f) where Interpreter.nativeBases.contains(f.name):
                if info.nativeBase == nil { info.nativeBase = f }
            case .builtin(let f) where f.valueType == nil && f.name.first?.isUppercase == true:
                // a built-in type made by its constructor: torch.optim.SGD, CrossEntropyLoss, Resize
                guard info.nativeBase == nil else {
                    throw RuntimeError("class \(name) derives from two built-in types (\(info.nativeBase!.name) and \(f.name)); trick supports one", kind: "TypeError")
                }
                info.nativeBase = f
                info.nativeDeferred = true
            default:
                throw RuntimeError("trick classes can derive from trick classes, object, the exception types and trick's built-in types (nn.Module, optimizers, losses, transforms); not from \(Printer.repr(b))", kind: "TypeError")
            }
        }
        info.mro = [info] + (try Interpreter.c3(userBases.map { $0.mro } + [userBases], name))
        for (k, v) in ns.pairs {
            guard case .str(let key) = k else { continue }
            if key == "__classcell__" { continue }
            info.namespace[key] = v
            info.order.append(key)
        }
        // ABCMeta.__new__: the namespace's abstract methods, and the bases' still abstract here
        var abstract = Set(info.namespace.filter { AbstractClasses.isAbstract($0.value) }.keys)
        for b in userBases { for n in b.abstractMethods where AbstractClasses.isAbstract(info.lookup(n) ?? .none) { abstract.insert(n) } }
        info.abstractMethods = abstract.sorted()
        if info.exceptionBase != nil {
            let parent = userBases.first.map(\.name) ?? info.exceptionBase!
            ExceptionKinds.register(name, parent: parent)
        }
        let cls = BuiltObject(typeName: "type", payload: info)
        info.object = cls
        info.module = module
        cls.repr = { "<class '\(module).\(name)'>" }
        cls.set("__name__", .str(name))
        cls.set("__module__", .str(module))
        cls.set("__qualname__", .str(name))
        cls.getter = { [unowned self] attr in try self.classAttribute(info, attr) }
        cls.getterNames = { info.mro.flatMap(\.order) }
        cls.setter = { attr, v in
            if info.namespace[attr] == nil { info.order.append(attr) }
            info.namespace[attr] = v
        }
        cls.callable = BuiltinFunction(raw: "\(name)(*args, **kwargs)") { [unowned self] args in
            try self.instantiate(info, args)
        }
        // the `__class__` cell that zero-argument super() reads in its methods
        if case .object(let cell)? = try ns.get(.str("__classcell__")), let c = cell.payload as? Cell {
            c.value = .object(cls)
        }
        // descriptors learn their name and owner, in definition order (type.__new__'s __set_name__)
        for key in info.order {
            if case .object(let o)? = info.namespace[key], let setName = o.special("__set_name__") {
                _ = try setName.call(Arguments([.object(cls), .str(key)]))
            }
        }
        try finishEnumClass(info, cls)                  // an Enum's members (EnumType's part, EnumModule.swift)
        return .object(cls)
    }

    /// C3 linearisation of the bases' orders (CPython's algorithm and its error).
    static func c3(_ sequences: [[ClassInfo]], _ name: String) throws -> [ClassInfo] {
        var seqs = sequences.filter { !$0.isEmpty }
        var out: [ClassInfo] = []
        while !seqs.isEmpty {
            guard let head = seqs.lazy.map({ $0[0] }).first(where: { h in !seqs.contains { $0.dropFirst().contains { $0 === h } } }) else {
                throw RuntimeError("Cannot create a consistent method resolution order (MRO) for class \(name)", kind: "TypeError")
            }
            out.append(head)
            seqs = seqs.map { $0[0] === head ? Array($0.dropFirst()) : $0 }.filter { !$0.isEmpty }
        }
        return out
    }

    func classAttribute(_ info: ClassInfo, _ attr: String) throws -> Value? {
        if attr == "__mro__" { return .tuple(info.mro.map { .object($0.object) } + [library.globals["object"] ?? .none]) }
        if attr == "__bases__" { return .tuple(info.bases) }
        if attr == "__doc__" { return info.namespace["__doc__"] ?? Value.none }     // the class's own, not inherited
        if attr == "__dict__" {
            // the class's own namespace, in definition order (a copy; CPython's is a read-only proxy)
            let d = DictRef()
            for k in info.order { if let v = info.namespace[k] { d[str: k] = v } }
            return .dict(d)
        }
        guard let v = info.lookup(attr) else { return nil }
        if case .object(let o) = v, let w = o.payload as? MethodWrapper {
            switch w.kind {
            case .staticMethod: return w.function
            case .classMethod: return bound(w.function, to: .object(info.object), name: attr)
            case .property, .function: return v
            }
        }
        if let d = Interpreter.descriptor(v, "__get__") { return try callSpecial(d, "__get__", [.none, .object(info.object)]) }
        return v
    }

    /// A method bound to its receiver (`obj.method`).
    func bound(_ f: Value, to receiver: Value, name: String) -> Value {
        let method = BuiltinFunction(raw: "\(name)(*args, **kwargs)") { [unowned self] args in
            try self.call(f, Arguments([receiver] + args.positional, keywords: args.keywords))
        }
        method.isBoundMethod = true
        if case .object(let o) = receiver { return .builtin(method.bound(to: o, as: name)) }
        return .builtin(method)
    }

    /// Built-in types a trick class can derive from (see `ClassInfo.nativeBase`).
    static let nativeBases: Set<String> = ["Module"]

    func instantiate(_ info: ClassInfo, _ args: Arguments) throws -> Value {
        if !info.abstractMethods.isEmpty {
            let n = info.abstractMethods.count
            throw RuntimeError("Can't instantiate abstract class \(info.name) with abstract method\(n > 1 ? "s" : "") \(info.abstractMethods.joined(separator: ", "))", kind: "TypeError")
        }
        let o: BuiltObject
        var nativeSetter: ((String, Value) throws -> Void)?
        var nativeGetter: ((String) throws -> Value?)?
        if let native = info.nativeBase, !info.nativeDeferred {
            // the built-in makes the object (named after the class); the class's methods come first
            guard case .object(let made) = try native.call(Arguments([], keywords: [("_type", .str(info.name))])) else {
                throw RuntimeError("\(native.name)() did not make an object for class \(info.name)", kind: "TypeError")
            }
            o = made
            for c in info.mro { for (k, v) in c.namespace { if case .function = v { o.methods[k] = nil } } }
            nativeSetter = o.setter
            nativeGetter = o.getter
        } else {
            o = BuiltObject(typeName: info.name, payload: InstanceInfo(info))
        }
        o.instanceClass = info
        let me = Value.object(o)
        o.getter = { [unowned self, unowned o] attr in
            if let v = try nativeGetter?(attr) { return v }
            if let v = try self.instanceAttribute(o, info, attr) { return v }
            // then the built-in base's (once super().__init__ made it)
            if let base = o.base, let v = try Interpreter.baseMember(base, attr) { return v }
            // Python calls __getattr__ when the normal lookup fails (special names are looked up
            // on the class, never through it)
            if !(attr.hasPrefix("__") && attr.hasSuffix("__")), let f = info.lookup("__getattr__") {
                return try self.call(f, Arguments([.object(o), .str(attr)]))
            }
            return nil
        }
        o.getterNames = { info.mro.flatMap(\.order) }
        o.setter = { [unowned self, unowned o] attr, v in
            if let p = info.lookup(attr), case .object(let po) = p, let w = po.payload as? MethodWrapper, w.kind == .property {
                guard let fset = w.setter else { throw RuntimeError("property '\(attr)' of '\(info.name)' object has no setter", kind: "AttributeError") }
                _ = try self.call(fset, Arguments([.object(o), v]))
                return
            }
            if let d = info.lookup(attr).flatMap({ Interpreter.descriptor($0, "__set__") }) {
                _ = try self.callSpecial(d, "__set__", [.object(o), v])     // a data descriptor
                return
            }
            // a module registers modules, parameters and buffers (and keeps other attributes)
            if let nativeSetter = nativeSetter ?? o.base?.setter {
                try nativeSetter(attr, v)
                return
            }
            o.set(attr, v)
        }
        if info.nativeBase != nil, info.lookup("forward") != nil, info.lookup("__call__") == nil {
            // module(x) runs the class's forward, as torch's Module.__call__
            o.callable = BuiltinFunction(raw: "forward(*args, **kwargs)") { [unowned self, unowned o] args in
                guard let f = info.lookup("forward") else { return .none }
                return try self.call(f, Arguments([.object(o)] + args.positional, keywords: args.keywords))
            }
        }
        o.specialLookup = { [unowned self, unowned o] name in
            guard let f = info.lookup(name) else { return nil }
            let receiver = Value.object(o)
            return BuiltinFunction(raw: "\(name)(*args, **kwargs)") { args in
                try self.call(f, Arguments([receiver] + args.positional, keywords: args.keywords))
            }
        }
        if info.lookup("__repr__") != nil {
            o.repr = { [unowned self, unowned o] in (try? self.callSpecial(o, "__repr__")).map { Printer.str($0) } ?? "<\(info.name) object>" }
        } else if info.nativeBase == nil {
            o.repr = { "<\(info.module).\(info.name) object>" }
        }
        if info.lookup("__str__") != nil {
            o.str = { [unowned self, unowned o] in (try? self.callSpecial(o, "__str__")).map { Printer.str($0) } ?? "" }
        }
        if info.lookup("__call__") != nil {
            o.callable = BuiltinFunction(raw: "__call__(*args, **kwargs)") { [unowned self, unowned o] args in
                guard let f = info.lookup("__call__") else { return .none }
                return try self.call(f, Arguments([.object(o)] + args.positional, keywords: args.keywords))
            }
        }
        if info.exceptionBase != nil {
            // str(e) and repr(e) as Python's BaseException gives them, from args
            o.set("args", .tuple(args.positional))
            let a = args.positional
            if info.lookup("__str__") == nil {
                o.str = { a.count == 1 ? Printer.str(a[0]) : a.isEmpty ? "" : Printer.repr(.tuple(a)) }
            }
            if info.lookup("__repr__") == nil {
                o.repr = { "\(info.name)(\(a.map(Printer.repr).joined(separator: ", ")))" }
            }
        }
        if let initializer = info.lookup("__init__") {
            let r = try call(initializer, Arguments([me] + args.positional, keywords: args.keywords))
            guard case .none = r else { throw RuntimeError("__init__() should return None, not '\(r.typeName)'", kind: "TypeError") }
        } else if let native = info.nativeBase, info.nativeDeferred {
            try makeNativeBase(native, of: o, info, args)
        } else if info.exceptionBase == nil, !args.positional.isEmpty || !args.keywords.isEmpty {
            throw RuntimeError("\(info.name)() takes no arguments", kind: "TypeError")
        }
        return me
    }

    /// `super().__init__(…)` of a class deriving from a built-in type: the built-in makes its
    /// object from the arguments, and the instance takes it on — its payload (so built-ins that
    /// take the built-in object take the instance: `StepLR(my_sgd, …)`), and its attributes,
    /// methods and call after the class's own.
    func makeNativeBase(_ native: BuiltinFunction, of o: BuiltObject, _ info: ClassInfo, _ args: Arguments) throws {
        guard case .object(let made) = try native.call(args) else {
            throw RuntimeError("\(native.name)() did not make an object that class \(info.name) can extend", kind: "TypeError")
        }
        o.base = made
        o.payload = made.payload
        // (a class with forward or __call__ already has its call from `instantiate`)
        if info.lookup("__call__") == nil, info.lookup("forward") == nil { o.callable = made.callable }
        if info.lookup("__repr__") == nil {
            // the built-in's repr, under the class's name (torch prints type(self).__name__)
            o.repr = { let s = Printer.repr(.object(made)); return s.hasPrefix(made.typeName) ? info.name + s.dropFirst(made.typeName.count) : s }
        }
        if info.lookup("__str__") == nil, let str = made.str { o.str = str }
        if made.truthy == false { o.truthy = false }
    }

    /// A class attribute that is a descriptor: an instance of a trick class defining `method`
    /// (`__get__`, `__set__`).
    static func descriptor(_ v: Value, _ method: String) -> BuiltObject? {
        guard case .object(let d) = v, d.instanceClass is ClassInfo, d.special(method) != nil else { return nil }
        return d
    }

    /// A member of the built-in object a class instance extends; its `forward` is its call.
    static func baseMember(_ base: BuiltObject, _ attr: String) throws -> Value? {
        if let v = try base.attributes[attr] ?? base.methods[attr].map({ .builtin($0) }) ?? base.getter?(attr) { return v }
        if attr == "forward", let call = base.callable { return .builtin(call) }
        return nil
    }

    func callSpecial(_ o: BuiltObject, _ name: String, _ args: [Value] = []) throws -> Value {
        guard let f = o.special(name) else { throw RuntimeError("'\(o.typeName)' object has no attribute '\(name)'", kind: "AttributeError") }
        return try f.call(Arguments(args))
    }

    func instanceAttribute(_ o: BuiltObject, _ info: ClassInfo, _ attr: String) throws -> Value? {
        if attr == "__class__" { return .object(info.object) }
        if attr == "__dict__" {
            let d = DictRef()
            for k in o.attributeOrder { if let v = o.attributes[k] { d[str: k] = v } }
            return .dict(d)
        }
        guard let v = info.lookup(attr) else { return nil }
        switch v {
        case .function:
            return bound(v, to: .object(o), name: attr)
        case .object(let w) where w.payload is MethodWrapper:
            let m = w.payload as! MethodWrapper
            switch m.kind {
            case .staticMethod: return m.function
            case .classMethod: return bound(m.function, to: .object(info.object), name: attr)
            case .property: return try call(m.function, Arguments([.object(o)]))
            case .function: return bound(m.function, to: .object(o), name: attr)
            }
        default:
            // a descriptor: what its __get__(instance, owner) gives
            if let d = Interpreter.descriptor(v, "__get__") { return try callSpecial(d, "__get__", [.object(o), .object(info.object)]) }
            return v
        }
    }

    /// `super()` in a method of `cls` called on `obj`: attributes from the classes after `cls`
    /// in the order of obj's class.
    func superObject(_ cls: Value, _ obj: Value) throws -> Value {
        guard case .object(let c) = cls, let ci = c.payload as? ClassInfo else {
            throw RuntimeError("super(): the first argument must be a class", kind: "TypeError")
        }
        var order: [ClassInfo] = []
        var isClassReceiver = false
        if case .object(let o) = obj, let cls = o.instanceClass as? ClassInfo {
            order = cls.mro
        } else if case .object(let o) = obj, let oc = o.payload as? ClassInfo {
            order = oc.mro
            isClassReceiver = true
        } else {
            throw RuntimeError("super(type, obj): obj must be an instance or subtype of type", kind: "TypeError")
        }
        guard let i = order.firstIndex(where: { $0 === ci }) else {
            throw RuntimeError("super(type, obj): obj must be an instance or subtype of type", kind: "TypeError")
        }
        let rest = Array(order[(i + 1)...])
        let s = BuiltObject(typeName: "super")
        s.repr = { "<super: <class '\(ci.name)'>, <\(ci.name) object>>" }
        s.getter = { [unowned self] attr in
            for c in rest {
                guard let v = c.namespace[attr] else { continue }
                if case .object(let w) = v, let m = w.payload as? MethodWrapper {
                    switch m.kind {
                    case .staticMethod: return m.function
                    case .classMethod: return self.bound(m.function, to: isClassReceiver ? obj : .object(c.object), name: attr)
                    case .property: return try self.call(m.function, Arguments([obj]))
                    case .function: return isClassReceiver ? v : self.bound(m.function, to: obj, name: attr)
                    }
                }
                if case .function = v, !isClassReceiver { return self.bound(v, to: obj, name: attr) }
                return v
            }
            if case .object(let o) = obj, let cls = o.instanceClass as? ClassInfo, let native = cls.nativeBase, cls.nativeDeferred {
                // the built-in type's: __init__ makes the built-in object, the rest are its methods
                if attr == "__init__" {
                    return .builtin(BuiltinFunction(raw: "__init__(*args, **kwargs)") { [unowned self] args in
                        try self.makeNativeBase(native, of: o, cls, args)
                        return .none
                    })
                }
                guard let base = o.base else {
                    throw RuntimeError("super().\(attr): the \(native.name) part of this \(cls.name) is not made yet (call super().__init__(…) first)", kind: "AttributeError")
                }
                return try Interpreter.baseMember(base, attr)
            }
            // object's own methods: __init__ and friends do nothing
            if attr == "__init__" { return .builtin(BuiltinFunction(raw: "__init__(*args, **kwargs)") { _ in .none }) }
            return nil
        }
        return .object(s)
    }

    /// isinstance for trick classes: nil when `type` is not one.
    /// `isinstance(v, int)` and the other built-in value types, answered from the value's case
    /// alone; nil when that is not enough (objects, dict flavours, other names).
    static func isBuiltinInstance(_ v: Value, _ type: BuiltinFunction) -> Bool? {
        if case .object = v { return nil }
        if case .dict(let d) = v, d.flavor != nil { return nil }
        guard let want = type.valueType else { return nil }
        var v = v
        return withUnsafePointer(to: &v) { want.includes(tag: ValueLayout.tag($0)) }
    }

    static func isInstance(_ v: Value, _ type: Value) -> Bool? {
        // an instance of a class deriving from a built-in (nn.Module) is one of the built-in's
        if case .builtin(let b) = type, case .object(let o) = v, let cls = o.instanceClass as? ClassInfo,
           cls.mro.contains(where: { $0.nativeBase?.name == b.name }) {
            return true
        }
        guard case .object(let c) = type, let ci = c.payload as? ClassInfo else { return nil }
        guard case .object(let o) = v, let cls = (o.instanceClass as? ClassInfo) ?? (o.payload as? ClassSpecified)?.specifiedClass else { return false }
        return cls.isSubclass(of: ci)
    }
}
