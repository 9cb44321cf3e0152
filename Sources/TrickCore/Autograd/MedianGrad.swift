/// Gradients of the order statistics (Median.swift), as torch 2.4: `median(dim)` /
/// `kthvalue` send the gradient to the chosen index (MedianBackward1, KthvalueBackward0);
/// `median()` shares it evenly among all elements equal to the median (MedianBackward0,
/// `evenly_distribute_backward`).
extension Variable {
    public func median(dim: Int, keepdim: Bool = false) throws -> (values: Variable, indices: Tensor) {
        let (o, idx, s) = try data.medianSelection(dim: dim, keepdim: keepdim)
        return (try rearranged("MedianBackward1", s, offsets: o), Tensor(shape: s, int64: idx))
    }

    public func kthvalue(_ k: Int, dim: Int = -1, keepdim: Bool = false) throws -> (values: Variable, indices: Tensor) {
        let (o, idx, s) = try data.kthSelection(k, dim: dim, keepdim: keepdim)
        return (try rearranged("KthvalueBackward0", s, offsets: o), Tensor(shape: s, int64: idx))
    }

    public func medianAll() throws -> Variable {
        let a = data, v = try data.medianAll()
        return Variable.record("MedianBackward0", v, inputs: [self], saved: [self]) { g, _ in
            let ve = try v.expanded(a.shape)
            let mask = try GradMath.bin(.or, try Tensor.binary(.eq, a, ve), try GradMath.bin(.and, try a.unary(.isnan), try ve.unary(.isnan)))
            let count = try mask.sum().cast(to: g.dtype)
            let share = try GradMath.bin(.div, g, count)
            return [try Tensor.whereSelect(mask, .tensor(try share.expanded(a.shape)), .float(0))]
        }
    }
}
