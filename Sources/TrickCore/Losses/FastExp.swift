#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CTrickKernels

/// `exp` in float32 for the cross-entropy log-sum-exp (torch evaluates it in float32 with a
/// vectorised exp too). Cody–Waite range reduction x = n·ln2 + r, |r| ≤ ln2/2, then a degree-7
/// Taylor polynomial (truncation error < 1e-8 relative, below float32's 6e-8 epsilon) and 2^n
/// built in the exponent bits. Inputs below −87.3 (results under float32's normal range) give
/// ~1e-38 instead of 0, which does not change a sum that contains exp(0) = 1.
enum FastExp {
    /// exp(x) for x ≤ 0 (a log-sum-exp term); written with plain scalar float operations so the
    /// compiler vectorises the loops that call it (rounding by the 1.5·2^23 trick, no libm).
    @inline(__always)
    static func expNonPositive(_ v: Float) -> Float {
        let x = v < -87.3 ? -87.3 : v
        // Round x·log2(e) to the nearest integer n by adding 1.5·2^23: n is then the low bits of
        // the sum's representation (no float→int conversion, which would block vectorisation).
        let shifted = x * 1.442695040888963 + 12582912.0
        let n = shifted - 12582912.0
        let nBits = Int32(bitPattern: shifted.bitPattern) &- 0x4B40_0000
        var r = x - n * 0.693145751953125            // ln2 high part (exact in float32)
        r = r - n * 1.428606765330187e-06            // ln2 low part
        var p: Float = 1.0 / 5040
        p = p * r + 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        let scale = Float(bitPattern: UInt32(bitPattern: (nBits &+ 127) &<< 23))
        return p * scale   // NaN in, NaN out (the polynomial is NaN)
    }

    /// `expNonPositive` with every multiply-add fused (one rounding each): the log-sum-exp of the
    /// cross-entropy statistics (`PixelSoftmax.forEachBlockFloat32`), where the AVX2 build
    /// (`exp_nonpositive_fused` in CTrickKernels/softmax_avx2.c, the same bits) needs a third fewer
    /// operations. Same accuracy (a few float32 ulps of libm). Without FMA hardware
    /// `addingProduct` is a libm call: slow but the same bits, and only taken without AVX2.
    @inline(__always)
    static func expNonPositiveFused(_ v: Float) -> Float {
        let (p, nBits) = fusedReduced(v < -87.3 ? -87.3 : v)
        let y = p * Float(bitPattern: UInt32(bitPattern: (nBits &+ 127) &<< 23))
        return v.isNaN ? v : y   // NaN in, the same NaN out (a fused NaN's sign depends on the instruction form)
    }

    /// `expNonPositive`'s reduction x = n·ln2 + r and polynomial p ≈ e^r with every multiply-add
    /// fused, shared by `expNonPositiveFused` and `expFloat`: (p, n), e^x = p·2^n.
    @inline(__always)
    static func fusedReduced(_ x: Float) -> (p: Float, n: Int32) {
        let shifted = (12582912.0 as Float).addingProduct(x, 1.442695040888963)
        let n = shifted - 12582912.0
        let nBits = Int32(bitPattern: shifted.bitPattern) &- 0x4B40_0000
        var r = x.addingProduct(-n, 0.693145751953125)
        r = r.addingProduct(-n, 1.428606765330187e-06)
        var p: Float = 1.0 / 5040
        p = (1.0 / 720 as Float).addingProduct(p, r)
        p = (1.0 / 120 as Float).addingProduct(p, r)
        p = (1.0 / 24 as Float).addingProduct(p, r)
        p = (1.0 / 6 as Float).addingProduct(p, r)
        p = (0.5 as Float).addingProduct(p, r)
        p = (1 as Float).addingProduct(p, r)
        p = (1 as Float).addingProduct(p, r)
        return (p, nBits)
    }
}

extension PixelSoftmax {
    /// `forEachBlock` for float32 logits with the vectorised float32 exp (`expNonPositiveFused`):
    /// the same max and per-class summation order, `exp` evaluated 8 pixels at a time (results agree with the
    /// float64 path to ~1e-7 relative).
    static func forEachBlockFloat32(_ x: UnsafeBufferPointer<Float>, n: Int, c: Int, s: Int,
                                    _ body: (Int, Int, Int, UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>) -> Void) {
        let avx2 = VectorKernels.useAVX2   // the same loops built for AVX2 (CTrickKernels/softmax_avx2.c), bit for bit
        eachBlock(n: n, c: c, s: s, { offset, len, mx, se in
            if avx2 {
                trick_lse_stats_f32(x.baseAddress! + offset, c, s, len, mx, se)
                return
            }
            withUnsafeTemporaryAllocation(of: Float.self, capacity: blockSize) { mxBuffer in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: blockSize) { seBuffer in
                let mxf = mxBuffer.baseAddress!, sef = seBuffer.baseAddress!
                let img = x.baseAddress! + offset
                for i in 0..<len { mxf[i] = -Float.infinity; sef[i] = 0 }
                for k in 0..<c {
                    let row = img + k * s
                    for i in 0..<len {
                        let v = row[i]
                        mxf[i] = v >= mxf[i] ? v : mxf[i]
                    }
                }
                for k in 0..<c {
                    let row = img + k * s
                    for i in 0..<len { sef[i] += FastExp.expNonPositiveFused(row[i] - mxf[i]) }
                }
                for i in 0..<len { mx[i] = Double(mxf[i]); se[i] = Double(sef[i]) }
            }
            }
        }, body)
    }
}

extension FastExp {
    /// exp(x) in float32 over the whole range softmax needs (x ≤ 88): `expNonPositive`'s reduction
    /// and polynomial with every multiply-add fused (one rounding each: `fma` on the AVX2 build of
    /// the softmax loops, `fmaf` elsewhere — the same bits), and 2^n applied in two halves so that
    /// results down to the subnormals round once and x < −104 gives 0, as libm; −∞ gives 0 and NaN
    /// gives NaN. Within ~1 ulp of libm's `expf`.
    @inline(__always)
    static func expFloat(_ v: Float) -> Float {
        let (p, nBits) = fusedReduced(v < -104 ? -104 : v)
        let n1 = nBits >> 1, n2 = nBits &- n1
        let s1 = Float(bitPattern: UInt32(bitPattern: (n1 &+ 127) &<< 23))
        let s2 = Float(bitPattern: UInt32(bitPattern: (n2 &+ 127) &<< 23))
        let y = p * s1 * s2
        return v < -104 ? 0 : v.isNaN ? v : y   // NaN in, the same NaN out (as expNonPositiveFused)
    }
}
