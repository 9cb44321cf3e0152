/// `t[...]` and `t[...] = v` as torch indexes (torch/csrc/autograd/python_variable_indexing.cpp
/// then `aten::index`): ints (negative wrap) select and drop a dimension, slices (positive
/// steps; numpy arrays negative ones too) keep it, `None` inserts one, `...` stands for the remaining dimensions; bool masks
/// and int64 index tensors are advanced indices, broadcast together. As torch (and unlike
/// numpy), an int is a basic index even next to a tensor index: `x[0, :, [1, 2]]` on (3, 4, 5)
/// gives (4, 2). When the advanced indices are adjacent their broadcast shape replaces them in
/// place, otherwise it goes first. Out-of-range indices are errors naming dimension and size.
extension Tensor {
    /// A view dimension: size and stride (in elements) into this tensor's buffer.
    struct ViewDim { var size: Int; var stride: Int }

    struct IndexPlan {
        var offset = 0
        var dims: [ViewDim] = []
        /// Advanced indices: view dimension they index, values, and shape.
        var advanced: [(dim: Int, values: [Int64], shape: [Int])] = []
    }

    func indexPlan(_ index: [TensorIndex]) throws -> IndexPlan {
        var consumed = 0, ellipses = 0
        for it in index {
            switch it {
            case .int, .slice: consumed += 1
            case .tensor(let t): consumed += t.dtype == .bool || t.dtype == .uint8 ? t.rank : 1
            case .ellipsis: ellipses += 1
            case .newAxis: break
            }
        }
        guard ellipses <= 1 else { throw CoreError("an index can only have a single ellipsis ('...')") }
        guard consumed <= rank else {
            throw CoreError("too many indices for tensor of dimension \(rank) (got \(consumed)) for shape \(Tensor.formatShape(shape))")
        }
        var plan = IndexPlan()
        let st = strides
        var src = 0
        func fullDim() { plan.dims.append(ViewDim(size: shape[src], stride: st[src])); src += 1 }
        for it in index {
            switch it {
            case .int(let i):
                let size = shape[src]
                let j = i < 0 ? i + size : i
                guard j >= 0 && j < size else {
                    throw CoreError("index \(i) is out of bounds for dimension \(src) with size \(size)")
                }
                plan.offset += j * st[src]
                src += 1
            case .slice(let a, let b, let c):
                let step = c ?? 1
                guard step != 0 else { throw CoreError("slice step cannot be zero") }
                // numpy arrays take negative steps (`img[..., ::-1]`); torch tensors do not
                guard step > 0 || isNumpy else { throw CoreError("slice step must be positive (torch does not support negative steps; use flip)") }
                let size = shape[src]
                // Python's slice.indices: bounds clamp to [0, size] going up, [-1, size - 1] going down
                func clamp(_ v: Int?, _ dflt: Int) -> Int {
                    guard var v else { return dflt }
                    if v < 0 { v += size }
                    return step > 0 ? Swift.min(Swift.max(v, 0), size) : Swift.min(Swift.max(v, -1), size - 1)
                }
                let start = clamp(a, step > 0 ? 0 : size - 1), stop = clamp(b, step > 0 ? size : -1)
                let len = step > 0 ? (stop > start ? (stop - start - 1) / step + 1 : 0)
                                   : (start > stop ? (start - stop - 1) / -step + 1 : 0)
                plan.offset += len > 0 ? start * st[src] : 0
                // a one-element slice's stride is irrelevant (and a huge step must not overflow)
                plan.dims.append(ViewDim(size: len, stride: len > 1 ? st[src] * step : st[src]))
                src += 1
            case .newAxis:
                plan.dims.append(ViewDim(size: 1, stride: 0))
            case .ellipsis:
                for _ in 0..<(rank - consumed) { fullDim() }
            case .tensor(let t):
                switch t.dtype {
                case .bool, .uint8:   // a uint8 index is a mask, as torch (which warns that this is deprecated)
                    if t.rank == 0 {
                        // t[True] adds a dimension of size 1, t[False] one of size 0.
                        plan.dims.append(ViewDim(size: 1, stride: 0))
                        plan.advanced.append((plan.dims.count - 1, t.bools[0] ? [0] : [], [t.bools[0] ? 1 : 0]))
                        continue
                    }
                    let want = Array(shape[src..<(src + t.rank)])
                    guard t.shape == want else {
                        throw CoreError("the shape of the mask \(Tensor.formatShape(t.shape)) at index \(src) does not match the shape of the indexed tensor \(Tensor.formatShape(shape))")
                    }
                    let nz = t.nonzero()
                    let n = nz.shape[0], k = t.rank
                    let coords = nz.int64s
                    for j in 0..<k {
                        fullDim()
                        plan.advanced.append((plan.dims.count - 1, (0..<n).map { coords[$0 * k + j] }, [n]))
                    }
                case .int64, .int32:
                    fullDim()
                    plan.advanced.append((plan.dims.count - 1, t.int64s, t.shape))
                default:
                    throw CoreError("tensors used as indices must be long (int64), int (int32), byte (uint8) or bool tensors, got \(t.dtype)")
                }
            }
        }
        while src < rank { fullDim() }
        return plan
    }

