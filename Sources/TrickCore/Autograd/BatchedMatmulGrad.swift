/// `torch.bmm(a, b)` (BmmBackward0): two 3-D tensors with the same batch size, no broadcasting
/// (as torch); the gradients are `grad @ bᵀ` and `aᵀ @ grad`, batch by batch. float32 products
/// run on `Gemm` one batch at a time, reading the transposes in place (einsum's contractions
/// are these products).
extension Variable {
    public func bmm(_ other: Variable) throws -> Variable {
        let a = data, b = other.data
        guard a.rank == 3 else { throw CoreError("batch1 must be a 3D tensor", kind: "RuntimeError") }
        guard b.rank == 3 else { throw CoreError("batch2 must be a 3D tensor", kind: "RuntimeError") }
        guard a.shape[0] == b.shape[0], a.shape[2] == b.shape[1] else {
            throw CoreError("Expected size for first two dimensions of batch2 tensor to be: [\(a.shape[0]), \(a.shape[2])] but got: [\(b.shape[0]), \(b.shape[1])].", kind: "RuntimeError")
        }
        let v = try Variable.batchedProduct(a, b)
        return Variable.record("BmmBackward0", v, inputs: [self, other], saved: [self, other]) { g, need in
            [need[0] ? try Variable.batchedProduct(g, b, transB: true) : nil,
             need[1] ? try Variable.batchedProduct(a, g, transA: true) : nil]
        }
    }

    /// `op(a[i]) @ op(b[i])` with `op` a transpose of the last two dimensions when asked, read in
    /// place (einsum's contractions whose operands lie transposed: no permuted copy forward or
    /// back). The same sums as `bmm` of the transposed copies, bit for bit; recorded as
    /// BmmBackward0.
    func bmm(_ other: Variable, transA: Bool, transB: Bool) throws -> Variable {
        if !transA && !transB { return try bmm(other) }
        let a = data, b = other.data
        let v = try Variable.batchedProduct(a, b, transA: transA, transB: transB)
        return Variable.record("BmmBackward0", v, inputs: [self, other], saved: [self, other]) { g, need in
            // C = op(A)·op(B): ∂op(A) = g·op(B)ᵀ, ∂op(B) = op(A)ᵀ·g, transposed back where op is one
            [need[0] ? (transA ? try Variable.batchedProduct(b, g, transA: transB, transB: true)
                               : try Variable.batchedProduct(g, b, transB: !transB)) : nil,
             need[1] ? (transB ? try Variable.batchedProduct(g, a, transA: true, transB: transA)
                               : try Variable.batchedProduct(a, g, transA: !transA)) : nil]
        }
    }

    /// `a[i] @ b[i]` for each batch i of two 3-D tensors, either side read transposed.
    static func batchedProduct(_ a: Tensor, _ b: Tensor, transA: Bool = false, transB: Bool = false) throws -> Tensor {
        guard case .float32(let x) = a.storage, case .float32(let y) = b.storage else {
            return try Tensor.matmul(transA ? a.transposed(1, 2) : a, transB ? b.transposed(1, 2) : b)
        }
        let batches = a.shape[0]
        let m = transA ? a.shape[2] : a.shape[1], k = transA ? a.shape[1] : a.shape[2]
        let n = transB ? b.shape[1] : b.shape[2]
        guard a.shape[0] == b.shape[0], k == (transB ? b.shape[2] : b.shape[1]) else {
            throw CoreError("bmm: batch shapes \(Tensor.formatShape(a.shape)) and \(Tensor.formatShape(b.shape)) do not multiply", kind: "RuntimeError")
        }
        let count = try Tensor.checkedAllocationCount([batches, m, n], dtype: .float32)
        if count == 0 || k == 0 { return try Tensor.zeros([batches, m, n]) }
        let out = [Float](unsafeUninitializedCapacity: count) { c, filled in
            x.withUnsafeBufferPointer { pa in
                y.withUnsafeBufferPointer { pb in
                    // Batches on the cores when there are several (each product then on one thread:
                    // a product's numbers do not depend on how it is split, nor on the thread).
                    let threads = batches >= 2 && batches * m * n * k >= 1 << 18 ? Parallel.workers : 1
                    Parallel.ranges(batches, threads: threads) { lo, hi in
                        for i in lo..<hi {
                            Gemm.multiply(pa.baseAddress! + i * m * k, transA: transA, pb.baseAddress! + i * k * n, transB: transB,
                                          c.baseAddress! + i * m * n, m: m, n: n, k: k, parallel: threads == 1)
                        }
                    }
                }
            }
            filled = count
        }
        return Tensor(shape: [batches, m, n], float32: out)
    }
}
