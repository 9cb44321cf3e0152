import TrickCore

/// Methods of the built-in containers and strings, with Python's names and behaviour.
enum Methods {
    static let listMethods = MethodName.list.map(\.rawValue)
    static let dictMethods = MethodName.dict.map(\.rawValue)
    static let strMethods = MethodName.str.map(\.rawValue)
    static let tupleMethods = MethodName.tuple.map(\.rawValue)

    static func names(for v: Value) -> [String] {
        switch v {
        case .list: return listMethods
        case .dict: return dictMethods
        case .str: return strMethods
        case .tuple: return tupleMethods
        case .set: return SetOps.methods
        default: return []
        }
    }

    static func argc(_ name: String, _ args: Arguments, _ range: ClosedRange<Int>) throws {
        guard range.contains(args.positional.count) else {
            throw RuntimeError("\(name)() takes \(range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)") arguments (\(args.positional.count) given)", kind: "TypeError")
        }
    }

    static func call(_ interp: Interpreter, _ recv: Value, _ name: String, _ args: Arguments) throws -> Value {
        if case .set(let s) = recv { return try SetOps.call(interp, s, name, args) }
        if let m = MethodName.table[name], let r = try call(interp, recv, m, args) { return r }
        let hint = closestName(to: name, in: names(for: recv)).map { " (did you mean '\($0)'?)" } ?? ""
        throw RuntimeError("'\(recv.typeName)' object has no attribute '\(name)'\(hint)", kind: "AttributeError")
    }

    /// The hot methods of a plain dict (`d.get(k)`, `d.get(k, default)`, `d.items()`, `d.keys()`,
    /// `d.values()`) called with n positional arguments in registers: what `call` gives for
    /// them, without an argument array; nil for anything else.
    @inline(__always)
    static func dictFast(_ d: DictRef, _ m: MethodName, _ p: UnsafeMutablePointer<Value>, _ n: Int) throws -> Value? {
        switch m {
        case .get where n == 1: return try d.get(p[0]) ?? Value.none
        case .get where n == 2: return try d.get(p[0]) ?? p[1]
        case .items where n == 0: return .list(ListRef(zip(d.keys, d.values).map { .tuple([$0, $1]) }))
        case .keys where n == 0: return .list(ListRef(d.keys))
        case .values where n == 0: return .list(ListRef(d.values))
        default: return nil
        }
    }

