import TrickCore

/// Expressions: each compiles into a destination register. Errors are placed where the
/// closure compiler placed them (a call at its callee, an operator at its expression).
extension BytecodeCompiler {
    static func intLiteral(_ e: Expr) -> Int32? {
        if case .int(let i) = e.kind, let k = Int32(exactly: i) { return k }
        return nil
    }

    /// The value of a literal: a number, string, None, True/False, or a tuple of literals — a
    /// tuple such as `(1, None, None)` is then one constant, made once when the code is compiled
    /// (as CPython folds it), not built again at every evaluation.
    static func literalValue(_ e: Expr) -> Value? {
        switch e.kind {
        case .int(let i): return .int(i)
        case .float(let d): return .float(d)
        case .string(let s): return .str(s)
        case .none: return Value.none
        case .true_: return .bool(true)
        case .false_: return .bool(false)
        case .tuple(let items):
            var values: [Value] = []
            values.reserveCapacity(items.count)
            for x in items {
                guard let v = literalValue(x) else { return nil }
                values.append(v)
            }
            return .tuple(values)
        default: return nil
        }
    }

    /// Kinds that write their destination before reading all their parts: compiled into a
    /// temporary when the destination is a local (`x = y or x`, `s = f"{s}!"`).
    static func writesEarly(_ e: Expr) -> Bool {
        switch e.kind {
        case .and, .or, .ifExp, .listComp, .setComp, .dictComp, .compare, .namedExpr: return true
        default: return false
        }
    }

