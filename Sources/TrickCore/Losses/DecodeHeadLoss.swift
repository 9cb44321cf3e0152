/// MMSegmentation 1.x `BaseDecodeHead.loss_by_feat` and `accuracy`
/// (`mmseg/models/decode_heads/decode_head.py`, `mmseg/models/losses/accuracy.py`;
/// reference/losses-ohem-pixel.md §6).
public enum DecodeHeadLoss {
    /// The losses of one decode head, in MMSeg's insertion order: one entry per distinct
    /// `loss_name` in `loss_decode` order (modules sharing a name are added into the first
    /// entry), then `acc_seg`.
    ///
    /// 1. logits are resized to the label's spatial size with bilinear interpolation and the
    ///    head's `align_corners` (an exact copy when the sizes already agree);
    /// 2. the sampler, if any, turns (resized logits, labels) into a per-pixel weight;
    /// 3. each loss is called as `loss(seg_logits, seg_label, weight=seg_weight, ignore_index=head.ignore_index)`;
    /// 4. `acc_seg` = top-1 `accuracy(seg_logits, seg_label, ignore_index=head.ignore_index)`.
    public static func lossByFeat(_ segLogits: Tensor, _ segLabel: Tensor, losses: [any SegLoss],
                                  sampler: OHEMPixelSampler?, ignoreIndex: Int = 255,
                                  alignCorners: Bool = false) throws -> [(String, Tensor)] {
        guard segLogits.rank == 4 else {
            throw CoreError("seg_logits must be (N, C, H, W), got shape \(Tensor.formatShape(segLogits.shape))")
        }
        var label = segLabel
        if label.rank == 4 {
            guard label.shape[1] == 1 else {
                throw CoreError("seg_label must be (N, H, W) or (N, 1, H, W), got shape \(Tensor.formatShape(label.shape))")
            }
            label = try label.reshaped([label.shape[0], label.shape[2], label.shape[3]])
        }
        guard label.rank == 3 else {
            throw CoreError("seg_label must be (N, H, W) or (N, 1, H, W), got shape \(Tensor.formatShape(segLabel.shape))")
        }
        guard label.shape[0] == segLogits.shape[0] else {
            throw CoreError("seg_label batch size \(label.shape[0]) does not match seg_logits batch size \(segLogits.shape[0])")
        }
        if label.dtype != .int64 { label = label.cast(to: .int64) }
        let size = [label.shape[1], label.shape[2]]
        let logits = try Interpolate.interpolate(segLogits.dtype == .float32 ? segLogits : segLogits.cast(to: .float32),
                                                 size: size, mode: .bilinear, alignCorners: alignCorners)
        let weight = try sampler?.sample(logits, label)
        var out: [(String, Tensor)] = []
        for loss in losses {
            let v = try loss.forward(logits, label, weight: weight, avgFactor: nil, reductionOverride: nil, ignoreIndex: ignoreIndex)
            if let i = out.firstIndex(where: { $0.0 == loss.lossName }) {
                out[i].1 = try addFloat32(out[i].1, v)
            } else {
                out.append((loss.lossName, v))
            }
        }
        out.append(("acc_seg", try accuracy(logits, label, topk: [1], thresh: nil, ignoreIndex: ignoreIndex)[0]))
        return out
    }

    /// `a += b` in float32 (same-named losses): as torch's in-place add, `b` broadcasts to `a`'s
    /// shape and the result keeps it, so a 'none' loss may absorb a later scalar, but a scalar
    /// entry cannot absorb a later per-pixel loss (upstream raises there too).
    static func addFloat32(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        let x = a.floats
        let y: [Float]
        do {
            y = try broadcastWeight(b, to: a.shape, what: "loss")
        } catch {
            throw CoreError("cannot add a loss of shape \(Tensor.formatShape(b.shape)) into the entry of shape \(Tensor.formatShape(a.shape)) of the same loss_name (output with shape \(Tensor.formatShape(a.shape)) doesn't match the broadcast shape)")
        }
        return Tensor(shape: a.shape, float32: zip(x, y).map { $0 + $1 })
    }

    /// The class indices `pred.topk(k, dim=1)` picks at one pixel (a lane of `c` scores at
    /// `base`, `base + stride`, …), ties and NaN included: torch's CPU `topk_impl_loop`
    /// (libstdc++ `nth_element` / `partial_sort`), via the tensor core's `topk`.
    static func torchTopk(_ x: [Float], base: Int, stride: Int, c: Int, k: Int) throws -> [Int] {
        let lane = (0..<c).map { x[base + $0 * stride] }
        return try Tensor(shape: [c], float32: lane).topk(k, dim: 0).indices.int64s.map { Int($0) }
    }

