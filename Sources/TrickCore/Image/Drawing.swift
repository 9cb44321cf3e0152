/// The pictures MMEngine's visualisers draw, on trick's image tensors (BGR int64, as `imread`
/// gives them); colours are RGB. What is exact and what is only alike:
/// - `semSeg` is MMSegmentation 1.x `SegLocalVisualizer._draw_sem_seg`'s blend, value for value:
///   `(image * (1 - alpha) + mask * alpha).astype(uint8)` with the palette colour of each class
///   id below the number of colours, 0 elsewhere (so ignored pixels are darkened too).
/// - `binaryMasks` is MMEngine `Visualizer.draw_binary_masks`: `cv2.addWeighted(img, 1 - alpha,
///   coloured, alpha, 0)` per mask, rounded and saturated as OpenCV does.
/// - `boxes` follows MMDetection 3.x `DetLocalVisualizer._draw_instances` in content and style
///   (edge colour per label, alpha 0.8, line width 3, the text `class: 93.1` in light gray on a
///   black 0.8 box at the box's top-left), but lines are not anti-aliased and the text is an
///   embedded 5 × 7 bitmap font instead of matplotlib's, so pixels differ from MMDetection's.
public enum Drawing {
    // MARK: Segmentation

    /// MMSegmentation `_draw_sem_seg` (the blend is exact; the class-name labels, drawn when
    /// `withLabels`, use the bitmap font at the centre of each class's largest 4-connected region).
    public static func semSeg(image: Tensor, segMap: Tensor, palette: [RGB], classes: [String]? = nil,
                              alpha: Double = 0.8, withLabels: Bool = false) throws -> Tensor {
        let (h, w) = try geometry(image)
        let seg = try labelMap(segMap, h: h, w: w, what: "sem_seg")
        var src = try Canvas(image: image)
        // numpy: uint8 * float64 → float64, sum, astype(uint8) truncates.
        let keep = 1 - alpha
        let black = RGB(0, 0, 0)
        src.pixels.withUnsafeMutableBufferPointer { px in
            for i in 0..<(h * w) {
                let id = seg[i]
                let c = id >= 0 && id < Int64(palette.count) ? palette[Int(id)] : black
                @inline(__always) func blend(_ v: UInt8, _ m: UInt8) -> UInt8 {
                    UInt8(Swift.max(0, Swift.min(255, Double(v) * keep + Double(m) * alpha)).rounded(.towardZero))
                }
                px[3 * i] = blend(px[3 * i], c.r); px[3 * i + 1] = blend(px[3 * i + 1], c.g); px[3 * i + 2] = blend(px[3 * i + 2], c.b)
            }
        }
        if withLabels, let names = classes {
            for id in Set(seg) where id >= 0 && id < Int64(Swift.min(names.count, palette.count)) {
                guard let (cx, cy) = largestRegionCentre(seg, w: w, h: h, id: id) else { continue }
                let s = BitmapFont.size(names[Int(id)], scale: 1)
                let x = cx - s.width / 2, y = cy - s.height / 2
                src.fill(x0: x - 2, y0: y - 2, x1: x + s.width + 2, y1: y + s.height + 2, palette[Int(id)])
                src.text(names[Int(id)], x: x, y: y, RGB(255, 255, 255), scale: 1)
            }
        }
        return src.image()
    }

    /// MMEngine `draw_binary_masks`: each mask's pixels take `color`, then the whole image is
    /// `addWeighted(img, 1 - alpha, coloured, alpha, 0)` (outside the mask it is unchanged).
    public static func binaryMasks(image: Tensor, masks: [Tensor], colors: [RGB], alphas: [Double]) throws -> Tensor {
        let (h, w) = try geometry(image)
        var img = try Canvas(image: image)
        for (n, m) in masks.enumerated() {
            let on = try maskBits(m, h: h, w: w)
            let c = colors[n % colors.count], a = alphas[n % alphas.count]
            let (fa, fb) = (Float(1 - a), Float(a))
            // cv2.addWeighted on uint8: saturate_cast<uchar>(src1*alpha + src2*beta + gamma), computed in float.
            @inline(__always) func weigh(_ v: UInt8, _ m: UInt8) -> UInt8 {
                UInt8(Swift.max(0, Swift.min(255, (Float(v) * fa + Float(m) * fb).rounded(.toNearestOrEven))))
            }
            img.pixels.withUnsafeMutableBufferPointer { px in
                for i in 0..<(h * w) where on[i] {
                    px[3 * i] = weigh(px[3 * i], c.r); px[3 * i + 1] = weigh(px[3 * i + 1], c.g); px[3 * i + 2] = weigh(px[3 * i + 2], c.b)
                }
            }
        }
        return img.image()
    }

