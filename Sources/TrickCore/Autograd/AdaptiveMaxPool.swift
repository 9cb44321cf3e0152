/// `F.adaptive_max_pool2d(input, output_size, return_indices)` with its gradient
/// (AdaptiveMaxPool2DBackward0), as torch's CPU kernel: output cell (i, j) pools rows
/// `⌊i·H/oh⌋ ..< ⌈(i+1)·H/oh⌉` and the columns likewise; the first maximum wins (strict `>`),
/// a NaN wins over numbers (the last NaN, as torch's `val > max || isnan(val)` scan); the index is `y·W + x` within the plane. The gradient goes to the
/// chosen element.
extension Variable {
    public func adaptiveMaxPool2d(_ size: (Int, Int)) throws -> (output: Variable, indices: Tensor) {
        guard rank == 3 || rank == 4 else {
            throw CoreError("adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: \(Tensor.formatShape(shape))", kind: "RuntimeError")
        }
        let (h, w) = (shape[rank - 2], shape[rank - 1]), planes = Tensor.product(shape.dropLast(2))
        let (oh, ow) = size
        guard oh >= 0, ow >= 0 else { throw CoreError("adaptive_max_pool2d: elements of output_size must be greater than or equal to 0 but received {\(oh), \(ow)}", kind: "RuntimeError") }
        guard h > 0 && w > 0 || planes == 0 else {
            throw CoreError("adaptive_max_pool2d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes \(Tensor.formatShape(shape)) with dimension \(h == 0 ? rank - 2 : rank - 1) being empty", kind: "RuntimeError")
        }
        let x = data.doubles
        var offsets: [Int] = [], indices: [Int64] = []
        offsets.reserveCapacity(planes * oh * ow)
        for p in 0..<planes {
            for i in 0..<oh {
                let y0 = i * h / oh, y1 = ((i + 1) * h + oh - 1) / oh
                for j in 0..<ow {
                    let x0 = j * w / ow, x1 = ((j + 1) * w + ow - 1) / ow
                    var best = y0 * w + x0, bestValue = -Double.infinity
                    for y in y0..<y1 {
                        for xx in x0..<x1 {
                            let v = x[p * h * w + y * w + xx]
                            if v > bestValue || v.isNaN { best = y * w + xx; bestValue = v }
                        }
                    }
                    offsets.append(p * h * w + best)
                    indices.append(Int64(best))
                }
            }
        }
        let outShape = Array(shape.dropLast(2)) + [oh, ow]
        return (try rearranged("AdaptiveMaxPool2DBackward0", outShape, offsets: offsets), Tensor(shape: outShape, int64: indices))
    }
}
