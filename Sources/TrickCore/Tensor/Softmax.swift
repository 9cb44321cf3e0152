import CTrickKernels

/// `softmax` and `log_softmax` along a dimension, numerically stable (the lane maximum is
/// subtracted first), as torch's CPU kernels (`_vec_softmax`, `_vec_log_softmax` in
/// aten/src/ATen/native/cpu/SoftMaxKernel.cpp): exponentials in the input's float type, the
/// normaliser accumulated in double. Integer inputs are computed in float32.
extension Tensor {
    public func softmax(dim: Int, log: Bool = false) throws -> Tensor {
        let d = try Tensor.normalizeDim(dim, rank: rank)
        switch storage {
        case .float64(let a): return Tensor(shape: shape, float64: Tensor.softmaxKernel(a, shape, d, log: log))
        case .float32(let a): return Tensor(shape: shape, float32: Tensor.softmaxKernel(a, shape, d, log: log))
        default: return Tensor(shape: shape, float32: Tensor.softmaxKernel(floats, shape, d, log: log))
        }
    }

    static func softmaxKernel<T: BinaryFloatingPoint & FloatingPointMath>(_ a: [T], _ shape: [Int], _ d: Int, log: Bool) -> [T] {
        if a.isEmpty { return a }
        let outer = product(shape[..<d]), n = shape.isEmpty ? 1 : shape[d], inner = shape.isEmpty ? 1 : product(shape[(d + 1)...])
        return [T](unsafeUninitializedCapacity: a.count) { buf, count in
            HugePages.advise(UnsafeMutableRawPointer(buf.baseAddress!), bytes: a.count * MemoryLayout<T>.stride)
            a.withUnsafeBufferPointer { pa in
                let po = buf.baseAddress!, src = pa.baseAddress!
                if T.self == Float.self && inner >= 16 {
                    let x = UnsafeRawPointer(src).assumingMemoryBound(to: Float.self)
                    let y = UnsafeMutableRawPointer(po).assumingMemoryBound(to: Float.self)
                    if log {
                        logSoftmaxBlocked(x, y, outer: outer, n: n, inner: inner)
                    } else {
                        softmaxBlocked(x, y, outer: outer, n: n, inner: inner)
                    }
                    count = a.count
                    return
                }
                // lanes are independent: split them over the cores for large tensors
                Parallel.chunks(outer * inner) { lanes in
                    for lane in lanes {
                        let o = lane / inner, i = lane - o * inner
                        let base = o * n * inner + i
                        softmaxLane(src + base, po + base, n, inner, log: log)
                    }
                }
            }
            count = a.count
        }
    }