    // MARK: Detection

    public struct BoxStyle {
        public var lineWidth = 3, alpha = 0.8, textScale = 1
        public var textColor = RGB(200, 200, 200)
        public var showText = true
        /// mmcv 1.x `imshow_det_bboxes`: the text `name|0.93` (or `cls 3|0.93`) just above the box in
        /// `textColor`, without a background.
        public var mmcvLabels = false
        public init() {}
    }

    /// Boxes `(x1, y1, x2, y2)` with optional labels and scores, MMDetection's look (see the type's note).
    public static func boxes(_ canvas: inout Canvas, boxes: [[Double]], labels: [Int]?, scores: [Double]?,
                             classes: [String]?, colors: [RGB], style: BoxStyle = BoxStyle()) {
        var placed: [(x0: Int, y0: Int, x1: Int, y1: Int)] = []   // labels already drawn
        for (i, b) in boxes.enumerated() where b.allSatisfy(\.isFinite) {
            let label = labels?[i]
            let color = colors[i % colors.count]
            let t = style.lineWidth, half = t / 2
            let x0 = Int(b[0].rounded()), y0 = Int(b[1].rounded()), x1 = Int(b[2].rounded()), y1 = Int(b[3].rounded())
            canvas.stroke(x0: x0 - half, y0: y0 - half, x1: x1 + (t - half), y1: y1 + (t - half), color, lineWidth: t, alpha: style.alpha)
            guard style.showText, label != nil || scores != nil else { continue }
            if style.mmcvLabels {
                var text = label.map { l in classes.flatMap { l >= 0 && l < $0.count ? $0[l] : nil } ?? "cls \(l)" } ?? ""
                if let s = scores?[i] { text += "|" + Charts.format(s, decimals: 2) }
                let size = BitmapFont.size(text, scale: style.textScale)
                canvas.text(text, x: x0, y: y0 - 2 - size.height, style.textColor, scale: style.textScale)
                continue
            }
            var text = ""
            if let l = label { text = classes.flatMap { l >= 0 && l < $0.count ? $0[l] : nil } ?? "class \(l)" }
            if let s = scores?[i] {
                let pct = (s * 1000).rounded() / 10   // round(score * 100, 1)
                text += (text.isEmpty ? "" : ": ") + (pct == pct.rounded() ? "\(Int(pct)).0" : "\(pct)")
            }
            let size = BitmapFont.size(text, scale: style.textScale)
            // At the box's top-left as MMDetection, moved down below any label it would cover or
            // touch side by side (a crowd's boxes share corners; abutting labels read as one number).
            let tx = x0 + t
            var ty = y0 + t
            let gap = 4
            for _ in 0..<boxes.count {
                guard let hit = placed.first(where: { tx - 1 - gap < $0.x1 && $0.x0 < tx + size.width + 2 + gap && ty - 1 < $0.y1 && $0.y0 < ty + size.height + 2 }) else { break }
                ty = hit.y1 + 1
            }
            placed.append((tx - 1, ty - 1, tx + size.width + 2, ty + size.height + 2))
            canvas.fill(x0: tx - 1, y0: ty - 1, x1: tx + size.width + 2, y1: ty + size.height + 2, RGB(0, 0, 0), alpha: 0.8)
            canvas.text(text, x: tx + 1, y: ty + 1, style.textColor, scale: style.textScale)
        }
    }

    // MARK: Panels

