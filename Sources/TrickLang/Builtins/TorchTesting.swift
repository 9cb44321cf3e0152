import TrickCore

/// `torch.testing._internal.common_utils` as torch's own test files use it (torch 2.4.1):
/// `TestCase` (unittest's, whose `assertEqual` compares tensors and numbers as
/// `torch.testing.assert_close` does — the dtype's default tolerances, or `atol`/`rtol`; NaNs
/// equal; sequences item by item), `parametrize(arg_str, arg_values)` (stacked: every
/// combination) with `instantiate_parametrized_tests(cls)`, which makes one test per combination
/// named as torch names it (`test_x_ema_True`), and `run_tests()`/`load_tests`.
/// Where trick differs: `run_tests()` does nothing (`trick test FILE` runs the tests), and a
/// parameter value is named `name_value` for numbers, strings and bools, `nameN` otherwise.
enum TorchTesting {
    /// The argument sets a `@parametrize` stack gives a test: each a name suffix and keywords.
    final class Parametrized {
        let function: Value
        let cases: [(suffix: String, kwargs: [(String, Value)])]
        init(_ f: Value, _ c: [(suffix: String, kwargs: [(String, Value)])]) { function = f; cases = c }
    }

    static func register(_ lib: Library, _ interp: Interpreter) throws {
        guard let m = try? Modules.define("torch.testing._internal.common_utils", in: lib),
              let testCase = Modules.std("unittest", in: lib).attributes["TestCase"] else { return }
        let ns = DictRef()
        ns[str: "assertEqual"] = .builtin(BuiltinFunction("assertEqual(x, y, msg=None, *, atol=None, rtol=None, equal_nan=True, exact_dtype=True, exact_device=False)",
            doc: "torch's TestCase.assertEqual: tensors and numbers compared as torch.testing.assert_close (the dtype's tolerances unless atol/rtol), sequences item by item, anything else with ==.") { [unowned interp] a in
            try assertEqual(interp, a["x"], a["y"], a)
            return .none
        })
        ns[str: "assertNotEqual"] = .builtin(BuiltinFunction("assertNotEqual(x, y, msg=None, *, atol=None, rtol=None)") { [unowned interp] a in
            do { try assertEqual(interp, a["x"], a["y"], a) } catch let e as RuntimeError where e.kind == "AssertionError" { return .none }
            throw RuntimeError("\(Printer.repr(a["x"])) == \(Printer.repr(a["y"]))", kind: "AssertionError")
        })
        m.set("TestCase", try interp.buildClass("TestCase", bases: [testCase], namespace: ns))
        m.method("parametrize(arg_str, arg_values, name_fn=None)", doc: "Runs the test once per value (stacked: per combination), after instantiate_parametrized_tests(cls).") { [unowned interp] a in
            let names = try a.string("arg_str").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let sets: [[Value]] = try interp.iterate(a["arg_values"]).map { names.count == 1 ? [$0] : try interp.iterate($0) }
            return .builtin(BuiltinFunction("parametrize.<decorator>(fn)") { b in
                var inner: [(suffix: String, kwargs: [(String, Value)])] = [("", [])]
                var f = b["fn"]
                if case .object(let o) = f, let p = o.payload as? Parametrized { inner = p.cases; f = p.function }
                var cases: [(suffix: String, kwargs: [(String, Value)])] = []
                for (i, values) in sets.enumerated() {
                    let part = zip(names, values).map { subtestName($0, $1, i) }.joined(separator: "_")
                    for c in inner { cases.append((c.suffix.isEmpty ? part : part + "_" + c.suffix, Array(zip(names, values)) + c.kwargs)) }
                }
                let o = BuiltObject(typeName: "function", payload: Parametrized(f, cases))
                o.repr = { "<parametrized test>" }
                return .object(o)
            })
        }
        m.method("instantiate_parametrized_tests(generic_cls)", doc: "Replaces each @parametrize'd test of the class by one test per argument set.") { a in
            guard case .object(let c) = a["generic_cls"], let info = c.payload as? ClassInfo else {
                throw RuntimeError("instantiate_parametrized_tests() needs a class", kind: "TypeError")
            }
            for name in info.order {
                guard case .object(let o)? = info.namespace[name], let p = o.payload as? Parametrized else { continue }
                info.namespace[name] = nil
                info.order.removeAll { $0 == name }
                for c in p.cases {
                    let f = p.function, kwargs = c.kwargs, test = "\(name)_\(c.suffix)"
                    info.namespace[test] = ClassBuiltins.function(BuiltinFunction(raw: "\(test)(self)") { [unowned interp] args in
                        try interp.call(f, Arguments(args.positional, keywords: args.keywords + kwargs))
                    })
                    info.order.append(test)
                }
            }
            return a["generic_cls"]
        }
        m.method("run_tests(argv=None)", doc: "Does nothing: `trick test FILE` runs the file's tests.") { _ in .none }
        m.set("load_tests", .none)
    }

    /// torch's `_formatted_str_repr`: numbers, strings and bools as `name_value` ('.' → '_'), functions by name.
    static func subtestName(_ name: String, _ v: Value, _ index: Int) -> String {
        switch v {
        case .bool, .int, .float, .str: return "\(name)_\(String(Printer.str(v).map { $0 == "." ? "_" : $0 }))"
        case .function(let f): return f.code.name
        default: return "\(name)\(index)"
        }
    }

    static func assertEqual(_ interp: Interpreter, _ x: Value, _ y: Value, _ a: Bound) throws {
        let isNumber: (Value) -> Bool = { if case .int = $0 { return true }; if case .float = $0 { return true }; return false }
        // a tensor: a value, or an autograd tensor / a parameter with values (compared by value)
        let isTensor: (Value) -> Bool = { v in
            if case .object(let o) = v, let h = o.payload as? VariableHolder { return h.heldVariable != nil }
            return v.isTensor
        }
        if isTensor(x) || isTensor(y) || (isNumber(x) && isNumber(y)) {
            guard let close = interp.library.globals["torch_assert_close"] else { throw RuntimeError("torch.testing.assert_close is missing") }
            var kw: [(String, Value)] = [("equal_nan", a["equal_nan"]), ("check_dtype", a["exact_dtype"]), ("msg", a["msg"])]
            if !a["atol"].isNone || !a["rtol"].isNone { kw += [("atol", a["atol"].isNone ? .float(0) : a["atol"]), ("rtol", a["rtol"].isNone ? .float(0) : a["rtol"])] }
            // a Python number against a tensor: the number becomes a tensor of the tensor's dtype, as torch's TestCase does
            _ = try interp.call(close, Arguments([x, y], keywords: kw))
            return
        }
        if let xs = Collections.tupleItems(x) ?? listItems(x), let ys = Collections.tupleItems(y) ?? listItems(y) {
            guard xs.count == ys.count else { throw RuntimeError("The length of the sequences mismatch: \(xs.count) != \(ys.count)", kind: "AssertionError") }
            for (p, q) in zip(xs, ys) { try assertEqual(interp, p, q, a) }
            return
        }
        if try Ops.compare(.eq, x, y).truthy() { return }
        let extra = a["msg"].isNone ? "" : " : " + Printer.str(a["msg"])
        throw RuntimeError("\(Printer.repr(x)) != \(Printer.repr(y))\(extra)", kind: "AssertionError")
    }

    static func listItems(_ v: Value) -> [Value]? { if case .list(let l) = v { return l.items } else { return nil } }
}
