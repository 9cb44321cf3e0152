/// Python's `re` (CPython 3.11): `compile`, `match`, `fullmatch`, `search`, `findall`,
/// `finditer`, `sub`/`subn` (templates with `\1`, `\g<name>`, `\g<0>`, or a function), `split`,
/// `escape`, `purge`, the flags and `re.error`; `Pattern` and `Match` objects with CPython's
/// attributes and reprs. The engine is trick's own (RegexSyntax.swift, RegexMatcher.swift, sre's
/// semantics); spans are code-point indices as Python's. Empty matches in `sub`, `split`,
/// `findall` and `finditer` follow Python 3.7+: an empty match right after a match is allowed,
/// one at the position of the previous empty match is not.
/// Where trick differs: the flags are plain ints (`print(re.I)` shows 2, not `re.IGNORECASE`),
/// `type(e).__name__` of an `re.error` is `re.error`, there are no bytes patterns and no
/// `re.LOCALE`; case-insensitive matching uses simple one-character case mappings.
enum RegexModule {
    /// A compiled pattern: what `Pattern` objects hold.
    final class Compiled {
        let pattern: String
        let program: RegexProgram
        init(_ pattern: String, _ program: RegexProgram) {
            self.pattern = pattern
            self.program = program
        }
        var groupIndex: [String: Int] { Dictionary(program.groupNames, uniquingKeysWith: { a, _ in a }) }
    }

    /// A match: the searched text, the group spans and the search window.
    final class MatchState {
        let text: [Unicode.Scalar]
        let string: String
        let spans: [Int]
        let lastIndex: Int
        let pos: Int, endpos: Int
        let compiled: Compiled
        init(_ m: RegexMatcher, string: String, pos: Int, endpos: Int, compiled: Compiled) {
            text = m.text
            self.string = string
            spans = m.spans
            lastIndex = m.lastIndex
            self.pos = pos
            self.endpos = endpos
            self.compiled = compiled
        }
        func span(_ g: Int) -> (Int, Int) { (spans[2 * g], spans[2 * g + 1]) }
        /// A group's text, nil when it did not take part in the match.
        func text(_ g: Int) -> String? {
            let (a, b) = span(g)
            return a < 0 ? nil : RegexModule.substring(text, a, b)
        }
    }

    static func substring(_ text: [Unicode.Scalar], _ a: Int, _ b: Int) -> String {
        var s = String.UnicodeScalarView()
        s.append(contentsOf: text[a..<b])
        return String(s)
    }

    static func reError(_ e: RegexError, pattern: String) -> RuntimeError {
        let message = e.message + (e.position.map { " at position \($0)" } ?? "")
        var r = RuntimeError(message, kind: "re.error")
        let o = CoreBuiltins.exception("re.error", [.str(message)])
        o.set("msg", .str(e.message))
        o.set("pattern", .str(pattern))
        o.set("pos", e.position.map { .int($0) } ?? .none)
        r.raised = o
        return r
    }

