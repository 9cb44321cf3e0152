import TrickCore
import TrickLang

/// More torch surface pasted training code uses (SPEC §9): tensor methods / torch functions
/// (stride, select, tensor_split, addmm, baddbmm, logit, nansum, nanmean, frac, sgn, aminmax,
/// cummax / cummin, Tensor.unfold, quantile / nanquantile, xlogy, erfc, erfinv, lgamma, digamma,
/// i0, bernoulli / bernoulli_, multinomial), `torch.special`, `torch.linalg`,
/// `F.scaled_dot_product_attention` and `F.conv1d`. Gradients are torch's (TrickCore
/// TorchExtraOps.swift, LinalgGrad.swift, SpecialFunctions.swift, Attention.swift).
extension AutogradBindings {
    static func registerTorchExtraOps(_ lib: Library) {
        registerExtraTensorOps(lib)
        registerSpecial(lib)
        registerLinalg(lib)
        registerAttention(lib)
        registerMoreTorchOps(lib)
    }

    /// A torch.return_types named tuple with two fields.
    static func pairType(_ op: String, _ fields: [String], _ a: Value, _ b: Value) -> Value {
        let repr = Collections.NamedTupleRepr(prefix: "torch.return_types.\(op)", separator: "\n")
        return Collections.namedTupleInstance(op, fields: fields, values: [a, b], repr: repr) { vs in pairType(op, fields, vs[0], vs[1]) }
    }

    /// An operand that may be a Python number (a 0-d tensor of the other operand's dtype family).
    static func operandOrNumber(_ v: Value, like other: Variable, _ what: String) throws -> Variable {
        if let n = VariableObjects.number(v) {
            return try Variable(try Tensor.full([], n, dtype: other.dtype.isFloatingPoint ? other.dtype : .float32))
        }
        return try VariableObjects.operand(v, what)
    }

