import TrickCore
import TrickLang

/// Tensor built-ins with torch's names and argument names: creation and random here, math in
/// TensorMathBindings.swift, methods and properties in TensorMethodBindings.swift. Python
/// built-ins (`sum`, `max`, `min`, `abs`, `round`, `len`, `range`, `pow`, `any`, `all`) are not
/// registered as globals: the language dispatches them to the tensor methods.
enum TensorBindings {
    static func register(_ lib: Library) {
        registerCreation(lib)
        registerMath(lib)
        registerHistogram(lib)
        registerExtras(lib)
        registerMethods(lib)
        registerTorchNamespace(lib)
    }

    // MARK: argument helpers

    static func fail(_ message: String, _ kind: String = "TypeError") -> RuntimeError { RuntimeError(message, kind: kind) }

    /// A dtype argument: torch.int8, 'float32', 'torch.float32', 'long', … (`DType(name:)`).
    static func dtype(_ a: Bound, _ name: String = "dtype") throws -> DType? {
        let v = a[name]
        switch v {
        case .none: return nil
        case .str(let s):
            guard let d = DType(name: s) else {
                throw fail("\(a.function)() argument '\(name)': unknown dtype '\(s)' (trick has \(DType.knownNames))", "ValueError")
            }
            return d
        default: throw fail("\(a.function)() argument '\(name)' must be a dtype such as 'float32' or torch.float32, got \(v.typeName)")
        }
    }

    /// Sizes given as varargs (`zeros(2, 3)`), one sequence (`zeros((2, 3))`, `zeros([2, 3])`),
    /// or a `size=` keyword.
    static func sizes(_ a: Bound, keyword: String = "size") throws -> [Int] {
        if a.varargs.isEmpty {
            if a.has(keyword) { return try Convert.ints(a[keyword], what: "\(a.function)() argument '\(keyword)'") }
            return []
        }
        if a.varargs.count == 1 {
            switch a.varargs[0] {
            case .list, .tuple: return try Convert.ints(a.varargs[0], what: "\(a.function)() size")
            case .object(let o) where o.typeName == "Size": return try Convert.ints(a.varargs[0], what: "\(a.function)() size")
            default: break
            }
        }
        return try a.varargs.map { try Convert.int($0, what: "\(a.function)() size") }
    }

    /// `dim=None | int | tuple/list of ints`.
    static func dims(_ a: Bound, _ name: String = "dim") throws -> [Int]? {
        let v = a[name]
        if case .none = v { return nil }
        return try Convert.ints(v, what: "\(a.function)() argument '\(name)'")
    }

    static func operand(_ v: Value, _ what: String) throws -> Operand {
        switch v {
        case .int(let i): return .int(Int64(i))
        case .float(let d): return .float(d)
        case .bool(let b): return .bool(b)
        case .tensor(let ref): return .tensor(ref.tensor)
        case .list, .tuple: return .tensor(try Convert.tensor(v))
        default: throw fail("\(what) must be a tensor or a number, got \(v.typeName)")
        }
    }

    /// torch.cat's dimension: `dim`, or `axis` (numpy's name, which torch.cat also takes).
    static func catDim(_ a: Bound) throws -> Int {
        a["axis"].isNone ? try a.int("dim") : try a.int("axis")
    }

    static func tensors(_ a: Bound, _ name: String) throws -> [Tensor] {
        try a.sequence(name).map { v in
            guard let t = try? Convert.tensor(v) else { throw fail("\(a.function)() argument '\(name)' must hold tensors, got \(v.typeName)") }
            return t
        }
    }

    /// A Python number or 0-d tensor as the Python scalar `.item()` gives.
    static func item(_ t: Tensor) throws -> Value {
        guard t.count == 1 else { throw fail("a Tensor with \(t.count) elements cannot be converted to a Python scalar", "ValueError") }
        switch t.storage {
        case .float32(let x): return .float(Double(x[0]))
        case .float64(let x): return .float(x[0])
        case .int64(let x): return .int(Int(x[0]))
        case .bool(let x): return .bool(x[0])
        }
    }

    /// torch's `(values, indices)` results (`torch.return_types.topk`, `.max`, `.sort`, …): a named
    /// tuple with `.values` / `.indices` that unpacks and indexes as a tuple and prints as torch does.
    static func pair(_ r: (values: Tensor, indices: Tensor), _ op: String) -> Value {
        returnType(op, values: .tensor(r.values), indices: .tensor(r.indices))
    }

