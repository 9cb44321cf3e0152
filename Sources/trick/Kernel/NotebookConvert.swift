import ArgumentParser
import TrickLang

/// `trick convert`: `.trick` notebooks (Jupytext percent cells, `#>` golden lines) ↔ `.ipynb`
/// (nbformat 4.5).
///
/// `.trick` → `.ipynb`: each `#%%` / `# %%` cell becomes a code cell (its title in the cell's
/// `title` metadata, as Jupytext keeps it), each `#%% [markdown]` cell a Markdown cell (the `# `
/// comment marks removed), lines before the first marker a cell of their own; `#>` lines become
/// the cell's outputs, or with `--execute` the cells run and their real outputs (streams, results,
/// SVG charts, errors) are stored. `.ipynb` → `.trick` is the reverse: outputs become `#>` lines
/// under the statement that printed them (positions kept in the cell's `trick` metadata; without
/// them, at the end of the cell); with `--execute` the notebook is re-run and its `#>` lines are
/// written as `trick test --update` would. A `.trick` file converted there and back is unchanged.
enum NotebookConvert {
    // MARK: .trick → cells

    struct Cell {
        enum Kind: String { case code, markdown, raw }
        var kind: Kind
        /// The marker line as written (`#%% Title`), "" for lines before the first marker.
        var marker: String
        /// The cell's lines (code without `#>` lines; Markdown without its `# `), trailing blank lines removed.
        var lines: [String]
        /// `#>` lines as (number of source lines above them, their text without `#> `).
        var outputBlocks: [(after: Int, lines: [String])] = []
        var blankLinesAfter: Int
        /// A Markdown cell's lines as written, when removing `# ` loses something (a blank line,
        /// `#x`): written back as they were while the Markdown is unchanged.
        var verbatim: [String]? = nil
    }

    static func isMarker(_ l: String) -> Bool { l.hasPrefix("#%%") || l.hasPrefix("# %%") }

    static func title(ofMarker m: String) -> String {
        var rest = m.hasPrefix("#%%") ? m.dropFirst(3) : m.dropFirst(4)
        rest = rest.drop { $0 == " " }
        if rest.hasPrefix("[") , let close = rest.firstIndex(of: "]") { rest = rest[rest.index(after: close)...] }
        return rest.trimmingCharacters(in: .whitespaces)
    }

    static func kind(ofMarker m: String) -> Cell.Kind {
        if m.contains("[markdown]") || m.contains("[md]") { return .markdown }
        if m.contains("[raw]") { return .raw }
        return .code
    }

    /// The marker a cell gets when none is recorded.
    static func canonicalMarker(kind: Cell.Kind, title: String) -> String {
        switch kind {
        case .markdown: return "#%% [markdown]"
        case .raw: return "#%% [raw]"
        case .code: return title.isEmpty ? "#%%" : "#%% " + title
        }
    }

    /// Markdown lines as `.trick` comment lines.
    static func commented(_ lines: [String]) -> [String] { lines.map { $0.isEmpty ? "#" : "# " + $0 } }

