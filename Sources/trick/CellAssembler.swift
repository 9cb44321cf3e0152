import TrickLang

/// Joins input lines into cells, as Python's REPL does: the parser decides whether more input
/// is needed (an open bracket, string or block); a compound statement (`def`, `for`, `if`, ...)
/// goes on until a blank line. Pasted prompts are stripped, as IPython does: doctest `>>> ` and
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
    mutating func feed(_ raw: String) -> [String] {
        let (line, prompted) = stripPrompt(raw)
        let blank = line.trimmingCharacters(in: .whitespaces).isEmpty
        var ready: [String] = []
        if !lines.isEmpty {
            let state = CellAssembler.status(text)
            if blank {
                // A blank line ends the cell, except inside an open bracket or string.
                let lastCode = lines.last { !$0.trimmingCharacters(in: .whitespaces).isEmpty } ?? ""
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

    /// A whole cell at once (a multi-line history entry recalled with Up): it runs as soon as it
    /// is complete, without waiting for a blank line.
    mutating func feedCell(_ cell: String) -> [String] {
        var ready: [String] = []
        for l in cell.split(separator: "\n", omittingEmptySubsequences: false) { ready += feed(String(l)) }
        if !lines.isEmpty && CellAssembler.status(text) == .complete { ready.append(take()) }
        return ready
    }

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
