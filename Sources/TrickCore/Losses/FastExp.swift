#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
}

extension PixelSoftmax {
    /// `forEachBlock` for float32 logits with the vectorised float32 exp: the same max and
    /// per-class summation order, `exp` evaluated 4 pixels at a time (results agree with the
    /// float64 path to ~1e-7 relative).
    static func forEachBlockFloat32(_ x: UnsafeBufferPointer<Float>, n: Int, c: Int, s: Int,
                                    _ body: (Int, Int, Int, UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>) -> Void) {
        eachBlock(n: n, c: c, s: s, { offset, len, mx, se in
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
                    for i in 0..<len { sef[i] += FastExp.expNonPositive(row[i] - mxf[i]) }
                }
                for i in 0..<len { mx[i] = Double(mxf[i]); se[i] = Double(sef[i]) }
            }
            }
        }, body)
    }
}
