/// The syntax of Python's regular expressions (CPython 3.11's `re._parser`): a pattern string
/// becomes a tree of `RegexNode`s that `RegexMatcher` runs. Flags in effect are folded into the
/// leaves (a literal knows whether it ignores case, `$` whether it is multi-line), so scoped
/// flags `(?i:…)` need no state at match time. Errors are `re.error`s with CPython's messages and
/// positions ("missing ), unterminated subpattern at position 0").
indirect enum RegexNode {
    case empty
    case char(Unicode.Scalar, ignoreCase: Bool)
    case any(dotAll: Bool)
    case set(RegexSet)
    /// `^` (after a newline too when multi-line), `$`, `\A`, `\Z`, `\b`, `\B`.
    case lineStart(multiline: Bool), lineEnd(multiline: Bool), textStart, textEnd
    case wordBoundary(negated: Bool, ascii: Bool)
    case group(Int, RegexNode)
    case concat([RegexNode])
    case alternation([RegexNode])
    case repeating(RegexNode, min: Int, max: Int, greedy: Bool)
    /// `(?>…)` and the possessive quantifiers: the first way the body matches, never revisited.
    case atomic(RegexNode)
    case backReference(Int, ignoreCase: Bool)
    case look(RegexNode, ahead: Bool, negated: Bool, width: Int)
    case conditional(group: Int, yes: RegexNode, no: RegexNode)

    /// The number of characters the node always matches, nil when that varies (look-behind needs one).
    var fixedWidth: Int? {
        switch self {
        case .empty, .lineStart, .lineEnd, .textStart, .textEnd, .wordBoundary, .look: return 0
        case .char, .any, .set: return 1
        case .group(_, let n), .atomic(let n): return n.fixedWidth
        case .concat(let ns):
            var w = 0
            for n in ns { guard let x = n.fixedWidth else { return nil }; w += x }
            return w
        case .alternation(let ns):
            let ws = ns.map(\.fixedWidth)
            guard let first = ws.first, let f = first, ws.allSatisfy({ $0 == f }) else { return nil }
            return f
        case .repeating(let n, let lo, let hi, _):
            guard lo == hi, let w = n.fixedWidth else { return nil }
            return w * lo
        case .backReference, .conditional: return nil
        }
    }
}

/// A character class: `[a-z_]`, `\d`, `[^\s,]`.
struct RegexSet {
    enum Item {
        case range(UInt32, UInt32)
        case category(RegexCategory, negated: Bool)
    }
    var items: [Item] = []
    var negated = false
    var ignoreCase = false
    var ascii = false

    func contains(_ c: Unicode.Scalar) -> Bool {
        var hit = test(c.value)
        if !hit, ignoreCase {
            for v in RegexSet.caseVariants(c, ascii: ascii) where v != c.value && test(v) { hit = true; break }
        }
        return hit != negated
    }

    private func test(_ v: UInt32) -> Bool {
        for item in items {
            switch item {
            case .range(let lo, let hi): if v >= lo && v <= hi { return true }
            case .category(let cat, let neg):
                guard let c = Unicode.Scalar(v) else { continue }
                if cat.contains(c, ascii: ascii) != neg { return true }
            }
        }
        return false
    }

    /// The lower- and upper-case forms of a character (simple mappings, one character each).
    static func caseVariants(_ c: Unicode.Scalar, ascii: Bool) -> [UInt32] {
        if ascii {
            guard c.isASCII else { return [c.value] }
            let v = c.value
            if v >= 65 && v <= 90 { return [v, v + 32] }
            if v >= 97 && v <= 122 { return [v, v - 32] }
            return [v]
        }
        var out = [c.value]
        for m in [c.properties.lowercaseMapping, c.properties.uppercaseMapping] {
            let s = m.unicodeScalars
            if s.count == 1, let x = s.first { out.append(x.value) }
        }
        return out
    }

