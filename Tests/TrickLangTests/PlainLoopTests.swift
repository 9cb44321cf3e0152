@testable import TrickLang
import XCTest

/// Which functions `VM.runPlain` keeps running: a plain recursive function stays in it (its first
/// descent included: the registers it reaches for the first time are made there), while a plain
/// function that calls what does not run plain (a closure) stops entering it after
/// `VM.plainMissLimit` calls; results are the same either way.
final class PlainLoopTests: XCTestCase {
    func testPlainCallsStayAndMissingCallsLeave() throws {
        let interp = Interpreter(library: Library())
        var out = ""
        interp.output = { out += $0 }
        try interp.run(source: """
            def fib(n):
                if n < 2:
                    return n
                return fib(n - 1) + fib(n - 2)

            def make_adder(k):
                def add(x):
                    return x + k
                return add

            twice = lambda f, x: f(f(x))
            add3 = make_adder(3)
            total = 0
            for i in range(40):
                total = total + twice(add3, i) + fib(12)
            print(total)
            """, name: "<plain>")
        XCTAssertEqual(out, "\((0..<40).reduce(0) { $0 + $1 + 6 + 144 })\n")
        func chunk(_ name: String) -> Chunk? {
            if case .function(let f)? = interp.global(name) { return f.chunk?.takeUnretainedValue() }
            return nil
        }
        XCTAssertEqual(chunk("fib")?.runsPlain, true, "fib runs plain")
        XCTAssertEqual(chunk("fib")?.plainMisses, 0)
        XCTAssertEqual(chunk("twice")?.runsPlain, false, "twice calls a closure: it stopped entering the loop")
        XCTAssertEqual(chunk("add3")?.runsPlain, false, "a closure never runs plain")
    }
}
