/// The reduction machinery shared by every MMSegmentation loss: `reduce_loss`,
/// `weight_reduce_loss` and the `avg_factor` rule (`mmseg/models/losses/utils.py`, identical in
/// 0.x and 1.x; see reference/losses-ohem-pixel.md §1).
///
/// Element-wise losses are float32 buffers. Sums are accumulated in Double and rounded once,
/// which agrees with torch's float32 cascade sums to a few ulp.
public enum Reduction: String, Sendable, CaseIterable {
    case none, mean, sum

    /// Parses 'none' | 'mean' | 'sum' (PyTorch also accepts 'elementwise_mean' for 'mean').
    public init(name: String, argument: String = "reduction") throws {
        switch name {
        case "none": self = .none
        case "mean", "elementwise_mean": self = .mean
        case "sum": self = .sum
        default:
            throw CoreError("\(argument) must be one of 'none', 'mean', 'sum', got '\(name)'")
        }
    }
}

/// `torch.finfo(torch.float32).eps` (2^-23): MMSeg adds it to `avg_factor` so that an
/// all-ignored batch gives 0 instead of NaN.
public let float32Eps: Double = 1.1920928955078125e-07

public enum LossReduce {
    /// Sum of a float buffer (accumulated in Double).
    @inlinable
    public static func sum(_ a: [Float]) -> Double {
        a.withUnsafeBufferPointer { p in
            var s = 0.0
            for v in p { s += Double(v) }
            return s
        }
    }

    /// MMSeg `weight_reduce_loss(loss, weight, reduction, avg_factor)`.
    ///
    /// - `weight` (already broadcast to the loss's element count) multiplies element-wise first.
    /// - No `avg_factor`: `'none'` returns the tensor, `'mean'` its mean, `'sum'` its sum.
    /// - With `avg_factor`: `'mean'` is `sum / (avg_factor + eps32)`; `'none'` returns the tensor
    ///   (the factor is silently unused, as upstream); `'sum'` is an error, as upstream.
    /// Scalars come back as 0-d float32 tensors.
    public static func weightReduce(_ loss: [Float], shape: [Int], weight: [Float]?,
                                    reduction: Reduction, avgFactor: Double?) throws -> Tensor {
        var l = loss
        if let w = weight {
            guard w.count == l.count else {
                throw CoreError("weight has \(w.count) elements but the loss has \(l.count) (shape \(Tensor.formatShape(shape)))")
            }
            for i in l.indices { l[i] *= w[i] }
        }
        if let f = avgFactor {
            switch reduction {
            case .mean:
                let denom = Float(f + float32Eps)
                return .scalar(Float(sum(l)) / denom)
            case .none:
                return Tensor(shape: shape, float32: l)
            case .sum:
                throw CoreError("avg_factor can not be used with reduction=\"sum\"")
            }
        }
        switch reduction {
        case .none: return Tensor(shape: shape, float32: l)
        case .sum: return .scalar(Float(sum(l)))
        case .mean: return .scalar(l.isEmpty ? Float.nan : Float(sum(l) / Double(l.count)))
        }
    }

    /// MMSeg `weight_reduce_loss` on tensors, with its asserts (AssertionError): the weight has
    /// the loss's number of dimensions and, past one, one channel or the loss's; it broadcasts
    /// onto the loss as `loss * weight`.
    public static func weightReduce(_ loss: Tensor, weight: Tensor?, reduction: Reduction, avgFactor: Double?) throws -> Tensor {
        var w: [Float]?
        if let weight {
            guard weight.shape.count == loss.shape.count else {
                throw CoreError("weight.dim() == loss.dim(): weight \(Tensor.formatShape(weight.shape)), loss \(Tensor.formatShape(loss.shape))", kind: "AssertionError")
            }
            if weight.shape.count > 1 && weight.shape[1] != 1 && weight.shape[1] != loss.shape[1] {
                throw CoreError("weight.size(1) == 1 or weight.size(1) == loss.size(1): weight \(Tensor.formatShape(weight.shape)), loss \(Tensor.formatShape(loss.shape))", kind: "AssertionError")
            }
            w = try broadcastWeight(weight, to: loss.shape)
        }
        return try weightReduce(loss.floats, shape: loss.shape, weight: w, reduction: reduction, avgFactor: avgFactor)
    }

    /// Multiplies a loss (0-d or element-wise) by `loss_weight` in float32, as
    /// `self.loss_weight * loss` does in every loss module.
    public static func scale(_ t: Tensor, by lossWeight: Double) -> Tensor {
        if lossWeight == 1 { return t }
        let w = Float(lossWeight)
        return Tensor(shape: t.shape, float32: t.floats.map { $0 * w })
    }
}

/// Broadcasts a per-element weight of shape `wShape` onto a loss of shape `lShape` as torch's
/// `loss * weight` would (right-aligned broadcasting), and returns it flattened; the result
/// must have the loss's shape.
func broadcastWeight(_ w: Tensor, to lShape: [Int], what: String = "weight") throws -> [Float] {
    let ws = w.shape
    if ws == lShape { return w.floats }
    guard ws.count <= lShape.count else {
        throw CoreError("\(what) of shape \(Tensor.formatShape(ws)) cannot broadcast to the loss shape \(Tensor.formatShape(lShape))")
    }
    let pad = lShape.count - ws.count
    let full = [Int](repeating: 1, count: pad) + ws
    for (a, b) in zip(full, lShape) where a != b && a != 1 {
        throw CoreError("\(what) of shape \(Tensor.formatShape(ws)) cannot broadcast to the loss shape \(Tensor.formatShape(lShape))")
    }
    let src = w.floats
    let srcStrides = Tensor.contiguousStrides(full).enumerated().map { full[$0.offset] == 1 ? 0 : $0.element }
    let n = lShape.reduce(1, *)
    var out = [Float](repeating: 0, count: n)
    var idx = [Int](repeating: 0, count: lShape.count)
    var off = 0
    for i in 0..<n {
        out[i] = src[off]
        var d = lShape.count - 1
        while d >= 0 {
            idx[d] += 1
            off += srcStrides[d]
            if idx[d] < lShape[d] { break }
            off -= srcStrides[d] * idx[d]
            idx[d] = 0
            d -= 1
        }
    }
    return out
}
