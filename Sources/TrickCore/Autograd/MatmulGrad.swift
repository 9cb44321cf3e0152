/// Differentiable `matmul` (`@`) and `F.linear`, as torch 2.4:
/// - 2-D @ 2-D is MmBackward0 (`grad·bᵀ`, `aᵀ·grad`); 1-D @ 1-D DotBackward0; 2-D @ 1-D
///   MvBackward0; other ranks reuse the batched formula, summing broadcast batch dimensions back;
/// - `linear(x, w, b)` with 2-D input and a bias is AddmmBackward0, without bias MmBackward0;
///   higher-rank input is flattened to 2-D and viewed back (ViewBackward0), as torch does.
/// float32 2-D products run on `Gemm`; other dtypes on the core's `Tensor.matmul`.
extension Variable {
    /// `a @ b`.
    public func matmul(_ other: Variable) throws -> Variable {
        let a = data, b = other.data
        if a.rank == 2 && b.rank == 2 {
            let v = try Variable.mm(a, b)
            return Variable.record("MmBackward0", v, inputs: [self, other], saved: [self, other]) { g, need in
                [need[0] ? try Variable.mm(g, b, transB: true) : nil, need[1] ? try Variable.mm(a, g, transA: true) : nil]
            }
        }
        if a.rank == 1 && b.rank == 1 {
            let v = try Tensor.matmul(a, b)
            return Variable.record("DotBackward0", v, inputs: [self, other], saved: [self, other]) { g, need in
                [need[0] ? try GradMath.bin(.mul, b, g) : nil, need[1] ? try GradMath.bin(.mul, a, g) : nil]
            }
        }
        if a.rank == 2 && b.rank == 1 {
            let v = try Tensor.matmul(a, b)
            return Variable.record("MvBackward0", v, inputs: [self, other], saved: [self, other]) { g, need in
                [need[0] ? try Variable.mm(try g.reshaped([g.count, 1]), try b.reshaped([1, b.count])) : nil,
                 need[1] ? try Tensor.matmul(try a.transposed(0, 1), g) : nil]
            }
        }
        // General case: treat 1-D operands as a row / column, batch-broadcast, sum back.
        let v = try Tensor.matmul(a, b)
        let a2 = a.rank == 1 ? try a.reshaped([1, a.count]) : a
        let b2 = b.rank == 1 ? try b.reshaped([b.count, 1]) : b
        return Variable.record(a.rank >= 3 || b.rank >= 3 ? "UnsafeViewBackward0" : "MmBackward0", v,
                               inputs: [self, other], saved: [self, other]) { g, need in
            var gs = g.shape
            if a.rank == 1 { gs.insert(1, at: gs.count - (b.rank == 1 ? 0 : 1)) }
            if b.rank == 1 { gs.append(1) }
            let g2 = try g.reshaped(gs)
            var ga: Tensor?, gb: Tensor?
            if need[0] {
                let full = try Tensor.matmul(g2, try b2.transposed(-1, -2))
                ga = try GradMath.sumTo(full, a2.shape).reshaped(a.shape)
            }
            if need[1] {
                let full = try Tensor.matmul(try a2.transposed(-1, -2), g2)
                gb = try GradMath.sumTo(full, b2.shape).reshaped(b.shape)
            }
            return [ga, gb]
        }
    }

    /// A 2-D product, float32 on `Gemm`, else the core's matmul.
    static func mm(_ a: Tensor, _ b: Tensor, transA: Bool = false, transB: Bool = false) throws -> Tensor {
        let m = transA ? a.shape[1] : a.shape[0], k = transA ? a.shape[0] : a.shape[1]
        let k2 = transB ? b.shape[1] : b.shape[0], n = transB ? b.shape[0] : b.shape[1]
        guard k == k2 else {
            throw CoreError("mat1 and mat2 shapes cannot be multiplied (\(m)x\(k) and \(k2)x\(n))")
        }
        if case .float32(let x) = a.storage, case .float32(let y) = b.storage {
            _ = try Tensor.checkedAllocationCount([m, n], dtype: .float32)
            return Tensor(shape: [m, n], float32: Gemm.multiply(x, transA: transA, y, transB: transB, m: m, n: n, k: k))
        }
        return try Tensor.matmul(transA ? a.transposed(0, 1) : a, transB ? b.transposed(0, 1) : b)
    }

