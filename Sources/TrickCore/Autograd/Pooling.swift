/// 2-D pooling with gradients, float32 NCHW, as torch 2.4's CPU kernels:
/// - `max_pool2d(kernel, stride=kernel, padding=0, dilation=1, ceil_mode=False)`
///   (MaxPool2DWithIndicesBackward0): the first maximum of a window wins (a later equal value does
///   not replace it; every NaN does, so the last NaN is picked), and the gradient goes to that element (windows that share it add);
/// - `avg_pool2d(kernel, stride=kernel, padding=0, ceil_mode=False, count_include_pad=True,
///   divisor_override=None)` (AvgPool2DBackward0);
/// - `adaptive_avg_pool2d(output_size)` (AdaptiveAvgPool2DBackward0; an output of 1×1 is
///   `mean(dims=(-1, -2), keepdim=True)` in torch, so MeanBackward1): windows
///   `[⌊o·in/out⌋, ⌈(o+1)·in/out⌉)`, forward by the core's `area` kernel.
/// Output sizes follow `pooling_output_shape` (ceil mode drops a last window that would start
/// in the right padding).
public struct Pool2dGeometry: Sendable {
    public var kernel: (Int, Int)
    public var stride: (Int, Int)
    public var padding: (Int, Int) = (0, 0)
    public var dilation: (Int, Int) = (1, 1)
    public var ceilMode = false
    public init(kernel: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0),
                dilation: (Int, Int) = (1, 1), ceilMode: Bool = false) {
        self.kernel = kernel; self.stride = stride ?? kernel; self.padding = padding
        self.dilation = dilation; self.ceilMode = ceilMode
    }

    static func outputSize(_ size: Int, _ k: Int, _ s: Int, _ p: Int, _ d: Int, _ ceil: Bool) throws -> Int {
        guard k > 0, s > 0, d > 0, p >= 0 else { throw CoreError("pooling: kernel size, stride and dilation must be positive, padding non-negative") }
        guard p <= k / 2 else { throw CoreError("pad should be at most half of effective kernel size, but got pad=\(p), kernel_size=\(k) and dilation=\(d)") }
        let num = size + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0)
        var out = (num >= 0 ? num / s : -((-num + s - 1) / s)) + 1
        if ceil && (out - 1) * s >= size + p { out -= 1 }
        guard out > 0 else { throw CoreError("Given input size: (\(size)). Calculated output size: (\(out)). Output size is too small") }
        return out
    }
}

extension Variable {
    static func planes(_ v: Variable, _ what: String) throws -> (Int, Int, Int) {
        guard v.rank == 4 || v.rank == 3 else {
            throw CoreError("\(what): expected a 3-D (C, H, W) or 4-D (N, C, H, W) input, got shape \(Tensor.formatShape(v.shape))")
        }
        guard v.dtype == .float32 else { throw CoreError("\(what): autograd's pooling computes in float32, got \(v.dtype)") }
        let h = v.shape[v.rank - 2], w = v.shape[v.rank - 1]
        return (Tensor.product(v.shape.dropLast(2)), h, w)
    }

