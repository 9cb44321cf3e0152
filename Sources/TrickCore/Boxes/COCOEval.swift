/// pycocotools `COCOeval` for boxes (iouType='bbox'): evaluate → accumulate → summarize, giving
/// the 12 `stats` (AP, AP50, AP75, AP_s/m/l, AR1, AR10, AR100, AR_s/m/l). float64 throughout as
/// pycocotools. See reference/boxes-nms-ensembling-assign.md §7.1.
public enum COCOEval {
    public struct Annotation: Sendable {
        public var imageId: Int, categoryId: Int
        /// `[x, y, w, h]`
        public var bbox: (Double, Double, Double, Double)
        public var area: Double
        public var iscrowd: Bool
        /// Detections only.
        public var score: Double
        public init(imageId: Int, categoryId: Int, bbox: (Double, Double, Double, Double), area: Double? = nil, iscrowd: Bool = false, score: Double = 0) {
            self.imageId = imageId; self.categoryId = categoryId; self.bbox = bbox
            self.area = area ?? bbox.2 * bbox.3
            self.iscrowd = iscrowd; self.score = score
        }
    }

    /// `np.linspace(start, stop, num)` exactly as numpy computes it.
    static func linspace(_ start: Double, _ stop: Double, _ num: Int) -> [Double] {
        let step = (stop - start) / Double(num - 1)
        var y = (0..<num).map { Double($0) * step + start }
        y[num - 1] = stop
        return y
    }

    public static let iouThrs = linspace(0.5, 0.95, 10)
    public static let recThrs = linspace(0, 1, 101)
    public static let areaRngs: [(Double, Double)] = [(0, 1e10), (0, 32 * 32), (32 * 32, 96 * 96), (96 * 96, 1e10)]

    /// pycocotools `bbIou` (maskApi.c): for a crowd gt the union is the detection's area.
    static func iou(_ d: (Double, Double, Double, Double), _ g: (Double, Double, Double, Double), crowd: Bool) -> Double {
        let da = d.2 * d.3, ga = g.2 * g.3
        let w = min(d.2 + d.0, g.2 + g.0) - max(d.0, g.0)
        if w <= 0 { return 0 }
        let h = min(d.3 + d.1, g.3 + g.1) - max(d.1, g.1)
        if h <= 0 { return 0 }
        let i = w * h
        return i / (crowd ? da : da + ga - i)
    }

    /// Per-image result of `evaluateImg` for one (category, area range), before maxDet truncation.
    struct ImageEval {
        var dtScores: [Double]
        var dtMatched: [[Bool]]   // [t][d]
        var dtIgnore: [[Bool]]    // [t][d]
        var gtIgnore: [Bool]
    }

