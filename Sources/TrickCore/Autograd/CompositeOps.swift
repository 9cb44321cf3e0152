/// torch functions that torch itself composes from other ops, composed here from the
/// differentiable ones so their gradients are those ops' gradients: `cdist`, `diff`,
/// `take_along_dim` and `instance_norm`.
extension Variable {
    /// `torch.cdist(x1, x2, p)`: (…, P, M) and (…, R, M) → (…, P, R), the p-norm of every
    /// difference (computed directly; torch switches to a matrix product for p = 2 with more
    /// than 25 rows, whose values agree to float rounding). The gradient at a zero distance is
    /// 0, as torch's.
    public static func cdist(_ x1: Variable, _ x2: Variable, p: Double = 2) throws -> Variable {
        guard x1.rank >= 2, x2.rank >= 2 else {
            throw CoreError("cdist only supports at least 2D tensors, X1 got: \(x1.rank)D", kind: "RuntimeError")
        }
        guard x1.shape.last == x2.shape.last else {
            throw CoreError("X1 and X2 must have the same number of columns. X1: \(x1.shape.last!) X2: \(x2.shape.last!)", kind: "RuntimeError")
        }
        guard p >= 0 else { throw CoreError("cdist only supports non-negative p values", kind: "RuntimeError") }
        let d = try x1.unsqueeze(-2).sub(try x2.unsqueeze(-3))
        return try d.norm(p: p, dims: [-1])
    }

    /// `torch.diff(x, n, dim, prepend, append)`: `n` rounds of `x[1:] − x[:-1]` along `dim`
    /// after concatenating prepend / append; bool tensors give `x[1:] != x[:-1]`, as torch.
    public func diff(n: Int = 1, dim: Int = -1, prepend: Variable? = nil, append: Variable? = nil) throws -> Variable {
        guard rank >= 1 else { throw CoreError("diff expects input to be at least one-dimensional", kind: "RuntimeError") }
        guard n >= 0 else { throw CoreError("order must be non-negative but got \(n)", kind: "RuntimeError") }
        let d = try Tensor.normalizeDim(dim, rank: rank)
        var x = self
        if prepend != nil || append != nil {
            x = try Variable.cat([prepend, self, append].compactMap { $0 }, dim: d)
        }
        for _ in 0..<n {
            let len = x.shape[d]
            if len == 0 { break }
            let hi = try x.narrow(d, 1, len - 1), lo = try x.narrow(d, 0, len - 1)
            if x.dtype == .bool {
                x = try Variable(try Tensor.binary(.ne, hi.data, lo.data))
            } else {
                x = try hi.sub(lo)
            }
        }
        return x
    }

    /// `torch.take_along_dim(x, indices, dim)`: gather along `dim` after broadcasting every
    /// other dimension of x and indices; without `dim`, both are flattened.
    public func takeAlongDim(_ indices: Tensor, dim: Int?) throws -> Variable {
        guard indices.dtype == .int64 else {
            throw CoreError("torch.take_along_dim(): dtype of indices should be Long but got \(indices.dtype.torchScalarName)", kind: "RuntimeError")
        }
        guard let dim else { return try flatten().gather(dim: 0, index: try indices.reshaped([-1])) }
        guard indices.rank == rank else {
            throw CoreError("torch.take_along_dim(): input and indices should have the same number of dimensions, but got \(rank) dimensions for input, and \(indices.rank) dimensions for indices", kind: "RuntimeError")
        }
        let d = try Tensor.normalizeDim(dim, rank: rank)
        var selfShape = shape, indexShape = indices.shape
        selfShape[d] = 1; indexShape[d] = 1
        let common = try Broadcast.shape(selfShape, indexShape)
        var xs = common, ids = common
        xs[d] = shape[d]; ids[d] = indices.shape[d]
        let x = xs == shape ? self : try expand(xs)
        let idx = ids == indices.shape ? indices : try indices.expanded(ids)
        return try x.gather(dim: d, index: idx)
    }

    /// `F.instance_norm(input, running_mean, running_var, weight, bias, use_input_stats,
    /// momentum, eps)` as torch computes it: batch norm of the input viewed as (1, N·C, …),
    /// weight, bias and running statistics repeated N times; running statistics given with
    /// `use_input_stats` are updated with the mean over the batch of the per-instance update.
    public static func instanceNorm(_ input: Variable, running: RunningStats? = nil, weight: Variable? = nil, bias: Variable? = nil,
                                    useInputStats: Bool = true, momentum: Double = 0.1, eps: Double = 1e-5) throws -> Variable {
        if useInputStats && Tensor.product(Array(input.shape.dropFirst(2))) == 1 {   // torch's _verify_spatial_size
            throw CoreError("Expected more than 1 spatial element when training, got input size torch.Size([\(input.shape.map(String.init).joined(separator: ", "))])")
        }
        guard input.rank >= 3 else {
            throw CoreError("instance_norm: expected an input of at least 3 dimensions (N, C, …), got shape \(Tensor.formatShape(input.shape))", kind: "RuntimeError")
        }
        let n = input.shape[0], c = input.shape[1]
        if !useInputStats && running == nil {
            throw CoreError("Expected running_mean and running_var to be defined when use_input_stats is false", kind: "RuntimeError")
        }
        let shaped = try input.reshape([1, n * c] + Array(input.shape.dropFirst(2)))
        let repeated = try running.map { RunningStats(mean: try $0.mean.repeated([n]), variance: try $0.variance.repeated([n])) }
        let out = try batchNorm(shaped, running: repeated, weight: try weight?.repeated([n]), bias: try bias?.repeated([n]),
                                training: useInputStats, momentum: momentum, eps: eps)
        if let running, let repeated, useInputStats {
            running.mean = try repeated.mean.reshaped([n, c]).mean(dims: [0]).cast(to: running.mean.dtype)
            running.variance = try repeated.variance.reshaped([n, c]).mean(dims: [0]).cast(to: running.variance.dtype)
        }
        return try out.reshape(input.shape)
    }
}
