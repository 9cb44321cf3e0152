#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// MMSegmentation `DiceLoss`, both generations (reference/losses-ohem-pixel.md §3).
///
/// **1.x (default; mmseg 1.1.1–1.2.2)** `DiceLoss(use_sigmoid=True, activate=True, reduction='mean',
/// naive_dice=False, loss_weight=1.0, ignore_index=255, eps=1e-3, loss_name='loss_dice')`:
/// index labels become one-hot over `C+1` classes and the last is dropped (labels ≥ C, e.g. 255,
/// give an all-zero row; negative labels clamp to class 0); a target of the prediction's shape is
/// used as is. Activation: sigmoid (default), softmax (`use_sigmoid=False`, C > 1), or none.
/// The **channel** `ignore_index` is dropped (a no-op when it is ≥ C). One Dice per image,
/// pooled over all remaining classes and pixels:
/// V-Net `1 − 2a/((Σp²+eps)+(Σt²+eps))`, or naive `1 − (2a+eps)/(Σp+Σt+eps)`; then
/// `weight_reduce_loss` over the batch (weight must be (N,)), × loss_weight. The forward
/// `ignore_index` is unused, as upstream.
///
/// **0.x** (`version='0.x'`; mmseg 0.30 / 1.0.0) `DiceLoss(smooth=1, exponent=2, reduction='mean',
/// class_weight=None, loss_weight=1.0, ignore_index=255, loss_name='loss_dice')`: softmax, one-hot
/// of `clamp(y, 0, C−1)` (an ignored 255 pixel counts as class C−1 in the denominator), per class
/// i ≠ ignore_index and per image `1 − (2Σ p·t·valid + smooth)/(Σ pᵉ + tᵉ + smooth)`, mean over the
/// batch, × cw[i], summed over classes and divided by C. `weight` is ignored; `reduction` only
/// matters for 'mean' with an explicit `avg_factor`. As 0.x, `class_weight` may be longer than C
/// (only `cw[i]` of the scored classes is read); missing a scored class is an error.
public struct DiceLossConfig: Sendable {
    public var useSigmoid = true
    public var activate = true
    public var reduction: Reduction = .mean
    public var naiveDice = false
    public var lossWeight: Double = 1.0
    public var ignoreIndex: Int? = 255
    public var eps: Double = 1e-3
    public var lossName = "loss_dice"
    // 0.x
    public var version0x = false
    public var smooth: Double = 1
    public var exponent: Double = 2
    public var classWeight: [Float]? = nil
    public init() {}
}

public struct DiceLoss: SegLoss {
    public var config: DiceLossConfig
    public init(_ config: DiceLossConfig) { self.config = config }
    public var lossName: String { config.lossName }

    public func forward(_ pred: Tensor, _ target: Tensor, weight: Tensor?, avgFactor: Double?,
                        reductionOverride: Reduction?, ignoreIndex: Int?) throws -> Tensor {
        let reduction = reductionOverride ?? config.reduction
        let raw = config.version0x
            ? try forward0x(pred, target, reduction: reduction, avgFactor: avgFactor)
            : try forward1x(pred, target, weight: weight, reduction: reduction, avgFactor: avgFactor)
        return LossReduce.scale(raw, by: config.lossWeight)
    }

    static func activate(_ x: [Double], n: Int, c: Int, s: Int, sigmoid: Bool) -> [Double] {
        if sigmoid { return x.map { 1 / (1 + exp(-$0)) } }
        var p = x
        for b in 0..<n {
            for q in 0..<s {
                let base = b * c * s + q
                var m = -Double.infinity
                for k in 0..<c { m = Swift.max(m, x[base + k * s]) }
                var se = 0.0
                for k in 0..<c { let e = exp(x[base + k * s] - m); p[base + k * s] = e; se += e }
                for k in 0..<c { p[base + k * s] /= se }
            }
        }
        return p
    }

