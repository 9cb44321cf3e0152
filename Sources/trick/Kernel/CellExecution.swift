import TrickCore
import TrickLang
#if canImport(Glibc)
import Glibc
#endif

/// What running a notebook cell produces, in order: what the Jupyter kernel publishes and what
/// `trick convert --execute` stores as a cell's outputs.
enum CellOutput {
    case stream(name: String, text: String)
    /// The value of a top-level expression statement (as a notebook shows it: every one, not only
    /// the last, so a cell's outputs are its `#>` lines).
    case result(bundle: [(String, MimeData)])
    /// `display(x)`.
    case display(bundle: [(String, MimeData)])
    case error(TrickError)
    /// The statement ending on this line (of the cell) has run: the outputs since the previous
    /// one are its own (what `#>` lines under that line hold).
    case statementEnd(line: Int)
}

/// Ctrl-C in the kernel (`interrupt_mode: signal`): while a cell runs, SIGINT sets the flag the
/// interpreter polls, so the cell stops with a KeyboardInterrupt and the kernel lives on; while
/// idle it is ignored. Only async-signal-safe work in the handler: flags.
nonisolated(unsafe) var kernelEvaluating: Int32 = 0
nonisolated(unsafe) var kernelInterruptSeen: Int32 = 0

/// One interpreter that keeps its names from cell to cell, run the way the REPL runs a cell
/// (statement by statement, on a big-stack thread, each displayed value shown), with the output
/// handed to a sink instead of the terminal.
final class CellSession {
    private(set) var interp: Interpreter
    /// Stdout is collected and handed on in pieces: at the end of each statement, before any other
    /// output, and at most every `flushInterval` seconds while a long statement prints.
    private var pending = ""
    private var lastFlush = 0.0
    var flushInterval = 0.05
    private var sink: (CellOutput) -> Void = { _ in }
    /// Called with each displayed value (the kernel keeps `Out`, `_n`, `__`, `___`).
    var onValue: ((Value) -> Void)?

    init() {
        interp = Runner.makeInterpreter()
        attach()
    }

    /// Runs from now on with `other` (a `%reset` made a fresh interpreter).
    func adopt(_ other: Interpreter) {
        interp = other
        attach()
    }

    /// Sends the interpreter's output and displays to this session's sink.
    func attach() {
        interp.output = { [unowned self] s in
            self.pending += s
            if self.pending.utf8.count > 1 << 16 || CellSession.now() - self.lastFlush > self.flushInterval { self.flush() }
        }
        interp.display = { [unowned self] v in
            self.flush()
            self.sink(.display(bundle: RichDisplay.bundle(for: v)))
        }
    }

    static func installInterruptHandler() {
        signal(SIGINT) { _ in
            if kernelEvaluating != 0 {
                kernelInterruptSeen = 1
                trickInterruptRequested = 1
            }
        }
    }

    /// Ctrl-C semantics without a signal (`interrupt_request` on the control channel).
    static func requestInterrupt() {
        if kernelEvaluating != 0 {
            kernelInterruptSeen = 1
            trickInterruptRequested = 1
        }
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    private func flush() {
        lastFlush = CellSession.now()
        guard !pending.isEmpty else { return }
        let text = pending
        pending = ""
        sink(.stream(name: "stdout", text: text))
    }

    /// Runs one cell; true when every statement ran. `?name` / `name?` shows help, as in the REPL.
    @discardableResult
    func run(_ code: String, name: String, sink: @escaping (CellOutput) -> Void) -> Bool {
        self.sink = sink
        defer { self.sink = { _ in } }
        let t = String(code.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
        if !t.contains("\n"), t.count > 1, (t.hasPrefix("?") || t.hasSuffix("?")) && !t.hasPrefix("#") {
            let target = String(t.drop { $0 == "?" }.reversed().drop { $0 == "?" }.reversed())
            if let text = help(target) {
                self.sink(.stream(name: "stdout", text: text + "\n"))
                return true
            }
        }
        let file = SourceFile(name: name, text: code)
        let program: Program
        do { program = try Parser.parse(file) } catch {
            self.sink(.error(CellSession.trickError(error)))
            return false
        }
        kernelInterruptSeen = 0
        trickInterruptRequested = 0
        kernelEvaluating = 1
        lastFlush = CellSession.now()
        var ok = true
        _ = Runner.onBigStack { [self] in
            var line = code.split(separator: "\n", omittingEmptySubsequences: false).count
            do {
                for st in try interp.compile(program) {
                    line = st.lastLine
                    if kernelInterruptSeen != 0 { throw TrickError.interrupt }
                    if let v = try st.execute() {
                        flush()
                        onValue?(v)
                        self.sink(.result(bundle: RichDisplay.bundle(for: v)))
                    }
                    flush()
                    self.sink(.statementEnd(line: st.lastLine))
                }
            } catch {
                var e = CellSession.trickError(error)
                if kernelInterruptSeen != 0 && !e.isInterrupt { e = .interrupt }
                flush()
                self.sink(.error(e))
                self.sink(.statementEnd(line: line))
                ok = false
            }
            return 0
        }
        kernelEvaluating = 0
        trickInterruptRequested = 0
        return ok
    }

    static func trickError(_ error: Error) -> TrickError {
        (error as? TrickError) ?? TrickError(.runtime, "\(error)")
    }

    /// Help for a plain name or dotted path (looked up, never computed), or nil.
    func help(_ expr: String) -> String? {
        let chars = Array(expr.trimmingCharacters(in: .whitespaces))
        guard let v = ReplCompletion(interp: interp).valueOfPath(ending: chars.count, in: chars) else { return nil }
        return Help.text(for: v, library: interp.library)
    }
}
