import TrickLibrary
import TrickCore
import TrickLang
#if canImport(Glibc)
import Glibc
#endif

// The fuzz target for the lexer, parser and evaluator (issue 9). Each input is a trick program:
// it is parsed, compiled and run as `trick run` runs a notebook (top-level values are printed to
// nowhere), under a time budget. A well-behaved input ends in success or a TrickError; anything
// else — a Swift trap, a stack overflow, a hang inside a built-in — is a crash the fuzzer reports.
//
// Two drivers share `FuzzTarget.runOne`:
// - built with `-Xswiftc -sanitize=fuzzer -Xswiftc -DTRICK_LIBFUZZER` (`make fuzz`): libFuzzer's
//   driver (`LLVMFuzzerRunDriver`), coverage-guided; its usual flags work (`-max_total_time=60`).
// - otherwise: a seeded random-mutation loop over the corpus files given as arguments
//   (`trick-fuzz [-seconds=N] [-seed=N] FILES/DIRS…`), writing the input it is about to run to
//   `fuzz-current.trick` so that a crash leaves its reproducer behind.

enum FuzzTarget {
    /// Per-input budget before the watchdog asks the interpreter to stop (as Ctrl-C does).
    nonisolated(unsafe) static var budgetNanos: UInt64 = 100_000_000
    /// When the current input must stop (0: no input running).
    nonisolated(unsafe) static var deadline: UInt64 = 0
    nonisolated(unsafe) static var started = false
    nonisolated(unsafe) static var sandbox = "/tmp"

    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    static func setUp() {
        guard !started else { return }
        started = true
        // Small tensors only: a fuzz input asking for gigabytes is told no, as a user is.
        Tensor.maxAllocationBytes = 64 << 20
        // Relative paths in scripts resolve in a scratch directory (not the working directory:
        // libFuzzer reads and writes its corpus there).
        var template = Array("/tmp/trick-fuzz-XXXXXX".utf8CString)
        if let p = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) {
            sandbox = String(cString: p)
        }
        // The watchdog: once an input overruns its budget, keep raising the interrupt flag (each
        // top-level statement clears it) until the input returns.
        var thread = pthread_t()
        pthread_create(&thread, nil, { _ in
            while true {
                usleep(2000)
                let d = FuzzTarget.deadline
                // (read again: an input that ended meanwhile must not leave the flag to the next)
                if d != 0 && FuzzTarget.now() > d && FuzzTarget.deadline == d { trickInterruptRequested = 1 }
            }
        }, nil)
    }

    /// A library of its own for each input, as `trick run` gives each program: whatever a program
    /// leaves in its library (a registered class, a module attribute it set, a cached module built
    /// by its own interpreter) must not reach the next input — the next input would read objects of
    /// an interpreter that has ended, and a crash would not reproduce from its input alone. The
    /// interpreter and its library are closed when the input ends (`Interpreter.close`), which lets
    /// their memory go.
    static func makeInterpreter() -> Interpreter {
        let lib = Library()
        TrickLibrary.register(lib)
        let interp = Interpreter(library: lib)   // registers the language built-ins, which refer to it
        interp.output = { _ in }
        interp.baseDirectory = sandbox
        // No writing anywhere: a mutated path could name any file.
        ImageFiles.writesDisabled = true   // imwrite, mmcv.imwrite, the drawings' output
        for name in ["save", "save_json", "save_svg"] {
            let disabled = Value.builtin(BuiltinFunction("\(name)(obj, path)") { _ in
                throw RuntimeError("\(name)() is disabled while fuzzing", kind: "OSError")
            })
            lib.define(name, disabled)
            interp.setGlobal(name, disabled)
        }
        return interp
    }

    /// Parses and runs one program; every outcome but a crash is fine.
    static func runOne(_ text: String) {
        setUp()
        final class Box { let text: String; init(_ t: String) { text = t } }
        let box = Unmanaged.passRetained(Box(text)).toOpaque()
        var attr = pthread_attr_t()
        pthread_attr_init(&attr)
        pthread_attr_setstacksize(&attr, 1 << 30)  // as `trick run` (Runner.onBigStack)
        var thread = pthread_t()
        trickInterruptRequested = 0
        deadline = now() + budgetNanos
        let rc = pthread_create(&thread, &attr, { p in
            let text = Unmanaged<Box>.fromOpaque(p!).takeRetainedValue().text
            FuzzTarget.evaluate(text)
            return nil
        }, box)
        if rc == 0 { pthread_join(thread, nil) } else { evaluate(text) }
        deadline = 0
        trickInterruptRequested = 0
    }

    static func evaluate(_ text: String) {
        let interp = makeInterpreter()
        defer { interp.close() }
        let file = SourceFile(name: "<fuzz>", text: text)
        do {
            let program = try Parser.parse(file)
            for st in try interp.compile(program) {
                if let v = try st.execute() { _ = Printer.repr(v) }
            }
        } catch let e as TrickError {
            _ = e.render(color: false)
        } catch {
            _ = "\(error)"
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data, size <= 4096 else { return 0 }
    FuzzTarget.runOne(String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self))
    return 0
}

#if TRICK_LIBFUZZER
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput))
#else
MutationFuzzer.main(Array(CommandLine.arguments.dropFirst()))
#endif
