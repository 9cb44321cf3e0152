/// MMSegmentation `LovaszLoss` with a gradient for its logits (mmseg 1.2.2
/// `lovasz_softmax_flat` / `lovasz_hinge_flat`).
///
/// Upstream sorts each class's errors with `torch.sort(errors, descending=True)`, gathers them
/// by the permutation and takes `torch.dot(errors_sorted, lovasz_grad(fg_sorted))`. The gradient
/// reaching pixel j is the Lovász coefficient at j's sorted position, so here the coefficients
/// are scattered back to pixel order once (a constant tensor W, with torch's sort order for ties:
/// `TorchSort.argsort`) and the loss is `Σ |fg − p_c| · W` (a permutation of the same dot
/// product; the value agrees within float32 rounding, the gradient is torch's). Ignored pixels get
/// coefficient 0, as they are dropped upstream. Per class: `× class_weight[c]`; the mean over the
/// counted classes. `per_image`: one value per image, `weight_reduce_loss`; `× loss_weight`.
///
/// Where upstream fails (an all-ignored batch or image) the loss is 0 with a zero gradient, as
/// the forward-only `LovaszLoss` returns 0 there.
extension LovaszLoss {
    public func forward(_ pred: Variable, _ target: Tensor, avgFactor: Double? = nil,
                        reductionOverride: Reduction? = nil, ignoreIndex: Int? = 255) throws -> Variable {
        let reduction = reductionOverride ?? config.reduction
        let labels = target.dtype.isFloatingPoint
            ? target.doubles.map { v in v == v.rounded() && Swift.abs(v) < 9.2e18 ? Int64(v) : Int64.min }
            : target.int64s
        let ign = ignoreIndex.map { Int64($0) }
        let n = pred.shape.first ?? 0
        guard labels.count == pred.data.count / Swift.max(config.binary ? 1 : (pred.rank == 4 ? pred.shape[1] : 1), 1) else {
            throw CoreError("LovaszLoss target must hold one label per pixel of pred \(Tensor.formatShape(pred.shape)), got \(Tensor.formatShape(target.shape))")
        }
        let images: [Range<Int>] = config.perImage ? (0..<n).map { $0..<($0 + 1) } : [0..<n]
        var losses: [Variable] = []
        if config.binary {
            // lovasz_hinge_flat: errors = 1 − x·(2y − 1), dot(relu(errors_sorted), lovasz_grad(y_sorted))
            let x = pred.data.floats
            let s = n == 0 ? 0 : x.count / n
            var signs = [Float](repeating: 0, count: x.count)
            for (j, y) in labels.enumerated() where y != ign {
                guard y == 0 || y == 1 else {
                    throw CoreError("LovaszLoss (binary) labels must be 0 or 1 (or the ignore index), got \(y == Int64.min ? "a non-integer value" : String(y))")
                }
                signs[j] = y == 1 ? 1 : -1
            }
            let errors = try pred.reshape([-1]).mul(Tensor(shape: [x.count], float32: signs).cast(to: pred.dtype)).rsub(1).relu()
            let ev = errors.data.floats
            for r in images {
                var w = [Float](repeating: 0, count: x.count)
                let idx = (r.lowerBound * s..<r.upperBound * s).filter { labels[$0] != ign }
                Lovasz.coefficients(idx.map { ev[$0] }, idx.map { labels[$0] == 1 }) { k, g in w[idx[k]] = g }
                losses.append(try errors.mul(Tensor(shape: [x.count], float32: w).cast(to: pred.dtype)).sum())
            }
        } else {
            guard pred.rank == 4 || pred.rank == 3 else {
                throw CoreError("LovaszLoss (multi_class) pred must be (N, C, H, W) logits, got \(Tensor.formatShape(pred.shape))")
            }
            // softmax over dim 1 first (as the module does); a 3-D pred then reads as one class
            var p = try pred.softmax(dim: 1)
            if pred.rank == 3 { p = try p.reshape([n, 1, pred.shape[1], pred.shape[2]]) }
            let c = p.shape[1], s = p.shape[2] * p.shape[3]
            guard c > 0 else { throw CoreError("LovaszLoss (multi_class) pred has no classes (shape \(Tensor.formatShape(pred.shape)))") }
            let probs = p.data.floats
            var onehot = [Float](repeating: 0, count: n * c * s)
            for b in 0..<n { for q in 0..<s { let y = labels[b * s + q]; if y >= 0 && y < Int64(c) { onehot[b * c * s + Int(y) * s + q] = 1 } } }
            let errors = try Variable(Tensor(shape: p.shape, float32: onehot).cast(to: pred.dtype)).sub(p).abs()
            let classList: [Int]
            switch config.classes {
            case .present, .all: classList = Array(0..<c)
            case .list(let l): classList = l
            }
            for r in images {
                var w = [Float](repeating: 0, count: n * c * s)
                var counted = 0
                let pixels = r.flatMap { b in (0..<s).filter { labels[b * s + $0] != ign }.map { (b, $0) } }
                if !pixels.isEmpty {
                    for cls in classList {
                        guard c == 1 || (cls >= -c && cls < c) else {
                            throw CoreError("LovaszLoss: class \(cls) in 'classes' is out of range for \(c) classes")
                        }
                        let k = c == 1 ? 0 : (cls < 0 ? cls + c : cls)
                        let fg = pixels.map { labels[$0.0 * s + $0.1] == Int64(cls) }
                        if case .present = config.classes, !fg.contains(true) { continue }
                        var cw: Float = 1
                        if let weights = config.classWeight {
                            guard cls >= -weights.count && cls < weights.count else {
                                throw CoreError("LovaszLoss: class_weight has \(weights.count) entries, no weight for class \(cls)")
                            }
                            cw = weights[cls < 0 ? cls + weights.count : cls]
                        }
                        let offsets = pixels.map { $0.0 * c * s + k * s + $0.1 }
                        let e = zip(offsets, fg).map { o, f in Swift.abs((f ? 1 : 0) - probs[o]) }
                        Lovasz.coefficients(e, fg) { j, g in w[offsets[j]] += g * cw }
                        counted += 1
                    }
                    guard counted > 0 else {
                        throw CoreError("LovaszLoss: no class to average (no label in [0, \(c)) among the non-ignored pixels, or an empty 'classes' list)")
                    }
                }
                let loss = try errors.mul(Tensor(shape: p.shape, float32: w).cast(to: pred.dtype)).sum()
                losses.append(counted > 1 ? try loss.div(Double(counted)) : loss)
            }
        }
        var out = try Variable.stack(losses)
        if config.perImage {
            out = try out.weightReduce(weight: nil, reduction: reduction, avgFactor: avgFactor)
        } else {
            out = try out.reshape([])
        }
        return try out.scaled(by: config.lossWeight)
    }
}

extension Lovasz {
    /// `lovasz_grad(fg_sorted)` handed back in the errors' own order: `body(j, g)` for each
    /// element j, g its coefficient at its position in `torch.sort(errors, descending=True)`.
    static func coefficients(_ errors: [Float], _ fg: [Bool], _ body: (Int, Float) -> Void) {
        let m = errors.count
        guard m > 0 else { return }
        let order = TorchSort.argsort(errors, descending: true)
        let G = Float(fg.filter { $0 }.count)
        var cumFg: Float = 0, cumBg: Float = 0, previous: Float = 0
        for (rank, j) in order.enumerated() {
            if fg[j] { cumFg += 1 } else { cumBg += 1 }
            // J = 1 − (G − cumsum fg)/(G + cumsum(1 − fg)), differenced (float32 as torch)
            let jaccard = 1 - (G - cumFg) / (G + cumBg)
            body(j, rank == 0 ? jaccard : jaccard - previous)
            previous = jaccard
        }
    }
}
