import TrickLang

/// Joins input lines into cells, as Python's REPL and IPython do: the parser decides whether
/// more input is needed (an open bracket, string or block, at any depth of nesting); a compound
/// statement (`def`, `for`, `if`, ...) goes on until a blank line (typed) or a new statement at
/// column 0 (pasted, piped). Pasted prompts are stripped, as IPython does: doctest `>>> ` and
/// `... `, IPython `In [n]: ` and `   ...: `. A pasted prompt, or a line back at column 0 after
/// a finished block, starts a new cell, so transcripts paste without blank lines between cells.
struct CellAssembler {
    private(set) var lines: [String] = []
    /// The previous line carried a doctest prompt, so a `...` prefix is a prompt, not Ellipsis.
    private var doctest = false

    var isEmpty: Bool { lines.isEmpty }
    var text: String { lines.joined(separator: "\n") }

    mutating func reset() {
        lines = []
        doctest = false
    }

    enum Status { case complete, incomplete, invalid }

    static func status(_ text: String) -> Status {
        do {
            _ = try Parser.parse(SourceFile(name: "<stdin>", text: text))
            return .complete
        } catch let e as TrickError where e.isIncompleteInput {
            return .incomplete
        } catch {
            return .invalid
        }
    }

    static let blockKeywords: Set<String> = ["def", "if", "for", "while", "try", "with", "class", "async", "match"]
    static let continuationKeywords: Set<String> = ["elif", "else", "except", "finally"]

    static func firstWord(_ line: String) -> String {
        String(line.drop { $0 == " " || $0 == "\t" }.prefix { $0.isLetter || $0 == "_" })
    }

    /// True when the cell starts with a compound statement (it then ends at a blank line).
    static func isCompound(_ text: String) -> Bool {
        for l in text.split(separator: "\n") {
            let t = l.trimmingCharacters(in: .whitespaces)
            if t.isEmpty || t.hasPrefix("#") { continue }
            return t.hasPrefix("@") || blockKeywords.contains(firstWord(t))
        }
        return false
    }

    /// Removes a pasted prompt; says whether the line carried a "new statement" prompt.
    mutating func stripPrompt(_ raw: String) -> (line: String, newStatement: Bool) {
        var line = raw
        if line.hasSuffix("\r") { line.removeLast() }
        if line == ">>>" || line.hasPrefix(">>> ") {
            doctest = true
            return (String(line.dropFirst(line.count > 3 ? 4 : 3)), true)
        }
        if doctest && (line == "..." || line.hasPrefix("... ")) {
            return (String(line.dropFirst(line.count > 3 ? 4 : 3)), false)
        }
        doctest = false
        if let rest = CellAssembler.afterIPythonPrompt(line) { return (rest, true) }
        // IPython's continuation prompt, `   ...: ` (never valid code at a line start).
        let trimmed = line.drop { $0 == " " }
        if !isEmpty, trimmed.hasPrefix("...:") {
            var rest = trimmed.dropFirst(4)
            if rest.first == " " { rest = rest.dropFirst() }
            return (String(rest), false)
        }
        return (line, false)
    }

    /// `In [12]: code` → `code`.
    static func afterIPythonPrompt(_ line: String) -> String? {
        guard line.hasPrefix("In [") else { return nil }
        let rest = line.dropFirst(4)
        let digits = rest.prefix { $0.isNumber }
        guard !digits.isEmpty else { return nil }
        var after = rest.dropFirst(digits.count)
        guard after.hasPrefix("]:") else { return nil }
        after = after.dropFirst(2)
        if after.first == " " { after = after.dropFirst() }
        return String(after)
    }

    /// Feeds one line; returns the cells that are ready to run, in order.
    ///
    /// `pasting` says whether the line is part of a paste or a piped file rather than typed at the
    /// prompt. A typed blank line ends a block at once, as in Python's REPL; in a paste a blank
    /// line inside a block does not: the next line decides, by IPython's rule — an indented line
    /// (or `elif`/`else`/`except`/`finally`) continues the block, a new statement at column 0
    /// starts the next cell. So a function with blank lines in its body pastes whole.
    mutating func feed(_ raw: String, pasting: Bool = false) -> [String] {
        let (line, prompted) = stripPrompt(raw)
        let blank = CellAssembler.isBlank(line)
        var ready: [String] = []
        if !lines.isEmpty {
            let state = CellAssembler.status(text)
            if blank {
                if pasting && state != .invalid {
                    lines.append(line)
                    return []
                }
                // Typed: a blank line ends the cell, except inside an open bracket or string.
                let lastCode = lines.last { !CellAssembler.isBlank($0) } ?? ""
                if state == .incomplete && !lastCode.trimmingCharacters(in: .whitespaces).hasSuffix(":") {
                    lines.append(line)
                    return []
                }
                ready.append(take())
                return ready
            }
            if state == .complete && (prompted || startsNewStatement(line)) { ready.append(take()) }
        }
        if lines.isEmpty && blank { return ready }
        if lines.isEmpty, let c = line.drop(while: { $0 == " " }).first, c == "%" || c == "?" {
            // A magic or a help request is one line, whatever brackets it holds.
            ready.append(line)
            return ready
        }
        lines.append(line)
        switch CellAssembler.status(text) {
        case .incomplete: break
        case .invalid: ready.append(take())
        case .complete: if !CellAssembler.isCompound(text) { ready.append(take()) }
        }
        return ready
    }

