import TrickLibrary
@testable import TrickLang
import XCTest

/// A return clears only the registers the code before it can have written (`ret`'s count, see
/// `BytecodeCompiler.returnClearing`): every value a call made must still die as the call
/// returns, wherever the return is — early, in a loop, in `try`/`finally`, in a generator, after
/// a call whose window reached past the caller's, or by an exception.
final class ReturnClearingTests: XCTestCase {
    /// Counts the tokens alive: each `token()` is an object whose payload counts itself.
    final class Counted {
        static var alive = 0
        init() { Counted.alive += 1 }
        deinit { Counted.alive -= 1 }
    }

    func run(_ source: String) throws -> String {
        let lib = Library()
        TrickLibrary.register(lib)
        lib.define("token", .builtin(BuiltinFunction("token()") { _ in .object(BuiltObject(typeName: "token", payload: Counted())) }))
        lib.define("alive", .builtin(BuiltinFunction("alive()") { _ in .int(Counted.alive) }))
        let interp = Interpreter(library: lib)
        var out = ""
        interp.output = { out += $0 }
        let program = try Parser.parse(SourceFile(name: "<clearing>", text: source))
        for statement in try interp.compile(program) { _ = try statement.execute() }
        return out
    }

    func testEveryValueACallMadeDiesAsItReturns() throws {
        Counted.alive = 0
        let out = try run("""
            def early(flag):
                if flag:
                    return 1
                a = [token(), token()]
                b = {'k': token()}
                return len(a) + len(b)

            def late(flag):
                a = [token(), token()]
                if flag:
                    return len([token() for _ in range(3)])
                return 0

            def in_loop(n):
                i = 0
                while True:
                    if i == n:
                        return i
                    t = (token(), token())
                    i += 1

            def in_for(n):
                for i in range(n):
                    x = token()
                    if i == n - 1:
                        return i

            def in_finally():
                try:
                    t = token()
                    return 1
                finally:
                    u = token()

            def deep(n):
                # temporaries above a call's arguments, then a call whose window reaches past them
                x = [token(), [token()], (token(), token())][0]
                if n == 0:
                    return 0
                return deep(n - 1) + len(str(token()))

            def leaf(n):
                return n

            def caller():
                # a temporary holding a token sits in the window the leaf call starts inside
                junk = [token() for _ in range(4)]
                del junk
                s = 0
                for i in range(5):
                    s += leaf(i) + len([token()])
                return s

            def gen(n):
                for i in range(n):
                    t = token()
                    yield i
                return

            def raises():
                t = [token(), token()]
                raise ValueError('x')

            for f, arg in [(early, True), (early, False), (late, True), (late, False), (in_loop, 3), (in_for, 4),
                           (deep, 5), (leaf, 1)]:
                f(arg)
                print(f.__name__, alive())
            in_finally()
            print('in_finally', alive())
            caller()
            print('caller', alive())
            print(sum(gen(4)), alive())
            try:
                raises()
            except ValueError:
                pass
            print('raises', alive())
            """)
        XCTAssertEqual(out, """
            early 0
            early 0
            late 0
            late 0
            in_loop 0
            in_for 0
            deep 0
            leaf 0
            in_finally 0
            caller 0
            6 0
            raises 0

            """)
    }

    /// The counts themselves: a leaf return clears its parameters, one in a loop or a generator
    /// the whole window.
    func testTheCountsTheCompilerWrites() throws {
        let lib = Library()
        let interp = Interpreter(library: lib)
        let program = try Parser.parse(SourceFile(name: "<counts>", text: """
            def f(n):
                if n < 2:
                    return n
                return f(n - 1) + f(n - 2)
            def g(n):
                while n:
                    if n == 3:
                        return n
                    n -= 1
            """))
        for statement in try interp.compile(program) { _ = try statement.execute() }
        func returns(_ name: String) -> [UInt16] {
            guard let slot = interp.globals.slotOf[name], case .function(let f)? = interp.globals.values[slot],
                  let chunk = f.chunk?.takeUnretainedValue() else { return [] }
            return (0..<chunk.count).compactMap { i -> UInt16? in
                switch chunk.code[i] {
                case .ret(_, let n), .retNone(let n): return n
                default: return nil
                }
            }
        }
        XCTAssertEqual(returns("f").first, 1)                 // `return n`: the parameter only
        XCTAssertGreaterThan(returns("f")[1], 1)              // after the calls: their registers too
        XCTAssertEqual(returns("g").first, UInt16(R.max))     // in a loop: the whole window
    }
}
