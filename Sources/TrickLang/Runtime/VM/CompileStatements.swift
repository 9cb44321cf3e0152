import TrickCore

/// Statements, assignment targets, loops, `try`, `with` and `import`.
extension BytecodeCompiler {
    func block(_ stmts: [Stmt]) throws {
        for s in stmts { try statement(s) }
    }

    /// A nested block: names it assigns are not certainly assigned after it.
    func branch(_ stmts: [Stmt]) throws {
        let saved = bound
        try block(stmts)
        bound = saved
    }

    func statement(_ s: Stmt) throws {
        let loc = s.loc
        let save = nextReg
        defer { nextReg = save }
        switch s.kind {
        case .expr(let e, _):
            _ = try operand(e)
        case .assign(let targets, let value):
            if targets.count == 1, case .name(let n) = targets[0].kind, case .register(let r) = place(n) {
                try expr(value, r)
                bound.insert(n)
                return
            }
            let v = try operand(value)
            for t in targets { try store(t, from: v) }
        case .annAssign(let target, let value, let annotation):
            if let value {
                let v = try operand(value)
                try store(target, from: v)
            }
            // a class body records its annotated names in order (`__annotations__`, as CPython;
            // dataclasses read it)
            if isClassBody, case .name(let n) = target.kind {
                let save = nextReg
                defer { nextReg = save }
                let entry = Expr(.subscript(Expr(.name("__annotations__"), loc), [Expr(.string(n), loc)]), loc)
                try store(entry, from: try operand(annotation))
            }
        case .augAssign(let target, let op, let value):
            try augmentedAssign(target, op, value, loc)
        case .pass, .global, .nonlocal:
            break
        case .breakStmt:
            guard let loop = loops.last else { throw syntaxError("'break' outside loop", loc) }
            try unwind(to: loop.cleanupDepth, loc)
            loops[loops.count - 1].breaks.append(emit(.jump(0), loc))
        case .continueStmt:
            guard let loop = loops.last else { throw syntaxError("'continue' not properly in loop", loc) }
            try unwind(to: loop.cleanupDepth, loc)
            emit(.loop(T(loop.continueTarget)), loc)
        case .returnStmt(let value):
            guard isFunction else { throw syntaxError("'return' outside function", loc) }
            if let value {
                // (a local is returned from its own register when nothing runs after it)
                let r: R
                if cleanups.isEmpty { r = try operand(value) } else { r = temp(); try expr(value, r) }
                try unwind(to: 0, loc)
                emit(.ret(r), loc)
            } else {
                try unwind(to: 0, loc)
                emit(.retNone, loc)
            }
        case .ifStmt(let branches, let orelse):
            var ends: [Int] = []
            for (i, (cond, body)) in branches.enumerated() {
                let j = try jumpIfFalse(cond)
                try branch(body)
                if i < branches.count - 1 || orelse != nil { ends.append(emit(.jump(0), loc)) }
                patch(j, here)
            }
            if let orelse { try branch(orelse) }
            for e in ends { patch(e, here) }
        case .whileStmt(let cond, let body, let orelse):
            let top = here
            let exit = try jumpIfFalse(cond)
            loops.append(Loop(continueTarget: top, cleanupDepth: cleanups.count))
            try branch(body)
            emit(.loop(T(top)), loc)
            let loop = loops.removeLast()
            patch(exit, here)
            if let orelse { try branch(orelse) }
            for b in loop.breaks { patch(b, here) }
        case .forStmt(let target, let iter, let body, let orelse):
            let slot = UInt16(iteratorDepth)
            let unpacked = unpackTargets(target)
            try loopPrep(slot, iter)
            iteratorDepth += 1
            maxIterators = Swift.max(maxIterators, iteratorDepth)
            let top = here
            let saved = bound
            let next: Int
            if let (first, names) = unpacked {
                // `for a, b in …` into plain locals: each item unpacked straight into them
                next = emit(.forNextUnpack(slot, first, UInt16(names.count), 0), loc)
                for n in names { bound.insert(n) }
            } else {
                // A plain local target receives the item directly.
                var direct: R?
                if case .name(let n) = target.kind, case .register(let r) = place(n) { direct = r }
                let item = direct ?? temp()
                next = emit(.forNext(slot, item, 0), loc)
                if direct == nil { try store(target, from: item) } else if case .name(let n) = target.kind { bound.insert(n) }
            }
            loops.append(Loop(continueTarget: top, cleanupDepth: cleanups.count))
            try block(body)
            bound = saved
            emit(.loop(T(top)), loc)
            let loop = loops.removeLast()
            patch(next, here)
            iteratorDepth -= 1
            if let orelse { try branch(orelse) }
            for b in loop.breaks { patch(b, here) }
        case .def(let name, _, _), .classDef(let name, _, _):
            let r = temp()
            try definition(s, into: r)
            try store(Expr(.name(name), loc), from: r)
        case .decorated(let decorators, let inner):
            // decorators are evaluated first (outermost first), applied innermost first
            let first = temps(decorators.count)
            for (i, d) in decorators.enumerated() { try expr(d, first + R(i)) }
            let v = temp()
            try definition(inner, into: v)
            for i in (0..<decorators.count).reversed() {
                let base = temp()
                emit(.move(base, first + R(i)), decorators[i].loc)
                let arg = temp()
                emit(.move(arg, v), decorators[i].loc)
                emit(.call(base, 1), decorators[i].loc)
                emit(.take(v, base), decorators[i].loc)
                nextReg = Int(base)
            }
            switch inner.kind {
            case .def(let name, _, _), .classDef(let name, _, _): try store(Expr(.name(name), loc), from: v)
            default: throw syntaxError("a decorator must be followed by 'def' or 'class'", loc)
            }
        case .assert(let cond, let msg):
            let c = try operand(cond)
            let ok = emit(.jumpIfTrue(c, 0), cond.loc)
            if let msg {
                let m = try operand(msg)
                emit(.assertFail(m), loc)
            } else {
                emit(.assertFail(R.max), loc)
            }
            patch(ok, here)
        case .del(let targets):
            for t in targets { try delete(t) }
        case .raise(let value):
            if let value { emit(.raise(try operand(value)), loc) } else { emit(.reraise, loc) }
        case .tryStmt(let body, let handlers, let orelse, let fin):
            try tryStatement(body, handlers, orelse, fin, loc)
        case .withStmt(let items, let body):
            try withStatement(items[...], body, loc)
        case .importStmt(let items, let isFrom):
            for (mod, alias) in items {
                specs.append(ImportSpec(module: mod, alias: alias, isFrom: isFrom))
                let k = K(specs.count - 1)
                if mod.hasSuffix(".*") {
                    emit(.importStar(k), loc)
                    continue
                }
                let r = temp()
                emit(.importName(r, k), loc)
                try store(Expr(.name(BytecodeCompiler.importBinding(mod, alias, from: isFrom)), loc), from: r)
            }
        }
    }