    /// The method `m` of a list, tuple, dict or string; nil when the receiver's type has no such method.
    static func call(_ interp: Interpreter, _ recv: Value, _ m: MethodName, _ args: Arguments) throws -> Value? {
        let p = args.positional
        let name = m.rawValue
        switch recv {
        case .list(let l):
            switch m {
            case .append: try argc(name, args, 1...1); l.items.append(p[0]); return Value.none
            case .extend: try argc(name, args, 1...1); l.items.append(contentsOf: try interp.iterate(p[0])); return Value.none
            case .pop:
                try argc(name, args, 0...1)
                guard !l.items.isEmpty else { throw RuntimeError("pop from empty list", kind: "IndexError") }
                let i = p.isEmpty ? l.items.count - 1 : try Interpreter.normalizeIndex(try Convert.int(p[0]), l.items.count, "pop")
                return l.items.remove(at: i)
            case .insert:
                try argc(name, args, 2...2)
                var i = try Convert.int(p[0])
                if i < 0 { i += l.items.count }
                l.items.insert(p[1], at: Swift.min(Swift.max(i, 0), l.items.count))
                return Value.none
            case .index:
                try argc(name, args, 1...1)
                guard let i = l.items.firstIndex(where: { Ops.equal($0, p[0]) }) else { throw RuntimeError("\(Printer.repr(p[0])) is not in list", kind: "ValueError") }
                return .int(i)
            case .count: try argc(name, args, 1...1); return .int(l.items.filter { Ops.equal($0, p[0]) }.count)
            case .remove:
                try argc(name, args, 1...1)
                guard let i = l.items.firstIndex(where: { Ops.equal($0, p[0]) }) else { throw RuntimeError("list.remove(x): x not in list", kind: "ValueError") }
                l.items.remove(at: i)
                return Value.none
            case .reverse: l.items.reverse(); return Value.none
            case .copy: return .list(ListRef(l.items))
            case .clear: l.items.removeAll(); return Value.none
            case .sort:
                var key: Value = .none, reverse = false
                for (k, v) in args.keywords {
                    if k == "key" { key = v } else if k == "reverse" { reverse = try v.truthy() } else {
                        throw RuntimeError("sort() got an unexpected keyword argument '\(k)'", kind: "TypeError")
                    }
                }
                l.items = try sorted(interp, l.items, key: key, reverse: reverse)
                return Value.none
            default: break
            }
        case .tuple(let t):
            switch m {
            case .index:
                guard let i = t.firstIndex(where: { Ops.equal($0, p.first ?? .none) }) else { throw RuntimeError("tuple.index(x): x not in tuple", kind: "ValueError") }
                return .int(i)
            case .count: return .int(t.filter { Ops.equal($0, p.first ?? .none) }.count)
            default: break
            }
        case .dict(let d):
            switch m {
            case .keys: return .list(ListRef(d.keys))
            case .values: return .list(ListRef(d.values))
            case .items: return .list(ListRef(zip(d.keys, d.values).map { .tuple([$0, $1]) }))
            case .get:
                try argc(name, args, 1...2)
                return try d.get(p[0]) ?? (p.count > 1 ? p[1] : Value.none)
            case .pop:
                try argc(name, args, 1...2)
                if let v = try d.remove(p[0]) { return v }
                if p.count > 1 { return p[1] }
                throw Interpreter.missingKey(p[0])
            case .popitem:
                guard let k = d.keys.last else { throw RuntimeError("popitem(): dictionary is empty", kind: "KeyError") }
                let v = try d.remove(k)!
                return .tuple([k, v])
            case .setdefault:
                try argc(name, args, 1...2)
                if let v = try d.get(p[0]) { return v }
                let v = p.count > 1 ? p[1] : .none
                try d.set(p[0], v)
                return v
            case .update:
                for a in p {
                    switch a {
                    case .dict(let o): for (k, v) in o.pairs { try d.set(k, v) }
                    default:
                        for item in try interp.iterate(a) {
                            let kv = try interp.iterate(item)
                            guard kv.count == 2 else { throw RuntimeError("dictionary update sequence element has length \(kv.count); 2 is required", kind: "ValueError") }
                            try d.set(kv[0], kv[1])
                        }
                    }
                }
                for (k, v) in args.keywords { d[str: k] = v }
                return Value.none
            case .copy: return .dict(d.copy())
            case .clear: d.removeAll(); return Value.none
            default: break
            }
        case .str(let s):
            return try strMethod(interp, s, m, args)
        default: break
        }
        return nil
    }

    static func sorted(_ interp: Interpreter, _ items: [Value], key: Value, reverse: Bool) throws -> [Value] {
        let keys: [Value] = try key.isNone ? items : items.map { try interp.call(key, Arguments([$0])) }
        let idx: [Int]
        // As CPython's list.sort, keys of one kind get a specialised comparison (its
        // unsafe_long_compare / unsafe_float_compare / unsafe_tuple_compare): ints, floats, and
        // tuples of ints compared as machine numbers, with no Value copied per comparison. The
        // order is the general comparison's exactly (a stable sort of the same relation).
        if let ints = intKeys(keys) {
            idx = ints.withUnsafeBufferPointer { k in
                mergeSort(Array(items.indices)) { a, b in reverse ? k[b] < k[a] : k[a] < k[b] }
            }
        } else if let floats = floatKeys(keys) {
            idx = floats.withUnsafeBufferPointer { k in
                mergeSort(Array(items.indices)) { a, b in reverse ? k[b] < k[a] : k[a] < k[b] }
            }
        } else if let (flat, start) = intTupleKeys(keys) {
            idx = flat.withUnsafeBufferPointer { f in
                start.withUnsafeBufferPointer { s in
                    // lexicographic, a shorter prefix first (Python's tuple order)
                    func less(_ a: Int, _ b: Int) -> Bool {
                        var i = s[a], j = s[b]
                        let ei = s[a + 1], ej = s[b + 1]
                        while i < ei && j < ej {
                            if f[i] != f[j] { return f[i] < f[j] }
                            i += 1; j += 1
                        }
                        return i == ei && j < ej
                    }
                    return mergeSort(Array(items.indices)) { a, b in reverse ? less(b, a) : less(a, b) }
                }
            }
        } else {
            var failure: Error?
            idx = mergeSort(Array(items.indices)) { a, b in
                if failure != nil { return false }
                do { return reverse ? try Ops.less(keys[b], keys[a]) : try Ops.less(keys[a], keys[b]) } catch { failure = error; return false }
            }
            if let failure { throw failure }
        }
        return idx.map { items[$0] }
    }

