/// Test-time augmentation expansion: MMDetection 2.x / MMSegmentation 0.x / MMCV 2.x
/// `MultiScaleFlipAug` and MMCV 2.x `TestTimeAug`; see reference/resize-multiscale-tta.md §4.1–4.3.
/// Every variant runs the inner pipeline on a copy; the output is a dict of lists (one entry
/// per variant, keyed by the first variant's keys).
public struct MultiScaleFlipAug: ResultsTransform {
    public enum Flavor: Sendable { case mmdet2, mmseg0, mmcv2 }
    /// What a variant sets: `results['scale']` or `results['scale_factor']`.
    public enum Setting { case scale([Double]), factor(Double) }

    public var flavor: Flavor
    public var settings: [Setting]
    /// MMSegmentation 0.x `img_scale=None` + `img_ratios`: scales from the image's own size.
    public var imageRatios: [Double]?
    public var flip: Bool
    public var directions: [ImFlip.Direction]
    public var transforms: ResultsTransform
    /// MMCV 2.x: builds the Resize (and RandomFlip with prob 1) of a variant from `resize_cfg` / `flip_cfg`.
    public var makeResize: ((Setting) throws -> ResultsTransform)?
    public var makeFlip: ((ImFlip.Direction) throws -> ResultsTransform)?

    public init(flavor: Flavor, settings: [Setting], imageRatios: [Double]? = nil, flip: Bool, directions: [ImFlip.Direction],
                transforms: ResultsTransform) throws {
        guard !directions.isEmpty else { throw CoreError("MultiScaleFlipAug: flip_direction must not be empty") }
        guard !settings.isEmpty || imageRatios != nil else { throw CoreError("MultiScaleFlipAug: no scales given") }
        self.flavor = flavor; self.settings = settings; self.imageRatios = imageRatios
        self.flip = flip; self.directions = directions; self.transforms = transforms
    }

    /// The variants in the reference's order: (setting, flip, direction).
    public func variants(imageSize: (w: Int, h: Int)) -> [(Setting, Bool, ImFlip.Direction?)] {
        var s = settings
        if let ratios = imageRatios {
            s = ratios.map { .scale([(Double(imageSize.w) * $0).rounded(.towardZero), (Double(imageSize.h) * $0).rounded(.towardZero)]) }
        }
        var out: [(Setting, Bool, ImFlip.Direction?)] = []
        for setting in s {
            switch flavor {
            case .mmdet2, .mmcv2:
                out.append((setting, false, nil))
                if flip { for d in directions { out.append((setting, true, d)) } }
            case .mmseg0:
                for f in (flip ? [false, true] : [false]) { for d in directions { out.append((setting, f, d)) } }
            }
        }
        return out
    }

    public func apply(_ input: Results) throws -> Results {
        let img = try input.image(for: "MultiScaleFlipAug")
        var outputs: [Results] = []
        for (setting, f, dir) in variants(imageSize: (img.shape[1], img.shape[0])) {
            var r = input
            switch flavor {
            case .mmdet2, .mmseg0:
                switch setting {
                case .scale(let s): r["scale"] = ResizeTransform.scaleField(s)
                case .factor(let x): r["scale_factor"] = .double(x)
                }
                r["flip"] = .bool(f)
                r["flip_direction"] = dir.map { .string($0.rawValue) } ?? Field.none
                outputs.append(try transforms.apply(r))
            case .mmcv2:
                guard let makeResize else { throw CoreError("MultiScaleFlipAug: no resize_cfg") }
                var steps: [ResultsTransform] = [try makeResize(setting)]
                if f, let d = dir, let makeFlip { steps.append(try makeFlip(d)) } else {
                    r["flip"] = .bool(false); r["flip_direction"] = Field.none
                }
                outputs.append(try transforms.apply(try Compose(steps).apply(r)))
            }
        }
        if flavor == .mmcv2, let first = outputs.first, first.has("inputs") {
            return Results([("inputs", .list(outputs.map { $0["inputs"] ?? Field.none })),
                            ("data_sample", .list(outputs.map { $0["data_sample"] ?? $0["data_samples"] ?? Field.none }))])
        }
        return stackResults(outputs)
    }
}

/// Dict of lists over the first result's keys (`aug_data_dict`).
public func stackResults(_ outputs: [Results]) -> Results {
    guard let first = outputs.first else { return Results() }
    return Results(first.keys.map { k in (k, .list(outputs.map { $0[k] ?? Field.none })) })
}

/// MMCV 2.x `TestTimeAug(transforms=[[A1, A2], [B1, B2], [C]])`: one variant per element of the
/// Cartesian product (first list outermost), each on its own copy.
public struct TestTimeAug: ResultsTransform {
    public var lists: [[ResultsTransform]]
    public init(_ lists: [[ResultsTransform]]) throws {
        guard !lists.isEmpty, lists.allSatisfy({ !$0.isEmpty }) else { throw CoreError("TestTimeAug: transforms must be a non-empty list of non-empty lists") }
        self.lists = lists
    }
    public func apply(_ input: Results) throws -> Results {
        var combos: [[ResultsTransform]] = [[]]
        for l in lists { combos = combos.flatMap { c in l.map { c + [$0] } } }
        return stackResults(try combos.map { try Compose($0).apply(input) })
    }
}
