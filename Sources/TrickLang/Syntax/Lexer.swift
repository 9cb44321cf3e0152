/// Tokens of trick source. Python's lexical structure: INDENT/DEDENT from leading
/// whitespace, newlines ignored inside brackets, `#` comments, string prefixes r/f/b.
public struct Token {
    public enum Kind: Equatable {
        case name, int, float, string, fstring, op, newline, indent, dedent, eof
    }
    public var kind: Kind
    public var text: String
    public var line: Int
    public var column: Int
    /// Whitespace precedes the token on its line (tensor literals `[1 -2]` use this).
    public var spaceBefore: Bool
    /// For strings: the decoded value. For ints/floats: the literal text.
    public var value: String = ""

    var location: SourceLocation { SourceLocation(line: line, column: column, length: Swift.max(1, text.count)) }
}

/// Splits source text into tokens, or reports the first lexical error with its location.
struct Lexer {
    let chars: [Character]
    var pos = 0
    var line = 1
    var col = 1
    var tokens: [Token] = []
    var indents: [Int] = [0]
    var brackets: [(Character, Int, Int)] = []
    let file: SourceFile

    init(_ file: SourceFile) {
        self.file = file
        self.chars = Array(file.text)
    }

    static let threeCharOps: Set<String> = ["**=", "//=", ">>=", "<<=", "..."]
    static let twoCharOps: Set<String> = ["**", "//", "==", "!=", "<=", ">=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=", "->", "<<", ">>", ":="]
    static let oneCharOps: Set<Character> = ["+", "-", "*", "/", "%", "@", "<", ">", "=", "(", ")", "[", "]", "{", "}", ",", ":", ".", ";", "&", "|", "^", "~"]

    func error(_ msg: String, line: Int, col: Int, incomplete: Bool = false) -> TrickError {
        var e = TrickError(.syntax, msg, file: file, at: SourceLocation(line: line, column: col))
        e.isIncompleteInput = incomplete
        return e
    }

