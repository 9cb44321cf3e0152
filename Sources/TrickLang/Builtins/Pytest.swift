/// `pytest` and `unittest` as a user's regression tests use them, for `trick test`: test
/// functions (`test_*`) and classes (`Test*`, `unittest.TestCase`) in a file run after its
/// cells, with `assert`, `pytest.raises`, `pytest.approx`, `pytest.mark.parametrize`,
/// `pytest.skip`/`fail` and TestCase's assertion methods. Fixtures are not injected: a test
/// taking an argument no parametrize supplies is reported as skipped, naming it.
enum Pytest {
    /// A test function with parameter sets (`@pytest.mark.parametrize`, stacked = product).
    final class Parametrized {
        let function: Value
        let cases: [[(String, Value)]]
        /// parameterized.expand's form: positional argument sets, each run as a test of its own name.
        var positional: [(id: String, args: [Value], kwargs: [(String, Value)])] = []
        init(_ function: Value, _ cases: [[(String, Value)]]) {
            self.function = function
            self.cases = cases
        }
    }

    static func register(_ lib: Library, _ interp: Interpreter) {
        let pytest = Modules.std("pytest", in: lib)
        pytest.method("raises(expected_exception, match=None)",
                      doc: "A context manager: the block must raise expected_exception (a type or tuple); `match` is searched in str(exception).") { a in
            raisesContext(a["expected_exception"], a["match"].isNone ? nil : try a.string("match"))
        }
        pytest.method("warns(expected_warning=None, *, match=None)",
                      doc: "A context manager: the block must emit a warning of expected_warning (a Warning class or tuple; Warning by default) whose text `match` searches; `as record` gives the warnings recorded in the block (len(record), record[0].message, iteration). Where trick differs: the failure message is unittest's assertWarns's, and record is a plain list of warnings.catch_warnings' records (pytest's WarningsRecorder has pop() and list too).") { [unowned interp] a in
            .object(try warnsContext(interp, a["expected_warning"].isNone ? lib.globals["Warning"] ?? .str("Warning") : a["expected_warning"],
                                     a["match"].isNone ? nil : try a.string("match"), returnsRecord: true))
        }
        pytest.method("approx(expected, rel=None, abs=None)",
                      doc: "Equal within a tolerance: rel 1e-6 and abs 1e-12 by default, as pytest; numbers, lists, tuples, dicts and tensors.") { a in
            approx(a["expected"], rel: a["rel"].isNone ? nil : try a.double("rel"), abs: a["abs"].isNone ? nil : try a.double("abs"))
        }
        pytest.method("skip(reason='')", doc: "Skips the running test.") { a in
            throw RuntimeError(try a.string("reason"), kind: "Skipped")
        }
        pytest.method("fail(reason='')", doc: "Fails the running test.") { a in
            throw RuntimeError(try a.string("reason"), kind: "Failed")
        }
        pytest.method("fixture(*args, **kwargs)", doc: "Accepted so test files load; trick does not inject fixtures.") { a in
            if let f = a.varargs.first, a.varargs.count == 1 { return f }
            return .builtin(BuiltinFunction(raw: "fixture(function)") { args in args.positional.first ?? .none })
        }
        let mark = BuiltObject(typeName: "module")
        mark.method("parametrize(argnames, argvalues)", doc: "Runs the test once per value set.") { a in
            let names: [String]
            switch a["argnames"] {
            case .str(let s): names = s.split(separator: ",").map { $0.trimmingSpaces }
            default: names = try interp.iterate(a["argnames"]).map { Printer.str($0) }
            }
            let sets: [[(String, Value)]] = try interp.iterate(a["argvalues"]).map { v in
                let vals: [Value]
                if case .object(let o) = v, let p = o.payload as? ParameterSet { vals = p.values }
                else { vals = names.count == 1 ? [v] : try interp.iterate(v) }
                guard vals.count == names.count else {
                    throw RuntimeError("parametrize: \(names.count) names but a value set of \(vals.count)", kind: "ValueError")
                }
                return Array(zip(names, vals))
            }
            return .builtin(BuiltinFunction(raw: "parametrize.<decorator>(function)") { args in
                guard let f = args.positional.first else { return .none }
                if case .object(let o) = f, let p = o.payload as? Parametrized {
                    return parametrized(p.function, sets.flatMap { s in p.cases.map { s + $0 } })
                }
                return parametrized(f, sets)
            })
        }
        mark.method("skip(reason='')") { a in
            let reason = try a.string("reason")
            return .builtin(BuiltinFunction(raw: "skip.<decorator>(function)") { _ in
                .builtin(BuiltinFunction(raw: "skipped()") { _ in throw RuntimeError(reason, kind: "Skipped") })
            })
        }
        mark.method("skipif(condition, reason='')", doc: "Skips the test (or every test of a class) when condition is true.") { a in
            let skip = try a["condition"].truthy(), reason = try a.string("reason")
            return .builtin(BuiltinFunction(raw: "skipif.<decorator>(function)") { args in
                guard skip else { return args.positional.first ?? .none }
                return .builtin(BuiltinFunction(raw: "skipped()") { _ in throw RuntimeError(reason, kind: "Skipped") })
            })
        }
        // any other mark (a custom one: torchvision's `needs_cuda`, `opcheck_only_one()`) is accepted
        // as pytest accepts an unregistered mark: it leaves the test as it is
        mark.getter = { name in .object(customMark(name)) }
        pytest.set("mark", .object(mark))
        pytest.method("param(*values, marks=(), id=None)",
                      doc: "One value set of a parametrize list. Its marks are not applied: a case that a plugin's mark skips under pytest (e.g. torchvision's needs_cuda) runs under trick.") { a in
            let o = BuiltObject(typeName: "ParameterSet", payload: ParameterSet(values: a.varargs))
            o.repr = { "ParameterSet(values=\(Printer.repr(.tuple(a.varargs))), marks=\(Printer.repr(a["marks"])), id=\(Printer.repr(a["id"])))" }
            return .object(o)
        }
        pytest.method("importorskip(modname, minversion=None, reason=None)",
                      doc: "The module, or skips the running test when trick has no such module (trick's own modules only).") { a in
            let name = try a.string("modname")
            if let m = try? Modules.module(name, in: lib) { return m }
            throw RuntimeError(a["reason"].isNone ? "could not import \(Printer.repr(.str(name))): trick has no such module" : try a.string("reason"),
                               kind: "Skipped")
        }
        let unittest = Modules.std("unittest", in: lib)
        if let c = try? testCaseClass(interp) { unittest.set("TestCase", c) }
    }

