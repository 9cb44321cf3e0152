/// Python's `collections` (CPython 3.11): the dict subclasses `OrderedDict`, `defaultdict` and
/// `Counter` (dicts with a flavour, DictFlavors.swift), `deque` and `namedtuple`. Where trick
/// differs: a namedtuple instance is not a tuple to built-ins that want one (`isinstance(p,
/// tuple)` is True, `p == (1, 2)`, unpacking, indexing and iteration work; a built-in taking a
/// tuple argument wants `tuple(p)`), and it cannot be a dict key or set element.
public enum Collections {
    static func register(_ lib: Library, _ interp: Interpreter) {
        let m = Modules.std("collections", in: lib)
        func newDict(_ args: [Value], _ kwargs: [(String, Value)]) throws -> DictRef {
            guard case .builtin(let dict)? = lib.globals["dict"], case .dict(let d) = try dict.call(Arguments(args, keywords: kwargs)) else {
                throw RuntimeError("dict() is missing")
            }
            return d
        }
        let od = BuiltinFunction("OrderedDict(*args, **kwargs)", doc: "collections.OrderedDict: a dict with move_to_end and popitem(last=); two compare equal only in the same order.") { a in
            .dict(DictFlavor.make(.orderedDict, try newDict(a.varargs, a.kwargs)))
        }
        let dd = BuiltinFunction("defaultdict(*args, **kwargs)", doc: "collections.defaultdict(default_factory, ...): a missing key is set to default_factory() and returned.") { a in
            let factory = a.varargs.first ?? .none
            switch factory {
            case .none, .builtin, .function: break
            case .object(let o) where o.callable != nil: break
            default: throw RuntimeError("first argument must be callable or None", kind: "TypeError")
            }
            return .dict(DictFlavor.make(.defaultDict, try newDict(Array(a.varargs.dropFirst()), a.kwargs), defaultFactory: factory))
        }
        let counter = BuiltinFunction("Counter(*args, **kwargs)", doc: "collections.Counter: counts of hashable items; most_common, update/subtract, elements, total, + - | &.") { [unowned interp] a in
            guard a.varargs.count <= 1 else { throw RuntimeError("expected at most 1 argument, got \(a.varargs.count)", kind: "TypeError") }
            let d = DictFlavor.make(.counter)
            try d.flavor!.count(interp, into: d, a.varargs.first ?? .none, sign: 1)
            for (k, v) in a.kwargs { try d.set(.str(k), try Ops.add(try d.get(.str(k)) ?? .int(0), v)) }
            return .dict(d)
        }
        let deque = BuiltinFunction("deque(iterable=(), maxlen=None)", doc: "collections.deque: append/appendleft/pop/popleft/extend/rotate; with maxlen, adding drops from the other end.") { [unowned interp] a in
            let maxlen = try a.optionalInt("maxlen")
            if let n = maxlen, n < 0 { throw RuntimeError("maxlen must be non-negative", kind: "ValueError") }
            return makeDeque(try interp.iterate(a["iterable"]), maxlen: maxlen, interp)
        }
        let nt = BuiltinFunction("namedtuple(typename, field_names, *, rename=False, defaults=None, module=None)", doc: "collections.namedtuple: a tuple type with named fields, _asdict, _replace, _make and _fields.") { [unowned interp] a in
            try namedTuple(a, interp)
        }
        for f in [od, dd, counter, deque, nt] { m.set(f.name, .builtin(f)) }
    }

    // MARK: deque

    final class DequeState { var items: [Value]; let maxlen: Int?; init(_ i: [Value], _ m: Int?) { items = i; maxlen = m } }