    static func registerExtraTensorOps(_ lib: Library) {
        let r = VariableObjects.result
        tensorOp(lib, "stride(self, dim=None)", doc: """
            torch.Tensor.stride: the strides of the tensor's layout, in elements. Where trick differs: every
            tensor is contiguous (views are copies), so a transposed or expanded tensor reports the row-major
            strides of its shape where torch reports the view's.
            """) { v, a in
            let s = Tensor.contiguousStrides(v.shape)
            if let d = try a.optionalInt("dim") { return .int(s[try core { try Tensor.normalizeDim(d, rank: v.rank) }]) }
            return .tuple(s.map { .int($0) })
        }
        tensorOp(lib, "select(self, dim, index)", doc: "torch.select: the slice at index along dim, without that dimension (SelectBackward0)") { v, a in
            r(try v.select(dim: try a.int("dim"), index: try a.int("index")))
        }
        tensorOp(lib, "tensor_split(self, indices_or_sections, dim=0)", doc: """
            torch.tensor_split: an int n gives n parts (the first size % n one longer, possibly empty ones);
            a list / tuple of indices splits before each of them
            """) { v, a in
            let arg = a["indices_or_sections"]
            var parts: [Variable]
            switch arg {
            case .int(let n): parts = try v.tensorSplit(sections: n, indices: nil, dim: try a.int("dim"))
            case .tensor(let t) where t.tensor.rank == 0: parts = try v.tensorSplit(sections: Int(try t.tensor.item()), indices: nil, dim: try a.int("dim"))
            default: parts = try v.tensorSplit(sections: nil, indices: try Convert.ints(arg, what: "tensor_split() argument 'indices_or_sections'"), dim: try a.int("dim"))
            }
            return .tuple(parts.map(r))
        }
        tensorOp(lib, "addmm(self, mat1, mat2, *, beta=1, alpha=1)", doc: "torch.addmm: beta·input + alpha·(mat1 @ mat2) (AddmmBackward0)") { v, a in
            r(try Variable.addmm(v, try VariableMethods.me(a, "mat1"), try VariableMethods.me(a, "mat2"), beta: try a.double("beta"), alpha: try a.double("alpha")))
        }
        tensorOp(lib, "baddbmm(self, batch1, batch2, *, beta=1, alpha=1)", doc: "torch.baddbmm: beta·input + alpha·(batch1 @ batch2), batched (BaddbmmBackward0)") { v, a in
            r(try Variable.baddbmm(v, try VariableMethods.me(a, "batch1"), try VariableMethods.me(a, "batch2"), beta: try a.double("beta"), alpha: try a.double("alpha")))
        }
        tensorOp(lib, "logit(self, eps=None)", doc: "torch.logit: log(p / (1 − p)), p clamped to [eps, 1 − eps] when eps is given (LogitBackward0)") { v, a in
            r(try v.logit(eps: try a.optionalDouble("eps")))
        }
        tensorOp(lib, "nansum(self, dim=None, keepdim=False, *, dtype=None)", doc: "torch.nansum: the sum treating NaN as zero (NansumBackward0)") { v, a in
            var x = v
            if a.has("dtype") { x = try v.cast(to: try TensorBindings.dtype(a)!) }
            return r(try x.nansum(dims: try TensorBindings.dims(a), keepdim: try a.bool("keepdim")))
        }
        tensorOp(lib, "nanmean(self, dim=None, keepdim=False, *, dtype=None)", doc: "torch.nanmean: the mean of the non-NaN elements (NaN where all are NaN)") { v, a in
            var x = v
            if a.has("dtype") { x = try v.cast(to: try TensorBindings.dtype(a)!) }
            return r(try x.nanmean(dims: try TensorBindings.dims(a), keepdim: try a.bool("keepdim")))
        }
        torchFunction(lib, "is_floating_point(input)", doc: "torch.is_floating_point: whether the tensor's dtype is a floating type") { a in
            .bool(try VariableMethods.me(a, "input").dtype.isFloatingPoint)
        }
        // torch.nn.modules.linear.NonDynamicallyQuantizableLinear (MultiheadAttention's out_proj): a Linear under that name
        if case .builtin(let linear)? = lib.globals["Linear"] {
            lib.function("NonDynamicallyQuantizableLinear(in_features, out_features, bias=True, device=None, dtype=None)",
                         doc: "torch.nn.modules.linear.NonDynamicallyQuantizableLinear: nn.Linear under the name MultiheadAttention's out_proj prints") { a in
                let v = try linear.call(a.forwarding(linear.signature))
                ModuleObjects.node(v)?.typeName = "NonDynamicallyQuantizableLinear"
                return v
            }
        }
        tensorOp(lib, "frac(self)", doc: "torch.frac: x − trunc(x) (the sign of x kept)") { v, _ in r(try v.frac()) }
        tensorOp(lib, "sgn(self)", doc: "torch.sgn: the sign for real tensors (x / |x| for complex ones, which trick does not have)") { v, _ in r(try v.sgn()) }
        tensorOp(lib, "aminmax(self, *, dim=None, keepdim=False)", doc: """
            torch.aminmax: (min, max) of all elements or along dim, as torch.return_types.aminmax; ties share
            the gradient, as amin / amax
            """) { v, a in
            let dims = try a.optionalInt("dim").map { [$0] }
            if v.data.count == 0 {
                throw RuntimeError(dims == nil ? "aminmax(): cannot compute aminmax over an empty dimension as the operation has no identity."
                                               : "aminmax(): Expected reduction dim \(dims![0]) to have non-zero size.", kind: "RuntimeError")
            }
            let k = try a.bool("keepdim")
            let lo = try v.extremumValue(dims: dims, keepdim: k, max: false).withoutDerivative("aminmax")
            let hi = try v.extremumValue(dims: dims, keepdim: k, max: true).withoutDerivative("aminmax")
            return pairType("aminmax", ["min", "max"], r(lo), r(hi))
        }
        for (name, isMax) in [("cummax", true), ("cummin", false)] {
            tensorOp(lib, "\(name)(self, dim)", doc: "torch.\(name): the running \(isMax ? "maximum" : "minimum") along dim and the index where it was last reached (ties: the later index; NaN propagates)") { v, a in
                let (values, indices) = try v.cumulativeExtremum(dim: try a.int("dim"), max: isMax)
                return TensorBindings.returnType(name, values: r(values), indices: .tensor(indices))
            }
        }
        // Tensor.unfold(dimension, size, step) is a method only (torch.nn.functional.unfold is im2col)
        VariableMethods.define("unfold(self, dimension, size, step)", doc: "torch.Tensor.unfold: windows of size elements, step apart, along dimension as a new last dimension (UnfoldBackward0)") { v, a in
            r(try v.unfoldDim(try a.int("dimension"), size: try a.int("size"), step: try a.int("step")))
        }
        if let m = VariableMethods.table["unfold"] {
            lib.tensorMethod(m.signatureText, doc: m.doc) { a in try m.call(a.forwarding(m.signature)) }
        }
        for (name, nan) in [("quantile", false), ("nanquantile", true)] {
            tensorOp(lib, "\(name)(self, q, dim=None, keepdim=False, *, interpolation='linear')", doc: """
                torch.\(name): the q-th quantiles (q a float or 1-D tensor, the quantiles' dimension first) of all
                elements or along dim; interpolation 'linear', 'lower', 'higher', 'midpoint' or 'nearest'\(nan ? "; NaNs ignored" : "; NaN where a lane holds one")
                """) { v, a in
                let interp = try a.choice("interpolation", ["linear", "lower", "higher", "midpoint", "nearest"])
                var qs: [Double], scalar = false
                if let n = VariableObjects.number(a["q"]) { qs = [n]; scalar = true } else {
                    let t = try VariableObjects.variable(a["q"])?.data ?? Convert.tensor(a["q"])
                    guard t.rank <= 1 else { throw RuntimeError("\(name)() q must be a scalar or 1D tensor", kind: "RuntimeError") }
                    guard t.dtype == v.dtype else { throw RuntimeError("\(name)() q tensor must be same dtype as the input tensor", kind: "RuntimeError") }
                    qs = t.doubles; scalar = t.rank == 0
                }
                return r(try v.quantile(qs, scalarQ: scalar, dim: try a.optionalInt("dim"), keepdim: try a.bool("keepdim"), interpolation: interp, ignoreNaN: nan))
            }
        }
        tensorOp(lib, "xlogy(self, other)", doc: "torch.xlogy: x·log(y), 0 where x == 0 (NaN where y is NaN) (XlogyBackward0)") { v, a in
            r(try Variable.xlogy(v, try operandOrNumber(a["other"], like: v, "xlogy() argument 'other'")))
        }
        tensorOp(lib, "erfc(self)", doc: "torch.erfc: 1 − erf(x)") { v, _ in r(try v.erfc()) }
        tensorOp(lib, "erfinv(self)", doc: "torch.erfinv: the inverse of erf on (−1, 1) (±inf at ±1, NaN outside)") { v, _ in r(try v.erfinv()) }
        tensorOp(lib, "lgamma(self)", doc: "torch.lgamma: log|Γ(x)|") { v, _ in r(try v.lgamma()) }
        tensorOp(lib, "digamma(self)", doc: "torch.digamma: Γ'(x)/Γ(x) (−inf at 0, NaN at negative integers)") { v, _ in r(try v.digamma()) }
        tensorOp(lib, "i0(self)", doc: "torch.i0: the modified Bessel function of the first kind, order 0") { v, _ in r(try v.i0()) }

        // random draws (trick's stream, as rand / randn: the distribution is torch's, the samples are not)
        func bernoulliDraw(_ p: Tensor, dtype: DType) throws -> Tensor {
            let ps = p.doubles
            for x in ps where !(x >= 0 && x <= 1) {
                throw RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error message be improved?  If so, please report an enhancement request to PyTorch.)", kind: "RuntimeError")
            }
            let g = RandomGenerator.global
            return Tensor(shape: p.shape, float64: ps.map { g.uniformDouble() < $0 ? 1 : 0 }).cast(to: dtype)
        }
        torchFunction(lib, "bernoulli(input, p=None, *, generator=None)", doc: "torch.bernoulli: 1 with probability input[i] (or p), else 0, in input's dtype (trick's random stream)") { a in
            let t = try VariableObjects.variable(a["input"])?.data ?? Convert.tensor(a["input"])
            let p = a.has("p") ? try Tensor.full(t.shape, try a.double("p"), dtype: .float64) : t
            return .tensor(try bernoulliDraw(p, dtype: t.dtype))
        }
        lib.tensorMethod("bernoulli(self, p=None, *, generator=None)", doc: "torch.Tensor.bernoulli: 1 with probability self[i] (or p), else 0") { a in
            let t = try a.tensor("self")
            let p = a.has("p") ? try Tensor.full(t.shape, try a.double("p"), dtype: .float64) : t
            return .tensor(try bernoulliDraw(p, dtype: t.dtype))
        }
        lib.tensorMethod("bernoulli_(self, p=0.5, *, generator=None)", doc: "torch.Tensor.bernoulli_: self filled with 1 (probability p, a float or a tensor) or 0, in place") { a in
            let t = try a.tensor("self")
            let p: Tensor
            if let n = VariableObjects.number(a["p"]) { p = try Tensor.full(t.shape, n, dtype: .float64) } else { p = try Convert.tensor(a["p"]).expanded(t.shape) }
            return .tensor(try bernoulliDraw(p, dtype: t.dtype))
        }
        VariableMethods.define("bernoulli_(self, p=0.5, *, generator=None)") { v, a in
            let p: Tensor
            if let n = VariableObjects.number(a["p"]) { p = try Tensor.full(v.shape, n, dtype: .float64) } else { p = try Convert.tensor(a["p"]).expanded(v.shape) }
            let drawn = try bernoulliDraw(p, dtype: v.dtype)
            try v.inPlace { _ in try Variable(drawn) }
            return a["self"]
        }
        dual(lib, "multinomial(input, num_samples, replacement=False, *, generator=None)", doc: """
            torch.multinomial: num_samples category indices per row of non-negative weights (1-D or 2-D input),
            without replacement unless replacement=True (trick's random stream; torch's checks and messages)
            """, global: false) { t, a in
            let n = try a.int("num_samples"), repl = try a.bool("replacement")
            guard t.rank == 1 || t.rank == 2 else { throw RuntimeError("prob_dist must be 1 or 2 dim", kind: "RuntimeError") }
            guard t.dtype.isFloatingPoint else { throw RuntimeError("multinomial only supports floating-point dtypes for input, got: \(t.dtype.torchScalarName)", kind: "RuntimeError") }
            guard n > 0 else { throw RuntimeError("cannot sample n_sample <= 0 samples", kind: "RuntimeError") }
            let cats = t.shape.last!
            guard repl || n <= cats else { throw RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement", kind: "RuntimeError") }
            let rows = t.rank == 1 ? 1 : t.shape[0]
            let w = t.doubles
            let g = RandomGenerator.global
            var out: [Int64] = []
            for row in 0..<rows {
                var ws = Array(w[(row * cats)..<(row * cats + cats)])
                for x in ws where x < 0 || !x.isFinite { throw RuntimeError("probability tensor contains either `inf`, `nan` or element < 0", kind: "RuntimeError") }
                guard ws.contains(where: { $0 > 0 }) else { throw RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)", kind: "RuntimeError") }
                // without replacement torch takes topk(p / Exp(1)): once the positive categories are
                // drawn, zero-weight ones follow (here in index order)
                var taken = Set<Int>()
                for _ in 0..<n {
                    let total = ws.reduce(0, +)
                    if total <= 0 {
                        let next = (0..<cats).first { !taken.contains($0) }!
                        taken.insert(next); out.append(Int64(next)); continue
                    }
                    var u = g.uniformDouble() * total, pick = cats - 1
                    for (i, x) in ws.enumerated() where x > 0 {
                        if u < x { pick = i; break }
                        u -= x
                    }
                    while ws[pick] <= 0 && pick > 0 { pick -= 1 }
                    out.append(Int64(pick))
                    if !repl { ws[pick] = 0; taken.insert(pick) }
                }
            }
            return .tensor(Tensor(shape: t.rank == 1 ? [n] : [rows, n], int64: out))
        }
    }

