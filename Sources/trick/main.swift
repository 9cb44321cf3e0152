import ArgumentParser
import TrickLibrary
import TrickCore
import TrickLang
#if canImport(Glibc)
import Glibc
#endif

/// The `trick` command: REPL (no arguments on a terminal), script from stdin, `-c CODE`,
/// `run`, `test`. Exit status: 0 success, 1 script error, 2 bad usage.
struct Trick: ParsableCommand {
    static let version = "0.1.0"
    static let configuration = CommandConfiguration(
        commandName: "trick",
        abstract: "A notebook-style language for the training tricks of segmentation and detection.",
        discussion: """
            With no arguments on a terminal, starts the REPL; with input on stdin, runs it.
            `trick FILE` runs a file as `trick run FILE` does (as `python x.py`).
            Examples:
              trick examples/09_soft_nms.trick
              trick -c 'print(rescale_size((1024, 512), (2048, 512)))'
              trick test examples
              trick test --update examples/09_soft_nms.trick
            """,
        version: version,
        subcommands: [Run.self, Test.self, Repl.self, KernelCommand.self, Convert.self])

    @Option(name: .customShort("c"), help: "Run CODE and exit.")
    var code: String?

    func run() throws {
        if let code {
            throw ExitCode(Runner.runScript(source: code, name: "<string>", display: true))
        }

        if FileIO.isStdinTerminal {
            throw ExitCode(REPL().run())
        }
        throw ExitCode(Runner.runScript(source: FileIO.readStdin(), name: "<stdin>", display: true))
    }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run notebook or script files and print their output.")

    @Flag(help: "Write a Markdown transcript of the notebook (code cells with their output) to stdout.")
    var markdown = false

    @Flag(help: "Print each cell's `#%%` title line above its output.")
    var titles = false

    @Argument(help: "The .trick notebooks (top-level values are displayed) or .py scripts (only what they print).")
    var files: [String]

    func run() throws {
        let status = Run.runFiles(files, markdown: markdown, titles: titles)
        if status != 0 { throw ExitCode(status) }
    }

    /// Runs the files in order, stopping at the first that fails; its status.
    static func runFiles(_ files: [String], markdown: Bool = false, titles: Bool = false) -> Int32 {
        for f in files {
            let status = markdown ? Runner.markdown(path: f) : Runner.runFile(path: f, titles: titles)
            if status != 0 { return status }
        }
        return 0
    }
}

struct Test: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-run notebooks and compare their output with the `#>` lines in them.")

    @Flag(help: "Rewrite the `#>` lines with the actual output (atomically).")
    var update = false

    @Option(help: ArgumentHelp("Leave out a test, as pytest's --deselect: a test id (`test_f`, `test_f[case]`, `TestC.test_m`; a name covers all its cases), reported as skipped. Repeatable.", valueName: "id"))
    var deselect: [String] = []

    @Argument(help: "Files or folders (searched for *.trick).")
    var paths: [String]

    func run() throws {
        throw ExitCode(GoldenTests.run(paths: paths, update: update, deselect: deselect))
    }
}

struct Repl: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Start the interactive session.")
    func run() throws { throw ExitCode(REPL().run()) }
}

// `trick FILE ...` is `trick run FILE ...`, as `python x.py` (a first argument that is neither an
// option nor a subcommand).
var arguments = Array(CommandLine.arguments.dropFirst())
if let first = arguments.first, !first.hasPrefix("-"),
   !Trick.configuration.subcommands.contains(where: { $0._commandName == first }), first != "help" {
    arguments.insert("run", at: 0)
}

// Freed tensor buffers are reused, not returned to the kernel and faulted in again (TrickCore.Allocator).
Allocator.keepFreedMemory()

// The two plain ways to run code, `trick -c CODE` and `trick [run] FILE...` (no options), skip
// ArgumentParser: building its command tree takes ~1.5 ms of CPU and touches ~0.5 MB of code and
// type metadata at every start (issue 15: start-up time and peak memory). They do what
// `Trick.run` and `Run.run` do with those arguments; anything else (options, help, other
// subcommands, a value that looks like an option) goes through the parser below.
if arguments.count == 2, arguments[0] == "-c", !arguments[1].hasPrefix("-") {
    let status = Runner.runScript(source: arguments[1], name: "<string>", display: true)
    FileIO.flush()
    exit(status)
}
if arguments.count >= 2, arguments[0] == "run", arguments.dropFirst().allSatisfy({ !$0.hasPrefix("-") }) {
    let status = Run.runFiles(Array(arguments.dropFirst()))
    FileIO.flush()
    exit(status)
}

// Bad usage exits with status 2 (ArgumentParser's default would be 64).
do {
    var command = try Trick.parseAsRoot(arguments)
    try command.run()
} catch let e as ExitCode {
    FileIO.flush()
    exit(e.rawValue)
} catch {
    FileIO.flush()
    let code = Trick.exitCode(for: error)
    if code == .success {
        print(Trick.fullMessage(for: error))
        exit(0)
    }
    FileIO.writeStderr(Trick.fullMessage(for: error) + "\n")
    exit(2)
}