    /// `torch.Size`, what `t.shape` and `t.size()` give: a tuple of ints (indexing, unpacking,
    /// `==` with a tuple, `len`, hashing; built-ins taking a shape accept it) that prints as
    /// `torch.Size([2, 3])`; a slice of it, and it plus a tuple, are torch.Size again; `numel()`.
    static func torchSize(_ shape: [Int]) -> Value {
        let v = Collections.namedTupleInstance("Size", fields: [], values: shape.map { .int($0) }) { vs in
            torchSize(vs.compactMap { if case .int(let i) = $0 { return i } else { return nil } })
        }
        if case .object(let o) = v {
            o.repr = { "torch.Size([" + shape.map(String.init).joined(separator: ", ") + "])" }
            o.method("numel()") { _ in .int(shape.reduce(1, *)) }
            o.method("__getitem__(i)") { b in
                if case .slice(let x, let y, let z) = b["i"] { return torchSize(Interpreter.sliceIndices(x, y, z, count: shape.count).map { shape[$0] }) }
                return .int(shape[try Interpreter.normalizeIndex(try Convert.int(b["i"], what: "tuple index"), shape.count, "tuple")])
            }
            o.method("__add__(other)") { b in
                guard let items = try? Convert.ints(b["other"], what: "torch.Size") else {
                    throw RuntimeError("can only concatenate tuple (not \"\(b["other"].typeName)\") to tuple", kind: "TypeError")
                }
                return torchSize(shape + items)
            }
        }
        return v
    }

    static func returnType(_ op: String, values: Value, indices: Value) -> Value {
        let repr = Collections.NamedTupleRepr(prefix: "torch.return_types.\(op)", separator: "\n")
        return Collections.namedTupleInstance(op, fields: ["values", "indices"], values: [values, indices], repr: repr) { vs in
            returnType(op, values: vs[0], indices: vs[1])
        }
    }

    /// The dtype `full`/`tensor` infer from a Python scalar (torch 2.x: int → int64, float → float32, bool → bool).
    static func scalarDType(_ v: Value) -> DType {
        switch v {
        case .int: return .int64
        case .bool: return .bool
        case .tensor(let ref): return ref.tensor.dtype
        default: return .float32
        }
    }

    // MARK: creation and random

