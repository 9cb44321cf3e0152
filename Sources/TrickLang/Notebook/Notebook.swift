import TrickCore

/// `.trick` notebooks: Jupytext "percent" cells (`#%%`), statements whose output is kept
/// right under them as `#> ` lines. Running a notebook yields each top-level statement's
/// output; `check` compares it with the `#>` lines, `updated` rewrites them.
public struct Notebook {
    public let path: String
    public let text: String
    public var lines: [String]

    public init(path: String, text: String) {
        self.path = path
        self.text = text
        var ls = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if text.hasSuffix("\n") { ls.removeLast() }
        self.lines = ls
    }

    static func isOutputLine(_ l: String) -> Bool { l.hasPrefix("#>") }

    /// The output of one top-level statement (or of several on the same last line).
    public struct Block {
        public var lastLine: Int
        public var output: String
        public var failed: Bool
        /// Picture files the statement wrote (imwrite, save_svg), linked in the Markdown transcript.
        public var images: [String] = []
    }

    public struct RunResult {
        public var blocks: [Block]
        /// A syntax error stops the whole notebook.
        public var syntaxError: TrickError?
        public var runtimeErrors: [TrickError]
    }

    /// Runs every statement; errors become the statement's output (`error: ...`) and the
    /// notebook goes on, so one failing cell does not hide the rest.
    public func run(_ interp: Interpreter, stopOnError: Bool = false, echo: ((String) -> Void)? = nil) -> RunResult {
        let file = SourceFile(name: path, text: text)
        var result = RunResult(blocks: [], syntaxError: nil, runtimeErrors: [])
        let program: Program
        do { program = try Parser.parse(file) } catch let e as TrickError {
            result.syntaxError = e
            return result
        } catch {
            result.syntaxError = TrickError(.syntax, "\(error)", file: file)
            return result
        }
        let saved = interp.output, savedFiles = interp.includingFiles
        defer { interp.output = saved; interp.includingFiles = savedFiles }
        // As `trick run`: include() and image files resolve relative paths next to the notebook first.
        if interp.includingFiles.isEmpty && !path.hasPrefix("<") { interp.includingFiles = [path] }
        var buffer = ""
        interp.output = { s in buffer += s; echo?(s) }
        // A .py file is a Python script (SPEC §9): its top-level values are not displayed (a module
        // docstring is no output), only what it prints and its errors.
        let displayValues = !path.hasSuffix(".py")
        for stmt in program.statements {
            buffer = ""
            var failed = false
            let imagesBefore = ImageFiles.written.count
            do {
                let compiled = try interp.compile(stmt, file: file)
                if let v = try compiled.execute(), displayValues {
                    let shown = Printer.repr(v) + "\n"
                    buffer += shown
                    echo?(shown)
                }
            } catch let e as TrickError {
                failed = true
                result.runtimeErrors.append(e)
                let shown = "error: \(e.message)\n"
                buffer += shown
                if stopOnError {
                    result.blocks.append(Block(lastLine: stmt.endLine, output: buffer, failed: true))
                    return result
                }
            } catch {
                failed = true
                buffer += "error: \(error)\n"
            }
            let images = Array(ImageFiles.written.dropFirst(imagesBefore))
            if let last = result.blocks.last, last.lastLine == stmt.endLine {
                result.blocks[result.blocks.count - 1].output += buffer
                result.blocks[result.blocks.count - 1].failed = last.failed || failed
                result.blocks[result.blocks.count - 1].images += images
            } else {
                result.blocks.append(Block(lastLine: stmt.endLine, output: buffer, failed: failed, images: images))
            }
        }
        return result
    }

    static func outputLines(_ s: String) -> [String] {
        if s.isEmpty { return [] }
        var ls = s.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if s.hasSuffix("\n") { ls.removeLast() }
        return ls.map { $0.isEmpty ? "#>" : "#> " + $0 }
    }

    /// The `#>` lines directly below line `n` (1-based).
    func expectedBlock(after n: Int) -> [String] {
        var out: [String] = []
        var i = n   // index of the line after line n
        while i < lines.count, Notebook.isOutputLine(lines[i]) { out.append(lines[i]); i += 1 }
        return out
    }

    public struct Mismatch {
        public var line: Int
        public var expected: [String]
        public var actual: [String]
    }