    static func cells(ofTrick text: String) -> [Cell] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if text.hasSuffix("\n") { lines.removeLast() }
        var groups: [(marker: String, body: [String])] = []
        for l in lines {
            if isMarker(l) { groups.append((l, [])) } else if groups.isEmpty { groups.append(("", [l])) } else { groups[groups.count - 1].body.append(l) }
        }
        var cells: [Cell] = []
        for g in groups {
            var body = g.body
            var blanks = 0
            while let last = body.last, last.trimmingCharacters(in: .whitespaces).isEmpty { body.removeLast(); blanks += 1 }
            if g.marker.isEmpty && body.isEmpty { continue }
            let preambleIsProse = g.marker.isEmpty && body.allSatisfy { $0.hasPrefix("#") }
            let kind: Cell.Kind = preambleIsProse ? .markdown : kind(ofMarker: g.marker)
            var cell = Cell(kind: kind, marker: g.marker, lines: [], blankLinesAfter: blanks)
            if kind == .code {
                for l in body {
                    if l.hasPrefix("#>") {
                        let text = l == "#>" ? "" : String(l.dropFirst(l.hasPrefix("#> ") ? 3 : 2))
                        if let last = cell.outputBlocks.last, last.after == cell.lines.count {
                            cell.outputBlocks[cell.outputBlocks.count - 1].lines.append(text)
                        } else {
                            cell.outputBlocks.append((cell.lines.count, [text]))
                        }
                    } else {
                        cell.lines.append(l)
                    }
                }
            } else {
                cell.lines = body.map { l in l == "#" ? "" : l.hasPrefix("# ") ? String(l.dropFirst(2)) : l }
                if commented(cell.lines) != body { cell.verbatim = body }
            }
            cells.append(cell)
        }
        return cells
    }

    // MARK: cells → .ipynb

    /// nbformat's multi-line string: a list of lines, each but the last ending in "\n".
    static func multiline(_ s: String) -> JSONValue {
        var parts: [JSONValue] = []
        var current = ""
        for c in s {
            current.append(c)
            if c == "\n" { parts.append(.string(current)); current = "" }
        }
        if !current.isEmpty { parts.append(.string(current)) }
        return .array(parts)
    }

    static func outputJSON(_ out: CellOutput, count: Int?) -> JSONValue? {
        switch out {
        case .stream(let name, let text):
            return ["output_type": "stream", "name": .string(name), "text": multiline(text)]
        case .result(let bundle):
            return ["output_type": "execute_result", "execution_count": count.map { .int($0) } ?? .null,
                    "data": bundleJSON(bundle), "metadata": [:]]
        case .display(let bundle):
            return ["output_type": "display_data", "data": bundleJSON(bundle), "metadata": [:]]
        case .error(let e):
            let content = JupyterKernel.errorContent(e)
            return ["output_type": "error", "ename": content["ename"]!, "evalue": content["evalue"]!, "traceback": content["traceback"]!]
        case .statementEnd:
            return nil
        }
    }

    static func bundleJSON(_ bundle: [(String, MimeData)]) -> JSONValue {
        .object(bundle.map { mime, data in
            switch data {
            case .text(let s): return (mime, multiline(s))
            case .binary(let b): return (mime, .string(Base64.encode(b)))
            }
        })
    }

    /// The text a notebook's `#>` lines hold for one output (what `trick test` compares).
    static func goldenText(_ out: CellOutput) -> String {
        switch out {
        case .stream(_, let text): return text
        case .result(let bundle), .display(let bundle):
            if case .text(let s)? = bundle.first(where: { $0.0 == "text/plain" })?.1 { return s + "\n" }
            return ""
        case .error(let e): return "error: \(e.message)\n"
        case .statementEnd: return ""
        }
    }

    static func lineCount(_ s: String) -> Int {
        if s.isEmpty { return 0 }
        return s.split(separator: "\n", omittingEmptySubsequences: false).count - (s.hasSuffix("\n") ? 1 : 0)
    }

    static func toIpynb(_ text: String, path: String, execute: Bool) -> JSONValue {
        let cells = cells(ofTrick: text)
        let session: CellSession? = execute ? CellSession() : nil
        var json: [JSONValue] = []
        var count = 0
        for (i, cell) in cells.enumerated() {
            var meta: [(String, JSONValue)] = []
            let title = cell.marker.isEmpty ? "" : title(ofMarker: cell.marker)
            if cell.kind == .code && !title.isEmpty { meta.append(("title", .string(title))) }
            var trick: [(String, JSONValue)] = []
            if cell.marker != canonicalMarker(kind: cell.kind, title: title) { trick.append(("marker", .string(cell.marker))) }
            let isLast = i == cells.count - 1
            if cell.blankLinesAfter != (isLast ? 0 : 1) { trick.append(("blank_lines", .int(cell.blankLinesAfter))) }
            let source = cell.lines.joined(separator: "\n")
            var c: [(String, JSONValue)] = [("cell_type", .string(cell.kind.rawValue)), ("id", .string("cell-\(i + 1)"))]
            if cell.kind == .code {
                var outputs: [JSONValue] = []
                var positions: [JSONValue] = []
                var executionCount: JSONValue = .null
                if let s = session {
                    count += 1
                    executionCount = .int(count)
                    var pendingText = ""
                    s.run(source, name: path) { out in
                        if case .statementEnd(let line) = out {
                            let n = lineCount(pendingText)
                            if n > 0 { positions.append([.int(line), .int(n)]) }
                            pendingText = ""
                            return
                        }
                        pendingText += goldenText(out)
                        guard let o = outputJSON(out, count: count) else { return }
                        // Consecutive stream output of one name is one output, as Jupyter shows it.
                        if case .stream(let name, let t) = out, let last = outputs.last, last["output_type"]?.string == "stream",
                           last["name"]?.string == name {
                            outputs[outputs.count - 1].set("text", multiline((last["text"]?.joinedText ?? "") + t))
                        } else {
                            outputs.append(o)
                        }
                    }
                } else {
                    for b in cell.outputBlocks {
                        outputs.append(["output_type": "stream", "name": "stdout",
                                        "text": multiline(b.lines.map { $0 + "\n" }.joined())])
                        positions.append([.int(b.after), .int(b.lines.count)])
                    }
                }
                if !positions.isEmpty { trick.append(("outputs_after", .array(positions))) }
                if !trick.isEmpty { meta.append(("trick", .object(trick))) }
                c += [("execution_count", executionCount), ("metadata", .object(meta)), ("outputs", .array(outputs))]
            } else {
                if let v = cell.verbatim { trick.append(("lines", .array(v.map { .string($0) }))) }
                if !trick.isEmpty { meta.append(("trick", .object(trick))) }
                c.append(("metadata", .object(meta)))
            }
            c.append(("source", multiline(source)))
            json.append(.object(c))
        }
        return [
            "cells": .array(json),
            "metadata": [
                "kernelspec": ["display_name": "trick", "language": "trick", "name": "trick"],
                "language_info": ["name": "trick", "file_extension": ".trick", "mimetype": "text/x-python",
                                  "codemirror_mode": ["name": "python", "version": 3], "pygments_lexer": "python3"],
            ],
            "nbformat": 4,
            "nbformat_minor": 5,
        ]
    }

    // MARK: .ipynb → .trick

    struct FormatError: Error, CustomStringConvertible { var description: String }

    /// The text an output shows as `#>` lines (text/plain for results and displays; `error: …`).
    static func goldenText(ofOutput o: JSONValue) -> String {
        switch o["output_type"]?.string ?? "" {
        case "stream": return o["text"]?.joinedText ?? ""
        case "execute_result", "display_data":
            guard let t = o["data"]?["text/plain"]?.joinedText else { return "" }
            return t.hasSuffix("\n") ? t : t + "\n"
        case "error": return "error: \(o["evalue"]?.string ?? "")\n"
        default: return ""
        }
    }

    static func toTrick(_ nb: JSONValue) throws -> String {
        guard let cells = nb["cells"]?.array else { throw FormatError(description: "not a notebook (no 'cells')") }
        if let v = nb["nbformat"]?.int, v < 4 { throw FormatError(description: "nbformat \(v) notebooks are not supported (4 is)") }
        var out: [String] = []
        for (i, cell) in cells.enumerated() {
            let kind = Cell.Kind(rawValue: cell["cell_type"]?.string ?? "code") ?? .code
            let meta = cell["metadata"] ?? [:]
            let trick = meta["trick"] ?? [:]
            let source = cell["source"]?.joinedText ?? ""
            var lines = source.isEmpty ? [] : source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if source.hasSuffix("\n") { lines.removeLast() }
            let marker = trick["marker"]?.string ?? canonicalMarker(kind: kind, title: meta["title"]?.string ?? "")
            if !marker.isEmpty { out.append(marker) }
            if kind == .code {
                let text = (cell["outputs"]?.array ?? []).map(goldenText(ofOutput:)).joined()
                var outputLines = text.isEmpty ? [] : text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                if text.hasSuffix("\n") { outputLines.removeLast() }
                let golden = outputLines.map { $0.isEmpty ? "#>" : "#> " + $0 }
                // Where each statement's lines go, if the recorded positions still add up.
                var after: [Int: Int] = [:]
                var total = 0
                for p in trick["outputs_after"]?.array ?? [] {
                    if let line = p.array?.first?.int, let n = p.array?.last?.int { after[line, default: 0] += n; total += n }
                }
                if total != golden.count || after.keys.contains(where: { $0 < 0 || $0 > lines.count }) { after = [lines.count: golden.count] }
                var k = 0
                for j in 0...lines.count {
                    if j > 0 { out.append(lines[j - 1]) }
                    if let n = after[j] { out += golden[k..<(k + n)]; k += n }
                }
            } else {
                let verbatim = trick["lines"]?.array?.compactMap(\.string)
                if let v = verbatim, v.map({ l in l == "#" ? "" : l.hasPrefix("# ") ? String(l.dropFirst(2)) : l }) == lines {
                    out += v
                } else {
                    out += commented(lines)
                }
            }
            let blanks = trick["blank_lines"]?.int ?? (i == cells.count - 1 ? 0 : 1)
            out += Array(repeating: "", count: max(0, blanks))
        }
        return out.joined(separator: "\n") + "\n"
    }
}

