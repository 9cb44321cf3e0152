/// MMSegmentation `LovaszLoss` (`mmseg/models/losses/lovasz_loss.py`, identical in 0.x and 1.2.2,
/// after Berman et al.'s reference code; reference/losses-ohem-pixel.md §4).
///
/// `LovaszLoss(loss_type='multi_class', classes='present', per_image=False, reduction='mean',
/// class_weight=None, loss_weight=1.0, loss_name='loss_lovasz')`; `reduction` must be 'none' unless
/// `per_image` (checked at construction, as upstream).
///
/// - **multi_class** (Lovász-Softmax): `p = softmax(pred, dim=1)`; pixels whose label is the
///   forward's `ignore_index` (255 unless the caller — e.g. the decode head — passes another) are
///   dropped; for each class c (with `'present'`, only classes that occur; with a list, exactly
///   those): `e = |[y = c] − p_c|` sorted descending, `loss_c = e_sorted · lovasz_grad(fg_sorted)`,
///   × `cw[c]`; the mean over those classes.
/// - **binary** (Lovász hinge): pred holds one logit per pixel, labels are 0/1;
///   `e = 1 − x·(2y − 1)`, `loss = relu(e_sorted) · lovasz_grad(y_sorted)`.
/// - `per_image`: one value per image, reduced by `weight_reduce_loss(·, None, reduction,
///   avg_factor)`; otherwise one value for the whole batch. × `loss_weight`.
///
/// `lovasz_grad(g)`: `J = 1 − (G − cumsum g)/(G + cumsum(1 − g))`, `G = Σ g`, differenced
/// (`J[0], J[1] − J[0], …`) — computed in float32 as torch does; the dot product is accumulated in
/// Double and rounded once. The loss does not depend on the order of tied errors (a tie block
/// contributes `e · (J[end] − J[before])`), so any sort gives torch's value; here an LSD radix sort
/// on the error's float bits.
///
/// Where 1.2.2 crashes and trick does what was meant (SPEC §8): a batch (or, with `per_image`, an
/// image) whose pixels are all ignored gives 0 (upstream returns an empty tensor, and per-image
/// stacking then fails); exactly one valid pixel works (upstream `nonzero().squeeze()` drops the
/// pixel axis and indexing fails).
public struct LovaszLossConfig: Sendable {
    public enum Classes: Sendable, Equatable { case present, all, list([Int]) }
    public var binary = false
    public var classes: Classes = .present
    public var perImage = false
    public var reduction: Reduction = .mean
    public var classWeight: [Float]? = nil
    public var lossWeight: Double = 1.0
    public var lossName = "loss_lovasz"
    public init() {}
}

public struct LovaszLoss: SegLoss {
    public let config: LovaszLossConfig

    public init(_ config: LovaszLossConfig) throws {
        if !config.perImage && config.reduction != .none {
            throw CoreError("LovaszLoss: reduction should be 'none' when per_image is False (got '\(config.reduction.rawValue)')")
        }
        self.config = config
    }

    public var lossName: String { config.lossName }

