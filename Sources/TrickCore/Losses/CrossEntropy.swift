#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CTrickKernels

/// Cross-entropy losses: torch `F.cross_entropy`, `F.binary_cross_entropy_with_logits`, and the
/// MMSegmentation 1.2 `cross_entropy` / `binary_cross_entropy` wrappers behind
/// `CrossEntropyLoss` (reference/losses-ohem-pixel.md §2).
public enum CrossEntropy {

    /// Shape bookkeeping for a (N, C, d1, …) logits tensor with (N, d1, …) index targets.
    struct Layout {
        let n: Int, c: Int, s: Int
        let lossShape: [Int]
    }

    static func layout(_ input: Tensor, _ target: Tensor, what: String = "input") throws -> Layout {
        let ish = input.shape, tsh = target.shape
        guard ish.count >= 1 else { throw CoreError("\(what) must have at least 1 dimension, got a 0-d tensor") }
        if ish.count == 1 {
            // unbatched (C,) with a 0-d target
            guard tsh.isEmpty else {
                throw CoreError("expected a 0-d target for a 1-d \(what) of shape \(Tensor.formatShape(ish)), got target of shape \(Tensor.formatShape(tsh))")
            }
            return Layout(n: 1, c: ish[0], s: 1, lossShape: [])
        }
        let expected = [ish[0]] + Array(ish.dropFirst(2))
        guard tsh == expected else {
            throw CoreError("\(what) of shape \(Tensor.formatShape(ish)) needs a target of shape \(Tensor.formatShape(expected)), got \(Tensor.formatShape(tsh))")
        }
        return Layout(n: ish[0], c: ish[1], s: ish.dropFirst(2).reduce(1, *), lossShape: expected)
    }

    /// Integer class labels of a target tensor (int64 as is; floats truncate, as `.long()`).
    static func labels(_ target: Tensor, what: String = "target") throws -> [Int64] {
        if target.dtype.isFloatingPoint {
            throw CoreError("\(what) must hold class indices (int64) for index targets, got \(target.dtype)")
        }
        return target.int64s
    }

