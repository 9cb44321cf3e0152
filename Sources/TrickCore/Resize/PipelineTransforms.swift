/// `RandomFlip`, `Pad` and `Normalize` pipeline steps (MMCV 2.x, with the MMDetection 2.x /
/// MMSegmentation 0.x forms); see reference/resize-multiscale-tta.md §3.

/// `RandomFlip(prob, direction, swap_seg_labels)` (MMCV 2.x) and `RandomFlip(flip_ratio, direction)`
/// (MMDetection 2.x; MMSegmentation 0.x draws `rand() < prob`, the same draw and outcome for one
/// direction). The legacy form honours a preset `results['flip']` (test-time augmentation).
public struct RandomFlipTransform: ResultsTransform {
    public enum Style: Sendable { case mmcv2, legacy }
    public var style: Style
    /// Per-direction probabilities (a single float is split evenly); nil only in the legacy form.
    public var probs: [Double]?
    public var directions: [ImFlip.Direction]
    public var swapSegLabels: [[Int]]?
    /// `swap_seg_labels` as the caller wrote it (lists or tuples), echoed into the results as mmcv
    /// does (it stores the argument itself); the pairs as tuples when not given.
    public var swapSegLabelsAsGiven: Field?
    public var rng: NumpyRandom = .global

    public init(style: Style, prob: [Double]?, probIsList: Bool, directions: [ImFlip.Direction], swapSegLabels: [[Int]]? = nil) throws {
        guard !directions.isEmpty else { throw CoreError("RandomFlip: direction must not be empty") }
        if let p = prob {
            if probIsList {
                guard p.count == directions.count else {
                    throw CoreError("RandomFlip: prob has \(p.count) values for \(directions.count) directions")
                }
                let s = p.reduce(0, +)
                guard p.allSatisfy({ $0 >= 0 }), s <= 1 + 1e-12 else { throw CoreError("RandomFlip: probabilities must be ≥ 0 and sum to at most 1, got \(p)") }
                probs = p
            } else {
                guard p.count == 1, p[0] >= 0, p[0] <= 1 else { throw CoreError("RandomFlip: prob must lie in [0, 1], got \(p)", kind: "AssertionError") }
                probs = [Double](repeating: p[0] / Double(directions.count), count: directions.count)
            }
        } else {
            guard style == .legacy else { throw CoreError("RandomFlip: prob must be a float or a list of floats, got None") }
            probs = nil
        }
        self.style = style; self.directions = directions; self.swapSegLabels = swapSegLabels
    }

    /// `np.random.choice(directions + [None], p=probs + [1 - sum])`: nil means no flip.
    public func chooseDirection() throws -> ImFlip.Direction? {
        guard let p = probs else {
            throw CoreError("RandomFlip: flip_ratio is None, so results must preset 'flip' (as MultiScaleFlipAug does)")
        }
        let i = try rng.choice(p + [1 - p.reduce(0, +)])
        return i < directions.count ? directions[i] : nil
    }

    public func apply(_ input: Results) throws -> Results {
        var r = input
        let direction: ImFlip.Direction?
        if style == .legacy, let preset = r["flip"], !preset.isNone {
            let doFlip = (preset.number ?? 0) != 0
            if !doFlip { if !r.has("flip_direction") { r["flip_direction"] = Field.none }; return r }
            if let d = r["flip_direction"]?.string { direction = try ImFlip.Direction(name: d) } else {
                direction = directions[0]
                r["flip_direction"] = .string(directions[0].rawValue)
            }
        } else {
            direction = try chooseDirection()
            r["flip"] = .bool(direction != nil)
            if style == .mmcv2 || !r.has("flip_direction") || r["flip_direction"]!.isNone {
                r["flip_direction"] = direction.map { .string($0.rawValue) } ?? Field.none
            }
        }
        guard let dir = direction else { return r }
        for key in r.fieldNames("img_fields", default: ["img"]) where r.present(key) {
            r[key] = .tensor(try ImFlip.flip(try r.image(for: "RandomFlip", key: key), dir))
        }
        let img = try r.image(for: "RandomFlip")
        var hw = (img.shape[0], img.shape[1])
        if style == .legacy, case .ints(let s)? = r["img_shape"], s.count >= 2 { hw = (s[0], s[1]) }
        for key in ResizeTransform.boxKeys(r) {
            r[key] = .tensor(try ImFlip.flipBoxes(try r.tensor(key, for: "RandomFlip"), imageShape: hw, dir))
        }
        if r.present("gt_keypoints") {
            r["gt_keypoints"] = .tensor(try Self.flipKeypoints(try r.tensor("gt_keypoints", for: "RandomFlip"), imageShape: hw, dir))
        }
        try InstanceMasks.map(&r, transform: "RandomFlip", emptySize: { ($0, $1) }) { try ImFlip.flip($0, dir) }
        for key in ResizeTransform.segKeys(r) {
            r[key] = .tensor(try flipSegMap(try r.tensor(key, for: "RandomFlip"), dir))
        }
        if style == .mmcv2 && r.present("gt_seg_map") {
            r["swap_seg_labels"] = swapSegLabelsAsGiven ?? swapSegLabels.map { .list($0.map { .ints($0) }) } ?? Field.none
        }
        return r
    }

