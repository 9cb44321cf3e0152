/// The segmentation losses with gradients, composed from differentiable ops exactly as the
/// reference code composes them, so autograd differentiates the same expression torch does:
/// - MMSegmentation 1.2 `CrossEntropyLoss`: softmax path `F.cross_entropy(…, reduction='none',
///   weight=class_weight, ignore_index)`, times the pixel `weight`, `weight_reduce_loss` (the
///   'mean' divisor as the forward-only `CrossEntropyLoss`, including SPEC §8's class-weight
///   rule), times `loss_weight`; sigmoid path (`use_sigmoid=True`) mmseg's `binary_cross_entropy`;
/// - MMSegmentation 1.2 `DiceLoss` (1.x): activation, one-hot target, the channel `ignore_index`
///   dropped, per-image V-Net or naive Dice, `weight_reduce_loss`, `loss_weight`;
/// - MMSegmentation `TverskyLoss` and `FocalLoss` (below);
/// - torchvision `sigmoid_focal_loss(inputs, targets, alpha, gamma, reduction)`.
extension Variable {
    /// `self * t` for a constant tensor (MulBackward0).
    public func mul(_ t: Tensor) throws -> Variable { try mul(try Variable(t)) }

    /// MMSeg `weight_reduce_loss(loss, weight, reduction, avg_factor)` on a differentiable loss.
    public func weightReduce(weight: Tensor?, reduction: Reduction, avgFactor: Double?) throws -> Variable {
        var l = self
        if let weight { l = try l.mul(weight.cast(to: dtype)) }
        if let f = avgFactor {
            switch reduction {
            case .mean: return try l.sum().div(f + float32Eps)
            case .none: return l
            case .sum: throw CoreError("avg_factor can not be used with reduction=\"sum\"")
            }
        }
        switch reduction {
        case .none: return l
        case .sum: return try l.sum()
        case .mean: return try l.mean()
        }
    }

    /// `loss_weight * loss`, also for 1 (exact), so the result's grad_fn is torch's MulBackward0.
    func scaled(by lossWeight: Double) throws -> Variable { try mul(lossWeight) }

    /// torchvision `ops.sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2, reduction='none')`.
    public static func sigmoidFocalLoss(_ inputs: Variable, _ targets: Tensor, alpha: Double = 0.25, gamma: Double = 2,
                                        reduction: Reduction = .none) throws -> Variable {
        let t = targets.cast(to: inputs.dtype)
        let p = try inputs.sigmoid()
        let ce = try binaryCrossEntropyWithLogits(inputs, t, reduction: .none)
        let oneMinusT = try GradMath.bin(.sub, 1, t)
        let pt = try p.mul(t).add(try p.rsub(1).mul(oneMinusT))
        var loss = try ce.mul(try pt.rsub(1).pow(gamma))
        if alpha >= 0 {
            let at = try GradMath.bin(.add, try GradMath.bin(.mul, t, alpha), try GradMath.bin(.mul, oneMinusT, 1 - alpha))
            loss = try Variable(at).mul(loss)
        }
        switch reduction {
        case .none: return loss
        case .mean: return try loss.mean()
        case .sum: return try loss.sum()
        }
    }
}

