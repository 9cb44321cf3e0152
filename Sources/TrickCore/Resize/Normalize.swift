/// MMCV `imnormalize(img, mean, std, to_rgb)` (`mmcv/image/photometric.py`);
/// see reference/resize-multiscale-tta.md §1.7.
///
/// The image is copied to float32; `mean` and `std` were stored as float32 arrays by the
/// transform, `1/std` is taken in float64, and `cv2.subtract` / `cv2.multiply` convert both
/// scalars to float32 before the per-pixel float32 arithmetic: `(x - mean) * (1/std)`.
/// With `to_rgb` the BGR→RGB swap happens first (mean/std are in RGB order).
public enum ImNormalize {
    public static func normalize(_ img: Tensor, mean: [Double], std: [Double], toRGB: Bool = true) throws -> Tensor {
        let (_, _, c) = try ImResize.geometry(img)
        func expand(_ v: [Double], _ name: String) throws -> [Double] {
            if v.count == c { return v }
            if v.count == 1 { return [Double](repeating: v[0], count: c) }
            throw CoreError("\(name) has \(v.count) values but the image has \(c) channel\(c == 1 ? "" : "s") (shape \(Tensor.formatShape(img.shape)))")
        }
        let m = try expand(mean, "mean").map { Float(Float($0)) }
        let s = try expand(std, "std").map { Float(1.0 / Double(Float($0))) }
        if toRGB && c != 3 {
            throw CoreError("to_rgb=True needs a 3-channel image, got shape \(Tensor.formatShape(img.shape))")
        }
        let src = img.floats
        var out = [Float](repeating: 0, count: src.count)
        src.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { o in
                var i = 0
                while i < p.count {
                    for k in 0..<c {
                        let sk = toRGB ? c - 1 - k : k
                        o[i + k] = (p[i + sk] - m[k]) * s[k]
                    }
                    i += c
                }
            }
        }
        return Tensor(shape: img.shape, float32: out)
    }
}