    /// Compares a run with the file's `#>` lines, including stale `#>` lines that belong to
    /// no statement.
    public func check(_ result: RunResult) -> [Mismatch] {
        var mismatches: [Mismatch] = []
        var owned = Set<Int>()
        for b in result.blocks {
            let expected = expectedBlock(after: b.lastLine)
            for k in 0..<expected.count { owned.insert(b.lastLine + k) }
            let actual = Notebook.outputLines(b.output)
            if expected != actual {
                mismatches.append(Mismatch(line: b.lastLine + 1, expected: expected, actual: actual))
            }
        }
        var i = 0
        while i < lines.count {
            if Notebook.isOutputLine(lines[i]) && !owned.contains(i) {
                var stale: [String] = []
                let start = i
                while i < lines.count, Notebook.isOutputLine(lines[i]), !owned.contains(i) { stale.append(lines[i]); i += 1 }
                mismatches.append(Mismatch(line: start + 1, expected: stale, actual: []))
                continue
            }
            i += 1
        }
        return mismatches.sorted { $0.line < $1.line }
    }

    /// The file's text with every `#>` block replaced by the run's output.
    public func updated(_ result: RunResult) -> String {
        var outputAfter: [Int: [String]] = [:]
        for b in result.blocks { outputAfter[b.lastLine, default: []] += Notebook.outputLines(b.output) }
        var out: [String] = []
        for (i, l) in lines.enumerated() {
            if Notebook.isOutputLine(l) { continue }
            out.append(l)
            if let o = outputAfter[i + 1] { out += o }
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// A Markdown transcript: markdown cells as text, code cells as fenced code followed by output.
    public func markdown(_ result: RunResult) -> String {
        var outputAfter: [Int: [String]] = [:]
        var imagesAfter: [Int: [String]] = [:]
        for b in result.blocks where !b.output.isEmpty {
            var ls = b.output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if b.output.hasSuffix("\n") { ls.removeLast() }
            outputAfter[b.lastLine, default: []] += ls
        }
        // Pictures are linked relative to the notebook's folder: save the transcript next to it.
        let dir = FileIO.directoryName(path)
        for b in result.blocks where !b.images.isEmpty {
            imagesAfter[b.lastLine, default: []] += b.images.map { p in
                let rel = dir != "." && p.hasPrefix(dir + "/") ? String(p.dropFirst(dir.count + 1)) : p
                let name = rel.split(separator: "/").last.map(String.init) ?? rel
                return "![\(name)](\(rel))"
            }
        }
        var md: [String] = []
        var inMarkdown = false
        var code: [String] = []
        func flushCode() {
            while code.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { code.removeLast() }
            while code.first?.trimmingCharacters(in: .whitespaces).isEmpty == true { code.removeFirst() }
            if !code.isEmpty { md.append("```python"); md += code; md.append("```"); md.append("") }
            code = []
        }
        for (i, l) in lines.enumerated() {
            if let title = Notebook.cellTitle(l) {
                flushCode()
                inMarkdown = l.contains("[markdown]") || l.contains("[md]")
                if !inMarkdown && !title.isEmpty { md.append("### " + title); md.append("") }
                continue
            }
            if inMarkdown {
                if l.hasPrefix("# ") { md.append(String(l.dropFirst(2))) } else if l == "#" { md.append("") } else { md.append(l) }
                continue
            }
            if Notebook.isOutputLine(l) { continue }
            code.append(l)
            if let o = outputAfter[i + 1] {
                flushCode()
                md.append("```text"); md += o; md.append("```"); md.append("")
            }
            if let pictures = imagesAfter[i + 1] {
                flushCode()
                md += pictures; md.append("")
            }
        }
        flushCode()
        return md.joined(separator: "\n") + "\n"
    }

    /// The title of a cell marker line — `#%%` or `# %%` (Jupytext's and VS Code's default),
    /// with an optional `[markdown]` — or nil when the line is not one.
    public static func cellTitle(_ line: String) -> String? {
        let rest: Substring
        if line.hasPrefix("#%%") { rest = line.dropFirst(3) } else if line.hasPrefix("# %%") { rest = line.dropFirst(4) } else { return nil }
        return rest.trimmingCharacters(in: .whitespaces)
    }
}
