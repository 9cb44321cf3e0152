/// OpenCV-compatible image resizing (`cv2.resize`), as MMCV `imresize` calls it.
///
/// Images are HWC (or HW) tensors. Matches `cv2.resize` with `INTER_NEAREST` / `INTER_LINEAR`
/// (half-pixel centres, OpenCV's border rules); see reference/resize-multiscale-tta.md §5.2–5.3.
/// - float32 / float64: OpenCV's floating-point path (float coefficients, `1-fx, fx`).
/// - int64: treated as a uint8 image (values must lie in 0…255): OpenCV's 11-bit fixed-point
///   path, bit-exact including its truncating column formula.
/// - bool (masks): nearest only.
/// A trailing channel axis of size 1 is dropped, as `cv2.resize` drops it.
/// This is not torch `interpolate` (different nearest rule and float arithmetic).
public enum ImResize {
    public enum Interpolation: String, Sendable {
        case nearest, bilinear
        /// MMCV's names; 'bicubic', 'area', 'lanczos' are rejected with a clear message.
        public init(name: String) throws {
            switch name {
            case "nearest": self = .nearest
            case "bilinear": self = .bilinear
            case "bicubic", "area", "lanczos":
                throw CoreError("interpolation '\(name)' is not supported (only 'nearest' and 'bilinear')")
            default:
                throw CoreError("interpolation must be 'nearest' or 'bilinear', got '\(name)'")
            }
        }
    }

    /// (h, w, channels) of an HW or HWC image tensor.
    public static func geometry(_ img: Tensor, name: String = "img") throws -> (h: Int, w: Int, c: Int) {
        switch img.rank {
        case 2: return (img.shape[0], img.shape[1], 1)
        case 3: return (img.shape[0], img.shape[1], img.shape[2])
        default:
            throw CoreError("\(name) must be an image of shape (H, W) or (H, W, C), got shape \(Tensor.formatShape(img.shape))")
        }
    }

    /// `cv2.resize(img, (width, height), interpolation=...)`.
    public static func resize(_ img: Tensor, width: Int, height: Int, interpolation: Interpolation) throws -> Tensor {
        try resizeValues(img, width: width, height: height, interpolation: interpolation).keepingDType(of: img)   // uint8 stays uint8
    }

    static func resizeValues(_ img: Tensor, width: Int, height: Int, interpolation: Interpolation) throws -> Tensor {
        let (h, w, c) = try geometry(img)
        guard width > 0, height > 0 else {
            throw CoreError("resize target size (w=\(width), h=\(height)) must be positive")
        }
        guard h > 0, w > 0, c > 0 else {
            throw CoreError("cannot resize an empty image of shape \(Tensor.formatShape(img.shape))")
        }
        _ = try Tensor.checkedAllocationCount([height, width, c], dtype: img.dtype)
        let outShape = img.rank == 3 && c != 1 ? [height, width, c] : [height, width]
        if width == w && height == h { return try img.reshaped(outShape) }
        if interpolation == .nearest || img.dtype == .bool {
            guard interpolation == .nearest else { throw CoreError("bilinear resize of a bool image is not supported") }
            return nearest(img, h: h, w: w, c: c, height: height, width: width, outShape: outShape)
        }
        switch img.storage {
        case .float32(let a):
            return Tensor(shape: outShape, float32: linearFloat(a, h: h, w: w, c: c, height: height, width: width))
        case .float64(let a):
            return Tensor(shape: outShape, float64: linearFloat(a, h: h, w: w, c: c, height: height, width: width))
        case .int64(let a):
            for v in a where v < 0 || v > 255 {
                throw CoreError("bilinear resize of an int64 image uses uint8 semantics: values must lie in 0…255, found \(v)")
            }
            return Tensor(shape: outShape, int64: linearUInt8(a, h: h, w: w, c: c, height: height, width: width))
        case .bool:
            fatalError("unreachable")
        }
    }

