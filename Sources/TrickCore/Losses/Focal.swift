#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sigmoid focal losses (reference/losses-ohem-pixel.md §5).
public enum Focal {
    /// One element of the sigmoid focal loss: `BCEwithlogits(x, t) · (α·t + (1−α)(1−t)) · (1−p_t)^γ`
    /// with `1−p_t = (1−σ)·t + σ·(1−t)`; `alpha < 0` disables the α factor (torchvision).
    @inline(__always)
    static func element(_ x: Double, _ t: Double, alpha: Double, gamma: Double) -> Double {
        let sig = 1 / (1 + exp(-x))
        let oneMinusPt = (1 - sig) * t + sig * (1 - t)
        let logSig = Swift.min(x, 0) - log1p(exp(-Swift.abs(x)))
        let bce = (1 - t) * x - logSig
        var l = bce * pow(oneMinusPt, gamma)
        if alpha >= 0 { l *= alpha * t + (1 - alpha) * (1 - t) }
        return l
    }

    /// `torchvision.ops.sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2, reduction='none')`.
    /// `alpha < 0` turns the α weighting off; 'mean' averages over every element.
    public static func torchvision(_ inputs: Tensor, _ targets: Tensor, alpha: Double = 0.25, gamma: Double = 2,
                                   reduction: Reduction = .none) throws -> Tensor {
        guard inputs.shape == targets.shape else {
            throw CoreError("sigmoid_focal_loss: targets of shape \(Tensor.formatShape(targets.shape)) must match inputs of shape \(Tensor.formatShape(inputs.shape))")
        }
        // torch: BCE-with-logits writes a float result into the targets' dtype
        guard inputs.dtype.isFloatingPoint, targets.dtype.isFloatingPoint else {
            throw CoreError("sigmoid_focal_loss: inputs and targets must be floating point, got \(inputs.dtype) and \(targets.dtype) (result type Float can't be cast to the desired output type)")
        }
        let x = inputs.floats, t = targets.floats
        var out = [Float](repeating: 0, count: x.count)
        for i in x.indices { out[i] = Float(element(Double(x[i]), Double(t[i]), alpha: alpha, gamma: gamma)) }
        return try LossReduce.weightReduce(out, shape: inputs.shape, weight: nil, reduction: reduction, avgFactor: nil)
    }
}

/// MMSegmentation `FocalLoss(use_sigmoid=True, gamma=2.0, alpha=0.5, reduction='mean',
/// class_weight=None, loss_weight=1.0, loss_name='loss_focal')` (`mmseg/models/losses/focal_loss.py`).
///
/// Logits (B, C, d…) are flattened to (M, C) rows in (b, d…) order. Index targets become one-hot
/// (ignored rows: target 0 and weight 0); a target of the logits' shape is used as is (rows whose
/// argmax equals `ignore_index` are zero-weighted). `final_weight = weight · class_weight · valid`
/// where `weight` may be (M,), (M, 1) or (M, C); 'mean' divides by M·C, ignored rows included;
/// 'none' returns the logits' shape. `alpha` may be a per-class list.
///
/// **Deviation (SPEC §8):** mmseg 1.2.2's CPU path slices the one-hot as `[:, C]` instead of
/// `[:, :C]` and raises for multi-class index targets; trick computes what the CUDA path (mmcv
/// `sigmoid_focal_loss` kernel) computes: one-hot over the C classes, and for a 1-channel head
/// the label 1 is the positive class.
public struct FocalLossConfig: Sendable {
    public var gamma: Double = 2.0
    public var alpha: [Double] = [0.5]      // one value, or one per class
    public var reduction: Reduction = .mean
    public var classWeight: [Float]? = nil
    public var lossWeight: Double = 1.0
    public var lossName = "loss_focal"
    public init() {}
}

public struct FocalLoss: SegLoss {
    public var config: FocalLossConfig
    public init(_ config: FocalLossConfig) { self.config = config }
    public var lossName: String { config.lossName }

