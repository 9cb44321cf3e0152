#if canImport(Glibc)
import Glibc
#endif
import TrickCore
import TrickLang

/// Tensor math built-ins that exist both as functions (`softmax(x, dim=1)`) and as methods
/// (`x.softmax(dim=1)`), with torch's argument names.
extension TensorBindings {
    /// Registers `sig` as a global function and as a tensor method (first parameter → `self`).
    /// `global: false` registers only the method (for names that shadow Python built-ins).
    static func dual(_ lib: Library, _ sig: String, doc: String = "", global: Bool = true,
                     _ body: @escaping (Tensor, Bound) throws -> Value) {
        let open = sig.firstIndex(of: "(")!
        let name = String(sig[..<open])
        let inner = sig[sig.index(after: open)...]
        let firstEnd = inner.firstIndex(where: { $0 == "," || $0 == ")" })!
        let first = String(inner[..<firstEnd])
        let rest = inner[firstEnd...]
        let f = BuiltinFunction(sig, doc: doc) { a in try body(try a.tensor(first), a) }
        if global { lib.define(name, .builtin(f)) }
        lib.namespace("torch").methods[name] = f
        lib.tensorMethod(name + "(self" + rest, doc: doc) { a in try body(try a.tensor("self"), a) }
    }

    static let outNote = "; out=tensor writes the result into out, in out's dtype (out's shape must match)"

    /// torch's `out=` for the logical functions: the result converted to `out`'s dtype; `out` must
    /// have the result's shape or no elements (torch resizes an empty `out`).
    static func resultLike(out a: Bound, _ r: Tensor) throws -> Tensor {
        guard a.has("out"), !a["out"].isNone else { return r }
        guard let o = a["out"].tensorValue else { throw fail("\(a.function)() argument 'out' must be a tensor, got \(a["out"].typeName)") }
        guard o.shape == r.shape || o.count == 0 else {
            throw fail("\(a.function)(): out has shape \(Tensor.formatShape(o.shape)), the result \(Tensor.formatShape(r.shape))", "RuntimeError")
        }
        let result = r.cast(to: o.dtype)
        if case .tensor(let ref) = a["out"] { ref.tensor = result }
        return result
    }

