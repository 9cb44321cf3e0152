@preconcurrency import CEditLine
import TrickCore
import TrickLang
#if canImport(Glibc)
import Glibc
#endif

/// `trick` on a terminal: an IPython-style session on libedit. `In [n]:` prompts, `Out[n]:`
/// values, `_` for the last one, multi-line cells decided by the parser, persistent history,
/// Tab completion, `?name` help, `%magics`, pasted prompts stripped, Ctrl-C interrupting an
/// evaluation without losing the session. `trick repl` with a pipe on stdin runs the same
/// session without line editing or prompts (how the tests drive it).
struct REPL {
    func run() -> Int32 {
        let session = REPLSession(interactive: FileIO.isStdinTerminal)
        return session.interactive ? session.runInteractive() : session.runPiped()
    }
}

/// One cell as `%save` writes it: its source and the output under each statement's last line
/// (line numbers within the source), as a notebook keeps them.
struct LoggedCell {
    var source: String
    var outputs: [(line: Int, text: String)] = []

    /// Drops the source after line `n` (the statements that never ran).
    mutating func keepLines(through n: Int) {
        let ls = source.split(separator: "\n", omittingEmptySubsequences: false).prefix(max(0, n))
        source = ls.joined(separator: "\n")
        outputs = outputs.filter { $0.line <= n }
    }

    /// The cell's lines with its outputs as `#>` lines; earlier `#>` lines are replaced.
    var notebookLines: [String] {
        var out: [String] = []
        let ls = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (i, l) in ls.enumerated() {
            if l.hasPrefix("#>") { continue }
            out.append(l)
            for o in outputs where o.line == i + 1 && !o.text.isEmpty {
                var olines = o.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                if o.text.hasSuffix("\n") { olines.removeLast() }
                out += olines.map { $0.isEmpty ? "#>" : "#> " + $0 }
            }
        }
        return out
    }
}

final class REPLSession {
    let interactive: Bool
    let color: Bool
    var interp: Interpreter
    /// The number of the next cell (`In [n]`).
    var count = 1
    /// Cells kept for `%save` (cleared by `%reset`).
    var log: [LoggedCell] = []
    /// Every cell typed, magics included, for `%history`.
    var inputs: [(Int, String)] = []
    /// Output written while a statement runs (for the session log).
    var captured = ""
    /// Set by `exit` / `quit`.
    var finished = false
    /// IPython's `Out` (cell number → its displayed value) and `In` (`In[n]` is cell n's source).
    var outputs = DictRef()
    var inputList = ListRef([.str("")])
    /// The displayed values so far, for `_`, `__`, `___`.
    var shown: [Value] = []
    /// Session names an interrupted cell touched, and the names computed from them since: the
    /// cells that read them are left out of `%save`, whose notebook must pass `trick test`.
    var tainted: Set<String> = []
    /// Cells left out of `%save` for that reason.
    var untrusted: [Int] = []
    /// A file `%load` put into the input, waiting to become the cell being typed.
    var loadedInput: [String]?
    /// Reads one more line for `%cpaste` (the terminal's editor, or the pipe), given a prompt.
    var readRawLine: ((String) -> String?)?
    /// For `%cd -`.
    var previousDirectory: String?

    init(interactive: Bool) {
        self.interactive = interactive
        self.color = interactive && FileIO.isStdoutTerminal && getenv("NO_COLOR") == nil
            && (getenv("TERM").map { String(cString: $0) } ?? "") != "dumb"
        interp = Runner.makeInterpreter()
        attachOutput()
        installHistoryNames()
    }

    /// `In` and `Out` as IPython has them (a fresh interpreter gets them again).
    func installHistoryNames() {
        interp.setGlobal("In", .list(inputList))
        interp.setGlobal("Out", .dict(outputs))
    }

    func attachOutput() {
        interp.output = { [unowned self] s in
            FileIO.writeStdout(s)
            self.captured += s
        }
    }

    /// A fresh interpreter: every user name is gone, built-ins are back.
    func resetInterpreter() {
        interp = Runner.makeInterpreter()
        attachOutput()
        outputs = DictRef()
        shown = []
        tainted = []
        installHistoryNames()
    }

