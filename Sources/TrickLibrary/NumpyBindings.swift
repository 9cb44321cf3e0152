import TrickCore
import TrickLang

/// numpy as an array API over trick's tensors: `np.array`, the dtype names, and the functions of
/// the libraries that return numpy arrays (ensemble_boxes, mmcv's image functions, mmcv's NMS on
/// numpy input). Their results are tensors marked as numpy arrays (`Tensor.isNumpy`), so they
/// print as numpy prints them (`[[0.   0.51 0.81 0.91]`, `array([...], dtype=float32)`).
enum NumpyBindings {
    static func register(_ lib: Library) {
        guard case .object(let np)? = lib.globals["np"] else { return }
        np.method("array(object, dtype=None, copy=True)",
                  doc: "numpy.array: nested lists (floats → float64, ints → int64, bools → bool, as numpy) or a tensor") { a in
            var t: Tensor
            if let name = try a.optionalString("dtype") {
                guard let d = DType(name: name) else {
                    throw RuntimeError("np.array(): dtype '\(name)' is not supported by trick (\(DType.knownNames))", kind: "TypeError")
                }
                t = try Convert.tensor(a["object"], dtype: d)
            } else {
                t = try Convert.tensor(a["object"])
                if t.dtype == .float32, !isTensor(a["object"]) { t = try Convert.tensor(a["object"], dtype: .float64) }
            }
            t.isNumpy = true
            return .tensor(t)
        }
        // what returns numpy arrays upstream
        for name in ["imread", "imfrombytes", "imresize", "imrescale", "impad", "impad_to_multiple", "imflip"] {
            wrap(lib, name, always: true)
        }
        for name in ["soft_nms", "mmcv_nms"] { wrap(lib, name, always: false) }
        // a method of a numpy array gives numpy arrays (`(a == b).all()` prints `True`)
        for f in lib.tensorMethods.values {
            lib.tensorMethod(f.signature.text, doc: f.doc) { a in
                let r = try f.body(a)
                guard let t = a["self"].tensorValue, t.isNumpy else { return r }
                return markNumpy(r)
            }
        }
        if case .object(let ns)? = lib.globals["ensemble_boxes"] {
            for (k, f) in ns.methods { ns.methods[k] = marking(f, always: true) }
        }
    }

    static func isTensor(_ v: Value) -> Bool { if case .tensor = v { return true } else { return false } }

    /// Replaces the built-in `name` (everywhere it is bound) by one whose tensor results are numpy
    /// arrays: always, or when a tensor argument is one (mmcv's NMS keeps its input's type).
    static func wrap(_ lib: Library, _ name: String, always: Bool) {
        guard case .builtin(let f)? = lib.globals[name] else { return }
        AutogradBindings.replace(lib, f, with: marking(f, always: always))
    }

    static func marking(_ f: BuiltinFunction, always: Bool) -> BuiltinFunction {
        BuiltinFunction(raw: f.signatureText, doc: f.doc) { args in
            let r = try f.call(args)
            let numpyIn = (args.positional + args.keywords.map(\.1)).contains { if let t = $0.tensorValue { return t.isNumpy } else { return false } }
            return always || numpyIn ? markNumpy(r) : r
        }
    }

    static func markNumpy(_ v: Value) -> Value {
        switch v {
        case .tensor(let ref): var t = ref.tensor; t.isNumpy = true; return .tensor(t)
        case .tuple(let items): return .tuple(items.map(markNumpy))
        default: return v
        }
    }
}
