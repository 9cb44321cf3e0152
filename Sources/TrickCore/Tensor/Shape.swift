/// Shape operations: permute, transpose, squeeze/unsqueeze, flatten, expand, cat, stack, flip,
/// repeat. Tensors are always contiguous, so views materialise (values equal torch's views).
public protocol StorageTransform {
    func apply<T>(_ a: [T]) -> [T]
}

extension Tensor.Storage {
    /// The same transform applied to whichever typed buffer this is.
    public func map<X: StorageTransform>(_ x: X) -> Tensor.Storage {
        switch self {
        case .float32(let a): return .float32(x.apply(a))
        case .float64(let a): return .float64(x.apply(a))
        case .int64(let a): return .int64(x.apply(a))
        case .bool(let a): return .bool(x.apply(a))
        }
    }
}

/// Gathers a strided view (`strides`, `offset`) of a contiguous buffer into a new contiguous one.
struct StridedCopy: StorageTransform {
    let shape: [Int], strides: [Int], offset: Int
    func apply<T>(_ a: [T]) -> [T] {
        let n = Tensor.product(shape)
        if n == 0 { return [] }
        return [T](unsafeUninitializedCapacity: n) { buf, count in
            a.withUnsafeBufferPointer { pa in
                let base = pa.baseAddress! + offset
                let po = buf.baseAddress!
                Broadcast.forEachRow(shape, strides, strides) { oa, _, inner, ia, _, oo in
                    if ia == 1 {
                        (po + oo).initialize(from: base + oa, count: inner)
                    } else if ia == 0 {
                        // a broadcast row (expand, e.g. `loss.sum()`'s gradient to every element)
                        (po + oo).initialize(repeating: base[oa], count: inner)
                    } else {
                        for j in 0..<inner { (po + oo + j).initialize(to: base[oa + j * ia]) }
                    }
                }
            }
            count = n
        }
    }
}

extension Tensor {
    /// A contiguous copy of a strided view of this tensor's buffer.
    func strided(shape: [Int], strides: [Int], offset: Int = 0) -> Tensor {
        Tensor(shape: shape, storage: storage.map(StridedCopy(shape: shape, strides: strides, offset: offset))).keepingDType(of: self)
    }

    /// `permute(*dims)`.
    public func permuted(_ dims: [Int]) throws -> Tensor {
        guard dims.count == rank else {
            throw CoreError("permute(): number of dims don't match: the tensor has \(rank) dimensions but \(dims.count) were given")
        }
        var seen = [Bool](repeating: false, count: rank)
        var perm: [Int] = []
        for d in dims {
            let n = try Tensor.normalizeDim(d, rank: rank)
            if seen[n] { throw CoreError("permute(): repeated dim \(n) in \(dims)") }
            seen[n] = true
            perm.append(n)
        }
        if perm == Array(0..<rank) { return self }
        let st = strides
        return strided(shape: perm.map { shape[$0] }, strides: perm.map { st[$0] })
    }

    /// `transpose(dim0, dim1)`.
    public func transposed(_ d0: Int, _ d1: Int) throws -> Tensor {
        if rank == 0 { _ = try Tensor.normalizeDim(d0, rank: 0); _ = try Tensor.normalizeDim(d1, rank: 0); return self }
        let a = try Tensor.normalizeDim(d0, rank: rank), b = try Tensor.normalizeDim(d1, rank: rank)
        var perm = Array(0..<rank)
        perm.swapAt(a, b)
        return try permuted(perm)
    }

    /// `.T`: all dimensions reversed (torch deprecates it beyond 2-D but still reverses).
    public var reversedDims: Tensor { (try? permuted(Array((0..<rank).reversed()))) ?? self }

    /// `squeeze(dim=None)`: drops size-1 dimensions (only `dims` when given).
    public func squeezed(_ dims: [Int]? = nil) throws -> Tensor {
        var newShape: [Int] = []
        if let dims {
            let ds = try Tensor.normalizeDims(dims, rank: rank)
            for (i, s) in shape.enumerated() where !(ds.contains(i) && s == 1) { newShape.append(s) }
        } else {
            newShape = shape.filter { $0 != 1 }
        }
        return try reshaped(newShape)
    }

    /// `unsqueeze(dim)`.
    public func unsqueezed(_ dim: Int) throws -> Tensor {
        let d = try Tensor.normalizeDim(dim, rank: rank, extra: 1)
        var s = shape
        s.insert(1, at: d)
        return try reshaped(s)
    }

