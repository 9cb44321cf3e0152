@preconcurrency import CEditLine
import TrickCore
import TrickLang
#if canImport(Glibc)
import Glibc
#endif

// Line editing on libedit's readline-compatible API (see reference/repl-language-anchors.md §A):
// prompts, persistent history saved atomically, Tab completion through a Swift callback, and
// Ctrl-C told apart from Ctrl-D. libedit's C callbacks cannot capture context, so the little
// state they need lives in the globals below; they only ever run on the main thread, inside
// `readline()`.

/// Set while a cell is being evaluated: Ctrl-C then interrupts the evaluation instead of
/// clearing the input line.
nonisolated(unsafe) var replEvaluating: Int32 = 0
/// Set by Ctrl-C at the prompt (`readline()` returns NULL for both Ctrl-C and Ctrl-D).
nonisolated(unsafe) var replPromptInterrupted: Int32 = 0
/// Set by Ctrl-C during an evaluation and kept until the REPL has seen it: the interpreter clears
/// its own flag at the start of every statement, so loops over statements (a cell, `%timeit`)
/// check this one.
nonisolated(unsafe) var replInterruptSeen: Int32 = 0

/// Ctrl-C presses not yet acted on by the evaluation.
nonisolated(unsafe) var replPendingInterrupts: Int32 = 0

/// The SIGINT handler. Only async-signal-safe work: flags and `write`. Long kernels poll the flag
/// (see `Interrupt`); a built-in that does not sees the interrupt when it returns. If Ctrl-C is
/// pressed twice more while the first is still pending, the process ends (as Lua's REPL does),
/// rather than leaving the user stuck.
private func replSigint(_: Int32) {
    if replEvaluating != 0 {
        if trickInterruptRequested != 0 && replInterruptSeen != 0 {
            replPendingInterrupts += 1
            let msg = replPendingInterrupts >= 2
                ? "\nKeyboardInterrupt: the evaluation did not stop; quitting\n"
                : "\nKeyboardInterrupt pending: a built-in is still running; Ctrl-C again quits\n"
            _ = msg.withCString { write(2, $0, strlen($0)) }
            if replPendingInterrupts >= 2 { _exit(130) }
            return
        }
        replPendingInterrupts = 0
        replInterruptSeen = 1
        trickInterruptRequested = 1
    } else {
        replPromptInterrupted = 1
    }
}

/// The completion source: given the text of the current line before the cursor and the earlier
/// lines of the cell, returns where the completed word starts (a character offset in the line)
/// and the candidates that replace it.
nonisolated(unsafe) var replCompleter: ((_ before: String, _ previousLines: String) -> (start: Int, candidates: [String]))?
nonisolated(unsafe) var replPendingLines = ""
nonisolated(unsafe) private var completionMatches: [String] = []
nonisolated(unsafe) private var completionIndex = 0

private let completionGenerator: @convention(c) (UnsafePointer<CChar>?, Int32) -> UnsafeMutablePointer<CChar>? = { _, state in
    if state == 0 { completionIndex = 0 }
    guard completionIndex < completionMatches.count else { return nil }
    defer { completionIndex += 1 }
    return strdup(completionMatches[completionIndex])   // libedit frees it
}

// MARK: Keystrokes
//
// libedit reads the terminal through `rl_getc_function`, one character (a code point) a call.
// Ours sits in front of the terminal to do what libedit cannot: the terminal's bracketed paste
// (`ESC[200~` … `ESC[201~`: the paste arrives whole, so blank lines inside a pasted function do
// not end it, as in IPython), auto-indent (the continuation line's indent is typed for the user),
// and Backspace over an indent removing one level.

/// Characters handed to libedit before the terminal's (an auto-indent, a paste's unfinished line).
nonisolated(unsafe) private var queuedInput: [Int32] = []
/// Bytes read ahead while looking for the paste marker, to be read again.
nonisolated(unsafe) private var pushedBack: [UInt8] = []
/// A multi-line paste, waiting for `LineEditor.read` (libedit got a newline in its place).
nonisolated(unsafe) private var pendingPaste: String?
/// Every key on this line so far was a space: Backspace then removes a whole indent level.
nonisolated(unsafe) private var lineIsIndent = true
nonisolated(unsafe) private var lineSpaces = 0

/// One byte from the terminal (or read ahead); nil at end of input or on Ctrl-C at the prompt.
private func nextByte() -> UInt8? {
    if !pushedBack.isEmpty { return pushedBack.removeFirst() }
    var b: UInt8 = 0
    while true {
        let n = read(0, &b, 1)
        if n == 1 { return b }
        if n < 0 && errno == EINTR && replPromptInterrupted == 0 { continue }
        return nil
    }
}

/// True when a byte arrives within `ms` milliseconds.
private func byteArrives(within ms: Int32) -> Bool {
    if !pushedBack.isEmpty { return true }
    var p = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
    return poll(&p, 1, ms) > 0
}