    /// Per-element softmax cross-entropy with index targets, as
    /// `F.cross_entropy(x, y, weight=cw, reduction='none', ignore_index=ign)`:
    /// `cw[y]·(logsumexp_c x − x_y)`, and 0 where `y == ign`. A label outside `[0, C)` that is not
    /// the ignore index is an error (torch: "Target k is out of bounds").
    /// Also returns the log-sum-exp and (for label smoothing) `−Σ_c cw_c·logp_c` per element.
    ///
    /// With `blockSums`, also the per-block sums the 'mean' and 'sum' reductions need: for block
    /// `k` (image-major, `PixelSoftmax.blockSize` pixels), `Σ Double(nll)` in `[2k]` and
    /// `Σ cw[y]` over the non-ignored pixels in `[2k + 1]` (summed in block order by the caller, so
    /// the result does not depend on the thread count).
    static func perElement(_ input: Tensor, _ y: [Int64], _ lay: Layout, classWeight: [Float]?,
                           ignoreIndex: Int64, withSmooth: Bool = false,
                           blockSums: UnsafeMutablePointer<Double>? = nil) throws -> (nll: [Float], smooth: [Float]) {
        guard input.dtype.isFloatingPoint else {
            throw CoreError("cross_entropy expects floating-point logits, got \(input.dtype)")
        }
        if let cw = classWeight, cw.count != lay.c {
            throw CoreError("class weight has \(cw.count) entries but the logits have \(lay.c) classes")
        }
        let (n, c, s) = (lay.n, lay.c, lay.s)
        // one vectorised pass; the per-label loop only to name the first bad label
        let valid = VectorKernels.useAVX2 ? y.withUnsafeBufferPointer { trick_labels_valid($0.baseAddress, $0.count, ignoreIndex, c) != 0 } : false
        if !valid {
            for label in y where label != ignoreIndex && !(label >= 0 && label < Int64(c)) {
                throw CoreError("target \(label) is out of bounds for \(c) classes (ignore_index is \(ignoreIndex))")
            }
        }
        var out: [Float] = HugePages.array(count: n * s) { $0.initialize(repeating: 0) }
        var smooth = withSmooth ? [Float](repeating: 0, count: n * s) : []
        let cw = classWeight.map { $0.map(Double.init) } ?? [Double](repeating: 1, count: c)   // 1 × v is v
        // Per pixel: lse = max + log Σ exp(x − max) (PixelSoftmax, blocked over contiguous pixels),
        // then cw[y]·(lse − x_y) and, for label smoothing, Σ_k cw_k·(lse − x_k); all in Double.
        func run<T: BinaryFloatingPoint>(_ xs: [T]) {
            xs.withUnsafeBufferPointer { x in
                y.withUnsafeBufferPointer { yp in
                    out.withUnsafeMutableBufferPointer { o in
                        smooth.withUnsafeMutableBufferPointer { sm in
                            let blocksPerImage = (s + PixelSoftmax.blockSize - 1) / PixelSoftmax.blockSize
                            let avx2 = VectorKernels.useAVX2
                            cw.withUnsafeBufferPointer { wb in
                            let weights = wb.baseAddress!
                            // The float32 AVX2 kernel does a whole block (statistics included) in one call.
                            let fused = avx2 && T.self == Float.self && !withSmooth
                            let blocks: (Int, Int, Int, UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>) -> Void = { b, p0, len, mx, se in
                                let labels = yp.baseAddress! + b * s + p0, outs = o.baseAddress! + b * s + p0
                                let logits = x.baseAddress! + b * c * s + p0
                                var sums = (nll: 0.0, weight: 0.0)
                                if fused {
                                    withUnsafeTemporaryAllocation(of: Double.self, capacity: 2) { t in
                                        trick_ce_block_f32(UnsafeRawPointer(logits).assumingMemoryBound(to: Float.self), c, s, len,
                                                           labels, ignoreIndex, weights, outs, t.baseAddress!)
                                        sums = (t[0], t[1])
                                    }
                                } else {
                                    // lse in place of se, in one vectorised pass
                                    if avx2 {
                                        trick_log_at_least_one(se, len)
                                        for i in 0..<len { se[i] = mx[i] + se[i] }
                                    } else {
                                        for i in 0..<len { se[i] = mx[i] + FastLog.logAtLeastOne(se[i]) }
                                    }
                                    // Σ nll and Σ w[y] in four interleaved partial sums (pixel i into
                                    // sum i mod 4), as the AVX2 kernel (trick_ce_block_f32): an ignored
                                    // pixel adds nothing
                                    var nll = SIMD4<Double>(), wsum = SIMD4<Double>()
                                    for i in 0..<len {
                                        let label = labels[i]
                                        if label == ignoreIndex { continue }
                                        let lse = se[i]
                                        let li = Int(label)
                                        let w = weights[li]
                                        let v = Float(w * (lse - Double(logits[li * s + i])))
                                        outs[i] = v
                                        nll[i & 3] += Double(v)
                                        wsum[i & 3] += w
                                        if withSmooth {
                                            var acc = 0.0
                                            for k in 0..<c { acc += weights[k] * (lse - Double(logits[k * s + i])) }
                                            sm[b * s + p0 + i] = Float(acc)
                                        }
                                    }
                                    sums = ((nll[0] + nll[1]) + (nll[2] + nll[3]), (wsum[0] + wsum[1]) + (wsum[2] + wsum[3]))
                                }
                                if let bs = blockSums {
                                    let k = b * blocksPerImage + p0 / PixelSoftmax.blockSize
                                    bs[2 * k] = sums.nll
                                    bs[2 * k + 1] = sums.weight
                                }
                            }
                            if fused {
                                // no statistics pass of the driver's own: the kernel computes them
                                PixelSoftmax.eachBlock(n: n, c: c, s: s, { _, _, _, _ in }, blocks)
                            } else                             if let xf = x as? UnsafeBufferPointer<Float> {
                                PixelSoftmax.forEachBlockFloat32(xf, n: n, c: c, s: s, blocks)
                            } else {
                                PixelSoftmax.forEachBlock(x, n: n, c: c, s: s, blocks)
                            }
                            }
                        }
                    }
                }
            }
        }
        if case .float32(let a) = input.storage { run(a) } else { run(input.doubles) }
        return (out, smooth)
    }

