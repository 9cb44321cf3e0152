/// Python's `copy`: `copy(x)` (shallow) and `deepcopy(x)`, as CPython 3.11 for the values trick
/// has. Containers are new (a dict keeps its collections flavour, a defaultdict its factory);
/// `deepcopy` copies every container once, so shared references stay shared and a list that
/// contains itself is copied into one that contains itself. Numbers, strings, tuples of
/// immutables, functions and modules are returned as they are; a tensor is copied (a new tensor
/// with the same values, as torch's `copy.deepcopy`). A built-in object is
/// copied through its `__copy__`/`__deepcopy__` methods (deque, namedtuple, …); one without them
/// is a TypeError, never a silent alias (`copy.deepcopy(model)` must not share weights).
enum Copy {
    static func register(_ lib: Library, _ interp: Interpreter) {
        let m = Modules.std("copy", in: lib)
        m.method("copy(x)", doc: "copy.copy: a shallow copy (a new container holding the same items).") { a in try shallow(a["x"]) }
        m.method("deepcopy(x, memo=None)", doc: "copy.deepcopy: a copy of the container and, recursively, of everything in it.") { a in
            var memo: [ObjectIdentifier: Value] = [:]
            return try deep(a["x"], &memo, depth: 0)
        }
    }

    static func uncopyable(_ o: BuiltObject, _ fn: String) -> RuntimeError {
        RuntimeError("copy.\(fn)(): trick cannot copy a '\(o.typeName)' object (a built-in with internal state and no __\(fn)__); build a new one instead", kind: "TypeError")
    }

    static func flavoured(_ d: DictRef, _ pairs: [(Value, Value)]) throws -> DictRef {
        let c = try DictRef(pairs)
        if let f = d.flavor { c.flavor = DictFlavor(f.kind, defaultFactory: f.defaultFactory) }
        return c
    }

    static func shallow(_ v: Value) throws -> Value {
        switch v {
        case .list(let l): return .list(ListRef(l.items))
        case .dict(let d): return .dict(try flavoured(d, d.pairs))
        case .set(let s): return .set(s.copy())
        case .tensor(let r): return .tensor(r.tensor)
        case .object(let o):
            if let c = o.special("__copy__") { return try c.call(Arguments()) }
            if o.typeName == "module" || o.typeName == "type" || o.payload is PyIterator { return v }
            throw uncopyable(o, "copy")
        default: return v
        }
    }

    static func deep(_ v: Value, _ memo: inout [ObjectIdentifier: Value], depth: Int) throws -> Value {
        guard depth < 1000 else { throw RuntimeError("maximum recursion depth exceeded while calling a Python object", kind: "RecursionError") }
        switch v {
        case .list(let l):
            if let c = memo[ObjectIdentifier(l)] { return c }
            let c = ListRef()
            memo[ObjectIdentifier(l)] = .list(c)
            for x in l.items { c.items.append(try deep(x, &memo, depth: depth + 1)) }
            return .list(c)
        case .dict(let d):
            if let c = memo[ObjectIdentifier(d)] { return c }
            let c = try flavoured(d, [])
            memo[ObjectIdentifier(d)] = .dict(c)
            c.flavor?.defaultFactory = d.flavor?.defaultFactory ?? .none
            for (k, x) in d.pairs { try c.set(try deep(k, &memo, depth: depth + 1), try deep(x, &memo, depth: depth + 1)) }
            return .dict(c)
        case .set(let s):
            if let c = memo[ObjectIdentifier(s)] { return c }
            let c = try SetRef(try s.items.map { try deep($0, &memo, depth: depth + 1) })
            memo[ObjectIdentifier(s)] = .set(c)
            return .set(c)
        case .tuple(let t): return .tuple(try t.map { try deep($0, &memo, depth: depth + 1) })
        case .tensor(let r):
            if let c = memo[ObjectIdentifier(r)] { return c }
            let c = Value.tensor(r.tensor)
            memo[ObjectIdentifier(r)] = c
            return c
        case .object(let o):
            if let c = memo[ObjectIdentifier(o)] { return c }
            let c: Value
            if let d = o.special("__deepcopy__") {
                c = try d.call(Arguments([.dict(DictRef())]))
            } else if let s = o.payload as? Collections.DequeState, let copy = o.methods["copy"], case .object(let n) = try copy.call(Arguments()),
                      let t = n.payload as? Collections.DequeState {
                t.items = try s.items.map { try deep($0, &memo, depth: depth + 1) }
                c = .object(n)
            } else if let nt = o.payload as? Collections.NamedTupleValues, let make = o.methods["_replace"] {
                var fields: [String] = []
                if case .tuple(let fs)? = o.attributes["_fields"] { for case .str(let f) in fs { fields.append(f) } }
                let values = try nt.values.map { try deep($0, &memo, depth: depth + 1) }
                c = try make.call(Arguments([], keywords: Array(zip(fields, values))))
            } else if o.typeName == "module" || o.typeName == "type" {
                c = v
            } else {
                throw uncopyable(o, "deepcopy")
            }
            memo[ObjectIdentifier(o)] = c
            return c
        default: return v
        }
    }
}
