/// `unittest`'s skipping (CPython 3.11): `SkipTest`, `skip(reason)`, `skipIf(condition, reason)`,
/// `skipUnless(condition, reason)` (of a test method, or of a whole class: every test skipped),
/// `expectedFailure`, and `TestCase.skipTest(reason)`. `trick test` reports a skipped test with
/// its reason; an expected failure that fails is reported as skipped ("expected failure"), one
/// that passes fails ("unexpected success"), as unittest counts them. (`TestCase` and its
/// assertions: Pytest.swift; `unittest.mock`: Mock.swift.)
enum Unittest {
    static func register(_ lib: Library, _ interp: Interpreter) {
        let m = Modules.std("unittest", in: lib)
        let skipTest = BuiltinFunction("SkipTest(*args)", doc: "unittest.SkipTest: raised in a test (or setUp) to skip it.") { a in
            .object(BuiltObject(typeName: "Exception", attributes: [("kind", .str("SkipTest")), ("message", .str(a.varargs.map(Printer.str).joined(separator: " ")))]))
        }
        m.set("SkipTest", .builtin(skipTest))
        m.method("skip(reason)", doc: "unittest.skip: a decorator that skips the test method or class unconditionally.") { a in
            skipper(true, try a.string("reason"))
        }
        m.method("skipIf(condition, reason)", doc: "unittest.skipIf: skips the test method or class when condition is true.") { a in
            skipper(try a["condition"].truthy(), try a.string("reason"))
        }
        m.method("skipUnless(condition, reason)", doc: "unittest.skipUnless: skips the test method or class unless condition is true.") { a in
            skipper(!(try a["condition"].truthy()), try a.string("reason"))
        }
        m.method("expectedFailure(test_item)", doc: "unittest.expectedFailure: the test is expected to fail; a pass is an 'unexpected success'.") { [unowned interp] a in
            let f = a["test_item"]
            return ClassBuiltins.function(BuiltinFunction(raw: "\(name(of: f))(*args, **kwargs)") { [unowned interp] args in
                do {
                    _ = try interp.call(f, args)
                } catch let e as TrickError where !e.isInterrupt && !isSkip(e.kind) {
                    throw RuntimeError("expected failure: \(e.message)", kind: "Skipped")
                } catch let e as RuntimeError where !isSkip(e.kind) {
                    throw RuntimeError("expected failure: \(e.message)", kind: "Skipped")
                }
                throw RuntimeError("unexpected success", kind: "AssertionError")
            })
        }
    }

    /// What a skip decorator leaves on the function it made, so the runner skips the test
    /// before its setUp, as unittest does.
    final class SkipMark { let reason: String; init(_ r: String) { reason = r } }

    static func skipReason(_ test: Value) -> String? {
        guard case .object(let o) = test, let w = o.payload as? MethodWrapper, let mark = w.decoration as? SkipMark else { return nil }
        return mark.reason
    }

    /// A kind of error that skips the test that raised it.
    static func isSkip(_ kind: String) -> Bool { kind == "Skipped" || ExceptionKinds.isSubclass(kind, of: "SkipTest") }

    /// Why a class's tests are skipped (`@unittest.skip…` on the class), if they are.
    static func classSkipReason(_ info: ClassInfo) -> String? {
        guard let skip = info.lookup("__unittest_skip__"), (try? skip.truthy()) == true else { return nil }
        return info.lookup("__unittest_skip_why__").map { Printer.str($0) } ?? ""
    }

    static func name(of f: Value) -> String {
        switch f {
        case .function(let fn): return fn.code.name
        case .builtin(let b): return b.name
        case .object(let o): return (o.attributes["__name__"]).map { Printer.str($0) } ?? "test"
        default: return "test"
        }
    }

    /// The decorator `skip`/`skipIf`/`skipUnless` return: the item unchanged when not skipping;
    /// else a class marked as CPython marks it, or a function that raises SkipTest.
    static func skipper(_ skip: Bool, _ reason: String) -> Value {
        .builtin(BuiltinFunction("decorator(test_item)") { a in
            let item = a["test_item"]
            guard skip else { return item }
            if case .object(let c) = item, c.payload is ClassInfo, let set = c.setter {
                try set("__unittest_skip__", .bool(true))
                try set("__unittest_skip_why__", .str(reason))
                return item
            }
            return ClassBuiltins.function(BuiltinFunction(raw: "\(name(of: item))(*args, **kwargs)") { _ in
                throw RuntimeError(reason, kind: "SkipTest")
            }, decoration: SkipMark(reason))
        })
    }
}
