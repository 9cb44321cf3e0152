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

    /// Every representation of the value: the rich ones, then `text/plain` (its repr).
    public static func bundle(for v: Value) -> [(String, MimeData)] {
        var b = richBundle(for: v).filter { $0.0 != "text/plain" }
        b.append(("text/plain", .text(Printer.repr(v))))
        return b
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
