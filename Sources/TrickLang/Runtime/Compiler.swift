import TrickCore

typealias Eval = (Frame) throws -> Value
typealias Exec = (Frame) throws -> Flow

/// Compile-time scope: resolves names to frame slots (locals, enclosing functions) or globals.
final class Scope {
    let parent: Scope?
    let isFunction: Bool
    var slots: [String: Int] = [:]
    var count = 0
    /// A def or lambda is compiled inside this scope (its frames may be captured).
    var hasNestedFunction = false
    var declaredGlobal = Set<String>()
    /// Comprehension variables currently in scope (innermost last).
    var overlays: [[String: Int]] = []

    init(parent: Scope?, isFunction: Bool) {
        self.parent = parent
        self.isFunction = isFunction
    }

    func newSlot(_ name: String) -> Int {
        let s = count
        count += 1
        slots[name] = s
        return s
    }

    func hiddenSlot() -> Int {
        count += 1
        return count - 1
    }

    func lookupLocal(_ name: String) -> Int? {
        for o in overlays.reversed() { if let s = o[name] { return s } }
        if declaredGlobal.contains(name) { return nil }
        return isFunction ? slots[name] : nil
    }
}

enum Resolved {
    case local(Int)
    case enclosing(depth: Int, slot: Int)
    case global(Int)
}

/// Lowers the syntax tree to Swift closures (no AST walking at run time), with names
/// resolved to slots. Every closure that can fail attaches its source location.
final class Compiler {
    let interp: Interpreter
    let file: SourceFile
    var scope: Scope
    var functionName = "<module>"
    /// Loops around the statement being compiled (in the current function): `break` and
    /// `continue` outside a loop are errors, as in Python.
    var loopDepth = 0

    init(interp: Interpreter, file: SourceFile, scope: Scope) {
        self.interp = interp
        self.file = file
        self.scope = scope
    }

    func error(_ msg: String, _ loc: SourceLocation) -> TrickError {
        TrickError(.syntax, msg, file: file, at: loc)
    }

    // MARK: Name resolution

    func resolve(_ name: String) -> Resolved {
        if let s = scope.lookupLocal(name) { return .local(s) }
        if !scope.declaredGlobal.contains(name) {
            var depth = 1
            var s = scope.parent
            while let sc = s, sc.isFunction {
                if let slot = sc.lookupLocal(name) { return .enclosing(depth: depth, slot: slot) }
                depth += 1
                s = sc.parent
            }
        }
        return .global(interp.globalSlot(name))
    }

    // MARK: Located evaluation

    /// Converts errors thrown by built-ins into located trick errors.
    @inline(__always)
    func located(_ loc: SourceLocation, _ body: () throws -> Value) throws -> Value {
        do { return try body() } catch let e as TrickError { throw e } catch {
            throw interp.locate(error, file, loc)
        }
    }

    // MARK: Expressions