    /// Result shape and the flat buffer offset of every result element (row-major).
    func indexOffsets(_ index: [TensorIndex]) throws -> (shape: [Int], offsets: [Int]?, plan: IndexPlan) {
        // fast path: one bool mask over the leading dimensions (`t[mask]`, `t[mask] = v`)
        if index.count == 1, case .tensor(let m) = index[0], m.dtype == .bool, m.rank >= 1, m.rank <= rank,
           Array(shape.prefix(m.rank)) == m.shape, case .bool(let mb) = m.storage {
            let inner = Tensor.product(shape[m.rank...])
            var offsets: [Int] = []
            var rows = 0
            for (r, keep) in mb.enumerated() where keep {
                rows += 1
                let base = r * inner
                for j in 0..<inner { offsets.append(base + j) }
            }
            return ([rows] + Array(shape[m.rank...]), offsets, IndexPlan())
        }
        let plan = try indexPlan(index)
        if plan.advanced.isEmpty { return (plan.dims.map(\.size), nil, plan) }
        var bshape: [Int] = []
        for a in plan.advanced { bshape = try Broadcast.shape(bshape, a.shape) }
        let bcount = try Tensor.elementCount(bshape)
        // offsets contributed by the advanced block, per broadcast position
        var table = [Int](repeating: 0, count: bcount)
        for a in plan.advanced {
            let size = plan.dims[a.dim].size, stride = plan.dims[a.dim].stride
            let vals = try Broadcast.expand(a.values, a.shape, to: bshape)
            for i in 0..<bcount {
                var v = Int(vals[i])
                if v < 0 { v += size }
                guard v >= 0 && v < size else {
                    throw CoreError("index \(vals[i]) is out of bounds for dimension \(a.dim) with size \(size)")
                }
                table[i] += v * stride
            }
        }
        let advDims = plan.advanced.map(\.dim)
        let uniqueAdv = Array(Set(advDims)).sorted()
        let adjacent = uniqueAdv.last! - uniqueAdv.first! == uniqueAdv.count - 1
        enum Axis { case strided(ViewDim), table }
        var axes: [Axis] = []
        var outShape: [Int] = []
        if adjacent {
            for (i, d) in plan.dims.enumerated() {
                if i == uniqueAdv.first! { axes.append(.table); outShape += bshape } else if !uniqueAdv.contains(i) {
                    axes.append(.strided(d)); outShape.append(d.size)
                }
            }
        } else {
            axes.append(.table); outShape += bshape
            for (i, d) in plan.dims.enumerated() where !uniqueAdv.contains(i) { axes.append(.strided(d)); outShape.append(d.size) }
        }
        let total = try Tensor.elementCount(outShape)
        _ = try Tensor.checkedAllocationCount(outShape, dtype: dtype)
        var offsets = [plan.offset]
        for ax in axes {
            var next: [Int] = []
            switch ax {
            case .strided(let d):
                next.reserveCapacity(offsets.count * d.size)
                for o in offsets { for j in 0..<d.size { next.append(o + j * d.stride) } }
            case .table:
                next.reserveCapacity(offsets.count * bcount)
                for o in offsets { for t in table { next.append(o + t) } }
            }
            offsets = next
        }
        assert(offsets.count == total)
        return (outShape, offsets, plan)
    }

    /// Flat offset when every index is an int, one per dimension (`x[i, j]` in scalar loops).
    @inline(__always)
    func scalarOffset(_ index: [TensorIndex]) throws -> Int? {
        guard index.count == rank, rank > 0 else { return nil }
        var off = 0, step = 1
        for d in Swift.stride(from: rank - 1, through: 0, by: -1) {
            guard case .int(let i) = index[d] else { return nil }
            let size = shape[d]
            let j = i < 0 ? i + size : i
            guard j >= 0 && j < size else { throw CoreError("index \(i) is out of bounds for dimension \(d) with size \(size)") }
            off += j * step
            step *= size
        }
        return off
    }

