import Dispatch
import CTrickKernels

/// Single-precision matrix products for autograd's linear layers and convolutions:
/// `C (m×n) = op(A) · op(B)` (or `C += …`), row-major, `op` an optional transpose.
///
/// GotoBLAS-style, kept small: `B` is packed once into panels of 16 columns (k × 16, contiguous),
/// each 4-row panel of `A` into k × 4; a register-blocked 4×16 kernel keeps the 64 sums in
/// registers over the whole k loop — the AVX2/FMA kernel of CTrickKernels when the CPU has it
/// (one fused multiply-add per term), else two 4×8 SIMD4 blocks in Swift (multiply, then add).
/// With AVX-512 the direct path (k ≥ 32) runs 8×32 blocks instead (`multiplyDirect`): the same
/// fused multiply-add chain per element, so the AVX2 kernel's bits.
/// Every element of C is one float32 sum over k in increasing order (not bit for bit with a given
/// BLAS, whose order differs; nor between the AVX2 and portable kernels). Row panels are split
/// over the cores in fixed chunks and each element is computed by one thread in the same order,
/// so the result does not depend on the thread count.
///
/// OpenBLAS's `cblas_sgemm` can take the products with k ≥ 16 (`useOpenBLAS`, off by default):
/// `make gemm-bench` (README, "BLAS") found trick's kernel clearly faster at k ≤ 8 (the
/// convolutions' input gradients `Wᵀ·g`, ~1.6×) and no clear winner elsewhere (within ±10 % either
/// way on a quiet machine, the MLP's forward slower routed, its weight gradient faster), so products
/// stay on trick's kernel: the same numbers on every machine, with or without the library.
enum Gemm {
    static let mr = 4, nr = 16
    /// Whether the AVX2/FMA kernel runs: when the CPU has it (tests switch it off to check the portable one).
    nonisolated(unsafe) static var useAVX2 = hasAVX2
    static let hasAVX2 = trick_has_avx2_fma() != 0
    /// Whether the AVX-512 blocks run, when the CPU has them: `trick_sgemm_kernel_8x32_avx512` for
    /// the direct path (two row panels against two column panels) and ConvTranspose2d's 8×16 phase
    /// kernels — the same bits as the AVX2 kernels (tests switch it off to compare).
    nonisolated(unsafe) static var useAVX512 = hasAVX512
    static let hasAVX512 = trick_has_avx512() != 0
    /// Whether products with k ≥ `openBLASMinK` go to OpenBLAS (the GEMM bench and its tests switch it on).
    nonisolated(unsafe) static var useOpenBLAS = false
    static let openBLASMinK = 16

