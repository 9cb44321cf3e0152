/// `F.interpolate` with gradients for 'nearest' (UpsampleNearest2DBackward0) and 'bilinear'
/// (UpsampleBilinear2DBackward0, with and without align_corners), 4-D float32 input.
///
/// The forward is the core's `Interpolate.interpolate` (bit-faithful to torch). The backward is
/// torch's `cpu_upsample_nearest_backward` / `cpu_upsample_linear_backward`: every output
/// gradient is added into its source taps with the forward's weights (`λh·λw·g` for bilinear,
/// source indices from `nearest_idx`), output pixels in row-major order.
extension Variable {
    public static func interpolate(_ input: Variable, size: [Int]? = nil, scaleFactor: [Double]? = nil,
                                   mode: Interpolate.Mode = .nearest, alignCorners: Bool? = nil) throws -> Variable {
        let v = try Interpolate.interpolate(input.data, size: size, scaleFactor: scaleFactor, mode: mode, alignCorners: alignCorners)
        guard input.rank == 4, mode == .nearest || mode == .bilinear else {
            if input.requiresGrad && GradMode.isEnabled {
                throw CoreError("interpolate: gradients are implemented for 4-D input in 'nearest' and 'bilinear' modes, got \(input.rank)-D input in '\(mode.rawValue)' mode")
            }
            return Variable(computed: v, gradFn: nil)
        }
        let n = input.shape[0], c = input.shape[1], h = input.shape[2], w = input.shape[3]
        let oh = v.shape[2], ow = v.shape[3]
        let (_, scales) = try Interpolate.outputGeometry(inputSpatial: [h, w], size: size, scaleFactor: scaleFactor,
                                                         recomputeScaleFactor: false, allowEmpty: false)
        let shape = input.shape, planes = n * c
        if mode == .nearest {
            let hi = Interpolate.nearestIndices(h, oh, scales[0], exact: false, kernel: .nearestIdx)
            let wi = Interpolate.nearestIndices(w, ow, scales[1], exact: false, kernel: .nearestIdx)
            return record("UpsampleNearest2DBackward0", v, inputs: [input], savesTensors: false) { g, _ in
                if g.dtype == .float64 {
                    let gv = g.doubles
                    var gx = [Double](repeating: 0, count: planes * h * w)
                    for p in 0..<planes { for y in 0..<oh { for x in 0..<ow { gx[p * h * w + hi[y] * w + wi[x]] += gv[(p * oh + y) * ow + x] } } }
                    return [Tensor(shape: shape, float64: gx)]
                }
                let gv = g.floats
                var gx = [Float](repeating: 0, count: planes * h * w)
                for p in 0..<planes { for y in 0..<oh { for x in 0..<ow { gx[p * h * w + hi[y] * w + wi[x]] += gv[(p * oh + y) * ow + x] } } }
                return [Tensor(shape: shape, float32: gx)]
            }
        }
        let align = alignCorners ?? false
        return record("UpsampleBilinear2DBackward0", v, inputs: [input], savesTensors: false) { g, _ in
            func run<F: BinaryFloatingPoint>(_ gv: [F]) -> [F] {
                let ht = Interpolate.linearTaps(h, oh, scales[0], align, F.self)
                let wt = Interpolate.linearTaps(w, ow, scales[1], align, F.self)
                var gx = [F](repeating: 0, count: planes * h * w)
                gx.withUnsafeMutableBufferPointer { px in
                    gv.withUnsafeBufferPointer { pg in
                        for p in 0..<planes {
                            let base = p * h * w
                            for y in 0..<oh {
                                let (h0, h1, lh0, lh1) = ht[y]
                                for x in 0..<ow {
                                    let (w0, w1, lw0, lw1) = wt[x]
                                    let gval = pg[(p * oh + y) * ow + x]
                                    px[base + h0 * w + w0] += lh0 * lw0 * gval
                                    px[base + h0 * w + w1] += lh0 * lw1 * gval
                                    px[base + h1 * w + w0] += lh1 * lw0 * gval
                                    px[base + h1 * w + w1] += lh1 * lw1 * gval
                                }
                            }
                        }
                    }
                }
                return gx
            }
            if g.dtype == .float64 { return [Tensor(shape: shape, float64: run(g.doubles))] }
            return [Tensor(shape: shape, float32: run(g.floats))]
        }
    }
}