    static func makeDeque(_ initial: [Value], maxlen: Int?, _ interp: Interpreter) -> Value {
        let s = DequeState([], maxlen)
        let o = BuiltObject(typeName: "deque", payload: s)
        func sync() { o.truthy = !s.items.isEmpty }
        func append(_ v: Value, left: Bool) {
            if let n = s.maxlen {
                if n == 0 { return }
                if s.items.count >= n { if left { s.items.removeLast() } else { s.items.removeFirst() } }
            }
            if left { s.items.insert(v, at: 0) } else { s.items.append(v) }
        }
        for v in initial { append(v, left: false) }
        sync()
        o.set("maxlen", maxlen.map { .int($0) } ?? .none)
        o.setter = { name, _ in throw RuntimeError("attribute '\(name)' of 'collections.deque' objects is not writable", kind: "AttributeError") }
        o.repr = {
            "deque([" + s.items.map(Printer.repr).joined(separator: ", ") + "]" + (s.maxlen.map { ", maxlen=\($0)" } ?? "") + ")"
        }
        func index(_ v: Value) throws -> Int {
            guard case .int(let i) = v else {
                if case .bool(let b) = v { return try index(.int(b ? 1 : 0)) }
                throw RuntimeError("sequence index must be integer, not '\(v.typeName)'", kind: "TypeError")
            }
            let j = i < 0 ? i + s.items.count : i
            guard j >= 0 && j < s.items.count else { throw RuntimeError("deque index out of range", kind: "IndexError") }
            return j
        }
        o.method("append(x)") { a in append(a["x"], left: false); sync(); return .none }
        o.method("appendleft(x)") { a in append(a["x"], left: true); sync(); return .none }
        o.method("extend(iterable)") { [unowned interp] a in for v in try interp.iterate(a["iterable"]) { append(v, left: false) }; sync(); return .none }
        o.method("extendleft(iterable)") { [unowned interp] a in for v in try interp.iterate(a["iterable"]) { append(v, left: true) }; sync(); return .none }
        for (name, left) in [("pop", false), ("popleft", true)] {
            o.method("\(name)()") { _ in
                guard !s.items.isEmpty else { throw RuntimeError("pop from an empty deque", kind: "IndexError") }
                defer { sync() }
                return left ? s.items.removeFirst() : s.items.removeLast()
            }
        }
        o.method("rotate(n=1)") { a in
            let c = s.items.count
            guard c > 1 else { return .none }
            let k = ((try a.int("n") % c) + c) % c
            s.items = Array(s.items[(c - k)...] + s.items[..<(c - k)])
            return .none
        }
        o.method("clear()") { _ in s.items.removeAll(); sync(); return .none }
        o.method("copy()") { [unowned interp] _ in makeDeque(s.items, maxlen: s.maxlen, interp) }
        o.method("__copy__()") { [unowned interp] _ in makeDeque(s.items, maxlen: s.maxlen, interp) }
        o.method("count(x)") { a in .int(s.items.filter { Ops.equal($0, a["x"]) }.count) }
        o.method("index(x, start=0, stop=None)") { a in
            let lo = Swift.max(0, try a.int("start")), hi = Swift.min(s.items.count, try a.optionalInt("stop") ?? s.items.count)
            if lo < hi, let i = s.items[lo..<hi].firstIndex(where: { Ops.equal($0, a["x"]) }) { return .int(i) }
            throw RuntimeError("\(Printer.repr(a["x"])) is not in deque", kind: "ValueError")
        }
        o.method("insert(i, x)") { a in
            if let n = s.maxlen, s.items.count >= n { throw RuntimeError("deque already at its maximum size", kind: "IndexError") }
            var i = try a.int("i")
            if i < 0 { i += s.items.count }
            s.items.insert(a["x"], at: Swift.min(Swift.max(i, 0), s.items.count))
            sync()
            return .none
        }
        o.method("remove(value)") { a in
            guard let i = s.items.firstIndex(where: { Ops.equal($0, a["value"]) }) else {
                throw RuntimeError("deque.remove(x): x not in deque", kind: "ValueError")
            }
            s.items.remove(at: i); sync()
            return .none
        }
        o.method("reverse()") { _ in s.items.reverse(); return .none }
        o.method("__len__()") { _ in .int(s.items.count) }
        o.method("__iter__()") { _ in .list(ListRef(s.items)) }
        o.method("__contains__(x)") { a in .bool(s.items.contains { Ops.equal($0, a["x"]) }) }
        o.method("__getitem__(i)") { a in s.items[try index(a["i"])] }
        o.method("__setitem__(i, v)") { a in s.items[try index(a["i"])] = a["v"]; return .none }
        o.method("__delitem__(i)") { a in s.items.remove(at: try index(a["i"])); sync(); return .none }
        o.method("__eq__(other)") { a in
            guard case .object(let p) = a["other"], let t = p.payload as? DequeState else { return .bool(false) }
            return .bool(Ops.equal(.list(ListRef(s.items)), .list(ListRef(t.items))))
        }
        o.method("__ne__(other)") { a in .bool(!(try o.special("__eq__")!.call(Arguments([a["other"]])).truthy())) }
        o.method("__add__(other)") { [unowned interp] a in
            guard case .object(let p) = a["other"], let t = p.payload as? DequeState else {
                throw RuntimeError("can only concatenate deque (not \"\(a["other"].typeName)\") to deque", kind: "TypeError")
            }
            return makeDeque(s.items + t.items, maxlen: s.maxlen, interp)
        }
        return .object(o)
    }

