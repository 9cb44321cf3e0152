/// MMDetection's VOC-style detection metric: `average_precision` and `eval_map` (`tpfp_default`).
/// See reference/boxes-nms-ensembling-assign.md §7.2.
public enum VOCEval {
    /// `average_precision(recalls, precisions, mode='area'|'11points')`, float32 result as mmdet.
    public static func averagePrecision(recalls: [Double], precisions: [Double], mode: String = "area") -> Float {
        if mode == "11points" {
            var ap: Float = 0
            for k in 0...10 {
                let thr = Double(k) * 0.1   // np.arange(0, 1 + 1e-3, 0.1)
                var best = -Double.infinity
                for (r, p) in zip(recalls, precisions) where r >= thr { best = max(best, p) }
                ap += Float(best == -Double.infinity ? 0 : best)
            }
            return ap / 11
        }
        var mrec = [0.0] + recalls + [1.0]
        var mpre = [0.0] + precisions + [0.0]
        for i in stride(from: mpre.count - 1, to: 0, by: -1) { mpre[i - 1] = max(mpre[i - 1], mpre[i]) }
        var sum = 0.0
        for i in 0..<(mrec.count - 1) where mrec[i + 1] != mrec[i] { sum += (mrec[i + 1] - mrec[i]) * mpre[i + 1] }
        mrec.removeAll()
        return Float(sum)
    }

    /// One image's ground truth: boxes (n×4 flat), labels, and ignored (difficult) boxes.
    public struct Annotation: Sendable {
        public var bboxes: [Float], labels: [Int]
        public var bboxesIgnore: [Float], labelsIgnore: [Int]
        public init(bboxes: [Float], labels: [Int], bboxesIgnore: [Float] = [], labelsIgnore: [Int] = []) {
            self.bboxes = bboxes; self.labels = labels; self.bboxesIgnore = bboxesIgnore; self.labelsIgnore = labelsIgnore
        }
    }

    public struct ClassResult: Sendable {
        public var numGts: Int, numDets: Int
        public var recall: [Double], precision: [Double]
        public var ap: Float
    }

    /// `eval_map(det_results, annotations, iou_thr=0.5, eval_mode='area', use_legacy_coordinate=False)`
    /// without scale ranges. `detResults[image][class]` are k×5 flat `(x1, y1, x2, y2, score)` rows.
    /// Per class and image, detections in descending score take the gt of largest IoU (over all gts,
    /// including ignored ones): an ignored gt gives neither TP nor FP, a free gt a TP, a taken gt
    /// an FP (no fallback to the second-best gt). mAP averages classes with at least one gt.
    public static func evalMap(detResults: [[[Float]]], annotations: [Annotation], iouThr: Double = 0.5,
                               evalMode: String = "area", legacyCoordinate: Bool = false) throws -> (meanAP: Double, results: [ClassResult]) {
        guard detResults.count == annotations.count else {
            throw CoreError("eval_map(): \(detResults.count) images of detections but \(annotations.count) annotations")
        }
        let numClasses = detResults.first?.count ?? 0
        let extra: Float = legacyCoordinate ? 1 : 0
        var results: [ClassResult] = []
        for c in 0..<numClasses {
            var scores: [Float] = [], tp: [Float] = [], fp: [Float] = []
            var numGts = 0
            for (img, ann) in annotations.enumerated() {
                guard detResults[img].count == numClasses else {
                    throw CoreError("eval_map(): image \(img) has \(detResults[img].count) classes of detections, expected \(numClasses)")
                }
                let dets = detResults[img][c]
                var gts: [Float] = [], ignore: [Bool] = []
                for (k, l) in ann.labels.enumerated() where l == c { gts += ann.bboxes[(4 * k)..<(4 * k + 4)]; ignore.append(false) }
                numGts += ignore.count
                for (k, l) in ann.labelsIgnore.enumerated() where l == c { gts += ann.bboxesIgnore[(4 * k)..<(4 * k + 4)]; ignore.append(true) }
                let nd = dets.count / 5, ng = ignore.count
                var t = [Float](repeating: 0, count: nd), f = [Float](repeating: 0, count: nd)
                if ng == 0 {
                    f = [Float](repeating: 1, count: nd)
                } else {
                    var best = [Float](repeating: -1, count: nd), arg = [Int](repeating: 0, count: nd)
                    for i in 0..<nd {
                        for g in 0..<ng {
                            let o = overlap(dets, i, 5, gts, g, extra)
                            if o > best[i] { best[i] = o; arg[i] = g }
                        }
                    }
                    var covered = [Bool](repeating: false, count: ng)
                    for i in NMS.descendingOrder((0..<nd).map { dets[5 * $0 + 4] }) {
                        if best[i] >= Float(iouThr) {   // numpy 1.x compares a float32 scalar in float32
                            let g = arg[i]
                            if !ignore[g] {
                                if !covered[g] { covered[g] = true; t[i] = 1 } else { f[i] = 1 }
                            }
                        } else { f[i] = 1 }
                    }
                }
                for i in 0..<nd { scores.append(dets[5 * i + 4]) }
                tp += t; fp += f
            }
            let order = NMS.descendingOrder(scores)
            var ctp: Float = 0, cfp: Float = 0
            var recall: [Double] = [], precision: [Double] = []
            let eps = Double(Float.ulpOfOne)
            for i in order {
                ctp += tp[i]; cfp += fp[i]
                recall.append(Double(ctp) / max(Double(numGts), eps))
                precision.append(Double(Float(Double(ctp) / Double(max(ctp + cfp, Float.ulpOfOne)))))
            }
            results.append(ClassResult(numGts: numGts, numDets: scores.count, recall: recall, precision: precision,
                                       ap: averagePrecision(recalls: recall, precisions: precision, mode: evalMode)))
        }
        // np.array(aps).mean(): a float32 mean (pairwise sum as numpy)
        let aps = results.filter { $0.numGts > 0 }.map(\.ap)
        if aps.isEmpty { return (0, results) }
        let mean = EnsembleBoxes.numpySum(aps[...]) / Float(aps.count)
        return (Double(mean), results)
    }

