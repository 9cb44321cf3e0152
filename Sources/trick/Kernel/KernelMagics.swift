import TrickCore
import TrickLang
#if canImport(Glibc)
import Glibc
#endif

/// The REPL's `%magics` (`%time`, `%timeit`, `%who`, `%whos`, `%reset`, `%load`, `%history`, …) in
/// the kernel: the REPL's own implementation runs on the kernel's interpreter, and what it writes
/// to the process's stdout and stderr is captured and published as `stream` output.
extension JupyterKernel {
    static func isMagic(_ code: String) -> Bool {
        let t = code.drop { $0 == " " || $0 == "\n" }
        return t.hasPrefix("%") && !t.trimmingCharacters(in: .whitespaces).contains("\n")
    }

    /// Runs `%name args`; returns the (stdout, stderr) text it wrote.
    func runMagic(_ code: String, n: Int) -> (out: String, err: String) {
        let line = String(code.drop { $0 == " " || $0 == "\n" }.dropFirst()).trimmingCharacters(in: .whitespaces)
        let repl = magicSession
        repl.interp = session.interp
        repl.attachOutput()
        repl.inputs = history.filter { $0.0 < n } + [(n, code)]
        repl.count = n
        kernelEvaluating = 1
        let captured = FDCapture.run { repl.runMagic(line, n: n) }
        kernelEvaluating = 0
        trickInterruptRequested = 0
        if repl.interp !== session.interp {
            // %reset: a fresh interpreter, with fresh Out and displayed values
            session.adopt(repl.interp)
            outputs = DictRef()
            shown = []
            installHistoryNames()
        } else {
            session.attach()
        }
        return captured
    }

    /// `%whos` as an HTML table (name, type, value), for front ends that show HTML.
    func whosTable() -> String? {
        let rows = magicSession.sessionNames
        guard !rows.isEmpty else { return nil }
        let table: [Value] = rows.map { name, v in
            var info = Printer.repr(v).split(separator: "\n").first.map(String.init) ?? ""
            if let t = v.tensorValue { info = "shape (" + t.shape.map(String.init).joined(separator: ", ") + "), \(t.dtype.rawValue)" }
            let d = DictRef()
            try? d.set(.str("Variable"), .str(name))
            try? d.set(.str("Type"), .str(v.typeName))
            try? d.set(.str("Data/Info"), .str(info))
            return .dict(d)
        }
        return RichDisplay.htmlTable(.list(ListRef(table)))
    }
}

/// Captures what the process writes to file descriptors 1 and 2 while `body` runs (into
/// temporary files, so a long output cannot block on a full pipe).
enum FDCapture {
    static func run(_ body: () -> Void) -> (out: String, err: String) {
        fflush(stdout)
        fflush(stderr)
        guard let outFile = tmpfile(), let errFile = tmpfile() else {
            body()
            return ("", "")
        }
        defer { fclose(outFile); fclose(errFile) }
        let savedOut = dup(1), savedErr = dup(2)
        dup2(fileno(outFile), 1)
        dup2(fileno(errFile), 2)
        body()
        fflush(stdout)
        fflush(stderr)
        dup2(savedOut, 1)
        dup2(savedErr, 2)
        close(savedOut)
        close(savedErr)
        return (read(outFile), read(errFile))
    }

    static func read(_ f: UnsafeMutablePointer<FILE>) -> String {
        rewind(f)
        var bytes: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buf, 1, buf.count, f)
            if n <= 0 { break }
            bytes += buf[..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