    /// Case-insensitive equality of two characters, as CPython's IGNORECASE literals.
    static func sameIgnoringCase(_ a: Unicode.Scalar, _ b: Unicode.Scalar, ascii: Bool) -> Bool {
        a == b || caseVariants(a, ascii: ascii).contains(b.value)
    }
}

/// `\d`, `\w`, `\s`: Unicode classes for str patterns, ASCII ones under `re.ASCII`.
enum RegexCategory {
    case digit, word, space

    func contains(_ c: Unicode.Scalar, ascii: Bool) -> Bool {
        switch self {
        case .digit:
            return ascii ? (c.value >= 48 && c.value <= 57) : c.properties.numericType == .decimal
        case .word:
            if c == "_" { return true }
            if ascii { return c.isASCII && (c.properties.isAlphabetic || (c.value >= 48 && c.value <= 57)) }
            return c.properties.isAlphabetic || c.properties.numericType != nil
        case .space:
            if ascii { return c == " " || (c.value >= 9 && c.value <= 13) }
            return c.properties.isWhitespace || (c.value >= 0x1C && c.value <= 0x1F)
        }
    }
}

/// CPython's `re` flag values (`re.IGNORECASE == 2`).
enum RegexFlags {
    static let ignoreCase = 2, locale = 4, multiline = 8, dotAll = 16, unicode = 32, verbose = 64, debug = 128, ascii = 256
    /// Names in the order CPython's RegexFlag repr lists them.
    static let names: [(String, Int)] = [("IGNORECASE", 2), ("LOCALE", 4), ("MULTILINE", 8), ("DOTALL", 16),
                                         ("UNICODE", 32), ("VERBOSE", 64), ("DEBUG", 128), ("ASCII", 256)]
    static let letters: [Character: Int] = ["i": ignoreCase, "L": locale, "m": multiline, "s": dotAll,
                                            "u": unicode, "x": verbose, "a": ascii]
}

/// A parsed pattern: its tree, group count and names, and the flags after inline ones.
struct RegexProgram {
    let root: RegexNode
    let groups: Int
    let groupNames: [(String, Int)]
    let flags: Int
}

/// `re.error(msg, pattern, pos)`: the message carries " at position N" as CPython's does.
struct RegexError: Error {
    let message: String
    let position: Int?
}

/// A recursive-descent parser over the pattern's characters (code points, as Python indexes str).
struct RegexParser {
    let p: [Unicode.Scalar]
    var i = 0
    var flags: Int
    var groupCount = 0
    var names: [(String, Int)] = []
    var openGroups: Set<Int> = []

    static func parse(_ pattern: String, flags: Int) throws -> RegexProgram {
        var parser = RegexParser(p: Array(pattern.unicodeScalars), flags: flags)
        try parser.globalFlags()
        // with (?x) found at the start, the rest is read verbosely
        let root = try parser.alternation()
        if parser.i < parser.p.count {
            // only an unmatched ')' stops the top level early
            throw RegexError(message: "unbalanced parenthesis", position: parser.i)
        }
        var f = parser.flags
        if f & RegexFlags.ascii == 0 { f |= RegexFlags.unicode }
        return RegexProgram(root: root, groups: parser.groupCount, groupNames: parser.names, flags: f)
    }

    func error(_ msg: String, at pos: Int) -> RegexError { RegexError(message: msg, position: pos) }
    var ignoreCase: Bool { flags & RegexFlags.ignoreCase != 0 }
    var ascii: Bool { flags & RegexFlags.ascii != 0 }
    var verbose: Bool { flags & RegexFlags.verbose != 0 }

    /// `(?aiLmsux)` groups at the very start apply to the whole pattern.
    mutating func globalFlags() throws {
        while i + 2 < p.count, p[i] == "(", p[i + 1] == "?", RegexFlags.letters[Character(p[i + 2])] != nil {
            var j = i + 2
            var f = 0
            while j < p.count, let v = RegexFlags.letters[Character(p[j])] { f |= v; j += 1 }
            guard j < p.count, p[j] == ")" else { return }     // a scoped group (?i:…): parsed in place
            flags |= f
            i = j + 1
        }
    }

