import TrickLibrary
import TrickLang
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The golden-output runner: `#>` lines are checked, a wrong one fails with its line, and
/// `--update` rewrites them so the file passes again (leaving unchanged files byte-identical).
final class NotebookTests: XCTestCase {
    func interp() -> Interpreter {
        let lib = Library()
        TrickLibrary.register(lib)
        return Interpreter(library: lib)
    }

    let good = """
        #%% [markdown]
        # A notebook.
        #%%
        x = 2
        x * 21
        #> 42
        print('a'); print('b')
        #> a
        #> b
        for i in range(2):
            print(i)
        #> 0
        #> 1
        y = x;
        """ + "\n"

    func testPassingNotebookHasNoMismatches() {
        let nb = Notebook(path: "good.trick", text: good)
        let r = nb.run(interp())
        XCTAssertNil(r.syntaxError)
        XCTAssertTrue(nb.check(r).isEmpty)
        XCTAssertEqual(nb.updated(r), good, "an up-to-date notebook is rewritten byte-identically")
    }

    func testWrongOutputLineFailsAtItsLine() {
        let bad = good.replacingFirst("#> 42", with: "#> 41")
        let nb = Notebook(path: "bad.trick", text: bad)
        let mismatches = nb.check(nb.run(interp()))
        XCTAssertEqual(mismatches.count, 1)
        XCTAssertEqual(mismatches.first?.line, 6)
        XCTAssertEqual(mismatches.first?.expected, ["#> 41"])
        XCTAssertEqual(mismatches.first?.actual, ["#> 42"])
    }

    func testMissingAndStaleOutputAreMismatches() {
        let missing = good.replacingFirst("#> 0\n#> 1\n", with: "")
        let nb = Notebook(path: "m.trick", text: missing)
        XCTAssertEqual(nb.check(nb.run(interp())).count, 1)
        let stale = good + "#> leftover\n"
        let nb2 = Notebook(path: "s.trick", text: stale)
        XCTAssertEqual(nb2.check(nb2.run(interp())).map(\.line), [15])
    }

    func testUpdateFixesTheFile() throws {
        let dir = "/tmp/trick-notebook-test-\(getpid())"
        mkdir(dir, 0o755)
        let path = dir + "/n.trick"
        let bad = good.replacingFirst("#> 42", with: "#> 41").replacingFirst("#> 0\n#> 1\n", with: "")
        try FileIO.writeAtomically(path, bad)
        chmod(path, 0o640)
        let nb = Notebook(path: path, text: try FileIO.read(path))
        try FileIO.writeAtomically(path, nb.updated(nb.run(interp())))
        let fixed = try FileIO.read(path)
        XCTAssertEqual(fixed, good)
        var st = stat()
        stat(path, &st)
        XCTAssertEqual(st.st_mode & 0o777, 0o640, "permissions are kept")
        let again = Notebook(path: path, text: fixed)
        XCTAssertTrue(again.check(again.run(interp())).isEmpty)
        unlink(path)
        rmdir(dir)
    }

    func testErrorsBecomeOutputAndTheNotebookGoesOn() {
        let text = "x = 1\n1 / 0\n#> error: division by zero\nx + 1\n#> 2\n"
        let nb = Notebook(path: "e.trick", text: text)
        let r = nb.run(interp())
        XCTAssertEqual(r.runtimeErrors.count, 1)
        XCTAssertTrue(nb.check(r).isEmpty)
    }

    func testMarkdownTranscript() {
        let nb = Notebook(path: "good.trick", text: good)
        let md = nb.markdown(nb.run(interp()))
        XCTAssertTrue(md.hasPrefix("A notebook.\n"), md)
        XCTAssertTrue(md.contains("```python\nx = 2\nx * 21\n```\n\n```text\n42\n```"), md)
    }
}

extension String {
    func replacingFirst(_ a: String, with b: String) -> String {
        guard let r = range(of: a) else { return self }
        return replacingCharacters(in: r, with: b)
    }
}