    /// `torch.nn.functional.cross_entropy(input, target, weight=None, ignore_index=-100,
    /// reduction='mean', label_smoothing=0.0)` for index targets or class-probability targets
    /// (a float target of the input's shape).
    ///
    /// Mean with class weights divides by `Σ weight[target]` over non-ignored elements, as torch;
    /// label smoothing mixes `(1−ε)·nll + ε/C·Σ_c w_c(−logp_c)` with the same normaliser.
    /// All-ignored input under 'mean' gives NaN, as torch.
    public static func torchCrossEntropy(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil,
                                         ignoreIndex: Int = -100, reduction: Reduction = .mean,
                                         labelSmoothing: Double = 0) throws -> Tensor {
        guard (0...1).contains(labelSmoothing) else {
            throw CoreError("label_smoothing must be between 0.0 and 1.0, got \(labelSmoothing)")
        }
        let cw = weight?.floats
        if target.dtype.isFloatingPoint && target.shape == input.shape {
            return try probabilityTargets(input, target, classWeight: cw, reduction: reduction, labelSmoothing: labelSmoothing)
        }
        let lay = try layout(input, target)
        if let cw, cw.count != lay.c {
            throw CoreError("weight has \(cw.count) entries but input has \(lay.c) classes (shape \(Tensor.formatShape(input.shape)))")
        }
        let y = try labels(target)
        let ign = Int64(ignoreIndex)
        let eps = labelSmoothing
        if eps == 0 && reduction != .none {
            // The sums come per block from the kernel (block order: independent of the threads).
            let blocks = lay.n * ((lay.s + PixelSoftmax.blockSize - 1) / PixelSoftmax.blockSize)
            var sums = [Double](repeating: 0, count: 2 * blocks)
            _ = try sums.withUnsafeMutableBufferPointer { bs in
                try perElement(input, y, lay, classWeight: cw, ignoreIndex: ign, blockSums: bs.baseAddress)
            }
            var total = 0.0, denom = 0.0
            for k in 0..<blocks { total += sums[2 * k]; denom += sums[2 * k + 1] }
            return .scalar(Float(reduction == .sum ? total : total / denom))
        }
        let (nll, smooth) = try perElement(input, y, lay, classWeight: cw, ignoreIndex: ign, withSmooth: labelSmoothing > 0)
        let cInv = 1.0 / Double(lay.c)
        switch reduction {
        case .none:
            if eps == 0 { return Tensor(shape: lay.lossShape, float32: nll) }
            let mixed = zip(nll, smooth).map { Float((1 - eps) * Double($0) + Double($1) * (eps * cInv)) }
            return Tensor(shape: lay.lossShape, float32: mixed)
        case .sum:
            let a = LossReduce.sum(nll)
            if eps == 0 { return .scalar(Float(a)) }
            return .scalar(Float((1 - eps) * a + LossReduce.sum(smooth) * eps * cInv))
        case .mean:
            var denom = 0.0
            for v in y where v != ign { denom += cw.map { Double($0[Int(v)]) } ?? 1 }
            let a = LossReduce.sum(nll) / denom
            if eps == 0 { return .scalar(Float(a)) }
            return .scalar(Float((1 - eps) * a + LossReduce.sum(smooth) / denom * eps * cInv))
        }
    }

