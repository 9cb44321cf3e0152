import TrickCore
import TrickLang

/// The numpy array functions the upstream tests and pasted pipelines use, over trick's tensors
/// (results marked as numpy arrays): creation (`zeros`, `ones`, `empty`, `full`, `*_like`; float64
/// by default, as numpy), `arange`, `stack` / `concatenate`, `equal`, `allclose`, `array_equal`, `all` / `any`, the
/// `ndarray` methods `astype` and `copy`, and `np.testing`'s `assert_equal`, `assert_array_equal`,
/// `assert_allclose` and `assert_almost_equal` (AssertionError on a difference, as numpy).
enum NumpyArrayBindings {
    static func register(_ lib: Library) {
        guard case .object(let np)? = lib.globals["np"] else { return }
        np.set("nan", .float(.nan))
        np.set("inf", .float(.infinity))
        np.set("pi", .float(Double.pi))
        np.method("ndarray(shape, dtype=None)",
                  doc: "numpy.ndarray: the array type (`isinstance(x, np.ndarray)`, `type(x) is np.ndarray`); called, an array of the shape, float64 unless dtype says otherwise (zeros: trick does not leave memory uninitialized).") { a in
            numpy(try full(try Convert.ints(a["shape"], what: "shape"), 0, try dtype(a["dtype"]) ?? .float64))
        }

        for (name, fill) in [("zeros", 0.0), ("ones", 1.0), ("empty", 0.0)] {
            np.method("\(name)(shape, dtype=None)", doc: "numpy.\(name): float64 unless dtype says otherwise\(name == "empty" ? " (zeros: trick does not leave memory uninitialized)" : "").") { a in
                numpy(try full(try Convert.ints(a["shape"], what: "shape"), fill, try dtype(a["dtype"]) ?? .float64))
            }
            np.method("\(name)_like(a, dtype=None)", doc: "numpy.\(name)_like: the shape (and dtype) of `a`.") { a in
                let t = try Convert.tensor(a["a"])
                return numpy(try full(t.shape, fill, try dtype(a["dtype"]) ?? t.dtype))
            }
        }
        np.method("full(shape, fill_value, dtype=None)", doc: "numpy.full: float64 for a float fill, int64 for an int one.") { a in
            let d: DType
            switch a["fill_value"] { case .int: d = .int64; case .bool: d = .bool; default: d = .float64 }
            return numpy(try full(try Convert.ints(a["shape"], what: "shape"), try a.double("fill_value"), try dtype(a["dtype"]) ?? d))
        }
        np.method("arange(start, stop=None, step=1, dtype=None)", doc: "numpy.arange: int64 for int arguments, float64 otherwise.") { a in
            let ints = [a["start"], a["stop"], a["step"]].allSatisfy { if case .float = $0 { return false }; return true }
            let lo = a.has("stop") ? try a.double("start") : 0, hi = a.has("stop") ? try a.double("stop") : try a.double("start")
            return numpy(try Tensor.arange(start: lo, end: hi, step: try a.double("step"),
                                           dtype: try dtype(a["dtype"]) ?? (ints ? .int64 : .float64), integerArgs: ints))
        }
        np.method("stack(arrays, axis=0)", doc: "numpy.stack: arrays of one shape along a new axis.") { a in
            numpy(try Tensor.stack(try arrays(a["arrays"]), dim: try a.int("axis")))
        }
        np.method("concatenate(arrays, axis=0)", doc: "numpy.concatenate: arrays joined along an existing axis.") { a in
            numpy(try Tensor.cat(try arrays(a["arrays"]), dim: try a.int("axis")))
        }
        np.method("equal(x1, x2)", doc: "numpy.equal: elementwise ==, broadcast.") { a in
            numpy(try Tensor.binary(.eq, try array(a["x1"]), try array(a["x2"])))
        }
        np.method("array_equal(a1, a2, equal_nan=False)", doc: "numpy.array_equal: same shape and the same elements.") { a in
            .bool(try difference(try array(a["a1"]), try array(a["a2"]), rtol: 0, atol: 0, equalNaN: try a.bool("equal_nan"), broadcast: false) == nil)
        }
        np.method("allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False)", doc: "numpy.allclose: |a - b| <= atol + rtol * |b| everywhere (broadcast).") { a in
            .bool(try difference(try array(a["a"]), try array(a["b"]), rtol: try a.double("rtol"), atol: try a.double("atol"),
                                 equalNaN: try a.bool("equal_nan"), broadcast: true) == nil)
        }

        for name in ["all", "any"] {
            np.method("\(name)(a, axis=None, keepdims=False)",
                      doc: "numpy.\(name): whether \(name == "all" ? "every" : "any") element is true (nonzero) — a bool over the whole array, or a bool array along axis (an int or a tuple of ints).") { a in
                let t = try array(a["a"])
                let keep = try a.bool("keepdims")
                var dims: [Int]?
                switch a["axis"] {
                case .none: dims = nil
                case .int(let i): dims = [i]
                default: dims = try Convert.ints(a["axis"], what: "\(name)() argument 'axis'")
                }
                let r = name == "all" ? try t.all(dims: dims, keepdim: keep) : try t.any(dims: dims, keepdim: keep)
                if dims == nil && !keep { return .bool(try r.item() != 0) }
                return numpy(r)
            }
        }

        let testing = BuiltObject(typeName: "module")
        testing.repr = { "<module 'numpy.testing'>" }
        testing.method("assert_equal(actual, desired, err_msg='', verbose=True)", doc: "numpy.testing.assert_equal: dicts and sequences item by item, arrays element by element (NaN equals NaN).") { a in
            try assertEqual(a["actual"], a["desired"], path: "", msg: try a.string("err_msg"))
            return .none
        }
        testing.method("assert_array_equal(x, y, err_msg='', verbose=True, strict=False)", doc: "numpy.testing.assert_array_equal: shapes (a scalar broadcasts) and elements (NaN equals NaN).") { a in
            if let d = try difference(try array(a["x"]), try array(a["y"]), rtol: 0, atol: 0, equalNaN: true, broadcast: true) {
                throw failure("Arrays are not equal", d, try a.string("err_msg"))
            }
            return .none
        }
        testing.method("assert_allclose(actual, desired, rtol=1e-07, atol=0, equal_nan=True, err_msg='', verbose=True)", doc: "numpy.testing.assert_allclose: |actual - desired| <= atol + rtol * |desired|.") { a in
            if let d = try difference(try array(a["actual"]), try array(a["desired"]), rtol: try a.double("rtol"), atol: try a.double("atol"),
                                      equalNaN: try a.bool("equal_nan"), broadcast: true) {
                throw failure("Not equal to tolerance rtol=\(Printer.repr(a["rtol"])), atol=\(Printer.repr(a["atol"]))", d, try a.string("err_msg"))
            }
            return .none
        }
        for (name, decimals) in [("assert_almost_equal", 7), ("assert_array_almost_equal", 6)] {
            let x = name == "assert_almost_equal" ? "actual" : "x", y = name == "assert_almost_equal" ? "desired" : "y"
            testing.method("\(name)(\(x), \(y), decimal=\(decimals), err_msg='', verbose=True)", doc: "numpy.testing.\(name): |\(y) - \(x)| < 1.5 * 10**(-decimal).") { a in
                let tol = 1.5 * pow10(-(try a.int("decimal")))
                if let d = try difference(try array(a[x]), try array(a[y]), rtol: 0, atol: tol.nextDown, equalNaN: true, broadcast: true) {
                    throw failure("Arrays are not almost equal to \(try a.int("decimal")) decimals", d, try a.string("err_msg"))
                }
                return .none
            }
        }
        np.set("testing", .object(testing))

        // (ndarray.astype: DTypeBindings, with every dtype trick has)
        lib.tensorMethod("copy(self)", doc: "numpy ndarray.copy: a new array with the same values.") { a in
            .tensor(try a.tensor("self"))
        }
    }

