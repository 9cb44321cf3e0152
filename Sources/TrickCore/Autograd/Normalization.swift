/// `F.layer_norm(input, normalized_shape, weight, bias, eps=1e-5)` (NativeLayerNormBackward0) and
/// `F.group_norm(input, num_groups, weight, bias, eps=1e-5)` (NativeGroupNormBackward0), float32,
/// as torch's CPU kernels: per normalised group, mean and biased variance accumulated in double,
/// `rstd = 1/√(var + eps)`, `y = (x − mean)·rstd·w + b` (w, b per element of `normalized_shape`
/// for layer norm, per channel for group norm). Backward per group with `ĝ = g·w`:
/// `∂x = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))`, `∂w = Σ g·x̂`, `∂b = Σ g` over the other dimensions.
extension Variable {
    /// Shared kernel: `groups` rows of `len` elements; `affineIndex(row, j)` is the index into w/b.
    static func normalize(_ input: Variable, _ weight: Variable?, _ bias: Variable?, name: String, groups: Int, len: Int,
                          affineCount: Int, eps: Double, affineIndex: @escaping (Int, Int) -> Int) throws -> Variable {
        guard input.dtype == .float32 else { throw CoreError("\(name): autograd's normalisation computes in float32, got \(input.dtype)") }
        for (label, t) in [("weight", weight), ("bias", bias)] {
            if let t, t.data.count != affineCount {
                throw CoreError("\(name): \(label) should contain \(affineCount) elements, got shape \(Tensor.formatShape(t.shape))")
            }
        }
        let x = input.data.floats, w = weight?.data.floats, b = bias?.data.floats
        var mean = [Double](repeating: 0, count: groups), rstd = [Double](repeating: 0, count: groups)
        var y = [Float](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { px in
            for r in 0..<groups {
                let base = r * len
                let m = len == 0 ? 0 : Tensor.sumLane(px.baseAddress! + base, 1, len) / Double(len)
                var sq = 0.0
                for j in 0..<len { let d = Double(px[base + j]) - m; sq += d * d }
                mean[r] = m
                rstd[r] = 1 / (sq / Double(Swift.max(len, 1)) + eps).squareRoot()
                for j in 0..<len {
                    let a = affineIndex(r, j)
                    let xhat = (Double(px[base + j]) - m) * rstd[r]
                    y[base + j] = Float(xhat * Double(w?[a] ?? 1) + Double(b?[a] ?? 0))
                }
            }
        }
        var inputs = [input]
        if let weight { inputs.append(weight) }
        if let bias { inputs.append(bias) }
        let hasW = weight != nil, hasB = bias != nil, shape = input.shape
        return record(name, Tensor(shape: shape, float32: y), inputs: inputs, saved: [input] + (weight.map { [$0] } ?? [])) { g, need in
            let gv = g.floats
            var gx = [Float](repeating: 0, count: x.count)
            var gw = [Double](repeating: 0, count: affineCount), gb = [Double](repeating: 0, count: affineCount)
            for r in 0..<groups {
                let base = r * len, m = mean[r], rs = rstd[r]
                var sumG = 0.0, sumGX = 0.0
                for j in 0..<len {
                    let a = affineIndex(r, j)
                    let gj = Double(gv[base + j]), xhat = (Double(x[base + j]) - m) * rs
                    let gh = gj * Double(w?[a] ?? 1)
                    sumG += gh
                    sumGX += gh * xhat
                    gw[a] += gj * xhat
                    gb[a] += gj
                }
                if need[0] && len > 0 {
                    let n = Double(len)
                    for j in 0..<len {
                        let a = affineIndex(r, j)
                        let xhat = (Double(x[base + j]) - m) * rs
                        let gh = Double(gv[base + j]) * Double(w?[a] ?? 1)
                        gx[base + j] = Float(rs * (gh - sumG / n - xhat * sumGX / n))
                    }
                }
            }
            var out: [Tensor?] = [need[0] ? Tensor(shape: shape, float32: gx) : nil]
            var k = 1
            if hasW { out.append(need[k] ? Tensor(shape: weight!.shape, float32: gw.map { Float($0) }) : nil); k += 1 }
            if hasB { out.append(need[k] ? Tensor(shape: bias!.shape, float32: gb.map { Float($0) }) : nil) }
            return out
        }
    }

    /// `F.layer_norm(input, normalized_shape, weight, bias, eps)`.
    public static func layerNorm(_ input: Variable, normalizedShape: [Int], weight: Variable? = nil, bias: Variable? = nil,
                                 eps: Double = 1e-5) throws -> Variable {
        guard normalizedShape.count <= input.rank, Array(input.shape.suffix(normalizedShape.count)) == normalizedShape else {
            throw CoreError("Given normalized_shape=\(normalizedShape), expected input with shape [*, \(normalizedShape.map(String.init).joined(separator: ", "))], but got input of size \(input.shape)")
        }
        let len = Tensor.product(normalizedShape)
        let groups = len == 0 ? 0 : input.data.count / len
        return try normalize(input, weight, bias, name: "NativeLayerNormBackward0", groups: groups, len: len,
                             affineCount: len, eps: eps) { _, j in j }
    }

    /// `F.group_norm(input, num_groups, weight, bias, eps)` for (N, C, *) input.
    public static func groupNorm(_ input: Variable, numGroups: Int, weight: Variable? = nil, bias: Variable? = nil,
                                 eps: Double = 1e-5) throws -> Variable {
        guard input.rank >= 2, numGroups > 0, input.shape[1] % numGroups == 0 else {
            throw CoreError("Expected number of channels in input to be divisible by num_groups, but got input of shape \(Tensor.formatShape(input.shape)) and num_groups=\(numGroups)")
        }
        let n = input.shape[0], c = input.shape[1], s = Tensor.product(input.shape.dropFirst(2))
        let cpg = c / numGroups
        return try normalize(input, weight, bias, name: "NativeGroupNormBackward0", groups: n * numGroups, len: cpg * s,
                             affineCount: c, eps: eps) { r, j in (r % numGroups) * cpg + j / Swift.max(s, 1) }
    }
}
