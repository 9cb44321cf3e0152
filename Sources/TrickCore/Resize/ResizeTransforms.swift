/// The resize steps of a data pipeline: MMCV 2.x `Resize`, `RandomResize`,
/// `RandomChoiceResize`, and the MMDetection 2.x / MMSegmentation 0.x `Resize(img_scale=…,
/// multiscale_mode=…, ratio_range=…)`; see reference/resize-multiscale-tta.md §2 and §6
/// (random draws in numpy's order: long then short, width then height).
public struct ResizeTransform: ResultsTransform {
    /// `.mmcv2`: `img_shape = (h, w)`, `scale_factor = (w_scale, h_scale)` floats, default keep_ratio False.
    /// `.legacy` (MMDetection 2.x / MMSegmentation 0.x): `img_shape = pad_shape = img.shape`,
    /// `scale_factor` a float32 4-vector `[w, h, w, h]`, scale sampled from `img_scale`.
    public enum Style: Sendable { case mmcv2, legacy }
    public enum MultiscaleMode: String, Sendable { case range, value }

    public var style: Style
    public var scale: [Double]?
    public var scaleFactor: [Double]?
    public var keepRatio: Bool
    public var clipObjectBorder: Bool = true
    public var interpolation: ImResize.Interpolation = .bilinear
    // legacy
    public var imgScales: [[Double]]?
    public var multiscaleMode: MultiscaleMode = .range
    public var ratioRange: (Double, Double)?
    public var override = false
    public var minSize: Double?
    public var rng: NumpyRandom = .global

    /// MMCV 2.x `Resize(scale, scale_factor, keep_ratio, clip_object_border, interpolation)`.
    public init(scale: [Double]?, scaleFactor: [Double]?, keepRatio: Bool = false, clipObjectBorder: Bool = true,
                interpolation: ImResize.Interpolation = .bilinear) throws {
        guard scale != nil || scaleFactor != nil else { throw CoreError("Resize: `scale` and `scale_factor` can not both be None") }
        if let s = scale { try Self.checkScale(s, "scale") }
        if let f = scaleFactor {
            guard f.count == 2, f.allSatisfy({ $0 > 0 && $0.isFinite }) else {
                throw CoreError("Resize: scale_factor must be a positive float or a pair of positive floats, got \(f)")
            }
        }
        style = .mmcv2
        self.scale = scale; self.scaleFactor = scaleFactor
        self.keepRatio = keepRatio; self.clipObjectBorder = clipObjectBorder; self.interpolation = interpolation
    }

    /// MMDetection 2.x / MMSegmentation 0.x `Resize(img_scale, multiscale_mode, ratio_range, keep_ratio,
    /// bbox_clip_border, override, min_size)`.
    public init(imgScales: [[Double]]?, multiscaleMode: MultiscaleMode = .range, ratioRange: (Double, Double)? = nil,
                keepRatio: Bool = true, bboxClipBorder: Bool = true, override: Bool = false, minSize: Double? = nil,
                interpolation: ImResize.Interpolation = .bilinear) throws {
        if let s = imgScales {
            guard !s.isEmpty else { throw CoreError("Resize: img_scale must not be empty") }
            for x in s { try Self.checkScale(x, "img_scale") }
            if ratioRange != nil && s.count != 1 {
                throw CoreError("Resize: with ratio_range, img_scale must hold exactly one scale, got \(s.count)")
            }
        }
        if let r = ratioRange, !(r.0 <= r.1) { throw CoreError("Resize: ratio_range must have min <= max, got (\(r.0), \(r.1))") }
        style = .legacy
        self.imgScales = imgScales; self.multiscaleMode = multiscaleMode; self.ratioRange = ratioRange
        self.keepRatio = keepRatio; self.clipObjectBorder = bboxClipBorder; self.override = override
        self.minSize = minSize; self.interpolation = interpolation
    }

    static func checkScale(_ s: [Double], _ name: String) throws {
        guard s.count == 2 else { throw CoreError("Resize: \(name) must be a (w, h) pair, got \(s.count) values") }
        guard s.allSatisfy({ $0 >= 0 && $0 <= 1e9 }) else {
            throw CoreError("Resize: \(name) (\(s.map(Rescale.fmt).joined(separator: ", "))) must have sides in [0, 1e9]")
        }
    }

