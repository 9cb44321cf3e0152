import TrickCore

/// Marks a method `@abstractmethod` made (its `MethodWrapper.decoration`).
final class AbstractMark {}

/// Python's `abc` (`ABC`, `ABCMeta`, `abstractmethod`) and the abstract base classes users
/// derive from: mmcv's `BaseTransform` (`__call__` runs `self.transform(results)`). A class
/// with abstract methods not overridden cannot be instantiated, as under ABCMeta.
/// Where trick differs: the check applies to every class (not only to those whose metaclass is
/// ABCMeta), and `metaclass=` is otherwise set aside.
enum AbstractClasses {
    static func register(_ lib: Library, _ interp: Interpreter) throws {
        let abc = Modules.std("abc", in: lib)
        let abstract = lib.function("abstractmethod(funcobj)",
                                    doc: "Marks a method abstract: a class that has it, not overridden, cannot be instantiated.") { a in
            let w = MethodWrapper(.function, a["funcobj"])
            w.decoration = AbstractMark()
            let o = BuiltObject(typeName: "function", payload: w)
            let name = (try? interpName(a["funcobj"])) ?? "function"
            o.repr = { "<function \(name)>" }
            o.set("__name__", .str(name))
            o.set("__isabstractmethod__", .bool(true))
            o.callable = BuiltinFunction(raw: "\(name)(*args, **kwargs)") { [unowned interp] args in
                try interp.call(a["funcobj"], args)
            }
            return .object(o)
        }
        abc.set("abstractmethod", .builtin(abstract))
        let meta = BuiltObject(typeName: "type")
        meta.repr = { "<class 'abc.ABCMeta'>" }
        meta.set("__name__", .str("ABCMeta"))
        abc.set("ABCMeta", .object(meta))
        abc.set("ABC", try interp.buildClass("ABC", bases: [], namespace: DictRef(), module: "abc"))

        // mmcv.transforms.base.BaseTransform
        let ns = DictRef()
        ns[str: "__call__"] = ClassBuiltins.function(BuiltinFunction("__call__(self, results)") { [unowned interp] a in
            try interp.call(try interp.getAttribute(a["self"], "transform"), Arguments([a["results"]]))
        })
        ns[str: "transform"] = try abstract.call(Arguments([.builtin(BuiltinFunction("transform(self, results)") { _ in
            throw RuntimeError("BaseTransform.transform is abstract: a transform class defines transform(self, results)", kind: "NotImplementedError")
        })]))
        lib.define("BaseTransform", try interp.buildClass("BaseTransform", bases: [], namespace: ns, module: "mmcv.transforms.base"))
    }

    private static func interpName(_ f: Value) throws -> String {
        switch f {
        case .function(let fn): return fn.code.name
        case .builtin(let b): return b.name
        default: return "function"
        }
    }

    /// A namespace value `@abstractmethod` made (also as a property's getter).
    static func isAbstract(_ v: Value) -> Bool {
        guard case .object(let o) = v, let w = o.payload as? MethodWrapper else { return false }
        if w.decoration is AbstractMark { return true }
        return w.kind == .property && isAbstract(w.function)
    }
}