    mutating func tokenize() throws -> [Token] {
        var atLineStart = true
        while pos < chars.count {
            if atLineStart && brackets.isEmpty {
                atLineStart = false
                // Measure indentation; skip blank and comment-only lines.
                var width = 0, p = pos
                while p < chars.count, chars[p] == " " || chars[p] == "\t" {
                    width += chars[p] == "\t" ? 8 - width % 8 : 1
                    p += 1
                }
                if p >= chars.count || chars[p] == "\n" || chars[p] == "#" || chars[p] == "\r" {
                    // blank/comment line: skip to newline without emitting anything
                    while p < chars.count, chars[p] != "\n" { p += 1 }
                    col += p - pos
                    pos = p
                    if pos < chars.count { pos += 1; line += 1; col = 1; atLineStart = true }
                    continue
                }
                col += p - pos
                pos = p
                if width > indents.last! {
                    // As Python's tokenizer: deeper blocks would only exhaust the parser's stack.
                    guard indents.count <= 100 else {
                        throw error("too many levels of indentation (more than 100 nested blocks)", line: line, col: col)
                    }
                    indents.append(width)
                    tokens.append(Token(kind: .indent, text: "", line: line, column: 1, spaceBefore: false))
                } else {
                    while width < indents.last! {
                        indents.removeLast()
                        tokens.append(Token(kind: .dedent, text: "", line: line, column: col, spaceBefore: false))
                    }
                    if width != indents.last! {
                        throw error("unindent does not match any outer indentation level", line: line, col: col)
                    }
                }
            }
            let c = chars[pos]
            let space = pos > 0 && (chars[pos - 1] == " " || chars[pos - 1] == "\t")
            if c == " " || c == "\t" || c == "\r" { pos += 1; col += 1; continue }
            if c == "#" {
                while pos < chars.count, chars[pos] != "\n" { pos += 1; col += 1 }
                continue
            }
            if c == "\\", pos + 1 < chars.count, chars[pos + 1] == "\n" {
                pos += 2; line += 1; col = 1
                continue
            }
            if c == "\n" {
                if brackets.isEmpty {
                    if let last = tokens.last, last.kind != .newline, last.kind != .indent, last.kind != .dedent {
                        tokens.append(Token(kind: .newline, text: "\n", line: line, column: col, spaceBefore: false))
                    }
                    atLineStart = true
                }
                pos += 1; line += 1; col = 1
                continue
            }
            let startLine = line, startCol = col
            if c.isLetter || c == "_" {
                // String prefixes: r, f, b, rb, fr ...
                var p = pos
                while p < chars.count, chars[p].isLetter || chars[p].isNumber || chars[p] == "_" { p += 1 }
                let word = String(chars[pos..<p])
                if p < chars.count, chars[p] == "'" || chars[p] == "\"", word.count <= 2,
                   word.lowercased().allSatisfy({ "rfb".contains($0) }) {
                    col += p - pos
                    pos = p
                    try lexString(prefix: word.lowercased(), line: startLine, col: startCol, space: space)
                    continue
                }
                tokens.append(Token(kind: .name, text: word, line: line, column: col, spaceBefore: space))
                col += p - pos
                pos = p
                continue
            }
            if c.isNumber || (c == "." && pos + 1 < chars.count && chars[pos + 1].isNumber) {
                try lexNumber(space: space)
                continue
            }
            if c == "'" || c == "\"" {
                try lexString(prefix: "", line: startLine, col: startCol, space: space)
                continue
            }
            // Operators
            var matched: String?
            if pos + 2 < chars.count, Lexer.threeCharOps.contains(String(chars[pos...pos + 2])) {
                matched = String(chars[pos...pos + 2])
            } else if pos + 1 < chars.count, Lexer.twoCharOps.contains(String(chars[pos...pos + 1])) {
                matched = String(chars[pos...pos + 1])
            } else if Lexer.oneCharOps.contains(c) || c == "!" {
                if c == "!" { throw error("unexpected character '!' (did you mean 'not' or '!='?)", line: line, col: col) }
                matched = String(c)
            }
            guard let op = matched else {
                throw error("unexpected character '\(c)'", line: line, col: col)
            }
            switch op {
            case "(", "[", "{": brackets.append((c, line, col))
            case ")", "]", "}":
                let want: Character = op == ")" ? "(" : op == "]" ? "[" : "{"
                guard let open = brackets.last else {
                    throw error("unmatched '\(op)'", line: line, col: col)
                }
                guard open.0 == want else {
                    throw error("closing '\(op)' does not match opening '\(open.0)' at line \(open.1 + file.lineOffset), column \(open.2)", line: line, col: col)
                }
                brackets.removeLast()
            default: break
            }
            tokens.append(Token(kind: .op, text: op, line: line, column: col, spaceBefore: space))
            pos += op.count
            col += op.count
        }
        if let open = brackets.last {
            throw error("'\(open.0)' was never closed", line: open.1, col: open.2, incomplete: true)
        }
        if let last = tokens.last, last.kind != .newline, last.kind != .dedent {
            tokens.append(Token(kind: .newline, text: "", line: line, column: col, spaceBefore: false))
        }
        while indents.count > 1 {
            indents.removeLast()
            tokens.append(Token(kind: .dedent, text: "", line: line, column: col, spaceBefore: false))
        }
        tokens.append(Token(kind: .eof, text: "", line: line, column: col, spaceBefore: false))
        return tokens
    }