    /// Class-probability targets: `−Σ_c w_c·t_c·logp_c` with `t ← t(1−ε) + ε/C`; 'mean' divides by
    /// the number of elements (N·d1…), as torch.
    static func probabilityTargets(_ input: Tensor, _ target: Tensor, classWeight: [Float]?,
                                   reduction: Reduction, labelSmoothing eps: Double) throws -> Tensor {
        let ish = input.shape
        let (n, c, s) = ish.count == 1 ? (1, ish[0], 1) : (ish[0], ish[1], ish.dropFirst(2).reduce(1, *))
        let lossShape = ish.count == 1 ? [] : [ish[0]] + Array(ish.dropFirst(2))
        if let cw = classWeight, cw.count != c { throw CoreError("weight has \(cw.count) entries but input has \(c) classes") }
        let x = input.doubles, t = target.doubles
        var out = [Float](repeating: 0, count: n * s)
        for b in 0..<n {
            for p in 0..<s {
                let base = b * c * s + p
                var m = -Double.infinity
                for k in 0..<c { m = Swift.max(m, x[base + k * s]) }
                var se = 0.0
                for k in 0..<c { se += exp(x[base + k * s] - m) }
                let lse = m + log(se)
                var acc = 0.0
                for k in 0..<c {
                    let tk = t[base + k * s] * (1 - eps) + eps / Double(c)
                    acc += (classWeight.map { Double($0[k]) } ?? 1) * tk * (lse - x[base + k * s])
                }
                out[b * s + p] = Float(acc)
            }
        }
        return try LossReduce.weightReduce(out, shape: lossShape, weight: nil, reduction: reduction, avgFactor: nil)
    }

    /// Element-wise `F.binary_cross_entropy_with_logits(x, t, weight, pos_weight, reduction='none')`:
    /// `(1−t)·x − (1 + (pw−1)·t)·logσ(x)` (torch's stable form), times `weight`.
    /// `posWeight` and `weight` are already broadcast to the element count.
    public static func bceWithLogitsElements(_ x: [Float], _ t: [Float], posWeight: [Float]? = nil) -> [Float] {
        var out = [Float](repeating: 0, count: x.count)
        for i in x.indices {
            let xi = Double(x[i]), ti = Double(t[i])
            let logSig = Swift.min(xi, 0) - log1p(exp(-Swift.abs(xi)))
            let lw = posWeight.map { 1 + (Double($0[i]) - 1) * ti } ?? 1
            out[i] = Float((1 - ti) * xi - lw * logSig)
        }
        return out
    }

    /// `torch.nn.functional.binary_cross_entropy_with_logits(input, target, weight=None,
    /// reduction='mean', pos_weight=None)`; `weight` and `pos_weight` broadcast to the input.
    public static func torchBCEWithLogits(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil,
                                          posWeight: Tensor? = nil, reduction: Reduction = .mean) throws -> Tensor {
        guard input.shape == target.shape else {
            throw CoreError("target size \(Tensor.formatShape(target.shape)) must be the same as input size \(Tensor.formatShape(input.shape))")
        }
        let pw = try posWeight.map { try broadcastWeight($0, to: input.shape, what: "pos_weight") }
        let w = try weight.map { try broadcastWeight($0, to: input.shape) }
        let l = bceWithLogitsElements(input.floats, target.floats, posWeight: pw)
        return try LossReduce.weightReduce(l, shape: input.shape, weight: w, reduction: reduction, avgFactor: nil)
    }
}

// MARK: - MMSegmentation CrossEntropyLoss

/// MMSegmentation 1.2 `CrossEntropyLoss` (`mmseg/models/losses/cross_entropy_loss.py`).
///
/// Softmax path (`use_sigmoid=False`), 'mean' without an explicit `avg_factor`:
/// - no class weight: `Σ w·l / (N·H·W + eps32)`, or `/ (#non-ignored + eps32)` with `avg_non_ignore`;
/// - class weight: `Σ w·l / (Σ cw[y] + eps32)` (PyTorch's weighted mean), as 1.2.2.
///   **Deviation (SPEC §8):** 1.2.2 indexes `cw[y]` for every pixel including ignored ones and
///   raises IndexError when the ignore index is outside `[-C, C)` (e.g. 255; upstream issues
///   #3412/#3492/#3734/#3831). trick then sums `cw[y]` over the non-ignored pixels only, as
///   `F.cross_entropy(weight=cw)` does. When the ignore index is a valid class index (e.g. 0 or
///   -1), 1.2.2 does not crash and trick reproduces it exactly (ignored pixels count `cw[ign]`
///   unless `avg_non_ignore=True`).
/// - `version0x = true` gives the 0.x rule instead (`Σ w·l / N·H·W`, or `/ #valid` with
///   `avg_non_ignore`, never divided by the class weights).
///
/// Sigmoid path (`use_sigmoid=True`): `binary_cross_entropy` with one-hot expansion of index
/// labels, ignored pixels weighted 0, `class_weight` passed as `pos_weight` (it broadcasts along
/// the last axis, as upstream), and `avg_non_ignore` dividing by `C × #valid`.
public struct CrossEntropyLossConfig: Sendable {
    public var useSigmoid = false
    public var useMask = false
    public var reduction: Reduction = .mean
    public var classWeight: [Float]? = nil
    public var lossWeight: Double = 1.0
    public var lossName = "loss_ce"
    public var avgNonIgnore = false
    public var version0x = false
    public init() {}
}