    // MARK: INTER_NEAREST

    /// cv2 `resizeNN`: `src = min(floor(d * (1.0 / (out/in))), in-1)` in double.
    static func nearestIndex(_ d: Int, inSize: Int, outSize: Int) -> Int {
        let ifx = 1.0 / (Double(outSize) / Double(inSize))
        return Swift.min(Int((Double(d) * ifx).rounded(.down)), inSize - 1)
    }

    static func nearest(_ img: Tensor, h: Int, w: Int, c: Int, height: Int, width: Int, outShape: [Int]) -> Tensor {
        let xs = (0..<width).map { nearestIndex($0, inSize: w, outSize: width) }
        let ys = (0..<height).map { nearestIndex($0, inSize: h, outSize: height) }
        func gather<T>(_ a: [T]) -> [T] {
            var out = [T]()
            out.reserveCapacity(height * width * c)
            a.withUnsafeBufferPointer { src in
                for y in ys {
                    let row = y * w * c
                    for x in xs {
                        let base = row + x * c
                        for k in 0..<c { out.append(src[base + k]) }
                    }
                }
            }
            return out
        }
        switch img.storage {
        case .float32(let a): return Tensor(shape: outShape, float32: gather(a))
        case .float64(let a): return Tensor(shape: outShape, float64: gather(a))
        case .int64(let a): return Tensor(shape: outShape, int64: gather(a))
        case .bool(let a): return Tensor(shape: outShape, bool: gather(a))
        }
    }

    // MARK: INTER_LINEAR

    /// OpenCV's per-axis source index and fractional weight: `f = float((d+0.5)*scale - 0.5)`,
    /// `s = floor(f)`, `f -= s`, with `scale = 1.0 / (out/in)` in double. `clampEdges` applies the
    /// x-axis rule (weights zeroed outside); rows keep their weights and clamp indices instead.
    struct Tap { var i0: Int; var i1: Int; var f: Float }

    static func taps(inSize: Int, outSize: Int, clampEdges: Bool) -> [Tap] {
        let scale = 1.0 / (Double(outSize) / Double(inSize))
        return (0..<outSize).map { d in
            var f = Float((Double(d) + 0.5) * scale - 0.5)
            var s = Int(f.rounded(.down))
            f -= Float(s)
            if clampEdges {
                if s < 0 { s = 0; f = 0 }
                if s >= inSize - 1 { s = inSize - 1; f = 0 }
                return Tap(i0: s, i1: Swift.min(s + 1, inSize - 1), f: f)
            }
            return Tap(i0: Swift.min(Swift.max(s, 0), inSize - 1), i1: Swift.min(Swift.max(s + 1, 0), inSize - 1), f: f)
        }
    }

    /// Exact 2× downscale on both axes: OpenCV reroutes INTER_LINEAR to INTER_AREA's fast path.
    static func isExactHalf(h: Int, w: Int, height: Int, width: Int) -> Bool {
        let sx = 1.0 / (Double(width) / Double(w)), sy = 1.0 / (Double(height) / Double(h))
        return abs(sx - 2) < Double.ulpOfOne && abs(sy - 2) < Double.ulpOfOne
    }

