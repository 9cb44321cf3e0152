import TrickLang
#if canImport(Glibc)
import Glibc
#endif

/// IPython-style line magics: `%time`, `%timeit`, `%who`, `%whos`, `%reset`, `%load`, `%run`,
/// `%save`, `%cpaste`, `%paste`, `%pwd`, `%cd`, `%history`, `%lsmagic`, `%complete`.
enum ReplMagics {
    static let help: [(String, String)] = [
        ("time", "%time CODE      run CODE once; show CPU and wall time, then its value"),
        ("timeit", "%timeit CODE    run CODE many times; mean ± std. dev. per loop (-n LOOPS, -r RUNS)"),
        ("who", "%who            names defined in the session"),
        ("whos", "%whos           names with their type and value"),
        ("reset", "%reset          delete every name defined in the session (built-ins stay)"),
        ("load", "%load FILE      put FILE into the input as a cell to edit or run (Enter on an empty line runs it)"),
        ("run", "%run FILE       run a .trick notebook or script in the session, showing its output"),
        ("cpaste", "%cpaste         paste lines (prompts stripped) until a line with -- alone or Ctrl-D; they run as one cell"),
        ("paste", "%paste          as %cpaste: the clipboard is the terminal's, so paste into the terminal"),
        ("pwd", "%pwd            the working directory"),
        ("cd", "%cd DIR         change the working directory (no DIR: home; -: the previous one)"),
        ("save", "%save FILE      write the session as a .trick notebook with its #> outputs (trick test passes it)"),
        ("history", "%history        the cells typed in this session (-n: with their numbers)"),
        ("lsmagic", "%lsmagic        this list"),
        ("complete", "%complete TEXT  the Tab completions of TEXT"),
    ]
    static var names: [String] { help.map(\.0) }
}

extension REPLSession {
    func runMagic(_ line: String, n: Int) {
        let name = String(line.prefix { $0.isLetter || $0.isNumber || $0 == "_" })
        let arg = String(line.dropFirst(name.count)).trimmingCharacters(in: .whitespaces)
        switch name {
        case "time": magicTime(arg, n: n)
        case "timeit": magicTimeit(arg, n: n)
        case "who": magicWho()
        case "whos": magicWhos()
        case "reset": magicReset()
        case "load": magicLoad(arg)
        case "run": magicRun(arg, n: n)
        case "cpaste", "paste": magicCpaste(n: n)
        case "pwd": FileIO.writeStdout(REPLSession.workingDirectory() + "\n")
        case "cd": magicCd(arg)
        case "save": magicSave(arg)
        case "history", "hist": magicHistory(arg)
        case "lsmagic", "magic": FileIO.writeStdout(ReplMagics.help.map(\.1).joined(separator: "\n") + "\n")
        case "complete":
            let result = ReplCompletion(interp: interp).complete(before: arg)
            let word = Array(arg)
            for c in result.candidates { FileIO.writeStdout(String(word[..<min(result.start, word.count)]) + c + "\n") }
        default:
            let hint = closestName(to: name, in: ReplMagics.names).map { " (did you mean '%\($0)'?)" } ?? ""
            FileIO.writeStderr("error: unknown magic '%\(name)'\(hint); %lsmagic lists them\n")
        }
    }

