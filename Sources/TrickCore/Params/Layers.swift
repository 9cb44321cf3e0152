/// Skeleton constructors for the torch.nn / MMCV layers, with torch's parameter names, shapes,
/// registration order and argument checks:
/// - `ConvNd`: `weight (out, in/groups, *k)`, `bias (out)`; `ConvTransposeNd`: `weight (in, out/groups, *k)`.
/// - `Linear`: `weight (out, in)`, `bias (out)`; `Embedding`: `weight (num, dim)`.
/// - `BatchNorm*`/`SyncBatchNorm`/`InstanceNorm*`/`GroupNorm`: `weight (C)`, `bias (C)` when affine.
/// - `LayerNorm(shape)`: `weight (*shape)`, `bias (*shape)`.
/// - MMCV `DeformConv2dPack`: `weight (out, in/groups, kh, kw)` (no bias: MMCV asserts `bias=False`),
///   then child `conv_offset = Conv2d(in, deform_groups*2*kh*kw, k, stride, padding, dilation, bias=True)`;
///   `ModulatedDeformConv2dPack`: `weight`, `bias (out)`, child `conv_offset` with `3*deform_groups*kh*kw` outputs.
/// See reference/param-groups-schedules-swa.md §1.3 and §4.1.
public enum Layers {
    static func sizes(_ k: [Int], _ dims: Int, _ what: String, _ layer: String) throws -> [Int] {
        let v = k.count == 1 ? Array(repeating: k[0], count: dims) : k
        guard v.count == dims else {
            throw CoreError("\(layer): \(what) must be an int or a tuple of \(dims) ints, got \(k)")
        }
        return v
    }

    static func positive(_ x: Int, _ what: String, _ layer: String) throws {
        guard x > 0 else { throw CoreError("\(layer): \(what) must be a positive integer, got \(x)") }
    }

    /// Parameters larger than 2^48 elements are certainly a typo; reject them before any arithmetic
    /// overflows, and any whose float32 values would not fit the allocation limit (the error
    /// `zeros` gives) before the values are made.
    static func checkSize(_ shape: [Int], _ layer: String) throws {
        guard ModuleParameter.saturatingProduct(shape) <= 1 << 48 else {
            throw CoreError("\(layer): parameter shape \(shape) is too large")
        }
        do { _ = try Tensor.checkedAllocationCount(shape, dtype: .float32) } catch let e as CoreError {
            throw CoreError("\(layer): \(e.message)")
        }
    }

    static func formatTuple(_ v: [Int]) -> String { "(" + v.map(String.init).joined(separator: ", ") + (v.count == 1 ? ",)" : ")") }

    /// `nn.Conv{1,2,3}d` / `nn.ConvTranspose{1,2,3}d`.
    public static func conv(dims: Int, inChannels: Int, outChannels: Int, kernelSize: [Int],
                            stride: [Int] = [1], padding: [Int] = [0], dilation: [Int] = [1],
                            groups: Int = 1, bias: Bool = true, transposed: Bool = false) throws -> ModuleNode {
        let name = (transposed ? "ConvTranspose" : "Conv") + "\(dims)d"
        try positive(groups, "groups", name)
        guard inChannels >= 0, outChannels >= 0 else {
            throw CoreError("\(name): in_channels and out_channels must be non-negative, got \(inChannels) and \(outChannels)")
        }
        guard inChannels % groups == 0 else { throw CoreError("\(name): in_channels must be divisible by groups (in_channels=\(inChannels), groups=\(groups))") }
        guard outChannels % groups == 0 else { throw CoreError("\(name): out_channels must be divisible by groups (out_channels=\(outChannels), groups=\(groups))") }
        let k = try sizes(kernelSize, dims, "kernel_size", name)
        for x in k { try positive(x, "kernel_size", name) }
        let s = try sizes(stride, dims, "stride", name), p = try sizes(padding, dims, "padding", name)
        let d = try sizes(dilation, dims, "dilation", name)
        let m = ModuleNode(typeName: name, kind: .conv(dims: dims, inChannels: inChannels, outChannels: outChannels,
                                                       groups: groups, transposed: transposed))
        let wshape = transposed ? [inChannels, outChannels / groups] + k : [outChannels, inChannels / groups] + k
        try checkSize(wshape, name)
        try checkSize([outChannels], name)
        m.setParameter("weight", ModuleParameter(shape: wshape))
        if bias { m.setParameter("bias", ModuleParameter(shape: [outChannels])) }
        var r = "\(inChannels), \(outChannels), kernel_size=\(formatTuple(k)), stride=\(formatTuple(s))"
        if p.contains(where: { $0 != 0 }) { r += ", padding=\(formatTuple(p))" }
        if d.contains(where: { $0 != 1 }) { r += ", dilation=\(formatTuple(d))" }
        if groups != 1 { r += ", groups=\(groups)" }
        if !bias { r += ", bias=False" }
        m.extraRepr = r
        return m
    }

