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
            a.withUnsafeBufferPointer { pa in
                let po = buf.baseAddress!, src = pa.baseAddress!
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