    func forward1x(_ pred: Tensor, _ target: Tensor, weight: Tensor?, reduction: Reduction, avgFactor: Double?) throws -> Tensor {
        let sh = pred.shape
        guard sh.count >= 2 else { throw CoreError("DiceLoss pred must be (N, C, ...), got \(Tensor.formatShape(sh))") }
        let n = sh[0], c = sh[1], s = sh.dropFirst(2).reduce(1, *)
        var t: [Double]
        if target.shape == sh {
            t = target.doubles
        } else {
            guard target.shape == [n] + Array(sh.dropFirst(2)) else {
                throw CoreError("DiceLoss target must be (N, ...) labels or match pred \(Tensor.formatShape(sh)), got \(Tensor.formatShape(target.shape))")
            }
            let y = try CrossEntropy.labels(target)
            t = [Double](repeating: 0, count: n * c * s)
            for b in 0..<n {
                for q in 0..<s {
                    let v = Swift.max(y[b * s + q], 0)
                    if v < Int64(c) { t[b * c * s + Int(v) * s + q] = 1 }
                }
            }
        }
        var p = pred.doubles
        if config.activate {
            if config.useSigmoid { p = DiceLoss.activate(p, n: n, c: c, s: s, sigmoid: true) }
            else if c != 1 { p = DiceLoss.activate(p, n: n, c: c, s: s, sigmoid: false) }
        }
        var keep = Array(0..<c)
        if let ign = config.ignoreIndex {
            guard sh.count == 4 else {
                throw CoreError("DiceLoss with ignore_index expects 4-D pred (N, C, H, W), got \(Tensor.formatShape(sh))")
            }
            keep = keep.filter { $0 != ign }
            guard !keep.isEmpty else {
                throw CoreError("DiceLoss: ignore_index \(ign) removes the only channel of pred \(Tensor.formatShape(sh))", kind: "AssertionError")  // MMSeg: assert pred.shape[1] != 0
            }
        }
        let eps = config.eps
        var loss = [Float](repeating: 0, count: n)
        for b in 0..<n {
            var a = 0.0, sp = 0.0, st = 0.0
            for k in keep {
                let base = b * c * s + k * s
                for q in 0..<s {
                    let pi = Double(Float(p[base + q])), ti = t[base + q]
                    a += pi * ti
                    if config.naiveDice { sp += pi; st += ti } else { sp += pi * pi; st += ti * ti }
                }
            }
            let d = config.naiveDice ? (2 * a + eps) / (sp + st + eps) : (2 * a) / ((sp + eps) + (st + eps))
            loss[b] = Float(1 - d)
        }
        var w: [Float]?
        if let weight {
            guard weight.rank == 1, weight.count == n else {
                // MMSeg asserts `weight.ndim == loss.ndim` and `len(weight) == len(pred)`
                throw CoreError("DiceLoss weight must have shape (N,) = (\(n),), got \(Tensor.formatShape(weight.shape)) (a per-pixel OHEM weight cannot be used with DiceLoss, as in MMSegmentation)",
                                kind: "AssertionError")
            }
            w = weight.floats
        }
        return try LossReduce.weightReduce(loss, shape: [n], weight: w, reduction: reduction, avgFactor: avgFactor)
    }

    func forward0x(_ pred: Tensor, _ target: Tensor, reduction: Reduction, avgFactor: Double?) throws -> Tensor {
        let sh = pred.shape
        guard sh.count >= 2 else { throw CoreError("DiceLoss pred must be (N, C, ...), got \(Tensor.formatShape(sh))") }
        let n = sh[0], c = sh[1], s = sh.dropFirst(2).reduce(1, *)
        guard target.shape == [n] + Array(sh.dropFirst(2)) else {
            throw CoreError("DiceLoss (0.x) target must be (N, ...) labels for pred \(Tensor.formatShape(sh)), got \(Tensor.formatShape(target.shape))")
        }
        let ign = config.ignoreIndex.map { Int64($0) }
        // 0.x reads class_weight[i] for each class i it scores (all but ignore_index): a longer list
        // is accepted (extra entries unused), one missing a scored class is an IndexError there.
        if let cw = config.classWeight, let i = (0..<c).first(where: { Int64($0) != ign && $0 >= cw.count }) {
            throw CoreError("class_weight has \(cw.count) entries but pred has \(c) classes (no weight for class \(i))")
        }
        // every class ignored (C == 1, ignore_index 0): 0.x ends in `0.0.mean()` (AttributeError),
        // 1.x asserts that a channel is left; an error here too
        guard (0..<c).contains(where: { Int64($0) != ign }) else {
            throw CoreError("DiceLoss (0.x): ignore_index \(ign ?? 0) removes the only class of pred \(Tensor.formatShape(sh)); no class is left to score")
        }
        let y = try CrossEntropy.labels(target)
        let p = DiceLoss.activate(pred.doubles, n: n, c: c, s: s, sigmoid: false)
        var total = 0.0
        for i in 0..<c where Int64(i) != ign {
            var sumOverBatch = 0.0
            for b in 0..<n {
                var num = 0.0, den = 0.0
                for q in 0..<s {
                    let label = y[b * s + q]
                    let cls = Swift.min(Swift.max(label, 0), Int64(c - 1))
                    let ti: Double = cls == Int64(i) ? 1 : 0
                    let valid: Double = label != ign ? 1 : 0
                    let pi = Double(Float(p[b * c * s + i * s + q]))
                    num += pi * ti * valid
                    den += pow(pi, config.exponent) + pow(ti, config.exponent)
                }
                sumOverBatch += 1 - (2 * num + config.smooth) / (den + config.smooth)
            }
            // inner binary_dice_loss: default 'mean' over the batch
            total += sumOverBatch / Double(n) * Double(config.classWeight?[i] ?? 1)
        }
        // outer @weighted_loss on the (already scalar) class average
        let value = Float(total / Double(c))
        if let f = avgFactor {
            switch reduction {
            case .mean: return .scalar(value / Float(f + float32Eps))
            case .sum: throw CoreError("avg_factor can not be used with reduction=\"sum\"")
            case .none: break
            }
        }
        return .scalar(value)
    }
}