extension CrossEntropyLoss {
    /// `loss(cls_score, label, weight=None, avg_factor=None, reduction_override=None,
    /// ignore_index=255)` with a gradient for `cls_score` (softmax and sigmoid paths).
    public func forward(_ pred: Variable, _ target: Tensor, weight: Tensor? = nil, avgFactor: Double? = nil,
                        reductionOverride: Reduction? = nil, ignoreIndex: Int? = 255) throws -> Variable {
        guard !config.useMask else {
            throw CoreError("CrossEntropyLoss: gradients are implemented for the softmax and sigmoid paths, not use_mask=True")
        }
        let reduction = reductionOverride ?? config.reduction
        let ign = Int64(ignoreIndex ?? -100)
        if config.useSigmoid {
            // mmseg `binary_cross_entropy`: BCE-with-logits against the (one-hot) target, class_weight as
            // pos_weight, the valid-pixel weight, `avg_non_ignore` dividing by the valid elements
            let (p, t, w, validCount) = try binaryTargets(pred.data, target, weight: weight, ignoreIndex: ign)
            let x = p.shape == pred.shape ? pred : try pred.reshape(p.shape)
            var factor = avgFactor
            if reduction == .mean && factor == nil && config.avgNonIgnore { factor = validCount }
            let pw = try config.classWeight.map {
                Tensor(shape: p.shape, float32: try broadcastWeight(Tensor($0), to: p.shape, what: "class_weight (pos_weight)"))
            }
            let el = try Variable.binaryCrossEntropyWithLogits(x, Tensor(shape: p.shape, float32: t).cast(to: x.dtype), posWeight: pw, reduction: .none)
            return try el.weightReduce(weight: Tensor(shape: p.shape, float32: w), reduction: reduction, avgFactor: factor)
                .scaled(by: config.lossWeight)
        }
        let lay = try CrossEntropy.layout(pred.data, target, what: "cls_score")
        let y = try CrossEntropy.labels(target, what: "label")
        let cw = config.classWeight.map { Tensor(shape: [$0.count], float32: $0) }
        let el = try Variable.crossEntropy(pred, target, weight: cw, ignoreIndex: Int(ign), reduction: .none)
        let factor = avgFactor ?? (reduction == .mean ? meanFactor(y, ignoreIndex: ign) : nil)
        let w = try weight.map { Tensor(shape: lay.lossShape, float32: try broadcastWeight($0, to: lay.lossShape)) }
        return try el.weightReduce(weight: w, reduction: reduction, avgFactor: factor).scaled(by: config.lossWeight)
    }
}

extension DiceLoss {
    /// `loss(pred, target, weight=None, avg_factor=None, reduction_override=None)` with a gradient
    /// for `pred` (1.x DiceLoss).
    public func forward(_ pred: Variable, _ target: Tensor, weight: Tensor? = nil, avgFactor: Double? = nil,
                        reductionOverride: Reduction? = nil) throws -> Variable {
        guard !config.version0x else { throw CoreError("DiceLoss: gradients are implemented for the 1.x loss") }
        let sh = pred.shape
        guard sh.count >= 2 else { throw CoreError("DiceLoss pred must be (N, C, ...), got \(Tensor.formatShape(sh))") }
        let n = sh[0], c = sh[1], s = sh.dropFirst(2).reduce(1, *)
        var t: Tensor
        if target.shape == sh {
            t = target.cast(to: pred.dtype)
        } else {
            guard target.shape == [n] + Array(sh.dropFirst(2)) else {
                throw CoreError("DiceLoss target must be (N, ...) labels or match pred \(Tensor.formatShape(sh)), got \(Tensor.formatShape(target.shape))")
            }
            // `_expand_onehot_labels_dice`: one-hot over C+1 classes of clamp(y, min=0), the last dropped
            let y = try CrossEntropy.labels(target)
            var oh = [Float](repeating: 0, count: n * c * s)
            for b in 0..<n {
                for q in 0..<s {
                    let v = Swift.max(y[b * s + q], 0)
                    if v < Int64(c) { oh[b * c * s + Int(v) * s + q] = 1 }
                }
            }
            t = Tensor(shape: sh, float32: oh).cast(to: pred.dtype)
        }
        var p = pred
        if config.activate {
            if config.useSigmoid { p = try p.sigmoid() } else if c != 1 { p = try p.softmax(dim: 1) }
        }
        if let ign = config.ignoreIndex {
            guard sh.count == 4 else {
                throw CoreError("DiceLoss with ignore_index expects 4-D pred (N, C, H, W), got \(Tensor.formatShape(sh))")
            }
            let keep = (0..<c).filter { $0 != ign }
            guard !keep.isEmpty else {
                throw CoreError("DiceLoss: ignore_index \(ign) removes the only channel of pred \(Tensor.formatShape(sh))", kind: "AssertionError")  // MMSeg: assert pred.shape[1] != 0
            }
            if keep.count != c {
                let mask = Tensor((0..<c).map { $0 != ign })
                p = try p.subscripted([.slice(nil, nil, nil), .tensor(mask)])
                t = try t.subscripted([.slice(nil, nil, nil), .tensor(mask)])
            }
        }
        let input = try p.flatten(1)
        let tf = try t.flattened(1)
        let a = try input.mul(tf).sum(dims: [1])
        let eps = config.eps
        let d: Variable
        if config.naiveDice {
            let bc = try input.sum(dims: [1]).add(try Variable(try tf.sum(dims: [1])))
            d = try a.mul(2).add(eps).div(try bc.add(eps))
        } else {
            let b = try input.mul(input).sum(dims: [1]).add(eps)
            let cc = try Tensor.binary(.add, .tensor(try GradMath.bin(.mul, tf, tf).sum(dims: [1])), .float(eps))
            d = try a.mul(2).div(try b.add(try Variable(cc)))
        }
        let loss = try d.rsub(1)
        if let weight, weight.rank != 1 || weight.count != n {
            throw CoreError("DiceLoss weight must be (N,) = (\(n),), got \(Tensor.formatShape(weight.shape))", kind: "AssertionError")
        }
        return try loss.weightReduce(weight: weight, reduction: reductionOverride ?? config.reduction, avgFactor: avgFactor)
            .scaled(by: config.lossWeight)
    }
}

