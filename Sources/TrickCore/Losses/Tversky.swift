/// MMSegmentation `TverskyLoss` (`mmseg/models/losses/tversky_loss.py`, identical in 0.x and
/// 1.2.2; reference/losses-ohem-pixel.md §4).
///
/// `TverskyLoss(smooth=1, class_weight=None, loss_weight=1.0, ignore_index=255, alpha=0.3,
/// beta=0.7, loss_name='loss_tversky')`, with `alpha + beta == 1` checked at construction:
///
/// - `p = softmax(pred, dim=1)`, `T = one_hot(clamp(y, 0, C−1))`, `valid = y != ignore_index`
///   (an ignored 255 counts as class C−1 in `T` but is masked out everywhere);
/// - per class `i != ignore_index` and per image, over its pixels:
///   `TP = Σ p·T·valid`, `FP = Σ p·(1−T)·valid`, `FN = Σ (1−p)·T·valid`,
///   `l = 1 − (TP + s)/(TP + α·FP + β·FN + s)`; mean over the batch, × `cw[i]`;
/// - summed over classes, divided by C, × `loss_weight`. A 0-d float32 tensor.
///
/// `forward` ignores `weight`, `avg_factor`, `reduction_override` and the caller's `ignore_index`
/// (the constructor's is used), as upstream. Sums are accumulated in Double and rounded to float32
/// once; the rest is float32 arithmetic in the reference's order.
///
/// Where 1.2.2 crashes and trick does what was meant (SPEC §8): `ignore_index=None` raises
/// AttributeError upstream (`(target != None).long()`); trick then masks nothing.
public struct TverskyLossConfig: Sendable {
    public var smooth: Double = 1
    public var classWeight: [Float]? = nil
    public var lossWeight: Double = 1.0
    public var ignoreIndex: Int? = 255
    public var alpha: Double = 0.3
    public var beta: Double = 0.7
    public var lossName = "loss_tversky"
    public init() {}
}

public struct TverskyLoss: SegLoss {
    public let config: TverskyLossConfig

    public init(_ config: TverskyLossConfig) throws {
        // Python's `alpha + beta == 1.0`: exact double equality, so 0.1 + 0.9 passes and 0.7 + 0.2 + … does not.
        guard config.alpha + config.beta == 1.0 else {
            throw CoreError("TverskyLoss: Sum of alpha and beta but be 1.0! (alpha=\(config.alpha), beta=\(config.beta))")
        }
        self.config = config
    }

    public var lossName: String { config.lossName }

    public func forward(_ pred: Tensor, _ target: Tensor, weight: Tensor?, avgFactor: Double?,
                        reductionOverride: Reduction?, ignoreIndex: Int?) throws -> Tensor {
        let sh = pred.shape
        guard sh.count >= 2, pred.dtype.isFloatingPoint else {
            throw CoreError("TverskyLoss pred must be float logits of shape (N, C, ...), got \(pred.dtype) \(Tensor.formatShape(sh))")
        }
        let n = sh[0], c = sh[1], s = sh.dropFirst(2).reduce(1, *)
        guard target.rank >= 1, target.shape[0] == n, target.count == n * s else {
            throw CoreError("TverskyLoss target must hold one label per pixel of pred \(Tensor.formatShape(sh)), i.e. shape \(Tensor.formatShape([n] + Array(sh.dropFirst(2)))), got \(Tensor.formatShape(target.shape))")
        }
        if let cw = config.classWeight, cw.count < c {
            throw CoreError("TverskyLoss: class_weight has \(cw.count) entries but pred has \(c) classes")
        }
        let (labels, valid) = try Tversky.labels(target, classes: c, ignoreIndex: config.ignoreIndex)
        let p = try pred.softmax(dim: 1).doubles

        let alpha = Float(config.alpha), beta = Float(config.beta), smooth = Float(config.smooth)
        var total: Float = 0
        for i in 0..<c where i != config.ignoreIndex {
            var sumOverBatch = 0.0
            for b in 0..<n {
                var tp = 0.0, fp = 0.0, fn = 0.0
                let row = b * c * s + i * s
                for q in 0..<s where valid[b * s + q] {
                    let pi = p[row + q]
                    if labels[b * s + q] == i { tp += pi; fn += 1 - pi } else { fp += pi }
                }
                let TP = Float(tp), FP = Float(fp), FN = Float(fn)
                let tversky = (TP + smooth) / (TP + alpha * FP + beta * FN + smooth)
                sumOverBatch += Double(1 - tversky)
            }
            var l = Float(sumOverBatch / Double(n))
            if let cw = config.classWeight { l *= cw[i] }
            total += l
        }
        return LossReduce.scale(.scalar(total / Float(c)), by: config.lossWeight)
    }
}

enum Tversky {
    /// `clamp(y.long(), 0, C−1)` and `y != ignore_index` for index labels (int64, or floats
    /// truncated toward zero as `.long()` does).
    static func labels(_ target: Tensor, classes c: Int, ignoreIndex: Int?) throws -> ([Int], [Bool]) {
        var labels = [Int](repeating: 0, count: target.count)
        var valid = [Bool](repeating: true, count: target.count)
        if target.dtype.isFloatingPoint {
            for (k, v) in target.doubles.enumerated() {
                guard v.isFinite else { throw CoreError("TverskyLoss target has a non-finite label (\(v)) at flat index \(k)") }
                if let ign = ignoreIndex { valid[k] = v != Double(ign) }
                labels[k] = v <= 0 ? 0 : (v >= Double(c - 1) ? c - 1 : Int(v))
            }
        } else {
            for (k, v) in target.int64s.enumerated() {
                if let ign = ignoreIndex { valid[k] = v != Int64(ign) }
                labels[k] = v <= 0 ? 0 : (v >= Int64(c - 1) ? c - 1 : Int(v))
            }
        }
        return (labels, valid)
    }
}