    func expr(_ e: Expr, _ dst: R) throws {
        if !isTemporary(dst), BytecodeCompiler.writesEarly(e) {
            let save = nextReg
            let t = temp()
            try expr(e, t)
            emit(.take(dst, t), e.loc)
            nextReg = save
            return
        }
        let loc = e.loc
        let save = nextReg
        defer { nextReg = save }
        switch e.kind {
        case .int(let i):
            if let k = Int32(exactly: i) { emit(.loadInt(dst, k), loc) } else { emit(.loadK(dst, constant(.int(i))), loc) }
        case .float(let d): emit(.loadK(dst, constant(.float(d))), loc)
        case .string(let s): emit(.loadK(dst, constant(.str(s))), loc)
        case .none: emit(.loadNone(dst), loc)
        case .true_: emit(.loadBool(dst, true), loc)
        case .false_: emit(.loadBool(dst, false), loc)
        case .ellipsis: emit(.loadK(dst, constant(.object(CoreBuiltins.ellipsis))), loc)
        case .name(let n): try load(n, dst, loc)
        case .fstring(let parts):
            // each part into its own register (fields formatted as they are evaluated, as
            // CPython's FORMAT_VALUE), then one concatenation (its BUILD_STRING)
            let first = temps(parts.count)
            for (i, p) in parts.enumerated() {
                let r = first + R(i)
                switch p {
                case .literal(let s):
                    emit(.loadK(r, constant(.str(s))), loc)
                case .expr(let x, let conv, let spec):
                    try expr(x, r)
                    let c: UInt8 = conv == "r" ? 1 : conv != nil ? 2 : 0
                    emit(.formatValue(r, c, spec.map { constant(.str($0)) } ?? -1), loc)
                }
            }
            emit(.buildString(dst, first, UInt16(parts.count)), loc)
        case .list(let items):
            if hasStarred(items) { try starredList(items, dst); return }
            let first = temps(items.count)
            for (i, x) in items.enumerated() { try expr(x, first + R(i)) }
            emit(.buildList(dst, first, UInt16(items.count)), loc)
        case .tuple(let items):
            if hasStarred(items) {
                try starredList(items, dst)
                emit(.listToTuple(dst), loc)
                return
            }
            if let t = BytecodeCompiler.literalValue(e) {
                emit(.loadK(dst, constant(t)), loc)
                return
            }
            let first = temps(items.count)
            for (i, x) in items.enumerated() { try expr(x, first + R(i)) }
            emit(.buildTuple(dst, first, UInt16(items.count)), loc)
        case .set(let items):
            let first = temps(items.count)
            for (i, x) in items.enumerated() { try expr(x, first + R(i)) }
            emit(.buildSet(dst, first, UInt16(items.count)), loc)
        case .dict(let pairs):
            if pairs.contains(where: { $0.0 == nil }) {
                let d = temp()
                emit(.buildDict(d, d, 0), loc)
                for (k, v) in pairs {
                    let s2 = nextReg
                    if let k {
                        let kr = try operand(k), vr = try operand(v)
                        emit(.dictSet(d, kr, vr), loc)
                    } else {
                        emit(.dictMerge(d, try operand(v)), loc)
                    }
                    nextReg = s2
                }
                emit(.move(dst, d), loc)
                return
            }
            let first = temps(pairs.count * 2)
            for (i, (k, v)) in pairs.enumerated() {
                try expr(k!, first + R(2 * i))
                try expr(v, first + R(2 * i + 1))
            }
            emit(.buildDict(dst, first, UInt16(pairs.count)), loc)
        case .matrix(let rows):
            let is2D = rows.count > 1
            let firstRow = temps(rows.count)
            for (ri, row) in rows.enumerated() {
                let s2 = nextReg
                let first = temps(row.count)
                for (i, x) in row.enumerated() { try expr(x, first + R(i)) }
                emit(.buildList(firstRow + R(ri), first, UInt16(row.count)), loc)
                nextReg = s2
            }
            if is2D {
                emit(.buildList(dst, firstRow, UInt16(rows.count)), loc)
                emit(.matrix(dst, dst, true), loc)
            } else {
                emit(.matrix(dst, firstRow, false), loc)
            }
        case .unary(let op, let x):
            let r = try operand(x)
            if op == "not" { emit(.not(dst, r), loc); return }
            emit(.unary(dst, r, UnaryOperator(symbol: op)!.rawValue), loc)
        case .binary(let op, let l, let r):
            let a = try operand(l)
            if let k = BytecodeCompiler.intLiteral(r), op == "+" || op == "-" {
                emit(op == "+" ? .addI(dst, a, k) : .subI(dst, a, k), loc)
                return
            }
            let b = try operand(r)
            switch op {
            case "+": emit(.add(dst, a, b), loc)
            case "-": emit(.sub(dst, a, b), loc)
            case "*": emit(.mul(dst, a, b), loc)
            default: emit(.binary(dst, a, b, BinaryOperator(symbol: op)!.rawValue), loc)
            }
        case .compare(let first, let rest):
            var left = try operand(first)
            var exits: [Int] = []
            for (i, (op, x)) in rest.enumerated() {
                let right = try operand(x)
                emit(.compare(dst, left, right, Comparison(symbol: op)!.rawValue), loc)
                if i < rest.count - 1 { exits.append(emit(.jumpIfFalse(dst, 0), loc)) }
                left = right
            }
            for j in exits { patch(j, here) }
        case .and(let l, let r):
            try expr(l, dst)
            let j = emit(.jumpIfFalse(dst, 0), loc)
            try expr(r, dst)
            patch(j, here)
        case .or(let l, let r):
            try expr(l, dst)
            let j = emit(.jumpIfTrue(dst, 0), loc)
            try expr(r, dst)
            patch(j, here)
        case .ifExp(let c, let t, let o):
            let j = try jumpIfFalse(c)
            try expr(t, dst)
            let end = emit(.jump(0), loc)
            patch(j, here)
            try expr(o, dst)
            patch(end, here)
        case .call(let callee, let args):
            try call(callee, args, dst)
        case .attribute(let obj, let name):
            let o = try operand(obj)
            emit(.getAttr(dst, o, nameConstant(name)), loc)
        case .subscript(let obj, let items):
            let o = try operand(obj)
            let i = try subscriptIndex(items)
            emit(.getItem(dst, o, i), loc)
        case .slice:
            throw syntaxError("a slice is only allowed inside []", loc)
        case .lambda(let params, let body):
            try makeFunction(name: "<lambda>", params: params, body: [Stmt(.returnStmt(body), body.loc, endLine: body.loc.line)], loc: loc, into: dst)
        case .listComp(let elt, let comps):
            let acc = temp()
            emit(.buildList(acc, acc, 0), loc)
            try comprehension(comps, loc, elements: [elt]) {
                let v = try self.operand(elt)
                self.emit(.listAppend(acc, v), loc)
            }
            emit(.take(dst, acc), loc)
        case .setComp(let elt, let comps):
            let acc = temp()
            emit(.buildSet(acc, acc, 0), loc)
            try comprehension(comps, loc, elements: [elt]) {
                let v = try self.operand(elt)
                self.emit(.setAdd(acc, v), loc)
            }
            emit(.take(dst, acc), loc)
        case .dictComp(let k, let v, let comps):
            let acc = temp()
            emit(.buildDict(acc, acc, 0), loc)
            try comprehension(comps, loc, elements: [k, v]) {
                let kr = try self.operand(k), vr = try self.operand(v)
                self.emit(.dictSet(acc, kr, vr), loc)
            }
            emit(.take(dst, acc), loc)
        case .starred:
            throw syntaxError("can't use starred expression here", loc)
        case .namedExpr(let n, let v):
            try expr(v, dst)
            try store(Expr(.name(n), loc), from: dst)
        case .yield(let v):
            guard isFunction, !isClassBody else { throw syntaxError("'yield' outside function", loc) }
            let r: R
            if let v { r = try operand(v) } else { r = temp(); emit(.loadNone(r), loc) }
            emit(.yield(dst, r), loc)
        case .yieldFrom(let it):
            guard isFunction, !isClassBody else { throw syntaxError("'yield' outside function", loc) }
            let src = try operand(it)
            let slot = UInt16(iteratorDepth)
            iteratorDepth += 1
            maxIterators = Swift.max(maxIterators, iteratorDepth)
            emit(.forPrep(slot, src), it.loc)
            let top = here
            let item = temp()
            let next = emit(.forNext(slot, item, 0), loc)
            emit(.yield(item, item), loc)
            emit(.loop(T(top)), loc)
            patch(next, here)
            iteratorDepth -= 1
            emit(.loadNone(dst), loc)
        }
    }