public struct CrossEntropyLoss: SegLoss {
    public var config: CrossEntropyLossConfig
    public init(_ config: CrossEntropyLossConfig) throws {
        if config.useSigmoid && config.useMask {
            throw CoreError("CrossEntropyLoss: use_sigmoid and use_mask cannot both be True")
        }
        self.config = config
    }
    public var lossName: String { config.lossName }

    public func forward(_ pred: Tensor, _ target: Tensor, weight: Tensor?, avgFactor: Double?,
                        reductionOverride: Reduction?, ignoreIndex: Int?) throws -> Tensor {
        let reduction = reductionOverride ?? config.reduction
        let ign = Int64(ignoreIndex ?? -100)
        let raw: Tensor
        if config.useSigmoid {
            raw = try binaryCrossEntropy(pred, target, weight: weight, reduction: reduction, avgFactor: avgFactor, ignoreIndex: ign)
        } else if config.useMask {
            raw = try maskCrossEntropy(pred, target, label: weight, reduction: reduction, avgFactor: avgFactor, ignoreIndex: ignoreIndex)
        } else {
            raw = try softmaxCrossEntropy(pred, target, weight: weight, reduction: reduction, avgFactor: avgFactor, ignoreIndex: ign)
        }
        return LossReduce.scale(raw, by: config.lossWeight)
    }

    /// MMSeg `mask_cross_entropy(pred, target, label, ...)` (`use_mask=True`, the instance-mask BCE):
    /// `F.binary_cross_entropy_with_logits(pred[arange(R), label].squeeze(1), target,
    /// weight=class_weight, reduction='mean')[None]` — a shape-(1,) tensor. The forward's third
    /// argument (`weight`) carries the RoI class labels. As upstream, `ignore_index` must be None
    /// (the forward's default is -100, so callers pass `ignore_index=None`), the reduction 'mean'
    /// and no `avg_factor` (reference/losses-ohem-pixel.md §2.5).
    func maskCrossEntropy(_ pred: Tensor, _ target: Tensor, label: Tensor?, reduction: Reduction,
                          avgFactor: Double?, ignoreIndex: Int?) throws -> Tensor {
        if let ignoreIndex {
            throw CoreError("CrossEntropyLoss(use_mask=True): BCE loss does not support ignore_index (got \(ignoreIndex); pass ignore_index=None)")
        }
        guard reduction == .mean && avgFactor == nil else {
            throw CoreError("CrossEntropyLoss(use_mask=True) supports only reduction='mean' without avg_factor")
        }
        guard let label else {
            throw CoreError("CrossEntropyLoss(use_mask=True) needs the RoI class labels, shape (R,), as the third argument")
        }
        let sh = pred.shape
        guard sh.count >= 3 else {
            throw CoreError("CrossEntropyLoss(use_mask=True) pred must be (R, C, H, W) mask logits, got \(Tensor.formatShape(sh))")
        }
        let r = sh[0], c = sh[1], inner = try Tensor.elementCount(Array(sh.dropFirst(2)))   // no trap for (0, C, 2^32, 2^32)
        guard label.rank == 1, label.count == r, !label.dtype.isFloatingPoint else {
            throw CoreError("CrossEntropyLoss(use_mask=True) labels must be \(r) integer class indices, shape (\(r),), got \(label.dtype) \(Tensor.formatShape(label.shape))")
        }
        guard target.dtype.isFloatingPoint else {
            throw CoreError("CrossEntropyLoss(use_mask=True) target masks must be float (result type Float can't be cast to \(target.dtype))")
        }
        let labels = label.int64s
        // labels first: with C = 0 none is valid, and R·inner (no class axis) could overflow
        for (i, k) in labels.enumerated() where !(k >= -Int64(c) && k < Int64(c)) {
            throw CoreError("CrossEntropyLoss(use_mask=True): label \(k) of RoI \(i) is out of bounds for \(c) classes")
        }
        let x = pred.floats
        var slice = [Float](repeating: 0, count: r * inner)
        for i in 0..<r {
            let k = labels[i]
            let base = (i * c + Int(k < 0 ? k + Int64(c) : k)) * inner
            for q in 0..<inner { slice[i * inner + q] = x[base + q] }
        }
        var sliceShape = [r] + Array(sh.dropFirst(2))
        if sliceShape[1] == 1 { sliceShape.remove(at: 1) }   // .squeeze(1)
        let cw = config.classWeight.map { Tensor(shape: [$0.count], float32: $0) }
        let loss = try CrossEntropy.torchBCEWithLogits(Tensor(shape: sliceShape, float32: slice), target.cast(to: .float32),
                                                       weight: cw, reduction: .mean)
        return try loss.reshaped([1])
    }

