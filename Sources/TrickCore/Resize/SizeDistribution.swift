/// The image sizes a multi-scale configuration produces on an image of a given size — the
/// question of the seed's section 6 ("1500×1000 with img_scale=[(2000, 1200), (1333, 800)]").
/// Discrete samplers are enumerated exactly (every equally likely draw of the reference's
/// sampler: long × short pairs in MMDetection 2.x 'range' mode, width × height in MMCV 2.x
/// `RandomResize`, each scale of 'value' mode / `RandomChoiceResize`); `ratio_range` is
/// continuous and is sampled `n` times from the transforms' random stream.
/// See reference/resize-multiscale-tta.md §2.4.
public enum SizeDistribution {
    public struct Outcome {
        /// Output (w, h) → number of draws giving it, in first-seen order.
        public var counts: [(w: Int, h: Int, count: Int)]
        public var total: Int
        public var exact: Bool
    }

    final class Counter {
        var index: [Int64: Int] = [:]
        var items: [(w: Int, h: Int, count: Int)] = []
        var total = 0
        func add(_ w: Int, _ h: Int, _ n: Int = 1) {
            let key = Int64(w) << 32 | Int64(h)
            if let i = index[key] { items[i].count += n } else { index[key] = items.count; items.append((w, h, n)) }
            total += n
        }
    }

    /// Limit on exactly enumerated draws.
    public static let maxEnumeration = 20_000_000

    public static func of(_ t: ResultsTransform, imageSize: (w: Int, h: Int), samples n: Int, rng: NumpyRandom = .global) throws -> Outcome {
        guard imageSize.w > 0, imageSize.h > 0 else { throw CoreError("image_size (\(imageSize.w), \(imageSize.h)) must be positive") }
        guard n > 0 else { throw CoreError("n must be positive, got \(n)") }
        let c = Counter()
        var exact = true
        func grid(_ r: ResizeTransform, _ xs: ClosedRange<Int>, _ ys: ClosedRange<Int>) throws {
            guard xs.count * ys.count <= maxEnumeration else { throw CoreError("too many scale combinations to enumerate (\(xs.count * ys.count))") }
            for x in xs { for y in ys { let s = try r.outputSize(for: [Double(x), Double(y)], imageSize: imageSize); c.add(s.w, s.h) } }
        }
        switch t {
        case let r as ResizeTransform:
            if r.style == .mmcv2 {
                let target: [Double]
                if let s = r.scale { target = s } else {
                    let s = try Rescale.scaleSize(imageSize, r.scaleFactor![0], r.scaleFactor![1])
                    target = [Double(s.w), Double(s.h)]
                }
                let s = try r.outputSize(for: target, imageSize: imageSize); c.add(s.w, s.h)
            } else if r.ratioRange != nil {
                exact = false
                for _ in 0..<n {
                    var rr = r; rr.rng = rng
                    let s = try r.outputSize(for: try rr.randomScale(imageSize: imageSize).0, imageSize: imageSize); c.add(s.w, s.h)
                }
            } else {
                guard let scales = r.imgScales else { throw CoreError("Resize has no img_scale: its size comes from the results (MultiScaleFlipAug)") }
                if scales.count == 1 || r.multiscaleMode == .value {
                    for sc in scales { let s = try r.outputSize(for: sc, imageSize: imageSize); c.add(s.w, s.h) }
                } else {
                    guard scales.count == 2 else { throw CoreError("multiscale_mode='range' needs exactly 2 scales") }
                    let longs = scales.map { Int($0.max()!) }, shorts = scales.map { Int($0.min()!) }
                    try grid(r, longs.min()!...longs.max()!, shorts.min()!...shorts.max()!)
                }
            }
        case let r as RandomResize:
            if r.scales.count == 1 {
                exact = false
                var rr = r; rr.rng = rng
                for _ in 0..<n { let s = try r.resize.outputSize(for: try rr.sample(), imageSize: imageSize); c.add(s.w, s.h) }
            } else {
                let a = r.scales
                try grid(r.resize, Int(Swift.min(a[0][0], a[1][0]))...Int(Swift.max(a[0][0], a[1][0])),
                         Int(Swift.min(a[0][1], a[1][1]))...Int(Swift.max(a[0][1], a[1][1])))
            }
        case let r as RandomChoiceResize:
            for sc in r.scales { let s = try r.resize.outputSize(for: sc, imageSize: imageSize); c.add(s.w, s.h) }
        case let m as MultiScaleFlipAug:
            guard let inner = (m.transforms as? Compose)?.transforms.first(where: { $0 is ResizeTransform }) as? ResizeTransform else {
                throw CoreError("MultiScaleFlipAug has no Resize step among its transforms")
            }
            for (setting, _, _) in m.variants(imageSize: imageSize) {
                let target: [Double]
                switch setting {
                case .scale(let s): target = s
                case .factor(let f):
                    if m.flavor == .mmcv2 {
                        let s = try Rescale.scaleSize(imageSize, f, f)
                        target = [Double(s.w), Double(s.h)]
                    } else {
                        target = [(Double(imageSize.w) * f).rounded(.towardZero), (Double(imageSize.h) * f).rounded(.towardZero)]
                    }
                }
                let s = try inner.outputSize(for: target, imageSize: imageSize); c.add(s.w, s.h)
            }
        case let p as Compose:
            for step in p.transforms where step is ResizeTransform || step is RandomResize || step is RandomChoiceResize || step is MultiScaleFlipAug {
                return try of(step, imageSize: imageSize, samples: n, rng: rng)
            }
            throw CoreError("the pipeline has no Resize, RandomResize, RandomChoiceResize or MultiScaleFlipAug step")
        default:
            throw CoreError("size_distribution needs a Resize, RandomResize, RandomChoiceResize, MultiScaleFlipAug or a pipeline holding one")
        }
        return Outcome(counts: c.items, total: c.total, exact: exact)
    }
}
