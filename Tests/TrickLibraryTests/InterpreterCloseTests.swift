import XCTest
import TrickCore
@testable import TrickLang
@testable import TrickLibrary

/// `Interpreter.close()` (the fuzzer runs each input on a library of its own and closes it): the
/// interpreter, its library and what the program made — cycles included — are freed, and a
/// program on a fresh library sees nothing the previous one registered.
final class InterpreterCloseTests: XCTestCase {
    final class Program {
        weak var library: Library?
        weak var interpreter: Interpreter?
    }

    func run(_ source: String) throws -> Program {
        let seen = Program()
        func once() throws {   // (everything it makes is let go when it returns)
            let lib = Library()
            TrickLibrary.register(lib)
            let interp = Interpreter(library: lib)
            interp.output = { _ in }
            seen.library = lib
            seen.interpreter = interp
            let program = try Parser.parse(SourceFile(name: "<close>", text: source))
            for statement in try interp.compile(program) { _ = try statement.execute() }
            interp.close()
        }
        try once()
        return seen
    }

    func testClosingFreesTheInterpreterAndItsLibrary() throws {
        let p = try run("""
            import sys, logging, torch
            from mmengine.registry import MODELS
            @MODELS.register_module()
            class Loop:
                def __init__(self):
                    self.me = self
                    self.t = torch.zeros(4)
            a = [1]
            a.append(a)
            d = {}
            d['d'] = d
            def outer():
                def inner(n):
                    return 0 if n == 0 else inner(n - 1)
                return inner
            f = outer()
            x = Loop()
            y = MODELS.build(dict(type='Loop'))
            net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.BatchNorm1d(3))
            opt = torch.optim.SGD(net.parameters(), lr=0.1)
            net(torch.ones(4, 2)).sum().backward()
            opt.step()
            """)
        XCTAssertNil(p.interpreter, "the interpreter outlived close()")
        XCTAssertNil(p.library, "the library outlived close()")
    }

    func testAFreshLibraryDoesNotSeeTheLastProgramsTypes() throws {
        _ = try run("""
            from mmengine.registry import MODELS
            @MODELS.register_module()
            class OnlyHere:
                pass
            """)
        let lib = Library()
        TrickLibrary.register(lib)
        let interp = Interpreter(library: lib)
        defer { interp.close() }
        XCTAssertNil(lib.types["OnlyHere"])
    }

    /// A Ctrl-C pending while an interpreter sets up its library (the fuzzer's watchdog raised one
    /// late: crash-f5e1fc0c) is left for the program, not a crash in the set-up's built-in calls.
    func testACtrlCDuringSetUpIsLeftForTheProgram() throws {
        trickInterruptRequested = 1
        defer { trickInterruptRequested = 0 }
        let lib = Library()
        TrickLibrary.register(lib)
        let interp = Interpreter(library: lib)
        defer { interp.close() }
        XCTAssertEqual(trickInterruptRequested, 1)
        XCTAssertNotNil(lib.globals["BaseTransform"])
    }
}
