import CTrickKernels

/// `log` in float64 for the cross-entropy log-sum-exp, written so that the per-pixel loop
/// vectorises (libm's `log` is a call per pixel). x = 2^e·m with m in [√½, √2), then
/// log m = 2·atanh(t), t = (m − 1)/(m + 1), |t| ≤ 0.172, from its odd series up to t²¹
/// (truncation < 1e-18 relative), and e·ln2 in two parts: within a few float64 ulps of libm,
/// so the float32 losses built from it round as before.
enum FastLog {
    /// log(x) for 1 ≤ x < 2^1023 (a sum of exponentials that contains exp(0) = 1); NaN gives
    /// NaN. Only bit operations, selects and float64 arithmetic (no int↔float conversion).
    @inline(__always)
    static func logAtLeastOne(_ x: Double) -> Double {
        let bits = x.bitPattern
        // the biased exponent as a double: 2^52 + k has k in its low bits
        let eBiased = Double(bitPattern: (bits >> 52) | 0x4330_0000_0000_0000) - 4_503_599_627_370_496.0
        var m = Double(bitPattern: (bits & 0x000F_FFFF_FFFF_FFFF) | 0x3FF0_0000_0000_0000)   // [1, 2)
        let big = m > 1.4142135623730951
        m = big ? m * 0.5 : m
        let e = eBiased - 1023 + (big ? 1 : 0)
        let t = (m - 1) / (m + 1)
        let t2 = t * t
        var p = 1.0 / 21
        p = p * t2 + 1.0 / 19
        p = p * t2 + 1.0 / 17
        p = p * t2 + 1.0 / 15
        p = p * t2 + 1.0 / 13
        p = p * t2 + 1.0 / 11
        p = p * t2 + 1.0 / 9
        p = p * t2 + 1.0 / 7
        p = p * t2 + 1.0 / 5
        p = p * t2 + 1.0 / 3
        let logm = 2 * t + 2 * t * t2 * p
        let r = e * 0.693147180369123816490 + (e * 1.90821492927058770002e-10 + logm)
        return x.isNaN ? x : r
    }
}

/// Whether the per-block softmax loops run their AVX2 builds (CTrickKernels/softmax_avx2.c): when
/// the CPU has AVX2 and FMA. Both builds give the same bits (tests switch this off to compare).
enum VectorKernels {
    nonisolated(unsafe) static var useAVX2 = Gemm.hasAVX2
    /// Whether a kernel that also has an AVX-512 build (softmax, log_softmax) runs it instead of its AVX2
    /// build, when `useAVX2` is on: when the CPU has AVX-512 (F, VL, DQ, BW). The same bits again.
    nonisolated(unsafe) static var useAVX512 = hasAVX512
    static let hasAVX512 = trick_has_avx512() != 0
}
