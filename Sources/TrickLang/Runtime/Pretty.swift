/// Long values laid out on several lines: `pformat` as Python's `pprint` does it, and a config as
/// MMEngine's `Config.pretty_text` prints it.
extension Printer {
    /// Python's `pprint.pformat(v, width=80, sort_dicts=False)`: a value whose repr fits in the
    /// width stays on one line; a list, tuple or dict that does not puts one item a line, each
    /// aligned after the opening bracket, a dict's values after their `key: `. Dicts keep their
    /// insertion order (IPython shows them so; `pprint` would sort them). Long strings are not
    /// split. The REPL shows its `Out[n]` values this way.
    public static func pformat(_ v: Value, width: Int = 80) -> String {
        var seen = Set<ObjectIdentifier>()
        return pformat(v, indent: 0, allowance: 0, width: width, &seen)
    }

    static func pformat(_ v: Value, indent: Int, allowance: Int, width: Int, _ seen: inout Set<ObjectIdentifier>) -> String {
        let rep = repr(v, &seen)
        if rep.count <= width - indent - allowance { return rep }
        func items(_ open: String, _ close: String, _ xs: [Value], trailingComma: Bool) -> String {
            let inner = indent + open.count
            let parts = xs.enumerated().map { i, x in
                pformat(x, indent: inner, allowance: i == xs.count - 1 ? allowance + close.count : 1, width: width, &seen)
            }
            return open + parts.joined(separator: ",\n" + String(repeating: " ", count: inner)) + (trailingComma ? "," : "") + close
        }
        switch v {
        case .list(let l) where !l.items.isEmpty:
            let id = ObjectIdentifier(l)
            if seen.contains(id) { return rep }
            seen.insert(id); defer { seen.remove(id) }
            return items("[", "]", l.items, trailingComma: false)
        case .tuple(let t) where !t.isEmpty:
            return items("(", ")", t, trailingComma: t.count == 1)
        case .dict(let d) where d.count > 0:
            let id = ObjectIdentifier(d)
            if seen.contains(id) { return rep }
            seen.insert(id); defer { seen.remove(id) }
            let inner = indent + 1
            let pairs = d.pairs
            let parts = pairs.enumerated().map { i, kv -> String in
                let k = repr(kv.0, &seen) + ": "
                let a = i == pairs.count - 1 ? allowance + 1 : 1
                return k + pformat(kv.1, indent: inner + k.count, allowance: a, width: width, &seen)
            }
            return "{" + parts.joined(separator: ",\n" + String(repeating: " ", count: inner)) + "}"
        default:
            return rep
        }
    }

    /// MMEngine's `Config.pretty_text`: one `name = value` line per top-level key, dicts whose
    /// keys are all identifiers written as `dict(key=value, ...)`, and anything longer than 79
    /// columns broken after `dict(`, `[` or `(` with one item a line, four spaces deeper, the
    /// closing bracket after the last item (yapf's pep8 layout as MMEngine runs it; the line
    /// breaks can differ from yapf's in places).
    public static func prettyText(_ config: DictRef) -> String {
        var lines: [String] = []
        for (k, v) in config.pairs {
            let name = { if case .str(let s) = k { return s } else { return repr(k) } }()
            lines.append(name + " = " + configText(v, column: name.count + 3, depth: 0))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func isIdentifier(_ s: String) -> Bool {
        guard let f = s.first, f.isLetter || f == "_" else { return false }
        return s.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
    }

    /// The value as config source: flat when it fits in 79 columns from `column`, else broken.
    static func configText(_ v: Value, column: Int, depth: Int) -> String {
        let flat = configFlat(v)
        guard flat.count + column > 79, depth < 64 else { return flat }
        let pad = String(repeating: " ", count: 4 * (depth + 1))
        func broken(_ open: String, _ close: String, _ parts: [String]) -> String {
            open + "\n" + parts.map { pad + $0 }.joined(separator: ",\n") + close
        }
        switch v {
        case .dict(let d) where d.count > 0:
            let keyed = d.keys.allSatisfy { if case .str(let s) = $0 { return isIdentifier(s) } else { return false } }
            let parts = d.pairs.map { kv -> String in
                let head = keyed ? { if case .str(let s) = kv.0 { return s + "=" } else { return "" } }() : configFlat(kv.0) + ": "
                return head + configText(kv.1, column: pad.count + head.count, depth: depth + 1)
            }
            return keyed ? broken("dict(", ")", parts) : broken("{", "}", parts)
        case .list(let l) where !l.items.isEmpty:
            return broken("[", "]", l.items.map { configText($0, column: pad.count, depth: depth + 1) })
        case .tuple(let t) where t.count > 1:
            return broken("(", ")", t.map { configText($0, column: pad.count, depth: depth + 1) })
        default:
            return flat
        }
    }

    static func configFlat(_ v: Value, depth: Int = 0) -> String {
        if depth > 64 { return "..." }      // a dict that contains itself
        let configFlat = { (x: Value) in Printer.configFlat(x, depth: depth + 1) }
        switch v {
        case .dict(let d):
            let keyed = d.count > 0 && d.keys.allSatisfy { if case .str(let s) = $0 { return isIdentifier(s) } else { return false } }
            if keyed {
                return "dict(" + d.pairs.map { kv in
                    (({ if case .str(let s) = kv.0 { return s } else { return "" } })()) + "=" + configFlat(kv.1)
                }.joined(separator: ", ") + ")"
            }
            return "{" + d.pairs.map { configFlat($0.0) + ": " + configFlat($0.1) }.joined(separator: ", ") + "}"
        case .list(let l): return "[" + l.items.map(configFlat).joined(separator: ", ") + "]"
        case .tuple(let t):
            if t.count == 1 { return "(" + configFlat(t[0]) + ",)" }
            return "(" + t.map(configFlat).joined(separator: ", ") + ")"
        default: return repr(v)
        }
    }
}
