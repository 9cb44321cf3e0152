/// Size arithmetic of MMCV's image geometry: `_scale_size`, `rescale_size`, and the target
/// sizes of `imrescale` / `imresize_to_multiple`.
///
/// Matches MMCV `mmcv/image/geometric.py` (1.x and 2.x are identical here); see
/// reference/resize-multiscale-tta.md §1.1–1.4. Sizes are **(w, h)** as in MMCV.
public enum Rescale {
    /// A `scale` argument of `rescale_size` / `imrescale`: a factor, or an edge pair whose
    /// larger member bounds the long side and smaller member the short side.
    public enum Scale: Equatable, Sendable {
        case factor(Double)
        case edges(Double, Double)
    }

    /// MMCV `_scale_size`: `(int(w * sx + 0.5), int(h * sy + 0.5))` in double precision,
    /// truncated toward zero (round-half-up for the non-negative sizes used). No clamp to ≥ 1.
    public static func scaleSize(_ size: (w: Int, h: Int), _ sx: Double, _ sy: Double) throws -> (w: Int, h: Int) {
        func one(_ x: Int, _ s: Double) throws -> Int {
            let v = (Double(x) * s + 0.5).rounded(.towardZero)
            guard v.isFinite, abs(v) < 9e15 else { throw CoreError("scaled size \(Double(x) * s) is out of range") }
            return Int(v)
        }
        return (try one(size.w, sx), try one(size.h, sy))
    }

    /// The factor `rescale_size` uses: the factor itself, or
    /// `min(long / max(h, w), short / min(h, w))` for an edge pair (orientation-free).
    public static func factor(_ size: (w: Int, h: Int), _ scale: Scale) throws -> Double {
        switch scale {
        case .factor(let f):
            guard f > 0, f.isFinite else { throw CoreError("Invalid scale \(fmt(f)), must be positive.") }
            return f
        case .edges(let a, let b):
            // A zero edge gives factor 0 and size (0, 0), as in MMCV (resizing to it then fails).
            guard a >= 0, b >= 0, a.isFinite, b.isFinite else {
                throw CoreError("scale (\(fmt(a)), \(fmt(b))) must not have negative sides")
            }
            let long = Swift.max(a, b), short = Swift.min(a, b)
            let longEdge = Double(Swift.max(size.w, size.h)), shortEdge = Double(Swift.min(size.w, size.h))
            guard shortEdge > 0 else { throw CoreError("cannot rescale an empty size (\(size.w), \(size.h))") }
            return Swift.min(long / longEdge, short / shortEdge)
        }
    }

    /// MMCV `rescale_size(old_size, scale, return_scale=True)`: the new (w, h) and the factor.
    public static func rescaleSize(_ size: (w: Int, h: Int), _ scale: Scale) throws -> (size: (w: Int, h: Int), factor: Double) {
        guard size.w >= 0, size.h >= 0 else { throw CoreError("old_size (\(size.w), \(size.h)) must not be negative") }
        let f = try factor(size, scale)
        return (try scaleSize(size, f, f), f)
    }

    /// Each component rounded up to a multiple of its divisor (`imresize_to_multiple`).
    public static func roundUp(_ size: (w: Int, h: Int), divisor: (w: Int, h: Int)) throws -> (w: Int, h: Int) {
        guard divisor.w > 0, divisor.h > 0, divisor.w <= 1 << 30, divisor.h <= 1 << 30, size.w <= 1 << 40, size.h <= 1 << 40 else { throw CoreError("divisor (\(divisor.w), \(divisor.h)) must be positive (and at most 2**30)") }
        func up(_ x: Int, _ d: Int) -> Int { (x + d - 1) / d * d }
        return (up(size.w, divisor.w), up(size.h, divisor.h))
    }

    static func fmt(_ d: Double) -> String { d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d) }
}