    /// The name an import binds: the alias; else for `from M import n` the name n, and for
    /// `import a.b.c` the top package a.
    /// A `def` or `class` statement's value, into `dst`.
    func definition(_ s: Stmt, into dst: R) throws {
        switch s.kind {
        case .def(let name, let params, let body):
            try makeFunction(name: name, params: params, body: body, loc: s.loc, into: dst)
        case .classDef(let name, let bases, let body):
            let save = nextReg
            defer { nextReg = save }
            var bases = bases
            for b in bases {
                switch b.kind {
                case .positional: continue
                case .keyword("metaclass"):
                    // evaluated (a wrong name is an error) and otherwise set aside: classes are
                    // made by `type` (ABCMeta's abstract methods are checked for every class)
                    try expr(b.value, temp())
                default:
                    throw syntaxError("trick classes take base classes and metaclass= only (no other keywords or unpacking)", b.value.loc)
                }
            }
            bases.removeAll { if case .positional = $0.kind { return false }; return true }
            let first = temps(bases.count)
            for (i, b) in bases.enumerated() { try expr(b.value, first + R(i)) }
            let fn = temp()
            var body = body
            if case .expr(let e, _)? = body.first?.kind, case .string = e.kind {
                body.insert(Stmt(.assign([Expr(.name("__doc__"), s.loc)], e), s.loc, endLine: s.loc.line), at: 0)   // the docstring
            }
            if body.contains(where: { if case .annAssign(let t, _, _) = $0.kind, case .name = t.kind { return true }; return false }) {
                body.insert(Stmt(.assign([Expr(.name("__annotations__"), s.loc)], Expr(.dict([]), s.loc)), s.loc, endLine: s.loc.line), at: 0)
            }
            let (proto, _) = try function(name: name, params: Params(), body: body, loc: s.loc, classBody: true)
            emit(.makeFunction(fn, Int32(proto), fn), s.loc)
            emit(.call(fn, 0), s.loc)
            emit(.buildClass(dst, fn, first, UInt16(bases.count), nameConstant(name)), s.loc)
        default:
            throw syntaxError("a decorator must be followed by 'def' or 'class'", s.loc)
        }
    }