    func expr(_ e: Expr) throws -> Eval {
        let loc = e.loc
        let interp = self.interp
        let file = self.file
        switch e.kind {
        case .int(let i): let v = Value.int(i); return { _ in v }
        case .float(let d): let v = Value.float(d); return { _ in v }
        case .string(let s): let v = Value.str(s); return { _ in v }
        case .none: return { _ in .none }
        case .true_: return { _ in .bool(true) }
        case .false_: return { _ in .bool(false) }
        case .ellipsis: return { _ in .str("...") }
        case .name(let n): return nameLoad(n, loc)
        case .fstring(let parts):
            let compiled: [(String?, Eval?, Character?, String?)] = try parts.map {
                switch $0 {
                case .literal(let s): return (s, nil, nil, nil)
                case .expr(let x, let conv, let spec): return (nil, try expr(x), conv, spec)
                }
            }
            return { f in
                var out = ""
                for (lit, ev, conv, spec) in compiled {
                    if let l = lit { out += l; continue }
                    let v = try ev!(f)
                    if let c = conv {
                        out += c == "r" ? Printer.repr(v) : Printer.str(v)
                    } else if let sp = spec {
                        do { out += try Format.format(v, spec: sp) } catch { throw interp.locate(error, file, loc) }
                    } else {
                        out += Printer.str(v)
                    }
                }
                return .str(out)
            }
        case .list(let items):
            if items.contains(where: { if case .starred = $0.kind { return true }; return false }) {
                let seq = try starredSequence(items)
                return { f in .list(ListRef(try seq(f))) }
            }
            let evs = try items.map(expr)
            return { f in
                var out: [Value] = []
                out.reserveCapacity(evs.count)
                for ev in evs { out.append(try ev(f)) }
                return .list(ListRef(out))
            }
        case .tuple(let items):
            if items.contains(where: { if case .starred = $0.kind { return true }; return false }) {
                let seq = try starredSequence(items)
                return { f in .tuple(try seq(f)) }
            }
            let evs = try items.map(expr)
            return { f in .tuple(try evs.map { try $0(f) }) }
        case .set(let items):
            let evs = try items.map(expr)
            return { [interp, file] f in
                let s = SetRef()
                for ev in evs {
                    let v = try ev(f)
                    do { try s.add(v) } catch { throw interp.locate(error, file, loc) }
                }
                return .set(s)
            }
        case .dict(let pairs):
            let evs: [(Eval?, Eval)] = try pairs.map { (try $0.0.map(expr), try expr($0.1)) }
            return { f in
                let d = DictRef()
                for (k, v) in evs {
                    if let k {
                        let key = try k(f)
                        do { try d.set(key, try v(f)) } catch { throw interp.locate(error, file, loc) }
                    } else {
                        let m = try v(f)
                        guard case .dict(let other) = m else {
                            throw interp.locate(RuntimeError("'**' argument must be a dict, not \(m.typeName)", kind: "TypeError"), file, loc)
                        }
                        for (kk, vv) in other.pairs { try d.set(kk, vv) }
                    }
                }
                return .dict(d)
            }
        case .matrix(let rows):
            let evs = try rows.map { try $0.map(expr) }
            let is2D = rows.count > 1
            return { f in
                let values: [[Value]] = try evs.map { try $0.map { try $0(f) } }
                return try self.located(loc) {
                    let v: Value = is2D ? .list(values.map { .list($0) }) : .list(values[0])
                    return .tensor(try Convert.tensor(v))
                }
            }
        case .unary(let op, let operand):
            let o = try expr(operand)
            if op == "not" { return { f in .bool(!(try o(f).truthy())) } }
            return { f in
                let v = try o(f)
                do { return try Ops.unary(op, v) } catch { throw interp.locate(error, file, loc) }
            }
        case .binary(let op, let l, let r):
            if let k = Compiler.intLiteral(r), let special = try binaryWithIntLiteral(op, l, k, loc) { return special }
            return try binary(op, try expr(l), try expr(r), loc)
        case .compare(let first, let rest):
            if let c = try intComparisonValue(e) { return c }
            let a = try expr(first)
            let ops = try rest.map { ($0.0, try expr($0.1)) }
            if rest.count == 1 {
                let op = rest[0].0
                let b = try expr(rest[0].1)
                if op == "<" {
                    return { f in
                        let x = try a(f), y = try b(f)
                        if case .int(let p) = x, case .int(let q) = y { return .bool(p < q) }
                        do { return try Ops.compare(op, x, y) } catch { throw interp.locate(error, file, loc) }
                    }
                }
                return { f in
                    let x = try a(f), y = try b(f)
                    do { return try Ops.compare(op, x, y) } catch { throw interp.locate(error, file, loc) }
                }
            }
            return { f in
                var left = try a(f)
                var result: Value = .bool(true)
                for (op, b) in ops {
                    let right = try b(f)
                    do { result = try Ops.compare(op, left, right) } catch { throw interp.locate(error, file, loc) }
                    if !(try result.truthy()) { return result }
                    left = right
                }
                return result
            }
        case .and(let l, let r):
            let a = try expr(l), b = try expr(r)
            return { f in
                let x = try a(f)
                do { if !(try x.truthy()) { return x } } catch { throw interp.locate(error, file, loc) }
                return try b(f)
            }
        case .or(let l, let r):
            let a = try expr(l), b = try expr(r)
            return { f in
                let x = try a(f)
                do { if try x.truthy() { return x } } catch { throw interp.locate(error, file, loc) }
                return try b(f)
            }
        case .ifExp(let c, let t, let o):
            let cond = try expr(c), a = try expr(t), b = try expr(o)
            return { f in
                let cv = try cond(f)
                let truth: Bool
                do { truth = try cv.truthy() } catch { throw interp.locate(error, file, loc) }
                return truth ? try a(f) : try b(f)
            }
        case .call(let callee, let args):
            // Errors in a call point at the callee's name (`build`, `.sample`).
            return try call(callee, args, callee.loc)
        case .attribute(let obj, let name):
            let o = try expr(obj)
            return { f in
                let v = try o(f)
                do { return try interp.getAttribute(v, name) } catch { throw interp.locate(error, file, loc) }
            }
        case .subscript(let obj, let items):
            let o = try expr(obj)
            let index = try subscriptIndex(items)
            return { f in
                let v = try o(f)
                let i = try index(f)
                do { return try interp.getItem(v, i) } catch { throw interp.locate(error, file, loc) }
            }
        case .slice:
            throw error("a slice is only allowed inside []", loc)
        case .lambda(let params, let body):
            return try function(name: "<lambda>", params: params, body: [Stmt(.returnStmt(body), body.loc, endLine: body.loc.line)], loc: loc)
        case .listComp(let elt, let comps):
            return try comprehension(comps, loc) { [unowned self] in
                let ev = try self.expr(elt)
                return { f, acc in acc.append(try ev(f)) }
            } wrap: { .list(ListRef($0)) }
        case .setComp(let elt, let comps):
            return try comprehension(comps, loc) { [unowned self] in
                let ev = try self.expr(elt)
                // hashability is checked as each element arrives, so building the set cannot fail
                return { [interp, file] f, acc in
                    let v = try ev(f)
                    do { _ = try DictRef.hash(v) } catch { throw interp.locate(error, file, loc) }
                    acc.append(v)
                }
            } wrap: { (try? SetRef($0)).map { .set($0) } ?? .none }
        case .dictComp(let k, let v, let comps):
            var keyEv: Eval!, valEv: Eval!
            let gen = try comprehension(comps, loc) { [unowned self] in
                keyEv = try self.expr(k)
                valEv = try self.expr(v)
                return { f, acc in acc.append(.tuple([try keyEv(f), try valEv(f)])) }
            } wrap: { .list(ListRef($0)) }
            return { f in
                guard case .list(let l) = try gen(f) else { return .none }
                let d = DictRef()
                for p in l.items {
                    if case .tuple(let kv) = p {
                        do { try d.set(kv[0], kv[1]) } catch { throw interp.locate(error, file, loc) }
                    }
                }
                return .dict(d)
            }
        case .starred:
            throw error("can't use starred expression here", loc)
        }
    }

