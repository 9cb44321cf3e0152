import TrickCore
import TrickLang

/// Tensor methods without a global twin (`t.tolist()`, `t.view(2, -1)`, ...), properties
/// (`t.shape`, `t.dtype`), and the `torch` / `F` namespaces (`torch.float32`, `torch.zeros`,
/// `F.softmax`).
extension TensorBindings {
    static let castNote = "float → int truncates toward zero, then wraps to the integer type as torch on x86-64 "
        + "(NaN / inf → int8…int32 as torch there: INT32_MIN wrapped); float16 / bfloat16 round to nearest even"

    static func registerMethods(_ lib: Library) {
        lib.tensorProperty("shape") { .shapeTuple($0.shape) }   // a tuple (SPEC §7: shapes print as tuples); size() is torch.Size
        lib.tensorProperty("dtype") { .str($0.isNumpy ? NumpyFormatter.dtypeName($0.dtype) : TensorFormatter.dtypeName($0.dtype)) }
        lib.tensorProperty("itemsize") { .int($0.dtype.byteSize) }
        lib.tensorProperty("ndim") { .int($0.rank) }
        lib.tensorProperty("T") { .tensor($0.reversedDims) }
        lib.tensorProperty("mT") { t in .tensor(try t.transposed(-2, -1)) }
        lib.tensorProperty("device") { _ in .str("cpu") }
        lib.namespace("torch").method("device(type, index=None)", doc: """
            torch.device: trick runs on the CPU, so the one device is 'cpu'. Where trick differs: a
            device is the string 'cpu' (what `tensor.device` gives), not a torch.device object.
            """) { a in
            guard case .str(let t) = a["type"], t == "cpu" || t.hasPrefix("cpu:") else {
                throw RuntimeError("trick runs on the CPU only: torch.device(\(Printer.repr(a["type"]))) is not available", kind: "RuntimeError")
            }
            return .str("cpu")
        }
        lib.tensorProperty("is_cuda") { _ in .bool(false) }
        lib.tensorProperty("requires_grad") { _ in .bool(false) }
        lib.tensorMethod("is_floating_point(self)", doc: "torch.Tensor.is_floating_point(): whether the dtype is a floating type") { a in
            .bool(try a.tensor("self").dtype.isFloatingPoint)
        }
        lib.tensorProperty("data") { .tensor($0) }

        lib.tensorMethod("tolist(self)", doc: "nested lists of Python numbers") { a in Convert.tolist(try a.tensor("self")) }
        lib.tensorMethod("item(self)", doc: "the only element as a Python number") { a in try item(try a.tensor("self")) }
        for (name, dt) in [("float", DType.float32), ("double", .float64), ("half", .float16), ("bfloat16", .bfloat16),
                           ("long", .int64), ("int", .int32), ("short", .int16), ("char", .int8), ("byte", .uint8), ("bool", .bool)] {
            lib.tensorMethod("\(name)(self)", doc: "torch.Tensor.\(name): cast to \(dt) (\(castNote))") { a in .tensor(try a.tensor("self").cast(to: dt)) }
        }
        lib.tensorMethod("to(self, dtype=None, device=None, non_blocking=False, copy=False)", doc: "cast: to(torch.int8), to('float16'), to(other_tensor) (\(castNote)); devices are ignored (cpu)") { a in
            let t = try a.tensor("self")
            switch a["dtype"] {
            case .none: return .tensor(t)
            case .tensor(let ref): return .tensor(t.cast(to: ref.tensor.dtype))
            case .str(let s):
                if let d = DType(name: s) { return .tensor(t.cast(to: d)) }
                if s == "cpu" || s.hasPrefix("cuda") { return .tensor(t) }
                throw fail("to(): unknown dtype '\(s)' (trick has \(DType.knownNames))", "ValueError")
            default:
                // another tensor with autograd (a parameter): its dtype
                if let other = VariableObjects.variable(a["dtype"]) { return .tensor(t.cast(to: other.data.dtype)) }
                throw fail("to() argument must be a dtype, got \(a["dtype"].typeName)")
            }
        }
        lib.tensorMethod("type(self, dtype=None)", doc: "with no argument the type name ('torch.FloatTensor'); else a cast") { a in
            let t = try a.tensor("self")
            guard let d = try dtype(a) else { return .str("torch.\(t.dtype.torchScalarName)Tensor") }
            return .tensor(t.cast(to: d))
        }
        lib.tensorMethod("type_as(self, other)", doc: "cast to other's dtype") { a in .tensor(try a.tensor("self").cast(to: try a.tensor("other").dtype)) }
        for name in ["clone", "contiguous", "detach", "cpu", "cuda", "requires_grad_"] {
            lib.tensorMethod("\(name)(self)", doc: "a new tensor with the same values (where trick differs: detach/contiguous/cpu of a plain tensor is a copy, not the same storage)") { a in .tensor(try a.tensor("self")) }
        }
        lib.tensorMethod("numpy(self, *, force=False)", doc: "torch.Tensor.numpy: the values as a numpy array of the same dtype (isinstance(x, np.ndarray); numpy's printing and methods). Where trick differs: a copy, the array and the tensor do not share memory") { a in
            var t = try a.tensor("self")
            guard !t.isNumpy else { throw RuntimeError("'numpy.ndarray' object has no attribute 'numpy'", kind: "AttributeError") }
            t.isNumpy = true
            return .tensor(t)
        }
        lib.tensorMethod("size(self, dim=None)", doc: "the shape, or one dimension's size") { a in
            let t = try a.tensor("self")
            guard let d = try a.optionalInt("dim") else { return TensorBindings.torchSize(t.shape) }
            return .int(t.shape[try Tensor.normalizeDim(d, rank: t.rank)])
        }
        lib.tensorMethod("dim(self)", doc: "number of dimensions") { a in .int(try a.tensor("self").rank) }
        lib.tensorMethod("ndimension(self)", doc: "number of dimensions") { a in .int(try a.tensor("self").rank) }
        lib.tensorMethod("nelement(self)", doc: "number of elements") { a in .int(try a.tensor("self").count) }
        lib.tensorMethod("element_size(self)", doc: "bytes per element") { a in .int(try a.tensor("self").dtype.byteSize) }
        lib.tensorMethod("is_contiguous(self)", doc: "always True (trick tensors are contiguous)") { _ in .bool(true) }

        for name in ["view", "reshape"] {
            lib.tensorMethod("\(name)(self, *shape)", doc: "same data, new shape: \(name)(2, -1) or \(name)((2, -1)); view(dtype) is not supported") { a in
                .tensor(try a.tensor("self").reshaped(try sizes(a, keyword: "shape")))
            }
        }
        lib.tensorMethod("view_as(self, other)", doc: "reshape to other's shape") { a in .tensor(try a.tensor("self").reshaped(try a.tensor("other").shape)) }
        lib.tensorMethod("reshape_as(self, other)", doc: "reshape to other's shape") { a in .tensor(try a.tensor("self").reshaped(try a.tensor("other").shape)) }
        lib.tensorMethod("expand(self, *sizes)", doc: "broadcast to sizes (-1 keeps a dimension)") { a in
            .tensor(try a.tensor("self").expanded(try sizes(a, keyword: "sizes")))
        }
        lib.tensorMethod("expand_as(self, other)", doc: "broadcast to other's shape") { a in .tensor(try a.tensor("self").expanded(try a.tensor("other").shape)) }
        lib.tensorMethod("repeat(self, *sizes)", doc: "tile the tensor") { a in .tensor(try a.tensor("self").repeated(try sizes(a, keyword: "sizes"))) }
        lib.tensorMethod("permute(self, *dims)", doc: "reorder dimensions: permute(2, 0, 1) or permute((2, 0, 1))") { a in
            .tensor(try a.tensor("self").permuted(try sizes(a, keyword: "dims")))
        }
        lib.tensorMethod("transpose(self, dim0, dim1)", doc: "swap two dimensions") { a in
            .tensor(try a.tensor("self").transposed(try a.int("dim0"), try a.int("dim1")))
        }
        lib.tensorMethod("t(self)", doc: "transpose of a 2-D tensor") { a in
            let t = try a.tensor("self")
            guard t.rank <= 2 else { throw fail("t() expects a tensor with <= 2 dimensions, but self is \(t.rank)D", "ValueError") }
            return .tensor(t.reversedDims)
        }
        lib.tensorMethod("flip(self, *dims)", doc: "reverse along dims: flip(0) or flip((0, 1))") { a in
            .tensor(try a.tensor("self").flipped(try sizes(a, keyword: "dims")))
        }
        for (name, value) in [("new_zeros", 0.0), ("new_ones", 1.0), ("new_empty", 0.0)] {
            lib.tensorMethod("\(name)(self, *size, dtype=None)", doc: "a \(name.dropFirst(4)) tensor with self's dtype") { a in
                .tensor(try Tensor.full(try sizes(a), value, dtype: try dtype(a) ?? a.tensor("self").dtype))
            }
        }
        lib.tensorMethod("new_full(self, size, fill_value, dtype=None)", doc: "a filled tensor with self's dtype") { a in
            .tensor(try Tensor.full(try Convert.ints(a["size"], what: "new_full() size"), try a.double("fill_value"), dtype: try dtype(a) ?? a.tensor("self").dtype))
        }
        lib.tensorMethod("new_tensor(self, data, dtype=None)", doc: "a tensor from data with self's dtype") { a in
            .tensor(try Convert.tensor(a["data"], dtype: try dtype(a) ?? a.tensor("self").dtype))
        }
        lib.tensorMethod("masked_fill_(self, mask, value)", doc: "masked_fill, in place (returns self)") { a in
            .tensor(try a.tensor("self").maskedFilled(try a.tensor("mask"), try a.double("value")))
        }
        lib.tensorMethod("fill_(self, value)", doc: "self filled with value, in place (returns self)") { a in
            .tensor(try a.tensor("self").fullLike(try a.double("value")))
        }
        lib.tensorMethod("zero_(self)", doc: "self filled with zeros, in place (returns self)") { a in .tensor(try a.tensor("self").fullLike(0)) }
        // a plain tensor does not require grad: torch's errors for the autograd-only methods
        lib.tensorMethod("register_hook(self, hook)", doc: "torch.Tensor.register_hook: only on a tensor that requires grad") { _ in
            throw fail("cannot register a hook on a tensor that doesn't require gradient", "RuntimeError")
        }
        lib.tensorMethod("retain_grad(self)", doc: "torch.Tensor.retain_grad: only on a tensor that requires grad") { _ in
            throw fail("can't retain_grad on Tensor that has requires_grad=False", "RuntimeError")
        }
        // in-place random fills (init code: `m.weight.data.normal_(0, 0.01)`), from trick's own stream as nn.init's
        lib.tensorMethod("uniform_(self, a=0.0, b=1.0, generator=None)", doc: "self filled from U(a, b), in place (trick's random stream, as nn.init.uniform_)") { a in
            let t = try a.tensor("self")
            return .tensor(try NNInit.uniform(t.shape, try a.double("a"), try a.double("b")).cast(to: t.dtype))
        }
        lib.tensorMethod("normal_(self, mean=0.0, std=1.0, generator=None)", doc: "self filled from N(mean, std²), in place (trick's random stream, as nn.init.normal_)") { a in
            let t = try a.tensor("self")
            return .tensor(try Tensor.normal(mean: try a.double("mean"), std: try a.double("std"), t.shape, dtype: t.dtype))
        }
        lib.tensorMethod("copy_(self, src, non_blocking=False)", doc: "torch's copy_: src, broadcast to self's shape and converted to self's dtype, written into self (returns self)") { a in
            let t = try a.tensor("self")
            return .tensor(try a.tensor("src").expanded(t.shape).cast(to: t.dtype))
        }
    }

