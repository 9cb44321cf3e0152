import TrickCore

/// A position in a source file (1-based line and column; `length` characters underlined).
public struct SourceLocation: Sendable, Equatable {
    public var line: Int
    public var column: Int
    public var length: Int
    public init(line: Int, column: Int, length: Int = 1) {
        self.line = line
        self.column = column
        self.length = length
    }
}

/// A source text with a name, as errors quote it.
public final class SourceFile: @unchecked Sendable {
    public let name: String
    public let text: String
    public let lines: [Substring]
    /// Added to every reported line (a notebook cell run on its own reports file lines).
    public let lineOffset: Int

    public init(name: String, text: String, lineOffset: Int = 0) {
        self.name = name
        self.text = text
        self.lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        self.lineOffset = lineOffset
    }

    /// The place of calls made from built-in code (a sort key, a callback): one shared file, as
    /// a fresh one per call cost a split of its text (~1000 instructions a call).
    public static let builtin = SourceFile(name: "<builtin>", text: "")

    public func line(_ n: Int) -> Substring? {
        n >= 1 && n <= lines.count ? lines[n - 1] : nil
    }
}

/// An error raised while running built-in code, before a location is attached.
/// Bindings throw it (or `CoreError`) and the call site adds where it happened.
public struct RuntimeError: Error, CustomStringConvertible {
    public var kind: String
    public var message: String
    /// The exception object `except … as e` binds when it is not the message alone (a missing
    /// dict key's KeyError has the key as its args, while the message adds a hint).
    public var raised: AnyObject?
    public init(_ message: String, kind: String = "error") {
        self.message = message
        self.kind = kind
    }
    public var description: String { message }
}

/// One frame of a traceback: which function was running, and where.
public struct TraceEntry: Sendable {
    public var function: String
    public var file: SourceFile
    public var location: SourceLocation
}

/// The error every script failure becomes: a message with a location in a source file,
/// and the calls that led there. Rendered as `file:line:col: error: message`, the source
/// line, a caret, and a traceback.
public struct TrickError: Error, CustomStringConvertible {
    public enum Phase: Sendable { case syntax, runtime }
    public var phase: Phase
    public var message: String
    public var file: SourceFile?
    public var location: SourceLocation?
    /// Innermost call first.
    public var traceback: [TraceEntry] = []
    /// True for errors that mean "the input ended too early" (the REPL keeps reading).
    public var isIncompleteInput = false
    /// Set when the error is an interrupt (Ctrl-C).
    public var isInterrupt = false
    /// The Python-style exception class (`TypeError`, `KeyError`...), for `except` clauses.
    public var extraKind: String?
    /// The object a `raise` statement raised (an instance of a trick exception class), for
    /// `except E as e` to bind.
    public var raised: AnyObject?

    public init(_ phase: Phase, _ message: String, file: SourceFile? = nil, at location: SourceLocation? = nil) {
        self.phase = phase
        self.message = message
        self.file = file
        self.location = location
    }

    public var description: String { render(color: false) }

    /// `file:line:col: error: message`, then the line and a caret, then the traceback.
    public func render(color: Bool = false) -> String {
        let red = color ? "\u{1B}[1;31m" : "", bold = color ? "\u{1B}[1m" : "", reset = color ? "\u{1B}[0m" : ""
        var out = ""
        if let f = file, let loc = location {
            out += "\(bold)\(f.name):\(loc.line + f.lineOffset):\(loc.column):\(reset) \(red)error:\(reset) \(message)\n"
            if let src = f.line(loc.line) {
                let text = String(src.map { $0 == "\t" ? " " : $0 })
                out += "    " + text + "\n"
                // Columns count characters; the caret goes by display width (a CJK character
                // takes two terminal columns).
                let chars = Array(text)
                let start = Swift.min(Swift.max(0, loc.column - 1), chars.count)
                let spanned = Swift.max(1, Swift.min(loc.length, chars.count - start))
                let pad = String(repeating: " ", count: displayWidth(chars[..<start]))
                let width = Swift.max(1, displayWidth(chars[start..<Swift.min(chars.count, start + spanned)]))
                out += "    " + pad + "^" + String(repeating: "~", count: width - 1) + "\n"
            }
        } else {
            out += "\(red)error:\(reset) \(message)\n"
        }
        if !traceback.isEmpty {
            out += "traceback (most recent call last):\n"
            // Runs of the same frame (deep recursion) are shown once, as Python does.
            var previous: String?, repeats = 0
            func flushRepeats() {
                if repeats > 0 { out += "  [previous line repeated \(repeats) more time\(repeats == 1 ? "" : "s")]\n" }
                repeats = 0
            }
            for e in traceback.reversed() {
                let head = "  \(e.file.name):\(e.location.line + e.file.lineOffset):\(e.location.column): in \(e.function)\n"
                if head == previous { repeats += 1; continue }
                flushRepeats()
                previous = head
                out += head
                if let src = e.file.line(e.location.line) {
                    out += "    " + src.trimmingCharacters(in: .whitespaces) + "\n"
                }
            }
            flushRepeats()
        }
        return out
    }
}

/// Terminal columns of a run of characters: East Asian wide and fullwidth characters (CJK,
/// Hangul, fullwidth forms, most emoji) take two, combining marks none, the rest one.
public func displayWidth<C: Collection>(_ chars: C) -> Int where C.Element == Character {
    chars.reduce(0) { $0 + displayWidth($1) }
}

public func displayWidth(_ c: Character) -> Int {
    guard let u = c.unicodeScalars.first?.value else { return 0 }
    switch u {
    case 0x0300...0x036F, 0x200B...0x200F: return 0
    case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
         0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
         0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
        return 2
    default: return 1
    }
}

extension StringProtocol {
    public func trimmingCharacters(in set: CharacterSetLite) -> String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\r" { s.removeLast() }
        return String(s)
    }
}

/// Foundation-free stand-in for `CharacterSet.whitespaces`.
public enum CharacterSetLite { case whitespaces }