    static func registerMath(_ lib: Library) {
        // elementwise unary functions; a Python number gives a Python float (math.* behaviour)
        let unaries: [(String, UnaryOp, (Double) -> Double)] = [
            ("exp", .exp, { Glibc.exp($0) }), ("log", .log, { Glibc.log($0) }), ("sqrt", .sqrt, { $0.squareRoot() }),
            ("sigmoid", .sigmoid, { 1 / (1 + Glibc.exp(-$0)) }), ("tanh", .tanh, { Glibc.tanh($0) }),
            ("relu", .relu, { Swift.max($0, 0) }), ("floor", .floor, { $0.rounded(.down) }), ("ceil", .ceil, { $0.rounded(.up) }),
            ("trunc", .trunc, { $0.rounded(.towardZero) }), ("sign", .sign, { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }),
            ("neg", .neg, { -$0 }), ("reciprocal", .reciprocal, { 1 / $0 }), ("rsqrt", .rsqrt, { 1 / $0.squareRoot() }),
            ("log2", .log2, { Glibc.log2($0) }), ("log10", .log10, { Glibc.log10($0) }), ("log1p", .log1p, { Glibc.log1p($0) }),
            ("expm1", .expm1, { Glibc.expm1($0) }), ("sin", .sin, { Glibc.sin($0) }), ("cos", .cos, { Glibc.cos($0) }),
            ("tan", .tan, { Glibc.tan($0) }), ("square", .square, { $0 * $0 }),
            ("isnan", .isnan, { $0.isNaN ? 1 : 0 }), ("isinf", .isinf, { $0.isInfinite ? 1 : 0 }),
            ("isfinite", .isfinite, { $0.isFinite ? 1 : 0 }), ("logical_not", .not, { $0 == 0 ? 1 : 0 }),
        ]
        for (name, op, scalar) in unaries {
            let boolResult = ["isnan", "isinf", "isfinite", "logical_not"].contains(name)
            let logical = name == "logical_not"
            lib.function("\(name)(input\(logical ? ", *, out=None" : ""))", doc: "torch.\(name), elementwise\(logical ? outNote : "")") { a in
                switch a["input"] {
                case .int, .float, .bool:
                    let r = scalar(try a.double("input"))
                    return boolResult ? .bool(r != 0) : .float(r)
                default:
                    let t = try a.tensor("input")
                    let r = logical ? try t.cast(to: .bool).unary(.not) : try t.unary(op)
                    return .tensor(logical ? try resultLike(out: a, r) : r)
                }
            }
            lib.tensorMethod("\(name)(self)", doc: "torch.Tensor.\(name)") { a in
                let t = try a.tensor("self")
                return .tensor(name == "logical_not" ? try t.cast(to: .bool).unary(.not) : try t.unary(op))
            }
        }
        for (name, op) in [("abs", UnaryOp.abs), ("negative", .neg)] {
            lib.tensorMethod("\(name)(self)", doc: "torch.Tensor.\(name)") { a in .tensor(try a.tensor("self").unary(op)) }
        }
        lib.tensorMethod("round(self, *args, decimals=None)",
                         doc: "torch.Tensor.round (decimals keyword-only); a numpy array's round(decimals=0) also takes decimals by position, as numpy's ndarray.round") { a in
            let t = try a.tensor("self")
            var decimals = a.has("decimals") ? try a.int("decimals") : 0
            if let first = a.varargs.first {
                guard t.isNumpy, a.varargs.count == 1, !a.has("decimals") else {
                    throw RuntimeError("round() takes 1 positional argument but \(a.varargs.count + 1) were given (decimals is keyword-only on a tensor)", kind: "TypeError")
                }
                decimals = try Convert.int(first, what: "round() argument 'decimals'")
            }
            return .tensor(try rounded(t, decimals: decimals))
        }

        // elementwise binary functions
        let binaries: [(String, BinaryOp, Bool)] = [
            ("add", .add, true), ("sub", .sub, true), ("subtract", .sub, true), ("mul", .mul, true), ("multiply", .mul, true),
            ("div", .div, true), ("divide", .div, true), ("true_divide", .div, true), ("floor_divide", .floorDiv, true),
            ("remainder", .mod, true), ("pow", .pow, false),
            ("eq", .eq, true), ("ne", .ne, true), ("lt", .lt, true), ("le", .le, true), ("gt", .gt, true), ("ge", .ge, true),
            ("greater", .gt, true), ("less", .lt, true), ("greater_equal", .ge, true), ("less_equal", .le, true),
            ("not_equal", .ne, true), ("maximum", .maximum, true), ("minimum", .minimum, true),
            ("logical_and", .and, true), ("logical_or", .or, true), ("logical_xor", .xor, true),
            ("bitwise_and", .and, true), ("bitwise_or", .or, true), ("bitwise_xor", .xor, true),
        ]
        for (name, op, global) in binaries {
            let logical = name.hasPrefix("logical_")
            // torch.add / sub take alpha (other is scaled first), torch.div takes rounding_mode
            let extra = ["add", "sub", "subtract"].contains(name) ? ", *, alpha=1"
                : ["div", "divide"].contains(name) ? ", *, rounding_mode=None" : logical ? ", *, out=None" : ""
            dual(lib, "\(name)(input, other\(extra))", doc: "torch.\(name), broadcasting with torch type promotion\(logical ? outNote : "")", global: global) { t, a in
                var x = Operand.tensor(t), y = try operand(a["other"], "\(name)() argument 'other'")
                if logical {
                    x = .tensor(t.cast(to: .bool))
                    if case .tensor(let o) = y { y = .tensor(o.cast(to: .bool)) }
                }
                if a.has("alpha"), (try? a.double("alpha")) != 1 {
                    y = .tensor(try Tensor.binary(.mul, y, try operand(a["alpha"], "\(name)() argument 'alpha'")))
                }
                if a.has("rounding_mode"), !a["rounding_mode"].isNone {
                    return .tensor(try roundedDivision(x, y, mode: try a.string("rounding_mode")))
                }
                let r = try Tensor.binary(op, x, y)
                return .tensor(logical ? try resultLike(out: a, r) : r)
            }
        }
        dual(lib, "fmod(input, other)", doc: "torch.fmod: the remainder of the division truncated toward zero (the sign of the dividend; torch.remainder has the divisor's)", global: false) { t, a in
            let o = try operand(a["other"], "fmod() argument 'other'")
            // fmod(a, b) = a - trunc(a / b) * b
            let q = try Tensor.binary(.div, .tensor(t), o).unary(.trunc)
            let r = try Tensor.binary(.sub, .tensor(t), .tensor(try Tensor.binary(.mul, .tensor(q), o)))
            return .tensor(t.dtype.isFloatingPoint ? r : r.cast(to: t.dtype))
        }

        dual(lib, "matmul(input, other)", doc: "torch.matmul") { t, a in .tensor(try Tensor.matmul(t, try a.tensor("other"))) }
        dual(lib, "mm(input, mat2)", doc: "torch.mm") { t, a in .tensor(try Tensor.matmul(t, try a.tensor("mat2"))) }
        dual(lib, "bmm(input, mat2)", doc: "torch.bmm") { t, a in .tensor(try Tensor.matmul(t, try a.tensor("mat2"))) }
        dual(lib, "dot(input, other)", doc: "torch.dot") { t, a in .tensor(try Tensor.matmul(t, try a.tensor("other"))) }

        // reductions (sum/max/min/any/all only as methods: they are Python built-ins)
        dual(lib, "sum(input, dim=None, keepdim=False, dtype=None)", doc: "torch.sum", global: false) { t, a in
            var x = t
            if let d = try dtype(a) { x = x.cast(to: d) }
            return .tensor(try x.sum(dims: try dims(a), keepdim: try a.bool("keepdim")))
        }
        dual(lib, "mean(input, dim=None, keepdim=False, dtype=None)", doc: "torch.mean (float inputs only, as torch)") { t, a in
            var x = t
            if let d = try dtype(a) { x = x.cast(to: d) }
            return .tensor(try x.mean(dims: try dims(a), keepdim: try a.bool("keepdim")))
        }
        dual(lib, "nanmean(input, dim=None, keepdim=False)", doc: "torch.nanmean") { t, a in
            let mask = try t.unary(.isnan).unary(.not)
            let z = try t.maskedFilled(try t.unary(.isnan), 0)
            let s = try z.sum(dims: try dims(a), keepdim: try a.bool("keepdim"))
            let n = try mask.sum(dims: try dims(a), keepdim: try a.bool("keepdim"))
            return .tensor(try Tensor.binary(.div, s, n))
        }
        dual(lib, "prod(input, dim=None, keepdim=False, dtype=None)", doc: "torch.prod") { t, a in
            var x = t
            if let d = try dtype(a) { x = x.cast(to: d) }
            return .tensor(try x.prod(dims: try dims(a), keepdim: try a.bool("keepdim")))
        }
        for (name, isStd) in [("std", true), ("var", false)] {
            dual(lib, "\(name)(input, dim=None, unbiased=True, keepdim=False, correction=None)", doc: "torch.\(name) (unbiased by default)") { t, a in
                var corr = try a.bool("unbiased") ? 1.0 : 0.0
                if a.has("correction") { corr = try a.double("correction") }
                let d = try dims(a), k = try a.bool("keepdim")
                return .tensor(isStd ? try t.std(dims: d, correction: corr, keepdim: k) : try t.variance(dims: d, correction: corr, keepdim: k))
            }
        }
        for name in ["any", "all"] {
            dual(lib, "\(name)(input, dim=None, keepdim=False)", doc: "torch.\(name)", global: false) { t, a in
                let d = try dims(a), k = try a.bool("keepdim")
                return .tensor(name == "any" ? try t.any(dims: d, keepdim: k) : try t.all(dims: d, keepdim: k))
            }
        }
        for (name, isMax) in [("max", true), ("min", false)] {
            dual(lib, "\(name)(input, dim=None, keepdim=False)", doc: "torch.\(name): no dim → the 0-d extreme; dim → (values, indices); a tensor → elementwise \(isMax ? "maximum" : "minimum")", global: false) { t, a in
                switch a["dim"] {
                case .none: return .tensor(try t.extremumValue(max: isMax))
                case .tensor(let ref): return .tensor(try Tensor.binary(isMax ? .maximum : .minimum, t, ref.tensor))
                default: return pair(try t.extremum(dim: try a.int("dim"), keepdim: try a.bool("keepdim"), max: isMax), name)
                }
            }
            dual(lib, "a\(name)(input, dim=None, keepdim=False)", doc: "torch.a\(name)") { t, a in
                .tensor(try t.extremumValue(dims: try dims(a), keepdim: try a.bool("keepdim"), max: isMax))
            }
            dual(lib, "arg\(name)(input, dim=None, keepdim=False)", doc: "torch.arg\(name): first index on ties; no dim → index into the flattened tensor") { t, a in
                .tensor(try t.argExtremum(dim: try a.optionalInt("dim"), keepdim: try a.bool("keepdim"), max: isMax))
            }
        }
        for (name, product) in [("cumsum", false), ("cumprod", true)] {
            dual(lib, "\(name)(input, dim, dtype=None)", doc: "torch.\(name)") { t, a in
                var x = t
                if let d = try dtype(a) { x = x.cast(to: d) }
                return .tensor(try x.cumulative(dim: try a.int("dim"), product: product))
            }
        }
        dual(lib, "norm(input, p=2, dim=None, keepdim=False)", doc: "torch.norm for p = 1, 2, inf, or any positive p") { t, a in
            var p = 2.0
            if case .str(let s) = a["p"] { guard s == "fro" else { throw fail("norm(): unsupported p '\(s)'", "ValueError") } } else { p = try a.double("p") }
            return .tensor(try t.norm(p: p, dims: try dims(a), keepdim: try a.bool("keepdim")))
        }

        // softmax family
        for (name, log) in [("softmax", false), ("log_softmax", true)] {
            dual(lib, "\(name)(input, dim=None, dtype=None)", doc: "torch.\(name) along dim (numerically stable)") { t, a in
                var x = t
                if let d = try dtype(a) { x = x.cast(to: d) }
                // torch's implicit dim (deprecated): 0 for 0-D, 1-D and 3-D inputs, else 1
                let dim = try a.optionalInt("dim") ?? ([0, 1, 3].contains(x.rank) ? 0 : 1)
                return .tensor(try x.softmax(dim: dim, log: log))
            }
        }

        // sorting
        dual(lib, "sort(input, dim=-1, descending=False, stable=False)", doc: "torch.sort → (values, indices); equal values in torch's order") { t, a in
            pair(try t.sorted(dim: try a.int("dim"), descending: try a.bool("descending"), stable: try a.bool("stable")), "sort")
        }
        dual(lib, "argsort(input, dim=-1, descending=False, stable=False)", doc: "torch.argsort") { t, a in
            .tensor(try t.argsorted(dim: try a.int("dim"), descending: try a.bool("descending"), stable: try a.bool("stable")))
        }
        dual(lib, "topk(input, k, dim=-1, largest=True, sorted=True)", doc: "torch.topk → (values, indices), torch's tie order") { t, a in
            pair(try t.topk(try a.int("k"), dim: try a.int("dim"), largest: try a.bool("largest"), sorted: try a.bool("sorted")), "topk")
        }

        // selection
        lib.function("where(condition, input=None, other=None)", doc: "torch.where(condition, input, other); where(condition) gives nonzero indices as a tuple") { a in
            let c = try a.tensor("condition")
            if !a.has("input") && !a.has("other") {
                return .tuple(try nonzeroTuple(c))
            }
            return .tensor(try Tensor.whereSelect(c.cast(to: .bool), try operand(a["input"], "where() argument 'input'"), try operand(a["other"], "where() argument 'other'")))
        }
        lib.tensorMethod("where(self, condition, other)", doc: "Tensor.where(condition, other) = torch.where(condition, self, other)") { a in
            .tensor(try Tensor.whereSelect(try a.tensor("condition").cast(to: .bool), .tensor(try a.tensor("self")), try operand(a["other"], "where() argument 'other'")))
        }
        dual(lib, "gather(input, dim, index)", doc: "torch.gather") { t, a in .tensor(try t.gathered(dim: try a.int("dim"), index: try a.tensor("index"))) }
        dual(lib, "index_select(input, dim, index)", doc: "torch.index_select") { t, a in .tensor(try t.indexSelect(dim: try a.int("dim"), index: try a.tensor("index"))) }
        for name in ["clamp", "clip", "clamp_", "clip_"] {
            dual(lib, "\(name)(input, min=None, max=None)", doc: "torch.clamp (NaN stays NaN; max wins where min > max)", global: !name.hasSuffix("_")) { t, a in
                try clamp(t, a)
            }
        }
        dual(lib, "masked_fill(input, mask, value)", doc: "torch.Tensor.masked_fill") { t, a in
            .tensor(try t.maskedFilled(try a.tensor("mask"), try a.double("value")))
        }
        dual(lib, "nonzero(input, as_tuple=False)", doc: "torch.nonzero: (n, ndim) int64 coordinates, or a tuple of index tensors") { t, a in
            if try a.bool("as_tuple") { return .tuple(try nonzeroTuple(t)) }
            return .tensor(t.nonzero())
        }
        dual(lib, "unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None)", doc: "torch.unique of the flattened tensor (sorted)") { t, a in
            if a.has("dim") { throw fail("unique(): dim is not supported", "ValueError") }
            let r = t.unique()
            let inv = try a.bool("return_inverse"), cnt = try a.bool("return_counts")
            if !inv && !cnt { return .tensor(r.values) }
            var out: [Value] = [.tensor(r.values)]
            if inv { out.append(.tensor(r.inverse)) }
            if cnt { out.append(.tensor(r.counts)) }
            return .tuple(out)
        }
        dual(lib, "allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False)", doc: "torch.allclose: |input - other| <= atol + rtol * |other| everywhere") { t, a in
            .bool(try isClose(t, try a.tensor("other"), rtol: try a.double("rtol"), atol: try a.double("atol"), equalNaN: try a.bool("equal_nan")).bools.allSatisfy { $0 })
        }
        dual(lib, "isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False)", doc: "torch.isclose") { t, a in
            .tensor(try isClose(t, try a.tensor("other"), rtol: try a.double("rtol"), atol: try a.double("atol"), equalNaN: try a.bool("equal_nan")))
        }
        dual(lib, "equal(input, other)", doc: "torch.equal: same shape and same values") { t, a in
            let o = try a.tensor("other")
            guard t.shape == o.shape else { return .bool(false) }
            return .bool(try Tensor.binary(.eq, t, o).bools.allSatisfy { $0 })
        }

        // shapes
        lib.function("cat(tensors, dim=0, axis=None)", doc: "torch.cat (axis: numpy's name for dim, which torch accepts too)") { a in
            .tensor(try Tensor.cat(try tensors(a, "tensors"), dim: try catDim(a)))
        }
        lib.function("concat(tensors, dim=0, axis=None)", doc: "torch.concat (= cat)") { a in .tensor(try Tensor.cat(try tensors(a, "tensors"), dim: try catDim(a))) }
        lib.function("concatenate(tensors, dim=0)", doc: "torch.concatenate (= cat)") { a in .tensor(try Tensor.cat(try tensors(a, "tensors"), dim: try a.int("dim"))) }
        lib.function("stack(tensors, dim=0)", doc: "torch.stack") { a in .tensor(try Tensor.stack(try tensors(a, "tensors"), dim: try a.int("dim"))) }
        lib.function("transpose(input, dim0, dim1)", doc: "torch.transpose") { a in
            .tensor(try a.tensor("input").transposed(try a.int("dim0"), try a.int("dim1")))
        }
        lib.function("permute(input, dims)", doc: "torch.permute") { a in
            .tensor(try a.tensor("input").permuted(try Convert.ints(a["dims"], what: "permute() argument 'dims'")))
        }
        lib.function("reshape(input, shape)", doc: "torch.reshape (one dimension may be -1)") { a in
            .tensor(try a.tensor("input").reshaped(try Convert.ints(a["shape"], what: "reshape() argument 'shape'")))
        }
        dual(lib, "flatten(input, start_dim=0, end_dim=-1)", doc: "torch.flatten") { t, a in
            .tensor(try t.flattened(try a.int("start_dim"), try a.int("end_dim")))
        }
        dual(lib, "squeeze(input, dim=None)", doc: "torch.squeeze") { t, a in .tensor(try t.squeezed(try dims(a))) }
        dual(lib, "unsqueeze(input, dim)", doc: "torch.unsqueeze") { t, a in .tensor(try t.unsqueezed(try a.int("dim"))) }
        lib.function("flip(input, dims)", doc: "torch.flip") { a in
            .tensor(try a.tensor("input").flipped(try Convert.ints(a["dims"], what: "flip() argument 'dims'")))
        }
        dual(lib, "split(tensor, split_size_or_sections, dim=0)", doc: "torch.split: pieces of a size, or a list of sizes") { t, a in
            let d = try a.int("dim")
            switch a["split_size_or_sections"] {
            case .list, .tuple:
                let sizes = try Convert.ints(a["split_size_or_sections"], what: "split() sections")
                let dd = try Tensor.normalizeDim(d, rank: t.rank)
                guard sizes.reduce(0, +) == t.shape[dd] else {
                    throw fail("split(): split sizes \(sizes) do not sum to the dimension size \(t.shape[dd])", "ValueError")
                }
                var start = 0, out: [Value] = []
                for s in sizes { out.append(.tensor(try t.narrowed(dd, start, s))); start += s }
                return .tuple(out)
            default:
                return .tuple(try t.split(try a.int("split_size_or_sections"), dim: d).map { .tensor($0) })
            }
        }
        dual(lib, "chunk(input, chunks, dim=0)", doc: "torch.chunk") { t, a in
            .tuple(try t.chunk(try a.int("chunks"), dim: try a.int("dim")).map { .tensor($0) })
        }
        dual(lib, "narrow(input, dim, start, length)", doc: "torch.narrow: start may be negative (from the end) or a 0-d tensor") { t, a in
            let dim = try a.int("dim")
            var start: Int
            if let s = a["start"].tensorValue, s.count == 1 { start = Int(s.double(at: 0)) } else { start = try a.int("start") }
            if start < 0, t.rank > 0 { start += t.shape[(dim % t.rank + t.rank) % t.rank] }
            return .tensor(try t.narrowed(dim, start, try a.int("length")))
        }
        dual(lib, "roll(input, shifts, dims=None)", doc: "torch.roll: elements shifted along dims (cyclically); without dims, of the flattened tensor") { t, a in
            let shifts = try Convert.ints(a["shifts"], what: "roll() shifts")
            if a["dims"].isNone {
                guard shifts.count == 1 else { throw RuntimeError("roll(): shifts must be one number when dims is None", kind: "RuntimeError") }
                return .tensor(try t.flattened().rolled(shifts[0], dim: 0).reshaped(t.shape))
            }
            let ds = try Convert.ints(a["dims"], what: "roll() dims")
            guard ds.count == shifts.count else {
                throw RuntimeError("roll(): shifts and dimensions must align. shifts: \(shifts.count), dims:\(ds.count)", kind: "RuntimeError")
            }
            var r = t
            for (s, d) in zip(shifts, ds) { r = try r.rolled(s, dim: d) }
            return .tensor(r)
        }
        dual(lib, "numel(input)", doc: "number of elements") { t, _ in .int(t.count) }
        lib.namespace("torch").method("get_default_dtype()", doc: "torch.get_default_dtype(): torch.float32 (the dtype of float tensors made from Python numbers)") { _ in
            .str("torch.float32")
        }
        lib.namespace("torch").method("set_default_dtype(d)", doc: "torch.set_default_dtype: trick keeps float32 as the default (float64 defaults are not supported)") { a in
            guard case .str(let s) = a["d"], DType(name: s) == .float32 else {
                throw fail("set_default_dtype(\(Printer.repr(a["d"]))): trick's default floating dtype is torch.float32 and cannot be changed", "NotImplementedError")
            }
            return .none
        }
        lib.function("is_tensor(obj)", doc: "torch.is_tensor (a numpy array is not one)") { a in
            if case .tensor(let ref) = a["obj"] { return .bool(!ref.tensor.isNumpy) }
            return .bool(false)
        }
        lib.function("one_hot(tensor, num_classes=-1)", doc: "torch.nn.functional.one_hot (int64 input)") { a in
            .tensor(try a.tensor("tensor").oneHot(numClasses: try a.int("num_classes")))
        }
    }