    func starredSequence(_ items: [Expr]) throws -> (Frame) throws -> [Value] {
        let parts: [(Bool, Eval)] = try items.map {
            if case .starred(let inner) = $0.kind { return (true, try expr(inner)) }
            return (false, try expr($0))
        }
        let interp = self.interp, file = self.file
        let loc = items.first?.loc ?? SourceLocation(line: 1, column: 1)
        return { f in
            var out: [Value] = []
            for (star, ev) in parts {
                let v = try ev(f)
                if star {
                    do { out.append(contentsOf: try interp.iterate(v)) } catch { throw interp.locate(error, file, loc) }
                } else { out.append(v) }
            }
            return out
        }
    }

    func nameLoad(_ n: String, _ loc: SourceLocation) -> Eval {
        let interp = self.interp, file = self.file
        switch resolve(n) {
        case .local(let s): return { f in f.slots[s] }
        case .enclosing(let d, let s):
            if d == 1 { return { f in f.parent!.slots[s] } }
            return { f in f.ancestor(d).slots[s] }
        case .global(let g):
            return { _ in
                if let v = interp.globals.values[g] { return v }
                throw interp.nameError(n, file, loc)
            }
        }
    }

    func binary(_ op: String, _ a: @escaping Eval, _ b: @escaping Eval, _ loc: SourceLocation) throws -> Eval {
        let interp = self.interp, file = self.file
        switch op {
        case "+":
            return { f in
                let x = try a(f), y = try b(f)
                if case .int(let p) = x, case .int(let q) = y {
                    let (r, o) = p.addingReportingOverflow(q)
                    if !o { return .int(r) }
                }
                if case .float(let p) = x, case .float(let q) = y { return .float(p + q) }
                do { return try Ops.add(x, y) } catch { throw interp.locate(error, file, loc) }
            }
        case "-":
            return { f in
                let x = try a(f), y = try b(f)
                if case .int(let p) = x, case .int(let q) = y {
                    let (r, o) = p.subtractingReportingOverflow(q)
                    if !o { return .int(r) }
                }
                if case .float(let p) = x, case .float(let q) = y { return .float(p - q) }
                do { return try Ops.sub(x, y) } catch { throw interp.locate(error, file, loc) }
            }
        case "*":
            return { f in
                let x = try a(f), y = try b(f)
                if case .float(let p) = x, case .float(let q) = y { return .float(p * q) }
                do { return try Ops.mul(x, y) } catch { throw interp.locate(error, file, loc) }
            }
        default:
            return { f in
                let x = try a(f), y = try b(f)
                do { return try Ops.binary(op, x, y) } catch { throw interp.locate(error, file, loc) }
            }
        }
    }

