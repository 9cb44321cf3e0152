import XCTest
@testable import TrickCore

/// The float32 GEMM under matmul / linear / conv2d: every transpose combination against a
/// double-precision reference, and bit-identical results whether the rows are split over the
/// cores or computed one row at a time (the thread-count independence autograd relies on); the
/// AVX2/FMA kernel, the portable one, and OpenBLAS (where `Gemm` routes products with k ≥ 16).
final class GemmTests: XCTestCase {
    func reference(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int, transA: Bool, transB: Bool) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n {
            var s = 0.0
            for p in 0..<k {
                s += Double(transA ? a[p * m + i] : a[i * k + p]) * Double(transB ? b[j * k + p] : b[p * n + j])
            }
            c[i * n + j] = s
        } }
        return c
    }

    func testAllTransposesAgainstDouble() throws {
        try allTransposes()
        let was = Gemm.useOpenBLAS
        Gemm.useOpenBLAS = false   // trick's kernel at every k
        defer { Gemm.useOpenBLAS = was }
        try allTransposes()
        if Gemm.hasAVX2 {   // the portable kernel too
            Gemm.useAVX2 = false
            defer { Gemm.useAVX2 = true }
            try allTransposes()
            try testSplitOverCoresIsBitIdenticalToRowByRow()
        }
    }

    func allTransposes() throws {
        let g = RandomGenerator(seed: 11)
        for (m, n, k) in [(1, 1, 1), (3, 5, 7), (13, 17, 9), (64, 70, 33), (5, 9, 0), (7, 16, 5), (4, 33, 20)] {
            let a = try Tensor.randn([m * k], generator: g).floats, b = try Tensor.randn([k * n], generator: g).floats
            for ta in [false, true] { for tb in [false, true] {
                let got = Gemm.multiply(a, transA: ta, b, transB: tb, m: m, n: n, k: k)
                let want = reference(a, b, m: m, n: n, k: k, transA: ta, transB: tb)
                for i in 0..<(m * n) {
                    XCTAssertEqual(Double(got[i]), want[i], accuracy: 1e-5 * Double(k + 1), "\(m)x\(n)x\(k) \(ta) \(tb) [\(i)]")
                }
            } }
        }
    }

    func testSplitOverCoresIsBitIdenticalToRowByRow() throws {
        let was = Gemm.useOpenBLAS
        Gemm.useOpenBLAS = false
        defer { Gemm.useOpenBLAS = was }
        let g = RandomGenerator(seed: 12)
        // large enough for the parallel path; 37 rows: 10 row panels in chunks of 2, the last chunks empty
        for (m, n, k) in [(96, 130, 257), (37, 130, 257)] {
            let a = try Tensor.randn([m * k], generator: g).floats, b = try Tensor.randn([k * n], generator: g).floats
            let whole = Gemm.multiply(a, transA: false, b, transB: false, m: m, n: n, k: k)
            var rows: [Float] = []
            for i in 0..<m { rows += Gemm.multiply(Array(a[(i * k)..<((i + 1) * k)]), transA: false, b, transB: false, m: 1, n: n, k: k) }
            XCTAssertEqual(whole, rows, "\(m)x\(n)x\(k)")
        }
    }

    /// The AVX2 path that reads A in place and splits over B's column panels gives the bits of the
    /// packed row-panel path, for every transpose, with accumulation, on one core or two.
    func testDirectPathIsBitIdenticalToPacked() throws {
        guard Gemm.hasAVX2 else { return }
        let was = Gemm.useOpenBLAS
        Gemm.useOpenBLAS = false
        defer { Gemm.useOpenBLAS = was; Gemm.useDirect = true; Gemm.useAVX512 = Gemm.hasAVX512 }
        let g = RandomGenerator(seed: 14)
        // small and large (parallel), 1 and several column panels (odd and even counts: a last group
        // of one panel), ragged rows / columns (1–7 rows in the last 8-row block), k below and above
        // directMinK, a single group split by rows
        for (m, n, k) in [(13, 37, 50), (3, 5, 40), (37, 130, 257), (130, 9, 300), (8, 80, 2048), (6, 16, 31), (96, 70, 33),
                          (5, 48, 64), (130, 32, 300), (255, 257, 40), (1, 33, 100)] {
            let a = try Tensor.randn([m * k], generator: g).floats, b = try Tensor.randn([k * n], generator: g).floats
            let c0 = try Tensor.randn([m * n], generator: g).floats
            for ta in [false, true] { for tb in [false, true] { for acc in [false, true] { for parallel in [true, false] {
                var outs: [[Float]] = []
                // direct (AVX-512 8×32 blocks where the CPU has them), direct with 4×16 blocks, packed
                for (direct, wide) in [(true, Gemm.hasAVX512), (true, false), (false, false)] {
                    Gemm.useDirect = direct
                    Gemm.useAVX512 = wide
                    outs.append(multiplied(a, ta, b, tb, onto: c0, m: m, n: n, k: k, accumulate: acc, parallel: parallel))
                }
                XCTAssertEqual(outs[0], outs[2], "\(m)x\(n)x\(k) \(ta) \(tb) acc \(acc) parallel \(parallel) (AVX-512)")
                XCTAssertEqual(outs[1], outs[2], "\(m)x\(n)x\(k) \(ta) \(tb) acc \(acc) parallel \(parallel)")
            } } } }
        }
    }

    /// `Gemm.multiply` of op(a)·op(b) onto a copy of `c0` (added to it with `accumulate`).
    private func multiplied(_ a: [Float], _ ta: Bool, _ b: [Float], _ tb: Bool, onto c0: [Float], m: Int, n: Int, k: Int,
                            accumulate: Bool, parallel: Bool) -> [Float] {
        var c = c0
        a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in c.withUnsafeMutableBufferPointer { pc in
            Gemm.multiply(pa.baseAddress!, transA: ta, pb.baseAddress!, transB: tb, pc.baseAddress!,
                          m: m, n: n, k: k, accumulate: accumulate, parallel: parallel)
        } } }
        return c
    }

    /// OpenBLAS's row blocks are fixed by the shape: running them on the cores or one after the
    /// other gives the same bits, for each transpose and with accumulation.
    func testOpenBLASBlocksAreTheSameOnOneCoreOrTwo() throws {
        let was = Gemm.useOpenBLAS
        Gemm.useOpenBLAS = true
        defer { Gemm.useOpenBLAS = was }
        let g = RandomGenerator(seed: 13)
        XCTAssertNotNil(OpenBLAS.sgemm, "libopenblas.so.0 not found: `make deps` installs libopenblas-dev")
        let (m, n, k) = (200, 130, 257)   // 6.7 M multiply-adds: 2 blocks
        XCTAssertEqual(Gemm.blockCount(m: m, n: n, k: k), 2)
        let a = try Tensor.randn([m * k], generator: g).floats, b = try Tensor.randn([k * n], generator: g).floats
        let c0 = try Tensor.randn([m * n], generator: g).floats
        for ta in [false, true] { for tb in [false, true] { for acc in [false, true] {
            var outs: [[Float]] = []
            for parallel in [true, false] {
                outs.append(multiplied(a, ta, b, tb, onto: c0, m: m, n: n, k: k, accumulate: acc, parallel: parallel))
            }
            XCTAssertEqual(outs[0], outs[1], "\(ta) \(tb) \(acc)")
            let want = reference(a, b, m: m, n: n, k: k, transA: ta, transB: tb)
            for i in stride(from: 0, to: m * n, by: 97) {
                XCTAssertEqual(Double(outs[0][i]), want[i] + (acc ? Double(c0[i]) : 0), accuracy: 1e-5 * Double(k + 1), "\(ta) \(tb) \(acc) [\(i)]")
            }
        } } }
    }
}
