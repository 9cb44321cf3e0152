/// Which names a function body binds, which it reads from enclosing functions, and which of
/// its own variables nested functions capture (those live in cells, the rest in registers).
/// Python's rules: a name assigned anywhere in a function is local to it unless declared
/// `global` or `nonlocal`; comprehension variables belong to the comprehension.
enum ScopeAnalysis {
    /// Names a body assigns (its locals, before removing declared globals/nonlocals), in first
    /// assignment order.
    static func assignedNames(_ body: [Stmt]) -> [String] {
        var out: [String] = []
        var seen = Set<String>()
        func add(_ n: String) { if seen.insert(n).inserted { out.append(n) } }
        func target(_ e: Expr) {
            switch e.kind {
            case .name(let n): add(n)
            case .tuple(let items), .list(let items): items.forEach(target)
            case .starred(let inner): target(inner)
            default: break
            }
        }
        func walk(_ b: [Stmt]) {
            for st in b {
                switch st.kind {
                case .assign(let targets, _): targets.forEach(target)
                case .augAssign(let t, _, _): target(t)
                case .annAssign(let t, _, _): target(t)
                case .forStmt(let t, _, let body, let o): target(t); walk(body); if let o { walk(o) }
                case .whileStmt(_, let body, let o): walk(body); if let o { walk(o) }
                case .ifStmt(let br, let o): br.forEach { walk($0.1) }; if let o { walk(o) }
                case .def(let n, _, _), .classDef(let n, _, _): add(n)
                case .decorated(_, let inner): walk([inner])
                case .tryStmt(let b, let hs, let o, let fin):
                    walk(b)
                    for h in hs { if let n = h.name { add(n) }; walk(h.body) }
                    if let o { walk(o) }
                    if let fin { walk(fin) }
                case .importStmt(let names, let isFrom):
                    for (mod, alias) in names where !mod.hasSuffix("*") { add(BytecodeCompiler.importBinding(mod, alias, from: isFrom)) }
                case .withStmt(let items, let body):
                    for (_, t) in items { if let t { target(t) } }
                    walk(body)
                default: break
                }
            }
        }
        walk(body)
        // `(name := value)` anywhere in the body's expressions (comprehensions included)
        var w = Walker { if case .walrus(let n) = $0 { add(n) } }
        w.statements(body)
        return out
    }

    /// A generator function: `yield` in its body (not in a nested function, lambda or class).
    static func containsYield(_ body: [Stmt]) -> Bool {
        var found = false
        func e(_ x: Expr) {
            if found { return }
            switch x.kind {
            case .yield, .yieldFrom: found = true
            case .lambda: return
            case .fstring(let parts): for p in parts { if case .expr(let y, _, _) = p { e(y) } }
            case .list(let items), .tuple(let items), .set(let items): items.forEach(e)
            case .dict(let pairs): for (k, v) in pairs { if let k { e(k) }; e(v) }
            case .unary(_, let a), .starred(let a), .attribute(let a, _): e(a)
            case .binary(_, let a, let b), .and(let a, let b), .or(let a, let b): e(a); e(b)
            case .compare(let a, let rest): e(a); rest.forEach { e($0.1) }
            case .ifExp(let a, let b, let c): e(a); e(b); e(c)
            case .call(let f, let args): e(f); args.forEach { e($0.value) }
            case .subscript(let o, let items): e(o); items.forEach(e)
            default: return
            }
        }
        func walk(_ b: [Stmt]) {
            for st in b where !found {
                switch st.kind {
                case .expr(let x, _): e(x)
                case .assign(let ts, let v): ts.forEach(e); e(v)
                case .augAssign(_, _, let v): e(v)
                case .returnStmt(let v): if let v { e(v) }
                case .ifStmt(let br, let o): for (c, b) in br { e(c); walk(b) }; if let o { walk(o) }
                case .whileStmt(let c, let b, let o): e(c); walk(b); if let o { walk(o) }
                case .forStmt(_, let it, let b, let o): e(it); walk(b); if let o { walk(o) }
                case .tryStmt(let b, let hs, let o, let fin):
                    walk(b); hs.forEach { walk($0.body) }
                    if let o { walk(o) }
                    if let fin { walk(fin) }
                case .withStmt(let items, let b): items.forEach { e($0.0) }; walk(b)
                default: break
                }
            }
        }
        walk(body)
        return found
    }