extension TverskyLoss {
    /// `loss(pred, target)` with a gradient for `pred`, composed as mmseg's `tversky_loss`: softmax,
    /// per class `i != ignore_index` the per-image `1 − (TP + s)/(TP + α·FP + β·FN + s)` over valid
    /// pixels, its batch mean × `cw[i]`, summed, `/ C`, × `loss_weight`.
    public func forward(_ pred: Variable, _ target: Tensor) throws -> Variable {
        let sh = pred.shape
        guard sh.count >= 2, target.shape == [sh[0]] + Array(sh.dropFirst(2)) else {
            throw CoreError("TverskyLoss: pred must be (N, C, ...) and target (N, ...), got \(Tensor.formatShape(sh)) and \(Tensor.formatShape(target.shape))")
        }
        let n = sh[0], c = sh[1], s = sh.dropFirst(2).reduce(1, *)
        let y = try CrossEntropy.labels(target)
        let valid = Tensor(shape: [n, s], float32: y.map { v -> Float in
            if let ign = config.ignoreIndex, v == Int64(ign) { return 0 }
            return 1
        })
            .cast(to: pred.dtype)
        let p = try pred.softmax(dim: 1)
        var total: Variable?
        for i in 0..<c where i != config.ignoreIndex {
            let onehot = Tensor(shape: [n, s], float32: y.map { Swift.min(Swift.max($0, 0), Int64(c - 1)) == Int64(i) ? 1 : 0 }).cast(to: pred.dtype)
            let pi = try p.subscripted([.slice(nil, nil, nil), .int(i)]).reshape([n, -1])
            let tp = try pi.mul(onehot).mul(valid).sum(dims: [1])
            let fp = try pi.mul(try GradMath.bin(.sub, 1, onehot)).mul(valid).sum(dims: [1])
            let fn = try pi.rsub(1).mul(onehot).mul(valid).sum(dims: [1])
            let tversky = try tp.add(config.smooth).div(try tp.add(try fp.mul(config.alpha)).add(try fn.mul(config.beta)).add(config.smooth))
            var l = try tversky.rsub(1).mean()
            if let cw = config.classWeight { l = try l.mul(Double(cw[i])) }
            total = try total.map { try $0.add(l) } ?? l
        }
        guard let total else { throw CoreError("TverskyLoss: ignore_index \(config.ignoreIndex ?? -1) leaves no class to score") }
        return try total.div(Double(c)).scaled(by: config.lossWeight)
    }
}

