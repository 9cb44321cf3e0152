#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
        // a shape with no element, e.g. (0, C, 2^32, 2^32), can still overflow H·W: an error, not a trap
        let n = sh[0], c = sh[1], s = try Tensor.elementCount(Array(sh.dropFirst(2)))
        guard c > 0 else { throw CoreError("TverskyLoss pred has no classes (shape \(Tensor.formatShape(sh)))") }
        // every class skipped (C = 1, ignore_index = 0): upstream's total stays the int 0 and reducing it raises
        guard c > 1 || config.ignoreIndex != 0 else {
            throw CoreError("TverskyLoss: ignore_index=0 skips the only class of pred \(Tensor.formatShape(sh)): no class left to compute the loss over")
        }
        guard target.rank >= 1, target.shape[0] == n, target.count == n * s else {
            throw CoreError("TverskyLoss target must hold one label per pixel of pred \(Tensor.formatShape(sh)), i.e. shape \(Tensor.formatShape([n] + Array(sh.dropFirst(2)))), got \(Tensor.formatShape(target.shape))")
        }
        // upstream reads class_weight[i] only for the scored classes (i != ignore_index)
        if let cw = config.classWeight, let i = (0..<c).first(where: { $0 != config.ignoreIndex && $0 >= cw.count }) {
            throw CoreError("TverskyLoss: class_weight has \(cw.count) entries but pred has \(c) classes (no weight for class \(i))")
        }
        let alpha = Float(config.alpha), beta = Float(config.beta), smooth = Float(config.smooth)
        if s == 0 || n == 0 {
            // no pixel: TP = FP = FN = 0 for every image, so each class scores 1 − s/s (NaN for an
            // empty batch, the mean of nothing) — without per-image buffers for a huge N
            var total: Float = 0
            for i in 0..<c where i != config.ignoreIndex {
                var l: Float = n == 0 ? .nan : 1 - (smooth / smooth)
                if let cw = config.classWeight { l *= cw[i] }
                total += l
            }
            return LossReduce.scale(.scalar(total / Float(c)), by: config.lossWeight)
        }
        let (labels, valid) = try Tversky.labels(target, classes: c, ignoreIndex: config.ignoreIndex)
        let sums = Tversky.classSums(pred, n: n, c: c, s: s, labels: labels, valid: valid)

        var total: Float = 0
        for i in 0..<c where i != config.ignoreIndex {
            var sumOverBatch = 0.0
            for b in 0..<n {
                let k = b * c + i
                // TP = Σ p·T·valid, FP = Σ p·(1−T)·valid, FN = Σ (1−p)·T·valid
                let TP = Float(sums.ownClass[k]), FP = Float(sums.all[k] - sums.ownClass[k])
                let FN = Float(Double(sums.count[k]) - sums.ownClass[k])
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
    static func labels(_ target: Tensor, classes c: Int, ignoreIndex: Int?) throws -> ([Int32], [Bool]) {
        var labels = [Int32](repeating: 0, count: target.count)
        var valid = [Bool](repeating: true, count: target.count)
        if target.dtype.isFloatingPoint {
            for (k, v) in target.doubles.enumerated() {
                guard v.isFinite else { throw CoreError("TverskyLoss target has a non-finite label (\(v)) at flat index \(k)") }
                if let ign = ignoreIndex { valid[k] = v != Double(ign) }
                labels[k] = v <= 0 ? 0 : (v >= Double(c - 1) ? Int32(c - 1) : Int32(v))
            }
        } else {
            for (k, v) in target.int64s.enumerated() {
                if let ign = ignoreIndex { valid[k] = v != Int64(ign) }
                labels[k] = v <= 0 ? 0 : (v >= Int64(c - 1) ? Int32(c - 1) : Int32(v))
            }
        }
        return (labels, valid)
    }

    /// Per image b and class k (index `b·C + k`), over the valid pixels: `all` = Σ p_k,
    /// `ownClass` = Σ p_k where the (clamped) label is k, `count` = #pixels labelled k.
    /// p is the softmax over classes, computed block by block (PixelSoftmax; float32 logits use
    /// the vectorised float32 exp as torch does); each block's sums are kept apart and added in
    /// block order, so the result does not depend on the thread count.
    static func classSums(_ pred: Tensor, n: Int, c: Int, s: Int, labels: [Int32], valid: [Bool])
        -> (all: [Double], ownClass: [Double], count: [Int]) {
        let blocksPerImage = (s + PixelSoftmax.blockSize - 1) / PixelSoftmax.blockSize
        var all = [Double](repeating: 0, count: n * blocksPerImage * c)
        var own = [Double](repeating: 0, count: n * blocksPerImage * c)
        func run<T: BinaryFloatingPoint>(_ xs: [T], float32: Bool) {
            xs.withUnsafeBufferPointer { x in
                labels.withUnsafeBufferPointer { y in
                    valid.withUnsafeBufferPointer { ok in
                        all.withUnsafeMutableBufferPointer { allOut in
                            own.withUnsafeMutableBufferPointer { ownOut in
                                let body: (Int, Int, Int, UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>) -> Void = { b, p0, len, mx, se in
                                    let slot = (b * blocksPerImage + p0 / PixelSoftmax.blockSize) * c
                                    withUnsafeTemporaryAllocation(of: Float.self, capacity: 3 * PixelSoftmax.blockSize) { tmp in
                                        let mxf = tmp.baseAddress!, inv = mxf + PixelSoftmax.blockSize, p = inv + PixelSoftmax.blockSize
                                        for i in 0..<len { mxf[i] = Float(mx[i]); inv[i] = Float(1 / se[i]) }
                                        for k in 0..<c {
                                            let row = x.baseAddress! + b * c * s + k * s + p0
                                            if float32 {
                                                let rf = UnsafeRawPointer(row).assumingMemoryBound(to: Float.self)
                                                for i in 0..<len { p[i] = FastExp.expNonPositive(rf[i] - mxf[i]) * inv[i] }
                                            } else {
                                                for i in 0..<len { p[i] = Float(exp(Double(row[i]) - mx[i]) / se[i]) }
                                            }
                                            var sa = 0.0, so = 0.0
                                            let lab = y.baseAddress! + b * s + p0, v = ok.baseAddress! + b * s + p0
                                            for i in 0..<len where v[i] {
                                                let pv = Double(p[i])
                                                sa += pv
                                                if lab[i] == Int32(k) { so += pv }
                                            }
                                            allOut[slot + k] = sa
                                            ownOut[slot + k] = so
                                        }
                                    }
                                }
                                if float32 {
                                    PixelSoftmax.forEachBlockFloat32(UnsafeRawBufferPointer(x).bindMemory(to: Float.self), n: n, c: c, s: s, body)
                                } else {
                                    PixelSoftmax.forEachBlock(x, n: n, c: c, s: s, body)
                                }
                            }
                        }
                    }
                }
            }
        }
        if case .float32(let a) = pred.storage { run(a, float32: true) } else { run(pred.doubles, float32: false) }

        var allSum = [Double](repeating: 0, count: n * c), ownSum = [Double](repeating: 0, count: n * c)
        var count = [Int](repeating: 0, count: n * c)
        for b in 0..<n {
            for blk in 0..<blocksPerImage {
                for k in 0..<c {
                    allSum[b * c + k] += all[(b * blocksPerImage + blk) * c + k]
                    ownSum[b * c + k] += own[(b * blocksPerImage + blk) * c + k]
                }
            }
            for q in 0..<s where valid[b * s + q] { count[b * c + Int(labels[b * s + q])] += 1 }
        }
        return (allSum, ownSum, count)
    }
}