    /// `pytest.param(*values, …)`: one value set of a parametrize list.
    struct ParameterSet { let values: [Value] }

    /// `pytest.mark.<name>`, a mark trick gives no meaning: applied to a test (or class) it returns
    /// it unchanged; called with anything else (`@pytest.mark.opcheck_only_one()`) it is a mark
    /// with those arguments, as pytest's MarkDecorator.
    static func customMark(_ name: String) -> BuiltObject {
        let m = BuiltObject(typeName: "MarkDecorator", attributes: [("name", .str(name))])
        m.repr = { "<MarkDecorator Mark(name=\(Printer.repr(.str(name))))>" }
        m.callable = BuiltinFunction(raw: "\(name)(*args, **kwargs)") { args in
            if args.positional.count == 1, args.keywords.isEmpty, isTestTarget(args.positional[0]) { return args.positional[0] }
            return .object(customMark(name))
        }
        return m
    }

    /// A function or class a mark decorates (pytest: a callable or a class, alone).
    static func isTestTarget(_ v: Value) -> Bool {
        switch v {
        case .function, .builtin: return true
        case .object(let o): return o.payload is ClassInfo || o.payload is Parametrized || o.payload is MethodWrapper || o.callable != nil
        default: return false
        }
    }

    static func parametrized(_ f: Value, _ cases: [[(String, Value)]]) -> Value {
        let o = BuiltObject(typeName: "function", payload: Parametrized(f, cases))
        o.repr = { "<parametrized test>" }
        return .object(o)
    }

