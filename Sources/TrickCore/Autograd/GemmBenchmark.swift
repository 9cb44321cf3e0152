import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// `trick-bench --gemm`: trick's own GEMM against OpenBLAS's `cblas_sgemm` at the shapes autograd
/// runs in `make bench` (the MLP's forward and backward products, the conv net's im2col products per
/// image at both sizes), in one process: a warm-up call, then `repeats` timed calls of each side in
/// turn; minimum and median in µs. Also checks that OpenBLAS gives the same bits with 1 and 2
/// threads at each shape, and that `Gemm.multiply`'s row blocks give the bits of one whole call.
/// The measurement behind `Gemm`'s choice of kernel per shape.
public enum GemmBenchmark {
    struct Shape {
        let name: String, m: Int, n: Int, k: Int, transA: Bool, transB: Bool
        /// Whether autograd runs this product on both cores (the MLP) or one image per core (convolutions).
        let parallel: Bool
    }

    static var shapes: [Shape] {
        var s = [
            Shape(name: "mlp fc1 fwd x·W1ᵀ", m: 128, n: 256, k: 784, transA: false, transB: true, parallel: true),
            Shape(name: "mlp fc1 bwd gᵀ·x (∂W1)", m: 256, n: 784, k: 128, transA: true, transB: false, parallel: true),
            Shape(name: "mlp fc2 fwd h·W2ᵀ", m: 128, n: 10, k: 256, transA: false, transB: true, parallel: true),
            Shape(name: "mlp fc2 bwd gᵀ·h (∂W2)", m: 10, n: 256, k: 128, transA: true, transB: false, parallel: true),
            Shape(name: "mlp fc2 bwd g·W2 (∂h)", m: 128, n: 256, k: 10, transA: false, transB: false, parallel: true),
        ]
        for side in [64, 128] {
            let l1 = side * side, l2 = (side / 2) * (side / 2)
            for (conv, ckk, l) in [("conv1", 27, l1), ("conv2", 72, l2), ("conv3", 72, l2), ("head", 8, l2)] {
                let og = conv == "head" ? 4 : 8
                s.append(Shape(name: "\(side)² \(conv) fwd W·cols", m: og, n: l, k: ckk, transA: false, transB: false, parallel: false))
                s.append(Shape(name: "\(side)² \(conv) bwd g·colsᵀ (∂W)", m: og, n: ckk, k: l, transA: false, transB: true, parallel: false))
                if conv != "conv1" {
                    s.append(Shape(name: "\(side)² \(conv) bwd Wᵀ·g (∂cols)", m: ckk, n: l, k: og, transA: true, transB: false, parallel: false))
                }
            }
        }
        return s
    }

    /// Runs the comparison and returns its table (Markdown).
    public static func run(repeats: Int = 51) -> String {
        guard OpenBLAS.sgemm != nil else { return OpenBLAS.description }
        var lines = ["\(OpenBLAS.description), "
                     + "trick kernel \(Gemm.useAVX512 ? "AVX-512 (k ≥ 32), AVX2/FMA" : Gemm.hasAVX2 ? "AVX2/FMA" : "portable"); min / median of \(repeats) calls, µs",
                     "",
                     "| product | m×n×k | trick's kernel (threads) | OpenBLAS 1 thread | OpenBLAS 2 threads | routed (k ≥ 16 → OpenBLAS blocks) | best | OpenBLAS 1 vs 2 threads | routed vs 1 whole call |",
                     "|---|---|---|---|---|---|---|---|---|"]
        for s in shapes {
            let a = buffer(values(s.m * s.k, seed: 1)), b = buffer(values(s.k * s.n, seed: 2))
            let c = zeros(s.m * s.n), c1 = zeros(s.m * s.n), c2 = zeros(s.m * s.n), cr = zeros(s.m * s.n)
            defer { for p in [a, b, c, c1, c2, cr] { p.deallocate() } }
            let threads = s.parallel ? Parallel.workers : 1
            let timed: [() -> Void] = [
                {
                    Gemm.useOpenBLAS = false
                    Gemm.multiply(a, transA: s.transA, b, transB: s.transB, c, m: s.m, n: s.n, k: s.k, parallel: s.parallel)
                },
                { blas(a, b, c1, s, threads: 1) },
                { blas(a, b, c2, s, threads: 2) },
                {
                    OpenBLAS.setThreads(1)
                    Gemm.useOpenBLAS = true   // the routing k ≥ 16 → OpenBLAS row blocks
                    defer { Gemm.useOpenBLAS = false }
                    Gemm.multiply(a, transA: s.transA, b, transB: s.transB, cr, m: s.m, n: s.n, k: s.k, parallel: s.parallel)
                },
            ]
            // Interleaved so that a change of load on the machine falls on every side alike.
            var times = [[Double]](repeating: [], count: timed.count)
            for f in timed { f() }
            for _ in 0..<repeats {
                for (i, f) in timed.enumerated() {
                    let t0 = now()
                    f()
                    times[i].append(now() - t0)
                }
            }
            let stats = times.map { t -> (Double, Double) in let s = t.sorted(); return (s[0], s[s.count / 2]) }
            let same = memcmp(c1, c2, s.m * s.n * 4) == 0
            let routedSame = memcmp(c1, cr, s.m * s.n * 4) == 0 ? "bitwise equal"
                : memcmp(c, cr, s.m * s.n * 4) == 0 ? "(trick's kernel)" : "DIFFER"
            let best = ["trick's kernel", "OpenBLAS 1", "OpenBLAS 2", "routed"][stats.indices.min { stats[$0].1 < stats[$1].1 }!]
            func cell(_ i: Int) -> String { "\(fmt(stats[i].0)) / \(fmt(stats[i].1))" }
            lines.append("| \(s.name) | \(s.m)×\(s.n)×\(s.k) | \(cell(0)) (\(threads)) | \(cell(1)) | \(cell(2)) | \(cell(3)) | \(best) | \(same ? "bitwise equal" : "DIFFER") | \(routedSame) |")
        }
        OpenBLAS.setThreads(1)
        return lines.joined(separator: "\n")
    }

    static func blas(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>, _ s: Shape, threads: Int32) {
        OpenBLAS.setThreads(threads)
        OpenBLAS.sgemm!(OpenBLAS.rowMajor, s.transA ? OpenBLAS.trans : OpenBLAS.noTrans, s.transB ? OpenBLAS.trans : OpenBLAS.noTrans,
                    Int32(s.m), Int32(s.n), Int32(s.k), 1, a, Int32(s.transA ? s.m : s.k),
                    b, Int32(s.transB ? s.k : s.n), 0, c, Int32(s.n))
    }

    static func buffer(_ v: [Float]) -> UnsafeMutablePointer<Float> {
        let p = UnsafeMutablePointer<Float>.allocate(capacity: v.count)
        p.initialize(from: v, count: v.count)
        return p
    }

    static func zeros(_ count: Int) -> UnsafeMutablePointer<Float> {
        let p = UnsafeMutablePointer<Float>.allocate(capacity: count)
        p.initialize(repeating: 0, count: count)
        return p
    }

    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int(state >> 40) % 2001 - 1000) / 1000
        }
    }

    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    static func fmt(_ seconds: Double) -> String {
        let us = seconds * 1e6
        return us < 10 ? String(format1: us) : String(Int(us.rounded()))
    }
}

private extension String {
    init(format1 v: Double) { self = "\(Double(Int(v * 10)) / 10)" }
}
