/// Gradients of the rearranging ops (Rearrange.swift): the output's gradient added back at
/// each element's source offset — torch's PixelShuffleBackward0, ReflectionPad2DBackward0,
/// Im2ColBackward0, EmbeddingBackward0, DiagonalBackward0, … .
extension Variable {
    /// `out.flat[i] = self.flat[offsets[i]]` (0 for a negative offset), recorded as `name`;
    /// `gradOffsets` (default `offsets`) says where each output element's gradient goes.
    func rearranged(_ name: String, _ shape: [Int], offsets: [Int], gradOffsets: [Int]? = nil) throws -> Variable {
        let v = try data.reindexed(shape, offsets: offsets)
        let s = self.shape
        return Variable.record(name, v, inputs: [self], savesTensors: false) { g, _ in
            [try GradMath.scatterAdd(g, offsets: gradOffsets ?? offsets, shape: s)]
        }
    }

    /// `F.pixel_shuffle(x, upscale_factor)` (PixelShuffleBackward0).
    public func pixelShuffle(_ r: Int) throws -> Variable {
        let (s, o) = try Rearrange.pixelShuffle(shape, r)
        return try rearranged("PixelShuffleBackward0", s, offsets: o)
    }

    /// `F.pixel_unshuffle(x, downscale_factor)` (PixelUnshuffleBackward0).
    public func pixelUnshuffle(_ r: Int) throws -> Variable {
        let (s, o) = try Rearrange.pixelUnshuffle(shape, r)
        return try rearranged("PixelUnshuffleBackward0", s, offsets: o)
    }

    /// `F.pad(x, pad, mode='reflect' | 'replicate' | 'circular')` (ReflectionPad2DBackward0, …).
    public func pad(_ amounts: [Int], mode: Rearrange.PadMode) throws -> Variable {
        let (s, o) = try Rearrange.pad(shape, amounts, mode: mode)
        let k = amounts.count / 2
        let name = mode == .reflect ? "ReflectionPad\(k)DBackward0" : mode == .replicate ? "ReplicationPad\(k)DBackward0" : "CatBackward0"
        return try rearranged(name, s, offsets: o)
    }

    /// `F.unfold(x, kernel_size, dilation, padding, stride)` (Im2ColBackward0).
    public func unfold(kernel: (Int, Int), dilation: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
                       stride: (Int, Int) = (1, 1)) throws -> Variable {
        let batched = rank == 3 ? try unsqueeze(0) : self
        let (s, o, _) = try Rearrange.im2col(batched.shape, kernel: kernel, dilation: dilation, padding: padding, stride: stride)
        let r = try batched.rearranged("Im2ColBackward0", s, offsets: o)
        return rank == 3 ? try r.squeeze([0]) : r
    }

    /// `F.fold(x, output_size, kernel_size, dilation, padding, stride)` (Col2ImBackward0): the
    /// columns summed back into the image, overlaps accumulating; its gradient is unfold.
    public func fold(outputSize: (Int, Int), kernel: (Int, Int), dilation: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
                     stride: (Int, Int) = (1, 1)) throws -> Variable {
        guard rank == 2 || rank == 3 else {
            throw CoreError("Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero dimensions for input, but got: \(Tensor.formatShape(shape))", kind: "RuntimeError")
        }
        let x = rank == 2 ? try unsqueeze(0) : self
        let (n, rows, l) = (x.shape[0], x.shape[1], x.shape[2])
        let kk = kernel.0 * kernel.1
        guard kk > 0, rows % kk == 0 else {
            throw CoreError("Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)=\(rows) and kernel_size=(\(kernel.0), \(kernel.1))", kind: "RuntimeError")
        }
        let image = [n, rows / kk, outputSize.0, outputSize.1]
        let (s, o, blocks) = try Rearrange.im2col(image, kernel: kernel, dilation: dilation, padding: padding, stride: stride)
        guard s[2] == l else {
            throw CoreError("Given output_size=(\(outputSize.0), \(outputSize.1)), kernel_size=(\(kernel.0), \(kernel.1)), dilation=(\(dilation.0), \(dilation.1)), padding=(\(padding.0), \(padding.1)), stride=(\(stride.0), \(stride.1)), expected size of input's dimension 2 to match the calculated number of sliding blocks \(blocks.0) * \(blocks.1) = \(s[2]), but got input.size(2)=\(l).", kind: "RuntimeError")
        }
        guard x.dtype.isFloatingPoint else { throw CoreError("fold: expected a floating point input, got \(x.dtype)", kind: "RuntimeError") }
        let v = try GradMath.scatterAdd(x.data, offsets: o, shape: image).cast(to: x.dtype)
        let xs = x.shape
        let r = Variable.record("Col2ImBackward0", v, inputs: [x], savesTensors: false) { g, _ in [try g.reindexed(xs, offsets: o)] }
        return rank == 2 ? try r.squeeze([0]) : r
    }