    // MARK: namedtuple

    /// The field values of a namedtuple instance.
    final class NamedTupleValues { let values: [Value]; init(_ v: [Value]) { values = v } }

    /// A tuple's items, or a namedtuple's.
    public static func tupleItems(_ v: Value) -> [Value]? {
        if case .tuple(let t) = v { return t }
        if case .object(let o) = v, let n = o.payload as? NamedTupleValues { return n.values }
        return nil
    }

    static let keywords = Set(Keyword.all)

    static func isIdentifier(_ s: String) -> Bool {
        guard let f = s.first, f == "_" || f.isLetter else { return false }
        return s.allSatisfy { $0 == "_" || $0.isLetter || $0.isNumber }
    }

    /// How a namedtuple-like instance prints: `P(x=1, y=2)`, or torch's return types,
    /// `torch.return_types.topk(\nvalues=tensor(...),\nindices=tensor(...))`.
    public struct NamedTupleRepr {
        public var prefix: String
        public var separator: String
        public init(prefix: String, separator: String = "") { self.prefix = prefix; self.separator = separator }
    }

    /// An instance of a namedtuple type: attributes per field, tuple behaviour (len, iteration,
    /// indexing, comparison with tuples); `remake` builds another instance of the same type (`_replace`).
    public static func namedTupleInstance(_ typename: String, fields: [String], values: [Value], repr: NamedTupleRepr? = nil,
                                          remake: @escaping ([Value]) -> Value) -> Value {
        let repr = repr ?? NamedTupleRepr(prefix: typename)
        let o = BuiltObject(typeName: typename, payload: NamedTupleValues(values))
        for (f, v) in zip(fields, values) { o.set(f, v) }
        o.set("_fields", .tuple(fields.map { .str($0) }))
        o.truthy = !values.isEmpty
        o.setter = { _, _ in throw RuntimeError("can't set attribute", kind: "AttributeError") }
        o.repr = {
            let items = zip(fields, values).map { "\($0)=" + Printer.repr($1) }
            return repr.prefix + "(" + repr.separator + items.joined(separator: repr.separator.isEmpty ? ", " : "," + repr.separator) + ")"
        }
        o.method("_asdict()") { _ in .dict(zip(fields, values).map { ($0, $1) }) }
        o.method("_replace(**kwargs)") { b in
            var vs = values
            var unknown: [String] = []
            for (k, v) in b.kwargs { if let i = fields.firstIndex(of: k) { vs[i] = v } else { unknown.append(k) } }
            if !unknown.isEmpty { throw RuntimeError("Got unexpected field names: \(Printer.repr(.list(ListRef(unknown.map { .str($0) }))))", kind: "ValueError") }
            return remake(vs)
        }
        o.method("count(value)") { b in .int(values.filter { Ops.equal($0, b["value"]) }.count) }
        o.method("index(value)") { b in
            guard let i = values.firstIndex(where: { Ops.equal($0, b["value"]) }) else { throw RuntimeError("tuple.index(x): x not in tuple", kind: "ValueError") }
            return .int(i)
        }
        o.method("__len__()") { _ in .int(values.count) }
        o.method("__iter__()") { _ in .tuple(values) }
        o.method("__contains__(x)") { b in .bool(values.contains { Ops.equal($0, b["x"]) }) }
        o.method("__getitem__(i)") { b in
            if case .slice(let x, let y, let z) = b["i"] {
                return .tuple(Interpreter.sliceIndices(x, y, z, count: values.count).map { values[$0] })
            }
            return values[try Interpreter.normalizeIndex(try Convert.int(b["i"], what: "tuple index"), values.count, "tuple")]
        }
        o.method("__add__(other)") { b in try Ops.add(.tuple(values), tupleItems(b["other"]).map(Value.tuple) ?? b["other"]) }
        o.method("__radd__(other)") { b in try Ops.add(tupleItems(b["other"]).map(Value.tuple) ?? b["other"], .tuple(values)) }
        for op in [Comparison.eq, .ne, .lt, .le, .gt, .ge] {
            let name = op.dunders!.0
            o.method("\(name)(other)") { b in
                guard let other = tupleItems(b["other"]) else {
                    if op == .eq || op == .ne { return .bool(op == .ne) }
                    throw RuntimeError("'\(op.symbol)' not supported between instances of '\(typename)' and '\(b["other"].typeName)'", kind: "TypeError")
                }
                return try Ops.compare(op, .tuple(values), .tuple(other))
            }
        }
        o.method("__copy__()") { _ in .object(o) }
        return .object(o)
    }