    /// `torch.div(a, b, rounding_mode=...)`: 'trunc' rounds the true quotient toward zero, 'floor'
    /// is floor division (torch's `div_floor`); integer inputs keep their integer dtype.
    static func roundedDivision(_ x: Operand, _ y: Operand, mode: String) throws -> Tensor {
        switch mode {
        case "floor": return try Tensor.binary(.floorDiv, x, y)
        case "trunc":
            let q = try Tensor.binary(.div, x, y).unary(.trunc)
            let integral = [x, y].allSatisfy {
                switch $0 {
                case .tensor(let t): return !t.dtype.isFloatingPoint
                case .float: return false
                default: return true
                }
            }
            return integral ? q.cast(to: .int64) : q
        default:
            throw RuntimeError("div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '\(mode)'", kind: "ValueError")
        }
    }

    /// torch's `round(decimals=d)`: nearbyint(x * 10^d) / 10^d, or nearbyint(x / 10^-d) * 10^-d for
    /// d < 0, in the tensor's dtype (the power of ten a scalar of that dtype).
    static func rounded(_ t: Tensor, decimals d: Int) throws -> Tensor {
        guard d != 0, t.dtype.isFloatingPoint else { return try t.unary(.round) }
        let p = Operand.float(Glibc.pow(10, Double(Swift.abs(d))))
        return d > 0 ? try Tensor.binary(.div, .tensor(try Tensor.binary(.mul, .tensor(t), p).unary(.round)), p)
                     : try Tensor.binary(.mul, .tensor(try Tensor.binary(.div, .tensor(t), p).unary(.round)), p)
    }

