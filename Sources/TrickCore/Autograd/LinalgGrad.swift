/// `torch.linalg` with gradients (derivatives.yaml, torch 2.4.1): inv (LinalgInvExBackward0:
/// −A⁻ᵀ g A⁻ᵀ), det (LinalgDetBackward0: g·det·A⁻ᵀ, for invertible A), solve
/// (LinalgSolveExBackward0: g_B = A⁻ᵀ g, g_A = −g_B Xᵀ), vector_norm and matrix_norm (composed from
/// abs / pow / sum / amax, whose gradients are torch's formulas, ties sharing the gradient as
/// torch's norm backward does).
extension Variable {
    public func linalgInv() throws -> Variable {
        let r = try Linalg.inv(data)
        return Variable.record("LinalgInvExBackward0", r, inputs: [self], saved: [self]) { g, _ in
            let rt = try r.transposed(-2, -1)
            return [try Tensor.matmul(try Tensor.matmul(rt, g), rt).unary(.neg)]
        }
    }

    public func linalgDet() throws -> Variable {
        let a = data
        let d = try Linalg.det(a)
        return Variable.record("LinalgDetBackward0", d, inputs: [self], saved: [self]) { g, _ in
            // the cofactor matrix det·A⁻ᵀ in double, then the input's dtype
            let a64 = a.cast(to: .float64)
            let cof = try GradMath.bin(.mul, try Linalg.inv(a64).transposed(-2, -1),
                                       try Linalg.det(a64).unsqueezed(d.rank).unsqueezed(d.rank + 1)).cast(to: a.dtype)
            return [try GradMath.bin(.mul, cof, try g.unsqueezed(d.rank).unsqueezed(d.rank + 1))]
        }
    }

    public static func linalgSolve(_ a: Variable, _ b: Variable) throws -> Variable {
        let x = try Linalg.solve(a.data, b.data)
        let ad = a.data, bd = b.data
        let vectorCase = bd.rank == 1 || (bd.rank == ad.rank - 1 && Array(bd.shape) == Array(ad.shape.dropLast()))
        return Variable.record("LinalgSolveExBackward0", x, inputs: [a, b], saved: [a, b]) { g, need in
            let gb = try Linalg.solve(try ad.transposed(-2, -1), g)
            var ga: Tensor? = nil
            if need[0] {
                let g2 = vectorCase ? try gb.unsqueezed(gb.rank) : gb
                let x2 = vectorCase ? try x.unsqueezed(x.rank) : x
                ga = try GradMath.sumTo(try Tensor.matmul(g2, try x2.transposed(-2, -1)).unary(.neg), ad.shape)
            }
            return [ga, need[1] ? try GradMath.sumTo(gb, bd.shape) : nil]
        }
    }

    /// `torch.linalg.vector_norm(x, ord=2, dim=None, keepdim=False)`.
    public func vectorNorm(ord: Double, dims: [Int]?, keepdim: Bool) throws -> Variable {
        if ord == .infinity || ord == -.infinity {
            return try abs().extremumValue(dims: dims, keepdim: keepdim, max: ord > 0)
                .renamed("LinalgVectorNormBackward0")
        }
        if ord == 0 {
            let n = try Tensor.binary(.ne, .tensor(data), .float(0)).cast(to: dtype).sum(dims: dims, keepdim: keepdim)
            let s = shape, dt = dtype
            return Variable.record("LinalgVectorNormBackward0", n, inputs: [self], savesTensors: false) { _, _ in [try Tensor.zeros(s, dtype: dt)] }
        }
        if ord > 0 { return try norm(p: ord, dims: dims, keepdim: keepdim) }
        // negative p: (Σ|x|^p)^(1/p)
        return try abs().pow(ord).sum(dims: dims, keepdim: keepdim).pow(1 / ord).renamed("LinalgVectorNormBackward0")
    }

    /// `torch.linalg.matrix_norm(A, ord='fro', dim=(-2, -1), keepdim=False)`: 'fro', 'nuc',
    /// ±inf (max / min row sum), ±1 (max / min column sum), ±2 (largest / smallest singular value).
    public func matrixNorm(ord: String, dims: (Int, Int), keepdim: Bool) throws -> Variable {
        guard rank >= 2 else {
            throw CoreError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.", kind: "RuntimeError")
        }
        let d0 = try Tensor.normalizeDim(dims.0, rank: rank), d1 = try Tensor.normalizeDim(dims.1, rank: rank)
        switch ord {
        case "fro": return try norm(p: 2, dims: [d0, d1], keepdim: keepdim)
        case "inf", "-inf", "1", "-1":
            let sumDim = ord.hasSuffix("inf") ? d1 : d0
            let other = ord.hasSuffix("inf") ? d0 : d1
            var r = try abs().sum(dims: [sumDim], keepdim: true).extremumValue(dims: [other], keepdim: true, max: !ord.hasPrefix("-"))
            if !keepdim { r = try r.squeeze([Swift.max(d0, d1), Swift.min(d0, d1)]) }
            return r.renamed("LinalgMatrixNormBackward0")
        case "nuc", "2", "-2":
            if requiresGrad && GradMode.isEnabled {
                throw CoreError("linalg.matrix_norm(ord=\(ord)): the gradient is not supported in trick (it needs the SVD's)", kind: "NotImplementedError")
            }
            var moved = try transpose(d0, rank - 2)
            moved = try moved.transpose(d1 == rank - 2 ? d0 : d1, rank - 1)
            let s = try Linalg.svd(moved.data, fullMatrices: false).s
            var r: Tensor
            if ord == "nuc" { r = try s.sum(dims: [s.rank - 1]) } else { r = try s.extremumValue(dims: [s.rank - 1], max: ord == "2") }
            if keepdim { r = try r.unsqueezed(Swift.min(d0, d1)).unsqueezed(Swift.max(d0, d1)) }
            return try Variable(r)
        default:
            throw CoreError("linalg.matrix_norm: Order \(ord) not supported.", kind: "RuntimeError")
        }
    }

    /// The same value under torch's node name for the op (a composite's last node renamed).
    func renamed(_ name: String) -> Variable {
        guard let fn = gradFn, fn.name != name else { return self }
        let node = Node(name: name, edges: [.node(fn)], inputs: [self], saved: [], savesTensors: false) { g, _ in [g] }
        return Variable(computed: data, gradFn: node)
    }
}
