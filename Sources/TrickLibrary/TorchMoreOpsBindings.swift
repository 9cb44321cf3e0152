import TrickCore
import TrickLang

/// Bindings of TrickCore's TorchMoreOps.swift: torch.mv / addmv / addbmm, logaddexp, hypot,
/// cross / linalg.cross, logcumsumexp, logdet / slogdet / linalg.slogdet, linalg.matrix_rank,
/// kron, tensordot, block_diag, cartesian_prod.
extension AutogradBindings {
    static func registerMoreTorchOps(_ lib: Library) {
        let r = VariableObjects.result
        func other(_ a: Bound, _ v: Variable, _ name: String = "other") throws -> Variable {
            try operandOrNumber(a[name], like: v, "\(a.function)() argument '\(name)'")
        }
        tensorOp(lib, "mv(self, vec)", doc: "torch.mv: matrix @ vector (MvBackward0)") { v, a in r(try Variable.mv(v, try VariableMethods.me(a, "vec"))) }
        tensorOp(lib, "addmv(self, mat, vec, *, beta=1, alpha=1)", doc: "torch.addmv: beta·input + alpha·(mat @ vec) (AddmvBackward0)") { v, a in
            r(try Variable.addmv(v, try VariableMethods.me(a, "mat"), try VariableMethods.me(a, "vec"), beta: try a.double("beta"), alpha: try a.double("alpha")))
        }
        tensorOp(lib, "addbmm(self, batch1, batch2, *, beta=1, alpha=1)", doc: "torch.addbmm: beta·input + alpha·Σ_b batch1[b] @ batch2[b] (AddbmmBackward0)") { v, a in
            r(try Variable.addbmm(v, try VariableMethods.me(a, "batch1"), try VariableMethods.me(a, "batch2"), beta: try a.double("beta"), alpha: try a.double("alpha")))
        }
        tensorOp(lib, "logaddexp(self, other)", doc: "torch.logaddexp: log(exp(a) + exp(b)) without overflow") { v, a in r(try Variable.logaddexp(v, try other(a, v))) }
        tensorOp(lib, "hypot(self, other)", doc: "torch.hypot: √(a² + b²)") { v, a in r(try Variable.hypot(v, try other(a, v))) }
        tensorOp(lib, "cross(self, other, dim=None)", doc: "torch.cross: the cross product along dim (None: the first dimension of size 3, as torch with its deprecation)") { v, a in
            let o = try other(a, v)
            var d = try a.optionalInt("dim")
            if d == nil { d = try Broadcast.shape(v.shape, o.shape).firstIndex(of: 3) }
            guard let dim = d else { throw RuntimeError("no dimension of size 3 in input", kind: "RuntimeError") }
            return r(try Variable.cross(v, o, dim: dim))
        }
        tensorOp(lib, "logcumsumexp(self, dim)", doc: "torch.logcumsumexp: log of the running sum of exp along dim") { v, a in r(try v.logcumsumexp(dim: try a.int("dim"))) }
        tensorOp(lib, "logdet(self)", doc: "torch.logdet: log(det(A)) (NaN for a negative determinant)") { v, _ in r(try v.logdet()) }
        tensorOp(lib, "slogdet(self)", doc: "torch.slogdet: (sign, log|det|) as torch.return_types.slogdet") { v, _ in
            let (s, l) = try v.slogdet()
            return pairType("slogdet", ["sign", "logabsdet"], .tensor(s), r(l))
        }
        torchFunction(lib, "kron(input, other)", doc: "torch.kron: the Kronecker product") { a in
            let v = try VariableMethods.me(a, "input")
            return r(try Variable.kron(v, try other(a, v)))
        }
        torchFunction(lib, "tensordot(a, b, dims=2)", doc: "torch.tensordot: contracts the last dims of a with the first of b (an int), or the given pairs of dims") { a in
            let x = try VariableMethods.me(a, "a"), y = try VariableMethods.me(a, "b")
            var da: [Int], db: [Int]
            switch a["dims"] {
            case .int(let n): da = Array((x.rank - n)..<x.rank); db = Array(0..<n)
            case .list(let l) where l.items.count == 2: da = try Convert.ints(l.items[0], what: "dims"); db = try Convert.ints(l.items[1], what: "dims")
            case .tuple(let t) where t.count == 2: da = try Convert.ints(t[0], what: "dims"); db = try Convert.ints(t[1], what: "dims")
            default: throw RuntimeError("tensordot expects dims to be an int or a pair of lists", kind: "RuntimeError")
            }
            return r(try Variable.tensordot(x, y, da, db))
        }
        torchFunction(lib, "block_diag(*tensors)", doc: "torch.block_diag: the tensors (0-, 1- or 2-D) as diagonal blocks of one matrix") { a in
            let ts = try a.varargs.map { try VariableObjects.operand($0, "block_diag() argument") }
            let mats = try ts.map { t -> Variable in t.rank == 2 ? t : (t.rank == 1 ? try t.reshape([1, t.shape[0]]) : try t.reshape([1, 1])) }
            let rows = mats.reduce(0) { $0 + $1.shape[0] }, cols = mats.reduce(0) { $0 + $1.shape[1] }
            var c = 0
            var padded: [Variable] = []
            for m in mats {
                let dt = ts.contains { $0.dtype == .float64 } ? DType.float64 : (ts.contains { $0.dtype.isFloatingPoint } ? .float32 : m.dtype)
                padded.append(try m.cast(to: dt).constantPad([c, cols - c - m.shape[1]]))
                c += m.shape[1]
            }
            _ = rows
            return r(try Variable.cat(padded, dim: 0))
        }
        torchFunction(lib, "cartesian_prod(*tensors)", doc: "torch.cartesian_prod: every combination of the 1-D tensors' elements, one row each (one tensor: itself)") { a in
            let ts = try a.varargs.map { try VariableObjects.operand($0, "cartesian_prod() argument") }
            guard ts.count > 1 else { return r(ts[0]) }
            let n = ts.map { $0.shape[0] }
            var cols: [Variable] = []
            for (i, t) in ts.enumerated() {
                var shape = Array(repeating: 1, count: ts.count)
                shape[i] = n[i]
                cols.append(try t.reshape(shape).expand(n).reshape([n.reduce(1, *)]))
            }
            return r(try Variable.stack(cols, dim: 1))
        }
        if case .object(let linalg)? = lib.namespace("torch").attributes["linalg"] {
            let t = lib.namespace("torch")
            let slog = BuiltinFunction("slogdet(A, *, out=None)", doc: "torch.linalg.slogdet: (sign, log|det|) as torch.return_types.linalg_slogdet") { a in
                try core {
                    let (sg, l) = try VariableMethods.me(a, "A").slogdet()
                    return pairType("linalg_slogdet", ["sign", "logabsdet"], .tensor(sg), r(l))
                }
            }
            withGradient.insert(ObjectIdentifier(slog))
            linalg.methods["slogdet"] = slog
            if let f = t.methods["cross"] {
                linalg.methods["cross"] = BuiltinFunction(raw: "cross(input, other, *, dim=-1, out=None)") { args in
                    var kw = args.keywords
                    if !kw.contains(where: { $0.0 == "dim" }) { kw.append(("dim", .int(-1))) }
                    return try f.call(Arguments(args.positional, keywords: kw))
                }
            }
            let rank = BuiltinFunction("matrix_rank(A, *, atol=None, rtol=None, hermitian=False, out=None)",
                                       doc: "torch.linalg.matrix_rank: the number of singular values above max(atol, rtol·σmax) (rtol ε·max(m, n) by default)") { a in
                try core {
                    let x = try VariableMethods.me(a, "A").data
                    let s = try Linalg.svd(x, fullMatrices: false, fname: "linalg.matrix_rank").s
                    let m = x.shape[x.rank - 2], n = x.shape[x.rank - 1], k = Swift.min(m, n)
                    let eps = x.dtype == .float64 ? Double.ulpOfOne : Double(Float.ulpOfOne)
                    let atol = try a.optionalDouble("atol") ?? 0
                    let rtol = try a.optionalDouble("rtol") ?? (atol > 0 ? 0 : eps * Double(Swift.max(m, n)))
                    let sv = s.doubles
                    var out: [Int64] = []
                    var i = 0
                    while i < sv.count || (k == 0 && out.isEmpty) {
                        let lane = k == 0 ? [] : Array(sv[i..<(i + k)])
                        let tol = Swift.max(atol, rtol * (lane.first ?? 0))
                        out.append(Int64(lane.filter { $0 > tol }.count))
                        i += Swift.max(k, 1)
                        if k == 0 { break }
                    }
                    return .tensor(Tensor(shape: Array(x.shape.dropLast(2)), int64: out))
                }
            }
            linalg.methods["matrix_rank"] = rank
        }
    }
}