    /// MMCV 2.x `_flip_keypoints`: x (and/or y) of `[..., :2]` mirrored in an image of `imageShape`
    /// (h, w), the rest of the last dimension kept.
    public static func flipKeypoints(_ k: Tensor, imageShape hw: (Int, Int), _ dir: ImFlip.Direction) throws -> Tensor {
        guard let d = k.shape.last, d >= 2 else { throw CoreError("RandomFlip: gt_keypoints must have a last dimension ≥ 2") }
        var v = k.doubles
        for i in stride(from: 0, to: v.count, by: d) {
            if dir != .vertical { v[i] = Double(hw.1) - v[i] }
            if dir != .horizontal { v[i + 1] = Double(hw.0) - v[i + 1] }
        }
        return Tensor(shape: k.shape, float64: v).cast(to: k.dtype == .float64 ? .float64 : .float32)
    }

    /// MMCV 2.x `_flip_seg_map`: the map flipped, then (2.x style) its `swap_seg_labels` pairs exchanged.
    public func flipSegMap(_ seg: Tensor, _ dir: ImFlip.Direction) throws -> Tensor {
        let flipped = try ImFlip.flip(seg, dir)
        guard let pairs = swapSegLabels, style == .mmcv2 else { return flipped }
        return try Self.swapLabels(flipped, pairs)
    }

    /// MMCV 2.x `swap_seg_labels`: each pair's labels exchanged (read from the unswapped map).
    static func swapLabels(_ seg: Tensor, _ pairs: [[Int]]) throws -> Tensor {
        let src = seg.doubles
        var out = src
        for p in pairs {
            guard p.count == 2 else { throw CoreError("swap_seg_labels must hold pairs, got \(p)") }
            for i in src.indices {
                if src[i] == Double(p[0]) { out[i] = Double(p[1]) }
                if src[i] == Double(p[1]) { out[i] = Double(p[0]) }
            }
        }
        return Tensor(shape: seg.shape, float64: out).cast(to: seg.dtype)
    }
}

/// `Pad(size, size_divisor, pad_to_square, pad_val, padding_mode)` (MMCV 2.x: size is (w, h),
/// `img_shape` becomes the padded (h, w); int `pad_val` expanded per channel) and the
/// MMDetection 2.x / MMSegmentation 0.x form (size is (h, w), `pad_val` passed to `impad`
/// as given, `img_shape` kept). The legacy form is used when the results come from a legacy
/// `Resize` / `LoadImageFromFile` (their `img_shape` is the 3-tuple `img.shape`) or when
/// `seg_pad_val` is given.
public struct PadTransform: ResultsTransform {
    public var size: [Int]?
    public var sizeDivisor: Int?
    public var padToSquare: Bool
    public var imgPadVal: Double
    public var imgPadValIsInt: Bool
    public var segPadVal: Double
    public var mode: ImPad.Mode
    public var forceLegacy: Bool
    /// MMCV 2.x `pad_val=dict(img=(v0, v1, ...))`: one value per channel, passed to `impad` as given.
    public var imgPadValPerChannel: [Double]?
    /// `pad_val['masks']` (default 0): the value instance masks are padded with — MMDetection's
    /// `Pad._pad_masks` (`self.pad_val.get('masks', 0)`, mmdet/datasets/transforms/transforms.py).
    public var maskPadVal: Double = 0
    /// MMCV 2.x `pad_val=dict(seg=(v0, v1, ...))`: one value per channel of a multi-channel seg map.
    public var segPadValPerChannel: [Double]?

