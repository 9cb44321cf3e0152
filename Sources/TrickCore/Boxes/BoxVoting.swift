#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Detectron box voting and Detectron's legacy (+1) NMS, plus vote-count ensembling
/// (affirmative / consensus / unanimous). See reference/boxes-nms-ensembling-assign.md §3, §2.8, §4.5.
public enum BoxVoting {
    public enum Scoring: String, Sendable, CaseIterable {
        case id = "ID", avg = "AVG", iouAvg = "IOU_AVG", generalizedAvg = "GENERALIZED_AVG", quasiSum = "QUASI_SUM", tempAvg = "TEMP_AVG"
    }

    /// Detectron `cython_bbox.bbox_overlaps` (float32) and R-CNN's `boxoverlap.m` (double, used by
    /// the Gidaris voting): +1 widths, a pair counts only when both `iw > 0` and `ih > 0`.
    static func detectronOverlap<T: BinaryFloatingPoint>(_ a: ArraySlice<T>, _ b: ArraySlice<T>) -> T {
        let (a0, a1, a2, a3) = (a[a.startIndex], a[a.startIndex + 1], a[a.startIndex + 2], a[a.startIndex + 3])
        let (b0, b1, b2, b3) = (b[b.startIndex], b[b.startIndex + 1], b[b.startIndex + 2], b[b.startIndex + 3])
        let iw = min(a2, b2) - max(a0, b0) + 1
        guard iw > 0 else { return 0 }
        let ih = min(a3, b3) - max(a1, b1) + 1
        guard ih > 0 else { return 0 }
        let boxArea = (b2 - b0 + 1) * (b3 - b1 + 1)
        let ua = (a2 - a0 + 1) * (a3 - a1 + 1) + boxArea - iw * ih
        return iw * ih / ua
    }

    /// Detectron `box_utils.box_voting(top_dets, all_dets, thresh, scoring_method='ID', beta=1.0)`:
    /// each top detection's box becomes the score-weighted mean of every detection in `all_dets`
    /// with (+1) IoU `>= thresh`; its score is re-computed by `scoring_method`. Rows are `(x1, y1,
    /// x2, y2, score)`; output keeps the order of `top_dets`. Detectron's default thresh is 0.8.
    public static func boxVoting(topDets: [Float], allDets: [Float], thresh: Double, scoring: Scoring = .id, beta: Double = 1) -> [Float] {
        var out = topDets
        let k = topDets.count / 5, n = allDets.count / 5
        let thr = Float(thresh)
        for t in 0..<k {
            var ov: [Double] = [], ws: [Double] = []
            var acc = [Double](repeating: 0, count: 4)
            for j in 0..<n {
                let o = detectronOverlap(topDets[(5 * t)..<(5 * t + 4)], allDets[(5 * j)..<(5 * j + 4)])
                guard o >= thr else { continue }
                let w = Double(allDets[5 * j + 4])
                ov.append(Double(o)); ws.append(w)
                for c in 0..<4 { acc[c] += w * Double(allDets[5 * j + c]) }
            }
            guard !ws.isEmpty else { continue }
            let wsum = ws.reduce(0, +)
            for c in 0..<4 { out[5 * t + c] = Float(acc[c] / wsum) }
            let m = Double(ws.count)
            let score: Double?
            switch scoring {
            case .id: score = nil
            case .avg: score = wsum / m
            case .iouAvg: score = zip(ws, ov).map { $0 * $1 }.reduce(0, +) / ov.reduce(0, +)
            case .generalizedAvg: score = pow(ws.map { pow($0, beta) }.reduce(0, +) / m, 1 / beta)
            case .quasiSum: score = wsum / pow(m, beta)
            case .tempAvg:
                // P = [s; 1-s]; X = log(P / max(P)); softmax over the two rows at temperature beta.
                var total = 0.0
                for s in ws {
                    let p0 = s, p1 = 1 - s, pm = max(p0, p1)
                    let e0 = exp(log(p0 / pm) / beta), e1 = exp(log(p1 / pm) / beta)
                    total += e0 / (e0 + e1)
                }
                score = total / m
            }
            if let s = score { out[5 * t + 4] = Float(s) }
        }
        return out
    }