    /// Images side by side on white, each under its title, `gap` pixels apart.
    public static func panels(_ images: [Canvas], titles: [String]?, gap: Int = 8, titleScale: Int = 2) throws -> Canvas {
        guard !images.isEmpty else { throw CoreError("panels need at least one image") }
        let titleHeight = titles == nil ? 0 : BitmapFont.glyphHeight * titleScale + 8
        let width = images.reduce(gap) { $0 + $1.width + gap }
        let height = (images.map(\.height).max() ?? 0) + titleHeight + 2 * gap
        var c = try Canvas(width: width, height: height)
        var x = gap
        for (i, im) in images.enumerated() {
            if let ts = titles, i < ts.count {
                var s = ts[i]
                while !s.isEmpty && BitmapFont.size(s, scale: titleScale).width > im.width { s.removeLast() }
                c.text(s, x: x, y: gap, RGB(0, 0, 0), scale: titleScale)
            }
            c.paste(im, x: x, y: gap + titleHeight)
            x += im.width + gap
        }
        return c
    }

    // MARK: Checksums

    /// `(H, W, C) 0123456789abcdef`: the shape and a 64-bit FNV-1a hash of the values, so a golden
    /// notebook notices any change in a drawing without storing it.
    public static func digest(_ t: Tensor) -> String {
        var h: UInt64 = 0xcbf29ce484222325
        func mix(_ v: Int64) { var x = UInt64(bitPattern: v); for _ in 0..<8 { h = (h ^ (x & 0xff)) &* 0x100000001b3; x >>= 8 } }
        for d in t.shape { mix(Int64(d)) }
        switch t.storage {
        case .int64(let a): for v in a { mix(v) }
        case .bool(let a): for v in a { mix(v ? 1 : 0) }
        default: for v in t.doubles { mix(Int64(bitPattern: v.bitPattern)) }
        }
        let hex = String(h, radix: 16)
        return "\(Tensor.formatShape(t.shape)) \(String(repeating: "0", count: 16 - hex.count) + hex)"
    }

    // MARK: Helpers

    static func geometry(_ image: Tensor) throws -> (Int, Int) {
        guard image.rank == 2 || image.rank == 3, image.shape[0] > 0, image.shape[1] > 0 else {
            throw CoreError("an image must be (H, W) or (H, W, C), got shape \(Tensor.formatShape(image.shape))")
        }
        return (image.shape[0], image.shape[1])
    }

    /// An (H, W) or (1, H, W) integer label map of the image's size.
    static func labelMap(_ t: Tensor, h: Int, w: Int, what: String) throws -> [Int64] {
        let dims = t.shape.filter { $0 != 1 }
        guard t.count == h * w, dims == [h, w] || (h == 1 || w == 1) else {
            throw CoreError("\(what) must be (H, W) or (1, H, W) with the image's H, W = \(h), \(w), got shape \(Tensor.formatShape(t.shape))")
        }
        guard !t.dtype.isFloatingPoint else { throw CoreError("\(what) must hold integer class ids, got \(t.dtype)") }
        return t.int64s
    }

    static func maskBits(_ t: Tensor, h: Int, w: Int) throws -> [Bool] {
        guard t.count == h * w, t.shape.filter({ $0 != 1 }) == [h, w].filter({ $0 != 1 }) else {
            throw CoreError("a mask must be (H, W) with the image's H, W = \(h), \(w), got shape \(Tensor.formatShape(t.shape))")
        }
        if case .bool(let a) = t.storage { return a }
        return t.doubles.map { $0 != 0 }
    }

    /// The centre of the bounding box of the largest 4-connected region of `id`.
    static func largestRegionCentre(_ seg: [Int64], w: Int, h: Int, id: Int64) -> (Int, Int)? {
        var seen = [Bool](repeating: false, count: seg.count)
        var best: (count: Int, cx: Int, cy: Int)? = nil
        var stack: [Int] = []
        for start in 0..<seg.count where seg[start] == id && !seen[start] {
            var n = 0, xs = 0, ys = 0
            seen[start] = true; stack = [start]
            while let p = stack.popLast() {
                n += 1; xs += p % w; ys += p / w
                let x = p % w, y = p / w
                for (nx, ny) in [(x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1)] where nx >= 0 && ny >= 0 && nx < w && ny < h {
                    let q = ny * w + nx
                    if !seen[q] && seg[q] == id { seen[q] = true; stack.append(q) }
                }
            }
            if best == nil || n > best!.count { best = (n, xs / n, ys / n) }
        }
        return best.map { ($0.cx, $0.cy) }
    }
}
