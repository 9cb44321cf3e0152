/// `unittest`'s skipping (CPython 3.11): `SkipTest`, `skip(reason)`, `skipIf(condition, reason)`,
/// `skipUnless(condition, reason)` (of a test method, or of a whole class: every test skipped),
/// `expectedFailure`, and `TestCase.skipTest(reason)`. `trick test` reports a skipped test with
/// its reason; an expected failure that fails is reported as skipped ("expected failure"), one
/// that passes fails ("unexpected success"), as unittest counts them. (`TestCase` and its
/// assertions: Pytest.swift; `unittest.mock`: Mock.swift.)
enum Unittest {
    static func register(_ lib: Library, _ interp: Interpreter) {
        let m = Modules.std("unittest", in: lib)
        registerParameterized(lib, interp)
        try? registerMultiProcessTestCase(lib, interp)
        let skipTest = BuiltinFunction("SkipTest(*args)", doc: "unittest.SkipTest: raised in a test (or setUp) to skip it.") { a in
            .object(CoreBuiltins.exception("SkipTest", a.varargs))
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

    /// The PyPI package `parameterized`'s `parameterized.expand(input, name_func=None)` and
    /// `param(*args, **kwargs)`: each argument set runs as a test named as parameterized names it
    /// (`test_step_0_float64`: the index, then the first argument when it is a string).
    static func registerParameterized(_ lib: Library, _ interp: Interpreter) {
        let m = Modules.std("parameterized", in: lib)
        let param = BuiltinFunction("param(*args, **kwargs)", doc: "parameterized.param: one argument set.") { a in
            .object(BuiltObject(typeName: "param", attributes: [("args", .tuple(a.varargs)), ("kwargs", .dict(a.kwargs))]))
        }
        let p = BuiltObject(typeName: "type")
        p.repr = { "<class 'parameterized.parameterized.parameterized'>" }
        p.method("expand(input, name_func=None, doc_func=None, skip_on_empty=False)",
                 doc: "parameterized.expand: the decorated test runs once per argument set, each a test of its own name.") { [unowned interp] a in
            let sets: [(args: [Value], kwargs: [(String, Value)])] = try interp.iterate(a["input"]).map { v in
                if case .object(let o) = v, o.typeName == "param", case .tuple(let args)? = o.attributes["args"], case .dict(let kw)? = o.attributes["kwargs"] {
                    return (args, kw.pairs.map { (Printer.str($0.0), $0.1) })
                }
                if let t = Collections.tupleItems(v) { return (t, []) }
                if case .list(let l) = v { return (l.items, []) }
                return ([v], [])
            }
            if try sets.isEmpty && !a.bool("skip_on_empty") {
                throw RuntimeError("Parameters iterable is empty (hint: use `parameterized.expand([], skip_on_empty=True)` to skip this test when the input is empty)", kind: "ValueError")
            }
            let nameFunc = a["name_func"]
            return .builtin(BuiltinFunction("parameterized_expand_wrapper(f)") { [unowned interp] b in
                let f = b["f"]
                let base = name(of: f)
                let digits = String(Swift.max(0, sets.count - 1)).count
                let made = Pytest.Parametrized(f, [])
                for (i, s) in sets.enumerated() {
                    var num = String(i)
                    while num.count < digits { num = "0" + num }
                    var id: String
                    if nameFunc.isNone {
                        id = "\(base)_\(num)"
                        if case .str(let first)? = s.args.first { id += "_" + safeName(first) }
                    } else {
                        let p = BuiltObject(typeName: "param", attributes: [("args", .tuple(s.args)), ("kwargs", .dict(s.kwargs))])
                        id = Printer.str(try interp.call(nameFunc, Arguments([f, .str(num), .object(p)])))
                    }
                    made.positional.append((id, s.args, s.kwargs))
                }
                let o = BuiltObject(typeName: "function", payload: made)
                o.repr = { "<parameterized test \(base)>" }
                return .object(o)
            })
        }
        m.set("parameterized", .object(p))
        m.set("param", .builtin(param))
    }

    /// parameterized's `to_safe_name`: runs of characters other than letters, digits and `_` become `_`.
    static func safeName(_ s: String) -> String {
        var out = "", inRun = false
        for c in s {
            if c.isASCII && (c.isLetter || c.isNumber || c == "_") { out.append(c); inRun = false } else if !inRun { out.append("_"); inRun = true }
        }
        return out
    }

    /// mmengine.testing._internal's MultiProcessTestCase: a TestCase whose tests run in
    /// `world_size` spawned processes, each calling `run_test(test_name, pipe)` (which the test
    /// class overrides to build its fixtures, then calls `super().run_test`, which runs the test).
    /// Where trick differs: it runs one process, so `_spawn_processes()` (called by the test's
    /// setUp) runs the test's `run_test` in this process as rank 0 — the fixtures it builds are
    /// the test's — and the base `run_test` leaves running the test to the runner, which then
    /// runs it once. A test that needs the other ranks (`init_process_group`, DDP, all_gather
    /// across processes) fails with the error that says trick has no process group.
    static func registerMultiProcessTestCase(_ lib: Library, _ interp: Interpreter) throws {
        guard let testCase = Modules.std("unittest", in: lib).attributes["TestCase"], let m = try? Modules.define("mmengine.testing._internal", in: lib) else { return }
        let ns = DictRef()
        ns[str: "setUp"] = ClassBuiltins.function(BuiltinFunction(raw: "setUp(self)") { [unowned interp] a in
            guard let me = a.positional.first else { return .none }
            try interp.setAttribute(me, "skip_return_code_checks", .list(ListRef([])))
            try interp.setAttribute(me, "processes", .list(ListRef([])))
            try interp.setAttribute(me, "rank", .int(-1))
            return .none
        })
        ns[str: "_spawn_processes"] = ClassBuiltins.function(BuiltinFunction(raw: "_spawn_processes(self)") { [unowned interp] a in
            guard let me = a.positional.first else { return .none }
            guard case .str(let name) = try interp.getAttribute(me, "_testMethodName") else {
                throw RuntimeError("MultiProcessTestCase: no test method to run (_testMethodName)", kind: "RuntimeError")
            }
            try interp.setAttribute(me, "rank", .int(0))
            _ = try interp.call(try interp.getAttribute(me, "run_test"), Arguments([.str(name), .none]))
            return .none
        })
        ns[str: "run_test"] = ClassBuiltins.function(BuiltinFunction(raw: "run_test(self, test_name, parent_pipe)") { _ in .none })
        for name in ["_start_processes", "_join_processes"] {
            ns[str: name] = .builtin(BuiltinFunction(raw: "\(name)(*args, **kwargs)") { _ in
                throw RuntimeError("MultiProcessTestCase: trick runs in one process and cannot spawn the test's processes", kind: "RuntimeError")
            })
        }
        ns[str: "MAIN_PROCESS_RANK"] = .int(-1)
        ns[str: "TEST_ERROR_EXIT_CODE"] = .int(10)
        ns[str: "world_size"] = .int(2)
        m.set("MultiProcessTestCase", try interp.buildClass("MultiProcessTestCase", bases: [testCase], namespace: ns))
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
