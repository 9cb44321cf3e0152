import TrickCore
import TrickLang

/// torch functions pasted segmentation / detection code calls (SPEC §9, issue 17): einsum,
/// median / kthvalue, std_mean / var_mean, cdist, diff, take_along_dim, rot90, argwhere,
/// searchsorted / bucketize, unique_consecutive, and tensor.masked_select. Each runs on plain
/// and autograd tensors alike (the autograd code returns a plain tensor when nothing requires
/// grad); the differentiable ones carry torch's gradient.
extension AutogradBindings {
    static func registerTorchOps(_ lib: Library) {
        registerSelectionOps(lib)
        registerComposedOps(lib)
        registerSearchOps(lib)
        registerFunctionalOps(lib)
    }

    /// A differentiable tensor method `sig` (first parameter `self`) that is also `torch.NAME`
    /// (first parameter `input`) and a method of plain tensors.
    static func tensorOp(_ lib: Library, _ sig: String, doc: String, _ body: @escaping (Variable, Bound) throws -> Value) {
        VariableMethods.define(sig, doc: doc, body)
        let name = String(sig.prefix { $0 != "(" })
        guard let m = VariableMethods.table[name] else { return }
        lib.tensorMethod(m.signatureText, doc: doc) { a in try m.call(a.forwarding(m.signature)) }
        routeToMethod(lib, name)
    }

    /// `torch.NAME` only (no tensor method), routed through the autograd code.
    static func torchFunction(_ lib: Library, _ sig: String, doc: String, _ body: @escaping (Bound) throws -> Value) {
        let f = BuiltinFunction(sig, doc: doc) { a in try core { try body(a) } }
        withGradient.insert(ObjectIdentifier(f))
        lib.namespace("torch").methods[f.name] = f
    }

    static func registerSelectionOps(_ lib: Library) {
        let r = VariableObjects.result
        tensorOp(lib, "median(self, dim=None, keepdim=False)", doc: """
            torch.median: the lower median (of all elements, or along dim with its index). On ties
            the index is torch's: position (n-1)/2 of the lane ordered by (value, index); NaN wins.
            """) { v, a in
            guard a.has("dim") else { return r(try v.medianAll()) }
            let (values, indices) = try v.median(dim: try a.int("dim"), keepdim: try a.bool("keepdim"))
            return TensorBindings.returnType("median", values: r(values), indices: .tensor(indices))
        }
        tensorOp(lib, "kthvalue(self, k, dim=-1, keepdim=False)", doc: """
            torch.kthvalue: the k-th smallest value along dim (1-based) and its index; on ties the
            index is the one torch's quickselect leaves (replicated step by step).
            """) { v, a in
            let (values, indices) = try v.kthvalue(try a.int("k"), dim: try a.int("dim"), keepdim: try a.bool("keepdim"))
            return TensorBindings.returnType("kthvalue", values: r(values), indices: .tensor(indices))
        }
        tensorOp(lib, "rot90(self, k=1, dims=(0, 1))", doc: "torch.rot90: rotation by k·90° from the first toward the second of dims (flip + transpose, as torch)") { v, a in
            r(try v.rot90(try a.int("k"), dims: try Convert.ints(a["dims"], what: "rot90() argument 'dims'")))
        }
        tensorOp(lib, "diagonal(self, offset=0, dim1=0, dim2=1)", doc: "torch.diagonal (a copy in trick, not a view; DiagonalBackward0)") { v, a in
            r(try v.diagonal(offset: try a.int("offset"), dim1: try a.int("dim1"), dim2: try a.int("dim2")))
        }
        if let m = VariableMethods.table["masked_select"], lib.tensorMethods["masked_select"] == nil {
            lib.tensorMethod(m.signatureText, doc: "torch.Tensor.masked_select: the elements where the (broadcast) mask is True, as a 1-D tensor") { a in
                try m.call(a.forwarding(m.signature))
            }
        }
    }