    static func importBinding(_ path: String, _ alias: String?, from: Bool) -> String {
        if let alias { return alias }
        return from ? String(path.split(separator: ".").last ?? "") : String(path.prefix { $0 != "." })
    }

    /// Runs the cleanups (finally bodies, `__exit__` calls, handled exceptions) that a
    /// `return`, `break` or `continue` leaves, innermost first.
    func unwind(to depth: Int, _ loc: SourceLocation) throws {
        let saved = cleanups
        defer { cleanups = saved }
        while cleanups.count > depth {
            let c = cleanups.removeLast()
            switch c {
            case .finally(let body): try branch(body)
            case .with(let exit): emit(.withExit(exit), loc)
            case .handling: emit(.popExc, loc)
            }
        }
    }

    // MARK: Assignment

    func store(_ t: Expr, from v: R) throws {
        let loc = t.loc
        switch t.kind {
        case .name(let n):
            switch place(n) {
            case .register(let r):
                if r != v { emit(.move(r, v), loc) }
                bound.insert(n)
            case .cell(let c): emit(.storeCell(c, v), loc)
            case .global(let g): emit(.storeGlobal(g, v), loc)
            }
        case .tuple(let items), .list(let items):
            let save = nextReg
            defer { nextReg = save }
            let first = temps(items.count)
            if let si = items.firstIndex(where: { if case .starred = $0.kind { return true }; return false }) {
                emit(.unpackStar(first, v, UInt16(si), UInt16(items.count - 1 - si)), loc)
            } else {
                emit(.unpack(first, v, UInt16(items.count)), loc)
            }
            for (i, item) in items.enumerated() {
                if case .starred(let inner) = item.kind { try store(inner, from: first + R(i)) } else { try store(item, from: first + R(i)) }
            }
        case .attribute(let obj, let name):
            let save = nextReg
            defer { nextReg = save }
            let o = try operand(obj)
            emit(.setAttr(o, nameConstant(name), v), loc)
        case .subscript(let obj, let items):
            let save = nextReg
            defer { nextReg = save }
            try storeItem(obj, items, v, loc)
        case .starred(let inner):
            try store(inner, from: v)
        default:
            throw syntaxError("cannot assign to this expression", loc)
        }
    }

    /// `obj[i] = v`.
    func storeItem(_ obj: Expr, _ items: [Expr], _ v: R, _ loc: SourceLocation) throws {
        let o = try container(obj)
        let i = try subscriptIndex(items)
        emit(.setItem(o, i, v), loc)
        try writeBack(obj, from: o)
    }