    /// A subscript's index value: one item, or a tuple of items (slices become `.slice`).
    func subscriptIndex(_ items: [Expr]) throws -> Eval {
        func item(_ e: Expr) throws -> Eval {
            if case .slice(let lo, let hi, let st) = e.kind {
                let l = try lo.map(expr), h = try hi.map(expr), s = try st.map(expr)
                let interp = self.interp, file = self.file, loc = e.loc
                return { f in
                    func bound(_ ev: Eval?, _ what: String) throws -> Int? {
                        guard let ev else { return nil }
                        let v = try ev(f)
                        switch v {
                        case .none: return nil
                        case .int(let i): return i
                        case .bool(let b): return b ? 1 : 0
                        case .tensor(let t) where t.count == 1 && !t.dtype.isFloatingPoint: return Int(t.int64(at: 0))
                        default: throw interp.locate(RuntimeError("slice \(what) must be an int or None, not \(v.typeName)", kind: "TypeError"), file, loc)
                        }
                    }
                    let step = try bound(s, "step")
                    if step == 0 { throw interp.locate(RuntimeError("slice step cannot be zero", kind: "ValueError"), file, loc) }
                    return .slice(try bound(l, "start"), try bound(h, "stop"), step)
                }
            }
            return try expr(e)
        }
        if items.count == 1 { return try item(items[0]) }
        let evs = try items.map(item)
        return { f in .tuple(try evs.map { try $0(f) }) }
    }

    // MARK: Calls