    /// `c = op(a)·op(b)` (or `c += …` with `accumulate`). `a` is m×k (k×m when `transA`), `b` is
    /// k×n (n×k when `transB`).
    static func multiply(_ a: UnsafePointer<Float>, transA: Bool, _ b: UnsafePointer<Float>, transB: Bool,
                         _ c: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int, accumulate: Bool = false,
                         parallel: Bool = true) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            if !accumulate { c.update(repeating: 0, count: m * n) }
            return
        }
        if useOpenBLAS && k >= openBLASMinK && Swift.max(m, n, k) <= Int(Int32.max), let sgemm = OpenBLAS.sgemm {
            openBLAS(sgemm, a, transA: transA, b, transB: transB, c, m: m, n: n, k: k, accumulate: accumulate, parallel: parallel)
            return
        }
        if useAVX2 && useDirect && k >= directMinK {
            multiplyDirect(a, transA: transA, b, transB: transB, c, m: m, n: n, k: k, accumulate: accumulate, parallel: parallel)
            return
        }
        let panels = (n + nr - 1) / nr
        let avx2 = useAVX2
        // B packed: panel j holds rows 0..<k of columns 16j..<16j+16 (zero-padded), k × 16.
        let packedB = [Float](unsafeUninitializedCapacity: panels * k * nr) { buf, count in
            let pb = buf.baseAddress!
            for jp in 0..<panels {
                let j0 = jp * nr, w = Swift.min(nr, n - j0)
                let dst = pb + jp * k * nr
                if transB {
                    // b is n × k: column j of op(B) is row j of b
                    if avx2 {
                        trick_sgemm_pack_transposed_16(b + j0 * k, k, k, Int32(w), dst)
                    } else {
                        if w < nr { dst.update(repeating: 0, count: k * nr) }
                        for q in 0..<w {
                            let src = b + (j0 + q) * k
                            for p in 0..<k { dst[p * nr + q] = src[p] }
                        }
                    }
                } else if w == nr {
                    for p in 0..<k { copy16(b + p * n + j0, to: dst + p * nr) }
                } else {
                    for p in 0..<k {
                        let src = b + p * n + j0
                        for q in 0..<nr { dst[p * nr + q] = q < w ? src[q] : 0 }
                    }
                }
            }
            count = panels * k * nr
        }
        packedB.withUnsafeBufferPointer { pb in
            let rowPanels = (m + mr - 1) / mr
            let work = m * n * k
            // Below 2²⁰ multiply-adds one thread (waking the other costs about what it would save:
            // the MLP's 128×10×256 products). Row panels in chunks handed out one at a time to the cores (4 per core: a core that
            // starts late, or is taken by another process meanwhile, leaves its share to the other
            // rather than have it wait); each element is still computed whole by one thread.
            let chunks = !parallel || work < 1 << 20 || rowPanels < 2 ? 1 : Swift.min(rowPanels, 4 * Parallel.workers)
            let per = (rowPanels + chunks - 1) / chunks
            let body = { (w: Int) in
                var packA = [Float](repeating: 0, count: k * mr)
                packA.withUnsafeMutableBufferPointer { pa in
                    let ap = pa.baseAddress!
                    for ip in Swift.min(rowPanels, w * per)..<Swift.min(rowPanels, (w + 1) * per) {
                        let i0 = ip * mr, h = Swift.min(mr, m - i0)
                        // A panel: k × 4, row i0+r of op(A) in lane r (zero-padded)
                        if transA {
                            for p in 0..<k {
                                let src = a + p * m + i0
                                for r in 0..<mr { ap[p * mr + r] = r < h ? src[r] : 0 }
                            }
                        } else if h == mr {
                            let r0 = a + i0 * k, r1 = r0 + k, r2 = r1 + k, r3 = r2 + k
                            for p in 0..<k {
                                ap[p * mr] = r0[p]; ap[p * mr + 1] = r1[p]; ap[p * mr + 2] = r2[p]; ap[p * mr + 3] = r3[p]
                            }
                        } else {
                            for p in 0..<k { for r in 0..<mr { ap[p * mr + r] = r < h ? a[(i0 + r) * k + p] : 0 } }
                        }
                        for jp in 0..<panels {
                            let j0 = jp * nr, w = Swift.min(nr, n - j0)
                            let bp = pb.baseAddress! + jp * k * nr, cp = c + i0 * n + j0
                            if avx2 {
                                trick_sgemm_kernel_4x16(ap, bp, k, cp, n, Int32(h), Int32(w), accumulate ? 1 : 0)
                            } else {
                                kernel(ap, bp, ldb: nr, k: k, c: cp, ldc: n, rows: h, cols: Swift.min(8, w), accumulate: accumulate)
                                if w > 8 {
                                    kernel(ap, bp + 8, ldb: nr, k: k, c: cp + 8, ldc: n, rows: h, cols: w - 8, accumulate: accumulate)
                                }
                            }
                        }
                    }
                }
            }
            if chunks == 1 { body(0) } else { DispatchQueue.concurrentPerform(iterations: chunks, execute: body) }
        }
    }

    /// The AVX2 path for k ≥ `directMinK`: op(A) read in place by `trick_sgemm_kernel_4x16_direct`
    /// (no packed copy of A) unless transposed.
    /// The work is split over B's 16-column panels: each chunk packs one panel at a time (k × 16,
    /// transposed or copied, zero-padded) on its own core and runs every row panel of A against it
    /// while it is in cache — B read once, A streamed once per panel (a quarter of the traffic of
    /// streaming B per 4-row panel of A). With a single panel (n ≤ 16) the row panels are split
    /// instead. Every element is still one sum over k in order by one thread: the same bits as the
    /// packed kernel, whatever the split or the thread count.
    /// Products with a shorter k keep the row-panel path below (measured faster there: the conv
    /// input gradients `Wᵀ·g` at k = 8).
    static let directMinK = 32
    /// The AVX-512 path's range of k per pass over the row blocks: its two B panels' rows
    /// (kStep × 32 floats, 32 KB) stay in L1 while every row block uses them.
    static let kStep = 256
    /// Whether the AVX2 path reads A in place (tests switch it off to compare with the packed path).
    nonisolated(unsafe) static var useDirect = true

    static func multiplyDirect(_ a: UnsafePointer<Float>, transA: Bool, _ b: UnsafePointer<Float>, transB: Bool,
                               _ c: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int, accumulate: Bool, parallel: Bool) {
        let panels = (n + nr - 1) / nr, rowPanels = (m + mr - 1) / mr
        let ars = transA ? 1 : k, aps = transA ? m : 1
        let acc: Int32 = accumulate ? 1 : 0
        let split = parallel && m * n * k >= 1 << 20
        // With AVX-512 a block is two row panels (8 rows) against two B panels (32 columns), and
        // the work is cut into groups of two B panels; else one of each.
        let wide = useAVX512
        let group = wide ? 2 : 1, rowStep = wide ? 2 : 1
        let groups = (panels + group - 1) / group
        // k in ranges of `kStep` (not when adding to C: the sums so far are kept in C)
        let kStep = wide && !accumulate ? Gemm.kStep : k
        // A transposed (k × m) is packed once into k × 4 row panels for the 4×16 blocks: read in
        // place, its 4 floats per step lie a row of m apart, which at m = 256 (1 KB) maps every
        // step to the same few L1 sets. The 8×32 blocks read it in place: 8 floats per step, each
        // line of A read by two blocks from L2 costs less than packing it (einsum attention's
        // backward, on an Intel Xeon with AVX-512: 3.9 -> 3.6 ms without the packed copy).
        let packedA: UnsafeMutablePointer<Float>? = transA && !wide ? .allocate(capacity: rowPanels * k * mr) : nil
        defer { packedA?.deallocate() }
        if let pa = packedA {
            // 16 rows of a at a time across every whole panel, so the rows being read stay in L1
            // (panel by panel over all of k, they evicted one another at m = 256)
            let whole = m / mr
            for p0 in stride(from: 0, to: k, by: 16) {
                let p1 = Swift.min(k, p0 + 16)
                for ip in 0..<whole {
                    let ap = pa + ip * k * mr, src = a + ip * mr
                    for p in p0..<p1 { copy4(src + p * m, to: ap + p * mr) }
                }
            }
            if whole < rowPanels {
                let i0 = whole * mr, h = m - i0, ap = pa + whole * k * mr
                for p in 0..<k {
                    let src = a + p * m + i0
                    for r in 0..<mr { ap[p * mr + r] = r < h ? src[r] : 0 }
                }
            }
        }
        // the block of row panels ip (and ip + 1) against packed B panels at bp (and bp1), into cp
        func block(_ ip: Int, _ bp: UnsafePointer<Float>, _ bp1: UnsafePointer<Float>, _ cp: UnsafeMutablePointer<Float>, _ cols: Int32,
                   from p0: Int = 0) {
            let i0 = ip * mr
            if wide {
                // k's range p0..<p0+len: the panels' rows from p0, A's columns from p0
                let h = Int32(Swift.min(2 * mr, m - i0)), len = Swift.min(kStep, k - p0), resume: Int32 = p0 > 0 ? 1 : 0
                trick_sgemm_kernel_8x32_avx512(a + i0 * ars + p0 * aps, a + Swift.min(i0 + mr, m - 1) * ars + p0 * aps, ars, aps,
                                               bp + p0 * nr, bp1 + p0 * nr, nr, len, cp, n, h, cols, acc, resume)
                return
            }
            let h = Int32(Swift.min(mr, m - i0))
            if let pa = packedA {
                trick_sgemm_kernel_4x16(pa + ip * k * mr, bp, k, cp, n, h, cols, acc)
            } else {
                trick_sgemm_kernel_4x16_direct(a + i0 * ars, ars, aps, bp, nr, k, cp, n, h, cols, acc)
            }
        }
        // panel jp of op(B): rows 0..<k of columns 16jp..<16jp+16, as k × 16
        func pack(_ jp: Int, _ dst: UnsafeMutablePointer<Float>) {
            let j0 = jp * nr, w = Swift.min(nr, n - j0)
            if transB {
                trick_sgemm_pack_transposed_16(b + j0 * k, k, k, Int32(w), dst)
            } else if w == nr {
                for p in 0..<k { copy16(b + p * n + j0, to: dst + p * nr) }
            } else {
                for p in 0..<k {
                    let src = b + p * n + j0, d = dst + p * nr
                    for q in 0..<nr { d[q] = q < w ? src[q] : 0 }
                }
            }
        }
        // group g's panels packed at buf (the second, if any, right after the first); returns
        // the second panel's address (the first's when the group has one) and the group's width
        func packGroup(_ g: Int, _ buf: UnsafeMutablePointer<Float>) -> (UnsafePointer<Float>, Int32) {
            let jp = g * group
            pack(jp, buf)
            var second = UnsafePointer(buf)
            if group == 2 && jp + 1 < panels {
                pack(jp + 1, buf + k * nr)
                second = UnsafePointer(buf + k * nr)
            }
            return (second, Int32(Swift.min(group * nr, n - jp * nr)))
        }
        let steps = (rowPanels + rowStep - 1) / rowStep
        let rowSplit = split && groups < 2 && steps >= 2
        let chunks = rowSplit ? Swift.min(steps, 4 * Parallel.workers) : (split ? Swift.min(groups, 4 * Parallel.workers) : 1)
        let packed = UnsafeMutablePointer<Float>.allocate(capacity: k * nr * group * (rowSplit ? 1 : chunks))
        defer { packed.deallocate() }
        if rowSplit {
            let (second, width) = packGroup(0, packed)
            let per = (steps + chunks - 1) / chunks
            DispatchQueue.concurrentPerform(iterations: chunks) { w in
                for p0 in stride(from: 0, to: k, by: kStep) {
                    for s in Swift.min(steps, w * per)..<Swift.min(steps, (w + 1) * per) {
                        block(s * rowStep, packed, second, c + s * rowStep * mr * n, width, from: p0)
                    }
                }
            }
            return
        }
        let per = (groups + chunks - 1) / chunks
        let body = { (w: Int) in
            let buf = packed + w * k * nr * group
            for g in Swift.min(groups, w * per)..<Swift.min(groups, (w + 1) * per) {
                let (second, width) = packGroup(g, buf)
                let j0 = g * group * nr
                for p0 in stride(from: 0, to: k, by: kStep) {
                    for s in 0..<steps { block(s * rowStep, buf, second, c + s * rowStep * mr * n + j0, width, from: p0) }
                }
            }
        }
        if chunks == 1 { body(0) } else { DispatchQueue.concurrentPerform(iterations: chunks, execute: body) }
    }

    /// 4 or 16 floats moved as one vector (`update(from:count:)` calls memmove: 9 % of einsum
    /// attention's time went to those calls when they moved A's panels).
    @inline(__always) static func copy4(_ s: UnsafePointer<Float>, to d: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(d).storeBytes(of: UnsafeRawPointer(s).loadUnaligned(as: SIMD4<Float>.self), as: SIMD4<Float>.self)
    }
    @inline(__always) static func copy16(_ s: UnsafePointer<Float>, to d: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(d).storeBytes(of: UnsafeRawPointer(s).loadUnaligned(as: SIMD16<Float>.self), as: SIMD16<Float>.self)
    }

    /// OpenBLAS kept to one thread of its own: its threaded sgemm splits the work by the thread count
    /// and gives other bits with 2 threads than with 1 (`make gemm-bench` checks this at each shape).
    /// Large products are cut here instead into `blocks` row blocks fixed by the shape alone, one
    /// `cblas_sgemm` each, run on the cores when `parallel` — the same numbers whatever the thread count.
    static func openBLAS(_ sgemm: OpenBLAS.SGEMM, _ a: UnsafePointer<Float>, transA: Bool, _ b: UnsafePointer<Float>, transB: Bool,
                         _ c: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int, accumulate: Bool, parallel: Bool) {
        let blocks = blockCount(m: m, n: n, k: k)
        let rowsPer = ((m + blocks - 1) / blocks + 15) / 16 * 16
        let body = { (blk: Int) in
            let i0 = blk * rowsPer, h = Swift.min(m, i0 + rowsPer) - i0
            if h <= 0 { return }
            sgemm(OpenBLAS.rowMajor, transA ? OpenBLAS.trans : OpenBLAS.noTrans, transB ? OpenBLAS.trans : OpenBLAS.noTrans,
                        Int32(h), Int32(n), Int32(k), 1, transA ? a + i0 : a + i0 * k, Int32(transA ? m : k),
                        b, Int32(transB ? k : n), accumulate ? 1 : 0, c + i0 * n, Int32(n))
        }
        if blocks == 1 || !parallel || Parallel.workers == 1 {
            for blk in 0..<blocks { body(blk) }
        } else {
            DispatchQueue.concurrentPerform(iterations: blocks, execute: body)
        }
    }

    /// Row blocks of an OpenBLAS product: 2 (of a multiple of 16 rows) from 2²¹ multiply-adds and 32
    /// rows, else 1 (below that, handing a block to the second core costs more than it saves: the
    /// MLP's 128×10×256 took 26 µs in 2 blocks, 16 µs in one). A function of the shape only, never
    /// of the cores.
    static func blockCount(m: Int, n: Int, k: Int) -> Int {
        m * n * k >= 1 << 21 && m >= 32 ? 2 : 1
    }

    /// The portable 4×8 register block: 8 SIMD4 sums over k (B rows `ldb` floats apart), then
    /// stored (or added) into C.
    @inline(__always)
    static func kernel(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, ldb: Int, k: Int, c: UnsafeMutablePointer<Float>,
                       ldc: Int, rows: Int, cols: Int, accumulate: Bool) {
        var c00 = SIMD4<Float>(), c01 = SIMD4<Float>(), c10 = SIMD4<Float>(), c11 = SIMD4<Float>()
        var c20 = SIMD4<Float>(), c21 = SIMD4<Float>(), c30 = SIMD4<Float>(), c31 = SIMD4<Float>()
        let braw = UnsafeRawPointer(b), araw = UnsafeRawPointer(a)
        for p in 0..<k {
            let b0 = braw.loadUnaligned(fromByteOffset: p * ldb * 4, as: SIMD4<Float>.self)
            let b1 = braw.loadUnaligned(fromByteOffset: p * ldb * 4 + 16, as: SIMD4<Float>.self)
            let av = araw.loadUnaligned(fromByteOffset: p * 16, as: SIMD4<Float>.self)
            let a0 = SIMD4<Float>(repeating: av[0]), a1 = SIMD4<Float>(repeating: av[1])
            let a2 = SIMD4<Float>(repeating: av[2]), a3 = SIMD4<Float>(repeating: av[3])
            c00 += a0 * b0; c01 += a0 * b1
            c10 += a1 * b0; c11 += a1 * b1
            c20 += a2 * b0; c21 += a2 * b1
            c30 += a3 * b0; c31 += a3 * b1
        }
        store(c00, c01, c, cols: cols, accumulate: accumulate)
        if rows > 1 { store(c10, c11, c + ldc, cols: cols, accumulate: accumulate) }
        if rows > 2 { store(c20, c21, c + 2 * ldc, cols: cols, accumulate: accumulate) }
        if rows > 3 { store(c30, c31, c + 3 * ldc, cols: cols, accumulate: accumulate) }
    }

    @inline(__always)
    static func store(_ lo: SIMD4<Float>, _ hi: SIMD4<Float>, _ row: UnsafeMutablePointer<Float>, cols: Int, accumulate: Bool) {
        if cols == 8 {
            let raw = UnsafeMutableRawPointer(row)
            if accumulate {
                raw.storeBytes(of: raw.loadUnaligned(as: SIMD4<Float>.self) + lo, as: SIMD4<Float>.self)
                raw.storeBytes(of: raw.loadUnaligned(fromByteOffset: 16, as: SIMD4<Float>.self) + hi, toByteOffset: 16, as: SIMD4<Float>.self)
            } else {
                raw.storeBytes(of: lo, as: SIMD4<Float>.self)
                raw.storeBytes(of: hi, toByteOffset: 16, as: SIMD4<Float>.self)
            }
            return
        }
        for q in 0..<cols {
            let v = q < 4 ? lo[q] : hi[q - 4]
            if accumulate { row[q] += v } else { row[q] = v }
        }
    }

    /// `op(a)·op(b)` of two float32 matrices as arrays.
    static func multiply(_ a: [Float], transA: Bool, _ b: [Float], transB: Bool, m: Int, n: Int, k: Int) -> [Float] {
        // Every element is written by the product (k == 0 zero-fills), so no zeroing pass first.
        [Float](unsafeUninitializedCapacity: m * n) { pc, count in
            if let C = pc.baseAddress {
                a.withUnsafeBufferPointer { pa in
                    b.withUnsafeBufferPointer { pb in
                        if let A = pa.baseAddress, let B = pb.baseAddress {
                            multiply(A, transA: transA, B, transB: transB, C, m: m, n: n, k: k)
                        } else {
                            C.update(repeating: 0, count: m * n)
                        }
                    }
                }
            }
            count = m * n
        }
    }
}