    /// The register holding `obj`: a local's own register, else a temporary it is loaded into.
    func container(_ obj: Expr) throws -> R {
        if case .name(let n) = obj.kind, case .register(let r) = place(n) {
            if !bound.contains(n) { emit(.checkBound(r, nameConstant(n)), obj.loc) }
            return r
        }
        let o = temp()
        try expr(obj, o)
        return o
    }

    /// After an in-place change to the object in R[v], read from `target`. Names, lists, dicts and
    /// instances hold the object itself and see the change already; a tensor indexed out of a
    /// tensor (`t[0][1] = 5`, `t[0].add_(1)`: torch gives a view, trick a new tensor) is written
    /// back into it, and so is a tensor a built-in object made for an attribute. A plain tensor
    /// that became an autograd tensor (`inter[mask] = w * h`) is stored wherever it was read from.
    func writeBack(_ target: Expr, from v: R) throws {
        let save = nextReg
        defer { nextReg = save }
        switch target.kind {
        case .name(let n):
            if case .register = place(n) { break }   // R[v] is the name's own register
            try store(target, from: v)
        case .subscript(let obj, let items):
            let o = try container(obj)
            let skip = emit(.ifWriteBack(o, v, 0), target.loc)
            let i = try subscriptIndex(items)
            emit(.setItem(o, i, v), target.loc)
            try writeBack(obj, from: o)
            patch(skip, here)
        case .attribute(let obj, let name):
            emit(.writeBackAttr(try operand(obj), nameConstant(name), v), target.loc)
        default:
            break
        }
    }

    func augmentedAssign(_ t: Expr, _ opName: String, _ value: Expr, _ loc: SourceLocation) throws {
        let op = BinaryOperator(symbol: opName)!.rawValue
        switch t.kind {
        case .subscript(let obj, let items):
            let o = try container(obj)
            let i = try subscriptIndex(items)
            let cur = temp()
            emit(.getItem(cur, o, i), loc)
            let rhs = try operand(value)
            emit(.inplace(cur, cur, rhs, op), loc)
            emit(.setItem(o, i, cur), loc)
            try writeBack(obj, from: o)
        case .attribute(let obj, let name):
            let o = try operand(obj)
            let cur = temp()
            emit(.getAttr(cur, o, nameConstant(name)), loc)
            let rhs = try operand(value)
            emit(.inplace(cur, cur, rhs, op), loc)
            emit(.setAttr(o, nameConstant(name), cur), loc)
        case .name(let n):
            if case .register(let r) = place(n) {
                if !bound.contains(n) { emit(.checkBound(r, nameConstant(n)), t.loc) }
                let rhs = try operand(value)
                emit(.inplace(r, r, rhs, op), loc)
                return
            }
            let cur = temp()
            try load(n, cur, t.loc)
            let rhs = try operand(value)
            emit(.inplace(cur, cur, rhs, op), loc)
            try store(t, from: cur)
        default:
            throw syntaxError("cannot assign to this expression", t.loc)
        }
    }

    func delete(_ t: Expr) throws {
        let loc = t.loc
        switch t.kind {
        case .name(let n):
            switch place(n) {
            case .register(let r):
                if !bound.contains(n) { emit(.checkBound(r, nameConstant(n)), loc) }
                emit(.unbind(r), loc)
                bound.remove(n)
            case .cell(let c): emit(.deleteCell(c, nameConstant(n)), loc)
            case .global(let g): emit(.deleteGlobal(g, nameConstant(n)), loc)
            }
        case .subscript(let obj, let items):
            let save = nextReg
            defer { nextReg = save }
            let o = try operand(obj)
            let i = try subscriptIndex(items)
            emit(.deleteItem(o, i), loc)
        case .attribute(let obj, let name):
            let save = nextReg
            defer { nextReg = save }
            emit(.deleteAttr(try operand(obj), nameConstant(name)), loc)
        default:
            throw syntaxError("cannot delete this expression", loc)
        }
    }

    // MARK: try / with