/// After an ESC: is this `ESC[200~`? Bytes that turn out to be another sequence are pushed back.
private func pasteStarts() -> Bool {
    var seen: [UInt8] = []
    for want in Array("[200~".utf8) {
        guard byteArrives(within: 50), let b = nextByte() else { pushedBack = seen + pushedBack; return false }
        seen.append(b)
        if b != want { pushedBack = seen + pushedBack; return false }
    }
    return true
}

/// The pasted bytes up to `ESC[201~`, as text.
private func readPaste() -> String {
    var bytes: [UInt8] = []
    let end = Array("\u{1B}[201~".utf8)
    while let b = nextByte() {
        bytes.append(b)
        if bytes.count >= end.count && Array(bytes.suffix(end.count)) == end {
            bytes.removeLast(end.count)
            break
        }
    }
    return String(decoding: bytes, as: UTF8.self)
}

private func keyTyped(_ c: Int32) -> Int32 {
    if c == 32 && lineIsIndent { lineSpaces += 1 } else if c != 127 && c != 8 { lineIsIndent = false }
    return c
}

private let replGetc: @convention(c) (UnsafeMutablePointer<FILE>?) -> Int32 = { _ in
    if !queuedInput.isEmpty { return keyTyped(queuedInput.removeFirst()) }
    guard let b = nextByte() else { return -1 }
    if b == 0x1B && pasteStarts() {
        let text = CellAssembler.unixLineBreaks(readPaste())
        if text.contains("\n") {
            pendingPaste = text
            return 10       // ends libedit's line; `LineEditor.read` takes the paste
        }
        // Within one line a paste is typed text (a Tab in it is not a completion request).
        queuedInput = text.unicodeScalars.flatMap { $0 == "\t" ? [32, 32, 32, 32] : [Int32($0.value)] }
        return queuedInput.isEmpty ? replGetc(nil) : keyTyped(queuedInput.removeFirst())
    }
    if (b == 127 || b == 8) && lineIsIndent && lineSpaces > 0 {
        // Backspace in the indent: back to the previous multiple of four.
        let k = (lineSpaces - 1) % 4 + 1
        lineSpaces -= k
        queuedInput = [Int32](repeating: Int32(b), count: k - 1) + queuedInput
        return Int32(b)
    }
    // UTF-8 → one code point (libedit takes what we return as a wide character).
    var need = 0, cp = UInt32(b)
    if b >= 0xF0 && b < 0xF8 { need = 3; cp = UInt32(b & 0x07) }
    else if b >= 0xE0 { need = 2; cp = UInt32(b & 0x0F) }
    else if b >= 0xC0 { need = 1; cp = UInt32(b & 0x1F) }
    if b >= 0xC0 && b < 0xF8 {
        for _ in 0..<need {
            guard let c = nextByte() else { return -1 }
            cp = cp << 6 | UInt32(c & 0x3F)
        }
    }
    return keyTyped(Int32(bitPattern: cp))
}

enum LineEditor {
    enum Input {
        case line(String)
        /// A multi-line paste: `typed` is what was on the line before it.
        case paste(typed: String, text: String)
        case interrupted
        case endOfInput
    }

    /// Bracketed paste is asked of the terminal only while a prompt waits (IPython does the same),
    /// and not of a terminal that cannot do it.
    nonisolated(unsafe) static var bracketedPaste = false

    /// True when input is waiting (typed ahead, or pasted by a terminal without bracketed paste).
    static func inputPending() -> Bool { !queuedInput.isEmpty || byteArrives(within: 0) }

    nonisolated(unsafe) static var historyPath: String?
    nonisolated(unsafe) static var lastHistoryEntry: String?

    /// `~/.trick_history` (HOME, else the password database).
    static func defaultHistoryPath() -> String? {
        if let h = getenv("HOME"), h.pointee != 0 { return String(cString: h) + "/.trick_history" }
        if let pw = getpwuid(getuid()), let dir = pw.pointee.pw_dir { return String(cString: dir) + "/.trick_history" }
        return nil
    }