    // MARK: scale sampling (legacy)

    /// `random_sample_ratio`: `r = U*(max-min)+min`, `(int(w*r), int(h*r))` (truncation).
    static func sampleRatio(_ base: [Double], _ range: (Double, Double), _ rng: NumpyRandom) -> [Double] {
        let r = rng.randomSample() * (range.1 - range.0) + range.0
        return [(base[0] * r).rounded(.towardZero), (base[1] * r).rounded(.towardZero)]
    }

    /// The legacy `_random_scale`: (scale, scale_idx).
    func randomScale(imageSize: (w: Int, h: Int)) throws -> ([Double], Int?) {
        if let range = ratioRange {
            let base = imgScales?[0] ?? [Double(imageSize.w), Double(imageSize.h)]
            return (Self.sampleRatio(base, range, rng), nil)
        }
        guard let scales = imgScales else {
            throw CoreError("Resize: img_scale is None and results has no 'scale' (set img_scale, or run inside MultiScaleFlipAug)")
        }
        if scales.count == 1 { return (scales[0], 0) }
        switch multiscaleMode {
        case .range:
            guard scales.count == 2 else { throw CoreError("Resize: multiscale_mode='range' needs exactly 2 scales, got \(scales.count)") }
            let longs = scales.map { $0.max()! }, shorts = scales.map { $0.min()! }
            let long = try rng.randint(Int(longs.min()!), Int(longs.max()!) + 1)
            let short = try rng.randint(Int(shorts.min()!), Int(shorts.max()!) + 1)
            return ([Double(long), Double(short)], nil)
        case .value:
            let i = try rng.randint(0, scales.count)
            return (scales[i], i)
        }
    }

    // MARK: apply

    public func apply(_ input: Results) throws -> Results {
        var r = input
        if style == .mmcv2, let s = scale, !r.has("img"), !r.has("gt_seg_map"), !r.has("gt_bboxes") {
            // MMCV 2.x `Resize.transform` sets results['scale'], and each resize step skips what the
            // results lack: on `{}` it returns just the scale (how mmcv's tests read RandomResize's draw).
            r["scale"] = Self.scaleField(s)
            return r
        }
        let img = try r.image(for: "Resize")
        let (h, w, _) = try ImResize.geometry(img)
        var target: [Double]
        switch style {
        case .mmcv2:
            if let s = scale {
                target = s
            } else {
                let f = scaleFactor!
                let s = try Rescale.scaleSize((w, h), f[0], f[1])
                target = [Double(s.w), Double(s.h)]
            }
            r["scale"] = Self.scaleField(target)
        case .legacy:
            if !r.has("scale") && r.has("scale_factor") {
                // MultiScaleFlipAug(scale_factor=…) in MMDetection 2.x: truncation, from img.shape.
                guard let sf = r["scale_factor"]?.number else {
                    throw CoreError("Resize: a preset results['scale_factor'] must be a float")
                }
                target = [(Double(w) * sf).rounded(.towardZero), (Double(h) * sf).rounded(.towardZero)]
                r["scale"] = Self.scaleField(target)
            } else if let s = r["scale"], !override {
                if r.has("scale_factor") { throw CoreError("Resize: scale and scale_factor cannot be both set") }
                target = try Self.readScale(s)
            } else {
                r["scale"] = nil; r["scale_factor"] = nil
                let (s, idx) = try randomScale(imageSize: (w, h))
                target = s
                r["scale"] = Self.scaleField(s)
                r["scale_idx"] = idx.map { .int($0) } ?? Field.none
            }
            if keepRatio, let m = minSize {
                // MMSegmentation 0.x min_size: raise the short target edge.
                let newShort = Swift.max(target.min()!, m)
                target = h > w ? [newShort * Double(h) / Double(w), newShort] : [newShort, newShort * Double(w) / Double(h)]
            }
        }
        let resized = try resizeImage(img, target, interpolation)
        let nh = resized.shape[0], nw = resized.shape[1]
        let ws = Double(nw) / Double(w), hs = Double(nh) / Double(h)
        for key in r.fieldNames("img_fields", default: ["img"]) where r.present(key) {
            r[key] = .tensor(key == "img" ? resized : try resizeImage(try r.image(for: "Resize", key: key), target, interpolation))
        }
        switch style {
        case .mmcv2:
            r["img_shape"] = .ints([nh, nw])
            r["scale_factor"] = .doubles([ws, hs])
        case .legacy:
            r["img_shape"] = shapeField(resized)
            r["pad_shape"] = shapeField(resized)
            r["scale_factor"] = .tensor(Tensor(shape: [4], float32: [Float(ws), Float(hs), Float(ws), Float(hs)]))
        }
        r["keep_ratio"] = .bool(keepRatio)
        try resizeBoxes(&r, ws: ws, hs: hs, h: nh, w: nw)
        try resizeKeypoints(&r, ws: ws, hs: hs, h: nh, w: nw)
        for key in Self.segKeys(r) {
            r[key] = .tensor(try resizeImage(try r.image(for: "Resize", key: key), target, .nearest))
        }
        // BitmapMasks.rescale(scale) when keep_ratio, else .resize(img_shape): both nearest
        try InstanceMasks.map(&r, transform: "Resize", emptySize: { h, w in
            let s = try outputSize(for: target, imageSize: (w, h)); return (s.h, s.w)
        }) { try resizeImage($0, target, .nearest) }
        return r
    }