    /// The kind of an exception object handed to `__exit__` (built-in or a trick class's).
    static func kind(of exc: Value) -> String? {
        guard case .object(let o) = exc else { return nil }
        if let cls = o.instanceClass as? ClassInfo { return cls.name }
        if case .str(let k)? = o.attributes["kind"] { return k }
        return nil
    }

    static func typeNames(_ t: Value) -> [String] {
        switch t {
        case .builtin(let b): return [b.name]
        case .object(let c): return (c.payload as? ClassInfo).map { [$0.name] } ?? []
        case .tuple(let ts): return ts.flatMap(typeNames)
        default: return []
        }
    }

    static func raisesContext(_ expected: Value, _ match: String?) -> Value {
        let names = typeNames(expected)
        let info = BuiltObject(typeName: "ExceptionInfo")
        info.repr = { "<ExceptionInfo>" }
        let ctx = BuiltObject(typeName: "RaisesContext")
        ctx.method("__enter__()") { _ in .object(info) }
        ctx.method("__exit__(exc_type, exc_value, traceback)") { a in
            guard !a["exc_type"].isNone, let k = kind(of: a["exc_value"]) else {
                throw RuntimeError("DID NOT RAISE \(names.joined(separator: ", "))", kind: "Failed")
            }
            guard names.contains(where: { ExceptionKinds.isSubclass(k, of: $0) }) else { return .bool(false) }
            let text = Printer.str(a["exc_value"])
            if let match, !text.contains(match), (try? Regex(match)).map({ text.contains($0) }) != true {
                throw RuntimeError("Regex pattern did not match.\n Regex: \(Printer.repr(.str(match)))\n Input: \(Printer.repr(.str(text)))", kind: "AssertionError")
            }
            info.set("value", a["exc_value"])
            info.set("type", a["exc_type"])
            return .bool(true)
        }
        return .object(ctx)
    }

    /// unittest's `assertWarns(category)` / `assertWarnsRegex(category, regex)` context: the
    /// block runs under `warnings.catch_warnings(record=True)` with every warning shown, and one
    /// of the category (or a subclass) whose text the regex searches must be recorded.
    /// `returnsRecord`: pytest.warns' `as record` is the list of records (unittest's context binds None here).
    static func warnsContext(_ interp: Interpreter, _ expected: Value, _ pattern: String?, returnsRecord: Bool = false) throws -> BuiltObject {
        let names = typeNames(expected)
        guard !names.isEmpty, names.allSatisfy({ ExceptionKinds.isSubclass($0, of: "Warning") }) else {
            throw RuntimeError("issubclass() arg 1 must be a Warning class, got \(Printer.repr(expected))", kind: "TypeError")
        }
        let regex = try pattern.map { p -> Regex<AnyRegexOutput> in
            guard let r = try? Regex(p) else { throw RuntimeError("bad regular expression \(Printer.repr(.str(p)))", kind: "ValueError") }
            return r
        }
        guard case .object(let m)? = interp.library.modules["warnings"], let catching = m.methods["catch_warnings"],
              let simplefilter = m.methods["simplefilter"] else {
            throw RuntimeError("assertWarns needs the warnings module", kind: "RuntimeError")
        }
        let ctx = BuiltObject(typeName: "_AssertWarnsContext")
        var inner: BuiltObject?
        var recorded: ListRef?
        ctx.method("__enter__()") { _ in
            guard case .object(let c) = try catching.call(Arguments([], keywords: [("record", .bool(true))])),
                  case .list(let l)? = try c.methods["__enter__"]?.call(Arguments()) else { return .none }
            inner = c
            recorded = l
            _ = try simplefilter.call(Arguments([.str("always")]))
            return returnsRecord ? .list(l) : .none
        }
        ctx.method("__exit__(exc_type, exc_value, traceback)") { a in
            _ = try inner?.methods["__exit__"]?.call(Arguments([.none, .none, .none]))
            guard a["exc_type"].isNone else { return .bool(false) }
            var first: String?
            for case .object(let w) in recorded?.items ?? [] {
                guard case .object(let msg)? = w.attributes["message"], names.contains(where: { ExceptionKinds.isSubclass(msg.typeName, of: $0) }) else { continue }
                let text = msg.str?() ?? ""
                if regex.map({ text.contains($0) }) ?? true { return .bool(false) }
                first = first ?? text
            }
            if let first, let pattern {
                throw RuntimeError("\(Printer.repr(.str(pattern))) does not match \(Printer.repr(.str(first)))", kind: "AssertionError")
            }
            throw RuntimeError("\(names.joined(separator: ", ")) not triggered", kind: "AssertionError")
        }
        return ctx
    }