    /// `flatten(start_dim=0, end_dim=-1)`.
    public func flattened(_ start: Int = 0, _ end: Int = -1) throws -> Tensor {
        if rank == 0 { return try reshaped([1]) }
        let s = try Tensor.normalizeDim(start, rank: rank), e = try Tensor.normalizeDim(end, rank: rank)
        guard s <= e else { throw CoreError("flatten() has invalid args: start_dim (\(start)) cannot come after end_dim (\(end))") }
        let newShape = Array(shape[..<s]) + [Tensor.product(shape[s...e])] + Array(shape[(e + 1)...])
        return try reshaped(newShape)
    }

    /// `expand(*sizes)`: -1 keeps a dimension; new leading dimensions may be added.
    public func expanded(_ sizes: [Int]) throws -> Tensor {
        guard sizes.count >= rank else {
            throw CoreError("expand(): the number of sizes provided (\(sizes.count)) must be greater or equal to the number of dimensions in the tensor (\(rank))")
        }
        var target = sizes
        let off = sizes.count - rank
        for i in 0..<sizes.count where sizes[i] == -1 {
            guard i >= off else { throw CoreError("expand(): -1 is not allowed in a leading, non-existing dimension") }
            target[i] = shape[i - off]
        }
        _ = try Tensor.checkedAllocationCount(target, dtype: dtype)
        guard Broadcast.canExpand(shape, to: target) else {
            throw CoreError("expand(): the shape \(Tensor.formatShape(shape)) cannot be expanded to \(Tensor.formatShape(target))")
        }
        return strided(shape: target, strides: Broadcast.strides(of: shape, in: target))
    }

    /// `flip(dims)`.
    public func flipped(_ dims: [Int]) throws -> Tensor {
        let ds = try Tensor.normalizeDims(dims, rank: rank)
        if ds.isEmpty || isEmpty { return self }
        var st = strides
        var offset = 0
        for d in ds {
            offset += (shape[d] - 1) * st[d]
            st[d] = -st[d]
        }
        return strided(shape: shape, strides: st, offset: offset)
    }

    /// `repeat(*sizes)`: tiles the tensor (new leading dimensions allowed).
    public func repeated(_ reps: [Int]) throws -> Tensor {
        guard reps.count >= rank else {
            throw CoreError("repeat(): number of repeat dims (\(reps.count)) can not be smaller than number of dimensions of tensor (\(rank))")
        }
        for r in reps where r < 0 { throw CoreError("repeat(): repeats must be non-negative, got \(reps)") }
        let padded = [Int](repeating: 1, count: reps.count - rank) + shape
        // view as (r0, s0, r1, s1, ...) with stride 0 on the repeat axes, then collapse pairs.
        var bigShape: [Int] = [], bigStrides: [Int] = []
        let st = Tensor.contiguousStrides(padded)
        for i in 0..<padded.count {
            bigShape += [reps[i], padded[i]]
            bigStrides += [0, st[i]]
        }
        var outShape: [Int] = []
        for (r, s) in zip(reps, padded) {
            let (p, o) = r.multipliedReportingOverflow(by: s)
            guard !o else { throw CoreError("repeat(): the result would have too many elements") }
            outShape.append(p)
        }
        _ = try Tensor.checkedAllocationCount(outShape, dtype: dtype)
        return try strided(shape: bigShape, strides: bigStrides).reshaped(outShape)
    }