    static func registerSpecial(_ lib: Library) {
        let special = BuiltObject(typeName: "module")
        special.repr = { "<module 'torch.special'>" }
        let torch = lib.namespace("torch")
        let F = lib.namespace("F")
        // torch.special names and where trick has them
        let aliases: [(String, String)] = [("expit", "sigmoid"), ("logit", "logit"), ("erf", "erf"), ("erfc", "erfc"), ("erfinv", "erfinv"),
                                           ("log1p", "log1p"), ("expm1", "expm1"), ("exp2", "exp2"), ("xlogy", "xlogy"), ("gammaln", "lgamma"),
                                           ("digamma", "digamma"), ("psi", "digamma"), ("i0", "i0"), ("logsumexp", "logsumexp"), ("round", "round"),
                                           ("sinc", "sinc"), ("entr", "entr"), ("ndtr", "ndtr"), ("log_ndtr", "log_ndtr"), ("ndtri", "ndtri")]
        for (name, target) in aliases {
            if let f = torch.methods[target] { special.methods[name] = f } else if case .builtin(let f)? = lib.globals[target] { special.methods[name] = f }
        }
        for name in ["softmax", "log_softmax"] {
            if let f = F.methods[name] ?? torch.methods[name] { special.methods[name] = f } else if case .builtin(let f)? = lib.globals[name] { special.methods[name] = f }
        }
        torch.set("special", .object(special))
    }