    static func approx(_ expected: Value, rel: Double?, abs: Double?) -> Value {
        let relTol = rel ?? 1e-6, absTol = abs ?? 1e-12
        func close(_ x: Value, _ y: Value) -> Bool {
            switch (x, y) {
            case (.list(let a), .list(let b)): return a.items.count == b.items.count && zip(a.items, b.items).allSatisfy { close($0, $1) }
            case (.tuple(let a), .tuple(let b)): return a.count == b.count && zip(a, b).allSatisfy { close($0, $1) }
            case (.dict(let a), .dict(let b)):
                return a.count == b.count && a.pairs.allSatisfy { k, v in (try? b.get(k)).flatMap { $0 }.map { close($0, v) } ?? false }
            case (.tensor(let ref), _), (_, .tensor(let ref)):
                let a = ref.tensor
                guard let b = try? Convert.tensor(x.isTensor ? y : x) else { return false }
                guard a.count == b.count || b.count == 1 else { return false }
                return (0..<a.count).allSatisfy { i in
                    let p = a.double(at: i), q = b.double(at: b.count == 1 ? 0 : i)
                    return p == q || Swift.abs(p - q) <= Swift.max(relTol * Swift.abs(x.isTensor ? q : p), absTol)
                }
            default:
                guard let p = Convert.double(x), let q = Convert.double(y) else { return Ops.equal(x, y) }
                return p == q || Swift.abs(p - q) <= Swift.max(relTol * Swift.abs(q), absTol)
            }
        }
        let o = BuiltObject(typeName: "ApproxScalar")
        o.repr = { "approx(\(Printer.repr(expected)))" }
        o.method("__eq__(other)") { a in .bool(close(a["other"], expected)) }
        o.method("__ne__(other)") { a in .bool(!close(a["other"], expected)) }
        return .object(o)
    }

