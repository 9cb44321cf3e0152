/// The dict subclasses of Python's `collections`: `OrderedDict`, `defaultdict` and `Counter`.
/// Each is a real trick dict (a `DictRef` with a flavour), so everything a dict does — subscripts,
/// `in`, `len`, iteration, `**` unpacking, JSON, passing it to a built-in that takes a dict — works
/// unchanged, as in CPython where they subclass `dict`. The flavour adds what the subclass adds:
/// its repr (CPython 3.11's), its methods, what a missing key does (`__missing__`) and its
/// operators. A plain `dict(x)` of one is a plain dict again, as in Python.
public final class DictFlavor {
    public enum Kind: String { case orderedDict = "OrderedDict", defaultDict = "defaultdict", counter = "Counter", config = "Config" }
    public let kind: Kind
    /// `defaultdict.default_factory` (None: a missing key is a KeyError).
    public var defaultFactory: Value = .none
    /// MMEngine `Config.filename` (the path given to `Config.fromfile`; None for `Config(dict)`).
    public var path: Value = .none

    public init(_ kind: Kind, defaultFactory: Value = .none) {
        self.kind = kind
        self.defaultFactory = defaultFactory
    }

    public var name: String { kind.rawValue }

    static func make(_ kind: Kind, _ d: DictRef = DictRef(), defaultFactory: Value = .none) -> DictRef {
        d.flavor = DictFlavor(kind, defaultFactory: defaultFactory)
        return d
    }

    /// A copy of the dict with the same flavour (`od.copy()`, `copy.copy(counter)`).
    func copy(_ d: DictRef) -> DictRef {
        let c = d.copy()
        c.flavor = DictFlavor(kind, defaultFactory: defaultFactory)
        c.flavor?.path = path
        return c
    }

    static let methodNames: [Kind: [String]] = [
        .orderedDict: ["move_to_end", "popitem", "copy"],
        .defaultDict: ["copy"],
        .counter: ["most_common", "elements", "update", "subtract", "total", "copy"],
        .config: ["merge_from_dict", "copy"],
    ]

    var methods: [String] { DictFlavor.methodNames[kind] ?? [] }

    // MARK: repr

    /// CPython 3.11: `OrderedDict([('a', 1)])`, `defaultdict(<class 'list'>, {...})`,
    /// `Counter({'a': 2, 'b': 1})` (most common first).
    func repr(_ d: DictRef, _ item: (Value) -> String) -> String {
        func plain() -> String { "{" + d.pairs.map { item($0.0) + ": " + item($0.1) }.joined(separator: ", ") + "}" }
        switch kind {
        case .orderedDict:
            if d.count == 0 { return "OrderedDict()" }
            return "OrderedDict([" + d.pairs.map { "(" + item($0.0) + ", " + item($0.1) + ")" }.joined(separator: ", ") + "])"
        case .defaultDict:
            return "defaultdict(" + DictFlavor.classRepr(defaultFactory, item) + ", " + plain() + ")"
        case .config:
            return "Config (path: " + Printer.str(path) + "): " + plain()
        case .counter:
            if d.count == 0 { return "Counter()" }
            let pairs = (try? mostCommon(d)) ?? d.pairs
            return "Counter({" + pairs.map { item($0.0) + ": " + item($0.1) }.joined(separator: ", ") + "})"
        }
    }

    /// How Python prints a class used as a factory: `<class 'int'>`.
    static func classRepr(_ v: Value, _ item: (Value) -> String) -> String {
        if case .builtin(let b) = v {
            if ["int", "float", "str", "list", "dict", "set", "tuple", "bool", "frozenset"].contains(b.name) { return "<class '\(b.name)'>" }
            if ["OrderedDict", "defaultdict", "Counter", "deque"].contains(b.name) { return "<class 'collections.\(b.name)'>" }
        }
        return item(v)
    }

    // MARK: missing keys

    /// `__missing__`: defaultdict inserts and returns `default_factory()`, Counter returns 0
    /// without inserting; nil means a KeyError.
    func missing(_ interp: Interpreter, _ d: DictRef, _ key: Value) throws -> Value? {
        switch kind {
        case .defaultDict:
            if defaultFactory.isNone { return nil }
            let v = try interp.call(defaultFactory, Arguments())
            try d.set(key, v)
            return v
        case .counter: return .int(0)
        case .orderedDict, .config: return nil
        }
    }

    // MARK: attributes and methods

    func attribute(_ interp: Interpreter, _ d: DictRef, _ name: String) -> Value? {
        if kind == .defaultDict && name == "default_factory" { return defaultFactory }
        if kind == .config && name == "filename" { return path }
        if kind == .config && name == "_cfg_dict" { return .dict(d.copy()) }   // the plain dict under the Config
        guard methods.contains(name) else { return nil }
        return .builtin(BuiltinFunction(raw: "\(name)(*args, **kwargs)") { [unowned interp] args in
            try self.call(interp, d, name, args)
        })
    }

    /// `dd.default_factory = list`; false when the name is not the flavour's.
    func setAttribute(_ name: String, _ v: Value) -> Bool {
        guard kind == .defaultDict && name == "default_factory" else { return false }
        defaultFactory = v
        return true
    }