    static func registerLinalg(_ lib: Library) {
        let r = VariableObjects.result
        let linalg = BuiltObject(typeName: "module")
        linalg.repr = { "<module 'torch.linalg'>" }
        func fn(_ sig: String, doc: String, _ body: @escaping (Bound) throws -> Value) {
            let f = BuiltinFunction(sig, doc: doc) { a in try core { try body(a) } }
            withGradient.insert(ObjectIdentifier(f))
            linalg.methods[f.name] = f
        }
        func noGrad(_ v: Variable, _ name: String) throws {
            if v.requiresGrad && GradMode.isEnabled {
                throw RuntimeError("torch.linalg.\(name): the gradient is not supported in trick (values only)", kind: "NotImplementedError")
            }
        }
        func ord(_ v: Value, default d: Double) throws -> Double {
            switch v {
            case .none: return d
            case .str(let s): throw RuntimeError("linalg.vector_norm: ord must be a number, got '\(s)'", kind: "TypeError")
            default:
                guard let d = Convert.double(v) else { throw RuntimeError("linalg.vector_norm(): argument 'ord' must be a number, not \(v.typeName)", kind: "TypeError") }
                return d
            }
        }
        func matrixOrd(_ v: Value) throws -> String {
            switch v {
            case .none: return "fro"
            case .str(let s): return s
            default:
                guard let d = Convert.double(v) else { throw RuntimeError("linalg.matrix_norm(): argument 'ord' must be str or a number, not \(v.typeName)", kind: "TypeError") }
                return d == .infinity ? "inf" : d == -.infinity ? "-inf" : String(Int(d))
            }
        }
        func dimsPair(_ v: Value) throws -> (Int, Int) {
            let ds = try Convert.ints(v, what: "linalg.matrix_norm() argument 'dim'")
            guard ds.count == 2 else { throw RuntimeError("linalg.matrix_norm: dim must be a 2-tuple. Got \(ds.map(String.init).joined(separator: " "))", kind: "RuntimeError") }
            return (ds[0], ds[1])
        }
        func castDtype(_ x: Variable, _ a: Bound) throws -> Variable {
            a.has("dtype") ? try x.cast(to: try TensorBindings.dtype(a)!) : x
        }
        fn("vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None)", doc: "torch.linalg.vector_norm: (Σ|x|^ord)^(1/ord) over dim (all elements by default); ord inf / -inf / 0 too") { a in
            let x0 = try VariableMethods.me(a, "x")
            guard x0.dtype.isFloatingPoint else {
                throw RuntimeError("linalg.vector_norm: Expected a floating point or complex tensor as input. Got \(x0.dtype.torchScalarName)", kind: "RuntimeError")
            }
            let x = try castDtype(x0, a)
            guard x.dtype.isFloatingPoint else {
                throw RuntimeError("linalg.vector_norm: Expected a floating point or complex tensor as input. Got \(x.dtype.torchScalarName)", kind: "RuntimeError")
            }
            let dims: [Int]? = a["dim"].isNone ? nil : (VariableObjects.number(a["dim"]) != nil ? [try a.int("dim")] : try Convert.ints(a["dim"], what: "dim"))
            return r(try x.vectorNorm(ord: try ord(a["ord"], default: 2), dims: dims, keepdim: try a.bool("keepdim")))
        }
        fn("matrix_norm(A, ord='fro', dim=(-2, -1), keepdim=False, *, dtype=None)", doc: "torch.linalg.matrix_norm: 'fro', 'nuc', ±inf, ±1, ±2 over the two dims") { a in
            let x = try castDtype(try VariableMethods.me(a, "A"), a)
            return r(try x.matrixNorm(ord: try matrixOrd(a["ord"]), dims: try dimsPair(a["dim"]), keepdim: try a.bool("keepdim")))
        }
        fn("norm(A, ord=None, dim=None, keepdim=False, *, dtype=None)", doc: """
            torch.linalg.norm: with ord None, the 2-norm of the flattened input (or of dim); a string ord or a 2-tuple
            dim is a matrix norm, else a vector norm (as torch)
            """) { a in
            let x = try castDtype(try VariableMethods.me(a, "A"), a)
            let keep = try a.bool("keepdim")
            var dims: [Int]? = nil
            if !a["dim"].isNone { dims = VariableObjects.number(a["dim"]) != nil ? [try a.int("dim")] : try Convert.ints(a["dim"], what: "linalg.norm() argument 'dim'") }
            if case .str = a["ord"] {
                return r(try x.matrixNorm(ord: try matrixOrd(a["ord"]), dims: dims.map { ($0[0], $0[1]) } ?? (-2, -1), keepdim: keep))
            }
            if !a["ord"].isNone {
                if dims?.count == 2 || (dims == nil && x.rank == 2) {
                    return r(try x.matrixNorm(ord: try matrixOrd(a["ord"]), dims: dims.map { ($0[0], $0[1]) } ?? (-2, -1), keepdim: keep))
                }
                if dims == nil && x.rank != 1 {
                    throw RuntimeError("linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got \(x.rank)D.", kind: "RuntimeError")
                }
                return r(try x.vectorNorm(ord: try ord(a["ord"], default: 2), dims: dims, keepdim: keep))
            }
            return r(try x.vectorNorm(ord: 2, dims: dims, keepdim: keep))
        }
        fn("inv(A, *, out=None)", doc: "torch.linalg.inv (LinalgInvExBackward0); a singular matrix is torch's error") { a in
            r(try VariableMethods.me(a, "A").linalgInv())
        }
        fn("det(A, *, out=None)", doc: "torch.linalg.det (LinalgDetBackward0)") { a in r(try VariableMethods.me(a, "A").linalgDet()) }
        fn("solve(A, B, *, left=True, out=None)", doc: "torch.linalg.solve: X with AX = B (B a vector or a matrix batch, broadcast) (LinalgSolveExBackward0)") { a in
            guard try a.bool("left") else { throw RuntimeError("linalg.solve(left=False) is not supported in trick", kind: "NotImplementedError") }
            return r(try Variable.linalgSolve(try VariableMethods.me(a, "A"), try VariableMethods.me(a, "B")))
        }
        fn("cholesky(A, *, upper=False, out=None)", doc: "torch.linalg.cholesky: L with A = L Lᴴ (values only in trick)") { a in
            let x = try VariableMethods.me(a, "A"); try noGrad(x, "cholesky")
            return .tensor(try Linalg.cholesky(x.data, upper: try a.bool("upper")))
        }
        fn("qr(A, mode='reduced', *, out=None)", doc: "torch.linalg.qr: (Q, R) by Householder reflections with LAPACK's signs; mode 'reduced', 'complete' or 'r' (values only in trick)") { a in
            let x = try VariableMethods.me(a, "A"); try noGrad(x, "qr")
            let mode = try a.string("mode")
            guard ["reduced", "complete", "r"].contains(mode) else {
                throw RuntimeError("qr received unrecognized mode '\(mode)' but expected one of 'reduced' (default), 'r', or 'complete'", kind: "RuntimeError")
            }
            let (q, rr) = try Linalg.qr(x.data, mode: mode)
            return pairType("linalg_qr", ["Q", "R"], .tensor(q), .tensor(rr))
        }
        fn("eigh(A, UPLO='L', *, out=None)", doc: """
            torch.linalg.eigh: ascending eigenvalues and eigenvectors (columns) of a symmetric matrix. Where trick differs:
            each eigenvector's sign is normalised (largest entry positive), where LAPACK's is arbitrary (values only)
            """) { a in
            let x = try VariableMethods.me(a, "A"); try noGrad(x, "eigh")
            let (w, v) = try Linalg.eigh(x.data, upper: try a.choice("UPLO", ["L", "U"]) == "U")
            return pairType("linalg_eigh", ["eigenvalues", "eigenvectors"], .tensor(w), .tensor(v))
        }
        fn("eigvalsh(A, UPLO='L', *, out=None)", doc: "torch.linalg.eigvalsh: the ascending eigenvalues of a symmetric matrix (values only)") { a in
            let x = try VariableMethods.me(a, "A"); try noGrad(x, "eigvalsh")
            return .tensor(try Linalg.eigh(x.data, upper: try a.choice("UPLO", ["L", "U"]) == "U").values)
        }
        fn("svd(A, full_matrices=True, *, driver=None, out=None)", doc: """
            torch.linalg.svd: (U, S, Vh), S descending. Where trick differs: the singular vectors' signs are normalised,
            where LAPACK's are arbitrary (U S Vh and S agree with torch; values only)
            """) { a in
            let x = try VariableMethods.me(a, "A"); try noGrad(x, "svd")
            let (u, s, vh) = try Linalg.svd(x.data, fullMatrices: try a.bool("full_matrices"))
            let repr = Collections.NamedTupleRepr(prefix: "torch.return_types.linalg_svd", separator: "\n")
            return Collections.namedTupleInstance("linalg_svd", fields: ["U", "S", "Vh"], values: [.tensor(u), .tensor(s), .tensor(vh)], repr: repr) { .tuple($0) }
        }
        fn("svdvals(A, *, driver=None, out=None)", doc: "torch.linalg.svdvals: the singular values, descending (values only)") { a in
            let x = try VariableMethods.me(a, "A"); try noGrad(x, "svdvals")
            return .tensor(try Linalg.svd(x.data, fullMatrices: false, fname: "linalg.svdvals").s)
        }
        fn("pinv(A, *, atol=None, rtol=None, hermitian=False, out=None)", doc: "torch.linalg.pinv: the pseudo-inverse through the SVD, singular values below max(atol, rtol·σmax) dropped (values only)") { a in
            let x = try VariableMethods.me(a, "A"); try noGrad(x, "pinv")
            return .tensor(try Linalg.pinv(x.data, atol: try a.optionalDouble("atol"), rtol: try a.optionalDouble("rtol")))
        }
        fn("lstsq(A, B, rcond=None, *, driver=None)", doc: """
            torch.linalg.lstsq: the least-squares solution X of AX ≈ B (minimum norm when A is rank deficient) as
            (solution, residuals, rank, singular_values) with the CPU default driver 'gelsy''s fields: residuals and
            singular_values empty, rank computed (values only)
            """) { a in
            let x = try VariableMethods.me(a, "A"), b = try VariableMethods.me(a, "B"); try noGrad(x, "lstsq"); try noGrad(b, "lstsq")
            let vector = b.rank == 1
            let bm = vector ? try b.data.unsqueezed(1) : b.data
            let sol = try Tensor.matmul(try Linalg.pinv(x.data, atol: nil, rtol: try a.optionalDouble("rcond")), bm)
            let s = try Linalg.svd(x.data, fullMatrices: false, fname: "linalg.lstsq").s
            let sv = s.doubles, k = x.shape.suffix(2).min() ?? 0
            let eps = x.dtype == .float64 ? Double.ulpOfOne : Double(Float.ulpOfOne)
            let rcond = try a.optionalDouble("rcond") ?? eps * Double(x.shape.suffix(2).max() ?? 1)
            var ranks: [Int64] = []
            var i = 0
            while i < sv.count { let chunk = sv[i..<(i + k)]; ranks.append(Int64(chunk.filter { $0 > rcond * (chunk.first ?? 0) }.count)); i += k }
            let batch = Array(x.shape.dropLast(2))
            let empty = Tensor(shape: [0], float64: []).cast(to: x.dtype)
            let repr = Collections.NamedTupleRepr(prefix: "torch.return_types.linalg_lstsq", separator: "\n")
            return Collections.namedTupleInstance("linalg_lstsq", fields: ["solution", "residuals", "rank", "singular_values"],
                                                  values: [.tensor(vector ? try sol.squeezed([1]) : sol), .tensor(empty), .tensor(Tensor(shape: batch, int64: ranks)), .tensor(empty)],
                                                  repr: repr) { .tuple($0) }
        }
        let torch = lib.namespace("torch")
        torch.set("linalg", .object(linalg))
        // torch.det / torch.inverse are the same functions
        if let f = linalg.methods["det"] { torch.methods["det"] = f }
        if let f = linalg.methods["inv"] { torch.methods["inverse"] = BuiltinFunction(raw: "inverse(input, *, out=None)") { args in
            try f.call(Arguments(args.positional, keywords: args.keywords.map { $0.0 == "input" ? ("A", $0.1) : $0 }))
        } }
        VariableMethods.define("inverse(self)") { v, _ in r(try v.linalgInv()) }
        VariableMethods.define("det(self)") { v, _ in r(try v.linalgDet()) }
        for name in ["inverse", "det"] {
            if let m = VariableMethods.table[name] { lib.tensorMethod(m.signatureText, doc: "torch.Tensor.\(name)") { a in try m.call(a.forwarding(m.signature)) } }
        }
    }
}