    public func subscripted(_ index: [TensorIndex]) throws -> Tensor {
        var r = try subscriptedValues(index).keepingDType(of: self)
        r.isNumpy = isNumpy
        return r
    }

    func subscriptedValues(_ index: [TensorIndex]) throws -> Tensor {
        if let off = try scalarOffset(index) {
            switch storage {
            case .float32(let a): return Tensor(shape: [], float32: [a[off]])
            case .float64(let a): return Tensor(shape: [], float64: [a[off]])
            case .int64(let a): return Tensor(shape: [], int64: [a[off]])
            case .bool(let a): return Tensor(shape: [], bool: [a[off]])
            }
        }
        let (outShape, offsets, plan) = try indexOffsets(index)
        if let offsets {
            return Tensor(shape: outShape, storage: storage.map(OffsetGather(offsets: offsets)))
        }
        return strided(shape: outShape, strides: plan.dims.map(\.stride), offset: plan.offset)
    }

    public mutating func assign(_ index: [TensorIndex], _ value: Operand) throws {
        switch value {   // torch refuses a Python number the dtype cannot hold (`int8_x[0] = 300`)
        case .int(let i): try dtype.checkRepresentable(Double(i))
        case .float(let d): try dtype.checkRepresentable(d)
        default: break
        }
        if let off = try scalarOffset(index), value.shape.allSatisfy({ $0 == 1 }) {
            let v = value.tensor(as: dtype)
            func one<T>(_ dst: inout [T], _ src: [T]) throws { dst[off] = src[0] }
            try updateInPlace(v.storage, one, one, one, one)
            return
        }
        let (outShape, maybeOffsets, plan) = try indexOffsets(index)
        let offsets: [Int]
        if let maybeOffsets { offsets = maybeOffsets } else {
            // the basic view's offsets, row-major
            var offs = [plan.offset]
            for d in plan.dims {
                var next: [Int] = []
                next.reserveCapacity(offs.count * d.size)
                for o in offs { for j in 0..<d.size { next.append(o + j * d.stride) } }
                offs = next
            }
            offsets = offs
        }
        var v = value.tensor(as: dtype)
        // leading size-1 dimensions beyond the target's rank are dropped, as torch does.
        while v.rank > outShape.count, v.shape[0] == 1 { v = try v.reshaped(Array(v.shape.dropFirst())) }
        guard Broadcast.canExpand(v.shape, to: outShape) else {
            throw CoreError("shape mismatch: value tensor of shape \(Tensor.formatShape(v.shape)) cannot be broadcast to indexing result of shape \(Tensor.formatShape(outShape))")
        }
        func write<T>(_ dst: inout [T], _ src: [T]) throws {
            let vals = try Broadcast.expand(src, v.shape, to: outShape)
            dst.withUnsafeMutableBufferPointer { p in
                for (i, o) in offsets.enumerated() { p[o] = vals[i] }
            }
        }
        try updateInPlace(v.storage, write, write, write, write)
    }

    /// Runs the matching `body` on this tensor's buffer (inout) and a same-dtype source buffer.
    /// The buffer is moved out of `storage` first, so no temporary holds a second reference and a
    /// uniquely held tensor is updated in place rather than copied; on error it is put back.
    mutating func updateInPlace(_ source: Storage,
                                _ f32: (inout [Float], [Float]) throws -> Void,
                                _ f64: (inout [Double], [Double]) throws -> Void,
                                _ i64: (inout [Int64], [Int64]) throws -> Void,
                                _ b1: (inout [Bool], [Bool]) throws -> Void) throws {
        switch storageDType {
        case .float32:
            guard case .float32(var a) = storage, case .float32(let b) = source else { break }
            storage = .bool([])
            defer { storage = .float32(a) }
            try f32(&a, b)
            return
        case .float64:
            guard case .float64(var a) = storage, case .float64(let b) = source else { break }
            storage = .bool([])
            defer { storage = .float64(a) }
            try f64(&a, b)
            return
        case .int64:
            guard case .int64(var a) = storage, case .int64(let b) = source else { break }
            storage = .bool([])
            defer { storage = .int64(a) }
            try i64(&a, b)
            return
        case .bool:
            guard case .bool(var a) = storage, case .bool(let b) = source else { break }
            storage = .bool([])
            defer { storage = .bool(a) }
            try b1(&a, b)
            return
        default: break
        }
        throw CoreError("internal: assign dtype mismatch")
    }

}
