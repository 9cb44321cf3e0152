import TrickLibrary
import TrickCore
import TrickLang
#if canImport(Glibc)
import Glibc
#endif

/// Creates interpreters with every built-in, and runs scripts and notebooks.
enum Runner {
    /// Ctrl-C during `trick run` / `-c` / stdin: the first sets the flag the interpreter polls
    /// (at loop back-edges and calls), so the script stops with a KeyboardInterrupt at the line it
    /// was running; a second one before that happens (a long built-in call) quits at once.
    static func installInterruptHandler() {
        signal(SIGINT) { _ in
            if trickInterruptRequested != 0 {
                signal(SIGINT, SIG_DFL)
                raise(SIGINT)
            }
            trickInterruptRequested = 1
        }
    }

    /// Exit status of a failed script: 130 (as shells report SIGINT) for Ctrl-C, else 1.
    static func status(_ e: TrickError) -> Int32 { e.isInterrupt && e.kind == "KeyboardInterrupt" ? 130 : 1 }

    /// Output kept in memory (`trick test`, `--markdown`) is capped lower than streamed output.
    static let bufferedOutputLimit = 16 << 20

    /// A fresh interpreter for the main module (`__name__` is '__main__', so `if __name__ ==
    /// '__main__':` runs; a test file is a module named after itself, as under pytest); with the
    /// path of the file it runs, `__file__` names that file
    /// (absolute, as CPython 3.9+ gives it), so tests can find data next to themselves.
    static func makeInterpreter(file: String? = nil, moduleName: String = "__main__") -> Interpreter {
        let lib = Library()
        TrickLibrary.register(lib)
        lib.define("__name__", .str(moduleName))
        if let file, !file.hasPrefix("<") {
            var cwd = [CChar](repeating: 0, count: 4096)
            let absolute = file.hasPrefix("/") || getcwd(&cwd, cwd.count) == nil ? file : String(cString: cwd) + "/" + file
            lib.define("__file__", .str(absolute))
        }
        let interp = Interpreter(library: lib)
        interp.output = { FileIO.writeStdout($0) }
        return interp
    }

    static var colorErrors: Bool { isatty(2) != 0 && getenv("NO_COLOR") == nil }

    static func report(_ e: TrickError) {
        FileIO.writeStderr(e.render(color: colorErrors))
    }

    /// Runs source as a notebook does (top-level values displayed) or, without `display`, as
    /// Python runs a script; 0 or 1. With `titles`, each cell's `#%%` line is printed above its
    /// output (`make run`).
    static func runScript(source: String, name: String, display: Bool, titles: Bool = false) -> Int32 {
        installInterruptHandler()
        return onBigStack {
            let interp = makeInterpreter(file: name)
            if !name.hasPrefix("<") { interp.includingFiles = [name] }
            let file = SourceFile(name: name, text: source)
            var cellTitles: [(line: Int, text: String)] = []
            if titles {
                // A code cell's `#%% title`, else the first line of the Markdown cell before it.
                var inMarkdown = false
                for (i, l) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                    if let t = Notebook.cellTitle(String(l)) {
                        inMarkdown = t.hasPrefix("[markdown]") || t.hasPrefix("[md]")
                        if !inMarkdown && !t.isEmpty { cellTitles.append((i + 1, "── " + t)) }
                    } else if inMarkdown, l.hasPrefix("# ") {
                        cellTitles.append((i + 1, "── " + l.dropFirst(2).drop { $0 == "#" || $0 == " " }))
                        inMarkdown = false
                    }
                }
            }
            do {
                let program = try Parser.parse(file)
                for st in try interp.compile(program) {
                    // Only the last title before a statement: cells without output show none.
                    var title: String?
                    while let t = cellTitles.first, t.line < st.firstLine { title = t.text; cellTitles.removeFirst() }
                    if let t = title { FileIO.writeStdout(t + "\n") }
                    if let v = try st.execute(), display {
                        FileIO.writeStdout(Printer.repr(v) + "\n")
                    }
                }
                FileIO.flush()
                return 0
            } catch let e as TrickError {
                FileIO.flush()
                report(e)
                return status(e)
            } catch {
                FileIO.writeStderr("error: \(error)\n")
                return 1
            }
        }
    }

    /// A `.py` file is a Python script (only what it prints is output); anything else is a notebook.
    static func runFile(path: String, titles: Bool = false) -> Int32 {
        let text: String
        do { text = try FileIO.read(path) } catch {
            FileIO.writeStderr("error: \(error)\n")
            return 1
        }
        return runScript(source: text, name: path, display: !path.hasSuffix(".py"), titles: titles)
    }

    static func markdown(path: String) -> Int32 {
        installInterruptHandler()
        return onBigStack {
            let text: String
            do { text = try FileIO.read(path) } catch {
                FileIO.writeStderr("error: \(error)\n")
                return 1
            }
            let nb = Notebook(path: path, text: text)
            let interp = makeInterpreter(file: path)
            interp.maxOutputBytes = bufferedOutputLimit
            let result = nb.run(interp)
            if let e = result.syntaxError { report(e); return 1 }
            FileIO.writeStdout(nb.markdown(result))
            for e in result.runtimeErrors { report(e) }
            return result.runtimeErrors.isEmpty ? 0 : 1
        }
    }

    /// Runs `body` on a thread with a large stack, so deep (but bounded) recursion in scripts
    /// ends in a RecursionError rather than a stack overflow.
    static func onBigStack(_ body: @escaping () -> Int32) -> Int32 {
        final class Box { var body: () -> Int32; var result: Int32 = 0; init(_ b: @escaping () -> Int32) { body = b } }
        let box = Box(body)
        var attr = pthread_attr_t()
        pthread_attr_init(&attr)
        pthread_attr_setstacksize(&attr, 1 << 30)
        var thread = pthread_t()
        let ctx = Unmanaged.passRetained(box).toOpaque()
        let rc = pthread_create(&thread, &attr, { p in
            let b = Unmanaged<Box>.fromOpaque(p!).takeRetainedValue()
            b.result = b.body()
            return nil
        }, ctx)
        if rc != 0 { return body() }
        pthread_join(thread, nil)
        return box.result
    }
}

