// TEMPORARY stubs so the language compiles before the kernels land (the tensor-core work
// replaces this file with real implementations in Elementwise.swift, Indexing.swift, ...).
extension Tensor {
    /// `lhs op rhs` with broadcasting and torch type promotion.
    public static func binary(_ op: BinaryOp, _ lhs: Operand, _ rhs: Operand) throws -> Tensor {
        throw CoreError("tensor operator \(op.rawValue) is not implemented yet")
    }
    public func unary(_ op: UnaryOp) throws -> Tensor {
        throw CoreError("tensor \(op) is not implemented yet")
    }
    /// `a @ b` as torch.matmul (1-D/2-D/batched).
    public static func matmul(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        throw CoreError("matmul is not implemented yet")
    }
    /// `t[i, j:k, mask, ...]`.
    public func subscripted(_ index: [TensorIndex]) throws -> Tensor {
        throw CoreError("tensor indexing is not implemented yet")
    }
    /// `t[i, j:k, mask, ...] = value` (value broadcast to the indexed shape).
    public mutating func assign(_ index: [TensorIndex], _ value: Operand) throws {
        throw CoreError("tensor index assignment is not implemented yet")
    }
}
