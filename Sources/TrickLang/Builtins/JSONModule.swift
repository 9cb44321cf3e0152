import TrickCore

/// Python's `json.dumps`/`json.loads` (CPython 3.11's encoder): `indent` (a number of spaces or
/// a string; 0 and "" put items on lines with no indent), `separators`, `sort_keys`,
/// `ensure_ascii` (on by default: non-ASCII as `\uXXXX`, with surrogate pairs),
/// `allow_nan`, `skipkeys` and `default` for values JSON has no form for. Tuples and
/// namedtuples are arrays, the collections dicts are objects; keys that are numbers, bools or
/// None become strings as Python writes them. Parsing is JSON.parse (objects → dicts).
enum JSONModule {
    struct Options {
        var indent: String?
        var itemSep = ", ", keySep = ": "
        var sortKeys = false, ensureASCII = true, allowNaN = true, skipKeys = false
        var defaultFn: Value = .none
    }

    static func register(_ lib: Library, _ interp: Interpreter) {
        let m = Modules.std("json", in: lib)
        let dumps = BuiltinFunction("dumps(obj, *, skipkeys=False, ensure_ascii=True, check_circular=True, allow_nan=True, cls=None, indent=None, separators=None, default=None, sort_keys=False)",
                                    doc: "json.dumps as CPython: indent=, separators=, sort_keys=, ensure_ascii=, default=.") { [unowned interp] a in
            var o = Options()
            switch a["indent"] {
            case .none: break
            case .str(let s): o.indent = s
            default: o.indent = String(repeating: " ", count: Swift.max(0, try a.int("indent")))
            }
            if o.indent != nil { o.itemSep = "," }
            if a.has("separators") {
                let seps = try a.sequence("separators")
                guard seps.count == 2, case .str(let i) = seps[0], case .str(let k) = seps[1] else {
                    throw RuntimeError("separators must be an (item_separator, key_separator) pair of str", kind: "TypeError")
                }
                (o.itemSep, o.keySep) = (i, k)
            }
            o.sortKeys = try a.bool("sort_keys")
            o.ensureASCII = try a.bool("ensure_ascii")
            o.allowNaN = try a.bool("allow_nan")
            o.skipKeys = try a.bool("skipkeys")
            o.defaultFn = a["default"]
            var out = ""
            var stack = Set<ObjectIdentifier>()
            try encode(a["obj"], o, interp, level: 0, into: &out, &stack)
            return .str(out)
        }
        let loads = BuiltinFunction("loads(s)", doc: "json.loads: objects become dicts, arrays lists, numbers int or float.") { a in
            try JSON.parse(try a.string("s"))
        }
        m.set("dumps", .builtin(dumps))
        m.set("loads", .builtin(loads))
    }

    static func float(_ d: Double, _ o: Options) throws -> String {
        guard d.isFinite else {
            guard o.allowNaN else { throw RuntimeError("Out of range float values are not JSON compliant", kind: "ValueError") }
            return d.isNaN ? "NaN" : (d > 0 ? "Infinity" : "-Infinity")
        }
        return Printer.formatFloat(d)
    }

    static func encode(_ v: Value, _ o: Options, _ interp: Interpreter, level: Int, into out: inout String, _ stack: inout Set<ObjectIdentifier>) throws {
        func newline(_ l: Int) -> String { o.indent.map { "\n" + String(repeating: $0, count: l) } ?? "" }
        func items(_ open: String, _ close: String, _ id: ObjectIdentifier?, _ n: Int, _ each: (Int, inout String) throws -> Void) throws {
            if let id {
                guard stack.insert(id).inserted else { throw RuntimeError("Circular reference detected", kind: "ValueError") }
            }
            defer { if let id { stack.remove(id) } }
            if n == 0 { out += open + close; return }
            out += open
            for i in 0..<n {
                out += i == 0 ? newline(level + 1) : o.itemSep + newline(level + 1)
                try each(i, &out)
            }
            out += newline(level) + close
        }
        switch v {
        case .none: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .float(let d): out += try float(d, o)
        case .str(let s): out += HeaderJSON.quoted(s, ascii: o.ensureASCII)
        case .list(let l):
            let xs = l.items
            try items("[", "]", ObjectIdentifier(l), xs.count) { i, s in try encode(xs[i], o, interp, level: level + 1, into: &s, &stack) }
        case .tuple(let xs):
            try items("[", "]", nil, xs.count) { i, s in try encode(xs[i], o, interp, level: level + 1, into: &s, &stack) }
        case .dict(let d):
            var pairs: [(String, Value)] = []
            for (k, x) in d.pairs {
                switch k {
                case .str(let s): pairs.append((s, x))
                case .int(let i): pairs.append((String(i), x))
                case .float(let f): pairs.append((try float(f, o), x))
                case .bool(let b): pairs.append((b ? "true" : "false", x))
                case .none: pairs.append(("null", x))
                default:
                    if o.skipKeys { continue }
                    throw RuntimeError("keys must be str, int, float, bool or None, not \(k.typeName)", kind: "TypeError")
                }
            }
            if o.sortKeys {
                // CPython sorts the original keys; for the str keys configs use it is the same order.
                let order = Methods.mergeSort(Array(pairs.indices)) { pairs[$0].0.unicodeScalars.lexicographicallyPrecedes(pairs[$1].0.unicodeScalars) }
                pairs = order.map { pairs[$0] }
            }
            try items("{", "}", ObjectIdentifier(d), pairs.count) { i, s in
                s += HeaderJSON.quoted(pairs[i].0, ascii: o.ensureASCII) + o.keySep
                try encode(pairs[i].1, o, interp, level: level + 1, into: &s, &stack)
            }
        default:
            if let xs = Collections.tupleItems(v) {
                try encode(.tuple(xs), o, interp, level: level, into: &out, &stack)
                return
            }
            guard !o.defaultFn.isNone else {
                throw RuntimeError("Object of type \(v.typeName) is not JSON serializable", kind: "TypeError")
            }
            try encode(try interp.call(o.defaultFn, Arguments([v])), o, interp, level: level, into: &out, &stack)
        }
    }
}