/// `trick test`: re-runs notebooks and diffs their output against the `#>` lines.
enum GoldenTests {
    static func run(paths: [String], update: Bool, deselect: [String] = []) -> Int32 {
        var files: [String] = []
        for p in paths {
            if FileIO.isDirectory(p) { files += FileIO.files(under: p, suffix: ".trick") } else if FileIO.exists(p) { files.append(p) } else {
                FileIO.writeStderr("error: no such file or folder '\(p)'\n")
                return 2
            }
        }
        var passed = 0, failed = 0, updated = 0
        var testTotals = (passed: 0, failed: 0, skipped: 0)
        for f in files {
            let status = Runner.onBigStack {
                let text: String
                do { text = try FileIO.read(f) } catch {
                    FileIO.writeStderr("error: \(error)\n")
                    return 1
                }
                let nb = Notebook(path: f, text: text)
                let stem = f.split(separator: "/").last.map { String($0.split(separator: ".").first ?? $0) } ?? f
                let interp = Runner.makeInterpreter(file: f, moduleName: stem)
                interp.maxOutputBytes = Runner.bufferedOutputLimit
                let result = nb.run(interp)
                if let e = result.syntaxError {
                    Runner.report(e)
                    return 1
                }
                let mismatches = nb.check(result)
                // test_* functions and Test* classes, as pytest would run them
                let tests = interp.runTestFunctions(deselect: deselect)
                if tests.total > 0 {
                    for (name, e) in tests.failed {
                        FileIO.writeStdout("FAILED \(f)::\(name)\n")
                        FileIO.writeStdout(e.render(color: false).split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n") + "\n")
                    }
                    for (name, reason) in tests.skipped { FileIO.writeStdout("SKIPPED \(f)::\(name): \(reason)\n") }
                    FileIO.writeStdout("\(f): \(tests.passed) passed, \(tests.failed.count) failed\(tests.skipped.isEmpty ? "" : ", \(tests.skipped.count) skipped")\n")
                    testTotals.passed += tests.passed
                    testTotals.failed += tests.failed.count
                    testTotals.skipped += tests.skipped.count
                    if !tests.failed.isEmpty && mismatches.isEmpty { return 1 }
                }
                if mismatches.isEmpty { return 0 }
                if update {
                    let newText = nb.updated(result)
                    if newText != text {
                        do { try FileIO.writeAtomically(f, newText) } catch {
                            FileIO.writeStderr("error: \(error)\n")
                            return 1
                        }
                    }
                    FileIO.writeStdout("updated \(f) (\(mismatches.count) block\(mismatches.count == 1 ? "" : "s"))\n")
                    return 3
                }
                for m in mismatches {
                    FileIO.writeStdout("\(f):\(m.line): output differs\n")
                    for l in m.expected { FileIO.writeStdout("  - \(l)\n") }
                    for l in m.actual { FileIO.writeStdout("  + \(l)\n") }
                }
                return 1
            }
            switch status {
            case 0: passed += 1
            case 3: updated += 1; passed += 1
            default: failed += 1; FileIO.writeStdout("FAIL \(f)\n")
            }
        }
        if updated > 0 { FileIO.writeStdout("\(updated) file\(updated == 1 ? "" : "s") updated\n") }
        if testTotals.passed + testTotals.failed + testTotals.skipped > 0 {
            FileIO.writeStdout("tests: \(testTotals.passed) passed, \(testTotals.failed) failed, \(testTotals.skipped) skipped\n")
        }
        FileIO.writeStdout("golden: \(passed) passed, \(failed) failed\n")
        FileIO.flush()
        return failed == 0 ? 0 : 1
    }
}