    /// mmdet.evaluation `bbox_overlaps` (numpy, float32, `extra_length` 0 or 1) for one pair.
    static func overlap(_ a: [Float], _ i: Int, _ strideA: Int, _ b: [Float], _ j: Int, _ extra: Float) -> Float {
        let p = strideA * i, q = 4 * j
        let area1 = (a[p + 2] - a[p] + extra) * (a[p + 3] - a[p + 1] + extra)
        let area2 = (b[q + 2] - b[q] + extra) * (b[q + 3] - b[q + 1] + extra)
        let w = max(min(a[p + 2], b[q + 2]) - max(a[p], b[q]) + extra, 0)
        let h = max(min(a[p + 3], b[q + 3]) - max(a[p + 1], b[q + 1]) + extra, 0)
        let inter = w * h
        let union = max(area1 + area2 - inter, Float(1e-6))
        return inter / union
    }
}

extension VOCEval {
    /// mmdet.evaluation's numpy `bbox_overlaps(bboxes1, bboxes2, mode='iou'|'iof', eps=1e-6,
    /// use_legacy_coordinate=False)` → float32 (N, M): float32 arithmetic as numpy does it, `+1` on
    /// widths and heights in the legacy coordinate system, the smaller set looped over (which
    /// only decides `iof`'s denominator: the first set's areas), `max(union, eps)`.
    public static func bboxOverlaps(_ a: Tensor, _ b: Tensor, iof: Bool, eps: Double, legacyCoordinate: Bool) throws -> Tensor {
        let n = try BoxArgs.count(a, "bboxes1", function: "bbox_overlaps")
        let m = try BoxArgs.count(b, "bboxes2", function: "bbox_overlaps")
        var out = [Float](repeating: 0, count: n * m)
        if n * m == 0 { return Tensor(shape: [n, m], float32: out) }
        let x = a.floats, y = b.floats
        let extra: Float = legacyCoordinate ? 1 : 0, e = Float(eps)
        func area(_ v: [Float], _ k: Int) -> Float { (v[4 * k + 2] - v[4 * k] + extra) * (v[4 * k + 3] - v[4 * k + 1] + extra) }
        for i in 0..<n {
            let a1 = area(x, i)
            for j in 0..<m {
                let w = max(min(x[4 * i + 2], y[4 * j + 2]) - max(x[4 * i], y[4 * j]) + extra, 0)
                let h = max(min(x[4 * i + 3], y[4 * j + 3]) - max(x[4 * i + 1], y[4 * j + 1]) + extra, 0)
                let inter = w * h
                let union = iof ? a1 : a1 + area(y, j) - inter
                out[i * m + j] = inter / max(union, e)
            }
        }
        return Tensor(shape: [n, m], float32: out)
    }
}
