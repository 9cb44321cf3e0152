import TrickCore
import TrickLang

/// torch functions training and evaluation code calls beyond the core set: diagonals and
/// triangles, scatter / index writes, meshgrid, logsumexp, lerp / addcmul / addcdiv (optimizer
/// and EMA arithmetic), broadcasting helpers and small conveniences. Each is a function and a
/// tensor method, with torch's argument names.
extension TensorBindings {
    static func registerExtras(_ lib: Library) {
        registerTriangles(lib)
        registerScatter(lib)
        registerArithmetic(lib)
        registerLayout(lib)
    }

    static func registerTriangles(_ lib: Library) {
        dual(lib, "diag(input, diagonal=0)", doc: "torch.diag: a 1-D tensor as a diagonal matrix, or a matrix's diagonal") { t, a in .tensor(try t.diag(try a.int("diagonal"))) }
        dual(lib, "diagonal(input, offset=0, dim1=0, dim2=1)", doc: "torch.diagonal (a copy in trick, not a view)") { t, a in
            .tensor(try t.diagonal(offset: try a.int("offset"), dim1: try a.int("dim1"), dim2: try a.int("dim2")))
        }
        dual(lib, "trace(input)", doc: "torch.trace: the sum of a matrix's diagonal") { t, _ in .tensor(try t.trace()) }
        dual(lib, "tril(input, diagonal=0)", doc: "torch.tril: the lower triangle of the last two dimensions") { t, a in .tensor(try t.triangle(upper: false, try a.int("diagonal"))) }
        dual(lib, "triu(input, diagonal=0)", doc: "torch.triu: the upper triangle of the last two dimensions") { t, a in .tensor(try t.triangle(upper: true, try a.int("diagonal"))) }
        for (name, upper) in [("tril_indices", false), ("triu_indices", true)] {
            lib.namespace("torch").method("\(name)(row, col, offset=0, dtype=None, device=None, layout=None)", doc: "torch.\(name): the 2×N coordinates of the triangle") { a in
                .tensor(try Tensor.triangleIndices(upper: upper, rows: try a.int("row"), cols: try a.int("col"), offset: try a.int("offset")))
            }
        }
    }

    static func registerScatter(_ lib: Library) {
        dual(lib, "scatter(input, dim, index, src=None, value=None, reduce=None)", doc: "torch.scatter: input with src's values (or a number) written at index along dim") { t, a in
            guard a["reduce"].isNone else { throw RuntimeError("scatter(): reduce= is not supported in trick (use scatter_add or scatter_reduce)", kind: "NotImplementedError") }
            let index = try a.tensor("index")
            let source = a.has("src") ? a["src"] : a["value"]
            if let number = VariableObjects.number(source) { return .tensor(try t.scattered(dim: try a.int("dim"), index: index, value: number)) }
            return .tensor(try t.scattered(dim: try a.int("dim"), index: index, source: try Convert.tensor(source)))
        }
        dual(lib, "scatter_add(input, dim, index, src)", doc: "torch.scatter_add: src's values added at index along dim (duplicates accumulate)") { t, a in
            .tensor(try t.scattered(dim: try a.int("dim"), index: try a.tensor("index"), source: try a.tensor("src"), add: true))
        }
        dual(lib, "index_add(input, dim, index, source, alpha=1)", doc: "torch.index_add: source's slices added at the indexed positions of dim") { t, a in
            .tensor(try t.indexAdded(dim: try a.int("dim"), index: try a.tensor("index"), source: try a.tensor("source"), alpha: try a.double("alpha")))
        }
        dual(lib, "index_fill(input, dim, index, value)", doc: "torch.index_fill: the indexed positions of dim set to value") { t, a in
            .tensor(try t.indexFilled(dim: try a.int("dim"), index: try a.tensor("index"), value: try a.double("value")))
        }
    }

