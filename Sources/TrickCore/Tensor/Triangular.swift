/// Diagonals and triangles: `diagonal`, `diag`, `trace`, `tril`, `triu`, `tril_indices`,
/// `triu_indices`, as torch 2.4.1.
extension Tensor {
    /// `diagonal(offset=0, dim1=0, dim2=1)`: the other dimensions, then the diagonal's.
    public func diagonal(offset: Int = 0, dim1: Int = 0, dim2: Int = 1) throws -> Tensor {
        let d1 = try Tensor.normalizeDim(dim1, rank: rank), d2 = try Tensor.normalizeDim(dim2, rank: rank)
        guard d1 != d2 else { throw CoreError("diagonal dimensions cannot be identical \(dim1), \(dim2)", kind: "RuntimeError") }
        let st = strides
        var length: Int, start: Int
        if offset >= 0 {
            length = Swift.max(Swift.min(shape[d1], shape[d2] - offset), 0)
            start = offset * st[d2]
        } else {
            length = Swift.max(Swift.min(shape[d1] + offset, shape[d2]), 0)
            start = -offset * st[d1]
        }
        if length == 0 { start = 0 }
        var outShape: [Int] = [], outStrides: [Int] = []
        for k in 0..<rank where k != d1 && k != d2 { outShape.append(shape[k]); outStrides.append(st[k]) }
        return strided(shape: outShape + [length], strides: outStrides + [st[d1] + st[d2]], offset: start)
    }

    /// `diag(diagonal=0)`: a 1-D tensor becomes the square matrix with it on that diagonal; a
    /// 2-D tensor gives its diagonal.
    public func diag(_ k: Int = 0) throws -> Tensor {
        switch rank {
        case 2: return try diagonal(offset: k)
        case 1:
            let n = shape[0] + Swift.abs(k)
            let offsets = (0..<shape[0]).map { i in k >= 0 ? i * n + i + k : (i - k) * n + i }
            return try Tensor.zeros([n, n], dtype: dtype).written(at: offsets, values: self, sourceOffsets: Array(0..<count), add: false)
        default:
            throw CoreError("diag(): Supports 1D or 2D tensors. Got \(rank)D", kind: "RuntimeError")
        }
    }

    /// `trace()`: the sum of a matrix's diagonal (integers sum to int64).
    public func trace() throws -> Tensor {
        guard rank == 2 else { throw CoreError("trace: expected a matrix, but got tensor with dim \(rank)", kind: "RuntimeError") }
        return try diagonal().sum()
    }

    /// `tril(diagonal=0)` / `triu(diagonal=0)`: the last two dimensions' lower / upper triangle
    /// (column − row ≤ k / ≥ k), zeros elsewhere.
    public func triangle(upper: Bool, _ k: Int = 0) throws -> Tensor {
        guard rank >= 2 else { throw CoreError("\(upper ? "triu" : "tril"): input tensor must have at least 2 dimensions", kind: "RuntimeError") }
        let rows = shape[rank - 2], cols = shape[rank - 1]
        var drop = [Bool](repeating: false, count: rows * cols)
        for i in 0..<rows { for j in 0..<cols { drop[i * cols + j] = upper ? j - i < k : j - i > k } }
        return try maskedFilled(Tensor(shape: [rows, cols], bool: drop), 0)
    }

    /// `tril_indices(row, col, offset=0)` / `triu_indices`: the 2×N int64 coordinates of the
    /// triangle, row by row.
    public static func triangleIndices(upper: Bool, rows: Int, cols: Int, offset: Int = 0) throws -> Tensor {
        guard rows >= 0, cols >= 0 else { throw CoreError("\(upper ? "triu" : "tril")_indices: row and col must be non-negative", kind: "RuntimeError") }
        var r: [Int64] = [], c: [Int64] = []
        for i in 0..<rows {
            for j in 0..<cols where upper ? j - i >= offset : j - i <= offset {
                r.append(Int64(i)); c.append(Int64(j))
            }
        }
        return Tensor(shape: [2, r.count], int64: r + c)
    }
}