    static func registerComposedOps(_ lib: Library) {
        let r = VariableObjects.result
        tensorOp(lib, "diff(self, n=1, dim=-1, prepend=None, append=None)", doc: "torch.diff: the n-th forward difference along dim (prepend / append concatenated first)") { v, a in
            r(try v.diff(n: try a.int("n"), dim: try a.int("dim"), prepend: try optionalVariable(a, "prepend"), append: try optionalVariable(a, "append")))
        }
        tensorOp(lib, "take_along_dim(self, indices, dim=None)", doc: "torch.take_along_dim: gather along dim with the other dimensions broadcast (flattened without dim)") { v, a in
            r(try v.takeAlongDim(try a.tensor("indices"), dim: try a.optionalInt("dim")))
        }
        for (name, isStd) in [("std_mean", true), ("var_mean", false)] {
            torchFunction(lib, "\(name)(input, dim=None, unbiased=None, keepdim=False, *, correction=None)",
                          doc: "torch.\(name): (\(isStd ? "std" : "var"), mean) over dim, correction 1 by default (unbiased=False: 0)") { a in
                let v = try VariableMethods.me(a, "input")
                var dimValue = a["dim"], unbiased = a["unbiased"]
                if case .bool = dimValue { unbiased = dimValue; dimValue = .none }   // std_mean(x, False)
                let dims: [Int]? = dimValue.isNone ? nil : try Convert.ints(dimValue, what: "\(name)() argument 'dim'")
                var correction = 1.0
                if case .bool(let b) = unbiased { correction = b ? 1 : 0 }
                if a.has("correction") { correction = try a.double("correction") }
                let keep = try a.bool("keepdim")
                let spread = isStd ? try v.std(dims: dims, correction: correction, keepdim: keep) : try v.variance(dims: dims, correction: correction, keepdim: keep)
                return .tuple([r(spread), r(try v.mean(dims: dims, keepdim: keep))])
            }
        }
        torchFunction(lib, "cdist(x1, x2, p=2.0, compute_mode='use_mm_for_euclid_dist_if_necessary')", doc: """
            torch.cdist: the p-norm distance between each pair of rows of x1 (…, P, M) and x2 (…, R, M).
            Where trick differs: always computed directly (torch uses a matrix product for p=2 with more
            than 25 rows; the values agree to float rounding).
            """) { a in
            r(try Variable.cdist(try VariableMethods.me(a, "x1"), try VariableMethods.me(a, "x2"), p: try a.double("p")))
        }
        torchFunction(lib, "einsum(equation, *operands)", doc: """
            torch.einsum: Einstein summation — implicit ('ij,jk') or explicit ('ij,jk->ik') output,
            repeated labels for diagonals and traces ('ii->i', 'ii'), '...' for broadcast dimensions;
            contracted pairwise with batched matrix products (permute + reshape + bmm), so gradients flow.
            """) { a in
            var items = a.varargs
            if items.count == 1, case .list(let l) = items[0] { items = l.items }
            if items.count == 1, case .tuple(let t) = items[0] { items = t }
            let vs = try items.enumerated().map { try VariableObjects.operand($1, "einsum() operand \($0)") }
            return r(try Variable.einsum(try a.string("equation"), vs))
        }
    }

    static func registerSearchOps(_ lib: Library) {
        func values(_ v: Value, like boundaries: Tensor) throws -> Tensor {
            if let x = VariableObjects.variable(v) { return x.data }
            if let n = VariableObjects.number(v) { return try Tensor.full([], n, dtype: boundaries.dtype) }
            return try Convert.tensor(v)
        }
        func indices(_ t: Tensor, _ a: Bound) throws -> Value { .tensor(try a.bool("out_int32") ? t.cast(to: .int32) : t) }
        func boundaries(_ v: Value) throws -> Tensor { try VariableObjects.variable(v)?.data ?? Convert.tensor(v) }
        torchFunction(lib, "searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None)",
                      doc: "torch.searchsorted: for each value the first index of the sorted sequence (its last dimension) with a boundary >= it (right=True / side='right': > it)") { a in
            let seq = try boundaries(a["sorted_sequence"])
            var right = try a.bool("right")
            if a.has("side") {
                let side = try a.choice("side", ["left", "right"])
                if right && side == "left" {
                    throw RuntimeError("torch.searchsorted(): side and right can't be set to opposites, got side of left while right was True", kind: "RuntimeError")
                }
                right = side == "right"
            }
            let sorter = try a.optionalTensor("sorter")
            return try indices(try Tensor.searchsorted(seq, try values(a["input"], like: seq), right: right, sorter: sorter), a)
        }
        torchFunction(lib, "bucketize(input, boundaries, *, out_int32=False, right=False)",
                      doc: "torch.bucketize: the bucket of each value in 1-D sorted boundaries (boundaries[i-1] < x <= boundaries[i]; right=True: boundaries[i-1] <= x < boundaries[i])") { a in
            let b = try boundaries(a["boundaries"])
            guard b.rank == 1 else {
                throw RuntimeError("boundaries tensor must be 1 dimension, but got dim(\(b.rank))", kind: "RuntimeError")
            }
            return try indices(try Tensor.searchsorted(b, try values(a["input"], like: b), right: try a.bool("right")), a)
        }
        dual(lib, "argwhere(input)", doc: "torch.argwhere: the indices of the non-zero elements, one row each (torch.nonzero)", global: false) { t, _ in
            .tensor(t.nonzero())
        }
        dual(lib, "unique_consecutive(input, return_inverse=False, return_counts=False, dim=None)",
             doc: "torch.unique_consecutive: the first of each run of equal consecutive elements (slices along dim), with the inverse indices and run lengths on request", global: false) { t, a in
            let (values, inverse, counts) = try core { try t.uniqueConsecutive(dim: try a.optionalInt("dim")) }
            let inv = try a.bool("return_inverse"), cnt = try a.bool("return_counts")
            if !inv && !cnt { return .tensor(values) }
            return .tuple([.tensor(values)] + (inv ? [.tensor(inverse)] : []) + (cnt ? [.tensor(counts)] : []))
        }
    }

    static func dual(_ lib: Library, _ sig: String, doc: String, global: Bool, _ body: @escaping (Tensor, Bound) throws -> Value) {
        TensorBindings.dual(lib, sig, doc: doc, global: global) { t, a in try core { try body(t, a) } }
    }
}