    public static func linear(inFeatures: Int, outFeatures: Int, bias: Bool = true) throws -> ModuleNode {
        guard inFeatures >= 0, outFeatures >= 0 else {
            throw CoreError("Linear: in_features and out_features must be non-negative, got \(inFeatures) and \(outFeatures)")
        }
        try checkSize([outFeatures, inFeatures], "Linear")
        try checkSize([outFeatures], "Linear")
        let m = ModuleNode(typeName: "Linear", kind: .linear)
        m.setParameter("weight", ModuleParameter(shape: [outFeatures, inFeatures]))
        if bias { m.setParameter("bias", ModuleParameter(shape: [outFeatures])) }
        m.extraRepr = "in_features=\(inFeatures), out_features=\(outFeatures), bias=\(bias ? "True" : "False")"
        return m
    }

    public static func embedding(numEmbeddings: Int, embeddingDim: Int) throws -> ModuleNode {
        guard numEmbeddings >= 0, embeddingDim >= 0 else {
            throw CoreError("Embedding: num_embeddings and embedding_dim must be non-negative")
        }
        try checkSize([numEmbeddings, embeddingDim], "Embedding")
        let m = ModuleNode(typeName: "Embedding", kind: .embedding)
        m.setParameter("weight", ModuleParameter(shape: [numEmbeddings, embeddingDim]))
        m.extraRepr = "\(numEmbeddings), \(embeddingDim)"
        return m
    }

    /// `BatchNorm1d/2d/3d`, `SyncBatchNorm` (kind `.batchNorm`) and `InstanceNorm1d/2d/3d` (`.instanceNorm`).
    public static func norm(_ typeName: String, numFeatures: Int, affine: Bool, trackRunningStats: Bool,
                            eps: String = "1e-05", momentum: String = "0.1") throws -> ModuleNode {
        try positive(numFeatures, "num_features", typeName)
        let kind: ModuleKind = typeName.hasPrefix("InstanceNorm") ? .instanceNorm : .batchNorm
        let m = ModuleNode(typeName: typeName, kind: kind)
        if affine {
            m.setParameter("weight", ModuleParameter(shape: [numFeatures]))
            m.setParameter("bias", ModuleParameter(shape: [numFeatures]))
        }
        if trackRunningStats {
            m.addBuffer("running_mean", shape: [numFeatures])
            m.addBuffer("running_var", shape: [numFeatures])
            m.addBuffer("num_batches_tracked", shape: [])
        }
        m.extraRepr = "\(numFeatures), eps=\(eps), momentum=\(momentum), affine=\(affine ? "True" : "False"), track_running_stats=\(trackRunningStats ? "True" : "False")"
        return m
    }