    /// MMSeg `cross_entropy(pred, label, weight, class_weight, reduction, avg_factor, ignore_index, avg_non_ignore)`.
    func softmaxCrossEntropy(_ pred: Tensor, _ target: Tensor, weight: Tensor?, reduction: Reduction,
                             avgFactor: Double?, ignoreIndex ign: Int64) throws -> Tensor {
        let lay = try CrossEntropy.layout(pred, target, what: "cls_score")
        let y = try CrossEntropy.labels(target, what: "label")
        let cw = config.classWeight
        let (loss, _) = try CrossEntropy.perElement(pred, y, lay, classWeight: cw, ignoreIndex: ign)
        let factor = avgFactor ?? (reduction == .mean ? meanFactor(y, ignoreIndex: ign) : nil)
        let w = try weight.map { try broadcastWeight($0, to: lay.lossShape) }
        return try LossReduce.weightReduce(loss, shape: lay.lossShape, weight: w, reduction: reduction, avgFactor: factor)
    }

    /// The divisor of the softmax path's 'mean' without an explicit `avg_factor` (see the type's
    /// doc): `Σ cw[y]` with class weights, else the pixel count (non-ignored with `avg_non_ignore`).
    func meanFactor(_ y: [Int64], ignoreIndex ign: Int64) -> Double {
        let cw = config.classWeight
        let total = y.count
        let nIgnored = y.reduce(0) { $0 + ($1 == ign ? 1 : 0) }
        if let cw, !config.version0x {
            let c = Int64(cw.count)
            let ignIsIndex = ign >= -c && ign < c
            var acc = 0.0
            for v in y {
                if v == ign {
                    // 1.2.2 adds cw[ign] (Python-style negative index) unless avg_non_ignore zeroes it.
                    if ignIsIndex && !config.avgNonIgnore { acc += Double(cw[Int(v < 0 ? v + c : v)]) }
                    continue
                }
                acc += Double(cw[Int(v)])
            }
            return Double(Float(acc))   // the sum is a float32 tensor upstream
        } else {
            return Double(config.avgNonIgnore ? total - nIgnored : total)
        }
    }

