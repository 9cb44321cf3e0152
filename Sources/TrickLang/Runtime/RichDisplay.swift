/// Values that can show themselves as more than text — pictures as PNG, charts as SVG — offer a
/// MIME bundle, as IPython's `_repr_mimebundle_` does. A front end that can show rich output
/// (the Jupyter kernel) asks for it; everywhere else the value prints as its repr.
///
/// The hook: a built object whose `payload` conforms to `MimeRepresentable` offers the payload's
/// bundle (e.g. a picture's payload returns `image/png` bytes). `text/plain` (the repr) is
/// always added, so every bundle has a plain-text fallback.
public enum MimeData: Equatable, Sendable {
    case text(String)
    /// Binary data (PNG bytes); the kernel base64-encodes it, as Jupyter requires.
    case binary([UInt8])
}

public protocol MimeRepresentable {
    /// The representations, richest first, as (MIME type, data) pairs.
    func mimeBundle() -> [(String, MimeData)]
}

public enum RichDisplay {
    /// The value's rich representations (empty for values that only have text).
    public static func richBundle(for v: Value) -> [(String, MimeData)] {
        if case .object(let o) = v, let m = o.payload as? MimeRepresentable { return m.mimeBundle() }
        return []
    }

    /// Every representation of the value: the rich ones, then `text/plain` (its repr). A list of
    /// dicts (param groups, a results table) also comes as an HTML table.
    public static func bundle(for v: Value) -> [(String, MimeData)] {
        var b = richBundle(for: v).filter { $0.0 != "text/plain" }
        if b.isEmpty, let html = htmlTable(v) { b.append(("text/html", .text(html))) }
        b.append(("text/plain", .text(Printer.repr(v))))
        return b
    }

    /// Rows shown in an HTML table before "… more rows".
    public static let maxTableRows = 200

    /// A list (or tuple) of dicts with string keys as a table: one column per key, in order of
    /// first appearance, one row per dict; nil for anything else.
    public static func htmlTable(_ v: Value) -> String? {
        let items: [Value]
        switch v {
        case .list(let l): items = l.items
        case .tuple(let t): items = t
        default: return nil
        }
        guard !items.isEmpty else { return nil }
        var rows: [DictRef] = []
        var columns: [String] = [], seen = Set<String>()
        for item in items {
            guard case .dict(let d) = item else { return nil }
            for k in d.keys {
                guard case .str(let name) = k else { return nil }
                if seen.insert(name).inserted { columns.append(name) }
            }
            rows.append(d)
        }
        func escape(_ s: String) -> String {
            var out = ""
            for c in s {
                switch c {
                case "&": out += "&amp;"
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                case "\"": out += "&quot;"
                default: out.append(c)
                }
            }
            return out
        }
        var html = "<table>\n<thead><tr><th></th>" + columns.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
        for (i, d) in rows.prefix(maxTableRows).enumerated() {
            html += "<tr><th>\(i)</th>"
            for c in columns {
                // strings bare, as pandas shows them; everything else as its repr
                var cell = d[str: c].map { if case .str(let s) = $0 { return s } else { return Printer.repr($0) } } ?? ""
                if cell.count > 200 { cell = String(cell.prefix(197)) + "..." }
                html += "<td>\(escape(cell))</td>"
            }
            html += "</tr>\n"
        }
        if rows.count > maxTableRows {
            html += "<tr><td colspan=\"\(columns.count + 1)\">… \(rows.count - maxTableRows) more rows</td></tr>\n"
        }
        return html + "</tbody>\n</table>"
    }
}

enum DisplayBuiltins {
    static func register(into lib: Library, interpreter interp: Interpreter) {
        lib.function("display(*objs)", doc: """
            Shows each value as rich output where the front end can (a chart as SVG, a picture as PNG in \
            Jupyter), else prints its repr, as IPython's `display`.
            """) { [unowned interp] a in
            for v in a.varargs {
                if let show = interp.display { show(v) } else { try interp.emit(Printer.repr(v) + "\n") }
            }
            return .none
        }
    }
}