    static func namedTuple(_ a: Bound, _ interp: Interpreter) throws -> Value {
        let typename = try a.string("typename")
        var fields: [String]
        switch a["field_names"] {
        case .str(let s): fields = s.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
        default: fields = try interp.iterate(a["field_names"]).map { v in
            guard case .str(let s) = v else { throw RuntimeError("Type names and field names must be strings", kind: "TypeError") }
            return s
        }
        }
        let renamed = try a.bool("rename")
        if renamed {
            var seen = Set<String>()
            for (i, f) in fields.enumerated() {
                if !isIdentifier(f) || keywords.contains(f) || f.hasPrefix("_") || seen.contains(f) { fields[i] = "_\(i)" }
                seen.insert(fields[i])
            }
        }
        for name in [typename] + fields {
            guard isIdentifier(name) else { throw RuntimeError("Type names and field names must be valid identifiers: \(Printer.repr(.str(name)))", kind: "ValueError") }
            guard !keywords.contains(name) else { throw RuntimeError("Type names and field names cannot be a keyword: \(Printer.repr(.str(name)))", kind: "ValueError") }
        }
        var seen = Set<String>()
        for f in fields {
            if f.hasPrefix("_") && !renamed { throw RuntimeError("Field names cannot start with an underscore: \(Printer.repr(.str(f)))", kind: "ValueError") }
            if !seen.insert(f).inserted { throw RuntimeError("Encountered duplicate field name: \(Printer.repr(.str(f)))", kind: "ValueError") }
        }
        let defaults = a.has("defaults") ? try interp.iterate(a["defaults"]) : []
        guard defaults.count <= fields.count else { throw RuntimeError("Got more default values than field names", kind: "TypeError") }
        let fieldDefaults = DictRef()
        for (f, d) in zip(fields.suffix(defaults.count), defaults) { fieldDefaults[str: f] = d }

        let cls = BuiltObject(typeName: "type")
        cls.repr = { "<class '__main__.\(typename)'>" }
        cls.set("__name__", .str(typename))
        cls.set("_fields", .tuple(fields.map { .str($0) }))
        cls.set("_field_defaults", .dict(fieldDefaults))

        func instance(_ values: [Value]) -> Value {
            namedTupleInstance(typename, fields: fields, values: values) { vs in instance(vs) }
        }

        func make(_ args: [Value], _ kwargs: [(String, Value)]) throws -> Value {
            let n = fields.count
            guard args.count <= n else {
                throw RuntimeError("\(typename).__new__() takes \(n + 1) positional argument\(n == 0 ? "" : "s") but \(args.count + 1) were given", kind: "TypeError")
            }
            var values: [Value?] = args + Array(repeating: nil, count: n - args.count)
            for (k, v) in kwargs {
                guard let i = fields.firstIndex(of: k) else {
                    throw RuntimeError("\(typename).__new__() got an unexpected keyword argument '\(k)'", kind: "TypeError")
                }
                if values[i] != nil { throw RuntimeError("\(typename).__new__() got multiple values for argument '\(k)'", kind: "TypeError") }
                values[i] = v
            }
            for (i, f) in fields.enumerated() where values[i] == nil { values[i] = fieldDefaults[str: f] }
            let missing = fields.indices.filter { values[$0] == nil }.map { "'\(fields[$0])'" }
            if !missing.isEmpty {
                let list = missing.count == 1 ? missing[0] : missing.dropLast().joined(separator: ", ") + (missing.count > 2 ? "," : "") + " and " + missing.last!
                throw RuntimeError("\(typename).__new__() missing \(missing.count) required positional argument\(missing.count == 1 ? "" : "s"): \(list)", kind: "TypeError")
            }
            return instance(values.map { $0! })
        }
        cls.callable = BuiltinFunction(raw: "\(typename)(\(fields.joined(separator: ", ")))", doc: "namedtuple \(typename)") { args in
            try make(args.positional, args.keywords)
        }
        cls.method("_make(iterable)") { [unowned interp] b in try make(try interp.iterate(b["iterable"]), []) }
        return .object(cls)
    }
}