    // MARK: Reading

    func inPrompt(_ n: Int) -> String {
        guard color else { return "In [\(n)]: " }
        let g = LineEditor.invisible("\u{1B}[32m"), bg = LineEditor.invisible("\u{1B}[1;32m")
        let reset = LineEditor.invisible("\u{1B}[0m")
        // The prompt ends with a visible space: libedit drops a trailing invisible sequence.
        return g + "In [" + bg + "\(n)" + reset + g + "]:" + reset + " "
    }

    /// `   ...: `, aligned with the `In [n]: ` prompt.
    func continuationPrompt(_ n: Int) -> String {
        let width = "In [\(n)]: ".count
        let text = String(repeating: " ", count: max(0, width - 5)) + "...: "
        guard color else { return text }
        return LineEditor.invisible("\u{1B}[32m") + String(text.dropLast()) + LineEditor.invisible("\u{1B}[0m") + " "
    }

    func runInteractive() -> Int32 {
        LineEditor.setUp(historyPath: LineEditor.defaultHistoryPath())
        readRawLine = { prompt in
            switch LineEditor.read(prompt: prompt) {
            case .line(let l): return l
            case .paste(let typed, let text): return typed + text
            case .interrupted, .endOfInput: return nil
            }
        }
        replCompleter = { [unowned self] before, previous in
            ReplCompletion(interp: self.interp).complete(before: before, previousLines: previous)
        }
        FileIO.writeStdout("trick \(Trick.version): help(name) or ?name for help, %lsmagic for magics, Tab completes, Ctrl-D exits.\n")
        var assembler = CellAssembler()
        var interrupted = false
        var unfinished = ""     // a paste's last line, put back on the line to be edited
        while !finished {
            if assembler.isEmpty && !interrupted && unfinished.isEmpty { FileIO.writeStdout("\n") }
            interrupted = false
            replPendingLines = assembler.text
            let prompt = assembler.isEmpty ? inPrompt(count) : continuationPrompt(count)
            let indent = assembler.isEmpty || !unfinished.isEmpty ? 0 : assembler.nextIndent
            let input = LineEditor.read(prompt: prompt, indent: indent, text: unfinished)
            let pasteOpen = !unfinished.isEmpty
            unfinished = ""
            switch input {
            case .endOfInput:
                FileIO.writeStdout("\n")
                finished = true
            case .interrupted:
                // Ctrl-C at the prompt: drop what was typed, start a fresh cell.
                assembler.reset()
                FileIO.writeStdout("\n")
                interrupted = true
            case .line(let line):
                // The line that finishes a paste joins the pasted cell. Lines already waiting
                // were pasted by a terminal without bracketed paste: a blank line among them
                // does not end a block (IPython's rule).
                let cells = pasteOpen ? assembler.feedPaste(line + "\n").cells
                    : line.contains("\n") ? assembler.feedCell(line)
                    : assembler.feed(line, pasting: LineEditor.inputPending())
                for cell in cells where !finished {
                    LineEditor.addHistory(cell)
                    handle(cell)
                }
                if let loaded = loadedInput {
                    // `%load`: the file is the cell being typed now, shown as such.
                    loadedInput = nil
                    assembler.load(loaded)
                    let cont = continuationPrompt(count)
                    FileIO.writeStdout(loaded.map { cont + $0 + "\n" }.joined())
                }
            case .paste(let typed, let text):
                let (cells, rest) = assembler.feedPaste(typed + text)
                echoPaste(prompt: prompt, text: String((typed + text).dropLast(rest.count)))
                unfinished = rest
                for cell in cells where !finished {
                    LineEditor.addHistory(cell)
                    handle(cell)
                }
            }
        }
        FileIO.flush()
        return 0
    }