    static func registerArithmetic(_ lib: Library) {
        dual(lib, "lerp(input, end, weight)", doc: "torch.lerp: input + weight * (end - input), computed as torch's kernel (the EMA update's lerp_)") { t, a in
            let w = try VariableObjects.number(a["weight"]).map { Tensor.scalar($0, dtype: t.dtype) } ?? a.tensor("weight")
            return .tensor(try t.lerp(try a.tensor("end"), weight: w))
        }
        for (name, op) in [("addcmul", BinaryOp.mul), ("addcdiv", BinaryOp.div)] {
            dual(lib, "\(name)(input, tensor1, tensor2, value=1)", doc: "torch.\(name): input + value * (tensor1 \(op == .mul ? "*" : "/") tensor2)") { t, a in
                let scaled = try Tensor.binary(.mul, .tensor(try a.tensor("tensor1")), try operand(a["value"], "\(name)() value"))
                return .tensor(try Tensor.binary(.add, .tensor(t), .tensor(try Tensor.binary(op, .tensor(scaled), .tensor(try a.tensor("tensor2"))))))
            }
        }
        dual(lib, "logsumexp(input, dim, keepdim=False)", doc: "torch.logsumexp: log(sum(exp(x))) along dim, shifted by the maximum as torch (an infinite maximum is not subtracted)") { t, a in
            let dims = try Convert.ints(a["dim"], what: "logsumexp() dim")
            let x = t.dtype.isFloatingPoint ? t : t.cast(to: .float32)
            var maxes = x
            for d in try Tensor.normalizeDims(dims, rank: x.rank).sorted(by: >) { maxes = try maxes.extremum(dim: d, keepdim: true, max: true).values }
            maxes = try maxes.maskedFilled(try maxes.unary(.abs).unary(.isinf), 0)
            let shifted = try Tensor.binary(.sub, x, maxes)
            let sums = try shifted.unary(.exp).sum(dims: dims, keepdim: true)
            var r = try Tensor.binary(.add, sums.unary(.log), maxes)
            if !(try a.bool("keepdim")) { r = try r.squeezed(try Tensor.normalizeDims(dims, rank: x.rank)) }
            return .tensor(r)
        }
        dual(lib, "nan_to_num(input, nan=0.0, posinf=None, neginf=None)", doc: "torch.nan_to_num: NaN → nan, ±inf → posinf / neginf (default: the dtype's largest / lowest)") { t, a in
            guard t.dtype.isFloatingPoint else { return .tensor(t) }
            let big = t.dtype == .float64 ? Double.greatestFiniteMagnitude : t.dtype == .float16 ? 65504 : t.dtype == .bfloat16 ? 3.3895313892515355e38 : Double(Float.greatestFiniteMagnitude)
            let nan = try a.double("nan"), pos = try a.optionalDouble("posinf") ?? big, neg = try a.optionalDouble("neginf") ?? -big
            let values = t.doubles.map { $0.isNaN ? nan : $0 == .infinity ? pos : $0 == -.infinity ? neg : $0 }
            return .tensor(Tensor(shape: t.shape, float64: values).cast(to: t.dtype))
        }
        dual(lib, "count_nonzero(input, dim=None)", doc: "torch.count_nonzero: the number of non-zero elements (along dim)") { t, a in
            .tensor(try t.cast(to: .bool).cast(to: .int64).sum(dims: try dims(a)))
        }
        dual(lib, "isin(elements, test_elements, assume_unique=False, invert=False)", doc: "torch.isin: whether each element is among test_elements") { t, a in
            let test = Set(try Convert.tensor(a["test_elements"]).doubles)
            let invert = try a.bool("invert")
            return .tensor(Tensor(shape: t.shape, bool: t.doubles.map { test.contains($0) != invert }))
        }
        dual(lib, "clamp_min(input, min)", doc: "torch.clamp_min: clamp(min=min)", global: false) { t, a in .tensor(try t.clamped(min: try a.double("min"), max: nil, boundsAreFloat: isFloatNumber(a["min"]))) }
        dual(lib, "clamp_max(input, max)", doc: "torch.clamp_max: clamp(max=max)", global: false) { t, a in .tensor(try t.clamped(min: nil, max: try a.double("max"), boundsAreFloat: isFloatNumber(a["max"]))) }
        dual(lib, "outer(input, vec2)", doc: "torch.outer: the outer product of two 1-D tensors") { t, a in
            let v = try a.tensor("vec2")
            guard t.rank == 1, v.rank == 1 else { throw RuntimeError("outer: expected 1-D tensors", kind: "RuntimeError") }
            return .tensor(try Tensor.binary(.mul, try t.reshaped([-1, 1]), v))
        }
    }

    static func isFloatNumber(_ v: Value) -> Bool { if case .float = v { return true } else { return false } }