    private static func intKeys(_ keys: [Value]) -> [Int]? {
        var out: [Int] = []
        out.reserveCapacity(keys.count)
        for k in keys { guard case .int(let i) = k else { return nil }; out.append(i) }
        return out
    }

    private static func floatKeys(_ keys: [Value]) -> [Double]? {
        var out: [Double] = []
        out.reserveCapacity(keys.count)
        for k in keys { guard case .float(let d) = k else { return nil }; out.append(d) }
        return out
    }

    /// Tuples of ints, flattened: key i's items are flat[start[i] ..< start[i + 1]].
    private static func intTupleKeys(_ keys: [Value]) -> ([Int], [Int])? {
        var flat: [Int] = [], start: [Int] = [0]
        start.reserveCapacity(keys.count + 1)
        for k in keys {
            guard case .tuple(let t) = k else { return nil }
            for v in t { guard case .int(let i) = v else { return nil }; flat.append(i) }
            start.append(flat.count)
        }
        return (flat, start)
    }

    /// A stable merge sort of indices (Swift's sort is not guaranteed stable); inlined so that
    /// each comparison is specialised where it is used.
    @inline(__always)
    static func mergeSort(_ a: [Int], _ less: (Int, Int) -> Bool) -> [Int] {
        if a.count <= 1 { return a }
        var src = a, dst = a
        var width = 1
        let n = a.count
        while width < n {
            src.withUnsafeMutableBufferPointer { s in
                dst.withUnsafeMutableBufferPointer { d in
                    var i = 0
                    while i < n {
                        let mid = Swift.min(i + width, n), hi = Swift.min(i + 2 * width, n)
                        var l = i, r = mid, k = i
                        while l < mid && r < hi {
                            if less(s[r], s[l]) { d[k] = s[r]; r += 1 } else { d[k] = s[l]; l += 1 }
                            k += 1
                        }
                        while l < mid { d[k] = s[l]; l += 1; k += 1 }
                        while r < hi { d[k] = s[r]; r += 1; k += 1 }
                        i += 2 * width
                    }
                }
            }
            swap(&src, &dst)
            width *= 2
        }
        return src
    }

    static func strArg(_ v: Value, _ fn: String) throws -> String {
        guard case .str(let s) = v else { throw RuntimeError("\(fn)() argument must be str, not \(v.typeName)", kind: "TypeError") }
        return s
    }

