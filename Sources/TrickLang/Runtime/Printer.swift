import TrickCore

/// `repr` and `str` of values, as Python prints them; tensors as torch prints them.
public enum Printer {
    public static func repr(_ v: Value) -> String {
        var seen = Set<ObjectIdentifier>()
        return repr(v, &seen)
    }

    public static func str(_ v: Value) -> String {
        switch v {
        case .str(let s): return s
        case .int(let i): return decimal(i)
        case .object(let o): if let f = o.str { return f() }
        case .tensor(let ref): if ref.tensor.isNumpy { return NumpyFormatter.str(ref.tensor) }   // print(arr): numpy's str
        default: break
        }
        return repr(v)
    }

    /// An int in decimal, written digit by digit into the string's own buffer (Swift's
    /// `String(Int)` goes through the generic description machinery, ~10× slower).
    static func decimal(_ i: Int) -> String {
        if i == Int.min { return String(i) }
        let length = decimalLength(i)
        if let s = SmallString.make(count: length, { writeDecimal(i, length, $0) }) { return s }
        return String(unsafeUninitializedCapacity: length) { buffer in
            writeDecimal(i, length, buffer.baseAddress!)
            return length
        }
    }

    /// How many characters `decimal(i)` has (i > Int.min).
    @inline(__always)
    static func decimalLength(_ i: Int) -> Int {
        var t = i.magnitude
        var digits = 1
        while t >= 10_000 { t /= 10_000; digits += 4 }
        if t >= 100 { digits += t >= 1000 ? 3 : 2 } else if t >= 10 { digits += 1 }
        return digits + (i < 0 ? 1 : 0)
    }

    /// Writes `decimal(i)`, `length` bytes (from `decimalLength`), at `out`: two digits a step.
    @inline(__always)
    static func writeDecimal(_ i: Int, _ length: Int, _ out: UnsafeMutablePointer<UInt8>) {
        var m = i.magnitude
        var k = length
        while m >= 100 {
            let q = m / 100, r = m &- q &* 100
            k -= 2
            out[k] = UInt8(truncatingIfNeeded: r / 10) &+ 48
            out[k + 1] = UInt8(truncatingIfNeeded: r % 10) &+ 48
            m = q
        }
        if m >= 10 {
            out[k - 2] = UInt8(truncatingIfNeeded: m / 10) &+ 48
            out[k - 1] = UInt8(truncatingIfNeeded: m % 10) &+ 48
        } else {
            out[k - 1] = UInt8(truncatingIfNeeded: m) &+ 48
        }
        if i < 0 { out[0] = 45 }   // "-"
    }

    static func repr(_ v: Value, _ seen: inout Set<ObjectIdentifier>) -> String {
        switch v {
        case .none: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return decimal(i)
        case .float(let d): return formatFloat(d)
        case .str(let s): return quote(s)
        case .list(let l):
            let id = ObjectIdentifier(l)
            if seen.contains(id) { return "[...]" }
            seen.insert(id); defer { seen.remove(id) }
            return "[" + l.items.map { repr($0, &seen) }.joined(separator: ", ") + "]"
        case .tuple(let t):
            if t.count == 1 { return "(" + repr(t[0], &seen) + ",)" }
            return "(" + t.map { repr($0, &seen) }.joined(separator: ", ") + ")"
        case .dict(let d):
            let id = ObjectIdentifier(d)
            if seen.contains(id) { return "{...}" }
            seen.insert(id); defer { seen.remove(id) }
            if let fl = d.flavor { return fl.repr(d) { repr($0, &seen) } }
            return "{" + d.pairs.map { repr($0.0, &seen) + ": " + repr($0.1, &seen) }.joined(separator: ", ") + "}"
        case .set(let s):
            if s.count == 0 { return "set()" }
            let id = ObjectIdentifier(s)
            if seen.contains(id) { return "{...}" }
            seen.insert(id); defer { seen.remove(id) }
            return "{" + s.items.map { repr($0, &seen) }.joined(separator: ", ") + "}"
        case .tensor(let ref): return ref.tensor.isNumpy ? NumpyFormatter.repr(ref.tensor) : TensorFormatter.format(ref.tensor)
        case .function(let f): return "<function \(f.code.name)>"
        case .builtin(let b):
            // the built-in types and exception classes print as Python's classes do
            if classNames.contains(b.name) || ExceptionKinds.parent[b.name] != nil { return "<class '\(b.name)'>" }
            return "<built-in function \(b.name)>"
        case .object(let o):
            if let r = o.repr { return r() }
            let id = ObjectIdentifier(o)
            if seen.contains(id) { return "\(o.typeName)(...)" }
            seen.insert(id); defer { seen.remove(id) }
            return o.typeName + "(" + o.attributeOrder.map { "\($0)=" + repr(o.attributes[$0] ?? .none, &seen) }.joined(separator: ", ") + ")"
        case .range(let a, let b, let s): return s == 1 ? "range(\(a), \(b))" : "range(\(a), \(b), \(s))"
        case .slice(let a, let b, let c):
            func f(_ x: Int?) -> String { x.map(String.init) ?? "None" }
            return "slice(\(f(a)), \(f(b)), \(f(c)))"
        }
    }

    static let classNames: Set<String> = ["int", "float", "str", "list", "dict", "set", "frozenset", "tuple", "bool", "object", "Exception", "BaseException"]

    /// Python's float repr: shortest round-trip digits, always with a '.' or exponent.
    public static func formatFloat(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d > 0 ? "inf" : "-inf" }
        if d == d.rounded(), abs(d) < 1e16 {
            return String(Int64(d)) + ".0" == "0.0" && d.sign == .minus ? "-0.0" : String(Int64(d)) + ".0"
        }
        var s = "\(d)"  // Swift prints the shortest round-trip form
        // Swift writes 1e-05 as "1e-05"; Python too. Swift writes large values as "1.5e+16"; Python likewise.
        if s.contains("e") {
            // Python pads exponents to two digits: 1e-05, 1.5e+16.
            let parts = s.split(separator: "e")
            var mant = String(parts[0]), exp = String(parts[1])
            if mant.hasSuffix(".0") { mant.removeLast(2) }
            let sign = exp.hasPrefix("-") ? "-" : "+"
            exp = String(exp.drop { $0 == "-" || $0 == "+" })
            if exp.count < 2 { exp = "0" + exp }
            s = mant + "e" + sign + exp
        }
        return s
    }

    public static func quote(_ s: String) -> String {
        let q: Character = s.contains("'") && !s.contains("\"") ? "\"" : "'"
        var out = String(q)
        // by code point, as Python's repr: a "\r\n" is two escapes, other control characters \xNN
        let quoteScalar = q.unicodeScalars.first!
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case quoteScalar: out += "\\" + String(q)
            default:
                if c.value < 0x20 || (0x7F...0xA0).contains(c.value) || c.value == 0xAD {
                    out += "\\x" + (c.value < 0x10 ? "0" : "") + String(c.value, radix: 16)
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        out.append(q)
        return out
    }
}

