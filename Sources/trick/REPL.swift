@preconcurrency import CEditLine
import TrickLang
#if canImport(Glibc)
import Glibc
#endif

/// The interactive session (placeholder: a line loop on libedit; the full REPL is issue 3).
struct REPL {
    func run() -> Int32 {
        let interp = Runner.makeInterpreter()
        signal(SIGINT) { _ in trickInterruptRequested = 1 }
        var buffer = ""
        var n = 1
        while true {
            let prompt = buffer.isEmpty ? "In [\(n)]: " : "   ...: "
            guard let cline = readline(prompt) else { FileIO.writeStdout("\n"); return 0 }
            let line = String(cString: cline)
            free(cline)
            if !line.isEmpty { add_history(line) }
            buffer += (buffer.isEmpty ? "" : "\n") + line
            let file = SourceFile(name: "<stdin>", text: buffer)
            do {
                _ = try Parser.parse(file)
            } catch let e as TrickError where e.isIncompleteInput {
                continue
            } catch {}
            if buffer.contains("\n") && !line.isEmpty && (buffer.hasSuffix(":") || line.hasPrefix(" ")) { continue }
            let source = buffer
            buffer = ""
            if source.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            _ = Runner.onBigStack {
                do {
                    if let v = try interp.evaluate(source: source, name: "In [\(n)]") {
                        FileIO.writeStdout("Out[\(n)]: " + Printer.repr(v) + "\n")
                    }
                } catch let e as TrickError {
                    Runner.report(e)
                } catch {}
                return 0
            }
            FileIO.flush()
            n += 1
        }
    }
}
