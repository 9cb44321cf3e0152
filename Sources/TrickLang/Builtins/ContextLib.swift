/// Python's `contextlib` (CPython 3.11): `contextmanager` (a generator function as a context
/// manager: the body runs where it yields, an exception from the body is thrown in at the
/// `yield`), `suppress(*exceptions)` and `nullcontext(enter_result=None)`.
enum ContextLib {
    static func register(_ lib: Library) {
        let m = lib.namespace("contextlib")
        m.method("suppress(*exceptions)", doc: "contextlib.suppress: the listed exception classes (and their subclasses) raised in the with-body are swallowed.") { a in
            let names: [String] = a.varargs.compactMap { if case .builtin(let b) = $0 { return b.name } else { return nil } }
            let o = BuiltObject(typeName: "suppress")
            o.repr = { "<contextlib.suppress object>" }
            o.method("__enter__()") { _ in .none }
            o.method("__exit__(exc_type, exc_value, traceback)") { x in
                guard case .builtin(let t) = x["exc_type"] else { return .bool(false) }
                return .bool(names.contains { ExceptionKinds.isSubclass(t.name, of: $0) })
            }
            return .object(o)
        }
        m.method("contextmanager(func)", doc: "contextlib.contextmanager: a generator function that yields once becomes a context manager factory; what it yields is bound by `as`, an exception in the with-body is raised at the yield.") { a in
            let f = a["func"]
            var name = "contextmanager"
            if case .function(let fn) = f { name = fn.code.name } else if case .builtin(let b) = f { name = b.name }
            return ClassBuiltins.function(BuiltinFunction(raw: "\(name)(*args, **kwargs)") { args in
                .object(generatorContextManager(try lib.callValue(f, args), name))
            })
        }
        m.method("nullcontext(enter_result=None)", doc: "contextlib.nullcontext: a context manager that does nothing; `as` binds enter_result.") { a in
            let result = a["enter_result"]
            let o = BuiltObject(typeName: "nullcontext")
            o.repr = { "<contextlib.nullcontext object>" }
            o.method("__enter__()") { _ in result }
            o.method("__exit__(exc_type, exc_value, traceback)") { _ in .bool(false) }
            return .object(o)
        }
    }

    /// The object `@contextmanager` functions return (CPython's _GeneratorContextManager).
    static func generatorContextManager(_ generator: Value, _ name: String) -> BuiltObject {
        let o = BuiltObject(typeName: "_GeneratorContextManager")
        o.repr = { "<contextlib._GeneratorContextManager object>" }
        guard case .object(let gen) = generator, let it = gen.payload as? PyIterator, case .builtin(let throwInto)? = try? gen.getter?("throw") else {
            o.method("__enter__()") { _ in
                throw RuntimeError("@contextmanager: \(name)() must be a generator function (with a yield), not return \(generator.typeName)", kind: "TypeError")
            }
            return o
        }
        o.method("__enter__()") { _ in
            guard let v = try it.next() else { throw RuntimeError("generator didn't yield", kind: "RuntimeError") }
            return v
        }
        o.method("__exit__(exc_type, exc_value, traceback)") { a in
            if a["exc_type"].isNone {
                if try it.next() != nil { throw RuntimeError("generator didn't stop", kind: "RuntimeError") }
                return .bool(false)
            }
            do {
                _ = try throwInto.call(Arguments([a["exc_value"]]))
            } catch let e as RuntimeError where e.kind == "StopIteration" {
                return .bool(true)                                                // caught, generator ended
            } catch let e as TrickError {
                if e.kind == "StopIteration" { return .bool(true) }              // caught, generator ended
                if let raised = e.raised as? BuiltObject, case .object(let v) = a["exc_value"], raised === v {
                    return .bool(false)                                           // re-raised: the original propagates
                }
                throw e
            }
            throw RuntimeError("generator didn't stop after throw()", kind: "RuntimeError")
        }
        return o
    }
}
