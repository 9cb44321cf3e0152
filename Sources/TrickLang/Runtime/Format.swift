#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Python's format-spec mini-language (`f'{x:.4f}'`, `'{:>8}'.format(s)`) and `%` formatting.
enum Format {
    /// printf of one double with a C format such as "%.4f".
    static func cFormat(_ fmt: String, _ d: Double) -> String { cFormat(fmt, d as CVarArg) }
    static func cFormat(_ fmt: String, _ i: Int) -> String { cFormat(fmt, i as CVarArg) }

    /// `vsnprintf` of one argument, into a buffer as long as the result needs (a `%200d` is 200
    /// characters; the width itself is bounded by `maxWidth` where the spec is read).
    private static func cFormat(_ fmt: String, _ arg: CVarArg) -> String {
        var buf = [CChar](repeating: 0, count: 128)
        let n = withVaList([arg]) { vsnprintf(&buf, buf.count, fmt, $0) }
        if n >= buf.count {
            buf = [CChar](repeating: 0, count: Int(n) + 1)
            _ = withVaList([arg]) { vsnprintf(&buf, buf.count, fmt, $0) }
        }
        return String(cString: buf)
    }

    /// Largest width, precision or padding a format or `str.ljust`-like method produces.
    static let maxWidth = 100_000_000

    /// Applies a format spec to a value.
    static func format(_ v: Value, spec: String) throws -> String {
        if case .object(let o) = v, let f = o.special("__format__") {
            let r = try f.call(Arguments([.str(spec)]))
            guard case .str(let s) = r else { throw RuntimeError("__format__ must return a str, not \(r.typeName)", kind: "TypeError") }
            return s
        }
        if spec.isEmpty { return Printer.str(v) }
        var s = Array(spec)
        var fill: Character = " ", align: Character?
        if s.count >= 2, "<>^=".contains(s[1]) { fill = s[0]; align = s[1]; s.removeFirst(2) }
        else if let f = s.first, "<>^=".contains(f) { align = f; s.removeFirst() }
        var sign: Character = "-"
        if let f = s.first, "+- ".contains(f) { sign = f; s.removeFirst() }
        var alt = false
        if s.first == "#" { alt = true; s.removeFirst() }
        if s.first == "0" { if align == nil { fill = "0"; align = "=" }; s.removeFirst() }
        // ASCII digits only, and a bound: a width of 10**12 would be a terabyte string.
        func number(_ what: String) throws -> Int {
            var n = 0
            while let f = s.first, f.isASCII, let d = f.wholeNumberValue {
                n = n * 10 + d
                guard n <= Format.maxWidth else {
                    throw RuntimeError("format \(what) too large in '\(spec)' (at most \(Format.maxWidth))", kind: "ValueError")
                }
                s.removeFirst()
            }
            return n
        }
        let width = try number("width")
        var grouping: Character?
        if let f = s.first, f == "," || f == "_" { grouping = f; s.removeFirst() }
        var precision: Int?
        if s.first == "." {
            s.removeFirst()
            precision = try number("precision")
        }
        let type: Character? = s.first
        if s.count > 1 { throw RuntimeError("invalid format specifier '\(spec)'", kind: "ValueError") }
        _ = alt

        var body: String
        var negative = false
        var numeric = true
        switch v {
        case .int(let i) where type == nil || "dnbxXoc".contains(type!):
            negative = i < 0
            let m = i.magnitude
            switch type {
            case "b": body = String(m, radix: 2)
            case "x": body = String(m, radix: 16)
            case "X": body = String(m, radix: 16).uppercased()
            case "o": body = String(m, radix: 8)
            case "c": body = String(Character(Unicode.Scalar(UInt32(m)) ?? " ")); numeric = false
            default: body = String(m)
            }
        case .bool(let b) where type == nil:
            body = b ? "True" : "False"; numeric = false
        case .int, .float, .bool, .tensor:
            guard let d = Convert.double(v) else { throw RuntimeError("cannot format \(v.typeName) with '\(spec)'", kind: "TypeError") }
            negative = d < 0 || (d == 0 && d.sign == .minus)
            let m = Swift.abs(d)
            switch type {
            case "f", "F": body = cFormat("%.\(precision ?? 6)f", m)
            case "e", "E":
                body = cFormat("%.\(precision ?? 6)e", m)
                if type == "E" { body = body.uppercased() }
            case "g", "G":
                body = cFormat("%.\(precision ?? 6)g", m)
            case "%": body = cFormat("%.\(precision ?? 6)f", m * 100) + "%"
            case "d":
                guard d == d.rounded() else { throw RuntimeError("unknown format code 'd' for object of type 'float'", kind: "ValueError") }
                body = String(Int(m))
            case nil:
                if let p = precision {
                    body = cFormat("%.\(p)g", m)
                } else {
                    body = Printer.formatFloat(m)
                }
            default:
                throw RuntimeError("unknown format code '\(type!)' for a number", kind: "ValueError")
            }
            if m.isNaN { body = "nan"; negative = false }
            if m.isInfinite { body = "inf" }
        default:
            numeric = false
            body = Printer.str(v)
            if let p = precision { body = String(body.prefix(p)) }
            if let t = type, t != "s" { throw RuntimeError("unknown format code '\(t)' for object of type '\(v.typeName)'", kind: "ValueError") }
        }
        if let g = grouping, numeric {
            var intPart = body, rest = ""
            if let dot = body.firstIndex(where: { $0 == "." || $0 == "e" }) { intPart = String(body[..<dot]); rest = String(body[dot...]) }
            if intPart.allSatisfy(\.isNumber) {
                var out = ""
                for (i, c) in intPart.reversed().enumerated() {
                    if i > 0 && i % 3 == 0 { out.append(g) }
                    out.append(c)
                }
                body = String(out.reversed()) + rest
            }
        }
        var signStr = ""
        if numeric {
            if negative { signStr = "-" } else if sign == "+" { signStr = "+" } else if sign == " " { signStr = " " }
        }
        let total = signStr.count + body.count
        if total >= width { return signStr + body }
        let pad = width - total
        let a = align ?? (numeric ? ">" : "<")
        switch a {
        case "<": return signStr + body + String(repeating: fill, count: pad)
        case "^":
            let left = pad / 2
            return String(repeating: fill, count: left) + signStr + body + String(repeating: fill, count: pad - left)
        case "=": return signStr + String(repeating: fill, count: pad) + body
        default: return String(repeating: fill, count: pad) + signStr + body
        }
    }