    /// The (w, h) an image of `imageSize` gets for a (w, h) target: `rescale_size` when
    /// keep_ratio, else the target itself (which must then be integral).
    public func outputSize(for target: [Double], imageSize: (w: Int, h: Int)) throws -> (w: Int, h: Int) {
        if keepRatio { return try Rescale.rescaleSize(imageSize, .edges(target[0], target[1])).size }
        guard target.allSatisfy({ $0 >= 0 && $0 <= 1e9 }) else {
            throw CoreError("Resize: scale (\(target.map(Rescale.fmt).joined(separator: ", "))) must have sides in [0, 1e9]")
        }
        guard target.allSatisfy({ $0 == $0.rounded() }) else {
            throw CoreError("Resize: keep_ratio=False needs an integer (w, h) scale, got (\(target.map(Rescale.fmt).joined(separator: ", ")))")
        }
        return (Int(target[0]), Int(target[1]))
    }

    /// `imrescale` (keep_ratio) or `imresize` to the (w, h) target.
    func resizeImage(_ img: Tensor, _ target: [Double], _ mode: ImResize.Interpolation) throws -> Tensor {
        let (h, w, _) = try ImResize.geometry(img)
        let s = try outputSize(for: target, imageSize: (w, h))
        return try ImResize.resize(img, width: s.w, height: s.h, interpolation: mode)
    }

    static func scaleField(_ s: [Double]) -> Field {
        s.allSatisfy { $0 == $0.rounded() && abs($0) < 1e15 } ? .ints(s.map { Int($0) }) : .doubles(s)
    }

    static func readScale(_ f: Field) throws -> [Double] {
        switch f {
        case .ints(let a) where a.count == 2: return a.map(Double.init)
        case .doubles(let a) where a.count == 2: return a
        case .int(let i): return [Double(i), Double(i)]
        case .double(let d): return [d, d]
        default: throw CoreError("Resize: results['scale'] must be a (w, h) pair")
        }
    }

    static func segKeys(_ r: Results) -> [String] {
        var keys = r.fieldNames("seg_fields", default: [])
        for k in ["gt_seg_map", "gt_semantic_seg"] where r.present(k) && !keys.contains(k) { keys.append(k) }
        return keys.filter { r.present($0) }
    }

    static func boxKeys(_ r: Results) -> [String] {
        var keys = r.fieldNames("bbox_fields", default: [])
        if r.present("gt_bboxes") && !keys.contains("gt_bboxes") { keys.append("gt_bboxes") }
        return keys.filter { r.present($0) }
    }

