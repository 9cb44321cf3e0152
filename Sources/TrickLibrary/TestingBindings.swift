import TrickCore
import TrickLang

/// `torch.testing.assert_close`, the deprecated `torch.testing.assert_allclose` and MMEngine's
/// `mmengine.testing.assert_allclose` (which calls it), as torch 2.4 compares: shapes must match,
/// then `|actual - expected| <= atol + rtol * |expected|` elementwise, with tolerances chosen by
/// the dtype when not given, and torch's messages ("Tensor-likes are not close!", "Scalars are
/// not close!", or `msg` instead). Where trick differs: a dtype mismatch is checked on trick's
/// dtypes, and sequences compare element by element without torch's per-element path in the message.
enum TestingBindings {
    /// torch.testing.assert_close's defaults (`_DTYPE_PRECISIONS`), (rtol, atol).
    static func closeDefaults(_ d: DType) -> (Double, Double) {
        switch d {
        case .float32: return (1.3e-6, 1e-5)
        case .float64: return (1e-7, 1e-7)
        case .float16: return (0.001, 1e-5)
        case .bfloat16: return (0.016, 1e-5)
        default: return (0, 0)
        }
    }

    /// The deprecated assert_allclose's own defaults.
    static func allcloseDefaults(_ d: DType) -> (Double, Double) {
        switch d {
        case .float32: return (1e-4, 1e-5)
        case .float64: return (1e-5, 1e-8)
        case .float16: return (1e-3, 1e-3)
        default: return (0, 0)   // bfloat16 too: the deprecated function's table lacks it
        }
    }

    static func isScalar(_ v: Value) -> Bool {
        switch v {
        case .int, .float, .bool: return true
        default: return false
        }
    }

    /// A tensor or an autograd tensor (not a number or a list).
    static func isTensorLike(_ v: Value) -> Bool {
        switch v {
        case .tensor: return true
        case .object: return (try? Convert.tensor(v)) != nil
        default: return false
        }
    }

    static func fail(_ text: String, _ msg: Value) -> RuntimeError {
        RuntimeError(msg.isNone ? text : Printer.str(msg), kind: "AssertionError")
    }

    static func format(_ d: Double) -> String { Printer.repr(.float(d)) }

    /// Compares two tensors of one shape; nil when close, else torch's mismatch report.
    static func mismatch(_ a: Tensor, _ e: Tensor, rtol: Double, atol: Double, equalNaN: Bool) -> String? {
        var bad = 0
        var maxAbs = (value: -1.0, index: 0), maxRel = (value: -1.0, index: 0)
        for i in 0..<a.count {
            let x = a.double(at: i), y = e.double(at: i)
            if x == y || (equalNaN && x.isNaN && y.isNaN) { continue }
            // torch computes the differences in the tensors' dtype (float32 rounds them)
            let single = a.dtype == .float32 && e.dtype == .float32
            let d = single ? Double(Swift.abs(Float(x) - Float(y))) : Swift.abs(x - y)
            if d <= atol + rtol * Swift.abs(y) { continue }
            bad += 1
            let r = single ? Double(Float(d) / Swift.abs(Float(y))) : d / Swift.abs(y)
            if d > maxAbs.value || d.isNaN { maxAbs = (d, i) }
            if r > maxRel.value || r.isNaN { maxRel = (r, i) }
        }
        guard bad > 0 else { return nil }
        func index(_ flat: Int) -> String {
            var rest = flat, idx: [Int] = []
            for n in a.shape.reversed() { idx.insert(rest % Swift.max(n, 1), at: 0); rest /= Swift.max(n, 1) }
            return "(" + idx.map(String.init).joined(separator: ", ") + (idx.count == 1 ? ",)" : ")")
        }
        let pct = Double(bad) / Double(a.count) * 100
        return """
            Tensor-likes are not close!

            Mismatched elements: \(bad) / \(a.count) (\(format((pct * 10).rounded() / 10))%)
            Greatest absolute difference: \(format(maxAbs.value)) at index \(index(maxAbs.index)) (up to \(format(atol)) allowed)
            Greatest relative difference: \(format(maxRel.value)) at index \(index(maxRel.index)) (up to \(format(rtol)) allowed)
            """
    }