    mutating func lexNumber(space: Bool) throws {
        let start = pos, startCol = col
        var isFloat = false
        if chars[pos] == "0", pos + 1 < chars.count, "xXoObB".contains(chars[pos + 1]) {
            let base: Int = "xX".contains(chars[pos + 1]) ? 16 : "oO".contains(chars[pos + 1]) ? 8 : 2
            pos += 2
            let ds = pos
            while pos < chars.count, chars[pos].isHexDigit || chars[pos] == "_" { pos += 1 }
            let digits = String(chars[ds..<pos]).filter { $0 != "_" }
            col += pos - start
            guard let v = Int(digits, radix: base) else {
                throw error("invalid or too large integer literal '\(String(chars[start..<pos]))'", line: line, col: startCol)
            }
            var t = Token(kind: .int, text: String(chars[start..<pos]), line: line, column: startCol, spaceBefore: space)
            t.value = String(v)
            tokens.append(t)
            return
        }
        while pos < chars.count, chars[pos].isNumber || chars[pos] == "_" { pos += 1 }
        if pos < chars.count, chars[pos] == ".", !(pos + 1 < chars.count && chars[pos + 1] == ".") {
            // `1.` and `1.5`, but not `1..` ; `x.1` is never produced here since names lex first.
            if !(pos + 1 < chars.count && (chars[pos + 1].isLetter && chars[pos + 1] != "e" && chars[pos + 1] != "E")) {
                isFloat = true
                pos += 1
                while pos < chars.count, chars[pos].isNumber || chars[pos] == "_" { pos += 1 }
            }
        }
        if pos < chars.count, chars[pos] == "e" || chars[pos] == "E" {
            var p = pos + 1
            if p < chars.count, chars[p] == "+" || chars[p] == "-" { p += 1 }
            if p < chars.count, chars[p].isNumber {
                isFloat = true
                pos = p
                while pos < chars.count, chars[pos].isNumber { pos += 1 }
            }
        }
        if pos < chars.count, chars[pos] == "j" || chars[pos] == "J" {
            throw error("complex numbers are not supported", line: line, col: startCol)
        }
        let text = String(chars[start..<pos])
        col += pos - start
        var t = Token(kind: isFloat ? .float : .int, text: text, line: line, column: startCol, spaceBefore: space)
        t.value = text.filter { $0 != "_" }
        if !isFloat, Int(t.value) == nil {
            throw error("integer literal '\(text)' is too large for a 64-bit int", line: line, col: startCol)
        }
        tokens.append(t)
    }

    mutating func lexString(prefix: String, line startLine: Int, col startCol: Int, space: Bool) throws {
        let q = chars[pos]
        let triple = pos + 2 < chars.count && chars[pos + 1] == q && chars[pos + 2] == q
        let raw = prefix.contains("r")
        let start = pos
        pos += triple ? 3 : 1
        col += triple ? 3 : 1
        var out = ""
        while true {
            guard pos < chars.count else {
                throw error("unterminated string literal", line: startLine, col: startCol, incomplete: triple)
            }
            let c = chars[pos]
            if c == q {
                if !triple { pos += 1; col += 1; break }
                if pos + 2 < chars.count, chars[pos + 1] == q, chars[pos + 2] == q { pos += 3; col += 3; break }
            }
            if c == "\n" {
                if !triple { throw error("unterminated string literal (a newline inside '\(q)...\(q)')", line: startLine, col: startCol) }
                line += 1; col = 1; pos += 1; out.append("\n")
                continue
            }
            if c == "\\", pos + 1 < chars.count {
                let n = chars[pos + 1]
                if raw { out.append(c); out.append(n); pos += 2; col += 2; continue }
                pos += 2; col += 2
                switch n {
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "r": out.append("\r")
                case "a": out.append("\u{7}")
                case "b": out.append("\u{8}")
                case "f": out.append("\u{c}")
                case "v": out.append("\u{b}")
                case "0"..."7":
                    // an octal escape, up to three digits (\0, \12, \177), as Python's
                    var v = UInt32(n.asciiValue! - 48), digits = 1
                    while digits < 3, pos < chars.count, let d = chars[pos].asciiValue, (48...55).contains(d) {
                        v = v * 8 + UInt32(d - 48); digits += 1; pos += 1; col += 1
                    }
                    out.unicodeScalars.append(Unicode.Scalar(v)!)
                case "\\": out.append("\\")
                case "'": out.append("'")
                case "\"": out.append("\"")
                case "\n": line += 1; col = 1
                case "x", "u", "U":
                    let len = n == "x" ? 2 : n == "u" ? 4 : 8
                    guard pos + len <= chars.count, let v = UInt32(String(chars[pos..<pos + len]), radix: 16), let s = Unicode.Scalar(v) else {
                        throw error("invalid \\\(n) escape", line: line, col: col - 2)
                    }
                    out.unicodeScalars.append(s); pos += len; col += len
                default: out.append("\\"); out.append(n)
                }
                continue
            }
            out.append(c); pos += 1; col += 1
        }
        var t = Token(kind: prefix.contains("f") ? .fstring : .string, text: String(chars[start..<pos]),
                      line: startLine, column: startCol, spaceBefore: space)
        t.value = out
        // Adjacent string literals concatenate ('a' 'b').
        if let last = tokens.last, last.kind == .string, t.kind == .string {
            tokens[tokens.count - 1].value += out
            return
        }
        tokens.append(t)
    }
}