    static func registerLayout(_ lib: Library) {
        lib.namespace("torch").method("meshgrid(*tensors, indexing=None)", doc: "torch.meshgrid: the grids of 1-D tensors ('ij' by default, as torch; 'xy' swaps the first two)") { a in
            var inputs = a.varargs
            if inputs.count == 1, case .list(let l) = inputs[0] { inputs = l.items } else if inputs.count == 1, case .tuple(let items) = inputs[0] { inputs = items }
            let ts = try inputs.map { try Convert.tensor($0) }
            let indexing = a["indexing"].isNone ? "ij" : try a.string("indexing")
            guard indexing == "ij" || indexing == "xy" else { throw RuntimeError("torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but received: \(indexing)", kind: "ValueError") }
            for x in ts where x.rank > 1 { throw RuntimeError("torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: \(x.rank)-d", kind: "RuntimeError") }
            let swap = indexing == "xy" && ts.count >= 2
            var sizes = ts.map(\.count)
            if swap { sizes.swapAt(0, 1) }
            let grids = try ts.enumerated().map { i, x -> Value in
                var axis = i
                if swap && i < 2 { axis = 1 - i }
                var shape = [Int](repeating: 1, count: ts.count)
                shape[axis] = x.count
                return .tensor(try x.reshaped(shape).expanded(sizes))
            }
            return .tuple(grids)
        }
        dual(lib, "broadcast_to(input, size)", doc: "torch.broadcast_to: expanded to size (a copy in trick, not a view)") { t, a in
            .tensor(try t.expanded(try Convert.ints(a["size"], what: "broadcast_to() size")))
        }
        lib.namespace("torch").method("broadcast_tensors(*tensors)", doc: "torch.broadcast_tensors: each tensor expanded to their common shape") { a in
            let ts = try a.varargs.map { try Convert.tensor($0) }
            var shape: [Int] = []
            for x in ts { shape = try Broadcast.shape(shape, x.shape) }
            return .tuple(try ts.map { .tensor(try $0.expanded(shape)) })
        }
        dual(lib, "repeat_interleave(input, repeats, dim=None)", doc: "torch.repeat_interleave: each element (or slice along dim) repeated") { t, a in
            let x = a["dim"].isNone ? try t.reshaped([-1]) : t
            let d = a["dim"].isNone ? 0 : try Tensor.normalizeDim(try a.int("dim"), rank: x.rank)
            let n = x.rank == 0 ? 1 : x.shape[d]
            var counts: [Int]
            if case .int(let r) = a["repeats"] { counts = [Int](repeating: r, count: n) } else { counts = try Convert.tensor(a["repeats"]).int64s.map { Int($0) } }
            if counts.count == 1 { counts = [Int](repeating: counts[0], count: n) }
            guard counts.count == n else { throw RuntimeError("repeats must have the same size as input along dim, but got repeats.size(0) = \(counts.count) and input.size(\(d)) = \(n)", kind: "RuntimeError") }
            guard counts.allSatisfy({ $0 >= 0 }) else { throw RuntimeError("repeats can not be negative", kind: "RuntimeError") }
            let index = counts.enumerated().flatMap { i, c in [Int64](repeating: Int64(i), count: c) }
            return .tensor(try x.indexSelect(dim: d, index: Tensor(index)))
        }
        dual(lib, "tile(input, dims)", doc: "torch.tile: repeat, with fewer dims padded by ones at the front") { t, a in
            let reps = try Convert.ints(a["dims"], what: "tile() dims")
            let padded = [Int](repeating: 1, count: Swift.max(0, t.rank - reps.count)) + reps
            return .tensor(try t.repeated(padded))
        }
        dual(lib, "flipud(input)", doc: "torch.flipud: flip dimension 0") { t, _ in .tensor(try t.flipped([0])) }
        dual(lib, "fliplr(input)", doc: "torch.fliplr: flip dimension 1") { t, _ in .tensor(try t.flipped([1])) }
        for name in ["movedim", "moveaxis"] {
            dual(lib, "\(name)(input, source, destination)", doc: "torch.\(name): dimensions moved to new positions, the others keeping their order") { t, a in
                let src = try Tensor.normalizeDims(try Convert.ints(a["source"], what: "\(name)() source"), rank: t.rank)
                let dst = try Tensor.normalizeDims(try Convert.ints(a["destination"], what: "\(name)() destination"), rank: t.rank)
                guard src.count == dst.count else { throw RuntimeError("movedim: Invalid source or destination dims: source (\(src) dims) should contain the same number of dims as destination (\(dst) dims)", kind: "RuntimeError") }
                var order = [Int](repeating: -1, count: t.rank)
                for (s, d) in zip(src, dst) { order[d] = s }
                var rest = (0..<t.rank).filter { !src.contains($0) }.makeIterator()
                for i in 0..<t.rank where order[i] == -1 { order[i] = rest.next()! }
                return .tensor(try t.permuted(order))
            }
        }
        for (name, vertical) in [("hstack", false), ("vstack", true)] {
            lib.namespace("torch").method("\(name)(tensors)", doc: "torch.\(name): concatenated \(vertical ? "row-wise (1-D tensors as rows)" : "column-wise (along dim 0 for 1-D tensors)")") { a in
                let ts = try AutogradBindings.sequence(a["tensors"]).map { try Convert.tensor($0) }
                if vertical { return .tensor(try Tensor.cat(try ts.map { $0.rank == 1 ? try $0.reshaped([1, -1]) : $0 }, dim: 0)) }
                return .tensor(try Tensor.cat(ts, dim: ts.allSatisfy { $0.rank == 1 } ? 0 : 1))
            }
        }
    }
}
