#if canImport(Glibc)
import Glibc
#endif

/// `torch.nn.functional.scaled_dot_product_attention` and `F.conv1d`, composed from the
/// differentiable ops (so their gradients are torch's formulas).
extension Variable {
    /// softmax(q kᵀ · scale + mask) v over the last two dimensions, batch dimensions broadcast.
    /// `boolMask`: True keeps a position (torch's convention for SDPA); `floatMask` is added;
    /// `isCausal`: the top-left lower triangle is kept. A row with every position masked gives
    /// NaN, as torch's math path. Dropout (p > 0) draws from trick's stream.
    public static func scaledDotProductAttention(_ q: Variable, _ k: Variable, _ v: Variable, boolMask: Tensor? = nil,
                                                 floatMask: Variable? = nil, dropout: Double = 0, isCausal: Bool = false,
                                                 scale: Double? = nil) throws -> Variable {
        guard q.rank >= 2, k.rank >= 2, v.rank >= 2 else {
            throw CoreError("scaled_dot_product_attention: query, key and value must have at least 2 dimensions", kind: "RuntimeError")
        }
        let e = q.shape[q.rank - 1], l = q.shape[q.rank - 2], s = k.shape[k.rank - 2]
        guard k.shape[k.rank - 1] == e else {
            throw CoreError("Expected query and key to have the same last dimension (embedding size), got \(e) and \(k.shape[k.rank - 1])", kind: "RuntimeError")
        }
        guard v.shape[v.rank - 2] == s else {
            throw CoreError("Expected key and value to have the same sequence length, got \(s) and \(v.shape[v.rank - 2])", kind: "RuntimeError")
        }
        if isCausal && (boolMask != nil || floatMask != nil) {
            throw CoreError("_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True", kind: "RuntimeError")
        }
        let factor = scale ?? 1 / Double(e).squareRoot()
        // torch's math path scales q and k by √scale each
        let root = factor.squareRoot()
        var attn = try q.mul(root).matmul(try k.transpose(-2, -1).mul(root))
        var bias: Tensor? = nil
        if isCausal {
            var m = [Float](repeating: 0, count: l * s)
            for i in 0..<l { for j in 0..<s where j > i { m[i * s + j] = -.infinity } }
            bias = Tensor(shape: [l, s], float32: m).cast(to: attn.dtype)
        }
        if let boolMask {
            bias = try Tensor.whereSelect(boolMask, .float(0), .float(-.infinity)).cast(to: attn.dtype)
        }
        if let bias { attn = try attn.add(try Variable(bias)) }
        if let floatMask { attn = try attn.add(floatMask) }
        attn = try attn.softmax(dim: -1)
        if dropout > 0 { attn = try attn.dropout(p: dropout, training: true) }
        return try attn.matmul(v)
    }

    /// `F.conv1d(input, weight, bias, stride, padding, dilation, groups)`: conv2d over a height of 1.
    public static func conv1d(_ input: Variable, _ weight: Variable, _ bias: Variable?, stride: Int, padding: Int, dilation: Int, groups: Int) throws -> Variable {
        guard input.rank == 3 || input.rank == 2 else {
            throw CoreError("Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input of size: \(Tensor.formatShape(input.shape))", kind: "RuntimeError")
        }
        guard weight.rank == 3 else {
            throw CoreError("weight should have at least three dimensions", kind: "RuntimeError")
        }
        let batched = input.rank == 3 ? input : try input.unsqueeze(0)
        let cin = batched.shape[1]
        guard cin == weight.shape[1] * groups else {
            let list = { (s: [Int]) in "[" + s.map(String.init).joined(separator: ", ") + "]" }
            throw CoreError("Given groups=\(groups), weight of size \(list(weight.shape)), expected input\(list(input.shape)) to have \(weight.shape[1] * groups) channels, but got \(cin) channels instead", kind: "RuntimeError")
        }
        let g = Conv2dGeometry(stride: (1, stride), padding: (0, padding), dilation: (1, dilation), groups: groups)
        // one node under torch's name for the whole op
        var out = try fused("ConvolutionBackward0", [batched, weight] + (bias.map { [$0] } ?? [])) { v in
            try Variable.conv2d(try v[0].unsqueeze(2), try v[1].unsqueeze(2), v.count > 2 ? v[2] : nil, g).squeeze([2])
        }
        if input.rank == 2 { out = try out.squeeze([0]) }
        return out
    }
}