    mutating func skipVerbose() {
        guard verbose else { return }
        while i < p.count {
            if p[i] == "#" {
                while i < p.count, p[i] != "\n" { i += 1 }
            } else if p[i].properties.isWhitespace {
                i += 1
            } else {
                return
            }
        }
    }

    mutating func alternation() throws -> RegexNode {
        var branches = [try sequence()]
        while i < p.count, p[i] == "|" {
            i += 1
            branches.append(try sequence())
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    mutating func sequence() throws -> RegexNode {
        var items: [RegexNode] = []
        while true {
            skipVerbose()
            guard i < p.count, p[i] != "|", p[i] != ")" else { break }
            var atom = try self.atom()
            skipVerbose()
            let at = i
            if let q = try quantifier() {
                // sre: an anchor (^, $, \A, \Z, \b, \B) cannot be repeated
                switch atom {
                case .empty, .lineStart, .lineEnd, .textStart, .textEnd, .wordBoundary: throw error("nothing to repeat", at: at)
                default: atom = q(atom)
                }
                skipVerbose()
                if i < p.count, "*+?{".unicodeScalars.contains(p[i]), (p[i] != "{" || isQuantifierBrace()) {
                    throw error("multiple repeat", at: i)
                }
            }
            items.append(atom)
        }
        return items.count == 1 ? items[0] : (items.isEmpty ? .empty : .concat(items))
    }

    func isQuantifierBrace() -> Bool {
        var j = i + 1
        var digits = 0
        while j < p.count, p[j].properties.numericType == .decimal, p[j].isASCII { j += 1; digits += 1 }
        if j < p.count, p[j] == "," {
            j += 1
            while j < p.count, p[j].isASCII, p[j].properties.numericType == .decimal { j += 1 }
        } else if digits == 0 {
            return false
        }
        return j < p.count && p[j] == "}"
    }

    /// `*`, `+`, `?`, `{m,n}` with a trailing `?` (lazy) or `+` (possessive), or nil.
    mutating func quantifier() throws -> ((RegexNode) -> RegexNode)? {
        guard i < p.count else { return nil }
        let at = i
        var lo = 0, hi = Int.max
        switch p[i] {
        case "*": i += 1
        case "+": lo = 1; i += 1
        case "?": hi = 1; i += 1
        case "{":
            guard isQuantifierBrace() else { return nil }
            i += 1
            func number(_ s: inout RegexParser) -> Int? {
                var v: Int?
                while s.i < s.p.count, s.p[s.i].isASCII, let d = Int(String(s.p[s.i])) { v = (v ?? 0) * 10 + d; s.i += 1 }
                return v
            }
            let a = number(&self)
            if p[i] == "," {
                i += 1
                lo = a ?? 0
                hi = number(&self) ?? Int.max
            } else {
                lo = a ?? 0
                hi = lo
            }
            i += 1
            if hi < lo { throw error("min repeat greater than max repeat", at: at + 1) }
        default: return nil
        }
        var greedy = true, possessive = false
        if i < p.count, p[i] == "?" { greedy = false; i += 1 } else if i < p.count, p[i] == "+" { possessive = true; i += 1 }
        return { n in
            let r = RegexNode.repeating(n, min: lo, max: hi, greedy: greedy)
            return possessive ? .atomic(r) : r
        }
    }

    mutating func atom() throws -> RegexNode {
        let c = p[i]
        let start = i
        i += 1
        switch c {
        case ".": return .any(dotAll: flags & RegexFlags.dotAll != 0)
        case "^": return .lineStart(multiline: flags & RegexFlags.multiline != 0)
        case "$": return .lineEnd(multiline: flags & RegexFlags.multiline != 0)
        case "[": return .set(try characterSet(start))
        case "(": return try group(start)
        case "\\": return try escape(start)
        case "*", "+", "?": throw error("nothing to repeat", at: start)
        case "{":
            i = start
            if isQuantifierBrace() { throw error("nothing to repeat", at: start) }
            i = start + 1
            return .char(c, ignoreCase: ignoreCase)
        default: return .char(c, ignoreCase: ignoreCase)
        }
    }

    mutating func groupName(until end: Unicode.Scalar) throws -> String {
        let start = i
        while i < p.count, p[i] != end { i += 1 }
        guard i < p.count else { throw error("missing \(Character(end)), unterminated name", at: start) }
        let name = String(String.UnicodeScalarView(p[start..<i]))
        i += 1
        if name.isEmpty { throw error("missing group name", at: start) }
        guard let first = name.unicodeScalars.first, first == "_" || first.properties.isXIDStart,
              name.unicodeScalars.allSatisfy({ $0 == "_" || $0.properties.isXIDContinue }) else {
            throw error("bad character in group name '\(name)'", at: start)
        }
        return name
    }

    mutating func closeGroup(_ start: Int) throws {
        guard i < p.count, p[i] == ")" else { throw error("missing ), unterminated subpattern", at: start) }
        i += 1
    }

    mutating func capture(_ start: Int, name: String?) throws -> RegexNode {
        groupCount += 1
        let index = groupCount
        if let name {
            if let old = names.first(where: { $0.0 == name }) {
                throw error("redefinition of group name '\(name)' as group \(index); was group \(old.1)", at: i - name.unicodeScalars.count - 1)
            }
            names.append((name, index))
        }
        openGroups.insert(index)
        let body = try alternation()
        try closeGroup(start)
        openGroups.remove(index)
        return .group(index, body)
    }

    mutating func group(_ start: Int) throws -> RegexNode {
        guard i < p.count, p[i] == "?" else { return try capture(start, name: nil) }
        i += 1
        guard i < p.count else { throw error("unexpected end of pattern", at: i) }
        let c = p[i]
        i += 1
        switch c {
        case ":":
            let body = try alternation()
            try closeGroup(start)
            return body
        case ">":
            let body = try alternation()
            try closeGroup(start)
            return .atomic(body)
        case "P":
            guard i < p.count else { throw error("unexpected end of pattern", at: i) }
            let k = p[i]
            i += 1
            if k == "<" { return try capture(start, name: try groupName(until: ">")) }
            if k == "=" {
                let at = i
                let name = try groupName(until: ")")
                guard let g = names.first(where: { $0.0 == name })?.1 else { throw error("unknown group name '\(name)'", at: at) }
                if openGroups.contains(g) { throw error("cannot refer to an open group", at: at) }
                return .backReference(g, ignoreCase: ignoreCase)
            }
            throw error("unknown extension ?P\(Character(k))", at: start + 1)
        case "#":
            while i < p.count, p[i] != ")" { i += 1 }
            guard i < p.count else { throw error("missing ), unterminated comment", at: start) }
            i += 1
            return .empty
        case "=", "!":
            let body = try alternation()
            try closeGroup(start)
            return .look(body, ahead: true, negated: c == "!", width: 0)
        case "<":
            guard i < p.count, p[i] == "=" || p[i] == "!" else {
                throw error("unknown extension ?<\(i < p.count ? String(Character(p[i])) : "")", at: start + 1)
            }
            let negated = p[i] == "!"
            i += 1
            let body = try alternation()
            try closeGroup(start)
            guard let w = body.fixedWidth else { throw RegexError(message: "look-behind requires fixed-width pattern", position: nil) }
            return .look(body, ahead: false, negated: negated, width: w)
        case "(":
            let at = i
            while i < p.count, p[i] != ")" { i += 1 }
            guard i < p.count else { throw error("missing ), unterminated name", at: at) }
            let ref = String(String.UnicodeScalarView(p[at..<i]))
            i += 1
            let g: Int
            if let n = Int(ref) {
                guard n > 0, n < 100 else { throw error("invalid group reference \(n)", at: at) }
                g = n
            } else if let named = names.first(where: { $0.0 == ref })?.1 {
                g = named
            } else {
                throw error("unknown group name '\(ref)'", at: at)
            }
            let yes = try sequence()
            var no = RegexNode.empty
            if i < p.count, p[i] == "|" {
                i += 1
                no = try sequence()
                if i < p.count, p[i] == "|" { throw error("conditional backref with more than two branches", at: i) }
            }
            try closeGroup(start)
            return .conditional(group: g, yes: yes, no: no)
        default:
            // scoped flags (?i:…) / (?-i:…); global ones are only allowed at the start
            i -= 1
            var on = 0, off = 0, negative = false
            while i < p.count, p[i] != ":", p[i] != ")" {
                if p[i] == "-" { negative = true; i += 1; continue }
                guard let f = RegexFlags.letters[Character(p[i])] else {
                    throw error("unknown extension ?\(Character(p[i]))", at: start + 1)
                }
                if negative { off |= f } else { on |= f }
                i += 1
            }
            guard i < p.count else { throw error("missing -, : or )", at: i) }
            if p[i] == ")" {
                throw error("global flags not at the start of the expression", at: start)
            }
            i += 1
            let saved = flags
            flags = (flags | on) & ~off
            defer { flags = saved }
            let body = try alternation()
            try closeGroup(start)
            return body
        }
    }

    /// `\d`, `\1`, `\n`, `\x41`, … outside a class.
    mutating func escape(_ start: Int) throws -> RegexNode {
        guard i < p.count else { throw error("bad escape (end of pattern)", at: start) }
        let c = p[i]
        i += 1
        switch c {
        case "A": return .textStart
        case "Z": return .textEnd
        case "b": return .wordBoundary(negated: false, ascii: ascii)
        case "B": return .wordBoundary(negated: true, ascii: ascii)
        case "d", "D", "w", "W", "s", "S":
            var s = RegexSet(ignoreCase: false, ascii: ascii)
            s.items = [RegexParser.category(c)]
            return .set(s)
        case "1"..."9":
            // a group number (up to two digits), or an octal escape of three digits
            var n = Int(String(c))!
            if i + 1 < p.count, ("0"..."7").contains(c), ("0"..."7").contains(p[i]), ("0"..."7").contains(p[i + 1]) {
                let v = Int(String(String.UnicodeScalarView(p[(i - 1)...(i + 1)])), radix: 8)!
                i += 2
                guard v <= 0o377 else { throw error("octal escape value \\\(String(v, radix: 8)) outside of range 0-0o377", at: start) }
                return .char(Unicode.Scalar(UInt32(v))!, ignoreCase: ignoreCase)
            }
            if i < p.count, ("0"..."9").contains(p[i]) { n = n * 10 + Int(String(p[i]))!; i += 1 }
            guard n <= groupCount else { throw error("invalid group reference \(n)", at: start + 1) }
            if openGroups.contains(n) { throw error("cannot refer to an open group", at: start) }
            return .backReference(n, ignoreCase: ignoreCase)
        default:
            i -= 1
            return .char(try literalEscape(start), ignoreCase: ignoreCase)
        }
    }

    static func category(_ c: Unicode.Scalar) -> RegexSet.Item {
        switch c {
        case "d": return .category(.digit, negated: false)
        case "D": return .category(.digit, negated: true)
        case "w": return .category(.word, negated: false)
        case "W": return .category(.word, negated: true)
        case "s": return .category(.space, negated: false)
        default: return .category(.space, negated: true)
        }
    }

    /// The character an escape stands for (`\n`, `\x41`, `\u00e9`, `\0`, `\.`); `i` is at the
    /// character after the backslash. An ASCII letter with no meaning is an error, as in CPython.
    mutating func literalEscape(_ start: Int) throws -> Unicode.Scalar {
        let c = p[i]
        i += 1
        func hex(_ n: Int) throws -> Unicode.Scalar {
            guard i + n <= p.count, let v = UInt32(String(String.UnicodeScalarView(p[i..<(i + n)])), radix: 16),
                  p[i..<(i + n)].allSatisfy({ $0.properties.isASCIIHexDigit }) else {
                throw error("incomplete escape \\\(Character(c))\(String(String.UnicodeScalarView(p[i..<min(i + n, p.count)])))", at: start)
            }
            i += n
            guard let s = Unicode.Scalar(v) else { throw error("bad escape \\\(Character(c))", at: start) }
            return s
        }
        switch c {
        case "n": return "\n"
        case "t": return "\t"
        case "r": return "\r"
        case "f": return "\u{0C}"
        case "v": return "\u{0B}"
        case "a": return "\u{07}"
        case "x": return try hex(2)
        case "u": return try hex(4)
        case "U": return try hex(8)
        case "0":
            var v: UInt32 = 0, n = 0
            while n < 2, i < p.count, ("0"..."7").contains(p[i]) { v = v * 8 + UInt32(String(p[i]))!; i += 1; n += 1 }
            return Unicode.Scalar(v)!
        default:
            if c.isASCII, c.properties.isAlphabetic || ("0"..."9").contains(c) {
                throw error("bad escape \\\(Character(c))", at: start)
            }
            return c
        }
    }

    /// `[...]` after its `[`.
    mutating func characterSet(_ start: Int) throws -> RegexSet {
        var set = RegexSet(ignoreCase: ignoreCase, ascii: ascii)
        if i < p.count, p[i] == "^" { set.negated = true; i += 1 }
        var first = true
        while true {
            guard i < p.count else { throw error("unterminated character set", at: start) }
            if p[i] == "]", !first { i += 1; break }
            first = false
            let itemStart = i
            var lo: Unicode.Scalar
            if p[i] == "\\" {
                i += 1
                guard i < p.count else { throw error("unterminated character set", at: start) }
                if "dDwWsS".unicodeScalars.contains(p[i]) {
                    set.items.append(RegexParser.category(p[i]))
                    i += 1
                    if i + 1 < p.count, p[i] == "-", p[i + 1] != "]" {
                        let hi = p[i + 1] == "\\" && i + 2 < p.count ? "\\" + String(Character(p[i + 2])) : String(Character(p[i + 1]))
                        throw error("bad character range \\\(Character(p[i - 1]))-\(hi)", at: itemStart)
                    }
                    continue
                }
                if p[i] == "b" { i += 1; lo = "\u{08}" } else { lo = try literalEscape(itemStart) }
            } else {
                lo = p[i]
                i += 1
            }
            if i + 1 < p.count, p[i] == "-", p[i + 1] != "]" {
                i += 1
                var hi: Unicode.Scalar
                if p[i] == "\\" {
                    i += 1
                    guard i < p.count else { throw error("unterminated character set", at: start) }
                    if "dDwWsS".unicodeScalars.contains(p[i]) {
                        throw error("bad character range \(Character(lo))-\\\(Character(p[i]))", at: itemStart)
                    }
                    if p[i] == "b" { i += 1; hi = "\u{08}" } else { hi = try literalEscape(i - 1) }
                } else {
                    hi = p[i]
                    i += 1
                }
                guard lo.value <= hi.value else {
                    throw error("bad character range \(Character(lo))-\(Character(hi))", at: itemStart)
                }
                set.items.append(.range(lo.value, hi.value))
            } else {
                set.items.append(.range(lo.value, lo.value))
            }
        }
        return set
    }
}