    func call(_ callee: Expr, _ args: [Arg], _ loc: SourceLocation) throws -> Eval {
        let interp = self.interp, file = self.file
        let simple = args.allSatisfy { if case .positional = $0.kind { return true }; return false }
        var positional: [Eval] = []
        var keywords: [(String, Eval)] = []
        var stars: [(Int, Eval)] = []        // (position in positional list, iterable)
        var doubleStars: [Eval] = []
        for a in args {
            switch a.kind {
            case .positional: positional.append(try expr(a.value))
            case .keyword(let k): keywords.append((k, try expr(a.value)))
            case .star: stars.append((positional.count, try expr(a.value)))
            case .doubleStar: doubleStars.append(try expr(a.value))
            }
        }
        let buildArgs: (Frame) throws -> Arguments = { f in
            var pos: [Value] = []
            pos.reserveCapacity(positional.count)
            var si = 0
            for (i, ev) in positional.enumerated() {
                while si < stars.count, stars[si].0 == i {
                    let v = try stars[si].1(f)
                    do { pos.append(contentsOf: try interp.iterate(v)) } catch { throw interp.locate(error, file, loc) }
                    si += 1
                }
                pos.append(try ev(f))
            }
            while si < stars.count {
                let v = try stars[si].1(f)
                do { pos.append(contentsOf: try interp.iterate(v)) } catch { throw interp.locate(error, file, loc) }
                si += 1
            }
            var kw: [(String, Value)] = []
            kw.reserveCapacity(keywords.count)
            for (k, ev) in keywords { kw.append((k, try ev(f))) }
            for ds in doubleStars {
                let v = try ds(f)
                guard case .dict(let d) = v else {
                    throw interp.locate(RuntimeError("argument after ** must be a dict, not \(v.typeName)", kind: "TypeError"), file, loc)
                }
                for (k, vv) in d.pairs {
                    guard case .str(let ks) = k else {
                        throw interp.locate(RuntimeError("keywords must be strings", kind: "TypeError"), file, loc)
                    }
                    if kw.contains(where: { $0.0 == ks }) {
                        throw interp.locate(RuntimeError("got multiple values for keyword argument '\(ks)'", kind: "TypeError"), file, loc)
                    }
                    kw.append((ks, vv))
                }
            }
            return Arguments(pos, keywords: kw)
        }

        // Method call: evaluate the receiver once and dispatch by name without a bound object.
        if case .attribute(let objExpr, let name) = callee.kind {
            let recv = try expr(objExpr)
            // The two container methods that dominate loops, without building an argument list;
            // any other receiver takes the general path below.
            if simple && name == "append" && args.count == 1 {
                let a0 = try expr(args[0].value)
                return { f in
                    let r = try recv(f)
                    if case .list(let l) = r { l.items.append(try a0(f)); return .none }
                    return try interp.callMethod(r, name, Arguments([try a0(f)]), file: file, loc: loc)
                }
            }
            if simple && name == "get" && (args.count == 1 || args.count == 2) {
                let a0 = try expr(args[0].value)
                let a1 = try args.count == 2 ? expr(args[1].value) : nil
                return { f in
                    let r = try recv(f)
                    let key = try a0(f)
                    let dflt = try a1?(f) ?? .none
                    if case .dict(let d) = r {
                        do { return try d.get(key) ?? dflt } catch { throw interp.locate(error, file, loc) }
                    }
                    return try interp.callMethod(r, name, Arguments(a1 == nil ? [key] : [key, dflt]), file: file, loc: loc)
                }
            }
            // torch's in-place methods (`x.clamp_(0)`, `x.fill_(1)`): tensors are values here, so
            // the result is stored back into the receiver.
            if name.hasSuffix("_"), !name.hasPrefix("_"), isAssignable(objExpr) {
                let store = try assignTarget(objExpr)
                return { f in
                    let r = try recv(f)
                    let args = try buildArgs(f)
                    let result = try interp.callMethod(r, name, args, file: file, loc: loc)
                    if case .tensor = r, case .tensor = result { try store(f, result) }
                    return result
                }
            }
            return { f in
                let r = try recv(f)
                let args = try buildArgs(f)
                return try interp.callMethod(r, name, args, file: file, loc: loc)
            }
        }

        let fn = try expr(callee)
        let calleeName: String
        if case .name(let n) = callee.kind { calleeName = n } else { calleeName = "function" }
        // Fast paths: a user function with plain positional parameters, called with one or two
        // positional arguments, binds straight into the new frame's slots.
        // A global callee (`fib(n - 1)`) is read straight from its slot, without a closure call.
        var globalCallee: Int?
        if case .name(let n) = callee.kind, case .global(let g) = resolve(n) { globalCallee = g }
        if simple && args.count == 1 {
            let a0 = try expr(args[0].value)
            @inline(__always) func call1(_ c: Value, _ f: Frame) throws -> Value {
                if case .function(let fun) = c, fun.simpleArity == 1 {
                    let arg = try a0(f)
                    if let stack = fun.frameStack {
                        let u = stack.push(parent: fun.closure)
                        defer { stack.pop() }
                        return try u._withUnsafeGuaranteedRef { frame in
                            frame.slots[0] = arg
                            return try interp.invoke(fun, frame, file: file, loc: loc)
                        }
                    }
                    var frame = Frame.acquire(parent: fun.closure, count: fun.nslots, interp.freeLists)
                    frame.slots[0] = arg
                    let r = try interp.invoke(fun, frame, file: file, loc: loc)
                    Frame.recycle(&frame, interp.freeLists)
                    return r
                }
                return try interp.call(c, Arguments([try a0(f)]), file: file, loc: loc, name: calleeName)
            }
            if let g = globalCallee, case .name(let n) = callee.kind {
                let cloc = callee.loc
                return { f in
                    guard let c = interp.globals.values[g] else { throw interp.nameError(n, file, cloc) }
                    return try call1(c, f)
                }
            }
            return { f in try call1(try fn(f), f) }
        }
        if simple && args.count == 2 {
            let a0 = try expr(args[0].value), a1 = try expr(args[1].value)
            return { f in
                let c = try fn(f)
                if case .function(let fun) = c, fun.simpleArity == 2 {
                    let x0 = try a0(f), x1 = try a1(f)
                    if let stack = fun.frameStack {
                        let u = stack.push(parent: fun.closure)
                        defer { stack.pop() }
                        return try u._withUnsafeGuaranteedRef { frame in
                            frame.slots[0] = x0
                            frame.slots[1] = x1
                            return try interp.invoke(fun, frame, file: file, loc: loc)
                        }
                    }
                    var frame = Frame.acquire(parent: fun.closure, count: fun.nslots, interp.freeLists)
                    frame.slots[0] = x0
                    frame.slots[1] = x1
                    let r = try interp.invoke(fun, frame, file: file, loc: loc)
                    Frame.recycle(&frame, interp.freeLists)
                    return r
                }
                return try interp.call(c, Arguments([try a0(f), try a1(f)]), file: file, loc: loc, name: calleeName)
            }
        }
        if simple && positional.count <= 4 {
            let n = positional.count
            return { f in
                let c = try fn(f)
                if case .function(let fun) = c, fun.simpleArity == n {
                    let frame = Frame.make(parent: fun.closure, count: fun.nslots)
                    for i in 0..<n { frame.slots[i] = try positional[i](f) }
                    return try interp.invoke(fun, frame, file: file, loc: loc)
                }
                var pos: [Value] = []
                pos.reserveCapacity(n)
                for ev in positional { pos.append(try ev(f)) }
                return try interp.call(c, Arguments(pos), file: file, loc: loc, name: calleeName)
            }
        }
        return { f in
            let c = try fn(f)
            let args = try buildArgs(f)
            return try interp.call(c, args, file: file, loc: loc, name: calleeName)
        }
    }

