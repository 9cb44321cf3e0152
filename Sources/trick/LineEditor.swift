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

enum LineEditor {
    enum Input {
        case line(String)
        case interrupted
        case endOfInput
    }

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

    /// Reads one line with editing. Ctrl-C gives `.interrupted`, Ctrl-D `.endOfInput`.
    static func read(prompt: String) -> Input {
        FileIO.flush()
        replPromptInterrupted = 0
        guard let cline = readline(prompt) else {
            if replPromptInterrupted != 0 {
                replPromptInterrupted = 0
                return .interrupted
            }
            return .endOfInput
        }
        defer { free(cline) }
        if replPromptInterrupted != 0 {
            replPromptInterrupted = 0
            return .interrupted
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
