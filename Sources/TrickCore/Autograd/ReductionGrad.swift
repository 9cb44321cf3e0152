/// Differentiable reductions: sum, mean, max/min (all elements, or along a dimension with
/// indices), amax/amin, and the 2-norm. Gradients as torch 2.4:
/// - `sum`/`mean`: the gradient expanded back (divided by the lane length for mean);
/// - `max(dim)`/`min(dim)`: the gradient goes to the returned index only (the first extreme
///   on ties, as torch's CPU kernel picks it);
/// - `max()`/`min()` of all elements and `amax`/`amin`: the gradient is shared evenly among all
///   tied extremes (`evenly_distribute_backward`, `scale_grad_by_count`);
/// - `norm()`: `grad · a / ‖a‖`, 0 where the norm is 0.
extension Variable {
    /// `sum()` (SumBackward0) or `sum(dims, keepdim)` (SumBackward1).
    public func sum(dims: [Int]? = nil, keepdim: Bool = false) throws -> Variable {
        let v = try data.sum(dims: dims, keepdim: keepdim)
        let s = shape, ds = try data.reductionDims(dims)
        return Variable.record(dims == nil ? "SumBackward0" : "SumBackward1", v, inputs: [self], savesTensors: false) { g, _ in
            [try GradMath.expandReduced(g, s, dims: ds, keepdim: keepdim)]
        }
    }

    /// `mean()` (MeanBackward0) or `mean(dims, keepdim)` (MeanBackward1).
    public func mean(dims: [Int]? = nil, keepdim: Bool = false) throws -> Variable {
        let v = try data.mean(dims: dims, keepdim: keepdim)
        let s = shape, ds = try data.reductionDims(dims)
        let n = ds.isEmpty ? data.count : Tensor.product(ds.map { s[$0] })
        return Variable.record(dims == nil ? "MeanBackward0" : "MeanBackward1", v, inputs: [self], savesTensors: false) { g, _ in
            [try GradMath.bin(.div, try GradMath.expandReduced(g, s, dims: ds, keepdim: keepdim), Double(n))]
        }
    }

    /// `max(dim, keepdim)` / `min(dim, keepdim)` (MaxBackward0 / MinBackward0): values and indices.
    public func extremum(dim: Int, keepdim: Bool = false, max: Bool) throws -> (values: Variable, indices: Tensor) {
        let (values, indices) = try data.extremum(dim: dim, keepdim: keepdim, max: max)
        let s = shape, d = try Tensor.normalizeDim(dim, rank: Swift.max(rank, 1))
        let out = Variable.record(max ? "MaxBackward0" : "MinBackward0", values, inputs: [self]) { g, _ in
            if s.isEmpty { return [g] }
            var kept = s
            kept[d] = 1
            let idx = try indices.reshaped(kept), gk = try g.reshaped(kept)
            let offsets = try GradMath.sourceOffsets(s) { try $0.gathered(dim: d, index: idx) }
            return [try GradMath.scatterAdd(gk, offsets: offsets, shape: s)]
        }
        return (out, indices)
    }

    /// `max()` / `min()` of all elements (MaxBackward1 / MinBackward1), `amax(dims)` / `amin(dims)`
    /// (AmaxBackward0 / AminBackward0): ties share the gradient evenly.
    public func extremumValue(dims: [Int]? = nil, keepdim: Bool = false, max: Bool) throws -> Variable {
        let v = try data.extremumValue(dims: dims, keepdim: keepdim, max: max)
        let a = data, ds = try data.reductionDims(dims)
        let name = dims == nil ? (max ? "MaxBackward1" : "MinBackward1") : (max ? "AmaxBackward0" : "AminBackward0")
        let out = Variable.record(name, v, inputs: [self], saved: [self]) { g, _ in
            let ve = try GradMath.expandReduced(v, a.shape, dims: ds, keepdim: keepdim)
            let nanBoth = try GradMath.bin(.and, try a.unary(.isnan), try ve.unary(.isnan))
            let mask = try GradMath.bin(.or, try Tensor.binary(.eq, a, ve), nanBoth)
            let count = try mask.sum(dims: ds.isEmpty ? nil : ds, keepdim: true).cast(to: a.dtype)
            let share = try GradMath.bin(.div, try GradMath.expandReduced(g, a.shape, dims: ds, keepdim: keepdim),
                                         try count.expanded(a.shape))
            return [try Tensor.whereSelect(mask, .tensor(share), .float(0))]
        }
        out.gradFn?.savedOutput(out)
        return out
    }

    /// The 2-norm of all elements (LinalgVectorNormBackward0).
    public func norm() throws -> Variable {
        let a = data
        let n = try a.unary(.square).sum().unary(.sqrt).cast(to: a.dtype)
        let out = Variable.record("LinalgVectorNormBackward0", n, inputs: [self], saved: [self]) { g, _ in
            let scale = try GradMath.bin(.div, g, n)
            let r = try GradMath.bin(.mul, a, scale)
            return [try n.item() == 0 ? Tensor.zeros(a.shape, dtype: a.dtype) : r]
        }
        out.gradFn?.savedOutput(out)
        return out
    }
}