    /// `F.linear(input, weight, bias)`: `input @ weightᵀ + bias`.
    public static func linear(_ input: Variable, _ weight: Variable, _ bias: Variable? = nil) throws -> Variable {
        guard weight.rank == 2 else { throw CoreError("linear(): weight must be 2-D (out_features, in_features), got \(Tensor.formatShape(weight.shape))") }
        if input.rank != 2 {
            let inF = input.shape.last ?? 1
            let flat = try input.reshape([-1, inF])
            let out = try linear(flat, weight, bias)
            return try out.reshape(Array(input.shape.dropLast()) + [weight.shape[0]])
        }
        guard input.shape[1] == weight.shape[1] else {
            throw CoreError("mat1 and mat2 shapes cannot be multiplied (\(input.shape[0])x\(input.shape[1]) and \(weight.shape[1])x\(weight.shape[0]))")
        }
        let x = input.data, w = weight.data
        if let bias {
            let v = try biasedProduct(x, w, bias.data) ?? Tensor.binary(.add, try mm(x, w, transB: true), bias.data)
            return record("AddmmBackward0", v, inputs: [bias, input, weight], saved: [input, weight]) { g, need in
                [need[0] ? try columnSums(g) : nil,
                 need[1] ? try mm(g, w) : nil,
                 need[2] ? try mm(g, x, transA: true) : nil]
            }
        }
        let v = try mm(x, w, transB: true)
        return record("MmBackward0", v, inputs: [input, weight], saved: [input, weight]) { g, need in
            [need[0] ? try mm(g, w) : nil, need[1] ? try mm(g, x, transA: true) : nil]
        }
    }

    /// The bias gradient `g.sum(dims: [0])` of a float32 m×n `g` (n ≥ 2), row by row: each column's
    /// float64 sum still runs over the rows in order (`Tensor.sumLane`'s strided lane, the same bits),
    /// but the pass reads `g` contiguously instead of one column at a time.
    static func columnSums(_ g: Tensor) throws -> Tensor {
        guard g.rank == 2, g.shape[1] >= 2, case .float32(let x) = g.storage else { return try g.sum(dims: [0]) }
        let m = g.shape[0], n = g.shape[1]
        var acc = [Double](repeating: 0, count: n)
        x.withUnsafeBufferPointer { px in
            acc.withUnsafeMutableBufferPointer { pa in
                guard let src = px.baseAddress, let dst = pa.baseAddress else { return }
                for i in 0..<m {
                    let row = src + i * n
                    for j in 0..<n { dst[j] += Double(row[j]) }
                }
            }
        }
        return Tensor(shape: [n], float32: acc.map { Float($0) })
    }

    /// `x·wᵀ + b` for float32 with the bias in the product: the output starts as the bias rows and
    /// the GEMM adds each finished sum to it (`accumulate`), the same single rounding of
    /// `sum + b` as adding the bias afterwards, without the second pass and array. nil when the
    /// dtypes, the bias's shape or an empty product ask for the general path (or the products go to OpenBLAS,
    /// whose `beta = 1` may round differently).
    static func biasedProduct(_ x: Tensor, _ w: Tensor, _ b: Tensor) throws -> Tensor? {
        guard !Gemm.useOpenBLAS, case .float32(let xs) = x.storage, case .float32(let ws) = w.storage,
              case .float32(let bs) = b.storage, b.shape == [w.shape[0]] else { return nil }
        let m = x.shape[0], n = w.shape[0], k = x.shape[1]
        let count = try Tensor.checkedAllocationCount([m, n], dtype: .float32)
        guard count > 0, k > 0 else { return nil }
        let out = [Float](unsafeUninitializedCapacity: count) { buf, filled in
            let c = buf.baseAddress!
            bs.withUnsafeBufferPointer { pb in
                for i in 0..<m { (c + i * n).initialize(from: pb.baseAddress!, count: n) }
            }
            xs.withUnsafeBufferPointer { px in ws.withUnsafeBufferPointer { pw in
                Gemm.multiply(px.baseAddress!, transA: false, pw.baseAddress!, transB: true, c, m: m, n: n, k: k, accumulate: true)
            } }
            filled = count
        }
        return Tensor(shape: [m, n], float32: out)
    }
}
