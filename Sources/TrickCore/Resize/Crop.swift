/// MMCV `imcrop(img, bboxes, scale=1.0, pad_fill=None)` (mmcv/image/geometric.py): each box
/// (x1, y1, x2, y2, inclusive pixel corners) is scaled about its centre (`bbox_scaling`: w = x2 -
/// x1 + 1, each side moved by w·(scale − 1)/2, in float64, then truncated toward zero as
/// `astype(np.int32)`), clipped to the image (`bbox_clip`: x to [0, W − 1], y to [0, H − 1]) and
/// cut out. With `padFill` (one value per channel) the patch keeps the scaled box's size and the
/// part outside the image holds the fill, as mmcv's padded crop.
public enum ImCrop {
    /// mmcv `bbox_scaling(...).astype(np.int32)` of one box.
    public static func scaled(_ box: [Double], scale: Double) -> [Int] {
        guard scale != 1 else { return box.map { Int($0) } }
        let dw = (box[2] - box[0] + 1) * (scale - 1) * 0.5, dh = (box[3] - box[1] + 1) * (scale - 1) * 0.5
        return [box[0] - dw, box[1] - dh, box[2] + dw, box[3] + dh].map { Int($0) }
    }

    public static func crop(_ img: Tensor, boxes: [[Double]], scale: Double, padFill: [Double]?) throws -> [Tensor] {
        guard img.rank == 2 || img.rank == 3 else {
            throw CoreError("imcrop needs an image of shape (H, W) or (H, W, C), got shape \(Tensor.formatShape(img.shape))")
        }
        let h = img.shape[0], w = img.shape[1], c = img.rank == 3 ? img.shape[2] : 1
        if let fill = padFill, fill.count != c {
            throw CoreError("imcrop: pad_fill has \(fill.count) values for an image of \(c) channels", kind: "AssertionError")
        }
        let src = img.doubles
        return try boxes.map { box in
            guard box.count == 4 else { throw CoreError("imcrop: a box must hold 4 values (x1, y1, x2, y2), got \(box.count)") }
            let s = scaled(box, scale: scale)
            let x1 = Swift.max(Swift.min(s[0], w - 1), 0), y1 = Swift.max(Swift.min(s[1], h - 1), 0)
            let x2 = Swift.max(Swift.min(s[2], w - 1), 0), y2 = Swift.max(Swift.min(s[3], h - 1), 0)
            let ph: Int, pw: Int, oy: Int, ox: Int
            var out: [Double]
            if let fill = padFill {
                ph = Swift.max(s[3] - s[1] + 1, 0); pw = Swift.max(s[2] - s[0] + 1, 0)
                oy = s[1] >= 0 ? 0 : -s[1]; ox = s[0] >= 0 ? 0 : -s[0]
                out = (0..<(ph * pw)).flatMap { _ in fill }
            } else {
                ph = Swift.max(y2 - y1 + 1, 0); pw = Swift.max(x2 - x1 + 1, 0); oy = 0; ox = 0
                out = [Double](repeating: 0, count: ph * pw * c)
            }
            // numpy slices clip at the patch's edge: rows y1...y2 land at oy..., as far as they fit
            for y in 0..<Swift.max(y2 - y1 + 1, 0) where oy + y < ph {
                for x in 0..<Swift.max(x2 - x1 + 1, 0) where ox + x < pw {
                    let from = ((y1 + y) * w + x1 + x) * c, to = ((oy + y) * pw + ox + x) * c
                    for k in 0..<c { out[to + k] = src[from + k] }
                }
            }
            return Tensor(shape: img.rank == 3 ? [ph, pw, c] : [ph, pw], float64: out).cast(to: img.dtype)
        }
    }
}
