import TrickCore

extension Compiler {
    /// Statements run in sequence. Closures are chained directly rather than kept in an
    /// array: a closure taken out of a generic container is called through a reabstraction
    /// thunk, which costs ~10% on call-heavy code.
    func block(_ stmts: [Stmt]) throws -> Exec {
        try chain(stmts[...])
    }

    func chain(_ stmts: ArraySlice<Stmt>) throws -> Exec {
        guard let first = stmts.first else { return { _ in .normal } }
        let a = try statement(first)
        if stmts.count == 1 { return a }
        let rest = try chain(stmts.dropFirst())
        return { f in
            let r = try a(f)
            if case .normal = r { return try rest(f) }
            return r
        }
    }

    func truth(_ ev: @escaping Eval, _ loc: SourceLocation) -> (Frame) throws -> Bool {
        let interp = self.interp, file = self.file
        return { f in
            let v = try ev(f)
            switch v {
            case .bool(let b): return b
            case .int(let i): return i != 0
            default:
                do { return try v.truthy() } catch { throw interp.locate(error, file, loc) }
            }
        }
    }

    func statement(_ s: Stmt) throws -> Exec {
        let interp = self.interp, file = self.file, loc = s.loc
        switch s.kind {
        case .expr(let e, _):
            let ev = try expr(e)
            return { f in _ = try ev(f); return .normal }
        case .assign(let targets, let value):
            let v = try expr(value)
            let stores = try targets.map(assignTarget)
            if stores.count == 1 {
                let st = stores[0]
                return { f in try st(f, try v(f)); return .normal }
            }
            return { f in
                let val = try v(f)
                for st in stores { try st(f, val) }
                return .normal
            }
        case .annAssign(let target, let value):
            guard let value else { return { _ in .normal } }
            let v = try expr(value)
            let st = try assignTarget(target)
            return { f in try st(f, try v(f)); return .normal }
        case .augAssign(let target, let op, let value):
            return try augmentedAssign(target, op, value, loc)
        case .pass, .global, .nonlocal:
            return { _ in .normal }
        case .breakStmt:
            guard loopDepth > 0 else { throw error("'break' outside loop", loc) }
            return { _ in .breakLoop }
        case .continueStmt:
            guard loopDepth > 0 else { throw error("'continue' not properly in loop", loc) }
            return { _ in .continueLoop }
        case .returnStmt(let value):
            guard scope.isFunction else { throw error("'return' outside function", loc) }
            guard let value else { return { f in f.returnValue = .none; return .returned } }
            let v = try expr(value)
            return { f in f.returnValue = try v(f); return .returned }
        case .ifStmt(let branches, let orelse):
            // Each body is compiled once (compiling it twice made nested `if`s take time
            // exponential in their depth); the one-branch form keeps its closures out of arrays.
            if branches.count == 1 {
                let c = try condition(branches[0].0)
                let b = try block(branches[0].1)
                if let orelse {
                    let e = try block(orelse)
                    return { f in try c(f) ? try b(f) : try e(f) }
                }
                return { f in try c(f) ? try b(f) : .normal }
            }
            let conds = try branches.map { try condition($0.0) }
            let bodies = try branches.map { try block($0.1) }
            let elseBody = try orelse.map(block)
            return { f in
                for i in 0..<conds.count where try conds[i](f) { return try bodies[i](f) }
                if let e = elseBody { return try e(f) }
                return .normal
            }
        case .whileStmt(let cond, let body, let orelse):
            let c = try condition(cond)
            loopDepth += 1
            let b = try block(body)
            loopDepth -= 1
            let e = try orelse.map(block)
            return { f in
                while try c(f) {
                    try interp.checkInterrupt(file, loc)
                    switch try b(f) {
                    case .breakLoop: return .normal
                    case .returned: return .returned
                    default: continue
                    }
                }
                if let e { return try e(f) }
                return .normal
            }
        case .forStmt(let target, let iter, let body, let orelse):
            let it = try expr(iter)
            let store = try assignTarget(target)
            loopDepth += 1
            let b = try block(body)
            loopDepth -= 1
            let e = try orelse.map(block)
            // Fast path: `for i in range(...)` with a plain local target.
            var localSlot: Int?
            if case .name(let n) = target.kind, case .local(let s) = resolve(n) { localSlot = s }
            return { f in
                let iterable = try it(f)
                if case .range(let start, let stop, let step) = iterable {
                    var i = start
                    while step > 0 ? i < stop : i > stop {
                        if let s = localSlot { f.slots[s] = .int(i) } else { try store(f, .int(i)) }
                        try interp.checkInterrupt(file, loc)
                        switch try b(f) {
                        case .breakLoop: return .normal
                        case .returned: return .returned
                        default: break
                        }
                        let (n, o) = i.addingReportingOverflow(step)
                        if o { break }
                        i = n
                    }
                } else {
                    let items: [Value]
                    do { items = try interp.iterate(iterable) } catch { throw interp.locate(error, file, iter.loc) }
                    for item in items {
                        try store(f, item)
                        try interp.checkInterrupt(file, loc)
                        switch try b(f) {
                        case .breakLoop: return .normal
                        case .returned: return .returned
                        default: break
                        }
                    }
                }
                if let e { return try e(f) }
                return .normal
            }
        case .def(let name, let params, let body):
            let make = try function(name: name, params: params, body: body, loc: loc)
            let store = try assignTarget(Expr(.name(name), loc))
            return { f in try store(f, try make(f)); return .normal }
        case .assert(let cond, let msg):
            let c = truth(try expr(cond), cond.loc)
            let m = try msg.map(expr)
            return { f in
                if try !c(f) {
                    let text = try m.map { Printer.str(try $0(f)) }
                    var e = TrickError(.runtime, "AssertionError" + (text.map { ": " + $0 } ?? ""), file: file, at: loc)
                    e.kind = "AssertionError"
                    throw e
                }
                return .normal
            }
        case .del(let targets):
            let dels = try targets.map(deleteTarget)
            return { f in for d in dels { try d(f) }; return .normal }
        case .raise(let value):
            let v = try value.map(expr)
            return { f in
                guard let v else {
                    if let cur = interp.currentException { throw cur }
                    throw interp.locate(RuntimeError("no active exception to re-raise", kind: "RuntimeError"), file, loc)
                }
                let ex = try v(f)
                var kind = "Exception", msg = Printer.str(ex)
                if case .object(let o) = ex, o.typeName == "Exception" {
                    kind = Printer.str(o.attributes["kind"] ?? .str("Exception"))
                    msg = Printer.str(o.attributes["message"] ?? .str(""))
                } else if case .builtin(let b) = ex {
                    kind = b.name; msg = ""
                }
                var e = TrickError(.runtime, msg.isEmpty ? kind : "\(kind): \(msg)", file: file, at: loc)
                e.kind = kind
                throw e
            }
        case .tryStmt(let body, let handlers, let orelse, let fin):
            let b = try block(body)
            let hs: [(Eval?, ((Frame, Value) throws -> Void)?, Exec)] = try handlers.map { h in
                (try h.type.map(expr), try h.name.map { try assignTarget(Expr(.name($0), h.loc)) }, try block(h.body))
            }
            let e = try orelse.map(block)
            let fb = try fin.map(block)
            return { f in
                var flow: Flow = .normal
                do {
                    do {
                        flow = try b(f)
                    } catch let err as TrickError where !err.isInterrupt && err.phase == .runtime {
                        var handled = false
                        for (type, bind, hb) in hs {
                            if let type {
                                let t = try type(f)
                                guard interp.exceptionMatches(err, t) else { continue }
                            }
                            let saved = interp.currentException
                            interp.currentException = err
                            defer { interp.currentException = saved }
                            try bind?(f, .object(interp.exceptionObject(err)))
                            flow = try hb(f)
                            handled = true
                            break
                        }
                        if !handled { throw err }
                        if let fb { let r = try fb(f); if case .normal = r {} else { return r } }
                        return flow
                    }
                    if case .normal = flow, let e { flow = try e(f) }
                } catch {
                    if let fb { _ = try fb(f) }
                    throw error
                }
                if let fb { let r = try fb(f); if case .normal = r {} else { return r } }
                return flow
            }
        case .withStmt(let items, let body):
            return try withStatement(items, body, loc)
        case .importStmt(let names, let isFrom):
            var stores: [(String, String?, (Frame, Value) throws -> Void)] = []
            for (mod, alias) in names {
                if mod.hasSuffix(".*") {
                    stores.append((mod, nil, { _, _ in }))
                    continue
                }
                stores.append((mod, alias, try assignTarget(Expr(.name(Compiler.importBinding(mod, alias, from: isFrom)), loc))))
            }
            return { f in
                for (mod, alias, store) in stores {
                    let v: Value
                    do {
                        if mod.hasPrefix(".") {
                            let cut = mod.lastIndex(of: ".").map { mod[..<$0].allSatisfy { $0 == "." } ? mod.index(after: $0) : $0 } ?? mod.endIndex
                            let stmt = "from \(mod[..<cut]) import \(mod[cut...].drop { $0 == "." })"
                            throw RuntimeError("attempted relative import ('\(stmt)'): trick runs files as scripts, not as parts of a package; import from the library's own path", kind: "ImportError")
                        }
                        if !isFrom, try Modules.module(mod, in: interp.library) == nil {
                            throw RuntimeError("No module named '\(mod)' in trick (it knows \(Modules.roots(interp.library).joined(separator: ", ")))", kind: "ModuleNotFoundError")
                        }
                        v = try interp.importModule(mod)
                        // `import a.b.c` binds `a` (after checking that a.b.c exists), as Python does.
                        if !isFrom && alias == nil && mod.contains(".") {
                            try store(f, try interp.importModule(String(mod.prefix { $0 != "." })))
                            continue
                        }
                    } catch { throw interp.locate(error, file, loc) }
                    if mod.hasSuffix(".*") {
                        if case .object(let o) = v {
                            for (k, m) in o.methods { interp.setGlobal(k, .builtin(m)) }
                            for (k, a) in o.attributes { interp.setGlobal(k, a) }
                        }
                        continue
                    }
                    try store(f, v)
                }
                return .normal
            }
        }
    }

    func deleteTarget(_ t: Expr) throws -> (Frame) throws -> Void {
        let interp = self.interp, file = self.file, loc = t.loc
        switch t.kind {
        case .name(let n):
            switch resolve(n) {
            case .local(let s): return { f in f.slots[s] = .none }
            case .enclosing(let d, let s): return { f in f.ancestor(d).slots[s] = .none }
            case .global(let g):
                return { _ in
                    guard interp.globals.values[g] != nil else { throw interp.nameError(n, file, loc) }
                    interp.globals.values[g] = nil
                }
            }
        case .subscript(let obj, let items):
            let o = try expr(obj)
            let index = try subscriptIndex(items)
            return { f in
                let c = try o(f), i = try index(f)
                do { try interp.deleteItem(c, i) } catch { throw interp.locate(error, file, loc) }
            }
        default:
            throw error("cannot delete this expression", loc)
        }
    }
}