    /// Shows a multi-line paste as the cell it became: libedit only echoed the line it held
    /// (the prompt and what was typed before the paste), so that line is rewritten with the
    /// paste's first line, and the others follow under continuation prompts.
    func echoPaste(prompt: String, text: String) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if text.hasSuffix("\n") { lines.removeLast() }
        guard let first = lines.first else { return }
        let visible = { (p: String) in String(p.unicodeScalars.filter { $0 != "\u{1}" && $0 != "\u{2}" }.map(Character.init)) }
        var out = "\u{1B}[A\r" + visible(prompt) + first + "\u{1B}[K\n"
        let cont = visible(continuationPrompt(count))
        for l in lines.dropFirst() { out += cont + l + "\n" }
        FileIO.writeStdout(out)
    }

    /// `trick repl < file`: the same session, read from a pipe, without prompts or history.
    func runPiped() -> Int32 {
        LineEditor.installSignalHandler()
        readRawLine = { _ in readLine(strippingNewline: true) }
        var assembler = CellAssembler()
        while !finished, let line = readLine(strippingNewline: true) {
            for cell in assembler.feed(line, pasting: true) where !finished { handle(cell) }
            if let loaded = loadedInput {
                loadedInput = nil
                assembler.load(loaded)
            }
        }
        if !finished, let cell = assembler.finish() { handle(cell) }
        FileIO.flush()
        return 0
    }

    // MARK: Running cells

    /// Runs one cell: a magic, a help request or code.
    func handle(_ cell: String) {
        // Comments alone (a pasted transcript's narration) use no cell number.
        if cell.split(separator: "\n").allSatisfy({ l in
            let t = l.trimmingCharacters(in: .whitespaces)
            return t.isEmpty || t.hasPrefix("#")
        }) { return }
        let n = count
        count += 1
        inputs.append((n, cell))
        inputList.items.append(.str(cell))
        let t = cell.trimmingCharacters(in: .whitespaces)
        if ["exit", "quit", "exit()", "quit()"].contains(t) {
            finished = true
            return
        }
        if t.hasPrefix("%") {
            runMagic(String(t.dropFirst()), n: n)
        } else if !t.contains("\n"), t.hasPrefix("?") || (t.hasSuffix("?") && !t.hasPrefix("#")) {
            showHelp(String(t.drop { $0 == "?" }.reversed().drop { $0 == "?" }.reversed()), n: n)
        } else if let logged = execute(cell, n: n, show: { self.showValue($0, n: n) }) {
            log.append(logged)
        }
        FileIO.flush()
    }

    func showValue(_ v: Value, n: Int) {
        // `_` is the interpreter's own (set by every displayed expression); `__`, `___`, `_n` and
        // `Out[n]` as IPython keeps them.
        shown.append(v)
        if shown.count > 3 { shown.removeFirst() }
        if shown.count >= 2 { interp.setGlobal("__", shown[shown.count - 2]) }
        if shown.count >= 3 { interp.setGlobal("___", shown[shown.count - 3]) }
        interp.setGlobal("_", v)
        interp.setGlobal("_\(n)", v)
        try? outputs.set(.int(n), v)
        let r = Printer.pformat(v)
        let label = color ? "\u{1B}[31mOut[\u{1B}[1;31m\(n)\u{1B}[0;31m]:\u{1B}[0m " : "Out[\(n)]: "
        // A value on several lines starts under the label, as IPython shows it.
        FileIO.writeStdout((r.contains("\n") ? String(label.dropLast()) + "\n" : label) + r + "\n")
    }

    /// Runs code statement by statement on a big-stack thread, showing each displayed value.
    /// Returns what `%save` keeps: the statements that ran with their output (a statement that
    /// failed keeps its `error:` line, as a notebook records it; an interrupted one is dropped),
    /// or nil when nothing ran.
    func execute(_ source: String, n: Int, show: @escaping (Value) -> Void) -> LoggedCell? {
        let file = SourceFile(name: "In [\(n)]", text: source)
        let program: Program
        do { program = try Parser.parse(file) } catch {
            reportError(error)
            return nil
        }
        var logged: LoggedCell? = LoggedCell(source: source)
        var interrupted = false
        let before = Set(sessionNames.map(\.0))
        beginEvaluation()
        _ = Runner.onBigStack { [self] in
            let statements: [Interpreter.CompiledStatement]
            do { statements = try interp.compile(program) } catch {
                reportError(error)
                logged = nil
                return 1
            }
            for st in statements {
                captured = ""
                do {
                    if replInterruptSeen != 0 { throw TrickError.interrupt }
                    if let v = try st.execute() {
                        show(v)
                        captured += Printer.repr(v) + "\n"
                    }
                    logged?.outputs.append((st.lastLine, captured))
                } catch let e as TrickError where e.isInterrupt || replInterruptSeen != 0 {
                    FileIO.writeStderr("KeyboardInterrupt\n")
                    logged = nil
                    interrupted = true
                    return 1
                } catch {
                    reportError(error)
                    let message = (error as? TrickError)?.message ?? "\(error)"
                    logged?.outputs.append((st.lastLine, captured + "error: \(message)\n"))
                    logged?.keepLines(through: st.lastLine)
                    return 1
                }
            }
            return 0
        }
        endEvaluation()
        // An interrupted cell is not saved, and what it touched is no longer what the saved
        // notebook would compute: every later cell that reads it is left out too.
        let names = REPLSession.identifiers(in: source)
        let session = before.union(sessionNames.map(\.0))
        if interrupted || !names.isDisjoint(with: tainted) {
            tainted.formUnion(names.intersection(session))
            untrusted.append(n)
            return nil
        }
        if let l = logged, l.source.trimmingCharacters(in: .whitespaces).isEmpty { return nil }
        return logged
    }

    /// The names a cell mentions (not attributes after a dot, not inside strings or comments);
    /// a superset of what it reads and writes, which is what tainting needs.
    static func identifiers(in source: String) -> Set<String> {
        var names = Set<String>()
        let chars = Array(source)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "#" {
                while i < chars.count && chars[i] != "\n" { i += 1 }
            } else if c == "'" || c == "\"" {
                let triple = i + 2 < chars.count && chars[i + 1] == c && chars[i + 2] == c
                i += triple ? 3 : 1
                while i < chars.count {
                    if chars[i] == "\\" { i += 2; continue }
                    if chars[i] == c && (!triple || (i + 2 < chars.count && chars[i + 1] == c && chars[i + 2] == c)) {
                        i += triple ? 3 : 1
                        break
                    }
                    if chars[i] == "\n" && !triple { break }
                    i += 1
                }
            } else if c.isLetter || c == "_" {
                let start = i
                while i < chars.count && (chars[i].isLetter || chars[i].isNumber || chars[i] == "_") { i += 1 }
                var j = start - 1
                while j >= 0 && chars[j] == " " { j -= 1 }
                if j < 0 || chars[j] != "." { names.insert(String(chars[start..<i])) }
            } else {
                i += 1
            }
        }
        return names
    }

    /// Ctrl-C now interrupts the evaluation (until `endEvaluation`).
    func beginEvaluation() {
        replInterruptSeen = 0
        replPendingInterrupts = 0
        trickInterruptRequested = 0
        replEvaluating = 1
    }

    func endEvaluation() {
        replEvaluating = 0
        trickInterruptRequested = 0
    }

    func reportError(_ error: Error) {
        if let e = error as? TrickError { Runner.report(e) } else { FileIO.writeStderr("error: \(error)\n") }
    }

    /// `?name`, `name?`: the help text of a value (looked up without running code when it is a
    /// plain name or dotted path).
    func showHelp(_ expr: String, n: Int) {
        let e = expr.trimmingCharacters(in: .whitespaces)
        if e.isEmpty {
            FileIO.writeStdout(Help.text(for: .none, library: interp.library) + "\n")
            return
        }
        let chars = Array(e)
        var value = ReplCompletion(interp: interp).valueOfPath(ending: chars.count, in: chars)
        if value == nil {
            let saved = interp.global("_")
            beginEvaluation()
            _ = Runner.onBigStack { [self] in
                do { value = try interp.evaluate(source: e, name: "In [\(n)]") } catch { reportError(error) }
                return 0
            }
            endEvaluation()
            if let s = saved { interp.setGlobal("_", s) }
            guard value != nil else { return }
        }
        FileIO.writeStdout(Help.text(for: value!, library: interp.library) + "\n")
    }
}

extension TrickError {
    static var interrupt: TrickError {
        var e = TrickError(.runtime, "KeyboardInterrupt")
        e.isInterrupt = true
        e.kind = "KeyboardInterrupt"
        return e
    }
}