    /// `global` and `nonlocal` declarations anywhere in a body (not in nested functions).
    static func declarations(_ body: [Stmt]) -> (globals: Set<String>, nonlocals: Set<String>) {
        var g = Set<String>(), n = Set<String>()
        func walk(_ b: [Stmt]) {
            for st in b {
                switch st.kind {
                case .global(let names): names.forEach { g.insert($0) }
                case .nonlocal(let names): names.forEach { n.insert($0) }
                case .ifStmt(let branches, let o): branches.forEach { walk($0.1) }; if let o { walk(o) }
                case .whileStmt(_, let b, let o), .forStmt(_, _, let b, let o): walk(b); if let o { walk(o) }
                case .tryStmt(let b, let hs, let o, let fin):
                    walk(b); hs.forEach { walk($0.body) }
                    if let o { walk(o) }
                    if let fin { walk(fin) }
                case .withStmt(_, let b): walk(b)
                default: break
                }
            }
        }
        walk(body)
        return (g, n)
    }

    /// Names a function reads or writes that it does not bind itself (including those its
    /// nested functions need from further out): its free names, before resolution.
    static func freeNames(_ params: Params, _ body: [Stmt]) -> Set<String> {
        let decl = declarations(body)
        var bound = Set(params.allNames)
        for n in assignedNames(body) where !decl.globals.contains(n) && !decl.nonlocals.contains(n) { bound.insert(n) }
        var used = usedNames(body)
        used.formUnion(decl.nonlocals)
        // Defaults are evaluated outside, by the definer: not part of the body's needs.
        return used.subtracting(bound).subtracting(decl.globals)
    }

    /// Free names of functions and lambdas nested anywhere in these statements (not inside a
    /// further nested function: their needs are already in their parent's free names).
    static func capturedByNested(_ body: [Stmt]) -> Set<String> {
        var out = Set<String>()
        var w = Walker { kind in
            if case .nested(let names) = kind { out.formUnion(names) }
        }
        w.statements(body)
        return out
    }

    static func capturedByNested(_ exprs: [Expr]) -> Set<String> {
        var out = Set<String>()
        var w = Walker { kind in
            if case .nested(let names) = kind { out.formUnion(names) }
        }
        exprs.forEach { w.expr($0) }
        return out
    }

    /// Every name read, stored or deleted in the statements, plus the free names of nested
    /// functions; comprehension variables are taken out (they are the comprehension's own).
    static func usedNames(_ body: [Stmt]) -> Set<String> {
        var out = Set<String>()
        var w = Walker { kind in
            switch kind {
            case .name(let n): out.insert(n)
            case .nested(let names): out.formUnion(names)
            case .walrus: break
            }
        }
        w.statements(body)
        return out
    }

    enum Event {
        case name(String)
        /// The free names of a nested function or lambda (less the enclosing comprehensions' variables).
        case nested(Set<String>)
        /// A name an assignment expression binds (it is also reported as a name).
        case walrus(String)
    }

    /// Walks statements and expressions, reporting names and nested functions (whose bodies
    /// it does not enter). A comprehension's own variables are not reported from inside it.
    struct Walker {
        let report: (Event) -> Void
        var hidden: [Set<String>] = []

        init(_ report: @escaping (Event) -> Void) { self.report = report }

        mutating func function(_ p: Params, _ b: [Stmt]) {
            var free = ScopeAnalysis.freeNames(p, b)
            for h in hidden { free.subtract(h) }
            report(.nested(free))
        }

        mutating func name(_ n: String) {
            for h in hidden where h.contains(n) { return }
            report(.name(n))
        }

        mutating func statements(_ b: [Stmt]) { b.forEach { statement($0) } }