    /// Boxes × `[w, h, w, h]`, clipped to `[0, w]` / `[0, h]` when `clip_object_border`
    /// (legacy: float32 arithmetic with the float32 scale_factor).
    func resizeBoxes(_ r: inout Results, ws: Double, hs: Double, h: Int, w: Int) throws {
        for key in Self.boxKeys(r) {
            let b = try r.tensor(key, for: "Resize")
            guard b.rank == 2, b.shape[1] % 4 == 0 else {
                throw CoreError("Resize: results['\(key)'] must have shape (N, 4), got \(Tensor.formatShape(b.shape))")
            }
            var v = b.doubles
            let f32 = style == .legacy
            for i in v.indices {
                let s = i % 2 == 0 ? ws : hs
                var x = f32 ? Double(Float(v[i]) * Float(s)) : v[i] * s
                if clipObjectBorder { x = Swift.min(Swift.max(x, 0), Double(i % 2 == 0 ? w : h)) }
                v[i] = x
            }
            r[key] = .tensor(Tensor(shape: b.shape, float64: v).cast(to: b.dtype == .float64 ? .float64 : .float32))
        }
    }

    /// MMCV 2.x keypoints `[..., :2] *= scale_factor`, clipped likewise.
    func resizeKeypoints(_ r: inout Results, ws: Double, hs: Double, h: Int, w: Int) throws {
        guard r.present("gt_keypoints") else { return }
        let k = try r.tensor("gt_keypoints", for: "Resize")
        guard let d = k.shape.last, d >= 2 else { throw CoreError("Resize: gt_keypoints must have a last dimension ≥ 2") }
        var v = k.doubles
        for i in stride(from: 0, to: v.count, by: d) {
            v[i] *= ws; v[i + 1] *= hs
            if clipObjectBorder {
                v[i] = Swift.min(Swift.max(v[i], 0), Double(w)); v[i + 1] = Swift.min(Swift.max(v[i + 1], 0), Double(h))
            }
        }
        r["gt_keypoints"] = .tensor(Tensor(shape: k.shape, float64: v).cast(to: k.dtype == .float64 ? .float64 : .float32))
    }
}

/// MMCV 2.x `RandomResize(scale, ratio_range=None, resize_type='Resize', **resize_kwargs)`.
public struct RandomResize: ResultsTransform {
    public var scales: [[Double]]
    public var ratioRange: (Double, Double)?
    public var resize: ResizeTransform
    public var rng: NumpyRandom = .global

    /// `scales`: one (w, h) with `ratio_range`, or two (w, h) bounds sampled per component.
    public init(scales: [[Double]], ratioRange: (Double, Double)?, resize: ResizeTransform) throws {
        if scales.count == 1 {
            guard let r = ratioRange else { throw CoreError("RandomResize: a single scale needs ratio_range") }
            guard r.0 <= r.1 else { throw CoreError("RandomResize: ratio_range must have min <= max") }
        } else if scales.count != 2 {
            throw CoreError("RandomResize: scale must be a (w, h) tuple with ratio_range, or a list of two (w, h) tuples; got \(scales.count) scales")
        }
        for s in scales { try ResizeTransform.checkScale(s, "scale") }
        self.scales = scales; self.ratioRange = ratioRange; self.resize = resize
    }

    public func sample() throws -> [Double] {
        if scales.count == 1 { return ResizeTransform.sampleRatio(scales[0], ratioRange!, rng) }
        let e0 = try rng.randint(Int(Swift.min(scales[0][0], scales[1][0])), Int(Swift.max(scales[0][0], scales[1][0])) + 1)
        let e1 = try rng.randint(Int(Swift.min(scales[0][1], scales[1][1])), Int(Swift.max(scales[0][1], scales[1][1])) + 1)
        return [Double(e0), Double(e1)]
    }

    public func apply(_ results: Results) throws -> Results {
        var inner = resize
        inner.scale = try sample()
        return try inner.apply(results)
    }
}

/// MMCV 2.x `RandomChoiceResize(scales, resize_type='Resize', **resize_kwargs)`: one `randint`,
/// `results['scale_idx']` records the choice.
public struct RandomChoiceResize: ResultsTransform {
    public var scales: [[Double]]
    public var resize: ResizeTransform
    public var rng: NumpyRandom = .global

    public init(scales: [[Double]], resize: ResizeTransform) throws {
        guard !scales.isEmpty else { throw CoreError("RandomChoiceResize: scales must not be empty") }
        for s in scales { try ResizeTransform.checkScale(s, "scales") }
        self.scales = scales; self.resize = resize
    }

    public func apply(_ results: Results) throws -> Results {
        let i = try rng.randint(0, scales.count)
        var inner = resize
        inner.scale = scales[i]
        var r = try inner.apply(results)
        r["scale_idx"] = .int(i)
        return r
    }
}