    static func strMethod(_ interp: Interpreter, _ s: String, _ m: MethodName, _ args: Arguments) throws -> Value? {
        let p = args.positional
        let name = m.rawValue
        func strip(_ chars: Value?, left: Bool, right: Bool) throws -> String {
            let set: Set<Character> = try chars.flatMap { $0.isNone ? nil : Set(try strArg($0, name)) } ?? [" ", "\t", "\n", "\r"]
            var sub = Substring(s)
            if left { while let c = sub.first, set.contains(c) { sub.removeFirst() } }
            if right { while let c = sub.last, set.contains(c) { sub.removeLast() } }
            return String(sub)
        }
        switch m {
        case .format:
            return .str(try formatString(s, p, args.keywords))
        case .join:
            try argc(name, args, 1...1)
            let items = try interp.iterate(p[0])
            var length = s.utf8.count * Swift.max(items.count - 1, 0)
            for v in items {
                guard case .str(let x) = v else { throw RuntimeError("sequence item: expected str instance, \(v.typeName) found", kind: "TypeError") }
                length += x.utf8.count
            }
            // the UTF-8 bytes copied into the new string's own buffer (appending Strings one by
            // one goes through String's general append, several hundred instructions per piece)
            if length == 0 { return .str("") }
            return .str(String(unsafeUninitializedCapacity: length) { buffer in
                let out = buffer.baseAddress!
                var at = 0
                for (i, v) in items.enumerated() {
                    if i > 0 { s.copyUTF8(to: out, at: &at) }
                    if case .str(let x) = v { x.copyUTF8(to: out, at: &at) }
                }
                return at
            })
        case .split, .rsplit:
            let sep: String? = try p.first.flatMap { $0.isNone ? nil : try strArg($0, name) }
            let maxsplit = p.count > 1 ? try Convert.int(p[1]) : -1
            if let sep {
                guard !sep.isEmpty else { throw RuntimeError("empty separator", kind: "ValueError") }
                var parts = splitString(s, sep)
                if maxsplit >= 0 && parts.count > maxsplit + 1 {
                    if m == .split {
                        parts = Array(parts[..<maxsplit]) + [parts[maxsplit...].joined(separator: sep)]
                    } else {
                        let k = parts.count - maxsplit
                        parts = [parts[..<k].joined(separator: sep)] + Array(parts[k...])
                    }
                }
                return .list(ListRef(parts.map { .str($0) }))
            }
            return .list(ListRef(s.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).map { .str(String($0)) }))
        case .strip: return .str(try strip(p.first, left: true, right: true))
        case .lstrip: return .str(try strip(p.first, left: true, right: false))
        case .rstrip: return .str(try strip(p.first, left: false, right: true))
        case .startswith, .endswith:
            try argc(name, args, 1...1)
            let options: [Value]
            if case .tuple(let t) = p[0] { options = t } else { options = [p[0]] }
            for o in options {
                let x = try strArg(o, name)
                if m == .startswith ? s.hasPrefix(x) : s.hasSuffix(x) { return .bool(true) }
            }
            return .bool(false)
        case .replace:
            try argc(name, args, 2...3)
            let a = try strArg(p[0], name), b = try strArg(p[1], name)
            guard !a.isEmpty else { return .str(s) }
            return .str(splitString(s, a).joined(separator: b))
        case .upper: return .str(s.uppercased())
        case .lower: return .str(s.lowercased())
        case .title: return .str(s.split(separator: " ", omittingEmptySubsequences: false).map { $0.prefix(1).uppercased() + $0.dropFirst().lowercased() }.joined(separator: " "))
        case .capitalize: return .str(s.prefix(1).uppercased() + s.dropFirst().lowercased())
        case .find, .index, .rfind:
            try argc(name, args, 1...1)
            let x = Array(try strArg(p[0], name).unicodeScalars), chars = Array(s.unicodeScalars)
            var found = -1
            if x.count <= chars.count {
                let range = Array(0...(chars.count - x.count))
                for i in (m == .rfind ? range.reversed() : range) where Array(chars[i..<i + x.count]) == x { found = i; break }
            }
            if found < 0 && m == .index { throw RuntimeError("substring not found", kind: "ValueError") }
            return .int(found)
        case .count:
            try argc(name, args, 1...1)
            let x = try strArg(p[0], name)
            return .int(x.isEmpty ? s.codePointCount + 1 : splitString(s, x).count - 1)
        case .splitlines:
            // Python's line boundaries: \n, \r, \r\n, \v, \f, \x1c–\x1e, \x85, \u2028, \u2029
            try argc(name, args, 0...1)
            let keep = try p.first?.truthy() ?? false
            let cs = Array(s.unicodeScalars)
            var lines: [Value] = [], start = 0, i = 0
            while i < cs.count {
                let c = cs[i].value
                guard [0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029].contains(c) else { i += 1; continue }
                let end = c == 0x0D && i + 1 < cs.count && cs[i + 1].value == 0x0A ? i + 2 : i + 1
                lines.append(.str(String(String.UnicodeScalarView(cs[start..<(keep ? end : i)]))))
                i = end
                start = end
            }
            if start < cs.count { lines.append(.str(String(String.UnicodeScalarView(cs[start...])))) }
            return .list(ListRef(lines))
        case .ljust, .rjust, .center:
            try argc(name, args, 1...2)
            let w = try Convert.int(p[0])
            guard w <= Format.maxWidth else { throw RuntimeError("\(name)() width \(w) is too large (at most \(Format.maxWidth))", kind: "MemoryError") }
            let fill: Character = p.count > 1 ? (try strArg(p[1], name)).first ?? " " : " "
            let pad = Swift.max(0, w - s.codePointCount)
            if m == .ljust { return .str(s + String(repeating: fill, count: pad)) }
            if m == .rjust { return .str(String(repeating: fill, count: pad) + s) }
            let left = pad / 2
            return .str(String(repeating: fill, count: left) + s + String(repeating: fill, count: pad - left))
        case .zfill:
            let w = try Convert.int(p.first ?? .int(0))
            guard w <= Format.maxWidth else { throw RuntimeError("zfill() width \(w) is too large (at most \(Format.maxWidth))", kind: "MemoryError") }
            let neg = s.hasPrefix("-")
            let body = neg ? String(s.dropFirst()) : s
            return .str((neg ? "-" : "") + String(repeating: "0", count: Swift.max(0, w - s.codePointCount)) + body)
        case .isdigit: return .bool(!s.isEmpty && s.allSatisfy(\.isNumber))
        case .isalpha: return .bool(!s.isEmpty && s.allSatisfy(\.isLetter))
        case .isalnum: return .bool(!s.isEmpty && s.allSatisfy { $0.isLetter || $0.isNumber })
        case .isspace: return .bool(!s.isEmpty && s.allSatisfy(\.isWhitespace))
        case .partition:
            let sep = try strArg(p.first ?? .none, name)
            let parts = splitString(s, sep)
            if parts.count == 1 { return .tuple([.str(s), .str(""), .str("")]) }
            return .tuple([.str(parts[0]), .str(sep), .str(parts[1...].joined(separator: sep))])
        case .encode: return .str(s)
        default: return nil
        }
    }

    /// `s.split(sep)` by code points, as Python compares (Swift's `Character`s would see a
    /// "\r\n" as one and never find "\n" in it).
    /// (Matched in UTF-8 bytes: a byte match is a code-point match, UTF-8 being self-synchronising.)
    /// At most `limit` splits (all when nil).
    static func splitString(_ s: String, _ sep: String, limit: Int? = nil) -> [String] {
        let hay = Array(s.utf8), needle = Array(sep.utf8)
        guard let first = needle.first, needle.count <= hay.count else { return [s] }
        var parts: [String] = [], start = 0, i = 0
        while i + needle.count <= hay.count, parts.count < (limit ?? Int.max) {
            if hay[i] == first && hay[i..<(i + needle.count)].elementsEqual(needle) {
                parts.append(String(decoding: hay[start..<i], as: UTF8.self))
                i += needle.count
                start = i
            } else {
                i += 1
            }
        }
        parts.append(String(decoding: hay[start...], as: UTF8.self))
        return parts
    }

    /// `'{} {name:.3f}'.format(...)`.
    static func formatString(_ s: String, _ args: [Value], _ kwargs: [(String, Value)]) throws -> String {
        var out = ""
        let chars = Array(s)
        var i = 0, auto = 0
        while i < chars.count {
            let c = chars[i]
            if c == "{" {
                if i + 1 < chars.count, chars[i + 1] == "{" { out.append("{"); i += 2; continue }
                var j = i + 1, field = ""
                while j < chars.count, chars[j] != "}" { field.append(chars[j]); j += 1 }
                guard j < chars.count else { throw RuntimeError("single '{' encountered in format string", kind: "ValueError") }
                var name = field, spec = "", conv: Character?
                if let colon = field.firstIndex(of: ":") { name = String(field[..<colon]); spec = String(field[field.index(after: colon)...]) }
                if let bang = name.firstIndex(of: "!") { conv = name[name.index(after: bang)...].first; name = String(name[..<bang]) }
                let v: Value
                if name.isEmpty {
                    guard auto < args.count else { throw RuntimeError("Replacement index \(auto) out of range for positional args tuple", kind: "IndexError") }
                    v = args[auto]; auto += 1
                } else if let n = Int(name) {
                    guard n < args.count else { throw RuntimeError("Replacement index \(n) out of range for positional args tuple", kind: "IndexError") }
                    v = args[n]
                } else {
                    guard let kv = kwargs.first(where: { $0.0 == name }) else { throw RuntimeError("'\(name)'", kind: "KeyError") }
                    v = kv.1
                }
                if let conv { out += conv == "r" ? Printer.repr(v) : Printer.str(v) } else { out += try Format.format(v, spec: spec) }
                i = j + 1
                continue
            }
            if c == "}" {
                if i + 1 < chars.count, chars[i + 1] == "}" { out.append("}"); i += 2; continue }
                throw RuntimeError("single '}' encountered in format string", kind: "ValueError")
            }
            out.append(c); i += 1
        }
        return out
    }
}

extension Substring {
    func range(of sub: String) -> Range<Index>? {
        guard !sub.isEmpty else { return nil }
        var i = startIndex
        while i < endIndex {
            if self[i...].hasPrefix(sub) { return i..<self.index(i, offsetBy: sub.count) }
            i = index(after: i)
        }
        return nil
    }
}