    /// `torch.cat(tensors, dim)`: dtypes promote; 1-D empty tensors are skipped as torch does.
    public static func cat(_ tensors: [Tensor], dim: Int = 0) throws -> Tensor {
        guard !tensors.isEmpty else { throw CoreError("cat(): expected a non-empty list of tensors") }
        let dt = tensors.dropFirst().reduce(tensors[0].dtype) { DType.promote($0, $1.dtype) }
        let parts = tensors.filter { !($0.rank == 1 && $0.shape[0] == 0) }
        guard let first = parts.first else { return tensors[0].cast(to: dt) }
        guard first.rank > 0 else { throw CoreError("cat(): zero-dimensional tensor cannot be concatenated") }
        let d = try normalizeDim(dim, rank: first.rank)
        var outShape = first.shape
        outShape[d] = 0
        for (i, t) in parts.enumerated() {
            guard t.rank == first.rank else {
                throw CoreError("cat(): tensors must have the same number of dimensions: got \(first.rank) and \(t.rank) (tensor \(i))")
            }
            for k in 0..<t.rank where k != d && t.shape[k] != first.shape[k] {
                throw CoreError("cat(): sizes of tensors must match except in dimension \(d): expected size \(first.shape[k]) but got size \(t.shape[k]) for tensor number \(i) in the list (shapes \(Tensor.formatShape(first.shape)) and \(Tensor.formatShape(t.shape)))")
            }
            outShape[d] += t.shape[d]
        }
        _ = try Tensor.checkedAllocationCount(outShape, dtype: dt)
        let outer = product(first.shape[..<d])
        let inners = parts.map { product($0.shape[d...]) }
        func join<T>(_ arrays: [[T]]) -> [T] {
            var out: [T] = []
            out.reserveCapacity(product(outShape))
            for o in 0..<outer {
                for (k, a) in arrays.enumerated() {
                    let w = inners[k]
                    out.append(contentsOf: a[(o * w)..<((o + 1) * w)])
                }
            }
            return out
        }
        let cast = parts.map { $0.cast(to: dt) }
        let joined: Tensor
        switch dt.storageDType {
        case .float64: joined = Tensor(shape: outShape, float64: join(cast.map { $0.doubles }))
        case .int64: joined = Tensor(shape: outShape, int64: join(cast.map { $0.int64s }))
        case .bool: joined = Tensor(shape: outShape, bool: join(cast.map { $0.bools }))
        default: joined = Tensor(shape: outShape, float32: join(cast.map { $0.floats }))
        }
        return joined.fitted(to: dt)
    }

    /// `torch.stack(tensors, dim)`: all shapes equal.
    public static func stack(_ tensors: [Tensor], dim: Int = 0) throws -> Tensor {
        guard let first = tensors.first else { throw CoreError("stack(): expected a non-empty list of tensors") }
        for (i, t) in tensors.enumerated() where t.shape != first.shape {
            throw CoreError("stack(): expects each tensor to be equal size, but got \(Tensor.formatShape(first.shape)) at entry 0 and \(Tensor.formatShape(t.shape)) at entry \(i)")
        }
        let d = try normalizeDim(dim, rank: first.rank, extra: 1)
        return try cat(tensors.map { try $0.unsqueezed(d) }, dim: d)
    }

    /// `chunk`/`split` helper: the slice `start..<end` along `dim`.
    public func narrowed(_ dim: Int, _ start: Int, _ length: Int) throws -> Tensor {
        let d = try Tensor.normalizeDim(dim, rank: rank)
        guard start >= 0, length >= 0, start <= shape[d], length <= shape[d] - start else {
            throw CoreError("narrow(): start (\(start)) + length (\(length)) exceeds dimension size (\(shape[d])) of dim \(d)")
        }
        var s = shape
        s[d] = length
        let st = strides
        return strided(shape: s, strides: st, offset: start * st[d])
    }

    /// `split(split_size, dim)`: pieces of `size` (the last may be smaller).
    public func split(_ size: Int, dim: Int = 0) throws -> [Tensor] {
        guard size > 0 else { throw CoreError("split(): split_size must be positive, got \(size)") }
        let d = try Tensor.normalizeDim(dim, rank: rank)
        var out: [Tensor] = []
        var s = 0
        repeat {
            let len = Swift.min(size, shape[d] - s)
            out.append(try narrowed(d, s, len))
            s += size
        } while s < shape[d]
        return out
    }

    /// `chunk(chunks, dim)`.
    public func chunk(_ chunks: Int, dim: Int = 0) throws -> [Tensor] {
        guard chunks > 0 else { throw CoreError("chunk(): chunks must be positive, got \(chunks)") }
        let d = try Tensor.normalizeDim(dim, rank: rank)
        if shape[d] == 0 { return Array(repeating: self, count: chunks) }   // torch: `chunks` empty pieces
        let size = Swift.max(1, shape[d] / chunks + (shape[d] % chunks == 0 ? 0 : 1))
        return try split(size, dim: d)
    }
}

extension Tensor {
    /// `torch.roll` along one dimension: element i moves to (i + shift) mod size (a negative
    /// shift moves the other way); the two pieces are concatenated, as torch's `roll_common`.
    public func rolled(_ shift: Int, dim: Int) throws -> Tensor {
        let d = try Tensor.normalizeDim(dim, rank: rank)
        let n = shape[d]
        guard n > 0 else { return self }
        let s = ((shift % n) + n) % n
        guard s != 0 else { return self }
        return try Tensor.cat([try narrowed(d, n - s, s), try narrowed(d, 0, n - s)], dim: d)
    }
}