    static func setUp(historyPath path: String?) {
        // Without a UTF-8 locale libedit drops non-ASCII keystrokes and can crash on a non-ASCII
        // prompt. Numbers keep the C locale's '.' whatever the user's locale.
        setlocale(LC_ALL, "")
        setlocale(LC_NUMERIC, "C")
        rl_readline_name = UnsafePointer(strdup("trick"))
        // Break words at operators and brackets but not at '.', '%' or '?': `cfg.model.ty`,
        // `%tim` and `?soft` arrive whole.
        rl_basic_word_break_characters = UnsafePointer(strdup(" \t\n\"'`@$><=;|&{([,)]}+-*/:!~^"))
        rl_completer_word_break_characters = strdup(" \t\n\"'`@$><=;|&{([,)]}+-*/:!~^")
        rl_attempted_completion_function = { text, start, end in
            rl_attempted_completion_over = 1      // never fall back to file names
            rl_completion_append_character = 0
            completionMatches = LineEditor.matches(text: text.map { String(cString: $0) } ?? "", end: Int(end))
            if completionMatches.isEmpty { return nil }
            return rl_completion_matches(text, completionGenerator)
        }
        rl_getc_function = replGetc        // before libedit initialises (using_history does)
        let term = getenv("TERM").map { String(cString: $0) } ?? ""
        bracketedPaste = !term.isEmpty && term != "dumb"
        using_history()
        stifle_history(2000)
        historyPath = path
        if let p = path, FileIO.exists(p) {
            _ = read_history(p)
            if history_length > 0, let e = history_get(history_base + history_length - 1), let l = e.pointee.line {
                lastHistoryEntry = String(cString: l)
            }
        }
        // Ctrl-R searches the history backwards (libedit's emacs map has ^R as redisplay).
        _ = rl_parse_and_bind("bind ^R em-inc-search-prev")
        installSignalHandler()
    }

    static func installSignalHandler() {
        var sa = sigaction()
        sa.__sigaction_handler.sa_handler = replSigint
        sigemptyset(&sa.sa_mask)
        sa.sa_flags = 0     // no SA_RESTART: readline() must return on Ctrl-C
        sigaction(SIGINT, &sa, nil)
    }

    /// Turns libedit's (text, end) into the candidates that replace `text`.
    static func matches(text: String, end: Int) -> [String] {
        guard let completer = replCompleter else { return [] }
        let line = Array(rl_line_buffer.map { String(cString: $0) } ?? "")
        var before = String(line[..<min(max(end, 0), line.count)])
        if !before.hasSuffix(text) { before = String(line) }
        guard before.hasSuffix(text) else { return [] }
        let (start, candidates) = completer(before, replPendingLines)
        let textStart = before.count - text.count
        // libedit replaces `text`; the completer's word may start before or after it.
        var out: [String] = []
        if start >= textStart {
            let lead = String(Array(before)[textStart..<min(start, before.count)])
            out = candidates.map { lead + $0 }
        } else {
            let drop = textStart - start
            out = candidates.compactMap { $0.count >= drop ? String($0.dropFirst(drop)) : nil }
        }
        var seen = Set<String>()
        return out.filter { seen.insert($0).inserted }
    }

    /// Reads one line with editing. Ctrl-C gives `.interrupted`, Ctrl-D `.endOfInput`, a
    /// multi-line paste `.paste`. `indent` spaces are typed for the user (auto-indent) unless
    /// input is already waiting (a paste the terminal did not mark has its own indentation);
    /// `text` is put on the line to be edited (a paste's unfinished last line).
    static func read(prompt: String, indent: Int = 0, text: String = "") -> Input {
        FileIO.flush()
        replPromptInterrupted = 0
        lineIsIndent = true
        lineSpaces = 0
        if indent > 0 && !inputPending() { queuedInput += [Int32](repeating: 32, count: indent) }
        queuedInput += text.unicodeScalars.map { Int32($0.value) }
        if bracketedPaste { FileIO.writeStdout("\u{1B}[?2004h"); FileIO.flush() }
        defer { if bracketedPaste { FileIO.writeStdout("\u{1B}[?2004l"); FileIO.flush() } }
        guard let cline = readline(prompt) else {
            queuedInput = []
            if replPromptInterrupted != 0 {
                replPromptInterrupted = 0
                return .interrupted
            }
            return .endOfInput
        }
        defer { free(cline) }
        if replPromptInterrupted != 0 {
            replPromptInterrupted = 0
            queuedInput = []
            pendingPaste = nil
            return .interrupted
        }
        if let p = pendingPaste {
            pendingPaste = nil
            return .paste(typed: String(cString: cline), text: p)
        }
        return .line(String(cString: cline))
    }

    /// Adds an entry (a whole cell, newlines included) unless it repeats the previous one, and
    /// saves the history: to a temporary file renamed into place, so that a hang-up in the middle
    /// of a write can never truncate it.
    static func addHistory(_ entry: String) {
        let trimmed = entry.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, entry != lastHistoryEntry else { return }
        add_history(entry)
        lastHistoryEntry = entry
        guard let path = historyPath else { return }
        let tmp = path + ".tmp-\(getpid())"
        if write_history(tmp) == 0 {
            if rename(tmp, path) != 0 { unlink(tmp) }
        } else {
            unlink(tmp)
        }
    }

    /// Wraps terminal escape sequences so libedit does not count them as prompt width.
    static func invisible(_ s: String) -> String { "\u{1}" + s + "\u{2}" }
}
