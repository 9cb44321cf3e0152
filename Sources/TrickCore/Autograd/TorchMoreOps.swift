/// More torch functions composed from the differentiable ops (so each gradient is torch's
/// formula): mv, addmv, addbmm, logaddexp, hypot, cross, logcumsumexp, logdet / slogdet, kron,
/// tensordot. Node names follow torch where one node is recorded (AddmvBackward0, …).
extension Variable {
    public static func mv(_ m: Variable, _ v: Variable) throws -> Variable {
        guard m.rank == 2, v.rank == 1 else {
            throw CoreError("vector + matrix @ vector expected, got 1, \(m.rank), \(v.rank)", kind: "RuntimeError")
        }
        guard m.shape[1] == v.shape[0] else {
            throw CoreError("size mismatch, got input (\(m.shape[0])), mat (\(m.shape[0])x\(m.shape[1])), vec (\(v.shape[0]))", kind: "RuntimeError")
        }
        return try fused("MvBackward0", [m, v]) { x in try x[0].matmul(x[1]) }
    }

    public static func addmv(_ input: Variable, _ m: Variable, _ v: Variable, beta: Double, alpha: Double) throws -> Variable {
        _ = try mv(m, v).shape
        return try fused("AddmvBackward0", [input, m, v]) { x in try scaledSum(x[0], beta, try x[1].matmul(x[2]), alpha) }
    }

    public static func addbmm(_ input: Variable, _ b1: Variable, _ b2: Variable, beta: Double, alpha: Double) throws -> Variable {
        try fused("AddbmmBackward0", [input, b1, b2]) { x in try scaledSum(x[0], beta, try x[1].bmm(x[2]).sum(dims: [0]), alpha) }
    }

    /// log(eᵃ + eᵇ) = max + log1p(exp(−|a − b|)); equal infinities give that infinity (torch).
    public static func logaddexp(_ a: Variable, _ b: Variable) throws -> Variable {
        let same = try Tensor.binary(.and, try Tensor.binary(.eq, a.data, b.data), try a.data.unary(.isinf))
        let diff = try a.sub(b).abs()
        let safe = try Variable.where(same, try Variable(try Tensor.zeros(diff.shape, dtype: diff.dtype)), diff)
        let r = try a.maximum(b).add(try safe.neg().exp().log1p())
        return try Variable.where(same, a.shape == r.shape ? a : try a.expand(r.shape), r)
    }

    public static func hypot(_ a: Variable, _ b: Variable) throws -> Variable {
        try a.mul(a).add(try b.mul(b)).sqrt()
    }

    /// `torch.linalg.cross` / `torch.cross` along a dimension of size 3.
    public static func cross(_ a: Variable, _ b: Variable, dim: Int) throws -> Variable {
        let shape = try Broadcast.shape(a.shape, b.shape)
        let ea = a.shape == shape ? a : try a.expand(shape), eb = b.shape == shape ? b : try b.expand(shape)
        let d = try Tensor.normalizeDim(dim, rank: shape.count)
        guard shape[d] == 3 else {
            throw CoreError("linalg.cross: inputs dimension \(dim) must have length 3. Got \(a.shape[d]) and \(b.shape[d])", kind: "RuntimeError")
        }
        func c(_ v: Variable, _ i: Int) throws -> Variable { try v.narrow(d, i, 1) }
        let x = try c(ea, 1).mul(try c(eb, 2)).sub(try c(ea, 2).mul(try c(eb, 1)))
        let y = try c(ea, 2).mul(try c(eb, 0)).sub(try c(ea, 0).mul(try c(eb, 2)))
        let z = try c(ea, 0).mul(try c(eb, 1)).sub(try c(ea, 1).mul(try c(eb, 0)))
        return try fused("LinalgCrossBackward0", [x, y, z]) { v in try Variable.cat(v, dim: d) }
    }

    /// `torch.logcumsumexp(x, dim)`: r₀ = x₀, rᵢ = logaddexp(rᵢ₋₁, xᵢ) along dim (torch's running
    /// form, so small terms next to large ones keep their precision).
    public func logcumsumexp(dim: Int) throws -> Variable {
        if rank == 0 { return self }
        let d = try Tensor.normalizeDim(dim, rank: rank)
        let n = shape[d]
        guard n > 0 else { return self }
        var acc = try narrow(d, 0, 1)
        var parts = [acc]
        for i in 1..<n {
            acc = try Variable.logaddexp(acc, try narrow(d, i, 1))
            parts.append(acc)
        }
        return try Variable.cat(parts, dim: d)
    }

    public func logdet() throws -> Variable { try linalgDet().log() }

    /// `torch.linalg.slogdet`: (sign, log|det|).
    public func slogdet() throws -> (sign: Tensor, logabsdet: Variable) {
        let d = try linalgDet()
        return (try d.data.unary(.sign), try d.abs().log())
    }

    /// `torch.kron(a, b)`: the Kronecker product (ranks padded with leading ones).
    public static func kron(_ a: Variable, _ b: Variable) throws -> Variable {
        let r = Swift.max(a.rank, b.rank)
        let sa = Array(repeating: 1, count: r - a.rank) + a.shape, sb = Array(repeating: 1, count: r - b.rank) + b.shape
        var ia: [Int] = [], ib: [Int] = []
        for i in 0..<r { ia += [sa[i], 1]; ib += [1, sb[i]] }
        let p = try a.reshape(ia).mul(try b.reshape(ib))
        return try p.reshape((0..<r).map { sa[$0] * sb[$0] })
    }

    /// `torch.tensordot(a, b, dims)`: the contraction of a's dims `da` with b's `db`.
    public static func tensordot(_ a: Variable, _ b: Variable, _ da: [Int], _ db: [Int]) throws -> Variable {
        guard da.count == db.count else { throw CoreError("both dimension lists should have same length", kind: "RuntimeError") }
        let xa = try da.map { try Tensor.normalizeDim($0, rank: a.rank) }, xb = try db.map { try Tensor.normalizeDim($0, rank: b.rank) }
        for (i, j) in zip(xa, xb) where a.shape[i] != b.shape[j] {
            throw CoreError("contracted dimensions need to match, but first has size \(a.shape[i]) in dim \(i) and second has size \(b.shape[j]) in dim \(j)", kind: "RuntimeError")
        }
        let freeA = (0..<a.rank).filter { !xa.contains($0) }, freeB = (0..<b.rank).filter { !xb.contains($0) }
        let k = xa.reduce(1) { $0 * a.shape[$1] }
        let pa = try a.permute(freeA + xa).reshape([freeA.reduce(1) { $0 * a.shape[$1] }, k])
        let pb = try b.permute(xb + freeB).reshape([k, freeB.reduce(1) { $0 * b.shape[$1] }])
        return try pa.matmul(pb).reshape(freeA.map { a.shape[$0] } + freeB.map { b.shape[$0] })
    }
}
