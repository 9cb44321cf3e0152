/// Differentiable sorting, splitting and tiling: `sort` / `topk` values (the gradient scattered
/// back to the returned indices, so ties go where torch's indices put them), `split` / `chunk` /
/// `unbind` / `narrow` pieces (each piece's gradient in its slice, zeros elsewhere; pieces a
/// backward pass does not reach contribute nothing, as torch's undefined gradients), `flip`,
/// `repeat` (the tiles' gradients summed) and constant `F.pad` (the gradient cropped back).
extension Variable {
    /// `sort(dim, descending, stable)` (SortBackward0): values and int64 indices.
    public func sort(dim: Int = -1, descending: Bool = false, stable: Bool = false) throws -> (values: Variable, indices: Tensor) {
        let (_, indices) = try data.sorted(dim: dim, descending: descending, stable: stable)
        return (try selectedBy(indices, dim: dim, name: "SortBackward0"), indices)
    }

    /// `topk(k, dim, largest, sorted)` (TopkBackward0): values and int64 indices.
    public func topk(_ k: Int, dim: Int = -1, largest: Bool = true, sorted: Bool = true) throws -> (values: Variable, indices: Tensor) {
        let (_, indices) = try data.topk(k, dim: dim, largest: largest, sorted: sorted)
        return (try selectedBy(indices, dim: dim, name: "TopkBackward0"), indices)
    }

    /// The values at `indices` along `dim` (a gather whose backward scatters by the indices).
    func selectedBy(_ indices: Tensor, dim: Int, name: String) throws -> Variable {
        if rank == 0 { return try reshape([], name: name) }
        let d = try Tensor.normalizeDim(dim, rank: rank)
        return try gatherLike(name) { try $0.gathered(dim: d, index: indices) }
    }

    /// `narrow(dim, start, length)` and one piece of split / chunk / unbind (SliceBackward0,
    /// SplitBackward0, SplitWithSizesBackward0).
    public func narrow(_ dim: Int, _ start: Int, _ length: Int, name: String = "SliceBackward0") throws -> Variable {
        try gatherLike(name) { try $0.narrowed(dim, start, length) }
    }

    /// `split(size, dim)` / `chunk(chunks, dim)`: pieces of `size` (the last may be smaller).
    public func split(_ size: Int, dim: Int = 0) throws -> [Variable] {
        let d = try Tensor.normalizeDim(dim, rank: rank)
        var start = 0
        return try data.split(size, dim: d).map { piece in
            defer { start += piece.shape[d] }
            return try narrow(d, start, piece.shape[d], name: "SplitBackward0")
        }
    }

    /// `split([sizes], dim)` (SplitWithSizesBackward0).
    public func split(sizes: [Int], dim: Int = 0) throws -> [Variable] {
        let d = try Tensor.normalizeDim(dim, rank: rank)
        guard sizes.allSatisfy({ $0 >= 0 }), sizes.reduce(0, +) == shape[d] else {
            throw CoreError("split_with_sizes expects split_sizes to sum exactly to \(shape[d]) (input tensor's size at dimension \(d)), but got split_sizes=\(sizes)", kind: "RuntimeError")
        }
        var start = 0
        return try sizes.map { s in
            defer { start += s }
            return try narrow(d, start, s, name: "SplitWithSizesBackward0")
        }
    }

    /// `chunk(chunks, dim)` (SplitBackward0): as torch, pieces of ceil(size / chunks); an empty
    /// dimension gives `chunks` empty pieces (torch splits it with sizes, SplitWithSizesBackward0).
    public func chunk(_ chunks: Int, dim: Int = 0) throws -> [Variable] {
        guard chunks > 0 else { throw CoreError("chunk expects `chunks` to be greater than 0, got: \(chunks)", kind: "RuntimeError") }
        let d = try Tensor.normalizeDim(dim, rank: rank)
        if shape[d] == 0 { return try (0..<chunks).map { _ in try narrow(d, 0, 0, name: "SplitWithSizesBackward0") } }
        return try split((shape[d] + chunks - 1) / chunks, dim: d)
    }

    /// `unbind(dim)` (UnbindBackward0): the slices along `dim`, that dimension removed.
    public func unbind(_ dim: Int = 0) throws -> [Variable] {
        let d = try Tensor.normalizeDim(dim, rank: rank)
        return try (0..<shape[d]).map { i in try gatherLike("UnbindBackward0") { try $0.narrowed(d, i, 1).squeezed([d]) } }
    }

    /// `flip(dims)` (FlipBackward0).
    public func flip(_ dims: [Int]) throws -> Variable { try gatherLike("FlipBackward0") { try $0.flipped(dims) } }

    /// `repeat(sizes)` (RepeatBackward0).
    public func repeated(_ reps: [Int]) throws -> Variable { try gatherLike("RepeatBackward0") { try $0.repeated(reps) } }

    /// `F.pad(x, pad, value=v)` (ConstantPadNdBackward0): the gradient is the output's gradient
    /// padded by the negated amounts (cropped where the input was padded, zero-filled where it was cropped).
    public func constantPad(_ pad: [Int], value: Double = 0) throws -> Variable {
        let v = try data.constantPadded(pad, value: value)
        let back = pad.map { -$0 }
        return Variable.record("ConstantPadNdBackward0", v, inputs: [self], savesTensors: false) { g, _ in
            [try g.constantPadded(back)]
        }
    }
}