    /// `F.max_pool2d(input, …, return_indices=True)`: output and the flat (h·W + w) indices.
    public static func maxPool2d(_ input: Variable, _ g: Pool2dGeometry) throws -> (output: Variable, indices: Tensor) {
        let (planes, h, w) = try planes(input, "max_pool2d")
        let oh = try Pool2dGeometry.outputSize(h, g.kernel.0, g.stride.0, g.padding.0, g.dilation.0, g.ceilMode)
        let ow = try Pool2dGeometry.outputSize(w, g.kernel.1, g.stride.1, g.padding.1, g.dilation.1, g.ceilMode)
        let x = input.data.floats
        var out = [Float](repeating: 0, count: planes * oh * ow), idx = [Int64](repeating: 0, count: planes * oh * ow)
        for p in 0..<planes {
            let base = p * h * w
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var best = -Float.infinity, bi = -1
                    for i in 0..<g.kernel.0 {
                        let y = oy * g.stride.0 - g.padding.0 + i * g.dilation.0
                        if y < 0 || y >= h { continue }
                        for j in 0..<g.kernel.1 {
                            let xx = ox * g.stride.1 - g.padding.1 + j * g.dilation.1
                            if xx < 0 || xx >= w { continue }
                            let v = x[base + y * w + xx]
                            if bi < 0 || v > best || v.isNaN { best = v; bi = y * w + xx }
                        }
                    }
                    let o = (p * oh + oy) * ow + ox
                    out[o] = best
                    idx[o] = Int64(Swift.max(bi, 0))
                }
            }
        }
        let outShape = Array(input.shape.dropLast(2)) + [oh, ow]
        let indices = Tensor(shape: outShape, int64: idx)
        let shape = input.shape
        let v = record("MaxPool2DWithIndicesBackward0", Tensor(shape: outShape, float32: out), inputs: [input], saved: [input]) { grad, _ in
            let gv = grad.floats
            var gx = [Float](repeating: 0, count: planes * h * w)
            for p in 0..<planes {
                for k in 0..<(oh * ow) { gx[p * h * w + Int(idx[p * oh * ow + k])] += gv[p * oh * ow + k] }
            }
            return [Tensor(shape: shape, float32: gx)]
        }
        return (v, indices)
    }

    /// `F.avg_pool2d(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)`.
    public static func avgPool2d(_ input: Variable, _ g: Pool2dGeometry, countIncludePad: Bool = true,
                                 divisorOverride: Int? = nil) throws -> Variable {
        let (planes, h, w) = try planes(input, "avg_pool2d")
        let oh = try Pool2dGeometry.outputSize(h, g.kernel.0, g.stride.0, g.padding.0, 1, g.ceilMode)
        let ow = try Pool2dGeometry.outputSize(w, g.kernel.1, g.stride.1, g.padding.1, 1, g.ceilMode)
        if let d = divisorOverride, d == 0 { throw CoreError("divisor must be not zero") }
        // window bounds and divisor per output position, as torch's cpu_avg_pool
        struct Win { let y0, y1, x0, x1: Int; let div: Float }
        var wins: [Win] = []
        for oy in 0..<oh {
            for ox in 0..<ow {
                var y0 = oy * g.stride.0 - g.padding.0, x0 = ox * g.stride.1 - g.padding.1
                var y1 = Swift.min(y0 + g.kernel.0, h + g.padding.0), x1 = Swift.min(x0 + g.kernel.1, w + g.padding.1)
                let poolSize = (y1 - y0) * (x1 - x0)
                y0 = Swift.max(y0, 0); x0 = Swift.max(x0, 0); y1 = Swift.min(y1, h); x1 = Swift.min(x1, w)
                let div = divisorOverride ?? (countIncludePad ? poolSize : (y1 - y0) * (x1 - x0))
                wins.append(Win(y0: y0, y1: y1, x0: x0, x1: x1, div: Float(div)))
            }
        }
        let x = input.data.floats
        var out = [Float](repeating: 0, count: planes * oh * ow)
        for p in 0..<planes {
            let base = p * h * w
            for (k, win) in wins.enumerated() {
                var sum: Float = 0
                if win.y1 > win.y0 && win.x1 > win.x0 {
                    for y in win.y0..<win.y1 { for xx in win.x0..<win.x1 { sum += x[base + y * w + xx] } }
                }
                out[p * oh * ow + k] = sum / win.div
            }
        }
        let outShape = Array(input.shape.dropLast(2)) + [oh, ow], shape = input.shape
        return record("AvgPool2DBackward0", Tensor(shape: outShape, float32: out), inputs: [input], savesTensors: false) { grad, _ in
            let gv = grad.floats
            var gx = [Float](repeating: 0, count: planes * h * w)
            for p in 0..<planes {
                let base = p * h * w
                for (k, win) in wins.enumerated() where win.y1 > win.y0 && win.x1 > win.x0 {
                    let share = gv[p * oh * ow + k] / win.div
                    for y in win.y0..<win.y1 { for xx in win.x0..<win.x1 { gx[base + y * w + xx] += share } }
                }
            }
            return [Tensor(shape: shape, float32: gx)]
        }
    }

    /// `F.adaptive_avg_pool2d(input, output_size)`.
    public static func adaptiveAvgPool2d(_ input: Variable, _ size: (Int, Int)) throws -> Variable {
        let (planes, h, w) = try planes(input, "adaptive_avg_pool2d")
        let (oh, ow) = size
        guard oh >= 0, ow >= 0 else { throw CoreError("adaptive_avg_pool2d: output size must be non-negative, got (\(oh), \(ow))") }
        if oh == 1 && ow == 1 { return try input.mean(dims: [-2, -1], keepdim: true) }
        guard h > 0 && w > 0 || planes == 0 else {
            throw CoreError("adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes \(Tensor.formatShape(input.shape))")
        }
        let out = Interpolate.area2d(input.data.floats, planes, h, w, oh, ow)
        let wy = Interpolate.areaWindows(h, oh), wx = Interpolate.areaWindows(w, ow)
        let outShape = Array(input.shape.dropLast(2)) + [oh, ow], shape = input.shape
        return record("AdaptiveAvgPool2DBackward0", Tensor(shape: outShape, float32: out), inputs: [input], savesTensors: false) { grad, _ in
            let gv = grad.floats
            var gx = [Float](repeating: 0, count: planes * h * w)
            for p in 0..<planes {
                let base = p * h * w
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        let ry = wy[oy], rx = wx[ox]
                        let share = gv[(p * oh + oy) * ow + ox] / Float(ry.count) / Float(rx.count)
                        for y in ry { for xx in rx { gx[base + y * w + xx] += share } }
                    }
                }
            }
            return [Tensor(shape: shape, float32: gx)]
        }
    }
}
