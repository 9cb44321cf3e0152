/// MMSegmentation 1.x `BaseDecodeHead.loss_by_feat` with gradients for `seg_logits`: the same
/// steps as the forward-only `DecodeHeadLoss.lossByFeat` — bilinear resize to the label size
/// (differentiable), the OHEM sampler's per-pixel weights computed from the resized logits as
/// constants (mmseg samples under `torch.no_grad()`), each loss called with
/// `weight=seg_weight, ignore_index=head.ignore_index`, same-named losses added, then `acc_seg`
/// (a constant). Losses with gradients: those of `Variable.segLoss`.
extension DecodeHeadLoss {
    public static func lossByFeat(_ segLogits: Variable, _ segLabel: Tensor, losses: [any SegLoss],
                                  sampler: OHEMPixelSampler?, ignoreIndex: Int = 255,
                                  alignCorners: Bool = false) throws -> [(String, Variable)] {
        guard segLogits.rank == 4 else {
            throw CoreError("seg_logits must be (N, C, H, W), got shape \(Tensor.formatShape(segLogits.shape))")
        }
        var label = segLabel
        if label.rank == 4 && label.shape[1] == 1 { label = try label.reshaped([label.shape[0], label.shape[2], label.shape[3]]) }
        guard label.rank == 3, label.shape[0] == segLogits.shape[0] else {
            throw CoreError("seg_label must be (N, H, W) or (N, 1, H, W) with the logits' batch size, got shape \(Tensor.formatShape(segLabel.shape))")
        }
        if label.dtype != .int64 { label = label.cast(to: .int64) }
        let logits = try Variable.interpolate(segLogits, size: [label.shape[1], label.shape[2]], mode: .bilinear, alignCorners: alignCorners)
        let weight = try sampler?.sample(logits.data, label)
        var out: [(String, Variable)] = []
        for loss in losses {
            let v = try Variable.segLoss(loss, logits, label, weight: weight, ignoreIndex: ignoreIndex)
            if let i = out.firstIndex(where: { $0.0 == loss.lossName }) {
                out[i].1 = try out[i].1.add(v)
            } else {
                out.append((loss.lossName, v))
            }
        }
        let acc = try accuracy(logits.data, label, topk: [1], thresh: nil, ignoreIndex: ignoreIndex)[0]
        out.append(("acc_seg", try Variable(acc)))
        return out
    }
}

extension Variable {
    /// A segmentation loss object's forward (`loss(pred, target, weight=, avg_factor=,
    /// reduction_override=, ignore_index=)`) with a gradient for `pred`: CrossEntropyLoss (softmax
    /// and sigmoid paths), DiceLoss (1.x), FocalLoss (index labels, scalar alpha), TverskyLoss
    /// (which, as upstream, ignores weight / ignore_index / reduction_override) and LovaszLoss
    /// (which ignores weight, as upstream).
    public static func segLoss(_ loss: any SegLoss, _ pred: Variable, _ target: Tensor, weight: Tensor? = nil,
                               avgFactor: Double? = nil, reductionOverride: Reduction? = nil,
                               ignoreIndex: Int?) throws -> Variable {
        if let ce = loss as? CrossEntropyLoss {
            return try ce.forward(pred, target, weight: weight, avgFactor: avgFactor, reductionOverride: reductionOverride, ignoreIndex: ignoreIndex)
        } else if let dice = loss as? DiceLoss {
            return try dice.forward(pred, target, weight: weight, avgFactor: avgFactor, reductionOverride: reductionOverride)
        } else if let focal = loss as? FocalLoss {
            return try focal.forward(pred, target, weight: weight, avgFactor: avgFactor, reductionOverride: reductionOverride,
                                     ignoreIndex: ignoreIndex ?? 255)
        } else if let tversky = loss as? TverskyLoss {
            return try tversky.forward(pred, target)
        } else if let lovasz = loss as? LovaszLoss {
            return try lovasz.forward(pred, target, avgFactor: avgFactor, reductionOverride: reductionOverride, ignoreIndex: ignoreIndex)
        }
        throw CoreError("\(type(of: loss)) has no gradient in trick (CrossEntropyLoss, DiceLoss, FocalLoss, TverskyLoss and LovaszLoss do)", kind: "NotImplementedError")
    }
}
