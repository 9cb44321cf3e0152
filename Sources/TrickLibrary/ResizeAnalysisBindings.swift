import TrickCore
import TrickLang

/// Trick 6 analysis helpers: `size_distribution`, TTA merges, sliding-window inference.
extension ResizeBindings {
    static func hw(_ v: Value, _ what: String) throws -> (h: Int, w: Int) {
        let s = try Convert.ints(v, what: what)
        guard s.count == 1 || s.count >= 2 else { throw RuntimeError("\(what) must be (h, w)", kind: "ValueError") }
        return s.count == 1 ? (s[0], s[0]) : (s[0], s[1])
    }

    static func tensors(_ v: Value, _ what: String) throws -> [Tensor] {
        switch v {
        case .list(let l): return try l.items.map { try Convert.tensor($0) }
        case .tuple(let t): return try t.map { try Convert.tensor($0) }
        case .tensor(let ref): return [ref.tensor]
        default: throw RuntimeError("\(what) must be a list of tensors, got \(v.typeName)", kind: "TypeError")
        }
    }

    static func items(_ v: Value) -> [Value] {
        switch v {
        case .list(let l): return l.items
        case .tuple(let t): return t
        default: return [v]
        }
    }

    /// Per-view flip directions from `flips` (bools or direction strings / None) and `flip_directions`.
    static func flipList(_ flips: Value, _ dirs: Value, count: Int) throws -> [ImFlip.Direction?] {
        if flips.isNone { return [ImFlip.Direction?](repeating: nil, count: count) }
        let f = items(flips), d = dirs.isNone ? [] : items(dirs)
        guard f.count == count else { throw RuntimeError("flips has \(f.count) entries for \(count) views", kind: "ValueError") }
        return try f.enumerated().map { i, v in
            switch v {
            case .none: return nil
            case .str(let s): return try ImFlip.Direction(name: s)
            default:
                guard try v.truthy() else { return nil }
                if i < d.count, case .str(let s) = d[i] { return try ImFlip.Direction(name: s) }
                return .horizontal
            }
        }
    }

