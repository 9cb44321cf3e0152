import TrickLibrary
import TrickLang
import XCTest

/// Runs trick source with every built-in and returns what it printed (displayed values included).
func runTrick(_ source: String, name: String = "<test>") throws -> String {
    let lib = Library()
    TrickLibrary.register(lib)
    let interp = Interpreter(library: lib)
    var out = ""
    interp.output = { out += $0 }
    let program = try Parser.parse(SourceFile(name: name, text: source))
    for st in try interp.compile(program) {
        if let v = try st.execute() { out += Printer.repr(v) + "\n" }
    }
    return out
}

/// The error a program raises (fails the test if it runs cleanly).
func trickError(_ source: String, file: StaticString = #filePath, line: UInt = #line) -> TrickError? {
    do {
        _ = try runTrick(source)
        XCTFail("expected an error", file: file, line: line)
        return nil
    } catch let e as TrickError {
        return e
    } catch {
        XCTFail("unexpected non-trick error \(error)", file: file, line: line)
        return nil
    }
}

func fixturePath(_ relative: String) -> String {
    let here = "\(#filePath)"
    let dir = here[..<here.lastIndex(of: "/")!]
    return dir + "/Fixtures/" + relative
}
