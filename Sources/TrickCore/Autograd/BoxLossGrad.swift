/// Box regression losses with gradients, composed as MMDetection 3.3 composes them
/// (mmdet/models/losses/iou_loss.py, mmdet/structures/bbox/bbox_overlaps.py), boxes (x1, y1, x2, y2):
/// - aligned `bbox_overlaps(pred, target, mode='iou'|'giou', is_aligned=True, eps)`: intersection
///   `clamp(min(rb) − max(lt), 0)`, `union = max(area1 + area2 − overlap, eps)`, and for GIoU the
///   enclosing box `max(area, eps)`; ties in `max`/`min` split the gradient, as torch;
/// - `IoULoss(mode='log'|'linear'|'square', eps=1e-6)`: `−log(iou.clamp(min=eps))`, `1 − iou`, `1 − iou²`;
/// - `GIoULoss(eps=1e-6)`: `1 − giou`;
/// then `weight_reduce_loss` (per-box weight; a (n, 4) weight is averaged over the last axis)
/// and `loss_weight`. An all-non-positive weight gives `(pred · weight).sum()` (0), as upstream.
extension Variable {
    /// Aligned IoU or GIoU of two (…, 4) box tensors.
    public static func alignedBoxOverlaps(_ pred: Variable, _ target: Variable, giou: Bool, eps: Double = 1e-6) throws -> Variable {
        guard pred.shape == target.shape, pred.shape.last == 4 else {
            throw CoreError("bbox_overlaps(is_aligned=True): boxes must be two (…, 4) tensors of one shape, got \(Tensor.formatShape(pred.shape)) and \(Tensor.formatShape(target.shape))")
        }
        func col(_ v: Variable, _ i: Int) throws -> Variable { try v.subscripted([.ellipsis, .int(i)]) }
        func cols(_ v: Variable, _ lo: Int) throws -> Variable { try v.subscripted([.ellipsis, .slice(lo, lo + 2, nil)]) }
        func area(_ b: Variable) throws -> Variable { try col(b, 2).sub(try col(b, 0)).mul(try col(b, 3).sub(try col(b, 1))) }
        let area1 = try area(pred), area2 = try area(target)
        let lt = try cols(pred, 0).maximum(try cols(target, 0)), rb = try cols(pred, 2).maximum(try cols(target, 2), max: false)
        let wh = try rb.sub(lt).clamp(min: 0, max: nil)
        let overlap = try col(wh, 0).mul(try col(wh, 1))
        let epsT = try Variable(Tensor(shape: [1], float64: [eps]).cast(to: pred.dtype))
        let union = try area1.add(area2).sub(overlap).maximum(epsT)
        let ious = try overlap.div(union)
        guard giou else { return ious }
        let elt = try cols(pred, 0).maximum(try cols(target, 0), max: false), erb = try cols(pred, 2).maximum(try cols(target, 2))
        let ewh = try erb.sub(elt).clamp(min: 0, max: nil)
        let enclose = try col(ewh, 0).mul(try col(ewh, 1)).maximum(epsT)
        return try ious.sub(try enclose.sub(union).div(enclose))
    }

    public enum IoULossMode: String, Sendable { case log, linear, square }

    /// MMDetection `IoULoss(linear=False, eps=1e-6, reduction='mean', loss_weight=1.0, mode='log')`
    /// and `GIoULoss(eps=1e-6, reduction='mean', loss_weight=1.0)` (`giou: true`), called as
    /// `loss(pred, target, weight=None, avg_factor=None, reduction_override=None)`.
    public static func iouLoss(_ pred: Variable, _ target: Tensor, giou: Bool = false, mode: IoULossMode = .log,
                               eps: Double = 1e-6, weight: Tensor? = nil, avgFactor: Double? = nil,
                               reduction: Reduction = .mean, lossWeight: Double = 1) throws -> Variable {
        var w = weight
        if let wt = w, reduction != .none, !(try wt.unary(.relu).sum().item() > 0) {
            let wb = wt.rank + 1 == pred.rank ? try wt.unsqueezed(-1) : wt
            return try pred.mul(wb.cast(to: pred.dtype)).sum()
        }
        if let wt = w, wt.rank > 1 {
            guard wt.shape == pred.shape else { throw CoreError("IoULoss: a weight of rank > 1 must have the shape of pred \(Tensor.formatShape(pred.shape))") }
            w = try wt.mean(dims: [-1])
        }
        let t = try Variable(target.cast(to: pred.dtype))
        let loss: Variable
        if giou {
            loss = try alignedBoxOverlaps(pred, t, giou: true, eps: eps).rsub(1)
        } else {
            let ious = try alignedBoxOverlaps(pred, t, giou: false).clamp(min: eps, max: nil)
            switch mode {
            case .linear: loss = try ious.rsub(1)
            case .square: loss = try ious.pow(2).rsub(1)
            case .log: loss = try ious.log().neg()
            }
        }
        return try loss.weightReduce(weight: w, reduction: reduction, avgFactor: avgFactor).scaled(by: lossWeight)
    }

    /// `F.dropout(input, p, training)` with trick's seeded generator (the mask is not torch's: the
    /// random streams are trick's own, SPEC §7). Kept elements are scaled by `1/(1−p)`; the
    /// gradient is the output gradient times the same mask and scale (MulBackward0, as torch prints).
    /// With `channels`, torch's feature dropout (`F.dropout2d`): one draw per (sample, channel) —
    /// the mask has the shape of the first two dimensions and broadcasts over the rest.
    public func dropout(p: Double = 0.5, training: Bool = true, channels: Bool = false,
                        generator: RandomGenerator = .global) throws -> Variable {
        guard (0...1).contains(p) else { throw CoreError("dropout probability has to be between 0 and 1, but got \(p)") }
        if channels && rank < 2 { throw CoreError("Feature dropout requires at least 2 dimensions in the input", kind: "RuntimeError") }
        guard training && p > 0 else { return self }
        let keep = 1 - p
        let scale = keep > 0 ? 1 / keep : 0
        let maskShape = channels && rank >= 2 ? [shape[0], shape[1]] + [Int](repeating: 1, count: rank - 2) : shape
        let count = Tensor.product(maskShape)
        let mask = Tensor(shape: maskShape, float64: (0..<count).map { _ in generator.uniformDouble() < keep ? scale : 0 }).cast(to: dtype)
        return try mul(mask)
    }
}
