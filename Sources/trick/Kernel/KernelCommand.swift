import ArgumentParser
import TrickLang

/// `trick kernel -f CONNECTION_FILE` (Jupyter starts this) and `trick kernel install`.
struct KernelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernel",
        abstract: "Run trick as a Jupyter kernel, or install its kernelspec.",
        discussion: """
            trick kernel install --user         # then: jupyter lab, and pick the 'trick' kernel
            trick kernel -f CONNECTION_FILE     # what Jupyter runs (kernel.json's argv)
            """,
        subcommands: [KernelInstall.self])

    @Option(name: .customShort("f"), help: ArgumentHelp("The connection file Jupyter wrote (ports, key, transport).", valueName: "connection-file"))
    var connectionFile: String?

    func run() throws {
        guard let f = connectionFile else {
            throw ValidationError("give the connection file with -f (Jupyter does), or use 'trick kernel install'")
        }
        throw ExitCode(JupyterKernel.run(connectionFile: f))
    }
}

struct KernelInstall: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Write the kernelspec (kernel.json and logos) so `jupyter kernelspec list` shows trick.")

    @Flag(help: "Install for the current user (the user's Jupyter data folder).")
    var user = false

    @Option(help: "Install under PREFIX/share/jupyter/kernels (e.g. a virtualenv's sys.prefix).")
    var prefix: String?

    func validate() throws {
        if user && prefix != nil { throw ValidationError("--user and --prefix cannot be used together") }
    }

    func run() throws {
        do {
            let dir = try Kernelspec.install(user: user, prefix: prefix)
            FileIO.writeStdout("Installed the trick kernelspec in \(dir)\n")
        } catch {
            FileIO.writeStderr("error: \(error)\n")
            throw ExitCode(1)
        }
    }
}