    static func assertClose(_ actual: Value, _ expected: Value, rtol: Double?, atol: Double?, equalNaN: Bool, checkDtype: Bool,
                            msg: Value) throws {
        guard (rtol == nil) == (atol == nil) else {
            throw RuntimeError("Both 'rtol' and 'atol' must be either specified or omitted, but got no atol and rtol=\(rtol.map(format) ?? "None").", kind: "ValueError")
        }
        switch (actual, expected) {
        case (.list(let a), .list(let e)): try sequences(a.items, e.items)
        case (.tuple(let a), .tuple(let e)): try sequences(a, e)
        default:
            if isScalar(actual) && isScalar(expected) {
                let x = Convert.double(actual) ?? 0, y = Convert.double(expected) ?? 0
                let floating: Bool = { if case .float = actual { return true }; if case .float = expected { return true }; return false }()
                let (r, t) = (rtol, atol) == (nil, nil) ? closeDefaults(floating ? .float64 : .int64) : (rtol!, atol!)
                if x == y || (equalNaN && x.isNaN && y.isNaN) || Swift.abs(x - y) <= t + r * Swift.abs(y) { return }
                throw fail(scalarReport(expected: Printer.repr(expected), actual: Printer.repr(actual), x, y, rtol: r, atol: t), msg)
            }
            let a = try Convert.tensor(actual), e = try Convert.tensor(expected)
            guard a.shape == e.shape else {
                throw fail("The values for attribute 'shape' do not match: \(sizeRepr(a.shape)) != \(sizeRepr(e.shape)).", msg)
            }
            if checkDtype && a.dtype != e.dtype {
                throw fail("The values for attribute 'dtype' do not match: torch.\(a.dtype.rawValue) != torch.\(e.dtype.rawValue).", msg)
            }
            let (r, t) = (rtol, atol) == (nil, nil) ? closeDefaults(a.dtype) : (rtol!, atol!)
            if a.shape.isEmpty {
                // a 0-d tensor is reported as torch reports scalars
                let x = a.double(at: 0), y = e.double(at: 0)
                if x == y || (equalNaN && x.isNaN && y.isNaN) || Swift.abs(x - y) <= t + r * Swift.abs(y) { return }
                throw fail(scalarReport(expected: format(y), actual: format(x), x, y, rtol: r, atol: t), msg)
            }
            if let report = mismatch(a, e, rtol: r, atol: t, equalNaN: equalNaN) { throw fail(report, msg) }
        }
        func sequences(_ a: [Value], _ e: [Value]) throws {
            guard a.count == e.count else {
                throw fail("The length of the sequences mismatch: \(a.count) != \(e.count)", msg)
            }
            for (x, y) in zip(a, e) {
                try assertClose(x, y, rtol: rtol, atol: atol, equalNaN: equalNaN, checkDtype: checkDtype, msg: msg)
            }
        }
    }

    static func scalarReport(expected: String, actual: String, _ x: Double, _ y: Double, rtol: Double, atol: Double) -> String {
        """
        Scalars are not close!

        Expected \(expected) but got \(actual).
        Absolute difference: \(format(Swift.abs(x - y))) (up to \(format(atol)) allowed)
        Relative difference: \(format(Swift.abs(x - y) / Swift.abs(y))) (up to \(format(rtol)) allowed)
        """
    }

    static func sizeRepr(_ shape: [Int]) -> String { "torch.Size([" + shape.map(String.init).joined(separator: ", ") + "])" }

    /// torch.testing.assert_allclose: non-tensors become tensors (a Python float is float32, as
    /// `torch.tensor(x)`), `expected` takes `actual`'s dtype, and the old tolerance table applies.
    static func assertAllclose(_ a: Bound) throws -> Value {
        let actual = try Convert.tensor(a["actual"])
        let expected = try Convert.tensor(a["expected"], dtype: isTensorLike(a["expected"]) ? nil : actual.dtype)
        let rtol = try a.optionalDouble("rtol"), atol = try a.optionalDouble("atol")
        let (r, t) = (rtol == nil && atol == nil) ? allcloseDefaults(actual.dtype) : (rtol ?? 0, atol ?? 0)
        let msg: Value = (a["msg"].isNone || Printer.str(a["msg"]).isEmpty) ? .none : a["msg"]
        try assertClose(.tensor(actual), .tensor(expected), rtol: r, atol: t, equalNaN: try a.bool("equal_nan"), checkDtype: false, msg: msg)
        return .none
    }

    static func register(_ lib: Library) {
        lib.function("torch_assert_close(actual, expected, *, allow_subclasses=True, rtol=None, atol=None, equal_nan=False, check_device=True, check_dtype=True, check_layout=True, check_stride=False, msg=None)",
                     doc: "torch.testing.assert_close: AssertionError unless |actual - expected| <= atol + rtol * |expected| elementwise (tolerances by dtype when omitted: float32 1.3e-6/1e-5, float64 1e-7/1e-7, integers exact); shapes (and dtypes) must match.") { a in
            try assertClose(a["actual"], a["expected"], rtol: try a.optionalDouble("rtol"), atol: try a.optionalDouble("atol"),
                            equalNaN: try a.bool("equal_nan"), checkDtype: try a.bool("check_dtype"), msg: a["msg"])
            return .none
        }
        let allclose = "(actual, expected, rtol=None, atol=None, equal_nan=True, msg='')"
        let doc = "Python numbers become tensors (a float is float32), expected takes actual's dtype; default tolerances float32 1e-4/1e-5, float64 1e-5/1e-8; then torch.testing.assert_close."
        lib.function("torch_assert_allclose" + allclose, doc: "torch.testing.assert_allclose (deprecated in torch): " + doc) { a in try assertAllclose(a) }
        lib.function("assert_allclose" + allclose, doc: "mmengine.testing.assert_allclose: torch.testing.assert_allclose. " + doc) { a in try assertAllclose(a) }
    }
}