    func isAssignable(_ e: Expr) -> Bool {
        switch e.kind {
        case .name, .attribute, .subscript: return true
        default: return false
        }
    }

    // MARK: Functions

    func function(name: String, params: Params, body: [Stmt], loc: SourceLocation) throws -> Eval {
        let outer = scope
        outer.hasNestedFunction = true
        let fscope = Scope(parent: outer, isFunction: true)
        for n in params.allNames { _ = fscope.newSlot(n) }
        // Pre-pass: declarations and assigned names make locals.
        collectDeclarations(body, fscope)
        collectAssigned(body, fscope)
        let saved = (scope, functionName, loopDepth)
        scope = fscope
        functionName = name
        loopDepth = 0
        defer { (scope, functionName, loopDepth) = saved }
        let bodyExec = try block(body)
        var docstring: String?
        if case .expr(let e, _)? = body.first?.kind, case .string(let s) = e.kind { docstring = s }
        // Defaults are evaluated at definition time, in the enclosing scope.
        scope = outer
        let defaultEvs: [Eval?] = try (params.positional + params.keywordOnly).map { try $0.defaultValue.map(expr) }
        scope = fscope
        let code = FunctionCode(name: name, params: params, nslots: fscope.count, body: bodyExec, file: file, loc: loc, docstring: docstring)
        if !fscope.hasNestedFunction { code.frameStack = FrameStack(slotCount: Swift.max(fscope.count, 1)) }
        let isModuleLevel = !outer.isFunction
        return { f in
            var defaults: [Value] = []
            for d in defaultEvs { defaults.append(try d?(f) ?? .none) }
            return .function(Function(code: code, defaults: defaults, closure: isModuleLevel && outer.overlays.isEmpty ? nil : f))
        }
    }

    func collectDeclarations(_ body: [Stmt], _ s: Scope) {
        for st in body {
            switch st.kind {
            case .global(let names): names.forEach { s.declaredGlobal.insert($0) }
            case .ifStmt(let branches, let orelse):
                branches.forEach { collectDeclarations($0.1, s) }
                if let o = orelse { collectDeclarations(o, s) }
            case .whileStmt(_, let b, let o), .forStmt(_, _, let b, let o):
                collectDeclarations(b, s)
                if let o { collectDeclarations(o, s) }
            case .tryStmt(let b, let hs, let o, let fin):
                collectDeclarations(b, s)
                hs.forEach { collectDeclarations($0.body, s) }
                if let o { collectDeclarations(o, s) }
                if let fin { collectDeclarations(fin, s) }
            default: break
            }
        }
    }

    func collectAssigned(_ body: [Stmt], _ s: Scope) {
        func target(_ e: Expr) {
            switch e.kind {
            case .name(let n):
                if s.slots[n] == nil && !s.declaredGlobal.contains(n) && !nonlocalNames.contains(n) { _ = s.newSlot(n) }
            case .tuple(let items), .list(let items): items.forEach(target)
            case .starred(let inner): target(inner)
            default: break
            }
        }
        var nonlocalNames = Set<String>()
        func scanNonlocal(_ b: [Stmt]) {
            for st in b { if case .nonlocal(let ns) = st.kind { ns.forEach { nonlocalNames.insert($0) } } }
        }
        scanNonlocal(body)
        func walk(_ b: [Stmt]) {
            for st in b {
                switch st.kind {
                case .assign(let targets, _): targets.forEach(target)
                case .augAssign(let t, _, _): target(t)
                case .annAssign(let t, _): target(t)
                case .forStmt(let t, _, let body, let o): target(t); walk(body); if let o { walk(o) }
                case .whileStmt(_, let body, let o): walk(body); if let o { walk(o) }
                case .ifStmt(let br, let o): br.forEach { walk($0.1) }; if let o { walk(o) }
                case .def(let n, _, _): target(Expr(.name(n), st.loc))
                case .tryStmt(let b, let hs, let o, let fin):
                    walk(b)
                    for h in hs { if let n = h.name { target(Expr(.name(n), h.loc)) }; walk(h.body) }
                    if let o { walk(o) }
                    if let fin { walk(fin) }
                case .importStmt(let names, let isFrom):
                    for (mod, alias) in names where !mod.hasSuffix("*") {
                        target(Expr(.name(Compiler.importBinding(mod, alias, from: isFrom)), st.loc))
                    }
                case .withStmt(let items, let body):
                    for (_, t) in items { if let t { target(t) } }
                    walk(body)
                default: break
                }
            }
        }
        walk(body)
    }