extension AutogradBindings {
    static func registerAttention(_ lib: Library) {
        let r = VariableObjects.result
        let F = lib.namespace("F"), torch = lib.namespace("torch")
        let sdpa = BuiltinFunction("scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None)", doc: """
            torch.nn.functional.scaled_dot_product_attention: softmax(Q Kᵀ · scale + mask) V over the last two dimensions
            (scale 1/√E by default); a bool attn_mask keeps the True positions, a float one is added; is_causal keeps the
            lower triangle. Dropout draws from trick's stream.
            """) { a in
            try core {
                var boolMask: Tensor? = nil, floatMask: Variable? = nil
                if a.has("attn_mask") {
                    let m = try VariableMethods.me(a, "attn_mask")
                    if m.dtype == .bool { boolMask = m.data } else { floatMask = m }
                }
                return r(try Variable.scaledDotProductAttention(try VariableMethods.me(a, "query"), try VariableMethods.me(a, "key"), try VariableMethods.me(a, "value"),
                                                                boolMask: boolMask, floatMask: floatMask, dropout: try a.double("dropout_p"),
                                                                isCausal: try a.bool("is_causal"), scale: try a.optionalDouble("scale")))
            }
        }
        withGradient.insert(ObjectIdentifier(sdpa))
        F.methods[sdpa.name] = sdpa
        let conv1d = BuiltinFunction("conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1)",
                                     doc: "torch.nn.functional.conv1d (ConvolutionBackward0): conv2d over a height of 1; padding an int, 'valid' or 'same'") { a in
            try core {
                let w = try VariableMethods.me(a, "weight")
                let stride = try single(a["stride"], "stride"), dilation = try single(a["dilation"], "dilation")
                return r(try Variable.conv1d(try VariableMethods.me(a, "input"), w, try optionalVariable(a, "bias"), stride: stride,
                                             padding: try conv1dPadding(a["padding"], kernel: w.shape.last ?? 1, stride: stride, dilation: dilation),
                                             dilation: dilation, groups: try a.int("groups")))
            }
        }
        withGradient.insert(ObjectIdentifier(conv1d))
        F.methods["conv1d"] = conv1d
        torch.methods["conv1d"] = conv1d
        // nn.Conv1d gets a forward (the layer and its values exist already)
        if case .builtin(let old)? = lib.globals["Conv1d"] {
            let f = BuiltinFunction(old.signatureText, doc: old.doc + " With a forward (F.conv1d).") { a in
                let v = try old.call(a.forwarding(old.signature))
                guard ModuleObjects.node(v) != nil else { return v }
                let args = a
                try ModuleValues.setForward(v) { n in
                    { x in
                        try core {
                            if try args.string("padding_mode") != "zeros" {
                                throw RuntimeError("Conv1d(padding_mode='\(try args.string("padding_mode"))'): only 'zeros' has a forward in trick", kind: "NotImplementedError")
                            }
                            let w = try ModuleValues.variable(n.parameter("weight"), "weight")!
                            let stride = try single(args["stride"], "stride"), dilation = try single(args["dilation"], "dilation")
                            return r(try Variable.conv1d(try ModuleValues.input(x, n), w, try ModuleValues.variable(n.parameter("bias"), "bias"), stride: stride,
                                                         padding: try conv1dPadding(args["padding"], kernel: w.shape.last ?? 1, stride: stride, dilation: dilation),
                                                         dilation: dilation, groups: try args.int("groups")))
                        }
                    }
                }
                return v
            }
            replace(lib, old, with: f)
        }
    }

    /// An int or a 1-tuple (Conv1d's stride=(2,)).
    static func single(_ v: Value, _ what: String) throws -> Int {
        if case .tuple(let t) = v, t.count == 1 { return try Convert.int(t[0]) }
        if case .list(let l) = v, l.items.count == 1 { return try Convert.int(l.items[0]) }
        return try Convert.int(v)
    }

    static func conv1dPadding(_ v: Value, kernel: Int, stride: Int, dilation: Int) throws -> Int {
        guard case .str(let s) = v else { return try single(v, "padding") }
        switch s {
        case "valid": return 0
        case "same":
            guard stride == 1 else { throw RuntimeError("padding='same' is not supported for strided convolutions", kind: "ValueError") }
            let total = dilation * (kernel - 1)
            guard total % 2 == 0 else {
                throw RuntimeError("padding='same' with an even effective kernel needs asymmetric padding, which trick does not support", kind: "NotImplementedError")
            }
            return total / 2
        default: throw RuntimeError("Invalid padding string '\(s)', should be one of {'valid', 'same'}", kind: "ValueError")
        }
    }
}