    public func forward(_ pred: Tensor, _ target: Tensor, weight: Tensor?, avgFactor: Double?,
                        reductionOverride: Reduction?, ignoreIndex: Int?) throws -> Tensor {
        let reduction = reductionOverride ?? config.reduction
        guard pred.dtype.isFloatingPoint else {
            throw CoreError("LovaszLoss pred must be float logits, got \(pred.dtype)")
        }
        // Float labels compare by value, as upstream's `labels == c` / `labels != ignore_index`: an
        // integral value is that class; any other value (0.5, NaN) is a valid pixel of no class.
        let labels = target.dtype.isFloatingPoint
            ? target.doubles.map { v in v == v.rounded() && abs(v) < 9.2e18 ? Int64(v) : Int64.min }
            : target.int64s
        let ign = ignoreIndex.map { Int64($0) }
        let n = pred.shape.first ?? 0
        // per_image keeps one value per image: an absurd N is an allocation error, not a trap
        if config.perImage { _ = try Tensor.checkedAllocationCount([n], dtype: .float32) }
        var perImage: [Float] = []
        if config.binary {
            let x = pred.floats
            guard x.count == labels.count, pred.rank >= 1 else {
                throw CoreError("LovaszLoss (binary) needs one logit per label: pred \(Tensor.formatShape(pred.shape)) vs target \(Tensor.formatShape(target.shape))")
            }
            if config.perImage {
                guard target.rank >= 1, target.shape[0] == n else {
                    throw CoreError("LovaszLoss (binary, per_image) target must have \(n) images, got \(Tensor.formatShape(target.shape))")
                }
                let s = n == 0 ? 0 : x.count / n
                for b in 0..<n {
                    perImage.append(try Lovasz.hinge(x[(b * s)..<((b + 1) * s)], labels[(b * s)..<((b + 1) * s)], ignore: ign))
                }
            } else {
                return LossReduce.scale(.scalar(try Lovasz.hinge(x[...], labels[...], ignore: ign)), by: config.lossWeight)
            }
        } else {
            // softmax over dim 1 first (as the module does), then (B, H, W) reads as one class
            guard pred.rank == 4 || pred.rank == 3 else {
                throw CoreError("LovaszLoss (multi_class) pred must be (N, C, H, W) logits, got \(Tensor.formatShape(pred.shape))")
            }
            let p = try pred.softmax(dim: 1).floats
            let c = pred.rank == 4 ? pred.shape[1] : 1
            // upstream's view(-1, C) fails for C = 0; the overflow-checked H·W keeps shapes such as
            // (0, C, 2^32, 2^32), which hold no element, from trapping (and n·s from overflowing)
            guard c > 0 else {
                throw CoreError("LovaszLoss (multi_class) pred has no classes (shape \(Tensor.formatShape(pred.shape)))")
            }
            let s = try Tensor.elementCount(Array(pred.shape.suffix(2)))
            guard labels.count == n * s else {
                throw CoreError("LovaszLoss target must hold one label per pixel of pred \(Tensor.formatShape(pred.shape)), got \(Tensor.formatShape(target.shape))")
            }
            let images = config.perImage ? (0..<n).map { $0..<($0 + 1) } : [0..<n]
            for range in images {
                perImage.append(try Lovasz.softmaxLoss(p, labels, images: range, c: c, s: s, ignore: ign,
                                                       classes: config.classes, classWeight: config.classWeight))
            }
            if !config.perImage { return LossReduce.scale(.scalar(perImage[0]), by: config.lossWeight) }
        }
        let reduced = try LossReduce.weightReduce(perImage, shape: [perImage.count], weight: nil,
                                                  reduction: reduction, avgFactor: avgFactor)
        return LossReduce.scale(reduced, by: config.lossWeight)
    }
}