    /// Detectron `cython_nms.nms(dets, thresh)`: +1 areas, suppression on `IoU >= thresh`, and the
    /// kept indices returned in **ascending index order** (not score order). Order of processing is
    /// by descending score (ties by index).
    public static func detectronNMS(dets: [Float], thresh: Double) -> [Int] {
        let n = dets.count / 5
        let order = NMS.descendingOrder((0..<n).map { dets[5 * $0 + 4] })
        var suppressed = [Bool](repeating: false, count: n)
        let thr = Float(thresh)
        for p in 0..<n {
            let i = order[p]
            if suppressed[i] { continue }
            for q in (p + 1)..<max(n, p + 1) {
                let j = order[q]
                if suppressed[j] { continue }
                let a = dets[(5 * i)..<(5 * i + 4)], b = dets[(5 * j)..<(5 * j + 4)]
                let iw = max(0, min(a[a.startIndex + 2], b[b.startIndex + 2]) - max(a[a.startIndex], b[b.startIndex]) + 1)
                let ih = max(0, min(a[a.startIndex + 3], b[b.startIndex + 3]) - max(a[a.startIndex + 1], b[b.startIndex + 1]) + 1)
                let inter = iw * ih
                let ai = (a[a.startIndex + 2] - a[a.startIndex] + 1) * (a[a.startIndex + 3] - a[a.startIndex + 1] + 1)
                let bj = (b[b.startIndex + 2] - b[b.startIndex] + 1) * (b[b.startIndex + 3] - b[b.startIndex + 1] + 1)
                if inter / (ai + bj - inter) >= thr { suppressed[j] = true }
            }
        }
        return (0..<n).filter { !suppressed[$0] }
    }
}

extension EnsembleBoxes {
    /// How fused clusters are represented in `vote`.
    public enum Fusion: String, Sendable { case wbf, nms }

    /// Vote-count ensembling of several models' (or epochs') detections.
    ///
    /// Boxes are pooled, filtered (`score < skip_box_thr` dropped, as ensemble_boxes), and clustered
    /// per label exactly as WBF does (IoU with the running fused box `> iou_thr`). A cluster's votes
    /// are the number of **distinct models** in it; clusters with fewer than `min_votes` votes are
    /// dropped — 1 is the union ("affirmative"), ⌈M/2⌉ "consensus", M the intersection
    /// ("unanimous"). Survivors are emitted as the WBF fused box and confidence (`fusion = .wbf`,
    /// using `conf_type`), or as the cluster's best box with its weighted score divided by the
    /// largest weight (`fusion = .nms`, i.e. the NMS winner). Finally `score_thr` drops
    /// fused scores `< score_thr`, and rows are sorted by score.
    public static func vote(_ models: [Model], weights: [Double]? = nil, iouThr: Double = 0.55, skipBoxThr: Double = 0,
                            minVotes: Int = 1, fusion: Fusion = .wbf, confType: ConfType = .avg, scoreThr: Double = 0) throws -> Result {
        var messages: [String] = []
        let w = checkWeights(weights, models: models.count, messages: &messages)
        let wsum = numpySum(w), wmax = w.max() ?? 1
        let groups = try prefilter(models, weights: w, thr: skipBoxThr)
        var rows: [(label: Double, conf: Double, box: (Double, Double, Double, Double))] = []
        for (_, records) in groups {
            var clusters: [[Record]] = [], fused: [Record] = []
            for b in sortedByScore(records) {
                var best = -1, bestIoU = -Double.infinity
                for (k, f) in fused.enumerated() {
                    let v = iou(f.box, b.box)
                    if best < 0 || v > bestIoU { best = k; bestIoU = v }
                }
                if best >= 0 && bestIoU > iouThr {
                    clusters[best].append(b)
                    fused[best] = weightedBox(clusters[best], confType: confType)
                } else {
                    clusters.append([b]); fused.append(b)
                }
            }
            for (k, c) in clusters.enumerated() {
                let votes = Set(c.map(\.model)).count
                guard votes >= minVotes else { continue }
                switch fusion {
                case .nms:
                    rows.append((c[0].label, c[0].score / wmax, c[0].box))
                case .wbf:
                    var conf = fused[k].score
                    let n = Double(c.count)
                    switch confType {
                    case .max: conf /= wmax
                    case .avg: conf = conf * Swift.min(Double(w.count), n) / wsum
                    case .boxAndModelAvg:
                        var firstOfModel: [Double: Double] = [:]
                        for r in c where firstOfModel[r.model] == nil { firstOfModel[r.model] = r.weight }
                        conf = conf * n / fused[k].weight * numpySum(firstOfModel.keys.sorted().map { firstOfModel[$0]! }) / wsum
                    case .absentModelAwareAvg:
                        let present = Set(c.map { Int($0.model) })
                        conf = conf * n / (fused[k].weight + numpySum(w.indices.filter { !present.contains($0) }.map { w[$0] }))
                    }
                    rows.append((fused[k].label, conf, fused[k].box))
                }
            }
        }
        var out = Result()
        out.messages = messages
        for i in reverseArgsort(rows.map(\.conf)) where rows[i].conf >= scoreThr {
            let r = rows[i]
            out.boxes += [r.box.0, r.box.1, r.box.2, r.box.3]
            out.scores.append(r.conf)
            out.labels.append(r.label)
        }
        return out
    }
}