    /// A loop target of two or more distinct plain locals in consecutive registers (`k, v`,
    /// `(i, x)`): the first register and the names; nil for any other target.
    func unpackTargets(_ target: Expr) -> (first: R, names: [String])? {
        let items: [Expr]
        switch target.kind {
        case .tuple(let xs), .list(let xs): items = xs
        default: return nil
        }
        guard items.count >= 2, items.count <= 255 else { return nil }
        var names: [String] = [], first: R = 0
        for (i, x) in items.enumerated() {
            guard case .name(let n) = x.kind, case .register(let r) = place(n) else { return nil }
            if i == 0 { first = r } else if r != first + R(i) { return nil }
            names.append(n)
        }
        return (first, names)
    }

    /// The receiver and view of an iterable written `x.keys()`, `x.values()` or `x.items()`,
    /// else nil.
    static func viewReceiver(_ iter: Expr) -> (Expr, DictView)? {
        guard case .call(let callee, let args) = iter.kind, args.isEmpty, case .attribute(let obj, let name) = callee.kind else { return nil }
        switch name {
        case "keys": return (obj, .keys)
        case "values": return (obj, .values)
        case "items": return (obj, .items)
        default: return nil
        }
    }

    /// Evaluates a loop's iterable and prepares iterator slot `slot` over it; a `….keys()`,
    /// `….values()` or `….items()` call becomes `forPrepView` (a dict's entries read in place).
    func loopPrep(_ slot: UInt16, _ iter: Expr) throws {
        if let (obj, view) = Self.viewReceiver(iter) {
            let o = try operand(obj)
            emit(.forPrepView(slot, o, view), iter.loc)
        } else {
            let src = try operand(iter)
            emit(.forPrep(slot, src), iter.loc)
        }
    }

    func hasStarred(_ items: [Expr]) -> Bool {
        items.contains { if case .starred = $0.kind { return true }; return false }
    }

    /// A list display with `*x` items, built by appending and extending.
    func starredList(_ items: [Expr], _ dst: R) throws {
        let loc = items.first?.loc ?? SourceLocation(line: 1, column: 1)
        let acc = temp()
        emit(.buildList(acc, acc, 0), loc)
        for x in items {
            let s = nextReg
            if case .starred(let inner) = x.kind {
                emit(.listExtend(acc, try operand(inner)), loc)
            } else {
                emit(.listAppend(acc, try operand(x)), loc)
            }
            nextReg = s
        }
        emit(.take(dst, acc), loc)
    }

    func load(_ n: String, _ dst: R, _ loc: SourceLocation) throws {
        switch place(n) {
        case .register(let r):
            if !isTemporary(r) && !bound.contains(n) { emit(.checkBound(r, nameConstant(n)), loc) }
            if r != dst { emit(.move(dst, r), loc) }
        case .cell(let c): emit(.loadCell(dst, c, nameConstant(n)), loc)
        case .global(let g): emit(.loadGlobal(dst, g, nameConstant(n)), loc)
        }
    }