enum Lovasz {
    /// Lovász-Softmax over the pixels of `images` (`lovasz_softmax_flat(flatten_probs(...))`).
    /// `p` is (N, C, S) probabilities.
    static func softmaxLoss(_ p: [Float], _ labels: [Int64], images: Range<Int>, c: Int, s: Int, ignore: Int64?,
                            classes: LovaszLossConfig.Classes, classWeight: [Float]?) throws -> Float {
        if s == 0 { return 0 }   // no pixel at all (however many images): as an all-ignored batch
        var pixels: [Int] = []   // flat (b, q) indices of the valid pixels, in flatten order
        var offsets: [Int] = []  // where each one's class-0 probability is in p
        pixels.reserveCapacity(images.count * s); offsets.reserveCapacity(images.count * s)
        for b in images {
            for q in 0..<s where labels[b * s + q] != ignore { pixels.append(b * s + q); offsets.append(b * c * s + q) }
        }
        if pixels.isEmpty { return 0 }
        let classList: [Int]
        switch classes {
        case .present, .all: classList = Array(0..<c)
        case .list(let l): classList = l
        }
        var errors = [Float](repeating: 0, count: pixels.count)
        var fg = [Bool](repeating: false, count: pixels.count)
        var losses: [Float] = []
        for cls in classList {
            try Interrupt.check()
            // with C = 1 upstream reads probs[:, 0] whatever the class (fg is still labels == cls)
            guard c == 1 || (cls >= -c && cls < c) else {
                throw CoreError("LovaszLoss: class \(cls) in 'classes' is out of range for \(c) classes")
            }
            let k = c == 1 ? 0 : (cls < 0 ? cls + c : cls)
            var count = 0
            for (j, px) in pixels.enumerated() {
                fg[j] = labels[px] == Int64(cls)
                if fg[j] { count += 1 }
            }
            if case .present = classes, count == 0 { continue }
            if c == 1 {
                let length: Int
                switch classes {
                case .present: length = 7    // len('present'): upstream's check runs on the string
                case .all: length = 3
                case .list(let l): length = l.count
                }
                if length > 1 { throw CoreError("LovaszLoss: Sigmoid output possible only with 1 class") }
            }
            for (j, offset) in offsets.enumerated() {
                errors[j] = abs((fg[j] ? 1 : 0) - p[offset + k * s])
            }
            var loss = lossSorted(errors, fg)
            if let cw = classWeight {
                guard cls >= -cw.count && cls < cw.count else {
                    throw CoreError("LovaszLoss: class_weight has \(cw.count) entries, no weight for class \(cls)")
                }
                loss *= cw[cls < 0 ? cls + cw.count : cls]
            }
            losses.append(loss)
        }
        guard !losses.isEmpty else {
            throw CoreError("LovaszLoss: no class to average (no label in [0, \(c)) among the non-ignored pixels, or an empty 'classes' list)")
        }
        // torch.stack(losses).mean(): float32 mean
        return Float(losses.reduce(0.0) { $0 + Double($1) } / Double(losses.count))
    }

    /// Lovász hinge (`lovasz_hinge_flat(flatten_binary_logits(...))`); labels must be 0/1.
    static func hinge(_ x: ArraySlice<Float>, _ labels: ArraySlice<Int64>, ignore: Int64?) throws -> Float {
        var errors: [Float] = [], fg: [Bool] = []
        errors.reserveCapacity(x.count); fg.reserveCapacity(x.count)
        for (v, y) in zip(x, labels) where y != ignore {
            guard y == 0 || y == 1 else {
                throw CoreError("LovaszLoss (binary) labels must be 0 or 1 (or the ignore index), got \(y == Int64.min ? "a non-integer value" : String(y))")
            }
            errors.append(1 - v * (y == 1 ? 1 : -1))
            fg.append(y == 1)
        }
        if errors.isEmpty { return 0 }
        // relu before sorting: relu is monotone, and errors ≤ 0 meet relu(e) = 0 in the dot product
        for j in errors.indices where errors[j] < 0 { errors[j] = 0 }
        return lossSorted(errors, fg)
    }

    /// `dot(e_sorted, lovasz_grad(fg_sorted))` for errors `e ≥ 0` (or NaN) sorted descending.
    static func lossSorted(_ errors: [Float], _ fg: [Bool]) -> Float {
        let m = errors.count
        if errors.contains(where: { $0.isNaN }) { return .nan }
        // key = float bits (order-preserving for e ≥ 0, < 2^31) << 1 | fg, sorted ascending
        var keys = [UInt32](repeating: 0, count: m)
        var g = 0
        for j in 0..<m {
            keys[j] = (errors[j].bitPattern << 1) | (fg[j] ? 1 : 0)
            if fg[j] { g += 1 }
        }
        RadixSort.sort(&keys)
        let G = Float(g)
        var cumFg: Float = 0, cumBg: Float = 0, previous: Float = 0
        var dot = 0.0
        for j in stride(from: m - 1, through: 0, by: -1) {
            let key = keys[j]
            if key & 1 == 1 { cumFg += 1 } else { cumBg += 1 }
            let jaccard = 1 - (G - cumFg) / (G + cumBg)
            let grad = j == m - 1 ? jaccard : jaccard - previous
            previous = jaccard
            dot += Double(Float(bitPattern: key >> 1)) * Double(grad)
        }
        return Float(dot)
    }
}
