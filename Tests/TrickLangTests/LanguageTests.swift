import TrickLang
import XCTest

/// The language's semantics, checked against what Python prints for the same programs.
final class LanguageTests: XCTestCase {
    func check(_ src: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(try runTrick(src), expected, file: file, line: line)
    }

    func testArithmeticAndNumbers() {
        check("print(1 + 2 * 3, 7 // 2, -7 // 2, -7 % 3, 7 % -3, 2 ** 10, 2 ** -1)", "7 3 -4 2 -2 1024 0.5\n")
        check("print(1 / 3, 1e-3, 1., .5, 10.0 ** 20, 1e16, 0.1 + 0.2)", "0.3333333333333333 0.001 1.0 0.5 1e+20 1e+16 0.30000000000000004\n")
        check("print(round(2.5), round(3.5), round(0.125, 2), int(-3.9), float('inf'), abs(-3))", "2 4 0.12 -3 inf 3\n")
        check("print(True + 1, 3 == 3.0, 1 < 2 < 3, 2 < 1 < 3, not 0)", "2 True True False True\n")
    }

    func testIntegerOverflowIsAnError() {
        let e = trickError("x = 9223372036854775807\ny = x + 1")
        XCTAssertEqual(e?.location?.line, 2)
        XCTAssertTrue(e?.message.contains("overflow") == true)
    }

    func testStringsAndFormatting() {
        check("s = 'a,b,c'\nprint(s.split(','), '-'.join(['x', 'y']), s.upper(), s[::-1], s[1:3])", "['a', 'b', 'c'] x-y A,B,C c,b,a ,b\n")
        check("x = 3.14159\nprint(f'{x:.2f} {x!r} {10:>4} {\"hi\"}', '{} {k}'.format(1, k=2), '%d-%.1f' % (3, 2.25))", "3.14 3.14159   10 hi 1 2 3-2.2\n")
        check("print(f'{1000000:,} {0.25:.1%} {7:03d} {x=}' if False else f'{1000000:,} {0.25:.1%} {7:03d}')", "1,000,000 25.0% 007\n")
    }

    func testContainers() {
        check("d = dict(a=1, b=2)\nd['c'] = 3\ndel d['a']\nprint(d, list(d.items()), d.get('z', 0), 'b' in d)", "{'b': 2, 'c': 3} [('b', 2), ('c', 3)] 0 True\n")
        check("l = [3, 1, 2]\nl.append(0)\nl.sort()\nprint(l, l[-1], l[1:], sorted(l, reverse=True), len(l))", "[0, 1, 2, 3] 3 [1, 2, 3] [3, 2, 1, 0] 4\n")
        check("a, *b = (1, 2, 3)\nprint(a, b, (1,), tuple([1, 2]))", "1 [2, 3] (1,) (1, 2)\n")
        check("print({'head': dict(lr_mult=10.)}, {**dict(a=1), 'b': 2})", "{'head': {'lr_mult': 10.0}} {'a': 1, 'b': 2}\n")
        check("x = [1, 2]\ny = x\ny.append(3)\nprint(x)", "[1, 2, 3]\n")
    }

    func testControlFlowAndFunctions() {
        check("""
            def fib(n):
                if n < 2:
                    return n
                return fib(n - 1) + fib(n - 2)
            print(fib(15))
            total = 0
            for i in range(10):
                if i % 2:
                    continue
                if i > 6:
                    break
                total += i
            print(total)
            """, "610\n12\n")
        check("""
            def f(a, b=2, *args, c=3, **kw):
                return (a, b, args, c, kw)
            print(f(1), f(1, 5, 6, 7, c=0, z=9))
            g = lambda x, y=1: x * y
            print(g(4), g(4, y=3), list(map(lambda v: v + 1, [1, 2])))
            """, "(1, 2, (), 3, {}) (1, 5, (6, 7), 0, {'z': 9})\n4 12 [2, 3]\n")
        check("""
            def counter():
                n = 0
                def inc():
                    nonlocal n
                    n += 1
                    return n
                return inc
            c = counter()
            c()
            print(c())
            """, "1\n2\n")
        check("print([x * y for x in range(3) for y in range(3) if x != y], {k: v for k, v in [('a', 1)]})", "[0, 0, 0, 2, 0, 2] {'a': 1}\n")
        check("i = 0\nwhile i < 3:\n    i += 1\nelse:\n    print('done', i)", "done 3\n")
        check("try:\n    1 / 0\nexcept ZeroDivisionError as e:\n    print('caught', e)\nfinally:\n    print('finally')", "caught division by zero\nfinally\n")
    }

