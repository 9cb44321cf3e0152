import TrickLibrary
import TrickLang
import XCTest

/// The user's own modules as a notebook uses them: imported from the notebook's folder, edited on
/// disk, and run again with `importlib.reload` (the REPL and the Jupyter kernel keep one session).
final class UserModuleTests: XCTestCase {
    func testReloadRunsTheEditedFileInTheSameNamespace() throws {
        let dir = NSTemporaryDirectory() + "trick-reload-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let module = dir + "/knob.py"
        try "VALUE = 1\ndef get():\n    return VALUE\n".write(toFile: module, atomically: true, encoding: .utf8)

        let lib = Library()
        TrickLibrary.register(lib)
        let interp = Interpreter(library: lib)
        interp.includingFiles = [dir + "/notebook.trick"]      // imports look next to the notebook
        var out = ""
        interp.output = { out += $0 }
        func run(_ source: String) throws { try interp.run(source: source, name: dir + "/notebook.trick") }

        try run("import importlib, knob\nkept = knob.get\nprint(knob.get(), kept())\n")
        try "VALUE = 2\ndef get():\n    return VALUE * 10\n".write(toFile: module, atomically: true, encoding: .utf8)
        try run("import knob\nprint(knob.get())\n")          // a second import is the cached module
        try run("importlib.reload(knob)\nprint(knob.get(), kept(), knob.VALUE)\n")
        // as Python: the new text's get; the old function object reads the module's new VALUE
        XCTAssertEqual(out, "1 1\n1\n20 2 2\n")
    }

    func testReloadOfATrickModuleChangesNothing() throws {
        XCTAssertEqual(try runTrick("import importlib, math\nprint(importlib.reload(math) is math)\n"), "True\n")
        let e = trickError("import importlib\nimportlib.reload(3)\n")
        XCTAssertEqual(e?.kind, "TypeError")
    }
}