    /// unittest.TestCase: a trick class whose assertion methods are built-ins (they need no `self`).
    static func testCaseClass(_ interp: Interpreter) throws -> Value {
        let ns = DictRef()
        func fail(_ msg: String, _ a: Bound) throws -> Never {
            let extra = !a["msg"].isNone ? " : " + Printer.str(a["msg"]) : ""
            throw RuntimeError(msg + extra, kind: "AssertionError")
        }
        func add(_ sig: String, _ body: @escaping (Bound) throws -> Value) {
            let f = BuiltinFunction(sig, body)
            ns[str: f.name] = .builtin(f)
        }
        add("setUp()") { _ in .none }
        add("tearDown()") { _ in .none }
        add("assertEqual(first, second, msg=None)") { a in
            if try Ops.compare(.eq, a["first"], a["second"]).truthy() { return .none }
            try fail("\(Printer.repr(a["first"])) != \(Printer.repr(a["second"]))", a)
        }
        add("assertNotEqual(first, second, msg=None)") { a in
            if try !Ops.compare(.eq, a["first"], a["second"]).truthy() { return .none }
            try fail("\(Printer.repr(a["first"])) == \(Printer.repr(a["second"]))", a)
        }
        add("assertTrue(expr, msg=None)") { a in
            if try a["expr"].truthy() { return .none }
            try fail("\(Printer.repr(a["expr"])) is not true", a)
        }
        add("assertFalse(expr, msg=None)") { a in
            if try !a["expr"].truthy() { return .none }
            try fail("\(Printer.repr(a["expr"])) is not false", a)
        }
        add("assertIs(first, second, msg=None)") { a in
            if Ops.identical(a["first"], a["second"]) { return .none }
            try fail("\(Printer.repr(a["first"])) is not \(Printer.repr(a["second"]))", a)
        }
        add("assertIsNone(obj, msg=None)") { a in
            if a["obj"].isNone { return .none }
            try fail("\(Printer.repr(a["obj"])) is not None", a)
        }
        add("assertIsNotNone(obj, msg=None)") { a in
            if !a["obj"].isNone { return .none }
            try fail("unexpectedly None", a)
        }
        add("assertIn(member, container, msg=None)") { a in
            if try Ops.contains(a["container"], a["member"]) { return .none }
            try fail("\(Printer.repr(a["member"])) not found in \(Printer.repr(a["container"]))", a)
        }
        add("assertNotIn(member, container, msg=None)") { a in
            if try !Ops.contains(a["container"], a["member"]) { return .none }
            try fail("\(Printer.repr(a["member"])) unexpectedly found in \(Printer.repr(a["container"]))", a)
        }
        add("assertIsInstance(obj, cls, msg=None)") { [unowned interp] a in
            let isinstance = interp.library.globals["isinstance"] ?? .none
            if try interp.call(isinstance, Arguments([a["obj"], a["cls"]])).truthy() { return .none }
            try fail("\(Printer.repr(a["obj"])) is not an instance of \(Printer.repr(a["cls"]))", a)
        }
        for (name, op) in [("assertGreater", Comparison.gt), ("assertGreaterEqual", .ge), ("assertLess", .lt), ("assertLessEqual", .le)] {
            add("\(name)(a, b, msg=None)") { a in
                if try Ops.compare(op, a["a"], a["b"]).truthy() { return .none }
                try fail("\(Printer.repr(a["a"])) not \(op.symbol) \(Printer.repr(a["b"]))", a)
            }
        }
        add("assertAlmostEqual(first, second, places=None, msg=None, delta=None)") { a in
            guard let x = Convert.double(a["first"]), let y = Convert.double(a["second"]) else {
                throw RuntimeError("assertAlmostEqual needs numbers", kind: "TypeError")
            }
            if !a["delta"].isNone {
                if Swift.abs(x - y) <= (try a.double("delta")) { return .none }
                try fail("\(x) != \(y) within \(Printer.repr(a["delta"])) delta", a)
            }
            let places = a["places"].isNone ? 7 : try a.int("places")
            var scale = 1.0
            for _ in 0..<places { scale *= 10 }
            if x == y || ((y - x) * scale).rounded() == 0 { return .none }
            try fail("\(x) != \(y) within \(places) places", a)
        }
        add("assertRaises(expected_exception, *args, **kwargs)") { [unowned interp] a in
            let ctx = raisesContext(a["expected_exception"], nil)
            guard let f = a.varargs.first else { return ctx }
            do {
                _ = try interp.call(f, Arguments(Array(a.varargs.dropFirst())))
            } catch let e as TrickError where !e.isInterrupt {
                if typeNames(a["expected_exception"]).contains(where: { ExceptionKinds.isSubclass(e.kind, of: $0) }) { return .none }
                throw e
            }
            throw RuntimeError("\(typeNames(a["expected_exception"]).joined(separator: ", ")) not raised", kind: "AssertionError")
        }
        add("assertRaisesRegex(expected_exception, expected_regex, *args, **kwargs)") { [unowned interp] a in
            let pattern = try a.string("expected_regex")
            let ctx = raisesContext(a["expected_exception"], pattern)
            guard let f = a.varargs.first else { return ctx }
            do {
                _ = try interp.call(f, Arguments(Array(a.varargs.dropFirst())))
            } catch let e as TrickError where !e.isInterrupt {
                guard typeNames(a["expected_exception"]).contains(where: { ExceptionKinds.isSubclass(e.kind, of: $0) }) else { throw e }
                if e.message.contains(pattern) || (try? Regex(pattern)).map({ e.message.contains($0) }) == true { return .none }
                throw RuntimeError("\(Printer.repr(.str(pattern))) does not match \(Printer.repr(.str(e.message)))", kind: "AssertionError")
            }
            throw RuntimeError("\(typeNames(a["expected_exception"]).joined(separator: ", ")) not raised", kind: "AssertionError")
        }
        for (name, hasRegex) in [("assertWarns", false), ("assertWarnsRegex", true)] {
            add("\(name)(expected_warning, \(hasRegex ? "expected_regex, " : "")*args, **kwargs)") { [unowned interp] a in
                let ctx = try warnsContext(interp, a["expected_warning"], hasRegex ? try a.string("expected_regex") : nil)
                guard let f = a.varargs.first else { return .object(ctx) }
                _ = try ctx.methods["__enter__"]!.call(Arguments())
                do {
                    _ = try interp.call(f, Arguments(Array(a.varargs.dropFirst()), keywords: a.kwargs))
                } catch {
                    _ = try? ctx.methods["__exit__"]!.call(Arguments([.str("error"), .none, .none]))
                    throw error
                }
                _ = try ctx.methods["__exit__"]!.call(Arguments([.none, .none, .none]))
                return .none
            }
        }
        // the typed equality checks compare as assertEqual, after checking the type they name
        for (name, type) in [("assertListEqual", "list"), ("assertTupleEqual", "tuple"), ("assertDictEqual", "dict"), ("assertSetEqual", "set")] {
            add("\(name)(first, second, msg=None)") { a in
                for side in ["first", "second"] where a[side].typeName != type {
                    try fail("\(side == "first" ? "First" : "Second") sequence is not a \(type): \(Printer.repr(a[side]))", a)
                }
                if try Ops.compare(.eq, a["first"], a["second"]).truthy() { return .none }
                try fail("\(Printer.repr(a["first"])) != \(Printer.repr(a["second"]))", a)
            }
        }
        for (name, wanted) in [("assertRegex", true), ("assertNotRegex", false)] {
            add("\(name)(text, expected_regex, msg=None)") { a in
                let text = try a.string("text"), pattern = try a.string("expected_regex")
                guard let re = try? Regex(pattern) else { throw RuntimeError("bad regular expression \(Printer.repr(.str(pattern)))", kind: "ValueError") }
                if text.contains(re) == wanted { return .none }
                try fail("Regex \(wanted ? "didn't match" : "matched"): \(Printer.repr(.str(pattern))) \(wanted ? "not found in" : "found in") \(Printer.repr(.str(text)))", a)
            }
        }
        add("skipTest(reason)") { a in throw RuntimeError(Printer.str(a["reason"]), kind: "SkipTest") }
        add("assertLogs(logger=None, level=None)") { [unowned interp] a in try Logging.assertLogsContext(interp, a["logger"], a["level"]) }
        add("fail(msg=None)") { a in throw RuntimeError(a["msg"].isNone ? "" : Printer.str(a["msg"]), kind: "AssertionError") }
        return try interp.buildClass("TestCase", bases: [], namespace: ns)
    }
}

private extension Substring {
    var trimmingSpaces: String { String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()) }
}