    /// A subscript's index: one item, or a tuple of items; slices become `.slice` values.
    func subscriptIndex(_ items: [Expr]) throws -> R {
        func item(_ e: Expr, _ dst: R) throws {
            if case .slice(let lo, let hi, let st) = e.kind {
                let s = nextReg
                let first = temps(3)
                for (i, part) in [lo, hi, st].enumerated() {
                    if let part { try expr(part, first + R(i)) } else { emit(.loadNone(first + R(i)), e.loc) }
                }
                emit(.buildSlice(dst, first), e.loc)
                nextReg = s
                return
            }
            try expr(e, dst)
        }
        if items.count == 1 {
            if case .slice = items[0].kind {
                let r = temp()
                try item(items[0], r)
                return r
            }
            return try operand(items[0])
        }
        let first = temps(items.count)
        for (i, x) in items.enumerated() { try item(x, first + R(i)) }
        let r = temp()
        emit(.buildTuple(r, first, UInt16(items.count)), items[0].loc)
        return r
    }

    // MARK: Conditions

    /// Compiles a condition; returns the index of the jump taken when it is false (to patch).
    func jumpIfFalse(_ e: Expr) throws -> Int {
        let save = nextReg
        defer { nextReg = save }
        if case .compare(let l, let rest) = e.kind, rest.count == 1,
           let op = Comparison(symbol: rest[0].0) {
            let a = try operand(l)
            if let k = BytecodeCompiler.intLiteral(rest[0].1), op.isOrdering {
                return emit(.compareIJumpIfFalse(a, op.rawValue, k, 0), e.loc)
            }
            let b = try operand(rest[0].1)
            return emit(.compareJumpIfFalse(a, b, op.rawValue, 0), e.loc)
        }
        if case .unary("not", let inner) = e.kind {
            let r = try operand(inner)
            return emit(.jumpIfTrue(r, 0), inner.loc)
        }
        let r = try operand(e)
        return emit(.jumpIfFalse(r, 0), e.loc)
    }

    // MARK: Calls

    func call(_ callee: Expr, _ args: [Arg], _ dst: R) throws {
        let loc = callee.loc
        // zero-argument super() in a method: super(__class__, <first parameter>)
        if case .name("super") = callee.kind, args.isEmpty, case .global = place("super"),
           case .cell = place("__class__"), let selfName = firstParameter {
            let rewritten = [Arg(kind: .positional, value: Expr(.name("__class__"), loc)),
                             Arg(kind: .positional, value: Expr(.name(selfName), loc))]
            return try call(callee, rewritten, dst)
        }
        let positional = args.filter { if case .positional = $0.kind { return true }; return false }
        let keywords: [(String, Expr)] = args.compactMap { if case .keyword(let k) = $0.kind { return (k, $0.value) }; return nil }
        let spread = args.contains { switch $0.kind { case .star, .doubleStar: return true; default: return false } }
        // the destination itself is the call's base when it is the topmost temporary
        let reuse = isTemporary(dst) && Int(dst) == nextReg - 1
        let save = nextReg
        defer { nextReg = save }
        // `isinstance(x, T)`: an instruction that decides it from the globals in place, in front
        // of the general call it skips (see `Instr.isInstanceGlobal`). Only for a local x, whose
        // reading runs no code that could rebind the names.
        var isInstanceAt: Int?
        if case .name("isinstance") = callee.kind, args.count == 2, positional.count == 2,
           case .global(let gi) = place("isinstance"),
           case .name(let x) = positional[0].value.kind, case .register(let xr) = place(x),
           case .name(let t) = positional[1].value.kind, case .global(let gt) = place(t) {
            globalPairs.append((Int(gi), Int(gt)))
            isInstanceAt = emit(.isInstanceGlobal(dst, xr, 0, Int32(globalPairs.count - 1)), loc)
        }
        var method: String?
        var receiver: Expr?
        if case .attribute(let obj, let name) = callee.kind {
            method = name
            receiver = obj
        }
        // torch's in-place methods (`x.clamp_(0)`): the receiver (kept below the call's
        // registers) takes the result the method computed.
        var inPlace: (R, Expr)?
        if let m = method, let obj = receiver, m.hasSuffix("_"), !m.hasPrefix("_") {
            inPlace = (temp(), obj)
        }
        let base = reuse && inPlace == nil ? dst : temp()
        try expr(receiver ?? callee, base)
        if let (keep, _) = inPlace { emit(.move(keep, base), loc) }
        if spread {
            // callee, a list of positionals, a dict of keywords
            let argsReg = base + 1, kwReg = base + 2
            nextReg = Int(base) + 3
            if nextReg > maxReg { maxReg = nextReg }
            emit(.buildList(argsReg, argsReg, 0), loc)
            emit(.buildDict(kwReg, kwReg, 0), loc)
            for a in args {
                let s = nextReg
                switch a.kind {
                case .positional: emit(.listAppend(argsReg, try operand(a.value)), loc)
                case .star: emit(.listExtend(argsReg, try operand(a.value)), loc)
                case .keyword(let k):
                    let kr = temp()
                    emit(.loadK(kr, constant(.str(k))), loc)
                    emit(.dictSet(kwReg, kr, try operand(a.value)), loc)
                case .doubleStar: emit(.kwMerge(kwReg, try operand(a.value)), loc)
                }
                nextReg = s
            }
            if let m = method { emit(.callMethodEx(base, nameConstant(m)), loc) } else { emit(.callEx(base), loc) }
        } else {
            let n = positional.count + keywords.count
            let first = temps(n)
            for (i, a) in positional.enumerated() { try expr(a.value, first + R(i)) }
            for (i, (_, v)) in keywords.enumerated() { try expr(v, first + R(positional.count + i)) }
            if keywords.isEmpty {
                if let m = method { emit(.callMethod(base, nameConstant(m), UInt16(n)), loc) } else { emit(.call(base, UInt16(n)), loc) }
            } else {
                keywordNames.append(keywords.map(\.0))
                let kk = K(keywordNames.count - 1)
                if let m = method { emit(.callMethodKw(base, UInt16(n), nameConstant(m), kk), loc) } else { emit(.callKw(base, UInt16(n), kk), loc) }
            }
        }
        if let (keep, obj) = inPlace {
            let j = emit(.adoptInPlace(keep, base, 0), loc)
            try writeBack(obj, from: keep)
            patch(j, here)
        }
        if base != dst { emit(.take(dst, base), loc) }
        if let at = isInstanceAt, case .isInstanceGlobal(let d, let x, _, let p) = code[at] {
            code[at] = .isInstanceGlobal(d, x, UInt16(here - at - 1), p)
        }
    }

