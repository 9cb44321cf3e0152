#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch

/// The per-pixel softmax statistics behind cross-entropy and OHEM, computed in cache-friendly
/// blocks: for (N, C, S) logits (class axis strided by S), each block of up to `blockSize`
/// contiguous pixels of one image gets `max_c x` and `Σ_c exp(x_c − max)` (Double, summed in class
/// order — the same values, in the same order, as a per-pixel loop over c; only the memory order
/// of the work changes: every class row of the block is read contiguously instead of C far-apart
/// elements per pixel).
///
/// Large inputs are split over the machine's cores; every pixel's result is computed by exactly
/// one thread with the same arithmetic, so results do not depend on the thread count.
enum PixelSoftmax {
    static let blockSize = 256

    /// Worker threads for `work` logits (~0.8 ns each on one core for the fused float32 AVX2
    /// cross-entropy block: 127 µs for 1×19×64×128 on the bench machine; the Swift kernels cost
    /// more and split a little late): chosen by cost (`WarmPool.threads`), so small maps are split too.
    static func threads(forWork work: Int) -> Int {
        WarmPool.threads(forNanoseconds: 0.8 * Double(work))
    }

    /// Runs `body(first, last)` over `0..<count` split into `threads` contiguous ranges in parallel
    /// (`WarmPool`: workers that stay awake between back-to-back calls).
    static func parallelRanges(_ count: Int, threads: Int, _ body: (Int, Int) -> Void) {
        WarmPool.ranges(count, threads: threads, body)
    }

    /// Calls `body(b, p0, len, mx, se)` for every block of pixels `p0..<p0+len` of image `b`, with
    /// `mx[i]` = max over classes of pixel `p0+i` (NaN logits are skipped by the max, as
    /// `Swift.max(m, x)` from −∞ does) and `se[i]` = Σ_c exp(x_c − mx[i]) in class order.
    /// `body` must only write outputs of its own pixels (it may run on several threads).
    static func forEachBlock<T: BinaryFloatingPoint>(_ x: UnsafeBufferPointer<T>, n: Int, c: Int, s: Int,
                                                     _ body: (Int, Int, Int, UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>) -> Void) {
        eachBlock(n: n, c: c, s: s, { offset, len, mx, se in
            let img = x.baseAddress! + offset
            for i in 0..<len { mx[i] = -Double.infinity; se[i] = 0 }
            for k in 0..<c {
                let row = img + k * s
                for i in 0..<len {
                    let v = Double(row[i])
                    mx[i] = v >= mx[i] ? v : mx[i]
                }
            }
            for k in 0..<c {
                let row = img + k * s
                for i in 0..<len { se[i] += exp(Double(row[i]) - mx[i]) }
            }
        }, body)
    }

    /// The block driver shared by the float64 and float32 kernels: splits the (image, block)
    /// pairs over the cores, gives each thread its `mx`/`se` scratch, fills them with `stats`
    /// (offset of the block's first logit, pixel count) and hands them to `body`.
    @inline(__always)
    static func eachBlock(n: Int, c: Int, s: Int,
                          _ stats: (Int, Int, UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>) -> Void,
                          _ body: (Int, Int, Int, UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>) -> Void) {
        let blocksPerImage = (s + blockSize - 1) / blockSize
        let total = n * blocksPerImage
        if total == 0 || c == 0 { return }
        parallelRanges(total, threads: threads(forWork: n * c * s)) { first, last in
            let mx = UnsafeMutablePointer<Double>.allocate(capacity: blockSize)
            let se = UnsafeMutablePointer<Double>.allocate(capacity: blockSize)
            defer { mx.deallocate(); se.deallocate() }
            for blk in first..<last {
                let b = blk / blocksPerImage
                let p0 = (blk % blocksPerImage) * blockSize
                let len = Swift.min(blockSize, s - p0)
                stats(b * c * s + p0, len, mx, se)
                body(b, p0, len, mx, se)
            }
        }
    }
}
