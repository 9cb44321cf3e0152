/// `torch.searchsorted` / `torch.bucketize` (binary search in sorted boundaries) and
/// `torch.unique_consecutive` (runs of equal values or slices), as torch defines them.
extension Tensor {
    /// `searchsorted(sorted_sequence, values, right, sorter)`: for each value the first index
    /// whose boundary is ≥ it (`right`: > it). A 1-D sequence serves every value; an N-D one
    /// (…, M) is searched row by row by values (…, K) with the same leading sizes.
    public static func searchsorted(_ sequence: Tensor, _ values: Tensor, right: Bool = false, sorter: Tensor? = nil) throws -> Tensor {
        guard sequence.rank >= 1 else {
            throw CoreError("torch.searchsorted(): boundaries tensor should have positive dimension, but got 0 dimension", kind: "RuntimeError")
        }
        if sequence.rank > 1 {
            guard values.rank == sequence.rank, Array(values.shape.dropLast()) == Array(sequence.shape.dropLast()) else {
                throw CoreError("torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries tensor and input value tensor must match, but we got boundaries tensor \(Tensor.formatShape(sequence.shape)) and input value tensor \(Tensor.formatShape(values.shape))", kind: "RuntimeError")
            }
        }
        if let sorter, sorter.shape != sequence.shape {
            throw CoreError("torch.searchsorted(): boundary and sorter must have the same size, but got boundary tensor \(Tensor.formatShape(sequence.shape))and got sorter tensor \(Tensor.formatShape(sorter.shape))", kind: "RuntimeError")
        }
        let m = sequence.shape[sequence.rank - 1]
        let seq = sequence.doubles, order = sorter?.int64s.map(Int.init), xs = values.doubles
        let perRow = sequence.rank == 1 ? xs.count : (values.shape.last ?? 1)
        var out = [Int64](repeating: 0, count: xs.count)
        for (i, x) in xs.enumerated() {
            let row = sequence.rank == 1 ? 0 : i / Swift.max(perRow, 1)
            var lo = 0, hi = m
            while lo < hi {
                let mid = (lo + hi) / 2
                let b = seq[row * m + (order?[row * m + mid] ?? mid)]
                if right ? b <= x : b < x { lo = mid + 1 } else { hi = mid }
            }
            out[i] = Int64(lo)
        }
        return Tensor(shape: values.shape, int64: out)
    }

    /// `unique_consecutive(dim=None)`: the first element of each run of equal consecutive
    /// elements (of the flattened tensor, or slices along `dim`), the run each element belongs
    /// to (`inverse`, the input's shape, or the size of `dim`) and each run's length.
    public func uniqueConsecutive(dim: Int? = nil) throws -> (values: Tensor, inverse: Tensor, counts: Tensor) {
        if let dim {
            let d = try Tensor.normalizeDim(dim, rank: rank)
            let n = shape[d]
            let slices = try (0..<n).map { try narrowed(d, $0, 1).doubles }
            var starts: [Int] = [], inverse: [Int64] = [], counts: [Int64] = []
            for i in 0..<n {
                let same = i > 0 && zip(slices[i], slices[i - 1]).allSatisfy { $0 == $1 }
                if !same { starts.append(i); counts.append(0) }
                counts[counts.count - 1] += 1
                inverse.append(Int64(starts.count - 1))
            }
            let values = try indexSelect(dim: d, index: Tensor(shape: [starts.count], int64: starts.map(Int64.init)))
            return (values, Tensor(shape: [n], int64: inverse), Tensor(shape: [counts.count], int64: counts))
        }
        let xs = doubles
        var starts: [Int] = [], inverse: [Int64] = [], counts: [Int64] = []
        for (i, x) in xs.enumerated() {
            if i == 0 || !(x == xs[i - 1]) { starts.append(i); counts.append(0) }
            counts[counts.count - 1] += 1
            inverse.append(Int64(starts.count - 1))
        }
        let values = try reshaped([-1]).reindexed([starts.count], offsets: starts)
        return (values, Tensor(shape: shape, int64: inverse), Tensor(shape: [counts.count], int64: counts))
    }
}