    /// `try`: the body's errors go to the `except` clauses (catchable ones only); the body,
    /// `else` and the clauses are covered by the `finally` copy that runs on an error and
    /// raises it again. `return`/`break`/`continue` run the finally body inline.
    func tryStatement(_ body: [Stmt], _ clauses: [Stmt.Handler], _ orelse: [Stmt]?, _ fin: [Stmt]?, _ loc: SourceLocation) throws {
        let cleanupBase = cleanups.count
        if let fin { cleanups.append(.finally(fin)) }
        let start = here
        let saved = bound
        try block(body)
        bound = saved
        let bodyEnd = here
        var toFinally: [Int] = []
        if !clauses.isEmpty {
            let overElse = emit(.jump(0), loc)
            // the except clauses
            let handlerStart = here
            do {
                exceptionDepth += 1
                defer { exceptionDepth -= 1 }
                var nextClause: Int?
                for h in clauses {
                    if let j = nextClause { patch(j, here) }
                    nextClause = nil
                    let s = nextReg
                    if let type = h.type {
                        let tr = try operand(type)
                        let m = temp()
                        emit(.excMatch(m, tr), type.loc)
                        nextClause = emit(.jumpIfFalse(m, 0), h.loc)
                    }
                    nextReg = s
                    if let n = h.name {
                        let r = temp()
                        emit(.excObject(r), h.loc)
                        try store(Expr(.name(n), h.loc), from: r)
                        nextReg = s
                    }
                    cleanups.append(.handling)
                    try branch(h.body)
                    cleanups.removeLast()
                    emit(.popExc, h.loc)
                    toFinally.append(emit(.jump(0), h.loc))
                }
                if let j = nextClause { patch(j, here) }
                emit(.reraise, loc)
            }
            handlers.append(Chunk.Handler(start: start, end: bodyEnd, target: handlerStart, catchesAll: false,
                                          iteratorDepth: iteratorDepth, exceptionDepth: exceptionDepth))
            patch(overElse, here)
        }
        if let orelse { try branch(orelse) }
        let protectedEnd = here
        for j in toFinally { patch(j, here) }
        cleanups.removeSubrange(cleanupBase...)
        guard let fin else { return }
        try branch(fin)
        let over = emit(.jump(0), loc)
        // the error path: run finally, raise again
        let finTarget = here
        exceptionDepth += 1
        cleanups.append(.handling)
        try branch(fin)
        cleanups.removeLast()
        exceptionDepth -= 1
        emit(.reraise, loc)
        // covers the body, else and the except clauses (which sit between body and else)
        handlers.append(Chunk.Handler(start: start, end: protectedEnd, target: finTarget, catchesAll: true,
                                      iteratorDepth: iteratorDepth, exceptionDepth: exceptionDepth))
        patch(over, here)
    }

    /// `with a as x, b:` is `with a as x:` around `with b:`. `__exit__` gets
    /// (None, None, None) on the way out and the exception when the body raised; a true result
    /// suppresses a catchable one.
    func withStatement(_ items: ArraySlice<(Expr, Expr?)>, _ body: [Stmt], _ loc: SourceLocation) throws {
        guard let (ctx, target) = items.first else {
            try branch(body)
            return
        }
        let save = nextReg
        defer { nextReg = save }
        let manager = try operand(ctx)
        let exit = temp(), entered = temp()
        emit(.withEnter(manager, exit, entered), loc)
        let start = here
        if let target { try store(target, from: entered) }
        cleanups.append(.with(exit))
        try withStatement(items.dropFirst(), body, loc)
        cleanups.removeLast()
        let end = here
        emit(.withExit(exit), loc)
        let over = emit(.jump(0), loc)
        let handler = here
        exceptionDepth += 1
        let j = emit(.withExitExc(exit, 0), loc)
        exceptionDepth -= 1
        handlers.append(Chunk.Handler(start: start, end: end, target: handler, catchesAll: true,
                                      iteratorDepth: iteratorDepth, exceptionDepth: exceptionDepth))
        patch(over, here)
        patch(j, here)
    }
}