    /// Runs the evaluation; `imageIds` defaults to every image named by a gt or a detection,
    /// `categoryIds` to the gts' categories. Returns `stats` (−1 where undefined, as pycocotools).
    public static func evaluate(gts: [Annotation], dets: [Annotation], imageIds: [Int]? = nil, categoryIds: [Int]? = nil,
                                maxDets: [Int] = [1, 10, 100]) -> [Double] {
        if maxDets.isEmpty { return [Double](repeating: -1, count: 12) }
        let imgs = imageIds ?? Array(Set(gts.map(\.imageId) + dets.map(\.imageId))).sorted()
        let cats = categoryIds ?? Array(Set(gts.map(\.categoryId))).sorted()
        let catSet = Set(cats), imgSet = Set(imgs)
        var gtBy: [[Int]: [Annotation]] = [:], dtBy: [[Int]: [Annotation]] = [:]
        for g in gts where catSet.contains(g.categoryId) && imgSet.contains(g.imageId) { gtBy[[g.imageId, g.categoryId], default: []].append(g) }
        for d in dets where catSet.contains(d.categoryId) && imgSet.contains(d.imageId) { dtBy[[d.imageId, d.categoryId], default: []].append(d) }
        let T = iouThrs.count, R = recThrs.count, K = cats.count, A = areaRngs.count, M = maxDets.count
        let maxDetAll = maxDets.last ?? 100
        // evalImgs[k][a][i]
        var evals = [[[ImageEval?]]](repeating: [[ImageEval?]](repeating: [], count: A), count: K)
        for (k, c) in cats.enumerated() {
            if trickInterruptRequested != 0 { break }   // Ctrl-C: the caller discards the result
            for img in imgs {
                let gt = gtBy[[img, c]] ?? [], dtAll = dtBy[[img, c]] ?? []
                // dt sorted by score (mergesort: stable), truncated to the largest maxDet
                let dOrder = dtAll.indices.sorted { dtAll[$0].score > dtAll[$1].score || (dtAll[$0].score == dtAll[$1].score && $0 < $1) }
                let dt = dOrder.prefix(maxDetAll).map { dtAll[$0] }
                for (a, rng) in areaRngs.enumerated() {
                    if gt.isEmpty && dt.isEmpty { evals[k][a].append(nil); continue }
                    let ignoreRaw = gt.map { $0.iscrowd || $0.area < rng.0 || $0.area > rng.1 }
                    let gOrder = gt.indices.sorted { (ignoreRaw[$0] ? 1 : 0, $0) < (ignoreRaw[$1] ? 1 : 0, $1) }
                    let g = gOrder.map { gt[$0] }, gIg = gOrder.map { ignoreRaw[$0] }
                    var gtm = [[Bool]](repeating: [Bool](repeating: false, count: g.count), count: T)
                    var dtm = [[Bool]](repeating: [Bool](repeating: false, count: dt.count), count: T)
                    var dtIg = dtm
                    if !g.isEmpty && !dt.isEmpty {
                        let ious = dt.map { d in g.map { iou(d.bbox, $0.bbox, crowd: $0.iscrowd) } }
                        for t in 0..<T {
                            for di in 0..<dt.count {
                                var best = min(iouThrs[t], 1 - 1e-10), m = -1
                                for gi in 0..<g.count {
                                    if gtm[t][gi] && !g[gi].iscrowd { continue }
                                    if m > -1 && !gIg[m] && gIg[gi] { break }
                                    if ious[di][gi] < best { continue }
                                    best = ious[di][gi]; m = gi
                                }
                                if m == -1 { continue }
                                dtIg[t][di] = gIg[m]; dtm[t][di] = true; gtm[t][m] = true
                            }
                        }
                    }
                    for t in 0..<T {
                        for di in 0..<dt.count where !dtm[t][di] && (dt[di].area < rng.0 || dt[di].area > rng.1) { dtIg[t][di] = true }
                    }
                    evals[k][a].append(ImageEval(dtScores: dt.map(\.score), dtMatched: dtm, dtIgnore: dtIg, gtIgnore: gIg))
                }
            }
        }
        // accumulate: precision[t][r][k][a][m], recall[t][k][a][m]
        var precision = [Double](repeating: -1, count: T * R * K * A * M)
        var recall = [Double](repeating: -1, count: T * K * A * M)
        func pIdx(_ t: Int, _ r: Int, _ k: Int, _ a: Int, _ m: Int) -> Int { (((t * R + r) * K + k) * A + a) * M + m }
        func rIdx(_ t: Int, _ k: Int, _ a: Int, _ m: Int) -> Int { ((t * K + k) * A + a) * M + m }
        for k in 0..<K {
            for a in 0..<A {
                let E = evals[k][a].compactMap { $0 }
                let npig = E.reduce(0) { $0 + $1.gtIgnore.filter { !$0 }.count }
                if npig == 0 { continue }
                for (mi, maxDet) in maxDets.enumerated() {
                    var scores: [Double] = [], matched: [[Bool]] = Array(repeating: [], count: T), ign: [[Bool]] = Array(repeating: [], count: T)
                    for e in E {
                        let n = min(maxDet, e.dtScores.count)
                        scores += e.dtScores[..<n]
                        for t in 0..<T { matched[t] += e.dtMatched[t][..<n]; ign[t] += e.dtIgnore[t][..<n] }
                    }
                    let order = scores.indices.sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
                    for t in 0..<T {
                        var tp = 0.0, fp = 0.0
                        var rc: [Double] = [], pr: [Double] = []
                        for i in order {
                            // ignored detections count as neither TP nor FP but keep their row
                            if !ign[t][i] { if matched[t][i] { tp += 1 } else { fp += 1 } }
                            rc.append(tp / Double(npig)); pr.append(tp / (fp + tp + 2.220446049250313e-16))   // np.spacing(1)
                        }
                        recall[rIdx(t, k, a, mi)] = rc.last ?? 0
                        if pr.count > 1 { for i in stride(from: pr.count - 1, to: 0, by: -1) where pr[i] > pr[i - 1] { pr[i - 1] = pr[i] } }
                        for (ri, r) in recThrs.enumerated() {
                            // np.searchsorted(rc, r, side='left'); past the end the rest stay 0
                            var lo = 0, hi = rc.count
                            while lo < hi { let mid = (lo + hi) / 2; if rc[mid] < r { lo = mid + 1 } else { hi = mid } }
                            if lo >= pr.count { for rj in ri..<R { precision[pIdx(t, rj, k, a, mi)] = 0 }; break }
                            precision[pIdx(t, ri, k, a, mi)] = pr[lo]
                        }
                    }
                }
            }
        }
        // summarize
        func summarize(ap: Bool, iouThr: Double? = nil, area: Int = 0, maxDet: Int = 100) -> Double {
            guard let m = maxDets.firstIndex(of: maxDet) else { return -1 }
            let ts = iouThr.map { thr in iouThrs.indices.filter { iouThrs[$0] == thr } } ?? Array(0..<T)
            var vals: [Double] = []
            for t in ts {
                if ap {
                    for r in 0..<R { for k in 0..<K { let v = precision[pIdx(t, r, k, area, m)]; if v > -1 { vals.append(v) } } }
                } else {
                    for k in 0..<K { let v = recall[rIdx(t, k, area, m)]; if v > -1 { vals.append(v) } }
                }
            }
            return vals.isEmpty ? -1 : EnsembleBoxes.numpySum(vals[...]) / Double(vals.count)
        }
        let m2 = maxDets.count > 2 ? maxDets[2] : maxDetAll
        return [summarize(ap: true, maxDet: m2), summarize(ap: true, iouThr: 0.5, maxDet: m2), summarize(ap: true, iouThr: 0.75, maxDet: m2),
                summarize(ap: true, area: 1, maxDet: m2), summarize(ap: true, area: 2, maxDet: m2), summarize(ap: true, area: 3, maxDet: m2),
                summarize(ap: false, maxDet: maxDets[0]), summarize(ap: false, maxDet: maxDets.count > 1 ? maxDets[1] : maxDetAll),
                summarize(ap: false, maxDet: m2),
                summarize(ap: false, area: 1, maxDet: m2), summarize(ap: false, area: 2, maxDet: m2), summarize(ap: false, area: 3, maxDet: m2)]
    }
}