    // MARK: Comprehensions

    /// The name an import binds: the alias; else for `from M import n` the name n, and for
    /// `import a.b.c` the top package a.
    static func importBinding(_ path: String, _ alias: String?, from: Bool) -> String {
        if let alias { return alias }
        return from ? String(path.split(separator: ".").last ?? "") : String(path.prefix { $0 != "." })
    }

    /// Compiles `for`/`if` clauses; loop variables get fresh hidden slots (they do not leak).
    func comprehension(_ comps: [Comprehension], _ loc: SourceLocation,
                       element: () throws -> (Frame, inout [Value]) throws -> Void,
                       wrap: @escaping ([Value]) -> Value) throws -> Eval {
        let interp = self.interp, file = self.file
        // The first iterable is evaluated in the enclosing scope.
        let firstIter = try expr(comps[0].iter)
        var overlay: [String: Int] = [:]
        func bindNames(_ e: Expr) {
            switch e.kind {
            case .name(let n): overlay[n] = scope.hiddenSlot()
            case .tuple(let items), .list(let items): items.forEach(bindNames)
            case .starred(let inner): bindNames(inner)
            default: break
            }
        }
        var levels: [(Eval?, (Frame, Value) throws -> Void, [Eval])] = []
        scope.overlays.append([:])
        defer { scope.overlays.removeLast() }
        for (i, c) in comps.enumerated() {
            let iterEv: Eval? = i == 0 ? nil : try expr(c.iter)
            bindNames(c.target)
            scope.overlays[scope.overlays.count - 1] = overlay
            let store = try assignTarget(c.target)
            let conds = try c.conditions.map(expr)
            levels.append((iterEv, store, conds))
        }
        let elementFn = try element()
        return { f in
            var acc: [Value] = []
            func run(_ level: Int, _ iterable: Value) throws {
                let (_, store, conds) = levels[level]
                let items: [Value]
                do { items = try interp.iterate(iterable) } catch { throw interp.locate(error, file, loc) }
                outer: for it in items {
                    try store(f, it)
                    for c in conds {
                        let cv = try c(f)
                        do { if !(try cv.truthy()) { continue outer } } catch { throw interp.locate(error, file, loc) }
                    }
                    if level + 1 < levels.count {
                        try run(level + 1, try levels[level + 1].0!(f))
                    } else {
                        try elementFn(f, &acc)
                    }
                    try interp.checkInterrupt(file, loc)
                }
            }
            try run(0, try firstIter(f))
            return wrap(acc)
        }
    }

    // MARK: Assignment targets

