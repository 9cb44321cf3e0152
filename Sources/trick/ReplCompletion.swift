import TrickLang
#if canImport(Glibc)
import Glibc
#endif

/// Tab completion for the REPL, decided from the text before the cursor:
/// - `%ti`                    → magics
/// - `name`                   → keyword arguments of the call being written (`iou_threshold=`),
///                              then keywords, variables and built-ins
/// - `cfg.model.ty`           → attributes and methods of a value that exists (simple dotted
///                              names and literal subscripts; nothing is called)
/// - `cfg['dec`               → keys of a dict that exists
/// - `type='Cross`            → component types in the registry (also `'type': 'Cross`)
/// Nothing here evaluates code: values are looked up, never computed.
struct ReplCompletion {
    let interp: Interpreter

    static let keywords = Keyword.reserved.sorted()

    /// Returns the start of the word to replace (a character offset in `before`) and the candidates.
    func complete(before: String, previousLines: String = "") -> (start: Int, candidates: [String]) {
        let chars = Array(before)
        // Tab on a blank line indents, as in Python's REPL (the body of a `def` or `for`).
        if chars.allSatisfy({ $0 == " " || $0 == "\t" }) { return (chars.count, ["    "]) }
        // Magics and `?name` help at the start of a line.
        let lead = chars.prefix { $0 == " " }.count
        if previousLines.isEmpty, lead < chars.count, chars[lead] == "%", !chars[lead...].contains(" ") {
            let word = String(chars[(lead + 1)...])
            return (lead + 1, ReplMagics.names.filter { $0.hasPrefix(word) })
        }
        // The file argument of `%load`, `%run`, `%save`, `%cd`.
        if previousLines.isEmpty, lead < chars.count, chars[lead] == "%", let space = chars[lead...].firstIndex(of: " "),
           ["load", "run", "save", "cd"].contains(String(chars[(lead + 1)..<space])) {
            var s = space
            while s < chars.count, chars[s] == " " { s += 1 }
            let paths = ReplCompletion.paths(completing: String(chars[s...]))
            return (s, String(chars[(lead + 1)..<space]) == "cd" ? paths.filter { $0.hasSuffix("/") } : paths)
        }
        if let q = openStringStart(chars) {
            return (q + 1, stringCompletions(chars, quoteAt: q))
        }
        // The word before the cursor: identifier characters and dots.
        var s = chars.count
        while s > 0, isIdentChar(chars[s - 1]) || chars[s - 1] == "." { s -= 1 }
        let word = String(chars[s...])
        if let dot = word.lastIndex(of: ".") {
            let prefix = String(word[word.index(after: dot)...])
            let baseEnd = s + word.distance(from: word.startIndex, to: dot)
            guard let base = valueOfPath(ending: baseEnd, in: chars) else { return (0, []) }
            var members = interp.memberNames(of: base).sorted()
            if case .dict(let d) = base {
                // Config-style access: the dict's keys first, then its methods.
                let keys = d.keys.compactMap { if case .str(let k) = $0 { return k } else { return nil } }
                members = keys + members.filter { !keys.contains($0) }
            }
            return (baseEnd + 1, members.filter { $0.hasPrefix(prefix) && (prefix.hasPrefix("_") || !$0.hasPrefix("_")) })
        }
        if let f = word.first, f.isNumber { return (s, []) }
        var candidates: [String] = []
        let context = previousLines.isEmpty ? chars : Array(previousLines + "\n") + chars
        let offset = context.count - chars.count
        if let callee = enclosingCall(context, before: s + offset) {
            candidates += callee.filter { $0.hasPrefix(word) }.map { $0 + "=" }
        }
        var names = Set(interp.allNames)
        for k in ReplCompletion.keywords { names.insert(k) }
        candidates += names.filter { $0.hasPrefix(word) && (word.hasPrefix("_") || !$0.hasPrefix("_")) }.sorted()
        return (s, candidates)
    }

    func isIdentChar(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }

    /// Completions inside a string literal: dict keys after `[`, registry types after `type=`.
    func stringCompletions(_ chars: [Character], quoteAt q: Int) -> [String] {
        let prefix = String(chars[(q + 1)...])
        var j = q
        while j > 0, chars[j - 1] == " " { j -= 1 }
        let head = String(chars[..<j])
        if j > 0, chars[j - 1] == "[" {
            guard let v = valueOfPath(ending: j - 1, in: chars), case .dict(let d) = v else { return [] }
            return d.keys.compactMap { if case .str(let k) = $0, k.hasPrefix(prefix) { return k } else { return nil } }
        }
        let isTypeArg: Bool = {
            guard head.hasSuffix("=") else {
                // `{'type': 'Cross` or `"type": "Cross`
                guard head.hasSuffix(":") else { return false }
                let h = String(head.dropLast()).trimmingCharacters(in: .whitespaces)
                return h.hasSuffix("'type'") || h.hasSuffix("\"type\"")
            }
            let h = String(head.dropLast()).trimmingCharacters(in: .whitespaces)
            guard h.hasSuffix("type") else { return false }
            let before = h.dropLast(4).last
            return before.map { !isIdentChar($0) } ?? true
        }()
        if isTypeArg { return interp.library.typeOrder.filter { $0.hasPrefix(prefix) } }
        // Any other string: a file path (`Config.fromfile('con`, `load('data/`).
        return ReplCompletion.paths(completing: prefix)
    }

    /// Files and folders whose path starts with `prefix` (relative to the working directory, or
    /// absolute, or under `~/`); folders end with `/`. Hidden names only when asked for.
    static func paths(completing prefix: String) -> [String] {
        let slash = prefix.lastIndex(of: "/")
        let dirPart = slash.map { String(prefix[...$0]) } ?? ""
        let base = slash.map { String(prefix[prefix.index(after: $0)...]) } ?? prefix
        var dir = dirPart.isEmpty ? "." : dirPart
        if dir.hasPrefix("~/"), let h = getenv("HOME") { dir = String(cString: h) + dir.dropFirst() }
        return FileIO.entries(of: dir)
            .filter { $0.hasPrefix(base) && (base.hasPrefix(".") || !$0.hasPrefix(".")) }
            .sorted()
            .map { dirPart + $0 + (FileIO.isDirectory(dir + "/" + $0) ? "/" : "") }
    }

    /// Index of the quote that opens a string still open at the end of `chars`, if any.
    func openStringStart(_ chars: [Character]) -> Int? {
        var i = 0
        var open: (Int, Character)?
        while i < chars.count {
            let c = chars[i]
            if let (_, q) = open {
                if c == "\\" { i += 2; continue }
                if c == q { open = nil }
            } else if c == "'" || c == "\"" {
                open = (i, c)
            } else if c == "#" {
                return nil
            }
            i += 1
        }
        return open?.0
    }

    /// Parameter names of the call whose `(` is still open before `end`, if the callee is a
    /// name that exists. For `dict(type='X', ...)` these are X's parameters.
    func enclosingCall(_ chars: [Character], before end: Int) -> [String]? {
        var depth = 0
        var i = end - 1
        var quote: Character?
        // Walk back over the text, skipping strings (approximately: quotes toggle) and matched brackets.
        while i >= 0 {
            let c = chars[i]
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "'" || c == "\"" {
                quote = c
            } else if c == ")" || c == "]" || c == "}" {
                depth += 1
            } else if c == "(" || c == "[" || c == "{" {
                if depth == 0 {
                    guard c == "(" else { return nil }
                    guard let callee = valueOfPath(ending: i, in: chars) else { return nil }
                    let args = String(chars[(i + 1)..<end])
                    var params = interp.parameterNames(of: callee)
                    if case .builtin(let b) = callee, b.name == "dict", let t = typeArgument(args),
                       let f = interp.library.types[t] {
                        params = interp.parameterNames(of: .builtin(f)).filter { $0 != "type" }
                    }
                    let given = Set(keywordsGiven(args))
                    return params.filter { !given.contains($0) && $0 != "self" }
                }
                depth -= 1
            }
            i -= 1
        }
        return nil
    }