    static func nonzeroTuple(_ t: Tensor) throws -> [Value] {
        let nz = t.nonzero()
        let n = nz.shape[0], r = t.rank
        let c = nz.int64s
        return (0..<Swift.max(r, 1)).map { j in .tensor(Tensor(shape: [n], int64: r == 0 ? [Int64](repeating: 0, count: n) : (0..<n).map { c[$0 * r + j] })) }
    }

    static func clamp(_ t: Tensor, _ a: Bound) throws -> Value {
        let lo = a["min"], hi = a["max"]
        if let l = lo.tensorValue { return .tensor(try t.clamped(min: l, max: try a.optionalTensor("max"))) }
        if let h = hi.tensorValue { return .tensor(try t.clamped(min: try a.optionalTensor("min"), max: h)) }
        return .tensor(try t.clamped(min: try a.optionalDouble("min"), max: try a.optionalDouble("max"), boundsAreFloat: isFloatNumber(lo) || isFloatNumber(hi)))
    }

    static func isClose(_ x: Tensor, _ y: Tensor, rtol: Double, atol: Double, equalNaN: Bool) throws -> Tensor {
        let shape = try Broadcast.shape(x.shape, y.shape)
        let a = try Broadcast.expand(x.doubles, x.shape, to: shape), b = try Broadcast.expand(y.doubles, y.shape, to: shape)
        return Tensor(shape: shape, bool: (0..<a.count).map { i in
            if a[i].isNaN || b[i].isNaN { return equalNaN && a[i].isNaN && b[i].isNaN }
            return a[i] == b[i] || Swift.abs(a[i] - b[i]) <= atol + rtol * Swift.abs(b[i])
        })
    }
}
