/// Differentiable `var` / `std` (with `correction`, dims, keepdim), `cumsum`, and the p-norm along
/// dims. Gradients as torch 2.4 (FunctionsManual.cpp):
/// - `var`: `2 / (N − correction) · grad · (a − mean(a))` over the reduced lanes (N their length;
///   N ≤ correction gives torch's inf / nan);
/// - `std`: `var`'s with `grad / (2 · result)`, set to 0 where the result is 0 (a constant lane
///   has a zero gradient, not nan);
/// - `cumsum`: the reversed cumulative sum of the gradient;
/// - `norm(p, dims)`: `grad · a / ‖a‖` for p = 2, `grad · sign(a)` for p = 1, else
///   `grad · a · |a|^(p−2) / ‖a‖^(p−1)`; 0 where the norm is 0.
extension Variable {
    /// `var(dims, correction, keepdim)` (VarBackward0).
    public func variance(dims: [Int]? = nil, correction: Double = 1, keepdim: Bool = false) throws -> Variable {
        let v = try data.variance(dims: dims, correction: correction, keepdim: keepdim)
        let a = data
        return Variable.record("VarBackward0", v, inputs: [self], saved: [self]) { g, _ in
            [try Variable.varianceGrad(g, a, dims: dims, correction: correction, keepdim: keepdim)]
        }
    }

    /// `std(dims, correction, keepdim)` (StdBackward0).
    public func std(dims: [Int]? = nil, correction: Double = 1, keepdim: Bool = false) throws -> Variable {
        let r = try data.std(dims: dims, correction: correction, keepdim: keepdim)
        let a = data
        let out = Variable.record("StdBackward0", r, inputs: [self], saved: [self]) { g, _ in
            let half = try GradMath.bin(.div, g, try GradMath.bin(.mul, r, 2))
            let masked = try Tensor.whereSelect(try Tensor.binary(.eq, .tensor(r), .float(0)), .float(0), .tensor(half))
            return [try Variable.varianceGrad(masked, a, dims: dims, correction: correction, keepdim: keepdim)]
        }
        out.gradFn?.savedOutput(out)
        return out
    }

    static func varianceGrad(_ g: Tensor, _ a: Tensor, dims: [Int]?, correction: Double, keepdim: Bool) throws -> Tensor {
        let ds = try a.reductionDims(dims)
        let n = ds.isEmpty ? a.count : Tensor.product(ds.map { a.shape[$0] })
        let mean = try a.mean(dims: ds.isEmpty ? nil : ds, keepdim: true)
        let centered = try GradMath.bin(.sub, a, mean)
        let scaled = try GradMath.bin(.mul, try GradMath.expandReduced(g, a.shape, dims: ds, keepdim: keepdim), 2 / (Double(n) - correction))
        return try GradMath.bin(.mul, scaled, centered)
    }

    /// `cumsum(dim)` (CumsumBackward0).
    public func cumsum(dim: Int) throws -> Variable {
        let v = try data.cumulative(dim: dim)
        let d = rank == 0 ? 0 : try Tensor.normalizeDim(dim, rank: rank)
        return Variable.record("CumsumBackward0", v, inputs: [self], savesTensors: false) { g, _ in
            guard g.rank > 0 else { return [g] }
            return [try g.flipped([d]).cumulative(dim: d).flipped([d])]
        }
    }

    /// `norm(p, dims, keepdim)` / `torch.linalg.vector_norm` (LinalgVectorNormBackward0).
    public func norm(p: Double, dims: [Int]?, keepdim: Bool = false) throws -> Variable {
        guard (p.isFinite && p > 0) || !(requiresGrad && GradMode.isEnabled) else {
            throw CoreError("norm(): the gradient of the p = \(p) norm is not supported in trick (p = 1, 2 or any finite p > 0)", kind: "NotImplementedError")
        }
        let a = data
        let n = try a.norm(p: p, dims: dims, keepdim: keepdim).cast(to: a.dtype)
        let ds = try a.reductionDims(dims)
        let out = Variable.record("LinalgVectorNormBackward0", n, inputs: [self], saved: [self]) { g, _ in
            let ge = try GradMath.expandReduced(g, a.shape, dims: ds, keepdim: keepdim)
            let ne = try GradMath.expandReduced(n, a.shape, dims: ds, keepdim: keepdim)
            let r: Tensor
            if p == 1 {
                r = try GradMath.bin(.mul, try a.unary(.sign), ge)
            } else if p == 2 {
                r = try GradMath.bin(.mul, a, try GradMath.bin(.div, ge, ne))
            } else {
                let powA = try Tensor.binary(.pow, .tensor(try a.unary(.abs)), .float(p - 2))
                let powN = try Tensor.binary(.pow, .tensor(ne), .float(p - 1))
                r = try GradMath.bin(.div, try GradMath.bin(.mul, try GradMath.bin(.mul, a, powA), ge), powN)
            }
            guard p != 1 else { return [r] }
            return [try Tensor.whereSelect(try Tensor.binary(.eq, .tensor(ne), .float(0)), .float(0), .tensor(r))]
        }
        out.gradFn?.savedOutput(out)
        return out
    }
}
