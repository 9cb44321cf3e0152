/// `a @ b` as `torch.matmul`: 1-D·1-D is a dot product (0-d), 2-D·2-D a matrix product,
/// a 1-D operand is treated as a row (left) or column (right) vector and that dimension is
/// removed afterwards, and leading batch dimensions broadcast. Mixed dtypes promote (torch
/// would refuse); bool is an error. float32 accumulates in float32 as BLAS sgemm does.
extension Tensor {
    public static func matmul(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        guard a.rank >= 1 && b.rank >= 1 else {
            throw CoreError("matmul(): both arguments need at least 1 dimension, got shapes \(formatShape(a.shape)) and \(formatShape(b.shape))")
        }
        var dt = DType.promote(a.dtype, b.dtype)
        if dt == .bool { dt = .int64 }
        let x = a.rank == 1 ? try a.reshaped([1, a.shape[0]]) : a
        let y = b.rank == 1 ? try b.reshaped([b.shape[0], 1]) : b
        let m = x.shape[x.rank - 2], k = x.shape[x.rank - 1]
        let k2 = y.shape[y.rank - 2], n = y.shape[y.rank - 1]
        guard k == k2 else {
            throw CoreError("matmul(): shapes \(formatShape(a.shape)) and \(formatShape(b.shape)) cannot be multiplied (\(m)x\(k) and \(k2)x\(n))")
        }
        let batchA = Array(x.shape.dropLast(2)), batchB = Array(y.shape.dropLast(2))
        let batch = try Broadcast.shape(batchA, batchB)
        let xe = try x.cast(to: dt).expanded(batch + [m, k])
        let ye = try y.cast(to: dt).expanded(batch + [k, n])
        let nb = product(batch)
        var outShape = batch + [m, n]
        _ = try checkedAllocationCount(outShape, dtype: dt)
        let result: Tensor
        switch (xe.storage, ye.storage) {
        case (.float32(let p), .float32(let q)): result = Tensor(shape: outShape, float32: mm(p, q, nb, m, k, n))
        case (.float64(let p), .float64(let q)): result = Tensor(shape: outShape, float64: mm(p, q, nb, m, k, n))
        case (.int64(let p), .int64(let q)): result = Tensor(shape: outShape, int64: mm(p, q, nb, m, k, n))
        default: throw CoreError("internal: matmul dtype")
        }
        if a.rank == 1 { outShape.remove(at: outShape.count - 2) }
        if b.rank == 1 { outShape.removeLast() }
        return try result.reshaped(outShape)
    }

    /// Batched row-major matrix product, blocked over k and j for cache reuse.
    static func mm<T: Numeric>(_ a: [T], _ b: [T], _ batches: Int, _ m: Int, _ k: Int, _ n: Int) -> [T] {
        var c = [T](repeating: 0, count: batches * m * n)
        if m == 0 || n == 0 { return c }
        let kb = 256, nbk = 512
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    for bi in 0..<batches {
                        let ao = bi * m * k, bo = bi * k * n, co = bi * m * n
                        var j0 = 0
                        while j0 < n {
                            let j1 = Swift.min(n, j0 + nbk)
                            var k0 = 0
                            while k0 < k {
                                let k1 = Swift.min(k, k0 + kb)
                                for i in 0..<m {
                                    let crow = pc.baseAddress! + co + i * n
                                    for kk in k0..<k1 {
                                        let av = pa[ao + i * k + kk]
                                        let brow = pb.baseAddress! + bo + kk * n
                                        for j in j0..<j1 { crow[j] += av * brow[j] }
                                    }
                                }
                                k0 = k1
                            }
                            j0 = j1
                        }
                    }
                }
            }
        }
        return c
    }
}
