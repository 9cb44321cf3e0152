/// A small JSON reader for file headers (.safetensors): objects, arrays, strings (with escapes),
/// numbers, true / false / null. The numeric core does not import Foundation.
public enum HeaderJSON {
    indirect enum Node {
        case object([(String, Node)]), array([Node]), string(String), number(Double), bool(Bool), null

        var ints: [Int]? {
            guard case .array(let a) = self else { return nil }
            var out: [Int] = []
            for x in a { guard case .number(let d) = x, d == d.rounded(), Swift.abs(d) < 9e15 else { return nil }; out.append(Int(d)) }
            return out
        }
        var string: String? { if case .string(let s) = self { return s } else { return nil } }
        subscript(_ key: String) -> Node? {
            guard case .object(let o) = self else { return nil }
            return o.first { $0.0 == key }?.1
        }
    }

    static func parse(_ bytes: ArraySlice<UInt8>) throws -> Node {
        var p = bytes.startIndex
        let end = bytes.endIndex
        func fail() -> CoreError { CoreError("malformed JSON in the file header at byte \(p - bytes.startIndex)") }
        func skip() { while p < end, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[p]) { p += 1 } }
        func string() throws -> String {
            p += 1
            var out: [UInt8] = []
            while p < end, bytes[p] != 0x22 {
                if bytes[p] == 0x5C {
                    p += 1
                    guard p < end else { throw fail() }
                    switch bytes[p] {
                    case 0x6E: out.append(0x0A)
                    case 0x74: out.append(0x09)
                    case 0x72: out.append(0x0D)
                    case 0x62: out.append(0x08)
                    case 0x66: out.append(0x0C)
                    case 0x75:
                        guard p + 4 < end, let u = UInt32(String(decoding: bytes[(p + 1)...(p + 4)], as: UTF8.self), radix: 16) else { throw fail() }
                        out += Array(String(Character(Unicode.Scalar(u) ?? "?")).utf8)
                        p += 4
                    default: out.append(bytes[p])
                    }
                } else {
                    out.append(bytes[p])
                }
                p += 1
            }
            guard p < end else { throw fail() }
            p += 1
            return String(decoding: out, as: UTF8.self)
        }
        func value() throws -> Node {
            skip()
            guard p < end else { throw fail() }
            switch bytes[p] {
            case 0x7B:
                p += 1
                var items: [(String, Node)] = []
                skip()
                if p < end, bytes[p] == 0x7D { p += 1; return .object(items) }
                while true {
                    skip()
                    guard p < end, bytes[p] == 0x22 else { throw fail() }
                    let k = try string()
                    skip()
                    guard p < end, bytes[p] == 0x3A else { throw fail() }
                    p += 1
                    items.append((k, try value()))
                    skip()
                    guard p < end else { throw fail() }
                    if bytes[p] == 0x2C { p += 1; continue }
                    guard bytes[p] == 0x7D else { throw fail() }
                    p += 1
                    return .object(items)
                }
            case 0x5B:
                p += 1
                var items: [Node] = []
                skip()
                if p < end, bytes[p] == 0x5D { p += 1; return .array(items) }
                while true {
                    items.append(try value())
                    skip()
                    guard p < end else { throw fail() }
                    if bytes[p] == 0x2C { p += 1; continue }
                    guard bytes[p] == 0x5D else { throw fail() }
                    p += 1
                    return .array(items)
                }
            case 0x22: return .string(try string())
            default:
                let start = p
                while p < end, !",]} \t\n\r".utf8.contains(bytes[p]) { p += 1 }
                let word = String(decoding: bytes[start..<p], as: UTF8.self)
                switch word {
                case "true": return .bool(true)
                case "false": return .bool(false)
                case "null": return .null
                default:
                    guard let d = Double(word) else { throw fail() }
                    return .number(d)
                }
            }
        }
        let v = try value()
        skip()
        guard p == end else { throw fail() }
        return v
    }

    /// `s` as a JSON string literal, escaped as Python's `json.dumps` escapes it (`\b`, `\f`, other
    /// controls as `\u00XX`; with `ascii`, everything above `~` as `\uXXXX`, surrogate pairs beyond
    /// the BMP): the `json` module's, the config dumper's and the Jupyter kernel's.
    public static func quoted(_ s: String, ascii: Bool = false) -> String {
        func hex(_ v: UInt32) -> String { let h = String(v, radix: 16); return "\\u" + String(repeating: "0", count: 4 - h.count) + h }
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{8}": out += "\\b"
            case "\u{c}": out += "\\f"
            default:
                if u.value < 0x20 || (ascii && u.value > 0x7e) {
                    if u.value > 0xFFFF {
                        let v = u.value - 0x10000
                        out += hex(0xD800 + (v >> 10)) + hex(0xDC00 + (v & 0x3FF))
                    } else { out += hex(u.value) }
                } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}
