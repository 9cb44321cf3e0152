/// `torch.bmm(a, b)` (BmmBackward0): two 3-D tensors with the same batch size, no broadcasting
/// (as torch); the gradients are `grad @ bᵀ` and `aᵀ @ grad`, batch by batch.
extension Variable {
    public func bmm(_ other: Variable) throws -> Variable {
        let a = data, b = other.data
        guard a.rank == 3 else { throw CoreError("batch1 must be a 3D tensor", kind: "RuntimeError") }
        guard b.rank == 3 else { throw CoreError("batch2 must be a 3D tensor", kind: "RuntimeError") }
        guard a.shape[0] == b.shape[0], a.shape[2] == b.shape[1] else {
            throw CoreError("Expected size for first two dimensions of batch2 tensor to be: [\(a.shape[0]), \(a.shape[2])] but got: [\(b.shape[0]), \(b.shape[1])].", kind: "RuntimeError")
        }
        let v = try Tensor.matmul(a, b)
        return Variable.record("BmmBackward0", v, inputs: [self, other], saved: [self, other]) { g, need in
            [need[0] ? try Tensor.matmul(g, try b.transposed(1, 2)) : nil,
             need[1] ? try Tensor.matmul(try a.transposed(1, 2), g) : nil]
        }
    }
}