/// `trick convert FILE --to ipynb|trick [-o OUT] [--execute]`.
struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert a .trick notebook to .ipynb (Jupyter) or back.",
        discussion: """
            trick convert examples/09_soft_nms.trick --to ipynb            # writes examples/09_soft_nms.ipynb
            trick convert 09_soft_nms.ipynb --to trick -o 09.trick --execute
            """)

    enum Format: String, ExpressibleByArgument { case ipynb, trick }

    @Argument(help: "The .trick or .ipynb file.")
    var file: String

    @Option(help: ArgumentHelp("The format to write (ipynb or trick); by default the other one.", valueName: "ipynb|trick"))
    var to: Format?

    @Option(name: .customShort("o"), help: ArgumentHelp("The file to write (default: FILE with the new extension; '-' for stdout).", valueName: "out"))
    var output: String?

    @Flag(help: "Run the notebook and store its outputs (.ipynb: real outputs; .trick: fresh #> lines).")
    var execute = false

    func run() throws {
        let format = to ?? (file.hasSuffix(".ipynb") ? .trick : .ipynb)
        let base = file.hasSuffix(".ipynb") ? String(file.dropLast(6)) : file.hasSuffix(".trick") ? String(file.dropLast(6)) : file
        let target = output ?? base + "." + format.rawValue
        do {
            let text = try FileIO.read(file)
            var result: String
            let isIpynb = text.drop { $0.isWhitespace }.first == "{"
            switch format {
            case .ipynb:
                let trickText = isIpynb ? try NotebookConvert.toTrick(try JSONValue.parse(text)) : text
                var nb: JSONValue = .null
                _ = Runner.onBigStack { nb = NotebookConvert.toIpynb(trickText, path: file, execute: execute); return 0 }
                result = nb.serialized(indent: 1) + "\n"
            case .trick:
                result = isIpynb ? try NotebookConvert.toTrick(try JSONValue.parse(text)) : text
                if execute {
                    let interp = Runner.makeInterpreter()
                    interp.maxOutputBytes = Runner.bufferedOutputLimit
                    let nb = Notebook(path: target, text: result)
                    var run: Notebook.RunResult?
                    _ = Runner.onBigStack { run = nb.run(interp); return 0 }
                    if let e = run?.syntaxError { Runner.report(e); throw ExitCode(1) }
                    if let r = run { result = nb.updated(r) }
                }
            }
            if target == "-" { FileIO.writeStdout(result) } else { try FileIO.writeAtomically(target, result) }
        } catch let e as ExitCode {
            throw e
        } catch let e as TrickError {
            Runner.report(e)
            throw ExitCode(1)
        } catch {
            FileIO.writeStderr("error: \(error)\n")
            throw ExitCode(1)
        }
    }
}