    /// The sigmoid path's targets: `pred` (a 1-channel head squeezed), the float target (one-hot for
    /// index labels), the element weight (0 on ignored pixels) and the count of valid elements.
    func binaryTargets(_ predIn: Tensor, _ label: Tensor, weight: Tensor?, ignoreIndex ign: Int64) throws
        -> (pred: Tensor, target: [Float], weight: [Float], validCount: Double) {
        var pred = predIn
        var predShape = pred.shape
        guard predShape.count >= 2 else {
            throw CoreError("cls_score must be (N, C) or (N, C, H, W), got \(Tensor.formatShape(predShape))")
        }
        if predShape[1] == 1 {
            // binary head: labels must be 0/1 outside the ignore index
            if !label.dtype.isFloatingPoint {
                let mx = label.int64s.filter { $0 != ign }.max()
                if let mx, mx > 1 {
                    throw CoreError("for pred with shape [N, 1, H, W], its label must have at most 2 classes (found label \(mx))")
                }
            }
            predShape.remove(at: 1)
            pred = try pred.reshaped(predShape)
        }
        var targetF: [Float]
        var w: [Float]
        var validCount: Double
        if pred.rank != label.rank {
            guard (pred.rank == 2 && label.rank == 1) || (pred.rank == 4 && label.rank == 3) else {
                throw CoreError("only pred shape [N, C], label shape [N] or pred shape [N, C, H, W], label shape [N, H, W] are supported, got pred \(Tensor.formatShape(predShape)) and label \(Tensor.formatShape(label.shape))")
            }
            let n = predShape[0], c = predShape[1]
            let s = predShape.count == 4 ? predShape[2] * predShape[3] : 1
            guard label.shape[0] == n, label.count == n * s else {
                throw CoreError("label of shape \(Tensor.formatShape(label.shape)) does not match pred of shape \(Tensor.formatShape(predShape))")
            }
            let y = try CrossEntropy.labels(label, what: "label")
            let pw = try weight.map { try broadcastWeight($0, to: label.shape) }
            targetF = [Float](repeating: 0, count: n * c * s)
            w = [Float](repeating: 0, count: n * c * s)
            var nValid = 0
            for b in 0..<n {
                for p in 0..<s {
                    let v = y[b * s + p]
                    let valid = v >= 0 && v != ign
                    guard valid else { continue }
                    guard v < Int64(c) else {
                        throw CoreError("label \(v) is out of bounds for \(c) classes")
                    }
                    nValid += 1
                    targetF[b * c * s + Int(v) * s + p] = 1
                    let wv = pw?[b * s + p] ?? 1
                    for k in 0..<c { w[b * c * s + k * s + p] = wv }
                }
            }
            validCount = Double(nValid * c)
        } else {
            guard pred.shape == label.shape else {
                throw CoreError("label of shape \(Tensor.formatShape(label.shape)) does not match pred of shape \(Tensor.formatShape(pred.shape))")
            }
            let ld = label.doubles
            targetF = ld.map { Float($0) }
            let mask: [Float] = ld.map { ($0 >= 0 && $0 != Double(ign)) ? 1 : 0 }
            if let weight {
                let wb = try broadcastWeight(weight, to: label.shape)
                w = zip(wb, mask).map { $0 * $1 }
            } else {
                w = mask
            }
            validCount = mask.reduce(0) { $0 + Double($1) }
        }
        return (pred, targetF, w, validCount)
    }

    /// MMSeg `binary_cross_entropy(pred, label, weight, reduction, avg_factor, class_weight, ignore_index, avg_non_ignore)`.
    func binaryCrossEntropy(_ predIn: Tensor, _ label: Tensor, weight: Tensor?, reduction: Reduction,
                            avgFactor: Double?, ignoreIndex ign: Int64) throws -> Tensor {
        let (pred, targetF, w, validCount) = try binaryTargets(predIn, label, weight: weight, ignoreIndex: ign)
        var factor = avgFactor
        if reduction == .mean && factor == nil && config.avgNonIgnore { factor = validCount }
        let pw = try config.classWeight.map { try broadcastWeight(Tensor($0), to: pred.shape, what: "class_weight (pos_weight)") }
        let loss = CrossEntropy.bceWithLogitsElements(pred.floats, targetF, posWeight: pw)
        return try LossReduce.weightReduce(loss, shape: pred.shape, weight: w, reduction: reduction, avgFactor: factor)
    }
}

/// A decode-head loss module: MMSeg's `forward(pred, target, weight=None, avg_factor=None,
/// reduction_override=None, ignore_index=…)` and its `loss_name`.
public protocol SegLoss: Sendable {
    var lossName: String { get }
    /// `ignoreIndex` is what the caller passed (the decode head passes its own); losses that use
    /// their constructor's value (Dice) ignore it.
    func forward(_ pred: Tensor, _ target: Tensor, weight: Tensor?, avgFactor: Double?,
                 reductionOverride: Reduction?, ignoreIndex: Int?) throws -> Tensor
}