    static func registerCreation(_ lib: Library) {
        lib.function("tensor(data, dtype=None, device=None, requires_grad=False)", doc: "torch.tensor: a tensor from (nested) lists of numbers; float32 by default for floats, int64 for ints") { a in
            .tensor(try Convert.tensor(a["data"], dtype: try dtype(a)))
        }
        lib.function("as_tensor(data, dtype=None, device=None)", doc: "torch.as_tensor") { a in
            .tensor(try Convert.tensor(a["data"], dtype: try dtype(a)))
        }
        for (name, value) in [("zeros", 0.0), ("ones", 1.0), ("empty", 0.0)] {
            lib.function("\(name)(*size, dtype=None, device=None, requires_grad=False)", doc: "torch.\(name)(*size): zeros(2, 3), zeros((2, 3)) and zeros([2, 3]) all work") { a in
                .tensor(try Tensor.full(try sizes(a), value, dtype: try dtype(a) ?? .float32))
            }
        }
        lib.function("full(size, fill_value, dtype=None, device=None, requires_grad=False)", doc: "torch.full: the dtype follows fill_value (int → int64, float → float32, bool → bool)") { a in
            let size = try Convert.ints(a["size"], what: "full() argument 'size'")
            let v = try a.double("fill_value")
            return .tensor(try Tensor.full(size, v, dtype: try dtype(a) ?? scalarDType(a["fill_value"])))
        }
        lib.function("arange(start, end=None, step=1, dtype=None, device=None, requires_grad=False)", doc: "torch.arange: int64 for int arguments, float32 if any is a float; length ceil((end - start) / step)") { a in
            var start = try a.double("start"), end = try a.optionalDouble("end"), step = try a.double("step")
            var ints = [a["start"], a["end"], a["step"]].allSatisfy { v in
                switch v { case .int, .bool, .none: return true; case .tensor(let ref): return !ref.tensor.dtype.isFloatingPoint; default: return false }
            }
            if end == nil { end = start; start = 0 }
            if step == 0 { throw fail("arange(): step must be nonzero", "ValueError") }
            if case .float = a["end"] { ints = false }
            return .tensor(try Tensor.arange(start: start, end: end!, step: step, dtype: try dtype(a), integerArgs: ints))
        }
        lib.function("linspace(start, end, steps, dtype=None, device=None, requires_grad=False)", doc: "torch.linspace") { a in
            .tensor(try Tensor.linspace(start: try a.double("start"), end: try a.double("end"), steps: try a.int("steps"), dtype: try dtype(a) ?? .float32))
        }
        lib.function("eye(n, m=None, dtype=None, device=None, requires_grad=False)", doc: "torch.eye") { a in
            .tensor(try Tensor.eye(try a.int("n"), try a.optionalInt("m"), dtype: try dtype(a) ?? .float32))
        }
        for (name, value) in [("zeros_like", 0.0), ("ones_like", 1.0), ("empty_like", 0.0)] {
            lib.function("\(name)(input, dtype=None, device=None, requires_grad=False)", doc: "torch.\(name)") { a in
                .tensor(try a.tensor("input").fullLike(value, dtype: try dtype(a)))
            }
        }
        lib.function("full_like(input, fill_value, dtype=None, device=None, requires_grad=False)", doc: "torch.full_like") { a in
            .tensor(try a.tensor("input").fullLike(try a.double("fill_value"), dtype: try dtype(a)))
        }
        lib.function("manual_seed(seed)", doc: "Seeds trick's own random stream (xoshiro256**; deterministic per seed, NOT torch's numbers)") { a in
            RandomGenerator.global.seed(UInt64(bitPattern: Int64(try a.int("seed"))))
            return .none
        }
        lib.function("set_random_seed(seed=None, deterministic=False, diff_rank_seed=False)",
                     doc: "mmengine.runner.set_random_seed: seeds both streams — trick's tensor stream (as manual_seed) and the data transforms' numpy stream (as np.random.seed) — and returns the seed. None draws one.") { a in
            // one process is rank 0, so diff_rank_seed adds nothing; deterministic only matters for cuDNN
            _ = try a.bool("diff_rank_seed"); _ = try a.bool("deterministic")
            let seed = try a.optionalInt("seed") ?? Int(RandomGenerator.global.next() >> 33)
            guard seed >= 0, seed <= Int(UInt32.max) else {
                throw RuntimeError("set_random_seed(): seed must be between 0 and 2**32 - 1 (numpy's limit), got \(seed)", kind: "ValueError")
            }
            RandomGenerator.global.seed(UInt64(seed))
            NumpyRandom.global.seed(UInt32(seed))
            return .int(seed)
        }
        lib.function("rand(*size, dtype=None, generator=None, device=None, requires_grad=False)", doc: "Uniform [0, 1) from trick's seeded stream (not torch's numbers)") { a in
            .tensor(try Tensor.rand(try sizes(a), dtype: try dtype(a) ?? .float32))
        }
        lib.function("randn(*size, dtype=None, generator=None, device=None, requires_grad=False)", doc: "Standard normal from trick's seeded stream (Box–Muller; not torch's numbers)") { a in
            .tensor(try Tensor.randn(try sizes(a), dtype: try dtype(a) ?? .float32))
        }
        lib.function("rand_like(input, dtype=None)", doc: "rand with input's shape") { a in
            let t = try a.tensor("input")
            return .tensor(try Tensor.rand(t.shape, dtype: try dtype(a) ?? (t.dtype.isFloatingPoint ? t.dtype : .float32)))
        }
        lib.function("randn_like(input, dtype=None)", doc: "randn with input's shape") { a in
            let t = try a.tensor("input")
            return .tensor(try Tensor.randn(t.shape, dtype: try dtype(a) ?? (t.dtype.isFloatingPoint ? t.dtype : .float32)))
        }
        lib.function("randint(low=0, high=None, size=None, dtype=None, generator=None, device=None, requires_grad=False)", doc: "Uniform integers in [low, high): randint(low, high, size) or randint(high, size)") { a in
            var low = try a.int("low"), high: Int?
            var sizeV = a["size"]
            // randint(high, size): the second positional is the size
            switch a["high"] {
            case .tuple, .list: sizeV = a["high"]; high = low; low = 0
            default: high = try a.optionalInt("high")
            }
            guard let h = high else { throw fail("randint() missing required argument 'high'") }
            if case .none = sizeV { throw fail("randint() missing required argument 'size'") }
            let size = try Convert.ints(sizeV, what: "randint() argument 'size'")
            return .tensor(try Tensor.randint(low: Int64(low), high: Int64(h), size, dtype: try dtype(a) ?? .int64))
        }
        lib.function("randperm(n, dtype=None, generator=None, device=None)",
                     doc: "torch.randperm: a permutation of 0..n-1 (int64) drawn as torch draws it from its CPU generator (mt19937): the generator given, else torch's global one, which torch.manual_seed seeds (trick's other random functions draw from trick's own stream)") { a in
            var gen = TorchGenerator.global
            if case .object(let o) = a["generator"], let g = o.payload as? TorchGenerator { gen = g }
            return .tensor(Tensor(try gen.randperm(try a.int("n")).map(Int64.init)).cast(to: try dtype(a) ?? .int64))
        }
        lib.function("normal(mean=0.0, std=1.0, size=None, dtype=None, generator=None)", doc: "Normal samples: normal(mean, std, size) with float mean/std, or tensor mean/std (broadcast)") { a in
            if case .tensor = a["mean"] { return try normalTensor(a) }
            if case .tensor = a["std"] { return try normalTensor(a) }
            let size = try Convert.ints(a.has("size") ? a["size"] : .tuple([]), what: "normal() argument 'size'")
            return .tensor(try Tensor.normal(mean: try a.double("mean"), std: try a.double("std"), size, dtype: try dtype(a) ?? .float32))
        }
    }

    static func normalTensor(_ a: Bound) throws -> Value {
        let mean = try operand(a["mean"], "normal() mean"), std = try operand(a["std"], "normal() std")
        let shape = try Broadcast.shape(mean.shapeForBinding, std.shapeForBinding)
        let z = try Tensor.randn(shape)
        return .tensor(try Tensor.binary(.add, mean, .tensor(try Tensor.binary(.mul, .tensor(z), std))))
    }
}

extension Operand {
    var shapeForBinding: [Int] {
        if case .tensor(let t) = self { return t.shape }
        return []
    }
}