    static func register(_ lib: Library, _ interp: Interpreter) {
        let m = Modules.std("re", in: lib)
        for (name, value) in RegexFlags.names {
            m.set(name, .int(value))
        }
        for (short, long) in [("I", 2), ("L", 4), ("M", 8), ("S", 16), ("U", 32), ("X", 64), ("A", 256)] { m.set(short, .int(long)) }
        m.set("NOFLAG", .int(0))
        m.set("error", .builtin(BuiltinFunction("re.error(msg, pattern=None, pos=None)",
                                                doc: "re.error: raised for a pattern or replacement template that is not valid.") { a in
            let msg = Printer.str(a["msg"])
            let pos = a["pos"]
            let o = CoreBuiltins.exception("re.error", [.str(msg + (pos.isNone ? "" : " at position \(Printer.str(pos))"))])
            o.set("msg", .str(msg))
            o.set("pattern", a["pattern"])
            o.set("pos", pos)
            return .object(o)
        }))
        var cache: [String: Value] = [:]
        func compile(_ p: Value, _ flags: Int) throws -> (Compiled, Value) {
            if case .object(let o) = p, let c = o.payload as? Compiled {
                guard flags == 0 else { throw RuntimeError("cannot process flags argument with a compiled pattern", kind: "ValueError") }
                return (c, p)
            }
            guard case .str(let s) = p else { throw RuntimeError("first argument must be string or compiled pattern", kind: "TypeError") }
            let key = "\(flags):" + s
            if let v = cache[key], case .object(let o) = v { return (o.payload as! Compiled, v) }
            let program: RegexProgram
            do { program = try RegexParser.parse(s, flags: flags) } catch let e as RegexError { throw reError(e, pattern: s) }
            let c = Compiled(s, program)
            let v = patternObject(c, interp)
            if cache.count >= 512 { cache.removeAll() }
            cache[key] = v
            return (c, v)
        }
        m.set("compile", .builtin(BuiltinFunction("compile(pattern, flags=0)", doc: "re.compile: a Pattern object (cached, as CPython's). trick's own engine with CPython 3.11's semantics and errors; where trick differs: flags are plain ints (print(re.I) shows 2), no bytes patterns or re.LOCALE, IGNORECASE uses one-character case mappings, a group repeated more than 10^5 times nested is a RecursionError.") { a in
            try compile(a["pattern"], try a.int("flags")).1
        }))
        m.set("purge", .builtin(BuiltinFunction("purge()", doc: "re.purge: clears the cache of compiled patterns.") { _ in
            cache.removeAll()
            return .none
        }))
        m.set("escape", .builtin(BuiltinFunction("escape(pattern)", doc: "re.escape: a backslash before each character special in a pattern (CPython 3.7+'s set).") { a in
            let special = Set("()[]{}?*+-|^$\\.&~# \t\n\r\u{0B}\u{0C}".unicodeScalars)
            var out = String.UnicodeScalarView()
            for c in try a.string("pattern").unicodeScalars {
                if special.contains(c) { out.append("\\") }
                out.append(c)
            }
            return .str(String(out))
        }))
        // the module functions: compile (with flags), then the Pattern method of that name
        for (sig, method) in [("match(pattern, string, flags=0)", "match"), ("fullmatch(pattern, string, flags=0)", "fullmatch"),
                              ("search(pattern, string, flags=0)", "search"), ("findall(pattern, string, flags=0)", "findall"),
                              ("finditer(pattern, string, flags=0)", "finditer"),
                              ("sub(pattern, repl, string, count=0, flags=0)", "sub"), ("subn(pattern, repl, string, count=0, flags=0)", "subn"),
                              ("split(pattern, string, maxsplit=0, flags=0)", "split")] {
            let params = sig.drop { $0 != "(" }.dropFirst().dropLast().split(separator: ",").map { String($0.split(separator: "=")[0]).filter { $0 != " " } }
            let passed = params.filter { $0 != "pattern" && $0 != "flags" }
            m.set(method, .builtin(BuiltinFunction(sig, doc: "re.\(method): the Pattern method \(method) of re.compile(pattern, flags).") { a in
                guard case .object(let p) = try compile(a["pattern"], try a.int("flags")).1, let f = p.methods[method] else { return .none }
                return try f.call(Arguments(passed.map { a[$0] }))
            }))
        }
    }

    /// `m.search(…)`, with the matcher's depth limit as an error instead of a wrong answer.
    static func search(_ m: RegexMatcher, _ c: Compiled, from: Int, anchored: Bool = false, full: Bool = false, mustAdvance: Bool = false) throws -> Bool {
        let found = m.search(c.program.root, from: from, anchored: anchored, full: full, mustAdvance: mustAdvance)
        if m.tooDeep {
            throw RuntimeError("re: matching \(Printer.repr(.str(c.pattern))) needs more than \(RegexMatcher.maxDepth) nested steps on this string (trick's matcher recurses once per repetition of a group; CPython's does not)", kind: "RecursionError")
        }
        return found
    }

    /// The window `pos`/`endpos` give, clipped to the string as CPython clips them.
    static func window(_ a: Bound, _ count: Int) throws -> (Int, Int) {
        var pos = try a.int("pos"), end = a.has("endpos") ? try a.int("endpos") : count
        pos = Swift.max(0, Swift.min(pos, count))
        end = Swift.max(0, Swift.min(end, count))
        return (pos, end)
    }