    public func forward(_ pred: Tensor, _ target: Tensor, weight: Tensor?, avgFactor: Double?,
                        reductionOverride: Reduction?, ignoreIndex: Int?) throws -> Tensor {
        let reduction = reductionOverride ?? config.reduction
        let sh = pred.shape
        guard sh.count >= 2 else { throw CoreError("FocalLoss pred must be (N, C, ...), got \(Tensor.formatShape(sh))") }
        let b = sh[0], c = sh[1], s = sh.dropFirst(2).reduce(1, *)
        let m = b * s
        let ign = Int64(ignoreIndex ?? 255)
        guard target.shape == sh || (target.rank >= 1 && target.shape[0] == b && Array(target.shape.dropFirst()) == Array(sh.dropFirst(2))) else {
            throw CoreError("the shape of pred \(Tensor.formatShape(sh)) doesn't match the shape of target \(Tensor.formatShape(target.shape))",
                            kind: "AssertionError")   // mmseg asserts it
        }
        if config.alpha.count != 1 && config.alpha.count != c {
            throw CoreError("FocalLoss alpha list has \(config.alpha.count) entries but pred has \(c) classes")
        }
        if let cw = config.classWeight, cw.count != c {
            throw CoreError("FocalLoss class_weight has \(cw.count) entries but pred has \(c) classes")
        }
        let x = pred.doubles
        // rows (M, C): element (r, k) with r = bi*s + q lives at x[bi*c*s + k*s + q]
        var t = [Double](repeating: 0, count: m * c)
        var valid = [Double](repeating: 1, count: m)
        if target.shape == sh {
            let td = target.doubles
            for r in 0..<m {
                let bi = r / s, q = r % s
                var best = 0
                for k in 0..<c {
                    t[r * c + k] = td[bi * c * s + k * s + q]
                    if t[r * c + k] > t[r * c + best] { best = k }
                }
                if Int64(best) == ign { valid[r] = 0 }
            }
        } else {
            let y = try CrossEntropy.labels(target)
            for r in 0..<m {
                var v = y[r]
                if v == ign { valid[r] = 0; v = 0 }
                if c == 1 {
                    // CUDA path: one_hot(t, 2)[:, 1] — labels must be 0 or 1
                    guard v == 0 || v == 1 else {
                        throw CoreError("FocalLoss: label \(v) is out of range for a 1-channel (binary) pred: labels must be 0, 1 or the ignore index \(ign)")
                    }
                    t[r] = v == 1 ? 1 : 0
                } else {
                    guard v >= 0 && v <= Int64(c) else {
                        throw CoreError("FocalLoss: label \(v) is out of range for \(c) classes (ignore_index is \(ign))")
                    }
                    if v < Int64(c) { t[r * c + Int(v)] = 1 }   // label C = background: all negatives
                }
            }
        }
        // weight: (M, C) as is; a weight whose first size is M is viewed as (-1, 1) (so (M,),
        // (M, 1), and an OHEM (N, H, W) weight when H·W == 1); any other 2-D weight broadcasts
        // against (M, C) — the rules of `py_sigmoid_focal_loss`
        var rowWeight: [Float]? = nil, fullWeight: [Float]? = nil
        if let weight {
            if weight.shape == [m, c] {
                fullWeight = weight.floats
            } else if weight.rank >= 1 && weight.shape[0] == m && weight.count == m {
                rowWeight = weight.floats
            } else if weight.rank == 2 && !(weight.shape[0] == m && weight.count != m),
                      let b = try? broadcastWeight(weight, to: [m, c]) {
                fullWeight = b
            } else {
                throw CoreError("FocalLoss weight must be (M,), (M, 1) or (M, C) with M = \(m) rows and C = \(c), got \(Tensor.formatShape(weight.shape)) (a per-pixel OHEM weight cannot be used with FocalLoss, as in MMSegmentation)")
            }
        }
        var loss = [Float](repeating: 0, count: m * c)
        var fw = [Float](repeating: 0, count: m * c)
        for r in 0..<m {
            let bi = r / s, q = r % s
            for k in 0..<c {
                let a = config.alpha.count == 1 ? config.alpha[0] : config.alpha[k]
                let xi = x[bi * c * s + k * s + q]
                loss[r * c + k] = Float(Focal.element(xi, t[r * c + k], alpha: a, gamma: config.gamma))
                var w: Float = 1
                if let fullWeight { w *= fullWeight[r * c + k] }
                if let rowWeight { w *= rowWeight[r] }
                if let cw = config.classWeight { w *= cw[k] }
                w *= Float(valid[r])
                fw[r * c + k] = w
            }
        }
        var out = try LossReduce.weightReduce(loss, shape: [m, c], weight: fw, reduction: reduction, avgFactor: avgFactor)
        if out.rank == 2 {
            // (M, C) back to (B, C, d…)
            let f = out.floats
            var back = [Float](repeating: 0, count: f.count)
            for r in 0..<m {
                let bi = r / s, q = r % s
                for k in 0..<c { back[bi * c * s + k * s + q] = f[r * c + k] }
            }
            out = Tensor(shape: sh, float32: back)
        }
        return LossReduce.scale(out, by: config.lossWeight)
    }
}
