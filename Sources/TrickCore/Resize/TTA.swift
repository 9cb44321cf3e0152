/// Merging test-time-augmented predictions and sliding-window inference;
/// see reference/resize-multiscale-tta.md §4.3–4.6.
public enum TTA {
    // MARK: segmentation

    /// torch `F.interpolate(mode='bilinear')` on float32 CPU for a (C, H, W) map (reference §5.1):
    /// float32 source coordinates, `align_corners=False` clamps negative coordinates to 0.
    /// (A local copy so the TTA merge does not depend on the language-level `interpolate`.)
    public static func bilinear(_ x: [Float], c: Int, h: Int, w: Int, outH: Int, outW: Int, alignCorners: Bool) -> [Float] {
        func taps(_ inS: Int, _ outS: Int) -> [(Int, Int, Float, Float)] {
            let scale: Float = alignCorners ? (outS > 1 ? Float(inS - 1) / Float(outS - 1) : 0) : Float(inS) / Float(outS)
            return (0..<outS).map { d in
                if outS == inS { return (d, d, 1, 0) }
                let src: Float = alignCorners ? scale * Float(d) : Swift.max(scale * (Float(d) + 0.5) - 0.5, 0)
                let i0 = Swift.min(Int(src.rounded(.down)), inS - 1)
                let l1 = Swift.min(Swift.max(src - Float(i0), 0), 1)
                return (i0, i0 < inS - 1 ? i0 + 1 : i0, 1 - l1, l1)
            }
        }
        let ys = taps(h, outH), xs = taps(w, outW)
        var out = [Float](repeating: 0, count: c * outH * outW)
        for k in 0..<c {
            let base = k * h * w, ob = k * outH * outW
            for (oy, (h0, h1, lh0, lh1)) in ys.enumerated() {
                for (ox, (w0, w1, lw0, lw1)) in xs.enumerated() {
                    let t0 = x[base + h0 * w + w0] * lw0 + x[base + h0 * w + w1] * lw1
                    let t1 = x[base + h1 * w + w0] * lw0 + x[base + h1 * w + w1] * lw1
                    out[ob + oy * outW + ox] = t0 * lh0 + t1 * lh1
                }
            }
        }
        return out
    }

    static func unflip(_ x: [Float], c: Int, h: Int, w: Int, _ d: ImFlip.Direction) -> [Float] {
        var out = x
        for k in 0..<c { for y in 0..<h { for xx in 0..<w {
            let sy = d == .horizontal ? y : h - 1 - y, sx = d == .vertical ? xx : w - 1 - xx
            out[(k * h + y) * w + xx] = x[(k * h + sy) * w + sx]
        } } }
        return out
    }

