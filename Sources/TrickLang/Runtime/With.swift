/// The `with` statement, as Python runs it: for each context manager in turn, look up
/// `__enter__` and `__exit__`, call `__enter__` and bind its result to the `as` target, run the
/// body, then call `__exit__(exc_type, exc_value, traceback)` — `(None, None, None)` when the body
/// finished (also by `return`, `break`, `continue`), the exception's class and object when it
/// raised; a true result suppresses that exception. `with a, b:` is `with a:` around `with b:`.
/// A KeyboardInterrupt still reaches `__exit__` (so a mode such as no_grad is restored) but is
/// never suppressed.
extension Compiler {
    func withStatement(_ items: [(Expr, Expr?)], _ body: [Stmt], _ loc: SourceLocation) throws -> Exec {
        let interp = self.interp, file = self.file
        var inner = try block(body)
        for (ctxExpr, target) in items.reversed() {
            let ctx = try expr(ctxExpr)
            let bind = try target.map { try assignTarget($0) }
            let body = inner
            inner = { f in
                let manager = try ctx(f)
                let enter: Value, exit: Value
                do {
                    enter = try interp.getAttribute(manager, "__enter__")
                    exit = try interp.getAttribute(manager, "__exit__")
                } catch {
                    throw interp.locate(RuntimeError("'\(manager.typeName)' object does not support the context manager protocol (no __enter__/__exit__)", kind: "TypeError"), file, loc)
                }
                let entered = try interp.call(enter, Arguments(), file: file, loc: loc, name: "__enter__")
                let flow: Flow
                do {
                    try bind?(f, entered)
                    flow = try body(f)
                } catch let err as TrickError where err.phase == .runtime {
                    let type = interp.library.globals[err.kind] ?? .str(err.kind)
                    let suppress = try interp.call(exit, Arguments([type, .object(interp.exceptionObject(err)), .none]),
                                                   file: file, loc: loc, name: "__exit__")
                    if try !err.isInterrupt && suppress.truthy() { return .normal }
                    throw err
                }
                _ = try interp.call(exit, Arguments([.none, .none, .none]), file: file, loc: loc, name: "__exit__")
                return flow
            }
        }
        return inner
    }
}