    public static func groupNorm(numGroups: Int, numChannels: Int, affine: Bool = true, eps: String = "1e-05") throws -> ModuleNode {
        try positive(numGroups, "num_groups", "GroupNorm")
        guard numChannels % numGroups == 0 else {
            throw CoreError("GroupNorm: num_channels must be divisible by num_groups (num_channels=\(numChannels), num_groups=\(numGroups))")
        }
        let m = ModuleNode(typeName: "GroupNorm", kind: .groupNorm)
        if affine {
            m.setParameter("weight", ModuleParameter(shape: [numChannels]))
            m.setParameter("bias", ModuleParameter(shape: [numChannels]))
        }
        m.extraRepr = "\(numGroups), \(numChannels), eps=\(eps), affine=\(affine ? "True" : "False")"
        return m
    }

    public static func layerNorm(normalizedShape: [Int], elementwiseAffine: Bool = true, bias: Bool = true, eps: String = "1e-05") throws -> ModuleNode {
        for x in normalizedShape { try positive(x, "normalized_shape", "LayerNorm") }
        try checkSize(normalizedShape, "LayerNorm")
        let m = ModuleNode(typeName: "LayerNorm", kind: .layerNorm)
        if elementwiseAffine {
            m.setParameter("weight", ModuleParameter(shape: normalizedShape))
            if bias { m.setParameter("bias", ModuleParameter(shape: normalizedShape)) }
        }
        m.extraRepr = "\(formatTuple(normalizedShape)), eps=\(eps), elementwise_affine=\(elementwiseAffine ? "True" : "False")"
        return m
    }

    /// MMCV `DeformConv2dPack` / `ModulatedDeformConv2dPack` (parameters `weight`, [`bias`], then `conv_offset`).
    public static func deformConv(modulated: Bool, inChannels: Int, outChannels: Int, kernelSize: [Int],
                                  stride: [Int] = [1], padding: [Int] = [0], dilation: [Int] = [1],
                                  groups: Int = 1, deformGroups: Int = 1, bias: Bool) throws -> ModuleNode {
        let name = modulated ? "ModulatedDeformConv2dPack" : "DeformConv2dPack"
        try positive(groups, "groups", name)
        try positive(deformGroups, "deform_groups", name)
        if !modulated && bias { throw CoreError("\(name): bias must be False (MMCV DeformConv2d has no bias)") }
        guard inChannels % groups == 0 else { throw CoreError("\(name): in_channels \(inChannels) cannot be divisible by groups \(groups)") }
        guard outChannels % groups == 0 else { throw CoreError("\(name): out_channels \(outChannels) cannot be divisible by groups \(groups)") }
        let k = try sizes(kernelSize, 2, "kernel_size", name)
        for x in k { try positive(x, "kernel_size", name) }
        try checkSize([outChannels, inChannels / groups] + k, name)
        try checkSize([ModuleParameter.saturatingProduct([modulated ? 3 : 2, deformGroups, k[0], k[1]]), inChannels] + k, name)
        let m = ModuleNode(typeName: name, kind: .deformConv(modulated: modulated))
        m.setParameter("weight", ModuleParameter(shape: [outChannels, inChannels / groups] + k))
        if bias { m.setParameter("bias", ModuleParameter(shape: [outChannels])) }
        let offsetChannels = ModuleParameter.saturatingProduct([modulated ? 3 : 2, deformGroups, k[0], k[1]])
        let off = try conv(dims: 2, inChannels: inChannels, outChannels: offsetChannels, kernelSize: k,
                           stride: stride, padding: padding, dilation: dilation, groups: 1, bias: true)
        m.setChild("conv_offset", off)
        m.extraRepr = "\(inChannels), \(outChannels), kernel_size=\(formatTuple(k)), groups=\(groups), deform_groups=\(deformGroups)"
        return m
    }

    /// `nn.Sequential(*modules)`: children named `'0'`, `'1'`, ….
    public static func sequential(_ modules: [ModuleNode], typeName: String = "Sequential", kind: ModuleKind = .sequential) -> ModuleNode {
        let m = ModuleNode(typeName: typeName, kind: kind)
        for (i, c) in modules.enumerated() { m.setChild(String(i), c) }
        return m
    }
}