extension FocalLoss {
    /// `loss(pred, target, weight=None, avg_factor=None, reduction_override=None, ignore_index=255)`
    /// with a gradient for `pred`: index targets, a scalar `alpha`. Composed as mmseg's
    /// `py_sigmoid_focal_loss` fed the one-hot target over the C classes (what the CUDA kernel
    /// computes, SPEC §8): rows (M, C) in mmseg's transpose/reshape order,
    /// `BCE(x, t) · (α·t + (1−α)(1−t)) · ((1−σ)·t + σ·(1−t))^γ`, `final_weight = weight.view(-1, 1) ·
    /// class_weight · valid`, `weight_reduce_loss`, `loss_weight`; 'none' comes back in pred's shape.
    public func forward(_ pred: Variable, _ target: Tensor, weight: Tensor? = nil, avgFactor: Double? = nil,
                        reductionOverride: Reduction? = nil, ignoreIndex: Int = 255) throws -> Variable {
        let sh = pred.shape
        guard sh.count >= 2, target.shape == [sh[0]] + Array(sh.dropFirst(2)), !target.dtype.isFloatingPoint else {
            throw CoreError("FocalLoss: gradients are implemented for index targets (N, ...) of a (N, C, ...) pred, got \(Tensor.formatShape(sh)) and \(Tensor.formatShape(target.shape))")
        }
        guard config.alpha.count == 1 else { throw CoreError("FocalLoss: gradients are implemented for a scalar alpha") }
        let c = sh[1]
        guard c > 1 else { throw CoreError("FocalLoss: gradients are implemented for C > 1 classes") }
        let rows = try pred.transpose(0, 1).reshape([c, -1]).transpose(0, 1)
        let m = rows.shape[0]
        let y = try CrossEntropy.labels(target)
        var t = [Float](repeating: 0, count: m * c), valid = [Float](repeating: 1, count: m)
        for r in 0..<m {
            var v = y[r]
            if v == Int64(ignoreIndex) { valid[r] = 0; v = 0 }
            guard v >= 0 && v <= Int64(c) else { throw CoreError("FocalLoss: label \(v) is out of range for \(c) classes (ignore_index is \(ignoreIndex))") }
            if v < Int64(c) { t[r * c + Int(v)] = 1 }
        }
        let dt = pred.dtype
        let tt = Tensor(shape: [m, c], float32: t).cast(to: dt)
        let alpha = config.alpha[0], gamma = config.gamma
        let p = try rows.sigmoid()
        let oneMinusT = try GradMath.bin(.sub, 1, tt)
        let oneMinusPt = try p.rsub(1).mul(tt).add(try p.mul(oneMinusT))
        let alphaT = try GradMath.bin(.add, try GradMath.bin(.mul, tt, alpha), try GradMath.bin(.mul, oneMinusT, 1 - alpha))
        let focalWeight = try Variable(alphaT).mul(try oneMinusPt.pow(gamma))
        let loss = try Variable.binaryCrossEntropyWithLogits(rows, tt, reduction: .none).mul(focalWeight)
        var fw = try Tensor.ones([1, c], dtype: dt)
        if let weight {
            var w = weight.cast(to: dt)
            if w.shape != [m, c] && w.shape.first == m { w = try w.reshaped([-1, 1]) }
            fw = try GradMath.bin(.mul, fw, w)
        }
        if let cw = config.classWeight { fw = try GradMath.bin(.mul, fw, Tensor(shape: [c], float32: cw).cast(to: dt)) }
        fw = try GradMath.bin(.mul, fw, Tensor(shape: [m, 1], float32: valid).cast(to: dt))
        let reduction = reductionOverride ?? config.reduction
        var out = try loss.weightReduce(weight: try fw.expanded([m, c]), reduction: reduction, avgFactor: avgFactor)
            .scaled(by: config.lossWeight)
        if reduction == .none {
            out = try out.transpose(0, 1).reshape([c, sh[0]] + Array(sh.dropFirst(2))).transpose(0, 1)
        }
        return out
    }
}
