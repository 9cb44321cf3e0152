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
        var out = [T](repeating: 0, count: a.count)
        a.withUnsafeBufferPointer { pa in
            out.withUnsafeMutableBufferPointer { po in
                for o in 0..<outer {
                    for i in 0..<inner {
                        let base = o * n * inner + i
                        var m = -T.infinity
                        for k in 0..<n {
                            let v = pa[base + k * inner]
                            if v > m || v.isNaN { m = v }
                        }
                        if m.isInfinite && m < 0 { m = 0 }  // all -inf: keep NaN-free shift as torch (gives nan/-inf naturally)
                        var sum = 0.0
                        if log {
                            for k in 0..<n { sum += Double(T.exp(pa[base + k * inner] - m)) }
                            let ls = T(Foundationless.log(sum))
                            for k in 0..<n { po[base + k * inner] = pa[base + k * inner] - m - ls }
                        } else {
                            for k in 0..<n {
                                let e = T.exp(pa[base + k * inner] - m)
                                po[base + k * inner] = e
                                sum += Double(e)
                            }
                            let r = T(1 / sum)
                            for k in 0..<n { po[base + k * inner] *= r }
                        }
                    }
                }
            }
        }
        return out
    }
}

/// Double-precision libm entry points used where the generic `T` is not Double.
enum Foundationless {
    @inline(__always) static func log(_ x: Double) -> Double { Double.log(x) }
    @inline(__always) static func exp(_ x: Double) -> Double { Double.exp(x) }
}