    func assignTarget(_ t: Expr) throws -> (Frame, Value) throws -> Void {
        let interp = self.interp, file = self.file, loc = t.loc
        switch t.kind {
        case .name(let n):
            switch resolve(n) {
            case .local(let s): return { f, v in f.slots[s] = v }
            case .enclosing(let d, let s): return { f, v in f.ancestor(d).slots[s] = v }
            case .global(let g): return { _, v in interp.globals.values[g] = v }
            }
        case .tuple(let items), .list(let items):
            let starIndex = items.firstIndex { if case .starred = $0.kind { return true }; return false }
            let stores = try items.map { item -> (Frame, Value) throws -> Void in
                if case .starred(let inner) = item.kind { return try assignTarget(inner) }
                return try assignTarget(item)
            }
            let n = items.count
            return { f, v in
                let values: [Value]
                do { values = try interp.iterate(v) } catch { throw interp.locate(error, file, loc) }
                if let si = starIndex {
                    guard values.count >= n - 1 else {
                        throw interp.locate(RuntimeError("not enough values to unpack (expected at least \(n - 1), got \(values.count))", kind: "ValueError"), file, loc)
                    }
                    let tail = n - 1 - si
                    for i in 0..<si { try stores[i](f, values[i]) }
                    try stores[si](f, .list(ListRef(Array(values[si..<(values.count - tail)]))))
                    for j in 0..<tail { try stores[si + 1 + j](f, values[values.count - tail + j]) }
                    return
                }
                guard values.count == n else {
                    let msg = values.count > n ? "too many values to unpack (expected \(n), got \(values.count))"
                                               : "not enough values to unpack (expected \(n), got \(values.count))"
                    throw interp.locate(RuntimeError(msg, kind: "ValueError"), file, loc)
                }
                for i in 0..<n { try stores[i](f, values[i]) }
            }
        case .attribute(let obj, let name):
            let o = try expr(obj)
            return { f, v in
                let target = try o(f)
                do { try interp.setAttribute(target, name, v) } catch { throw interp.locate(error, file, loc) }
            }
        case .subscript(let obj, let items):
            let o = try expr(obj)
            let index = try subscriptIndex(items)
            // Tensors are values: `t[i] = v` computes the updated tensor and stores it back.
            let storeBack: ((Frame, Value) throws -> Void)?
            switch obj.kind {
            case .name, .attribute, .subscript: storeBack = try assignTarget(obj)
            default: storeBack = nil
            }
            return { f, v in
                let target = try o(f)
                let i = try index(f)
                guard let storeBack, case .tensor = target else {
                    do { try interp.setItem(target, i, v) } catch { throw interp.locate(error, file, loc) }
                    return
                }
                // Take the tensor out of the variable first so the update does not copy it.
                var t: Tensor
                switch consume target {
                case .tensor(let x): t = x
                default: return
                }
                try storeBack(f, .none)
                do {
                    let operand: Operand
                    if let op = Ops.operand(v) { operand = op } else { operand = .tensor(try Convert.tensor(v)) }
                    try t.assign(try interp.tensorIndex(i), operand)
                } catch {
                    try storeBack(f, .tensor(t))
                    throw interp.locate(error, file, loc)
                }
                try storeBack(f, .tensor(t))
            }
        case .starred(let inner):
            return try assignTarget(inner)
        default:
            throw error("cannot assign to this expression", loc)
        }
    }

    /// For `x += 1` on a subscript or attribute, evaluate the container once.
    func augmentedAssign(_ t: Expr, _ op: String, _ value: Expr, _ loc: SourceLocation) throws -> Exec {
        let interp = self.interp, file = self.file
        let v = try expr(value)
        func inplace(_ a: Value, _ b: Value) throws -> Value {
            // Lists extend in place (`l += [x]`), as Python does.
            if op == "+", case .list(let l) = a {
                l.items.append(contentsOf: try interp.iterate(b))
                return a
            }
            // So do sets (`s |= t`, `&=`, `-=`, `^=`): every name bound to the set sees the change.
            if case .set(let s) = a, case .set = b, let r = try SetOps.binary(op, a, b), case .set(let n) = r {
                s.table.removeAll()
                for x in n.items { try s.add(x) }
                return a
            }
            return try Ops.binary(op, a, b)
        }
        switch t.kind {
        case .subscript(let obj, let items):
            let o = try expr(obj)
            let index = try subscriptIndex(items)
            let store = try assignTarget(t)
            return { f in
                let container = try o(f)
                let i = try index(f)
                let rhs = try v(f)
                do {
                    let cur = try interp.getItem(container, i)
                    if case .tensor = container { try store(f, try inplace(cur, rhs)); return .normal }
                    try interp.setItem(container, i, try inplace(cur, rhs))
                } catch { throw interp.locate(error, file, loc) }
                return .normal
            }
        case .attribute(let obj, let name):
            let o = try expr(obj)
            return { f in
                let container = try o(f)
                let rhs = try v(f)
                do {
                    let cur = try interp.getAttribute(container, name)
                    try interp.setAttribute(container, name, try inplace(cur, rhs))
                } catch { throw interp.locate(error, file, loc) }
                return .normal
            }
        default:
            let load = try expr(t)
            let store = try assignTarget(t)
            if case .name = t.kind, op == "+" {
                return { f in
                    let cur = try load(f), rhs = try v(f)
                    if case .int(let p) = cur, case .int(let q) = rhs {
                        let (r, o) = p.addingReportingOverflow(q)
                        if !o { try store(f, .int(r)); return .normal }
                    }
                    do { try store(f, try inplace(cur, rhs)) } catch let e as TrickError { throw e } catch { throw interp.locate(error, file, loc) }
                    return .normal
                }
            }
            return { f in
                let cur = try load(f), rhs = try v(f)
                do { try store(f, try inplace(cur, rhs)) } catch let e as TrickError { throw e } catch { throw interp.locate(error, file, loc) }
                return .normal
            }
        }
    }
}