    /// Every match from `pos` on, in order, with Python 3.7+'s rule for empty matches; `limit`
    /// stops after that many (0: no limit).
    static func each(_ c: Compiled, _ text: [Unicode.Scalar], _ pos: Int, _ end: Int, limit: Int = 0, _ body: (RegexMatcher) throws -> Void) throws {
        guard pos <= end else { return }
        var at = pos, mustAdvance = false, n = 0
        while limit == 0 || n < limit {
            let m = RegexMatcher(text, end: end, groups: c.program.groups)
            guard try search(m, c, from: at, mustAdvance: mustAdvance) else { return }
            try body(m)
            n += 1
            mustAdvance = m.spans[1] == m.spans[0]
            at = m.spans[1]
            if at > end { return }
        }
    }

    static func patternObject(_ c: Compiled, _ interp: Interpreter) -> Value {
        let o = BuiltObject(typeName: "re.Pattern", payload: c)
        let me = Value.object(o)
        o.repr = {
            let shown = RegexFlags.names.filter { c.program.flags & $0.1 != 0 && $0.0 != "UNICODE" }.map { "re." + $0.0 }
            return "re.compile(\(Printer.repr(.str(c.pattern)))" + (shown.isEmpty ? "" : ", " + shown.joined(separator: "|")) + ")"
        }
        o.set("pattern", .str(c.pattern))
        o.set("flags", .int(c.program.flags))
        o.set("groups", .int(c.program.groups))
        let gi = DictRef()
        for (name, g) in c.program.groupNames { gi[str: name] = .int(g) }
        o.set("groupindex", .dict(gi))
        func find(_ a: Bound, anchored: Bool, full: Bool) throws -> Value {
            let s = try a.string("string")
            let text = Array(s.unicodeScalars)
            let (pos, end) = try window(a, text.count)
            guard pos <= end else { return .none }
            let m = RegexMatcher(text, end: end, groups: c.program.groups)
            guard try search(m, c, from: pos, anchored: anchored, full: full) else { return .none }
            return matchObject(MatchState(m, string: s, pos: pos, endpos: end, compiled: c), pattern: me)
        }
        o.method("match(string, pos=0, endpos=None)", doc: "A Match when the pattern matches at pos, else None.") { a in
            try find(a, anchored: true, full: false)
        }
        o.method("fullmatch(string, pos=0, endpos=None)", doc: "A Match when the pattern matches all of string[pos:endpos], else None.") { a in
            try find(a, anchored: true, full: true)
        }
        o.method("search(string, pos=0, endpos=None)", doc: "The first Match anywhere in string[pos:endpos], else None.") { a in
            try find(a, anchored: false, full: false)
        }
        o.method("findall(string, pos=0, endpos=None)", doc: "Every match's text; with groups, the group (one) or a tuple of groups ('' for an unmatched one).") { a in
            let text = Array(try a.string("string").unicodeScalars)
            let (pos, end) = try window(a, text.count)
            var out: [Value] = []
            try each(c, text, pos, end) { m in
                func g(_ i: Int) -> Value { m.spans[2 * i] < 0 ? .str("") : .str(substring(text, m.spans[2 * i], m.spans[2 * i + 1])) }
                switch c.program.groups {
                case 0: out.append(g(0))
                case 1: out.append(g(1))
                default: out.append(.tuple((1...c.program.groups).map(g)))
                }
            }
            return .list(ListRef(out))
        }
        o.method("finditer(string, pos=0, endpos=None)", doc: "An iterator over the Match objects of every match.") { a in
            let s = try a.string("string")
            let text = Array(s.unicodeScalars)
            let (pos, end) = try window(a, text.count)
            var found: [Value] = []
            try each(c, text, pos, end) { m in found.append(matchObject(MatchState(m, string: s, pos: pos, endpos: end, compiled: c), pattern: me)) }
            return PyIterator.object("callable_iterator", PyIterator(items: found))
        }
        func substitute(_ a: Bound) throws -> (String, Int) {
            let s = try a.string("string")
            let text = Array(s.unicodeScalars)
            let repl = a["repl"]
            var template: [RegexTemplate.Part]?
            if case .str(let r) = repl { template = try RegexTemplate.parse(r, c) }
            var out = String.UnicodeScalarView()
            var last = 0, n = 0
            try each(c, text, 0, text.count, limit: Swift.max(0, try a.int("count"))) { m in
                out.append(contentsOf: text[last..<m.spans[0]])
                let state = MatchState(m, string: s, pos: 0, endpos: text.count, compiled: c)
                if let template {
                    out.append(contentsOf: RegexTemplate.expand(template, state).unicodeScalars)
                } else {
                    let r = try interp.call(repl, Arguments([matchObject(state, pattern: me)]))
                    guard case .str(let piece) = r else { throw RuntimeError("expected str instance, \(r.typeName) found", kind: "TypeError") }
                    out.append(contentsOf: piece.unicodeScalars)
                }
                last = m.spans[1]
                n += 1
            }
            out.append(contentsOf: text[last...])
            return (String(out), n)
        }
        o.method("sub(repl, string, count=0)", doc: "string with the matches replaced by repl (a template with \\1, \\g<name>, or a function of the Match).") { a in
            .str(try substitute(a).0)
        }
        o.method("subn(repl, string, count=0)", doc: "(new_string, number_of_replacements) as sub.") { a in
            let (s, n) = try substitute(a)
            return .tuple([.str(s), .int(n)])
        }
        o.method("split(string, maxsplit=0)", doc: "string split by the matches; the groups' texts (None when unmatched) are kept between the pieces.") { a in
            let text = Array(try a.string("string").unicodeScalars)
            var out: [Value] = []
            var last = 0
            let limit = try a.int("maxsplit")
            if limit < 0 { return .list(ListRef([.str(substring(text, 0, text.count))])) }
            try each(c, text, 0, text.count, limit: limit) { m in
                out.append(.str(substring(text, last, m.spans[0])))
                if c.program.groups > 0 {
                    for g in 1...c.program.groups {
                        out.append(m.spans[2 * g] < 0 ? .none : .str(substring(text, m.spans[2 * g], m.spans[2 * g + 1])))
                    }
                }
                last = m.spans[1]
            }
            out.append(.str(substring(text, last, text.count)))
            return .list(ListRef(out))
        }
        return me
    }