    static func registerAnalysis(_ lib: Library) {
        lib.function("size_distribution(pipeline, image_size, n=10000)",
                     doc: "Sizes (w, h) a multi-scale Resize / RandomResize / RandomChoiceResize / MultiScaleFlipAug (or a pipeline holding one) gives an image of image_size=(w, h): exact enumeration of the sampler's equally likely draws, or n samples for ratio_range.") { a in
            let t: ResultsTransform
            switch a["pipeline"] {
            case .list, .tuple: t = Compose(try transformList(lib, a["pipeline"], "size_distribution"))
            default: t = try transform(lib, a["pipeline"], "size_distribution")
            }
            let s = try pair(a["image_size"], "image_size", allowScalar: false)
            let o = try SizeDistribution.of(t, imageSize: (Int(s[0]), Int(s[1])), samples: try a.int("n"))
            let sorted = o.counts.sorted { ($0.h, $0.w) < ($1.h, $1.w) }
            func area(_ x: (w: Int, h: Int, count: Int)) -> (Int, Int) { (x.w * x.h, x.h) }
            let mn = sorted.min { area($0) < area($1) }!, mx = sorted.max { area($0) < area($1) }!
            let counts = DictRef()
            for x in sorted { counts[.tuple([.int(x.w), .int(x.h)])] = .int(x.count) }
            let total = Double(o.total)
            return .dict([
                ("exact", .bool(o.exact)), ("draws", .int(o.total)), ("distinct", .int(sorted.count)),
                ("min", .tuple([.int(mn.w), .int(mn.h)])), ("max", .tuple([.int(mx.w), .int(mx.h)])),
                ("p_min", .float(Double(mn.count) / total)), ("p_max", .float(Double(mx.count) / total)),
                ("widths", .tuple([.int(sorted.map(\.w).min()!), .int(sorted.map(\.w).max()!)])),
                ("heights", .tuple([.int(sorted.map(\.h).min()!), .int(sorted.map(\.h).max()!)])),
                ("distinct_widths", .int(Set(sorted.map(\.w)).count)), ("distinct_heights", .int(Set(sorted.map(\.h)).count)),
                ("counts", .dict(counts)),
            ])
        }

        lib.function("seg_tta_merge(seg_logits, ori_shape, flips=None, flip_directions=None, img_shapes=None, align_corners=False, threshold=0.3, version='1.x')",
                     doc: "MMSegmentation TTA merge: per view crop padding (img_shapes), un-flip, bilinear resize to ori_shape=(h, w), softmax (sigmoid for 1 class), average; returns (probs (C, H, W), pred (H, W)). A one-class (binary) model gets the sigmoid twice, as mmseg 1.x's SegTTAModel does (its seg_logits are already sigmoid probabilities); version='0.x' applies it once.") { a in
            let logits = try tensors(a["seg_logits"], "seg_logits")
            let flips = try flipList(a["flips"], a["flip_directions"], count: logits.count)
            let shapes: [(h: Int, w: Int)]? = a.has("img_shapes") ? try items(a["img_shapes"]).map { try hw($0, "img_shapes") } : nil
            let (p, pred) = try TTA.segMerge(logits: logits, flips: flips, imgShapes: shapes, oriShape: try hw(a["ori_shape"], "ori_shape"),
                                             alignCorners: try a.bool("align_corners"), threshold: try a.double("threshold"),
                                             doubleSigmoid: try a.choice("version", ["1.x", "0.x"]) == "1.x")
            return .tuple([.tensor(p), .tensor(pred)])
        }

        lib.function("det_tta_merge(bboxes, scores, labels, img_shapes, scale_factors, flips=None, flip_directions=None, iou_threshold=0.5, max_per_img=100, merge='concat', nms=True)",
                     doc: "MMDetection TTA merge: per view un-flip in the augmented img_shape and divide by scale_factor (bbox_mapping_back), then concatenate (dense heads, RPN, mmdet 3.x) or average ('mean', two-stage aug_test), then per-class NMS; returns (bboxes, scores, labels).") { a in
            let boxes = try tensors(a["bboxes"], "bboxes"), scores = try tensors(a["scores"], "scores"), labels = try tensors(a["labels"], "labels")
            let n = boxes.count
            guard scores.count == n, labels.count == n, n > 0 else {
                throw RuntimeError("det_tta_merge: bboxes, scores and labels must be lists of the same non-zero length (got \(n), \(scores.count), \(labels.count))", kind: "ValueError")
            }
            let shapes = try items(a["img_shapes"]).map { try hw($0, "img_shapes") }
            let sfs = try items(a["scale_factors"]).map { v -> (Double, Double) in
                let x = try numbers(v, "scale_factors")
                guard !x.isEmpty, x.allSatisfy({ $0 > 0 }) else { throw RuntimeError("scale_factors must be positive", kind: "ValueError") }
                return (x[0], x.count > 1 ? x[1] : x[0])
            }
            guard shapes.count == n, sfs.count == n else { throw RuntimeError("det_tta_merge: img_shapes and scale_factors need one entry per view (\(n))", kind: "ValueError") }
            let flips = try flipList(a["flips"], a["flip_directions"], count: n)
            var allB: [[Double]] = [], allS: [[Double]] = [], allL: [[Int]] = []
            for i in 0..<n {
                let b = boxes[i].count == 0 ? try boxes[i].reshaped([0, 4]) : boxes[i]
                guard b.rank == 2, b.shape[1] == 4 else { throw RuntimeError("det_tta_merge: view \(i) boxes must be (N, 4), got \(Tensor.formatShape(boxes[i].shape))", kind: "ValueError") }
                guard scores[i].count == b.shape[0], labels[i].count == b.shape[0] else {
                    throw RuntimeError("det_tta_merge: view \(i) has \(b.shape[0]) boxes, \(scores[i].count) scores, \(labels[i].count) labels", kind: "ValueError")
                }
                allB.append(TTA.mapBack(b.doubles, imgShape: shapes[i], scaleFactor: sfs[i], flip: flips[i]))
                allS.append(scores[i].doubles); allL.append(labels[i].int64s.map { Int($0) })
            }
            var B: [Double], S: [Double], L: [Int]
            if try a.choice("merge", ["concat", "mean"]) == "mean" {
                guard allB.allSatisfy({ $0.count == allB[0].count }) else { throw RuntimeError("det_tta_merge: merge='mean' needs the same number of boxes in every view", kind: "ValueError") }
                B = (0..<allB[0].count).map { j in allB.map { $0[j] }.reduce(0, +) / Double(n) }
                S = (0..<allS[0].count).map { j in allS.map { $0[j] }.reduce(0, +) / Double(n) }
                L = allL[0]
            } else {
                B = allB.flatMap { $0 }; S = allS.flatMap { $0 }; L = allL.flatMap { $0 }
            }
            var keep = Array(S.indices)
            if try a.bool("nms") {
                keep = TTA.batchedNMS(boxes: B, scores: S, labels: L, iouThreshold: try a.double("iou_threshold"))
                let m = try a.int("max_per_img")
                if m >= 0 && keep.count > m { keep = Array(keep.prefix(m)) }
            }
            return .tuple([.tensor(Tensor(shape: [keep.count, 4], float64: keep.flatMap { Array(B[4 * $0..<4 * $0 + 4]) }).cast(to: .float32)),
                           .tensor(Tensor(shape: [keep.count], float64: keep.map { S[$0] }).cast(to: .float32)),
                           .tensor(Tensor(shape: [keep.count], int64: keep.map { Int64(L[$0]) }))])
        }

        lib.function("slide_windows(img_shape, crop_size, stride)",
                     doc: "MMSegmentation slide_inference windows (y1, y2, x1, x2) for an image (h, w), crop_size and stride (h, w).") { a in
            let s = try hw(a["img_shape"], "img_shape")
            let w = try TTA.slideWindows(h: s.h, w: s.w, crop: try hw(a["crop_size"], "crop_size"), stride: try hw(a["stride"], "stride"))
            return .list(w.map { .tuple([.int($0.0), .int($0.1), .int($0.2), .int($0.3)]) })
        }

        lib.function("slide_count(img_shape, crop_size, stride)", doc: "count_mat of slide_inference: windows covering each pixel (H, W).") { a in
            let s = try hw(a["img_shape"], "img_shape")
            let w = try TTA.slideWindows(h: s.h, w: s.w, crop: try hw(a["crop_size"], "crop_size"), stride: try hw(a["stride"], "stride"))
            return .tensor(Tensor(shape: [s.h, s.w], int64: TTA.countMap(h: s.h, w: s.w, windows: w)))
        }

        lib.function("slide_merge(crop_logits, windows, img_shape)",
                     doc: "slide_inference merge: each window's logits (C, h, w) summed into place and divided by the count map.") { a in
            let s = try hw(a["img_shape"], "img_shape")
            let w = try items(a["windows"]).map { v -> (Int, Int, Int, Int) in
                let x = try Convert.ints(v, what: "windows")
                guard x.count == 4 else { throw RuntimeError("each window must be (y1, y2, x1, x2)", kind: "ValueError") }
                return (x[0], x[1], x[2], x[3])
            }
            return .tensor(try TTA.slideMerge(crops: try tensors(a["crop_logits"], "crop_logits"), windows: w, h: s.h, w: s.w))
        }
    }
}