        mutating func statement(_ s: Stmt) {
            switch s.kind {
            case .expr(let e, _): expr(e)
            case .assign(let ts, let v): ts.forEach { expr($0) }; expr(v)
            case .augAssign(let t, _, let v): expr(t); expr(v)
            case .annAssign(let t, let v, let a): expr(t); if let v { expr(v) }; expr(a)
            case .ifStmt(let br, let o):
                for (c, b) in br { expr(c); statements(b) }
                if let o { statements(o) }
            case .whileStmt(let c, let b, let o): expr(c); statements(b); if let o { statements(o) }
            case .forStmt(let t, let it, let b, let o): expr(t); expr(it); statements(b); if let o { statements(o) }
            case .returnStmt(let v): if let v { expr(v) }
            case .def(let n, let p, let b):
                name(n)
                for d in p.positional + p.keywordOnly { if let dv = d.defaultValue { expr(dv) } }
                function(p, b)
            case .classDef(let n, let bases, let b):
                name(n)
                bases.forEach { expr($0.value) }
                function(Params(), b)
            case .decorated(let decorators, let inner):
                decorators.forEach { expr($0) }
                statement(inner)
            case .assert(let c, let m): expr(c); if let m { expr(m) }
            case .del(let ts): ts.forEach { expr($0) }
            case .raise(let v): if let v { expr(v) }
            case .tryStmt(let b, let hs, let o, let fin):
                statements(b)
                for h in hs { if let t = h.type { expr(t) }; if let n = h.name { name(n) }; statements(h.body) }
                if let o { statements(o) }
                if let fin { statements(fin) }
            case .withStmt(let items, let b):
                for (c, t) in items { expr(c); if let t { expr(t) } }
                statements(b)
            case .importStmt(let names, let isFrom):
                for (mod, alias) in names where !mod.hasSuffix("*") { name(BytecodeCompiler.importBinding(mod, alias, from: isFrom)) }
            case .breakStmt, .continueStmt, .pass, .global, .nonlocal: break
            }
        }

        mutating func expr(_ e: Expr) {
            switch e.kind {
            case .name(let n): name(n)
            case .int, .float, .string, .none, .true_, .false_, .ellipsis: break
            case .fstring(let parts):
                for p in parts { if case .expr(let x, _, _) = p { expr(x) } }
            case .list(let items), .tuple(let items), .set(let items): items.forEach { expr($0) }
            case .dict(let pairs): for (k, v) in pairs { if let k { expr(k) }; expr(v) }
            case .matrix(let rows): rows.forEach { $0.forEach { expr($0) } }
            case .unary(_, let x), .starred(let x), .yieldFrom(let x): expr(x)
            case .yield(let x): if let x { expr(x) }
            case .namedExpr(let n, let v):
                name(n)
                report(.walrus(n))
                expr(v)
            case .binary(_, let a, let b), .and(let a, let b), .or(let a, let b): expr(a); expr(b)
            case .compare(let a, let rest): expr(a); rest.forEach { expr($0.1) }
            case .ifExp(let c, let a, let b): expr(c); expr(a); expr(b)
            case .call(let f, let args):
                expr(f)
                args.forEach { expr($0.value) }
                // zero-argument super() reads the class from the method's __class__ cell
                if case .name("super") = f.kind, args.isEmpty { name("__class__") }
            case .attribute(let o, _): expr(o)
            case .subscript(let o, let items): expr(o); items.forEach { expr($0) }
            case .slice(let a, let b, let c): [a, b, c].forEach { if let x = $0 { expr(x) } }
            case .lambda(let p, let body):
                for d in p.positional + p.keywordOnly { if let dv = d.defaultValue { expr(dv) } }
                function(p, [Stmt(.returnStmt(body), body.loc, endLine: body.loc.line)])
            case .listComp(let elt, let comps), .setComp(let elt, let comps):
                comprehension(comps) { $0.expr(elt) }
            case .dictComp(let k, let v, let comps):
                comprehension(comps) { $0.expr(k); $0.expr(v) }
            }
        }

        mutating func comprehension(_ comps: [Comprehension], _ element: (inout Walker) -> Void) {
            // The first iterable is evaluated outside the comprehension.
            expr(comps[0].iter)
            var vars = Set<String>()
            func bind(_ e: Expr) {
                switch e.kind {
                case .name(let n): vars.insert(n)
                case .tuple(let items), .list(let items): items.forEach(bind)
                case .starred(let x): bind(x)
                default: break
                }
            }
            comps.forEach { bind($0.target) }
            hidden.append(vars)
            for (i, c) in comps.enumerated() {
                if i > 0 { expr(c.iter) }
                c.conditions.forEach { expr($0) }
            }
            element(&self)
            hidden.removeLast()
        }
    }
}