    static func matchObject(_ st: MatchState, pattern: Value) -> Value {
        let o = BuiltObject(typeName: "re.Match", payload: st)
        o.repr = { "<re.Match object; span=(\(st.spans[0]), \(st.spans[1])), match=\(Printer.repr(.str(st.text(0) ?? "")))>" }
        o.set("string", .str(st.string))
        o.set("re", pattern)
        o.set("pos", .int(st.pos))
        o.set("endpos", .int(st.endpos))
        o.set("lastindex", st.lastIndex < 0 ? .none : .int(st.lastIndex))
        let lastName = st.compiled.program.groupNames.first { $0.1 == st.lastIndex }?.0
        o.set("lastgroup", lastName.map { .str($0) } ?? .none)
        o.set("regs", .tuple((0...st.compiled.program.groups).map { g in .tuple([.int(st.span(g).0), .int(st.span(g).1)]) }))
        func index(_ v: Value) throws -> Int {
            switch v {
            case .int(let g) where g >= 0 && g <= st.compiled.program.groups: return g
            case .bool(let b): return b ? 1 : 0
            case .str(let name): if let g = st.compiled.groupIndex[name] { return g }
            default: break
            }
            throw RuntimeError("no such group", kind: "IndexError")
        }
        func group(_ v: Value) throws -> Value { st.text(try index(v)).map { .str($0) } ?? .none }
        o.method("group(*groups)", doc: "The text of a group (0: the whole match; a name or number), None when it did not match; several give a tuple.") { a in
            if a.varargs.isEmpty { return try group(.int(0)) }
            if a.varargs.count == 1 { return try group(a.varargs[0]) }
            return .tuple(try a.varargs.map(group))
        }
        o.method("__getitem__(g)") { a in try group(a["g"]) }
        o.method("groups(default=None)", doc: "A tuple of every group's text (default for those that did not match).") { a in
            .tuple(st.compiled.program.groups == 0 ? [] : (1...st.compiled.program.groups).map { st.text($0).map { .str($0) } ?? a["default"] })
        }
        o.method("groupdict(default=None)", doc: "The named groups' texts by name.") { a in
            let d = DictRef()
            for (name, g) in st.compiled.program.groupNames { d[str: name] = st.text(g).map { .str($0) } ?? a["default"] }
            return .dict(d)
        }
        o.method("start(group=0)") { a in .int(st.span(try index(a["group"])).0) }
        o.method("end(group=0)") { a in .int(st.span(try index(a["group"])).1) }
        o.method("span(group=0)") { a in
            let (s, e) = st.span(try index(a["group"]))
            return .tuple([.int(s), .int(e)])
        }
        o.method("expand(template)", doc: "The template with \\1, \\g<name> replaced by this match's groups, as sub does.") { a in
            .str(RegexTemplate.expand(try RegexTemplate.parse(try a.string("template"), st.compiled), st))
        }
        return .object(o)
    }
}