    static func pow10(_ e: Int) -> Double { var r = 1.0; for _ in 0..<Swift.abs(e) { r *= 10 }; return e < 0 ? 1 / r : r }

    static func numpy(_ t: Tensor) -> Value { var t = t; t.isNumpy = true; return .tensor(t) }

    static func full(_ shape: [Int], _ value: Double, _ d: DType) throws -> Tensor {
        guard shape.allSatisfy({ $0 >= 0 }) else { throw RuntimeError("negative dimensions are not allowed", kind: "ValueError") }
        return Tensor(shape: shape, float64: [Double](repeating: value, count: shape.reduce(1, *))).cast(to: d)
    }

    /// A dtype argument: None, a name ('float32', np.float32 — the same string here) or `float` /
    /// `int` / `bool` (numpy's float64 / int64 / bool).
    static func dtype(_ v: Value) throws -> DType? {
        switch v {
        case .none: return nil
        case .str(let s):
            if let d = DType(name: s) { return d }
            switch s {
            case "float", "double", "f8": return .float64
            case "int", "long", "i8": return .int64
            case "f4", "single": return .float32
            default:
                throw RuntimeError("dtype '\(s)' is not supported by trick (float32, float64, int64, bool)", kind: "TypeError")
            }
        case .builtin(let f) where ["float", "int", "bool"].contains(f.name):
            return f.name == "float" ? .float64 : f.name == "int" ? .int64 : .bool
        default:
            if case .object(let o) = v, let d = DType(name: o.typeName) { return d }
            throw RuntimeError("data type not understood: \(Printer.repr(v))", kind: "TypeError")
        }
    }