    /// Float32 softmax over a strided axis (`inner ≥ 16`, e.g. the class axis of NCHW), in blocks
    /// of 256 contiguous lanes: each class row of a block is read contiguously and every per-lane
    /// step (max, exp, the float64 sum, the normaliser) runs across the lanes, vectorised, with
    /// `FastExp.expFloat` (~1 ulp from libm's expf, as torch's vectorised exp). The same formulas as
    /// `softmaxLane` (the max skips NaN, which still makes its lane NaN through the sum); log_softmax
    /// has its own kernel, `logSoftmaxBlocked`. Blocks are split over the cores by cost (`WarmPool`;
    /// the AVX-512 build takes about four fifths of the AVX2 build's time on the bench machine).
    static func softmaxBlocked(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, outer: Int, n: Int, inner: Int) {
        let bs = 256
        let blocksPer = (inner + bs - 1) / bs
        // the same loops built for AVX2 or AVX-512 (CTrickKernels/softmax_avx2.c), bit for bit
        let avx2 = VectorKernels.useAVX2, avx512 = avx2 && VectorKernels.useAVX512
        let threads = WarmPool.threads(forNanoseconds: (avx512 ? 0.8 : 1.0) * Double(outer * n * inner))
        WarmPool.ranges(outer * blocksPer, threads: threads) { first, last in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * bs) { fb in
            withUnsafeTemporaryAllocation(of: Double.self, capacity: bs) { db in
                let m = fb.baseAddress!, f = m + bs, sum = db.baseAddress!
                for blk in first..<last {
                    let o = blk / blocksPer, i0 = (blk % blocksPer) * bs, len = Swift.min(bs, inner - i0)
                    let x = src + o * n * inner + i0, y = dst + o * n * inner + i0
                    if avx512 {
                        trick_softmax_block_f32_avx512(x, y, n, inner, len)
                        continue
                    }
                    if avx2 {
                        trick_softmax_block_f32(x, y, n, inner, len)
                        continue
                    }
                    for i in 0..<len { sum[i] = 0 }
                    laneMaxima(x, n: n, inner: inner, len: len, into: m)
                    // exp into the output rows, then the float64 sums, in class order
                    for k in 0..<n {
                        let row = x + k * inner, out = y + k * inner
                        for i in 0..<len { out[i] = FastExp.expFloat(row[i] - m[i]) }
                        for i in 0..<len { sum[i] += Double(out[i]) }
                    }
                    for i in 0..<len { f[i] = Float(1 / sum[i]) }
                    for k in 0..<n {
                        let out = y + k * inner
                        for i in 0..<len { out[i] *= f[i] }
                    }
                }
            }
            }
        }
    }

    /// The maximum of each of `len` lanes over `n` classes `inner` apart, the shift of the
    /// blocked softmaxes: non-NaN logits only (a NaN makes its lane's sum, hence every output of
    /// the lane, NaN anyway), and 0 for a lane of −∞ (the result stays NaN as torch's, not a NaN
    /// shift).
    @inline(__always)
    static func laneMaxima(_ x: UnsafePointer<Float>, n: Int, inner: Int, len: Int, into m: UnsafeMutablePointer<Float>) {
        for i in 0..<len { m[i] = -.infinity }
        for k in 0..<n {
            let row = x + k * inner
            for i in 0..<len {
                let v = row[i]
                m[i] = v > m[i] ? v : m[i]
            }
        }
        for i in 0..<len { m[i] = m[i] == -.infinity ? 0 : m[i] }
    }

    /// Float32 log_softmax over a strided axis (`inner ≥ 16`), in blocks of 256 contiguous lanes as
    /// `softmaxBlocked`, with torch's arithmetic (`_vec_log_softmax` in SoftMaxKernel.cpp): the
    /// normaliser Σ exp(x − max) is summed in float32 class by class (`FastExp.expNonPositiveFused`:
    /// the bits of `expFloat` for the x − max ≥ −87.3 that can change a sum holding exp(0) = 1), its
    /// log taken in float64 (`FastLog.logAtLeastOne`) and rounded to float32, then x − max − log. No
    /// exponential is stored (log_softmax needs only the sum). A lane of −∞ gives NaN, a NaN logit
    /// makes its lane NaN, as torch. Blocks are split over the cores by cost (~0.8 ns a logit on
    /// one core with AVX2: 122 µs for 1×19×64×128 on the bench machine; the AVX-512 build of the
    /// same loops takes about two thirds of that) through `WarmPool`.
    static func logSoftmaxBlocked(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, outer: Int, n: Int, inner: Int) {
        let bs = 256
        let blocksPer = (inner + bs - 1) / bs
        // the same loops built for AVX2 or AVX-512 (CTrickKernels/softmax_avx2.c), bit for bit
        let avx2 = VectorKernels.useAVX2, avx512 = avx2 && VectorKernels.useAVX512
        let threads = WarmPool.threads(forNanoseconds: (avx512 ? 0.55 : avx2 ? 0.8 : 2.0) * Double(outer * n * inner))
        WarmPool.ranges(outer * blocksPer, threads: threads) { first, last in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: 3 * bs) { fb in
                let m = fb.baseAddress!, se = m + bs, f = se + bs
                for blk in first..<last {
                    let o = blk / blocksPer, i0 = (blk % blocksPer) * bs, len = Swift.min(bs, inner - i0)
                    let x = src + o * n * inner + i0, y = dst + o * n * inner + i0
                    if avx512 {
                        trick_log_softmax_block_f32_avx512(x, y, n, inner, len)
                        continue
                    }
                    if avx2 {
                        trick_log_softmax_block_f32(x, y, n, inner, len)
                        continue
                    }
                    for i in 0..<len { se[i] = 0 }
                    laneMaxima(x, n: n, inner: inner, len: len, into: m)
                    for k in 0..<n {
                        let row = x + k * inner
                        for i in 0..<len { se[i] += FastExp.expNonPositiveFused(row[i] - m[i]) }
                    }
                    for i in 0..<len {
                        let sum = Double(se[i])
                        // below 1: a lane of −∞ (every term clamped to exp(−87.3)), NaN as torch
                        f[i] = sum < 1 ? .nan : Float(FastLog.logAtLeastOne(sum))
                    }
                    for k in 0..<n {
                        let row = x + k * inner, out = y + k * inner
                        for i in 0..<len { out[i] = row[i] - m[i] - f[i] }
                    }
                }
            }
        }
    }

    /// One lane (`n` elements `stride` apart): max, exp(x - max) summed in double, normalise.
    @inline(__always)
    static func softmaxLane<T: BinaryFloatingPoint & FloatingPointMath>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ n: Int, _ stride: Int, log: Bool) {
        var m = -T.infinity
        for k in 0..<n {
            let v = x[k * stride]
            if v > m || v.isNaN { m = v }
        }
        if m.isInfinite && m < 0 { m = 0 }  // a lane of -inf: keeps the result NaN as torch, not a NaN shift
        var sum = 0.0
        if log {
            for k in 0..<n { sum += Double(T.exp(x[k * stride] - m)) }
            let ls = T(Double.log(sum))
            for k in 0..<n { y[k * stride] = x[k * stride] - m - ls }
        } else {
            for k in 0..<n {
                let e = T.exp(x[k * stride] - m)
                y[k * stride] = e
                sum += Double(e)
            }
            let r = T(1 / sum)
            for k in 0..<n { y[k * stride] *= r }
        }
    }
}
