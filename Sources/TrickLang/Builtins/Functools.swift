/// Python's `functools` (CPython 3.11): `partial`, `reduce`, `lru_cache`/`cache` (also on methods:
/// the cache binds as a method does, keyed with `self`), `cmp_to_key`, `wraps`/`update_wrapper`
/// (a function wrapper takes the wrapped one's `__module__`, `__name__`, `__qualname__`, `__doc__`,
/// its attributes, and `__wrapped__`) and `total_ordering`. Where trick differs: `total_ordering`
/// returns its argument, and a wrapper that is not a trick function is returned unchanged.
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
        m.method("wraps(wrapped, assigned=None, updated=None)", doc: "functools.wraps: a decorator that makes its function look like `wrapped` (update_wrapper).") { [unowned interp] a in
            let wrapped = a["wrapped"]
            return .builtin(BuiltinFunction("decorator(wrapper)") { b in try updateWrapper(b["wrapper"], wrapped, interp) })
        }
        m.method("update_wrapper(wrapper, wrapped, assigned=None, updated=None)", doc: "functools.update_wrapper: copies __module__, __name__, __qualname__, __doc__ and the attributes of `wrapped` onto the wrapper function, and sets __wrapped__.") { [unowned interp] a in
            try updateWrapper(a["wrapper"], a["wrapped"], interp)
        }
        m.method("total_ordering(cls)") { a in a["cls"] }
    }

    /// `update_wrapper(wrapper, wrapped)` for a wrapper written in trick (CPython's WRAPPER_ASSIGNMENTS
    /// and WRAPPER_UPDATES).
    static func updateWrapper(_ wrapper: Value, _ wrapped: Value, _ interp: Interpreter) throws -> Value {
        guard case .function(let f) = wrapper else { return wrapper }
        for name in ["__module__", "__name__", "__qualname__", "__doc__"] {
            if let v = try? interp.getAttribute(wrapped, name) { f.attributes[name] = v }
        }
        if case .function(let inner) = wrapped { for (k, v) in inner.attributes where !k.hasPrefix("__") { f.attributes[k] = v } }
        f.attributes["__wrapped__"] = wrapped
        return wrapper
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
        // in a class body it binds as a method (`self` becomes part of the key), as CPython's
        if let call = o.callable { o.payload = MethodWrapper(.function, .builtin(call)) }
        return .object(o)
    }
}
