/// The built-ins that go with `class`: `super`, `staticmethod`, `classmethod`, `property`,
/// `issubclass` and `object` (see Runtime/Classes.swift).
public enum ClassBuiltins {
    static func register(into lib: Library, interpreter interp: Interpreter) {
        lib.function("object()", doc: "The base of every class: `class A(object)` is `class A`.") { _ in
            .object(BuiltObject(typeName: "object"))
        }
        lib.function("super(type, obj)",
                     doc: "Python's super(): in a method, `super()` is `super(__class__, self)`; attributes come from the classes after `type` in the order of obj's class.") { [unowned interp] a in
            try interp.superObject(a["type"], a["obj"])
        }
        lib.function("staticmethod(function)", doc: "A method called without the instance (`@staticmethod`).") { a in
            wrapper(.staticMethod, a["function"])
        }
        lib.function("classmethod(function)", doc: "A method called with the class as its first argument (`@classmethod`).") { a in
            wrapper(.classMethod, a["function"])
        }
        lib.function("property(fget=None, fset=None)",
                     doc: "An attribute computed by a method (`@property`; `@name.setter` adds the assignment).") { a in
            let w = MethodWrapper(.property, a["fget"])
            if !a["fset"].isNone { w.setter = a["fset"] }
            return propertyObject(w)
        }
        lib.function("issubclass(cls, classinfo)", doc: "issubclass(B, A): B is A or derives from it.") { a in
            func matches(_ t: Value) throws -> Bool {
                if case .tuple(let ts) = t { return try ts.contains { try matches($0) } }
                switch (a["cls"], t) {
                case (.object(let c), .object(let p)):
                    guard let ci = c.payload as? ClassInfo, let pi = p.payload as? ClassInfo else { return false }
                    return ci.isSubclass(of: pi)
                case (.object(let c), .builtin(let b)):
                    guard let ci = c.payload as? ClassInfo else { return false }
                    return b.name == "object" || (ci.exceptionBase != nil && ExceptionKinds.isSubclass(ci.name, of: b.name))
                        || ci.mro.contains { $0.nativeBase?.name == b.name }
                case (.builtin(let c), .object(let p)):
                    // a built-in type under a class bundled in trick (SGD under torch.optim.Optimizer)
                    guard let pi = p.payload as? ClassInfo else { return false }
                    return BundledModules.isBundledClass(pi) && BuiltinTypeBases.isSubclass(c.name, of: pi.name)
                case (.builtin(let c), .builtin(let b)):
                    return c.name == b.name || b.name == "object" || (ExceptionKinds.parent[c.name] != nil && ExceptionKinds.isSubclass(c.name, of: b.name))
                        || BuiltinTypeBases.isSubclass(c.name, of: b.name)
                default:
                    throw RuntimeError("issubclass() arg 1 must be a class", kind: "TypeError")
                }
            }
            return .bool(try matches(a["classinfo"]))
        }
    }

    static func wrapper(_ kind: MethodWrapper.Kind, _ f: Value) -> Value {
        let o = BuiltObject(typeName: kind == .staticMethod ? "staticmethod" : "classmethod", payload: MethodWrapper(kind, f))
        o.repr = { "<\(kind == .staticMethod ? "staticmethod" : "classmethod") object>" }
        return .object(o)
    }

    /// A function made by a built-in decorator (`@patch(...)`, `@unittest.skip(...)`): callable,
    /// and bound to the instance when it is a method, as a `def` is (a plain built-in is not).
    public static func function(_ f: BuiltinFunction, decoration: AnyObject? = nil) -> Value {
        let w = MethodWrapper(.function, .builtin(f))
        w.decoration = decoration
        let o = BuiltObject(typeName: "function", payload: w)
        o.repr = { "<function \(f.name)>" }
        o.set("__name__", .str(f.name))
        o.callable = f
        return .object(o)
    }

    static func propertyObject(_ w: MethodWrapper) -> Value {
        let o = BuiltObject(typeName: "property", payload: w)
        o.repr = { "<property object>" }
        o.method("setter(fset)") { a in
            let n = MethodWrapper(.property, w.function)
            n.setter = a["fset"]
            return propertyObject(n)
        }
        o.method("getter(fget)") { a in
            let n = MethodWrapper(.property, a["fget"])
            n.setter = w.setter
            return propertyObject(n)
        }
        return .object(o)
    }
}

/// The bases of built-in types that derive from one another upstream (`BatchNorm2d` from
/// torch's `_BatchNorm`), registered by the bindings that define them, for `issubclass` and
/// `isinstance` (`issubclass(m.__class__, torch.nn.modules.batchnorm._BatchNorm)`).
public enum BuiltinTypeBases {
    nonisolated(unsafe) private static var parent: [String: String] = [:]

    public static func register(_ name: String, parent p: String) { parent[name] = p }

    /// Whether `name` is `base` or derives from it through the registered bases.
    public static func isSubclass(_ name: String, of base: String) -> Bool {
        var n: String? = name
        while let c = n {
            if c == base { return true }
            n = parent[c]
        }
        return false
    }
}