    public init(size: [Int]?, sizeDivisor: Int?, padToSquare: Bool = false, imgPadVal: Double = 0, imgPadValIsInt: Bool = true,
                segPadVal: Double = 255, mode: ImPad.Mode = .constant, forceLegacy: Bool = false) throws {
        if padToSquare {
            guard size == nil else { throw CoreError("Pad: size must be None when pad_to_square is True", kind: "AssertionError") }
        } else {
            guard size != nil || sizeDivisor != nil else { throw CoreError("Pad: only one of size and size_divisor should be valid (neither was given)", kind: "AssertionError") }
            guard size == nil || sizeDivisor == nil else { throw CoreError("Pad: only one of size and size_divisor should be valid", kind: "AssertionError") }
        }
        if let s = size {
            guard s.count == 2, s.allSatisfy({ $0 >= 0 && $0 <= 1 << 30 }) else { throw CoreError("Pad: size must be a pair of ints in [0, 2**30], got \(s)") }
        }
        if let d = sizeDivisor, d <= 0 || d > 1 << 30 { throw CoreError("Pad: size_divisor must lie in [1, 2**30], got \(d)") }
        self.size = size; self.sizeDivisor = sizeDivisor; self.padToSquare = padToSquare
        self.imgPadVal = imgPadVal; self.imgPadValIsInt = imgPadValIsInt; self.segPadVal = segPadVal
        self.mode = mode; self.forceLegacy = forceLegacy
    }

    public func apply(_ input: Results) throws -> Results {
        var r = input
        let img = try r.image(for: "Pad")
        var legacy = forceLegacy
        if case .ints(let s)? = r["img_shape"], s.count == 3 { legacy = true }
        let (h, w, c) = try ImResize.geometry(img)
        var target: (h: Int, w: Int)
        if padToSquare {
            let m = Swift.max(h, w)
            target = (m, m)
            if let d = sizeDivisor { target = (ImPad.roundUp(m, d), ImPad.roundUp(m, d)) }
        } else if let d = sizeDivisor {
            target = (ImPad.roundUp(h, d), ImPad.roundUp(w, d))
        } else {
            let s = size!
            target = legacy ? (s[0], s[1]) : (s[1], s[0])
        }
        var value: ImPad.Value = (!legacy && imgPadValIsInt && img.rank == 3)
            ? .perChannel([Double](repeating: imgPadVal, count: c)) : .scalar(imgPadVal)
        if let vs = imgPadValPerChannel { value = .perChannel(vs) }
        var padded = img
        for key in r.fieldNames("img_fields", default: ["img"]) where r.present(key) {
            let p = try ImPad.pad(try r.image(for: "Pad", key: key), toShape: target, value: value, mode: legacy ? .constant : mode)
            r[key] = .tensor(p)
            if key == "img" { padded = p }
        }
        r["pad_shape"] = shapeField(padded)
        r["pad_fixed_size"] = size.map { .ints($0) } ?? Field.none
        r["pad_size_divisor"] = sizeDivisor.map { .int($0) } ?? Field.none
        if !legacy { r["img_shape"] = .ints([padded.shape[0], padded.shape[1]]) }
        let padShape = (padded.shape[0], padded.shape[1])
        try InstanceMasks.map(&r, transform: "Pad", emptySize: { _, _ in padShape }) {
            try ImPad.pad($0, toShape: padShape, value: .scalar(maskPadVal), mode: .constant)
        }
        for key in ResizeTransform.segKeys(r) {
            let seg = try r.tensor(key, for: "Pad")
            var v: ImPad.Value = seg.rank == 3 ? .perChannel([Double](repeating: segPadVal, count: seg.shape[2])) : .scalar(segPadVal)
            if let vs = segPadValPerChannel { v = .perChannel(vs) }
            r[key] = .tensor(try ImPad.pad(seg, toShape: (padded.shape[0], padded.shape[1]), value: v, mode: legacy ? .constant : mode))
        }
        return r
    }
}

/// `Normalize(mean, std, to_rgb=True)`: `imnormalize`, and `img_norm_cfg` recorded (float32 mean/std).
public struct NormalizeTransform: ResultsTransform {
    public var mean: [Double], std: [Double], toRGB: Bool
    public init(mean: [Double], std: [Double], toRGB: Bool = true) throws {
        guard !mean.isEmpty, mean.count == std.count else {
            throw CoreError("Normalize: mean and std must have the same non-zero length, got \(mean.count) and \(std.count)")
        }
        guard std.allSatisfy({ $0 != 0 }) else { throw CoreError("Normalize: std must not contain 0") }
        self.mean = mean; self.std = std; self.toRGB = toRGB
    }

    public func apply(_ input: Results) throws -> Results {
        var r = input
        for key in r.fieldNames("img_fields", default: ["img"]) where r.present(key) {
            r[key] = .tensor(try ImNormalize.normalize(try r.image(for: "Normalize", key: key), mean: mean, std: std, toRGB: toRGB))
        }
        r["img_norm_cfg"] = .dict(Results([
            ("mean", .tensor(Tensor(shape: [mean.count], float32: mean.map { Float($0) }))),
            ("std", .tensor(Tensor(shape: [std.count], float32: std.map { Float($0) }))),
            ("to_rgb", .bool(toRGB)),
        ]))
        return r
    }
}