    /// MMSeg `accuracy(pred, target, topk=1, thresh=None, ignore_index=None)`: for each k, the
    /// percentage `(#correct in top-k + eps32) · 100 / (#counted + eps32)`, each a shape-(1,)
    /// float32 tensor. `pred` is (N, C, …) scores, `target` (N, …). With `thresh`, a top-k hit
    /// counts only if its score is `> thresh`. Ignored targets are dropped from both counts.
    /// Empty `pred` gives 0. Tied scores are ranked as torch's CPU `topk` ranks them (see `torchTopk`).
    /// Shapes that do not fit and a k above the class count are AssertionErrors, as mmseg asserts them.
    public static func accuracy(_ pred: Tensor, _ target: Tensor, topk: [Int], thresh: Double?,
                                ignoreIndex: Int?) throws -> [Tensor] {
        guard let maxk = topk.max(), topk.allSatisfy({ $0 >= 1 }) else {
            throw CoreError("accuracy: topk must be positive, got \(topk)")
        }
        if pred.rank >= 1 && pred.shape[0] == 0 { return topk.map { _ in Tensor(shape: [], float32: [0]) } }
        guard pred.rank == target.rank + 1 else {
            throw CoreError("accuracy: pred must have one more dimension than target, got pred \(Tensor.formatShape(pred.shape)) and target \(Tensor.formatShape(target.shape))", kind: "AssertionError")
        }
        guard pred.shape[0] == target.shape[0], Array(pred.shape.dropFirst(2)) == Array(target.shape.dropFirst()) else {
            throw CoreError("accuracy: pred \(Tensor.formatShape(pred.shape)) and target \(Tensor.formatShape(target.shape)) do not match", kind: "AssertionError")
        }
        let c = pred.shape[1]
        guard maxk <= c else { throw CoreError("maxk \(maxk) exceeds pred dimension \(c)", kind: "AssertionError") }
        let n = pred.shape[0], s = pred.shape.dropFirst(2).reduce(1, *)
        let x = pred.floats
        let y = target.int64s
        let t: Float? = thresh.map { Float($0) }
        var correctAt = [Int](repeating: 0, count: maxk)   // hits at rank r
        var counted = 0
        var order: [Int] = []
        for b in 0..<n {
            for q in 0..<s {
                let label = y[b * s + q]
                if let ign = ignoreIndex, label == Int64(ign) { continue }
                counted += 1
                let base = b * c * s + q
                if maxk == 1 {
                    var best = 0, tied = false, nan = x[base].isNaN
                    for k in 1..<c {
                        let v = x[base + k * s]
                        if v > x[base + best * s] { best = k; tied = false } else if v == x[base + best * s] { tied = true }
                        nan = nan || v.isNaN
                    }
                    if tied || nan { best = try torchTopk(x, base: base, stride: s, c: c, k: 1)[0] }
                    if Int64(best) == label && (t == nil || x[base + best * s] > t!) { correctAt[0] += 1 }
                    continue
                }
                order = try torchTopk(x, base: base, stride: s, c: c, k: maxk)
                for r in 0..<maxk where Int64(order[r]) == label {
                    if t == nil || x[base + order[r] * s] > t! { correctAt[r] += 1 }
                }
            }
        }
        let eps = Float(float32Eps)
        return topk.map { k in
            let hits = correctAt.prefix(k).reduce(0, +)
            let total = Double(counted) + float32Eps
            return Tensor(shape: [1], float32: [(Float(hits) + eps) * Float(100.0 / total)])
        }
    }
}

/// MMEngine `BaseModel.parse_losses` (mmengine 0.10 `model/base_model/base_model.py`).
public enum ParseLosses {
    /// Each value becomes its mean (a list of tensors: the sum of their means); the total sums the
    /// entries whose key contains the substring `'loss'` (so `acc_seg` and `decode.dice` are
    /// logged but not added). `log_vars` starts with `('loss', total)`, then every entry in order.
    public static func parse(_ losses: [(String, [Tensor])], listFlags: [Bool]? = nil) throws -> (total: Tensor, logVars: [(String, Tensor)]) {
        var logVars: [(String, Tensor)] = []
        for (name, values) in losses {
            var acc: Float = 0
            for v in values {
                guard v.dtype.isFloatingPoint else {
                    throw CoreError("\(name): mean() needs a floating-point tensor, got \(v.dtype)")
                }
                let f = v.floats
                acc += f.isEmpty ? .nan : Float(LossReduce.sum(f) / Double(f.count))
            }
            logVars.append((name, .scalar(acc)))
        }
        var total: Float = 0
        for (k, v) in logVars where k.contains("loss") { total += v.floats[0] }
        let t = Tensor.scalar(total)
        logVars.insert(("loss", t), at: 0)
        return (t, logVars)
    }
}