/// A replacement template (`r'\1-\g<name>'`), parsed as CPython's `_parser.parse_template`:
/// the usual escapes, group references, other escapes of non-letters kept as written.
enum RegexTemplate {
    enum Part { case literal(String), group(Int) }

    static func parse(_ template: String, _ c: RegexModule.Compiled) throws -> [Part] {
        let t = Array(template.unicodeScalars)
        var parts: [Part] = []
        var lit = String.UnicodeScalarView()
        func flush() { if !lit.isEmpty { parts.append(.literal(String(lit))); lit = String.UnicodeScalarView() } }
        func fail(_ msg: String, _ pos: Int) -> RuntimeError { RegexModule.reError(RegexError(message: msg, position: pos), pattern: template) }
        func reference(_ g: Int, _ pos: Int) throws {
            guard g <= c.program.groups else { throw fail("invalid group reference \(g)", pos) }
            flush()
            parts.append(.group(g))
        }
        var i = 0
        while i < t.count {
            let ch = t[i]
            guard ch == "\\" else { lit.append(ch); i += 1; continue }
            let start = i
            i += 1
            guard i < t.count else { throw fail("bad escape (end of pattern)", start) }
            let e = t[i]
            i += 1
            switch e {
            case "g":
                guard i < t.count, t[i] == "<" else { throw fail("missing <", i) }
                let nameStart = i + 1
                guard let close = t[nameStart...].firstIndex(of: ">") else { throw fail("missing >, unterminated name", nameStart) }
                let name = RegexModule.substring(t, nameStart, close)
                i = close + 1
                if name.isEmpty { throw fail("missing group name", nameStart) }
                if let g = Int(name), name.unicodeScalars.allSatisfy({ $0.isASCII && $0.properties.numericType == .decimal }) {
                    try reference(g, nameStart)
                } else if let g = c.groupIndex[name] {
                    try reference(g, nameStart)
                } else if name.unicodeScalars.allSatisfy({ $0 == "_" || $0.properties.isXIDContinue }) {
                    throw RuntimeError("unknown group name '\(name)'", kind: "IndexError")
                } else {
                    throw fail("bad character in group name '\(name)'", nameStart)
                }
            case "0":
                var v: UInt32 = 0, n = 0
                while n < 2, i < t.count, ("0"..."7").contains(t[i]) { v = v * 8 + UInt32(String(t[i]))!; i += 1; n += 1 }
                lit.append(Unicode.Scalar(v)!)
            case "1"..."9":
                var g = Int(String(e))!
                if i < t.count, ("0"..."9").contains(t[i]) {
                    // three octal digits are a character, else a two-digit group
                    if i + 1 < t.count, ("0"..."7").contains(e), ("0"..."7").contains(t[i]), ("0"..."7").contains(t[i + 1]) {
                        let v = Int(RegexModule.substring(t, i - 1, i + 2), radix: 8)!
                        i += 2
                        guard v <= 0o377 else { throw fail("octal escape value \\\(String(v, radix: 8)) outside of range 0-0o377", start) }
                        lit.append(Unicode.Scalar(UInt32(v))!)
                        continue
                    }
                    g = g * 10 + Int(String(t[i]))!
                    i += 1
                }
                try reference(g, start + 1)
            default:
                let escapes: [Unicode.Scalar: Unicode.Scalar] = ["a": "\u{07}", "b": "\u{08}", "f": "\u{0C}", "n": "\n",
                                                                 "r": "\r", "t": "\t", "v": "\u{0B}", "\\": "\\"]
                if let x = escapes[e] {
                    lit.append(x)
                } else if e.isASCII, e.properties.isAlphabetic {
                    throw fail("bad escape \\\(Character(e))", start)
                } else {
                    lit.append("\\")
                    lit.append(e)
                }
            }
        }
        flush()
        return parts
    }

    /// The template with the match's groups put in (an unmatched group as '').
    static func expand(_ parts: [Part], _ m: RegexModule.MatchState) -> String {
        var out = ""
        for p in parts {
            switch p {
            case .literal(let s): out += s
            case .group(let g): out += m.text(g) ?? ""
            }
        }
        return out
    }
}
