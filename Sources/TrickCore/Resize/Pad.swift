/// MMCV `impad` / `impad_to_multiple` (`mmcv/image/geometric.py`), implemented like
/// `cv2.copyMakeBorder`; see reference/resize-multiscale-tta.md §1.5.
public enum ImPad {
    /// `padding_mode`: constant, edge (BORDER_REPLICATE), reflect (BORDER_REFLECT_101, `3 2|1 2 3 4|3 2`),
    /// symmetric (BORDER_REFLECT, `2 1|1 2 3 4|4 3`).
    public enum Mode: String, Sendable, CaseIterable { case constant, edge, reflect, symmetric }

    /// `pad_val`: a number or one value per channel. As with cv2, a bare number on a
    /// multi-channel image fills **only channel 0** (the others get 0); MMCV 2.x `Pad` expands an
    /// int to a per-channel tuple before calling `impad`, so only direct calls see this quirk.
    public enum Value: Sendable, Equatable {
        case scalar(Double)
        case perChannel([Double])
    }

    /// Amounts (left, top, right, bottom) for `impad(shape=(H, W))`: bottom/right only, never crops.
    public static func padding(toShape shape: (h: Int, w: Int), of img: Tensor) throws -> (left: Int, top: Int, right: Int, bottom: Int) {
        let g = try ImResize.geometry(img)
        return (0, 0, Swift.max(shape.w - g.w, 0), Swift.max(shape.h - g.h, 0))
    }

    /// `impad(img, padding=(left, top, right, bottom), pad_val, padding_mode)`.
    public static func pad(_ img: Tensor, left: Int, top: Int, right: Int, bottom: Int,
                           value: Value = .scalar(0), mode: Mode = .constant) throws -> Tensor {
        try padValues(img, left: left, top: top, right: right, bottom: bottom, value: value, mode: mode).rounded(like: img)
    }

    static func padValues(_ img: Tensor, left: Int, top: Int, right: Int, bottom: Int, value: Value, mode: Mode) throws -> Tensor {
        let (h, w, c) = try ImResize.geometry(img)
        guard left >= 0, top >= 0, right >= 0, bottom >= 0, Swift.max(left, top, right, bottom) <= 1 << 30 else {
            throw CoreError("padding (\(left), \(top), \(right), \(bottom)) must lie in [0, 2**30]")
        }
        var fill = [Double](repeating: 0, count: c)
        switch value {
        case .scalar(let v): fill[0] = v
        case .perChannel(let vs):
            guard vs.count == c else {
                throw CoreError("pad_val has \(vs.count) values but the image has \(c) channel\(c == 1 ? "" : "s") (shape \(Tensor.formatShape(img.shape)))", kind: "AssertionError")   // mmcv asserts len(pad_val) == img.shape[-1]
            }
            fill = vs
        }
        if mode != .constant && (h == 0 || w == 0) && (left + right + top + bottom) > 0 {
            throw CoreError("padding_mode '\(mode.rawValue)' needs a non-empty image, got shape \(Tensor.formatShape(img.shape))")
        }
        let H = h + top + bottom, W = w + left + right
        // cv2.copyMakeBorder returns a 2-D array for an (H, W, 1) image (as cv2.resize does).
        let outShape = img.rank == 3 && c != 1 ? [H, W, c] : [H, W]
        _ = try Tensor.checkedAllocationCount(outShape, dtype: img.dtype)
        // Source index per output row / column (-1 = constant fill).
        let ys = (0..<H).map { border($0 - top, h, mode) }
        let xs = (0..<W).map { border($0 - left, w, mode) }
        func run<T>(_ a: [T], _ conv: (Double) -> T) -> [T] {
            let fv = fill.map(conv)
            var out = [T]()
            out.reserveCapacity(H * W * c)
            a.withUnsafeBufferPointer { s in
                for y in ys {
                    for x in xs {
                        if y < 0 || x < 0 {
                            out.append(contentsOf: fv)
                        } else {
                            let base = (y * w + x) * c
                            for k in 0..<c { out.append(s[base + k]) }
                        }
                    }
                }
            }
            return out
        }
        switch img.storage {
        case .float32(let a): return Tensor(shape: outShape, float32: run(a) { Float($0) })
        case .float64(let a): return Tensor(shape: outShape, float64: run(a) { $0 })
        case .int64(let a): return Tensor(shape: outShape, int64: run(a) { Int64(exactly: $0.rounded(.towardZero)) ?? 0 })
        case .bool(let a): return Tensor(shape: outShape, bool: run(a) { $0 != 0 })
        }
    }

    /// `impad(img, shape=(H, W))`.
    public static func pad(_ img: Tensor, toShape shape: (h: Int, w: Int), value: Value = .scalar(0), mode: Mode = .constant) throws -> Tensor {
        let p = try padding(toShape: shape, of: img)
        return try pad(img, left: p.left, top: p.top, right: p.right, bottom: p.bottom, value: value, mode: mode)
    }

    /// `impad_to_multiple(img, divisor, pad_val)`: bottom/right up to `ceil(h/d)*d`, `ceil(w/d)*d`.
    public static func padToMultiple(_ img: Tensor, divisor: Int, value: Value = .scalar(0)) throws -> Tensor {
        guard divisor > 0, divisor <= 1 << 30 else { throw CoreError("divisor must lie in [1, 2**30], got \(divisor)") }
        let g = try ImResize.geometry(img)
        return try pad(img, toShape: (roundUp(g.h, divisor), roundUp(g.w, divisor)), value: value)
    }

    public static func roundUp(_ x: Int, _ d: Int) -> Int { (x + d - 1) / d * d }

    /// OpenCV `borderInterpolate`.
    static func border(_ p: Int, _ len: Int, _ mode: Mode) -> Int {
        if p >= 0 && p < len { return p }
        switch mode {
        case .constant: return -1
        case .edge: return p < 0 ? 0 : len - 1
        case .reflect, .symmetric:
            if len == 1 { return 0 }
            let delta = mode == .reflect ? 1 : 0
            var q = p
            while q < 0 || q >= len {
                if q < 0 { q = -q - 1 + delta } else { q = len - 1 - (q - len) - delta }
            }
            return q
        }
    }
}