    /// `'%d items, %.3f' % (n, x)`.
    static func percent(_ fmt: String, _ arg: Value) throws -> String {
        var args: [Value]
        if case .tuple(let t) = arg { args = t } else { args = [arg] }
        var out = ""
        let s = Array(fmt)
        var i = 0, ai = 0
        while i < s.count {
            let c = s[i]
            if c != "%" { out.append(c); i += 1; continue }
            i += 1
            guard i < s.count else { throw RuntimeError("incomplete format", kind: "ValueError") }
            if s[i] == "%" { out.append("%"); i += 1; continue }
            var spec = ""
            while i < s.count, "-+ 0#.123456789".contains(s[i]) { spec.append(s[i]); i += 1 }
            // a width or precision as `format`'s: bounded (a %10000000000d would be 10 GB)
            for n in spec.split(whereSeparator: { !$0.isNumber }) where Int(n).map({ $0 > Format.maxWidth }) ?? true {
                throw RuntimeError("format width or precision too large in '%\(spec)' (at most \(Format.maxWidth))", kind: "ValueError")
            }
            guard i < s.count else { throw RuntimeError("incomplete format", kind: "ValueError") }
            let conv = s[i]
            i += 1
            guard ai < args.count else { throw RuntimeError("not enough arguments for format string", kind: "TypeError") }
            let a = args[ai]
            ai += 1
            switch conv {
            case "s": out += Printer.str(a)
            case "r": out += Printer.repr(a)
            case "d", "i":
                // an int as it is (through a Double it lost digits above 2^53, and 2^63 − 1 trapped);
                // a float truncated toward zero, as Python's int(x)
                let n: Int
                switch a {
                case .int(let v): n = v
                case .bool(let b): n = b ? 1 : 0
                default:
                    guard let d = Convert.double(a) else { throw RuntimeError("%d format: a number is required, not \(a.typeName)", kind: "TypeError") }
                    guard let v = Int(exactly: d.rounded(.towardZero)) else {
                        throw RuntimeError(d.isNaN ? "cannot convert float NaN to integer" : "%d format: \(Printer.str(a)) is out of trick's int range", kind: d.isNaN ? "ValueError" : "OverflowError")
                    }
                    n = v
                }
                out += cFormat("%" + spec + "ld", n)
            case "f", "e", "g", "E", "G", "F":
                guard let d = Convert.double(a) else { throw RuntimeError("%\(conv) format: a number is required, not \(a.typeName)", kind: "TypeError") }
                out += cFormat("%" + spec + String(conv), d)
            default: throw RuntimeError("unsupported format character '\(conv)'", kind: "ValueError")
            }
        }
        if ai < args.count { throw RuntimeError("not all arguments converted during string formatting", kind: "TypeError") }
        return out
    }
}