    /// `torch.float32` etc. and every tensor function under `torch.` (including `torch.sum`,
    /// `torch.max`, ... which are not globals); `F.softmax`-style functional names under `F`.
    static func registerTorchNamespace(_ lib: Library) {
        let torch = lib.namespace("torch")
        for d in DType.allCases { torch.set(d.rawValue, .str(TensorFormatter.dtypeName(d))) }
        for (alias, d) in [("float", DType.float32), ("double", .float64), ("long", .int64), ("int", .int64)] {
            torch.set(alias, .str(TensorFormatter.dtypeName(d)))
        }
        torch.set("Size", .builtin(BuiltinFunction("Size(sizes=())", doc: "torch.Size(sizes): a tuple of ints that prints as torch.Size([2, 3])") { a in
            TensorBindings.torchSize(try Convert.ints(a["sizes"], what: "torch.Size() sizes"))
        }))
        for (name, v) in [("nan", Double.nan), ("inf", Double.infinity), ("pi", Double.pi), ("e", 2.718281828459045)] {
            torch.set(name, .float(v))
        }
        // The legacy typed constructors: torch.Tensor(data) / torch.Tensor(*sizes) (zeros: trick
        // has no uninitialised memory), FloatTensor, DoubleTensor, LongTensor, BoolTensor.
        for (name, d) in [("Tensor", DType.float32), ("FloatTensor", .float32), ("DoubleTensor", .float64),
                          ("LongTensor", .int64), ("BoolTensor", .bool)] {
            torch.set(name, .builtin(BuiltinFunction("\(name)(*args)", doc: "torch.\(name)(data) or torch.\(name)(*sizes), \(d.rawValue)") { a in
                let args = a.varargs
                if args.count == 1, case .list = args[0] { return .tensor(try Convert.tensor(args[0], dtype: d)) }
                if args.count == 1, case .tuple(let t) = args[0], t.contains(where: { if case .int = $0 { return false }; return true }) {
                    return .tensor(try Convert.tensor(args[0], dtype: d))
                }
                if args.count == 1, let t = args[0].tensorValue { return .tensor(t.cast(to: d)) }
                let size = args.count == 1 ? try Convert.ints(args[0], what: "\(name)() size") : try args.map { try Convert.int($0, what: "\(name)() size") }
                return .tensor(try Tensor.full(size, 0, dtype: d))
            }))
        }
        let own = ["tensor", "as_tensor", "zeros", "ones", "empty", "full", "arange", "linspace", "eye", "zeros_like", "ones_like",
                   "empty_like", "full_like", "manual_seed", "rand", "randn", "rand_like", "randn_like", "randint", "randperm",
                   "normal", "where", "cat", "concat", "concatenate", "stack", "transpose", "permute", "reshape", "flip",
                   "is_tensor", "exp", "log", "sqrt", "sigmoid", "tanh", "relu", "floor", "ceil", "trunc", "sign", "neg",
                   "reciprocal", "rsqrt", "log2", "log10", "log1p", "expm1", "sin", "cos", "tan", "square", "isnan", "isinf",
                   "isfinite", "logical_not"]
        for name in own {
            if case .builtin(let f)? = lib.globals[name] { torch.methods[name] = f }
        }
        torch.method("from_numpy(ndarray)", doc: "torch.from_numpy: the numpy array as a torch tensor of its dtype (a copy: the array and the tensor do not share memory in trick).") { a in
            guard let t = a["ndarray"].tensorValue, t.isNumpy else {
                throw RuntimeError("expected np.ndarray (got \(a["ndarray"].tensorValue != nil ? "Tensor" : a["ndarray"].typeName))", kind: "TypeError")
            }
            var r = t
            r.isNumpy = false
            return .tensor(r)
        }
        torch.method("abs(input)", doc: "torch.abs") { a in .tensor(try a.tensor("input").unary(.abs)) }
        torch.method("round(input, *, decimals=0)", doc: "torch.round: halves to even; decimals as torch (x * 10^d rounded, / 10^d)") { a in
            .tensor(try TensorBindings.rounded(try a.tensor("input"), decimals: try a.int("decimals")))
        }
        let functional = lib.namespace("F")
        for name in ["softmax", "log_softmax", "sigmoid", "relu", "one_hot", "tanh"] {
            if case .builtin(let f)? = lib.globals[name] { functional.methods[name] = f }
        }
        if case .builtin(let f)? = lib.globals["one_hot"] { torch.methods["one_hot"] = f }
    }
}
