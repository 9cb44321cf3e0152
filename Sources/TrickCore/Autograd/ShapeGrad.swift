/// Differentiable views and indexing: reshape/view/flatten, squeeze/unsqueeze, permute,
/// transpose/t, expand, subscripts (ints, slices, None, ..., bool masks, index tensors),
/// index_select, gather, masked_select, cat, stack.
///
/// Every gather-like op has one backward: the flat source offset of each output element (the op
/// applied to `arange(n)`), and the gradient added into zeros at those offsets, so repeated
/// indices accumulate as torch's `index_put_(accumulate=True)` / `scatter_add` do.
extension Variable {
    /// `reshape` / `view` / `flatten` (ViewBackward0).
    public func reshape(_ newShape: [Int], name: String = "ViewBackward0") throws -> Variable {
        let s = shape
        return Variable.record(name, try data.reshaped(newShape), inputs: [self], savesTensors: false) { g, _ in [try g.reshaped(s)] }
    }

    /// `flatten(start, end)` (ViewBackward0).
    public func flatten(_ start: Int = 0, _ end: Int = -1) throws -> Variable {
        try reshape(try data.flattened(start, end).shape)
    }

    /// `unsqueeze(dim)` (UnsqueezeBackward0).
    public func unsqueeze(_ dim: Int) throws -> Variable {
        try reshape(try data.unsqueezed(dim).shape, name: "UnsqueezeBackward0")
    }

    /// `squeeze()` (SqueezeBackward0) / `squeeze(dims)` (SqueezeBackward1).
    public func squeeze(_ dims: [Int]? = nil) throws -> Variable {
        try reshape(try data.squeezed(dims).shape, name: dims == nil ? "SqueezeBackward0" : "SqueezeBackward1")
    }

    /// `permute(dims)` (PermuteBackward0).
    public func permute(_ dims: [Int]) throws -> Variable {
        let v = try data.permuted(dims)
        let nd = try dims.map { try Tensor.normalizeDim($0, rank: rank) }   // in order (normalizeDims sorts)
        var inverse = [Int](repeating: 0, count: nd.count)
        for (i, d) in nd.enumerated() { inverse[d] = i }
        return Variable.record("PermuteBackward0", v, inputs: [self], savesTensors: false) { g, _ in [try g.permuted(inverse)] }
    }

    /// `transpose(d0, d1)` (TransposeBackward0); `t()` is TBackward0.
    public func transpose(_ d0: Int, _ d1: Int, name: String = "TransposeBackward0") throws -> Variable {
        let v = try data.transposed(d0, d1)
        return Variable.record(name, v, inputs: [self], savesTensors: false) { g, _ in [try g.transposed(d0, d1)] }
    }

    /// `t()` of a matrix (TBackward0).
    public func t() throws -> Variable {
        guard rank <= 2 else { throw CoreError("t() expects a tensor with <= 2 dimensions, but self is \(rank)D") }
        return rank < 2 ? try reshape(shape, name: "TBackward0") : try transpose(0, 1, name: "TBackward0")
    }

    /// `expand(sizes)` (ExpandBackward0).
    public func expand(_ sizes: [Int]) throws -> Variable {
        let v = try data.expanded(sizes)
        let s = shape
        return Variable.record("ExpandBackward0", v, inputs: [self], savesTensors: false) { g, _ in [try GradMath.sumTo(g, s)] }
    }

    /// A gather-like op `f` (applied identically to the value and to source offsets).
    func gatherLike(_ name: String, _ f: @escaping (Tensor) throws -> Tensor) throws -> Variable {
        let v = try f(data)
        let s = shape
        return Variable.record(name, v, inputs: [self]) { g, _ in
            let offsets = try GradMath.sourceOffsets(s, f)
            return [try GradMath.scatterAdd(g, offsets: offsets, shape: s)]
        }
    }

