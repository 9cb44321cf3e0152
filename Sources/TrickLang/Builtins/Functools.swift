/// Python's `functools` (CPython 3.11): `partial`, `reduce`, `lru_cache`/`cache`, `cmp_to_key`,
/// `wraps`/`update_wrapper` and `total_ordering`. Until trick has decorators and classes, the
/// decorator ones are called directly: `f = lru_cache(maxsize=None)(f)` caches `f` (a recursive
/// `f` reaches the cache through its global name, as in Python). Where trick differs: `wraps`
/// and `update_wrapper` return the wrapper unchanged (a function's `__name__` and `__doc__`
/// cannot be reassigned yet), and `total_ordering` returns its argument.
enum Functools {
    static func register(_ lib: Library, _ interp: Interpreter) {
        let m = Modules.std("functools", in: lib)
        m.method("partial(func, *args, **keywords)", doc: "functools.partial: func with some arguments fixed; later keywords override.") { [unowned interp] a in
            let f = a["func"], fixed = a.varargs, kw = a.kwargs
            switch f {
            case .function, .builtin: break
            case .object(let o) where o.callable != nil: break
            default: throw RuntimeError("the first argument must be callable", kind: "TypeError")
            }
            let o = BuiltObject(typeName: "functools.partial", attributes: [("func", f), ("args", .tuple(fixed)), ("keywords", .dict(kw))])
            o.repr = {
                "functools.partial(" + ([Printer.repr(f)] + fixed.map(Printer.repr) + kw.map { "\($0)=" + Printer.repr($1) }).joined(separator: ", ") + ")"
            }
            o.callable = BuiltinFunction(raw: "partial(*args, **keywords)") { [unowned interp] call in
                var keywords = kw.filter { k in !call.keywords.contains { $0.0 == k.0 } }
                keywords += call.keywords
                return try interp.call(f, Arguments(fixed + call.positional, keywords: keywords))
            }
            return .object(o)
        }
        m.method("reduce(function, iterable, *initial)", doc: "functools.reduce: function(function(initial, x0), x1)…") { [unowned interp] a in
            guard a.varargs.count <= 1 else { throw RuntimeError("reduce expected at most 3 arguments, got \(a.varargs.count + 2)", kind: "TypeError") }
            var items = try interp.iterate(a["iterable"])[...]
            guard var acc = a.varargs.first ?? items.popFirst() else {
                throw RuntimeError("reduce() of empty iterable with no initial value", kind: "TypeError")
            }
            for x in items { acc = try interp.call(a["function"], Arguments([acc, x])) }
            return acc
        }
        m.method("lru_cache(maxsize=128, typed=False)", doc: "functools.lru_cache: lru_cache(maxsize)(f) or lru_cache(f) — results cached by arguments, least recently used dropped past maxsize.") { [unowned interp] a in
            switch a["maxsize"] {
            case .function, .builtin, .object: return try cached(a["maxsize"], maxsize: 128, interp)
            case .none: break
            case .int: break
            default: throw RuntimeError("Expected first argument to be an integer, a callable, or None", kind: "TypeError")
            }
            let maxsize = try a.optionalInt("maxsize").map { Swift.max(0, $0) }
            return .builtin(BuiltinFunction("decorating_function(user_function)") { [unowned interp] b in
                try cached(b["user_function"], maxsize: maxsize, interp)
            })
        }
        m.method("cache(user_function)", doc: "functools.cache: lru_cache(maxsize=None).") { [unowned interp] a in
            try cached(a["user_function"], maxsize: nil, interp)
        }
        m.method("cmp_to_key(mycmp)", doc: "functools.cmp_to_key: a key for sorted() from an old-style cmp(a, b) function.") { [unowned interp] a in
            let cmp = a["mycmp"]
            return .builtin(BuiltinFunction("K(obj)") { b in
                let o = BuiltObject(typeName: "functools.KeyWrapper", attributes: [("obj", b["obj"])])
                for op in [Comparison.lt, .gt, .eq, .ne, .le, .ge] {
                    let name = op.dunders!.0
                    o.method("\(name)(other)") { [unowned interp] c in
                        guard case .object(let p) = c["other"], let other = p.attributes["obj"] else {
                            throw RuntimeError("other argument must be K instance", kind: "TypeError")
                        }
                        return try Ops.compare(op, try interp.call(cmp, Arguments([b["obj"], other])), .int(0))
                    }
                }
                return .object(o)
            })
        }
        m.method("wraps(wrapped, assigned=None, updated=None)", doc: "functools.wraps: returns the wrapper as it is (trick cannot copy __name__/__doc__ onto a function yet).") { _ in
            .builtin(BuiltinFunction("decorator(wrapper)") { b in b["wrapper"] })
        }
        m.method("update_wrapper(wrapper, wrapped, assigned=None, updated=None)") { a in a["wrapper"] }
        m.method("total_ordering(cls)") { a in a["cls"] }
    }

    /// The cache object of `lru_cache`: callable, with `cache_info()`, `cache_clear()` and
    /// `__wrapped__`. Keys are the positional arguments then the keyword pairs, as CPython's
    /// `_make_key` (so `f(1, b=2)` and `f(1, 2)` are different entries).
    static func cached(_ f: Value, maxsize: Int?, _ interp: Interpreter) throws -> Value {
        let store = DictRef()
        var hits = 0, misses = 0
        let o = BuiltObject(typeName: "functools._lru_cache_wrapper", attributes: [("__wrapped__", f)])
        o.repr = { "<functools._lru_cache_wrapper object>" }
        o.callable = BuiltinFunction(raw: "wrapper(*args, **kwargs)") { [unowned interp] args in
            var parts = args.positional
            if !args.keywords.isEmpty { parts.append(.str("\u{1}kwd_mark")); for (k, v) in args.keywords { parts += [.str(k), v] } }
            let key = Value.tuple(parts)
            if maxsize != 0, let v = try store.get(key) {
                hits += 1
                if maxsize != nil { try store.remove(key); try store.set(key, v) }   // most recently used last
                return v
            }
            misses += 1
            let v = try interp.call(f, args)
            guard maxsize != 0 else { return v }
            try store.set(key, v)
            if let n = maxsize, store.count > n { try store.remove(store.keys[0]) }
            return v
        }
        o.method("cache_info()") { _ in
            let fields: [(String, Value)] = [("hits", .int(hits)), ("misses", .int(misses)), ("maxsize", maxsize.map { .int($0) } ?? .none), ("currsize", .int(store.count))]
            let info = BuiltObject(typeName: "CacheInfo", attributes: fields)
            info.repr = { "CacheInfo(" + fields.map { "\($0)=\(Printer.repr($1))" }.joined(separator: ", ") + ")" }
            return .object(info)
        }
        o.method("cache_clear()") { _ in store.removeAll(); hits = 0; misses = 0; return .none }
        return .object(o)
    }
}