    /// MMSegmentation TTA merge (`SegTTAModel.merge_preds`, 1.x; `EncoderDecoder.aug_test`, 0.x):
    /// each view's raw logits (C, h, w) are cropped to `img_shapes[i]` (padding removal) if given,
    /// un-flipped, bilinearly resized to `ori_shape`, turned into probabilities (softmax over C;
    /// sigmoid when C == 1), averaged; the prediction is the argmax (first max on ties) or,
    /// for C == 1, `p > threshold`. In the binary case 1.x applies the sigmoid twice — its
    /// `postprocess_result` stores sigmoid probabilities as `seg_logits`, and `merge_preds` takes
    /// their sigmoid again — which is the default here (SPEC §8: 1.x unless asked);
    /// `doubleSigmoid: false` is 0.x's single sigmoid. Returns (mean probabilities (C, H, W),
    /// prediction (H, W)).
    public static func segMerge(logits: [Tensor], flips: [ImFlip.Direction?], imgShapes: [(h: Int, w: Int)]?,
                                oriShape: (h: Int, w: Int), alignCorners: Bool, threshold: Double = 0.3,
                                doubleSigmoid: Bool = true) throws -> (Tensor, Tensor) {
        guard !logits.isEmpty else { throw CoreError("seg_tta_merge: seg_logits must not be empty") }
        guard flips.count == logits.count else { throw CoreError("seg_tta_merge: \(logits.count) views but \(flips.count) flip entries") }
        if let s = imgShapes, s.count != logits.count { throw CoreError("seg_tta_merge: \(logits.count) views but \(s.count) img_shape entries") }
        guard oriShape.h > 0, oriShape.w > 0 else { throw CoreError("seg_tta_merge: ori_shape must be positive") }
        var c = -1
        var sum = [Float]()
        for (i, t0) in logits.enumerated() {
            var t = t0
            if t.rank == 4 && t.shape[0] == 1 { t = try t.reshaped(Array(t.shape.dropFirst())) }
            guard t.rank == 3, t.dtype.isFloatingPoint else {
                throw CoreError("seg_tta_merge: view \(i) logits must be float (C, H, W) or (1, C, H, W), got \(Tensor.formatShape(t0.shape))")
            }
            if c < 0 { c = t.shape[0]; sum = [Float](repeating: 0, count: c * oriShape.h * oriShape.w) }
            guard t.shape[0] == c else { throw CoreError("seg_tta_merge: view \(i) has \(t.shape[0]) channels, view 0 has \(c)") }
            var h = t.shape[1], w = t.shape[2]
            var x = t.floats
            if let s = imgShapes?[i], s.h < h || s.w < w {
                guard s.h > 0, s.w > 0 else { throw CoreError("seg_tta_merge: img_shape must be positive") }
                let ch = Swift.min(s.h, h), cw = Swift.min(s.w, w)
                var cropped = [Float](repeating: 0, count: c * ch * cw)
                for k in 0..<c { for y in 0..<ch { for xx in 0..<cw { cropped[(k * ch + y) * cw + xx] = x[(k * h + y) * w + xx] } } }
                x = cropped; h = ch; w = cw
            }
            if let d = flips[i] { x = unflip(x, c: c, h: h, w: w, d) }
            x = bilinear(x, c: c, h: h, w: w, outH: oriShape.h, outW: oriShape.w, alignCorners: alignCorners)
            let hw = oriShape.h * oriShape.w
            if c == 1 {
                for p in 0..<hw {
                    let s = 1 / (1 + Float.exp(-x[p]))
                    sum[p] += doubleSigmoid ? 1 / (1 + Float.exp(-s)) : s
                }
            } else {
                for p in 0..<hw {
                    var m = -Float.infinity
                    for k in 0..<c { m = Swift.max(m, x[k * hw + p]) }
                    var z: Float = 0
                    for k in 0..<c { z += Float.exp(x[k * hw + p] - m) }
                    for k in 0..<c { sum[k * hw + p] += Float.exp(x[k * hw + p] - m) / z }
                }
            }
        }
        let n = Float(logits.count), hw = oriShape.h * oriShape.w
        for i in sum.indices { sum[i] /= n }
        var pred = [Int64](repeating: 0, count: hw)
        for p in 0..<hw {
            if c == 1 { pred[p] = Double(sum[p]) > threshold ? 1 : 0; continue }
            var best = 0
            for k in 1..<c where sum[k * hw + p] > sum[best * hw + p] { best = k }
            pred[p] = Int64(best)
        }
        return (Tensor(shape: [c, oriShape.h, oriShape.w], float32: sum), Tensor(shape: [oriShape.h, oriShape.w], int64: pred))
    }

    // MARK: detection

    /// mmdet `bbox_mapping_back`: un-flip in the augmented image (`img_shape`), then divide by
    /// the (w, h) scale factor.
    public static func mapBack(_ boxes: [Double], imgShape: (h: Int, w: Int), scaleFactor: (Double, Double), flip: ImFlip.Direction?) -> [Double] {
        var b = boxes
        if let d = flip {
            let w = Double(imgShape.w), h = Double(imgShape.h)
            for i in stride(from: 0, to: b.count, by: 4) {
                if d != .vertical { let x1 = b[i]; b[i] = w - b[i + 2]; b[i + 2] = w - x1 }
                if d != .horizontal { let y1 = b[i + 1]; b[i + 1] = h - b[i + 3]; b[i + 3] = h - y1 }
            }
        }
        for i in b.indices { b[i] /= i % 2 == 0 ? scaleFactor.0 : scaleFactor.1 }
        return b
    }

    /// Greedy per-class NMS as torchvision `batched_nms`: scores sorted descending (stable),
    /// a box is dropped when its IoU with a kept box of the same label is > `iouThreshold`;
    /// areas without `+1`. Returns kept indices in descending score order.
    public static func batchedNMS(boxes: [Double], scores: [Double], labels: [Int], iouThreshold: Double) -> [Int] {
        let order = scores.indices.sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
        var keep: [Int] = []
        func area(_ i: Int) -> Double { (boxes[4 * i + 2] - boxes[4 * i]) * (boxes[4 * i + 3] - boxes[4 * i + 1]) }
        for i in order {
            var ok = true
            for k in keep where labels[k] == labels[i] {
                let iw = Swift.max(0, Swift.min(boxes[4 * i + 2], boxes[4 * k + 2]) - Swift.max(boxes[4 * i], boxes[4 * k]))
                let ih = Swift.max(0, Swift.min(boxes[4 * i + 3], boxes[4 * k + 3]) - Swift.max(boxes[4 * i + 1], boxes[4 * k + 1]))
                let inter = iw * ih
                let union = area(i) + area(k) - inter
                if union > 0 && inter / union > iouThreshold { ok = false; break }
            }
            if ok { keep.append(i) }
        }
        return keep
    }

