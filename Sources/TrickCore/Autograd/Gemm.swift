import Dispatch

/// Single-precision matrix products for autograd's linear layers and convolutions:
/// `C (m×n) = op(A) · op(B) (+ C)`, row-major, `op` an optional transpose.
///
/// Operands are first packed into row-major `A (m×k)` and `B (k×n)`; the kernel then walks
/// blocks of four rows of C, each element accumulated in float32 over k in increasing order
/// (as one sgemm dot product would, not bit for bit with a given BLAS). Rows are split over the
/// cores in fixed blocks, and each element is computed by one thread in a fixed order, so the
/// result does not depend on the thread count.
enum Gemm {
    /// `c = op(a)·op(b)` (or `c += …` with `accumulate`). `a` is m×k (k×m when `transA`), `b` is
    /// k×n (n×k when `transB`).
    static func multiply(_ a: UnsafePointer<Float>, transA: Bool, _ b: UnsafePointer<Float>, transB: Bool,
                         _ c: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int, accumulate: Bool = false) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            if !accumulate { c.update(repeating: 0, count: m * n) }
            return
        }
        var packedA: [Float] = [], packedB: [Float] = []
        if transA { packedA = transpose(a, rows: k, cols: m) }
        if transB { packedB = transpose(b, rows: n, cols: k) }
        packedA.withUnsafeBufferPointer { pa in
            packedB.withUnsafeBufferPointer { pb in
                let A = transA ? pa.baseAddress! : a
                let B = transB ? pb.baseAddress! : b
                kernel(A, B, c, m: m, n: n, k: k, accumulate: accumulate)
            }
        }
    }

    /// A row-major `rows × cols` matrix transposed into a new buffer.
    static func transpose(_ p: UnsafePointer<Float>, rows: Int, cols: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: rows * cols) { buf, count in
            let tb = 32
            var i0 = 0
            while i0 < rows {
                let i1 = Swift.min(rows, i0 + tb)
                var j0 = 0
                while j0 < cols {
                    let j1 = Swift.min(cols, j0 + tb)
                    for i in i0..<i1 { for j in j0..<j1 { buf[j * rows + i] = p[i * cols + j] } }
                    j0 = j1
                }
                i0 = i1
            }
            count = rows * cols
        }
    }

    /// Row blocks of C run in parallel when the product is large enough to pay for it.
    static func kernel(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                       m: Int, n: Int, k: Int, accumulate: Bool) {
        let work = m * n * k
        let blocks = (m + 3) / 4
        if work < 1 << 18 || blocks < 2 {
            rows(a, b, c, 0..<m, n: n, k: k, accumulate: accumulate)
            return
        }
        let workers = Parallel.workers
        let per = (blocks + workers - 1) / workers
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let lo = Swift.min(m, w * per * 4), hi = Swift.min(m, (w + 1) * per * 4)
            if lo < hi { rows(a, b, c, lo..<hi, n: n, k: k, accumulate: accumulate) }
        }
    }

    /// C rows `range`: four rows at a time over column panels that stay in L1.
    @inline(__always)
    static func rows(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                     _ range: Range<Int>, n: Int, k: Int, accumulate: Bool) {
        let panel = 512
        var j0 = 0
        while j0 < n {
            let w = Swift.min(panel, n - j0)
            var i = range.lowerBound
            while i < range.upperBound {
                let r = Swift.min(4, range.upperBound - i)
                let c0 = c + i * n + j0
                let c1 = r > 1 ? c0 + n : c0, c2 = r > 2 ? c0 + 2 * n : c0, c3 = r > 3 ? c0 + 3 * n : c0
                if !accumulate { for q in 0..<r { (c0 + q * n).update(repeating: 0, count: w) } }
                if r == 4 {
                    let a0 = a + i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k
                    for kk in 0..<k {
                        let bp = b + kk * n + j0
                        let x0 = a0[kk], x1 = a1[kk], x2 = a2[kk], x3 = a3[kk]
                        for j in 0..<w {
                            let bv = bp[j]
                            c0[j] += x0 * bv; c1[j] += x1 * bv; c2[j] += x2 * bv; c3[j] += x3 * bv
                        }
                    }
                } else {
                    for q in 0..<r {
                        let ap = a + (i + q) * k, cp = c0 + q * n
                        for kk in 0..<k {
                            let bp = b + kk * n + j0, x = ap[kk]
                            for j in 0..<w { cp[j] += x * bp[j] }
                        }
                    }
                }
                i += r
            }
            j0 += w
        }
    }

    /// `op(a)·op(b)` of two float32 matrices as arrays.
    static func multiply(_ a: [Float], transA: Bool, _ b: [Float], transB: Bool, m: Int, n: Int, k: Int) -> [Float] {
        var c = [Float](repeating: 0, count: m * n)
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    if let A = pa.baseAddress, let B = pb.baseAddress, let C = pc.baseAddress {
                        multiply(A, transA: transA, B, transB: transB, C, m: m, n: n, k: k)
                    }
                }
            }
        }
        return c
    }
}
