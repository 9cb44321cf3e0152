#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `torch.softmax(x, dim=1)` for float32 (N, C, …) logits, bit for bit as torch 2.4's CPU kernel
/// `_vec_softmax` (aten/src/ATen/native/cpu/SoftMaxKernel.cpp) computes it on the reference
/// machine (AVX512 build: 16 float lanes; `at::parallel_for` over N·S pixels split in 2 chunks):
/// per pixel `m = max_c x`, `e_c = exp(x_c − m)` in float32, `s = ((0 + e_0) + e_1) + …` in float32,
/// `p_c = e_c / s`. Pixels processed as a full 16-lane vector use Sleef's `expf_u10` (with FMA),
/// the leftover "tail" pixels of a chunk or an image use libm `expf`. Used where a probability is
/// compared or ranked (OHEM's threshold mode), so ties and near-ties fall as in torch.
enum TorchSoftmax {
    /// SIMD width in floats of torch's CPU kernel on the reference machine (AVX512).
    static let lanes = 16
    /// Threads of `at::parallel_for` on the reference machine (torch.get_num_threads() == 2).
    static let threads = 2

    /// Sleef `xexpf` (u10), as `Sleef_expf16_u10`: Cody–Waite reduction by ln 2, a degree-6
    /// polynomial, all multiply-adds fused.
    @inline(__always)
    static func sleefExpf(_ d: Float) -> Float {
        let q = (d * 1.442695040888963407359924681001892137426645954152985934135449406931 as Float).rounded(.toNearestOrEven)
        var s = d.addingProduct(q, -0.693145751953125)
        s = s.addingProduct(q, -1.428606765330187045e-06)
        var u: Float = 0.000198527617612853646278381
        u = (0.00139304355252534151077271 as Float).addingProduct(u, s)
        u = (0.00833336077630519866943359 as Float).addingProduct(u, s)
        u = (0.0416664853692054748535156 as Float).addingProduct(u, s)
        u = (0.166666671633720397949219 as Float).addingProduct(u, s)
        u = (0.5 as Float).addingProduct(u, s)
        u = 1 + s.addingProduct(s * s, u)
        if d < -104 { return 0 }
        if d > 100 { return .infinity }
        if !q.isFinite { return u }   // NaN in, NaN out
        // vldexp2: exact scaling by 2^q (|q| ≤ 151 here, a normal double), one rounding if subnormal
        return Float(Double(u) * Double(bitPattern: UInt64(Int64(q) + 1023) << 52))
    }

    /// For each of the N·S pixels (image-major), whether torch's kernel computes it in a full
    /// SIMD vector (Sleef exp) or in the scalar tail (libm exp).
    static func vectorPixels(n: Int, s: Int) -> [Bool] {
        let total = n * s
        var vec = [Bool](repeating: false, count: total)
        if total == 0 || s == 0 { return vec }
        let nt = total > 1 ? Swift.min(threads, total) : 1
        let chunk = (total + nt - 1) / nt
        for t in 0..<nt {
            let begin = t * chunk, end = Swift.min(total, begin + chunk)
            var idx = begin
            while idx < end {
                let inner = idx % s
                if inner + lanes <= s && idx + lanes <= end {
                    for k in idx..<(idx + lanes) { vec[k] = true }
                    idx += lanes
                } else {
                    idx += idx + lanes > end ? end - idx : s - inner
                }
            }
        }
        return vec
    }

    /// Whether torch's kernel computes pixel `q` (flat index b·S + p of N·S) in a full SIMD vector
    /// (`vectorPixels(n:s:)[q]` without the array): within each stretch of one image inside one
    /// thread's chunk, the first ⌊len/16⌋·16 pixels are vectors and the rest is the tail.
    static func isVectorPixel(_ q: Int, n: Int, s: Int) -> Bool {
        let total = n * s
        let nt = total > 1 ? Swift.min(threads, total) : 1
        let chunk = (total + nt - 1) / nt
        let begin = (q / chunk) * chunk, end = Swift.min(total, begin + chunk)
        let imageStart = (q / s) * s
        let segStart = Swift.max(begin, imageStart), segEnd = Swift.min(end, imageStart + s)
        return q - segStart < ((segEnd - segStart) / lanes) * lanes
    }

    /// One pixel's `softmax(x, 1)[b, y, p]`, exactly as `probabilities` computes it.
    static func probability(_ x: UnsafeBufferPointer<Float>, n: Int, c: Int, s: Int, label y: Int, pixel q: Int) -> Float {
        let b = q / s, base = b * c * s + (q - b * s)
        let vector = isVectorPixel(q, n: n, s: s)
        var m = x[base]
        for k in 1..<Swift.max(c, 1) { m = Swift.max(m, x[base + k * s]) }
        var sum: Float = 0, ey: Float = 0
        for k in 0..<c {
            let d = x[base + k * s] - m
            let e = vector ? sleefExpf(d) : expf(d)
            sum += e
            if k == y { ey = e }
        }
        return ey / sum
    }

    /// `softmax(x, 1)[b, y_q, q]` for the pixels `q` (flat index b·S + p) listed in `pixels`, with
    /// class `labels[q]` (must be in [0, C) for those pixels).
    ///
    /// Every pixel gets exactly the arithmetic above (max, then exp and the float32 sum in class
    /// order); only the memory order of the work differs: pixels go in blocks whose class rows are
    /// read contiguously (PixelSoftmax's layout), split over the cores.
    static func probabilities(_ x: [Float], n: Int, c: Int, s: Int, labels: [Int64], pixels: [Int]) -> [Float] {
        if pixels.isEmpty || c == 0 { return [] }
        let vec = vectorPixels(n: n, s: s)
        let bs = PixelSoftmax.blockSize
        let blocksPerImage = (s + bs - 1) / bs
        var all = [Float](repeating: 0, count: n * s)
        x.withUnsafeBufferPointer { xp in
            labels.withUnsafeBufferPointer { yp in
                vec.withUnsafeBufferPointer { vp in
                    all.withUnsafeMutableBufferPointer { out in
                        PixelSoftmax.parallelRanges(n * blocksPerImage, threads: PixelSoftmax.threads(forWork: n * c * s)) { first, last in
                            withUnsafeTemporaryAllocation(of: Float.self, capacity: 3 * bs) { tmp in
                                let m = tmp.baseAddress!, sum = m + bs, ey = sum + bs
                                for blk in first..<last {
                                    let b = blk / blocksPerImage, p0 = (blk % blocksPerImage) * bs
                                    let len = Swift.min(bs, s - p0)
                                    let img = xp.baseAddress! + b * c * s + p0
                                    let y = yp.baseAddress! + b * s + p0, v = vp.baseAddress! + b * s + p0
                                    for i in 0..<len { m[i] = img[i]; sum[i] = 0; ey[i] = 0 }
                                    for k in 1..<Swift.max(c, 1) {
                                        let row = img + k * s
                                        for i in 0..<len { m[i] = Swift.max(m[i], row[i]) }
                                    }
                                    for k in 0..<c {
                                        let row = img + k * s
                                        for i in 0..<len {
                                            let d = row[i] - m[i]
                                            let e = v[i] ? sleefExpf(d) : expf(d)
                                            sum[i] += e
                                            if y[i] == Int64(k) { ey[i] = e }
                                        }
                                    }
                                    for i in 0..<len { out[b * s + p0 + i] = ey[i] / sum[i] }
                                }
                            }
                        }
                    }
                }
            }
        }
        return pixels.map { all[$0] }
    }
}