    // MARK: sliding window

    /// MMSegmentation `slide_inference` windows `(y1, y2, x1, x2)`, row-major; the last window
    /// of a row/column snaps to the border; crops smaller than `crop` are used as they are.
    public static func slideWindows(h: Int, w: Int, crop: (h: Int, w: Int), stride: (h: Int, w: Int)) throws -> [(Int, Int, Int, Int)] {
        guard h > 0, w > 0 else { throw CoreError("slide_windows: image size (\(h), \(w)) must be positive") }
        guard crop.h > 0, crop.w > 0, stride.h > 0, stride.w > 0, Swift.max(crop.h, crop.w, stride.h, stride.w, h, w) <= 1 << 30 else {
            throw CoreError("slide_windows: crop_size (\(crop.h), \(crop.w)) and stride (\(stride.h), \(stride.w)) must be positive (and at most 2**30)")
        }
        let hGrids = Swift.max(h - crop.h + stride.h - 1, 0) / stride.h + 1
        let wGrids = Swift.max(w - crop.w + stride.w - 1, 0) / stride.w + 1
        var out: [(Int, Int, Int, Int)] = []
        for hi in 0..<hGrids {
            for wi in 0..<wGrids {
                let y2 = Swift.min(hi * stride.h + crop.h, h), x2 = Swift.min(wi * stride.w + crop.w, w)
                out.append((Swift.max(y2 - crop.h, 0), y2, Swift.max(x2 - crop.w, 0), x2))
            }
        }
        return out
    }

    /// How many windows cover each pixel (`count_mat`).
    public static func countMap(h: Int, w: Int, windows: [(Int, Int, Int, Int)]) -> [Int64] {
        var count = [Int64](repeating: 0, count: h * w)
        for (y1, y2, x1, x2) in windows { for y in y1..<y2 { for x in x1..<x2 { count[y * w + x] += 1 } } }
        return count
    }

    /// `preds / count_mat`: each window's raw logits (C, y2-y1, x2-x1) summed in place, divided
    /// by the count map (every pixel must be covered).
    public static func slideMerge(crops: [Tensor], windows: [(Int, Int, Int, Int)], h: Int, w: Int) throws -> Tensor {
        guard crops.count == windows.count, !crops.isEmpty else {
            throw CoreError("slide_merge: \(crops.count) crop logits for \(windows.count) windows")
        }
        var c = -1
        var sum = [Float]()
        for (i, t0) in crops.enumerated() {
            var t = t0
            if t.rank == 4 && t.shape[0] == 1 { t = try t.reshaped(Array(t.shape.dropFirst())) }
            let (y1, y2, x1, x2) = windows[i]
            guard t.rank == 3, t.shape[1] == y2 - y1, t.shape[2] == x2 - x1, y1 >= 0, x1 >= 0, y2 <= h, x2 <= w else {
                throw CoreError("slide_merge: crop \(i) has shape \(Tensor.formatShape(t0.shape)), window (\(y1), \(y2), \(x1), \(x2)) needs (C, \(y2 - y1), \(x2 - x1)) inside (\(h), \(w))")
            }
            if c < 0 { c = t.shape[0]; sum = [Float](repeating: 0, count: c * h * w) }
            guard t.shape[0] == c else { throw CoreError("slide_merge: crop \(i) has \(t.shape[0]) channels, crop 0 has \(c)") }
            let x = t.floats, ch = y2 - y1, cw = x2 - x1
            for k in 0..<c { for y in 0..<ch { for xx in 0..<cw { sum[(k * h + y1 + y) * w + x1 + xx] += x[(k * ch + y) * cw + xx] } } }
        }
        let count = countMap(h: h, w: w, windows: windows)
        guard !count.contains(0) else { throw CoreError("slide_merge: some pixels are covered by no window") }
        for k in 0..<c { for p in 0..<(h * w) { sum[k * h * w + p] /= Float(count[p]) } }
        return Tensor(shape: [c, h, w], float32: sum)
    }
}
