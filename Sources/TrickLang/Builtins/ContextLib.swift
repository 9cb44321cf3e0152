/// Python's `contextlib` context managers that need no language support beyond `with`:
/// `suppress(*exceptions)` and `nullcontext(enter_result=None)`, as CPython 3.11 has them.
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
        m.method("nullcontext(enter_result=None)", doc: "contextlib.nullcontext: a context manager that does nothing; `as` binds enter_result.") { a in
            let result = a["enter_result"]
            let o = BuiltObject(typeName: "nullcontext")
            o.repr = { "<contextlib.nullcontext object>" }
            o.method("__enter__()") { _ in result }
            o.method("__exit__(exc_type, exc_value, traceback)") { _ in .bool(false) }
            return .object(o)
        }
    }
}