    /// `type='X'` inside call arguments.
    func typeArgument(_ args: String) -> String? {
        let cs = Array(args)
        var i = 0
        while i + 4 <= cs.count {
            if String(cs[i..<(i + 4)]) == "type", i == 0 || !isIdentChar(cs[i - 1]) {
                var j = i + 4
                while j < cs.count, cs[j] == " " { j += 1 }
                if j < cs.count, cs[j] == "=" {
                    j += 1
                    while j < cs.count, cs[j] == " " { j += 1 }
                    if j < cs.count, cs[j] == "'" || cs[j] == "\"" {
                        let q = cs[j]
                        if let e = cs[(j + 1)...].firstIndex(of: q) { return String(cs[(j + 1)..<e]) }
                    }
                }
            }
            i += 1
        }
        return nil
    }

    func keywordsGiven(_ args: String) -> [String] {
        var out: [String] = []
        let cs = Array(args)
        for (i, c) in cs.enumerated() where c == "=" {
            if i + 1 < cs.count, cs[i + 1] == "=" { continue }
            if i > 0, "=!<>".contains(cs[i - 1]) { continue }
            var j = i
            while j > 0, cs[j - 1] == " " { j -= 1 }
            var k = j
            while k > 0, isIdentChar(cs[k - 1]) { k -= 1 }
            if k < j { out.append(String(cs[k..<j])) }
        }
        return out
    }

    /// The value of the expression ending at `end` (exclusive) if it is a simple path: a name
    /// followed by `.attr`, `['key']` or `[0]` parts. Attributes of objects and dict keys are
    /// read; nothing is called (tensor properties are the only computed attributes allowed).
    func valueOfPath(ending end: Int, in chars: [Character]) -> Value? {
        enum Part { case name(String), key(String), index(Int) }
        var parts: [Part] = []
        var i = end
        while true {
            if i > 0, chars[i - 1] == "]" {
                // a literal subscript: ['key'], ["key"] or [12]
                guard let open = chars[..<(i - 1)].lastIndex(of: "[") else { return nil }
                let inner = String(chars[(open + 1)..<(i - 1)]).trimmingCharacters(in: .whitespaces)
                if inner.count >= 2, let f = inner.first, f == "'" || f == "\"", inner.last == f {
                    parts.append(.key(String(inner.dropFirst().dropLast())))
                } else if let n = Int(inner) {
                    parts.append(.index(n))
                } else {
                    return nil
                }
                i = open
                continue
            }
            var s = i
            while s > 0, isIdentChar(chars[s - 1]) { s -= 1 }
            guard s < i, !chars[s].isNumber else { return nil }
            parts.append(.name(String(chars[s..<i])))
            if s > 0, chars[s - 1] == "." { i = s - 1; continue }
            // A path starts at a name not preceded by an expression character.
            if s > 0, chars[s - 1] == ")" || chars[s - 1] == "]" || chars[s - 1] == "'" || chars[s - 1] == "\"" { return nil }
            break
        }
        parts.reverse()
        guard case .name(let root)? = parts.first, var v = interp.global(root) else { return nil }
        for p in parts.dropFirst() {
            switch (p, v) {
            case (.name(let n), .object), (.name(let n), .dict), (.name(let n), .tensor):
                guard let x = try? interp.getAttribute(v, n) else { return nil }
                v = x
            case (.key(let k), .dict(let d)):
                guard let x = d[str: k] else { return nil }
                v = x
            case (.index(let n), .list(let l)):
                let j = n < 0 ? l.items.count + n : n
                guard j >= 0, j < l.items.count else { return nil }
                v = l.items[j]
            case (.index(let n), .tuple(let t)):
                let j = n < 0 ? t.count + n : n
                guard j >= 0, j < t.count else { return nil }
                v = t[j]
            default:
                return nil
            }
        }
        return v
    }
}