    /// `F.embedding(input, weight, padding_idx)` (EmbeddingBackward0): rows of the weight at
    /// the indices; the row `padding_idx` gets no gradient. `max_norm` is not supported.
    public static func embedding(_ indices: Tensor, _ weight: Variable, paddingIdx: Int? = nil) throws -> Variable {
        guard !indices.dtype.isFloatingPoint && indices.dtype != .bool else {
            throw CoreError("Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got \(indices.dtype.torchScalarName)Tensor instead (while checking arguments for embedding)", kind: "RuntimeError")
        }
        guard weight.rank == 2 else { throw CoreError("'weight' must be 2-D", kind: "RuntimeError") }
        let (rows, dim) = (weight.shape[0], weight.shape[1])
        var pad = paddingIdx
        if let p = pad {
            guard p < rows && p >= -rows else { throw CoreError("Padding_idx must be within num_embeddings", kind: "RuntimeError") }
            if p < 0 { pad = p + rows }
        }
        var offsets: [Int] = [], gradOffsets: [Int] = []
        offsets.reserveCapacity(indices.count * dim)
        for i in indices.int64s {
            guard i >= 0 && Int(i) < rows else { throw CoreError("index out of range in self", kind: "IndexError") }
            for j in 0..<dim {
                offsets.append(Int(i) * dim + j)
                gradOffsets.append(Int(i) == pad ? -1 : Int(i) * dim + j)
            }
        }
        return try weight.rearranged("EmbeddingBackward0", indices.shape + [dim], offsets: offsets, gradOffsets: gradOffsets)
    }

    /// `diagonal(offset, dim1, dim2)` (DiagonalBackward0).
    public func diagonal(offset: Int = 0, dim1: Int = 0, dim2: Int = 1) throws -> Variable {
        try gatherLike("DiagonalBackward0") { try $0.diagonal(offset: offset, dim1: dim1, dim2: dim2) }
    }

    /// `torch.rot90(x, k, dims)` as torch composes it: k = 1 flips `dims[1]` then transposes,
    /// k = 2 flips both, k = 3 flips `dims[0]` then transposes.
    public func rot90(_ k: Int = 1, dims: [Int] = [0, 1]) throws -> Variable {
        guard dims.count == 2 else { throw CoreError("expected total rotation dims == 2, but got dims = \(dims.count)", kind: "RuntimeError") }
        guard rank >= 2 else { throw CoreError("expected total dims >= 2, but got total dims = \(rank)", kind: "RuntimeError") }
        let d0 = try Tensor.normalizeDim(dims[0], rank: rank), d1 = try Tensor.normalizeDim(dims[1], rank: rank)
        guard d0 != d1 else { throw CoreError("expected rotation dims to be different, but got dim0 = \(d0) and dim1 = \(d1)", kind: "RuntimeError") }
        switch ((k % 4) + 4) % 4 {
        case 1: return try flip([d1]).transpose(d0, d1)
        case 2: return try flip([d0, d1])
        case 3: return try flip([d0]).transpose(d0, d1)
        default: return try clone()
        }
    }
}