    /// `x[index]`: SelectBackward0 / SliceBackward0 for basic indexing (the last op torch applies),
    /// IndexBackward0 when a tensor index is present, AliasBackward0 for a plain `x[:]`.
    public func subscripted(_ index: [TensorIndex]) throws -> Variable {
        var name = "AliasBackward0"
        var dim = 0
        for item in index {
            switch item {
            case .int: name = "SelectBackward0"; dim += 1
            case .slice(let a, let b, let c):
                let size = dim < rank ? shape[dim] : 0
                let full = (a == nil || a == 0) && (b == nil || b! >= size) && (c == nil || c == 1)
                if !full { name = "SliceBackward0" }
                dim += 1
            case .newAxis: name = "UnsqueezeBackward0"
            case .ellipsis: dim = Swift.max(dim, rank - (index.count - 1))
            case .tensor: break
            }
        }
        if index.contains(where: { if case .tensor = $0 { return true } else { return false } }) { name = "IndexBackward0" }
        return try gatherLike(name) { try $0.subscripted(index) }
    }

    /// `x[index] = value` computed out of place (IndexPutBackward0 with a tensor index, else torch's
    /// CopySlices: a copy into a view): the gradient reaches x outside
    /// the written positions and value from them (summed to value's shape where it broadcast).
    /// The language's item assignment runs it through `inPlace` (`loss[mask] = 0`,
    /// `inter[mask] = w * h`, as torch records them).
    public func indexPut(_ index: [TensorIndex], _ value: Variable) throws -> Variable {
        var out = data
        try out.assign(index, .tensor(value.data.cast(to: data.dtype)))
        let valueShape = value.shape
        let advanced = index.contains { if case .tensor = $0 { return true } else { return false } }
        return Variable.record(advanced ? "IndexPutBackward0" : "CopySlices", out, inputs: [self, value], savesTensors: false) { g, _ in
            var rest = g
            try rest.assign(index, .float(0))
            return [rest, try GradMath.sumTo(try g.subscripted(index), valueShape)]
        }
    }

    /// `index_select(dim, index)` (IndexSelectBackward0).
    public func indexSelect(dim: Int, index: Tensor) throws -> Variable {
        try gatherLike("IndexSelectBackward0") { try $0.indexSelect(dim: dim, index: index) }
    }

    /// `gather(dim, index)` (GatherBackward0).
    public func gather(dim: Int, index: Tensor) throws -> Variable {
        try gatherLike("GatherBackward0") { try $0.gathered(dim: dim, index: index) }
    }

    /// `masked_select(mask)` (MaskedSelectBackward0): the mask broadcasts with the input.
    public func maskedSelect(_ mask: Tensor) throws -> Variable {
        let out = try Broadcast.shape(shape, mask.shape)
        let base = out == shape ? self : try expand(out)
        let m = mask.shape == out ? mask : try mask.expanded(out)
        return try base.gatherLike("MaskedSelectBackward0") { try $0.subscripted([.tensor(m)]) }
    }

    /// `torch.cat(tensors, dim)` (CatBackward0): each input gets its slice of the gradient.
    public static func cat(_ vs: [Variable], dim: Int = 0) throws -> Variable {
        let v = try Tensor.cat(vs.map(\.data), dim: dim)
        let shapes = vs.map(\.shape)
        let d = v.rank == 0 ? 0 : try Tensor.normalizeDim(dim, rank: v.rank)
        return record("CatBackward0", v, inputs: vs, savesTensors: false) { g, need in
            var start = 0
            return try shapes.enumerated().map { i, s in
                if s.count == 1 && s[0] == 0 && g.rank != 1 { return need[i] ? try Tensor.zeros(s, dtype: g.dtype) : nil }
                let len = s[d]
                defer { start += len }
                return need[i] ? try g.narrowed(d, start, len) : nil
            }
        }
    }

    /// `torch.stack(tensors, dim)` (StackBackward0).
    public static func stack(_ vs: [Variable], dim: Int = 0) throws -> Variable {
        let v = try Tensor.stack(vs.map(\.data), dim: dim)
        let s = vs.first?.shape ?? []
        let d = try Tensor.normalizeDim(dim, rank: v.rank)
        return record("StackBackward0", v, inputs: vs, savesTensors: false) { g, need in
            try (0..<need.count).map { i in need[i] ? try g.narrowed(d, i, 1).reshaped(s) : nil }
        }
    }
}
