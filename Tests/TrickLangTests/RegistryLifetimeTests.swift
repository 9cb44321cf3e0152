import TrickLibrary
import TrickLang
import XCTest

/// A class a program registers (`@MODELS.register_module()`) stays in its library after the
/// program's interpreter is gone — as in the fuzzer, which runs many programs over one library.
/// Building it then is a clear error, not a read of a freed interpreter (a fuzzer-found crash).
final class RegistryLifetimeTests: XCTestCase {
    func testARegisteredClassOutlivingItsInterpreterIsAnError() throws {
        let lib = Library()
        TrickLibrary.register(lib)
        do {
            let first = Interpreter(library: lib)
            first.output = { _ in }
            try first.run(source: """
                from mmseg.registry import MODELS
                @MODELS.register_module()
                class Scaled:
                    def __init__(self, scale=1.0):
                        self.scale = scale
                print(MODELS.build(dict(type='Scaled', scale=2.0)).scale)
                """, name: "first.py")
        }
        let second = Interpreter(library: lib)
        second.output = { _ in }
        XCTAssertThrowsError(try second.run(source: """
            from mmseg.registry import MODELS
            MODELS.build(dict(type='Scaled'))
            """, name: "second.py")) { error in
            XCTAssertTrue("\(error)".contains("registered by a program that has ended"), "\(error)")
        }
    }
}