    static func linearFloat<T: BinaryFloatingPoint>(_ a: [T], h: Int, w: Int, c: Int, height: Int, width: Int) -> [T] {
        var out = [T](repeating: 0, count: height * width * c)
        let rowLen = w * c
        if isExactHalf(h: h, w: w, height: height, width: width) {
            a.withUnsafeBufferPointer { s in
                out.withUnsafeMutableBufferPointer { o in
                    for y in 0..<height {
                        let r0 = 2 * y * rowLen, r1 = r0 + rowLen
                        for x in 0..<width {
                            for k in 0..<c {
                                let i = 2 * x * c + k
                                o[(y * width + x) * c + k] = (s[r0 + i] + s[r0 + i + c] + s[r1 + i] + s[r1 + i + c]) * T(0.25)
                            }
                        }
                    }
                }
            }
            return out
        }
        let xt = taps(inSize: w, outSize: width, clampEdges: true)
        let yt = taps(inSize: h, outSize: height, clampEdges: false)
        var rows0 = [T](repeating: 0, count: width * c), rows1 = rows0
        a.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { o in
                func hpass(_ row: Int, _ dst: inout [T]) {
                    let base = row * rowLen
                    dst.withUnsafeMutableBufferPointer { d in
                        for (dx, t) in xt.enumerated() {
                            let a1 = T(t.f), a0 = T(1 - t.f)
                            let p0 = base + t.i0 * c, p1 = base + t.i1 * c
                            if t.f == 0 && t.i0 == w - 1 {
                                for k in 0..<c { d[dx * c + k] = s[p0 + k] }
                            } else {
                                for k in 0..<c { d[dx * c + k] = s[p0 + k] * a0 + s[p1 + k] * a1 }
                            }
                        }
                    }
                }
                var cached0 = -1, cached1 = -1
                for (dy, t) in yt.enumerated() {
                    if t.i0 == cached1 && cached1 >= 0 { swap(&rows0, &rows1); swap(&cached0, &cached1) }
                    if t.i0 != cached0 { hpass(t.i0, &rows0); cached0 = t.i0 }
                    if t.i1 != cached1 { hpass(t.i1, &rows1); cached1 = t.i1 }
                    let b1 = T(t.f), b0 = T(1 - t.f)
                    let ob = dy * width * c
                    for i in 0..<(width * c) { o[ob + i] = rows0[i] * b0 + rows1[i] * b1 }
                }
            }
        }
        return out
    }

    /// OpenCV's uint8 INTER_LINEAR: 11-bit coefficients (`rint(w * 2048)`), int32 row pass, and
    /// the SIMD column formula `(((D0>>4)*b0 >> 16) + ((D1>>4)*b1 >> 16) + 2) >> 2`, saturated.
    static func linearUInt8(_ a: [Int64], h: Int, w: Int, c: Int, height: Int, width: Int) -> [Int64] {
        func coef(_ f: Float) -> Int32 { Int32((f * 2048).rounded(.toNearestOrEven)) }
        let xt = taps(inSize: w, outSize: width, clampEdges: true)
        let yt = taps(inSize: h, outSize: height, clampEdges: false)
        let rowLen = w * c
        var out = [Int64](repeating: 0, count: height * width * c)
        var rows0 = [Int32](repeating: 0, count: width * c), rows1 = rows0
        a.withUnsafeBufferPointer { s in
            func hpass(_ row: Int, _ dst: inout [Int32]) {
                let base = row * rowLen
                dst.withUnsafeMutableBufferPointer { d in
                    for (dx, t) in xt.enumerated() {
                        let p0 = base + t.i0 * c, p1 = base + t.i1 * c
                        if t.f == 0 && t.i0 == w - 1 {
                            for k in 0..<c { d[dx * c + k] = Int32(s[p0 + k]) * 2048 }
                        } else {
                            let a0 = coef(1 - t.f), a1 = coef(t.f)
                            for k in 0..<c { d[dx * c + k] = Int32(s[p0 + k]) * a0 + Int32(s[p1 + k]) * a1 }
                        }
                    }
                }
            }
            for (dy, t) in yt.enumerated() {
                hpass(t.i0, &rows0)
                hpass(t.i1, &rows1)
                let b0 = coef(1 - t.f), b1 = coef(t.f)
                let ob = dy * width * c
                for i in 0..<(width * c) {
                    let v = ((((rows0[i] >> 4) * b0) >> 16) + (((rows1[i] >> 4) * b1) >> 16) + 2) >> 2
                    out[ob + i] = Int64(Swift.min(Swift.max(v, 0), 255))
                }
            }
        }
        return out
    }
}