    func call(_ interp: Interpreter, _ d: DictRef, _ name: String, _ args: Arguments) throws -> Value {
        let sig: String
        switch (kind, name) {
        case (.orderedDict, "move_to_end"): sig = "move_to_end(key, last=True)"
        case (.orderedDict, "popitem"): sig = "popitem(last=True)"
        case (.counter, "most_common"): sig = "most_common(n=None)"
        case (.counter, "update"), (.counter, "subtract"): sig = "\(name)(iterable=None, **kwds)"
        case (.config, "merge_from_dict"): sig = "merge_from_dict(options, allow_list_keys=True)"
        default: sig = "\(name)()"
        }
        let a = try BuiltinFunction(sig) { _ in .none }.bind(args)
        switch (kind, name) {
        case (_, "copy"): return .dict(copy(d))
        case (.orderedDict, "move_to_end"):
            let key = a["key"]
            guard let v = try d.get(key) else { throw RuntimeError(Printer.repr(key), kind: "KeyError") }
            try d.remove(key)
            if try a.bool("last") { try d.set(key, v); return .none }
            let rest = d.pairs
            d.removeAll()
            try d.set(key, v)
            for (k, x) in rest { try d.set(k, x) }
            return .none
        case (.orderedDict, "popitem"):
            guard d.count > 0 else { throw RuntimeError("dictionary is empty", kind: "KeyError") }
            let k = try a.bool("last") ? d.keys.last! : d.keys.first!
            let v = try d.remove(k)!
            return .tuple([k, v])
        case (.counter, "most_common"):
            var pairs = try mostCommon(d)
            if a.has("n") { pairs = Array(pairs.prefix(Swift.max(0, try a.int("n")))) }
            return .list(ListRef(pairs.map { .tuple([$0.0, $0.1]) }))
        case (.counter, "elements"):
            var out: [Value] = []
            for (k, v) in d.pairs { if case .int(let n) = v, n > 0 { out += Array(repeating: k, count: n) } }
            return .list(ListRef(out))
        case (.counter, "total"):
            var t: Value = .int(0)
            for v in d.values { t = try Ops.add(t, v) }
            return t
        case (.config, "merge_from_dict"):
            try ConfigFiles.mergeFromDict(try a.dict("options"), into: d, allowListKeys: try a.bool("allow_list_keys"))
            return .none
        case (.counter, "update"), (.counter, "subtract"):
            try count(interp, into: d, a["iterable"], sign: name == "update" ? 1 : -1)
            for (k, v) in a.kwargs { try bump(d, .str(k), v, sign: name == "update" ? 1 : -1) }
            return .none
        default:
            throw RuntimeError("'\(self.name)' object has no attribute '\(name)'", kind: "AttributeError")
        }
    }

    // MARK: Counter

    /// Items by count, highest first; ties keep insertion order (Python's sorted is stable).
    func mostCommon(_ d: DictRef) throws -> [(Value, Value)] {
        let pairs = d.pairs
        let order = Methods.mergeSort(Array(pairs.indices)) { i, j in (try? Ops.less(pairs[j].1, pairs[i].1)) ?? false }
        return order.map { pairs[$0] }
    }

    private func bump(_ d: DictRef, _ key: Value, _ n: Value, sign: Int) throws {
        let cur = try d.get(key) ?? .int(0)
        try d.set(key, sign > 0 ? try Ops.add(cur, n) : try Ops.sub(cur, n))
    }

    /// `Counter.update(x)`: a mapping adds its counts, any other iterable counts its items.
    func count(_ interp: Interpreter, into d: DictRef, _ source: Value, sign: Int) throws {
        switch source {
        case .none: return
        case .dict(let m): for (k, v) in m.pairs { try bump(d, k, v, sign: sign) }
        default: for k in try interp.iterate(source) { try bump(d, k, .int(1), sign: sign) }
        }
    }

    // MARK: operators

    /// Counter's `+ - | &` (results keep positive counts only), as CPython; nil for other flavours.
    static func binary(_ op: String, _ a: Value, _ b: Value) throws -> Value? {
        guard case .dict(let x) = a, case .dict(let y) = b, x.flavor?.kind == .counter, y.flavor?.kind == .counter else { return nil }
        let out = make(.counter)
        switch op {
        case "+", "-":
            for (k, v) in x.pairs {
                let w = try y.get(k) ?? .int(0)
                let r = op == "+" ? try Ops.add(v, w) : try Ops.sub(v, w)
                if try Ops.less(.int(0), r) { try out.set(k, r) }
            }
            for (k, w) in y.pairs where try x.get(k) == nil {
                let r = op == "+" ? w : try Ops.sub(.int(0), w)
                if try Ops.less(.int(0), r) { try out.set(k, r) }
            }
        case "|", "&":
            for (k, v) in x.pairs {
                let w = try y.get(k) ?? .int(0)
                let r = op == "|" ? (try Ops.less(v, w) ? w : v) : (try Ops.less(v, w) ? v : w)
                if try Ops.less(.int(0), r) { try out.set(k, r) }
            }
            if op == "|" { for (k, w) in y.pairs where try x.get(k) == nil { if try Ops.less(.int(0), w) { try out.set(k, w) } } }
        default: return nil
        }
        return .dict(out)
    }

    /// `==` where a flavour changes it: two OrderedDicts compare in order; Counters treat a
    /// missing key as zero (Python 3.10+). Nil: plain dict equality.
    static func equal(_ x: DictRef, _ y: DictRef) -> Bool? {
        if x.flavor?.kind == .orderedDict && y.flavor?.kind == .orderedDict {
            return x.count == y.count && zip(x.pairs, y.pairs).allSatisfy { Ops.equal($0.0, $1.0) && Ops.equal($0.1, $1.1) }
        }
        if x.flavor?.kind == .counter && y.flavor?.kind == .counter {
            for (p, q) in [(x, y), (y, x)] {
                for (k, v) in p.pairs where !Ops.equal(v, (try? q.get(k)) ?? .int(0)) { return false }
            }
            return true
        }
        return nil
    }
}