    /// numpy's `asarray`: Python floats → float64 (trick's tensor literal default is float32).
    static func array(_ v: Value) throws -> Tensor {
        if let t = v.tensorValue { return t }
        let t = try Convert.tensor(v)
        return t.dtype == .float32 ? try Convert.tensor(v, dtype: .float64) : t
    }

    static func arrays(_ v: Value) throws -> [Tensor] {
        switch v {
        case .list(let l): return try l.items.map(array)
        case .tuple(let t): return try t.map(array)
        default: throw RuntimeError("arrays must be a sequence of arrays, got \(v.typeName)", kind: "TypeError")
        }
    }

    /// nil when `x` and `y` agree within `atol + rtol * |y|`, else what differs (shapes, or the
    /// count of mismatched elements and the largest absolute difference).
    static func difference(_ x: Tensor, _ y: Tensor, rtol: Double, atol: Double, equalNaN: Bool, broadcast: Bool) throws -> String? {
        var a = x, b = y
        if a.shape != b.shape {
            guard broadcast, let s = try? Broadcast.shape(a.shape, b.shape) else {
                return "(shapes \(shape(x)), \(shape(y)) mismatch)"
            }
            a = try a.expanded(s); b = try b.expanded(s)
        }
        var bad = 0, largest = 0.0
        for i in 0..<a.count {
            let p = a.double(at: i), q = b.double(at: i)
            if p == q || (equalNaN && p.isNaN && q.isNaN) { continue }
            if Swift.abs(p - q) <= atol + rtol * Swift.abs(q) { continue }
            bad += 1
            largest = Swift.max(largest, Swift.abs(p - q))
        }
        guard bad > 0 else { return nil }
        return "Mismatched elements: \(bad) / \(a.count)\nMax absolute difference: \(Printer.repr(.float(largest)))"
    }

    static func shape(_ t: Tensor) -> String { Printer.repr(.tuple(t.shape.map { .int($0) })) }

    static func failure(_ head: String, _ detail: String, _ msg: String) -> RuntimeError {
        RuntimeError("\n\(head)\n\(msg.isEmpty ? "" : msg + "\n")\(detail)", kind: "AssertionError")
    }

    /// numpy.testing.assert_equal: dicts key by key, lists and tuples item by item, arrays (or a
    /// number against an array) element by element, other values by ==.
    static func assertEqual(_ actual: Value, _ desired: Value, path: String, msg: String) throws {
        func mismatch() -> RuntimeError {
            RuntimeError("\nItems are not equal\(path.isEmpty ? "" : " (item \(path))"):\n\(msg.isEmpty ? "" : msg + "\n") ACTUAL: \(Printer.repr(actual))\n DESIRED: \(Printer.repr(desired))", kind: "AssertionError")
        }
        switch (actual, desired) {
        case (.dict(let x), .dict(let y)):
            guard x.count == y.count else { throw mismatch() }
            for (k, v) in y.pairs {
                guard let w = try? x.get(k) else { throw mismatch() }
                try assertEqual(w, v, path: path + "[\(Printer.repr(k))]", msg: msg)
            }
        case (.list, .list), (.list, .tuple), (.tuple, .list), (.tuple, .tuple):
            let x = sequence(actual), y = sequence(desired)
            guard x.count == y.count else { throw mismatch() }
            for (i, (p, q)) in zip(x, y).enumerated() { try assertEqual(p, q, path: path + "[\(i)]", msg: msg) }
        case (.tensor, _), (_, .tensor):
            if let d = try difference(try array(actual), try array(desired), rtol: 0, atol: 0, equalNaN: true, broadcast: true) {
                throw failure("Arrays are not equal", d, msg)
            }
        case (.int, _), (.float, _), (.bool, _):
            guard let p = VariableObjects.number(actual), let q = VariableObjects.number(desired), p == q || (p.isNaN && q.isNaN) else { throw mismatch() }
        case (.str(let p), .str(let q)): guard p == q else { throw mismatch() }
        case (.none, .none): break
        default:
            guard Printer.repr(actual) == Printer.repr(desired) else { throw mismatch() }
        }
    }

    static func sequence(_ v: Value) -> [Value] {
        switch v { case .list(let l): return l.items; case .tuple(let t): return t; default: return [v] }
    }

}