    /// A whole cell at once (a multi-line history entry recalled with Up, a transcript pasted
    /// with its prompts): it runs as soon as it is complete, without waiting for a blank line.
    mutating func feedCell(_ cell: String) -> [String] {
        var ready: [String] = []
        for l in cell.split(separator: "\n", omittingEmptySubsequences: false) { ready += feed(String(l), pasting: true) }
        if !lines.isEmpty && CellAssembler.status(text) == .complete { ready.append(take()) }
        return ready
    }

    /// A bracketed paste (the terminal marks it, so it arrives whole): as in IPython, the pasted
    /// code is one cell, blank lines and all, and it runs when it is complete and the paste ended
    /// its last line. A paste that ends inside a line leaves that line to be edited: it comes back
    /// as `unfinished`, and the lines before it wait in the cell. Pasted transcripts (`>>> `,
    /// `In [n]: ` prompts) still split into their cells.
    mutating func feedPaste(_ pasted: String) -> (cells: [String], unfinished: String) {
        var text = CellAssembler.unixLineBreaks(pasted)
        var unfinished = ""
        if !text.hasSuffix("\n") {
            if let nl = text.lastIndex(of: "\n") {
                unfinished = String(text[text.index(after: nl)...])
                text = String(text[...nl])
            } else {
                return ([], text)
            }
        }
        let pastedLines = text.dropLast().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let hasPrompts = pastedLines.contains { $0 == ">>>" || $0.hasPrefix(">>> ") || CellAssembler.afterIPythonPrompt($0) != nil }
        if hasPrompts {
            var ready: [String] = []
            for l in pastedLines { ready += feed(l, pasting: true) }
            if unfinished.isEmpty && !lines.isEmpty && CellAssembler.status(self.text) == .complete { ready.append(take()) }
            return (ready, unfinished)
        }
        lines += pastedLines
        while let l = lines.first, CellAssembler.isBlank(l) { lines.removeFirst() }
        guard !lines.isEmpty, unfinished.isEmpty else { return ([], unfinished) }
        switch CellAssembler.status(self.text) {
        case .incomplete: return ([], "")
        case .complete, .invalid: return ([take()], "")
        }
    }

    /// `%load`: the lines become the cell being typed; an empty line (or a new statement) runs it.
    mutating func load(_ loaded: [String]) {
        lines += loaded
    }

    /// The indentation a continuation line of the cell starts with (auto-indent, as IPython's):
    /// four more after a line ending in `:`, four less after `return`, `pass`, `break`,
    /// `continue` or `raise`, else the previous line's.
    var nextIndent: Int {
        guard let last = lines.last(where: { !CellAssembler.isBlank($0) }) else { return 0 }
        let indent = last.prefix { $0 == " " }.count
        let code = CellAssembler.withoutComment(last).trimmingCharacters(in: .whitespaces)
        if code.hasSuffix(":") { return indent + 4 }
        if ["return", "pass", "break", "continue", "raise"].contains(CellAssembler.firstWord(code)) {
            return max(0, indent - 4)
        }
        return indent
    }

    /// The line without a trailing `#` comment (a `#` inside a string is kept).
    static func withoutComment(_ line: String) -> String {
        var quote: Character?
        var out = ""
        var escaped = false
        for c in line {
            if let q = quote {
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == q { quote = nil }
            } else if c == "'" || c == "\"" {
                quote = c
            } else if c == "#" {
                break
            }
            out.append(c)
        }
        return out
    }

    /// Terminals send a pasted line break as CR; Windows text has CRLF.
    static func unixLineBreaks(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        var afterCR = false
        for u in s.unicodeScalars {
            if u == "\n" && afterCR { afterCR = false; continue }
            afterCR = u == "\r"
            out.append(afterCR ? "\n" : u)
        }
        return String(out)
    }

    static func isBlank<S: StringProtocol>(_ line: S) -> Bool { line.allSatisfy { $0 == " " || $0 == "\t" } }

    /// End of input: whatever is pending runs (and reports its error if it is unfinished).
    mutating func finish() -> String? {
        lines.isEmpty ? nil : take()
    }

    private func startsNewStatement(_ line: String) -> Bool {
        guard let c = line.first, c != " ", c != "\t", c != "#", c != ")", c != "]", c != "}" else { return false }
        return !CellAssembler.continuationKeywords.contains(CellAssembler.firstWord(line))
    }

    private mutating func take() -> String {
        var ls = lines
        while let l = ls.last, l.trimmingCharacters(in: .whitespaces).isEmpty { ls.removeLast() }
        lines = []
        return ls.joined(separator: "\n")
    }
}