    // MARK: Comprehensions

    /// `for`/`if` clauses run inline; the loop variables are the comprehension's own
    /// (registers, or cells when a lambda inside captures them).
    func comprehension(_ comps: [Comprehension], _ loc: SourceLocation, elements: [Expr], body: () throws -> Void) throws {
        var inner: [Expr] = elements
        for (i, c) in comps.enumerated() { if i > 0 { inner.append(c.iter) }; inner += c.conditions }
        let captured = ScopeAnalysis.capturedByNested(inner)
        var overlay: [String: Place] = [:]
        func bind(_ e: Expr) {
            switch e.kind {
            case .name(let n):
                if captured.contains(n) {
                    let c = UInt16(cellTotal)
                    cellTotal += 1
                    emit(.newCell(c), loc)
                    overlay[n] = .cell(c)
                } else {
                    overlay[n] = .register(temp())
                }
            case .tuple(let items), .list(let items): items.forEach(bind)
            case .starred(let x): bind(x)
            default: break
            }
        }
        // The first iterable is evaluated in the enclosing scope (for `k, v in d.items()`, d).
        let firstView = Self.viewReceiver(comps[0].iter)
        let firstIter = try operand(firstView?.0 ?? comps[0].iter)
        comps.forEach { bind($0.target) }
        overlays.append(overlay)
        defer { overlays.removeLast() }
        var exits: [(Int, Int)] = []    // (forNext index, loop start)
        for (i, c) in comps.enumerated() {
            let slot = UInt16(iteratorDepth)
            let unpacked = unpackTargets(c.target)
            if i == 0 {
                if let (_, view) = firstView {
                    emit(.forPrepView(slot, firstIter, view), comps[0].iter.loc)
                } else {
                    emit(.forPrep(slot, firstIter), loc)
                }
            } else {
                try loopPrep(slot, c.iter)
            }
            iteratorDepth += 1
            maxIterators = Swift.max(maxIterators, iteratorDepth)
            let top = here
            let next: Int
            if let (first, names) = unpacked {
                next = emit(.forNextUnpack(slot, first, UInt16(names.count), 0), loc)
            } else if case .name(let n) = c.target.kind, case .register(let r)? = overlay[n] {
                // the comprehension's own variable receives the item directly
                next = emit(.forNext(slot, r, 0), loc)
            } else {
                let item = temp()
                next = emit(.forNext(slot, item, 0), loc)
                try store(c.target, from: item)
            }
            exits.append((next, top))
            for cond in c.conditions {
                let s = nextReg
                let r = try operand(cond)
                emit(.jumpIfFalse(r, T(top)), loc)
                nextReg = s
            }
        }
        try body()
        for (next, top) in exits.reversed() {
            emit(.loop(T(top)), loc)
            patch(next, here)
            iteratorDepth -= 1
        }
    }
}