    func testDisplayedValues() {
        check("1 + 1\nx = 5\nx;\nNone\n'text'", "2\n'text'\n")
    }

    func testErrorsNameWhatIsWrong() {
        XCTAssertTrue(trickError("prnt(1)")?.message.contains("did you mean 'print'") == true)
        XCTAssertTrue(trickError("[1, 2][5]")?.message.contains("out of range") == true)
        XCTAssertTrue(trickError("{'a': 1}['b']")?.message.contains("not found") == true)
        XCTAssertTrue(trickError("1 + 'a'")?.message.contains("unsupported operand") == true)
        XCTAssertTrue(trickError("def f(x):\n    return f(x)\nf(1)")?.message.contains("recursion") == true)
        XCTAssertTrue(trickError("len(1, 2)")?.message.contains("positional argument") == true)
        XCTAssertTrue(trickError("sorted([1], revers=True)")?.message.contains("did you mean 'reverse'") == true)
        let e = trickError("x = (1,\n  2")
        XCTAssertEqual(e?.isIncompleteInput, true)
    }

    func testDeeplyNestedExpressionIsAnErrorNotACrash() {
        let src = String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000)
        XCTAssertTrue(trickError(src)?.message.contains("nested too deeply") == true)
    }

    func testTensorLiterals() {
        check("print([1 2 3].tolist(), [1 2; 3 4].shape, [1 -2].tolist(), [1, 2])", "[1, 2, 3] (2, 2) [1, -2] [1, 2]\n")
        check("t = [1.5 2; 3 4]\nprint(t.dtype, t.sum().item())", "torch.float32 10.5\n")
    }

    func testTracebackThroughCalls() {
        let e = trickError("def inner(x):\n    return x + 'a'\ndef outer():\n    return inner(1)\nouter()")
        XCTAssertEqual(e?.location?.line, 2)
        XCTAssertEqual(e?.traceback.map(\.location.line), [4, 5])
        let text = e?.render() ?? ""
        XCTAssertTrue(text.hasPrefix("<test>:2:14: error: unsupported operand types for +: 'int' and 'str'"), text)
        XCTAssertTrue(text.contains("    return x + 'a'\n                 ^"), text)
    }

    /// An error deep in plain recursion: the VM's plain loop (`runPlain`) pushed the frames and
    /// leaves at the `+` it has no fast case for, completing them (`completePlainFrames`); the
    /// traceback names every caller's line, as it does for frames `execute` pushed.
    func testTracebackThroughPlainFrames() {
        let src = "def down(n, x):\n    if n == 0:\n        return x + 'a'\n    return down(n - 1, x) + 1\ndef top():\n    return down(3, 1) * 2\ntop()"
        let e = trickError(src)
        XCTAssertEqual(e?.location?.line, 3)
        XCTAssertEqual(e?.traceback.map(\.location.line), [4, 4, 4, 6, 7])
        XCTAssertEqual(e?.traceback.map(\.function), ["down", "down", "down", "down", "top"])
        XCTAssertEqual(e?.traceback.map(\.location.column), [12, 12, 12, 12, 1])
        // and the same frames finish normally when the value is one the loop takes back
        check(src.replacingOccurrences(of: "x + 'a'", with: "x + 0.5").replacingOccurrences(of: "\ntop()", with: "\nprint(top())"), "9.0\n")
    }
}
