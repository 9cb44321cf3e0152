/// `softmax` (SoftmaxBackward0) and `log_softmax` (LogSoftmaxBackward0) along a dimension, the
/// core's forward kernels, torch's backward formulas (`_softmax_backward_data`:
/// `(g − Σ g·y)·y`; `_log_softmax_backward_data`: `g − exp(y)·Σ g`).
extension Variable {
    public func softmax(dim: Int) throws -> Variable {
        let y = try data.softmax(dim: dim)
        let d = try Tensor.normalizeDim(dim, rank: Swift.max(rank, 1))
        let out = Variable.record("SoftmaxBackward0", y, inputs: [self]) { g, _ in
            if y.rank == 0 { return [try Tensor.zeros([], dtype: y.dtype)] }
            let s = try GradMath.bin(.mul, g, y).sum(dims: [d], keepdim: true)
            return [try GradMath.bin(.mul, try GradMath.bin(.sub, g, s), y)]
        }
        out.gradFn?.savedOutput(out)
        return out
    }

    public func logSoftmax(dim: Int) throws -> Variable {
        let y = try data.softmax(dim: dim, log: true)
        let d = try Tensor.normalizeDim(dim, rank: Swift.max(rank, 1))
        let out = Variable.record("LogSoftmaxBackward0", y, inputs: [self]) { g, _ in
            if y.rank == 0 { return [try Tensor.zeros([], dtype: y.dtype)] }
            let s = try g.sum(dims: [d], keepdim: true)
            return [try GradMath.bin(.sub, g, try GradMath.bin(.mul, try y.unary(.exp), s))]
        }
        out.gradFn?.savedOutput(out)
        return out
    }
}