    // MARK: Timing

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    static func cpuTimes() -> (user: Double, sys: Double) {
        var ru = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &ru)
        func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
        return (s(ru.ru_utime), s(ru.ru_stime))
    }

    /// IPython's `_format_time`: three significant digits in s, ms, µs or ns.
    static func formatTime(_ t: Double) -> String {
        if t >= 60 {
            let m = Int(t / 60)
            return "\(m)min \(formatSignificant(t - Double(m) * 60)) s"
        }
        let units = ["s", "ms", "µs", "ns"]
        var order = 3
        if t > 0 {
            let e = Int(log10(t).rounded(.down))
            let q = e >= 0 ? e / 3 : -((-e + 2) / 3)     // floor division, as Python's //
            order = min(max(-q, 0), 3)
        }
        let scaled = t * pow(1000, Double(order))
        return formatSignificant(scaled) + " " + units[order]
    }

    /// `%.3g` without Foundation.
    static func formatSignificant(_ x: Double) -> String {
        var buf = [CChar](repeating: 0, count: 64)
        _ = withVaList([x]) { vsnprintf(&buf, 64, "%.3g", $0) }
        return String(cString: buf)
    }

    func magicTime(_ code: String, n: Int) {
        guard !code.isEmpty else { FileIO.writeStderr("error: %time needs code to run, e.g. %time soft_nms(boxes, scores)\n"); return }
        var values: [Value] = []
        let c0 = REPLSession.cpuTimes(), t0 = REPLSession.now()
        let logged = execute(code, n: n, show: { values.append($0) })
        let t1 = REPLSession.now(), c1 = REPLSession.cpuTimes()
        let user = c1.user - c0.user, sys = c1.sys - c0.sys
        FileIO.writeStdout("CPU times: user \(REPLSession.formatTime(user)), sys: \(REPLSession.formatTime(sys)), total: \(REPLSession.formatTime(user + sys))\n")
        FileIO.writeStdout("Wall time: \(REPLSession.formatTime(t1 - t0))\n")
        for v in values { showValue(v, n: n) }
        if let l = logged { log.append(l) }
    }

    func magicTimeit(_ arg: String, n: Int) {
        var words = arg.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        var loops: Int?, runs = 7
        while words.count >= 2, words[0] == "-n" || words[0] == "-r" {
            guard let v = Int(words[1]), v > 0 else { FileIO.writeStderr("error: \(words[0]) needs a positive count\n"); return }
            if words[0] == "-n" { loops = v } else { runs = v }
            words.removeFirst(2)
        }
        let code = words.joined(separator: " ")
        guard !code.isEmpty else { FileIO.writeStderr("error: %timeit needs code to run, e.g. %timeit nms(boxes, scores, 0.5)\n"); return }
        let file = SourceFile(name: "In [\(n)]", text: code)
        let program: Program
        do { program = try Parser.parse(file) } catch { reportError(error); return }
        var perLoop: [Double] = []
        var number = 1
        let savedOutput = interp.output
        interp.output = { _ in }     // a loop's prints would drown the timing
        beginEvaluation()
        _ = Runner.onBigStack { [self] in
            do {
                let statements = try interp.compile(program)
                func timed(_ k: Int) throws -> Double {
                    let t0 = REPLSession.now()
                    for _ in 0..<k {
                        for st in statements {
                            if replInterruptSeen != 0 { throw TrickError.interrupt }
                            _ = try st.execute()
                        }
                    }
                    return REPLSession.now() - t0
                }
                if let l = loops {
                    number = l
                } else {
                    // As IPython (`Timer.autorange`): the first of 1, 2, 5, 10, 20, 50, ... loops
                    // that takes at least 0.2 s.
                    var base = 1
                    search: while base < 100_000_000 {
                        for k in [1, 2, 5] {
                            number = base * k
                            if try timed(number) >= 0.2 { break search }
                        }
                        base *= 10
                    }
                }
                for _ in 0..<runs { perLoop.append(try timed(number) / Double(number)) }
            } catch let e as TrickError where e.isInterrupt || replInterruptSeen != 0 {
                FileIO.writeStderr("KeyboardInterrupt\n")
            } catch {
                reportError(error)
            }
            return 0
        }
        endEvaluation()
        interp.output = savedOutput
        guard perLoop.count == runs, runs > 0 else { return }
        let mean = perLoop.reduce(0, +) / Double(runs)
        let std = (perLoop.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(runs)).squareRoot()
        FileIO.writeStdout("\(REPLSession.formatTime(mean)) ± \(REPLSession.formatTime(std)) per loop (mean ± std. dev. of \(runs) run\(runs == 1 ? "" : "s"), \(number) loop\(number == 1 ? "" : "s") each)\n")
    }

    // MARK: The namespace

    var sessionNames: [(String, Value)] {
        interp.userGlobals.filter { !$0.0.hasPrefix("_") && $0.0 != "In" && $0.0 != "Out" }.sorted { $0.0 < $1.0 }
    }

    func magicWho() {
        let names = sessionNames.map(\.0)
        FileIO.writeStdout(names.isEmpty ? "Interactive namespace is empty.\n" : names.joined(separator: "\t") + "\n")
    }

    func magicWhos() {
        let rows = sessionNames
        guard !rows.isEmpty else { FileIO.writeStdout("Interactive namespace is empty.\n"); return }
        func info(_ v: Value) -> String {
            if let t = v.tensorValue { return "shape (" + t.shape.map(String.init).joined(separator: ", ") + "), \(t.dtype.rawValue)" }
            var r = Printer.repr(v).split(separator: "\n").first.map(String.init) ?? ""
            if r.count > 60 { r = String(r.prefix(57)) + "..." }
            return r
        }
        let w1 = max(8, rows.map(\.0.count).max()!) + 3
        let w2 = max(4, rows.map(\.1.typeName.count).max()!) + 3
        func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(1, w - s.count)) }
        var out = pad("Variable", w1) + pad("Type", w2) + "Data/Info\n"
        out += String(repeating: "-", count: w1 + w2 + 9) + "\n"
        for (k, v) in rows { out += pad(k, w1) + pad(v.typeName, w2) + info(v) + "\n" }
        FileIO.writeStdout(out)
    }

    func magicReset() {
        let n = sessionNames.count
        resetInterpreter()
        log = []
        untrusted = []
        FileIO.writeStdout("Deleted \(n) name\(n == 1 ? "" : "s"); the session starts afresh.\n")
    }

    // MARK: Files

    static func expandPath(_ arg: String) -> String {
        var p = arg
        if p.count >= 2, let f = p.first, f == "'" || f == "\"", p.last == f { p = String(p.dropFirst().dropLast()) }
        if p.hasPrefix("~/"), let h = getenv("HOME") { p = String(cString: h) + p.dropFirst() }
        return p
    }

    /// `%load FILE`: as IPython, the file becomes the cell being typed (with a `# %load` line),
    /// to edit or run; nothing runs yet.
    func magicLoad(_ arg: String) {
        guard !arg.isEmpty else { FileIO.writeStderr("error: %load needs a file, e.g. %load examples/09_soft_nms.trick\n"); return }
        let path = REPLSession.expandPath(arg)
        let text: String
        do { text = try FileIO.read(path) } catch { reportError(error); return }
        var lines = CellAssembler.unixLineBreaks(text).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while let l = lines.last, CellAssembler.isBlank(l) { lines.removeLast() }
        loadedInput = ["# %load \(arg)"] + lines
    }

    /// `%cpaste` (and `%paste`): lines until `--` alone or end of input, run as one cell.
    func magicCpaste(n: Int) {
        if interactive {
            FileIO.writeStdout("Pasting code; enter '--' alone on the line to stop or use Ctrl-D.\n")
        }
        var assembler = CellAssembler()
        var lines: [String] = []
        while let raw = readRawLine?(":") {
            if raw.trimmingCharacters(in: .whitespaces) == "--" { break }
            for l in CellAssembler.unixLineBreaks(raw).split(separator: "\n", omittingEmptySubsequences: false) {
                lines.append(assembler.stripPrompt(String(l)).line)
            }
        }
        let cell = lines.joined(separator: "\n")
        guard !CellAssembler.isBlank(cell.filter { $0 != "\n" }) else { return }
        if let logged = execute(cell, n: n, show: { self.showValue($0, n: n) }) { log.append(logged) }
    }

    static func workingDirectory() -> String {
        var buf = [CChar](repeating: 0, count: 4096)
        return getcwd(&buf, buf.count) != nil ? String(cString: buf) : "."
    }

    func magicCd(_ arg: String) {
        var target = REPLSession.expandPath(arg)
        if target.isEmpty { target = getenv("HOME").map { String(cString: $0) } ?? "/" }
        if target == "-" {
            guard let p = previousDirectory else { FileIO.writeStderr("error: %cd -: no previous directory\n"); return }
            target = p
        }
        let here = REPLSession.workingDirectory()
        guard chdir(target) == 0 else {
            FileIO.writeStderr("error: %cd: cannot change to '\(target)': \(String(cString: strerror(errno)))\n")
            return
        }
        previousDirectory = here
        FileIO.writeStdout(REPLSession.workingDirectory() + "\n")
    }

    /// `%run FILE`: runs a notebook or script in the session, showing its output.
    func magicRun(_ arg: String, n: Int) {
        guard !arg.isEmpty else { FileIO.writeStderr("error: %run needs a file, e.g. %run examples/09_soft_nms.trick\n"); return }
        let path = REPLSession.expandPath(arg)
        let text: String
        do { text = try FileIO.read(path) } catch { reportError(error); return }
        let nb = Notebook(path: path, text: text)
        beginEvaluation()
        var result: Notebook.RunResult?
        _ = Runner.onBigStack { [self] in
            result = nb.run(interp, stopOnError: true, echo: { FileIO.writeStdout($0) })
            return 0
        }
        endEvaluation()
        guard let r = result else { return }
        if let e = r.syntaxError { Runner.report(e); return }
        for e in r.runtimeErrors {
            if e.isInterrupt { FileIO.writeStderr("KeyboardInterrupt\n") } else { Runner.report(e) }
        }
        // Keep what ran for %save: the notebook up to its last statement that ran.
        var cell = LoggedCell(source: nb.lines.joined(separator: "\n"))
        for b in r.blocks { cell.outputs.append((b.lastLine, b.output)) }
        let names = REPLSession.identifiers(in: cell.source)
        if r.runtimeErrors.contains(where: { $0.isInterrupt }) || !names.isDisjoint(with: tainted) {
            // As an interrupted cell (see `execute`): not saved, and what it touched is tainted.
            tainted.formUnion(names.intersection(sessionNames.map(\.0)))
            untrusted.append(n)
            return
        }
        if let last = r.blocks.last, !r.runtimeErrors.isEmpty { cell.keepLines(through: last.lastLine) }
        if !cell.source.isEmpty { log.append(cell) }
    }

    func magicSave(_ arg: String) {
        guard !arg.isEmpty else { FileIO.writeStderr("error: %save needs a file name, e.g. %save session.trick\n"); return }
        var path = REPLSession.expandPath(arg)
        if !path.hasSuffix(".trick") { path += ".trick" }
        var lines = ["# trick session saved by %save: `trick test \(path)` re-runs it and checks the #> outputs.", ""]
        for cell in log {
            let ls = cell.notebookLines
            lines += ls
            if ls.count > 1 && CellAssembler.isCompound(cell.source) { lines.append("") }
        }
        do {
            try FileIO.writeAtomically(path, lines.joined(separator: "\n") + "\n")
            FileIO.writeStdout("Saved \(log.count) cell\(log.count == 1 ? "" : "s") to \(path)\n")
            if !untrusted.isEmpty {
                let list = untrusted.map { "In [\($0)]" }.joined(separator: ", ")
                FileIO.writeStdout("Left out \(list): interrupted, or computed from what an interrupted cell changed (\(tainted.sorted().joined(separator: ", "))).\n")
            }
        } catch {
            reportError(error)
        }
    }

    func magicHistory(_ arg: String) {
        let numbered = arg.split(separator: " ").contains("-n")
        var out = ""
        for (k, cell) in inputs.dropLast() {
            let ls = cell.split(separator: "\n", omittingEmptySubsequences: false)
            for (i, l) in ls.enumerated() {
                if numbered { out += i == 0 ? String(repeating: " ", count: max(0, 4 - String(k).count)) + "\(k): " : "      " }
                out += l + "\n"
            }
        }
        FileIO.writeStdout(out)
    }
}
