import Synchronization

/// `ensemble_boxes` 1.0.9 (ZFTurbo): weighted boxes fusion, non-maximum weighted, and the
/// model-pooling `nms` / `soft_nms`. See reference/boxes-nms-ensembling-assign.md §4.
///
/// Arithmetic follows numpy: float64, except where ensemble_boxes builds a float32 array —
/// a fused WBF box (`get_weighted_box` writes into `np.zeros(8, float32)`) and every NMW output
/// row — whose values are rounded to float32 exactly where numpy rounds them.
///
/// Sorting: ensemble_boxes sorts with `argsort()[::-1]`. For small arrays numpy's argsort is
/// stable, so equal scores come out in *reverse* input order; that is the rule used here. (On
/// AVX-512 machines numpy ≥ 1.25 sorts 16+ elements with a sorting network whose tie order is
/// not reproducible; only exactly tied scores are affected.)
public enum EnsembleBoxes {
    /// Predictions of one model: `boxes` is n×4 flat, normalised to [0, 1].
    public struct Model: Sendable {
        public var boxes: [Double]
        public var scores: [Double]
        public var labels: [Double]
        public init(boxes: [Double], scores: [Double], labels: [Double]) {
            self.boxes = boxes; self.scores = scores; self.labels = labels
        }
        public var count: Int { scores.count }
    }

    /// Fused output: boxes K×4 flat, scores, labels (as ensemble_boxes, labels are floats).
    public struct Result: Sendable {
        public var boxes: [Double] = []
        public var scores: [Double] = []
        public var labels: [Double] = []
        /// Lines ensemble_boxes prints to stdout (warnings about weights, clipped or dropped boxes).
        public var messages: [String] = []
        public var count: Int { scores.count }
    }

    public enum ConfType: String, Sendable, CaseIterable {
        case avg, max, boxAndModelAvg = "box_and_model_avg", absentModelAwareAvg = "absent_model_aware_avg"
    }

    /// `argsort()[::-1]`: numpy's argsort (`NumpyArgsort`, its tie order included) reversed.
    static func reverseArgsort(_ v: [Double]) -> [Int] {
        NumpyArgsort.argsort(v).reversed()
    }

    /// numpy's pairwise summation (`np.sum` / `add.reduce`), in the array's own float type.
    static func numpySum<T: BinaryFloatingPoint>(_ a: ArraySlice<T>) -> T {
        let n = a.count, s = a.startIndex
        if n < 8 {
            var r: T = -0.0
            for x in a { r += x }
            return r
        }
        if n <= 128 {
            var r = [T](repeating: 0, count: 8)
            for k in 0..<8 { r[k] = a[s + k] }
            var i = 8
            while i < n - (n % 8) {
                for k in 0..<8 { r[k] += a[s + i + k] }
                i += 8
            }
            var res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
            while i < n { res += a[s + i]; i += 1 }
            return res
        }
        var n2 = n / 2
        n2 -= n2 % 8
        return numpySum(a[s..<(s + n2)]) + numpySum(a[(s + n2)..<(s + n)])
    }
    public static func numpySum(_ a: [Double]) -> Double { numpySum(a[...]) }

    // MARK: prefilter_boxes

    /// One record `[label, score·w, w, model, x1, y1, x2, y2]`.
    struct Record {
        var label: Double, score: Double, weight: Double, model: Double
        var box: (Double, Double, Double, Double)
    }

    /// `prefilter_boxes`: drop `score < thr`, swap reversed corners, clip to [0, 1], drop zero
    /// area; group by `int(label)` in order of first appearance. Each group is then sorted by
    /// weighted score (`sortedByScore`, done by `mapGroups` with the group's other work).
    static func prefilter(_ models: [Model], weights: [Double], thr: Double) throws -> [(label: Int, records: [Record])] {
        var groups: [(label: Int, records: [Record])] = []
        var where_: [Int: Int] = [:]
        // the groups of labels 0 ..< 64 (the usual class ids) without hashing
        var small = [Int](repeating: -1, count: 64)
        for (t, m) in models.enumerated() {
            for j in 0..<m.count {
                let score = m.scores[j]
                if score < thr { continue }
                guard m.labels[j].isFinite, abs(m.labels[j]) < 9e18 else {
                    throw CoreError("labels_list[\(t)][\(j)] is \(m.labels[j]), which is not a valid label")
                }
                let label = Int(m.labels[j].rounded(.towardZero))
                var x1 = m.boxes[4 * j], y1 = m.boxes[4 * j + 1], x2 = m.boxes[4 * j + 2], y2 = m.boxes[4 * j + 3]
                if x2 < x1 { swap(&x1, &x2) }
                if y2 < y1 { swap(&y1, &y2) }
                x1 = clip01(x1); x2 = clip01(x2); y1 = clip01(y1); y2 = clip01(y2)
                if (x2 - x1) * (y2 - y1) == 0 { continue }
                let r = Record(label: Double(label), score: score * weights[t], weight: weights[t], model: Double(t), box: (x1, y1, x2, y2))
                if label >= 0 && label < small.count {
                    if small[label] >= 0 { groups[small[label]].records.append(r); continue }
                    small[label] = groups.count
                } else if let g = where_[label] {
                    groups[g].records.append(r); continue
                } else {
                    where_[label] = groups.count
                }
                groups.append((label, [r]))
            }
        }
        return groups
    }

    /// A label group's records best first, as `prefilter_boxes` leaves them (`argsort()[::-1]` of
    /// the weighted scores).
    static func sortedByScore(_ records: [Record]) -> [Record] {
        reverseArgsort(records.map(\.score)).map { records[$0] }
    }

    /// `body(records)` for every label group of `prefilter` (its records best first: the sort is
    /// part of each group's work), the results in group order. The groups are independent, so large
    /// inputs spread them over the cores (largest first, each thread taking the next unclaimed); the
    /// results do not depend on which thread ran a group.
    static func mapGroups<R>(_ groups: [(label: Int, records: [Record])], _ body: ([Record]) -> R) -> [R] {
        let total = groups.reduce(0) { $0 + $1.records.count }
        let threads = groups.count < 2 ? 1 : Swift.min(groups.count, Parallel.threads(forNanoseconds: Double(total) * groupNanosecondsPerRecord))
        if threads == 1 { return groups.map { body(sortedByScore($0.records)) } }
        let order = groups.indices.sorted { groups[$0].records.count > groups[$1].records.count }
        var results = [R?](repeating: nil, count: groups.count)
        let next = Atomic<Int>(0)
        results.withUnsafeMutableBufferPointer { out in
            Parallel.ranges(threads, threads: threads) { _, _ in
                while true {
                    let k = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    if k >= order.count { break }
                    out[order[k]] = body(sortedByScore(groups[order[k]].records))
                }
            }
        }
        return results.map { $0! }
    }

    /// About the single-thread cost of a record in the fusion loops (WBF at 500–20 000 records a
    /// label measured 140–400 ns), for `mapGroups`' choice of threads.
    static let groupNanosecondsPerRecord = 150.0

    @inline(__always) static func clip01(_ v: Double) -> Double { v < 0 ? 0 : (v > 1 ? 1 : v) }

    @inline(__always) static func iou(_ a: (Double, Double, Double, Double), _ b: (Double, Double, Double, Double)) -> Double {
        let xA = Swift.max(a.0, b.0), yA = Swift.max(a.1, b.1), xB = Swift.min(a.2, b.2), yB = Swift.min(a.3, b.3)
        let inter = Swift.max(xB - xA, 0) * Swift.max(yB - yA, 0)
        let areaA = (a.2 - a.0) * (a.3 - a.1), areaB = (b.2 - b.0) * (b.3 - b.1)
        return inter / (areaA + areaB - inter)
    }

    static func checkWeights(_ weights: [Double]?, models: Int, messages: inout [String]) -> [Double] {
        guard let w = weights else { return [Double](repeating: 1, count: models) }
        guard w.count == models else {
            messages.append("Warning: incorrect number of weights \(w.count). Must be: \(models). Set weights equal to 1.")
            return [Double](repeating: 1, count: models)
        }
        return w
    }

    // MARK: weighted_boxes_fusion

    /// `weighted_boxes_fusion(boxes_list, scores_list, labels_list, weights=None, iou_thr=0.55,
    /// skip_box_thr=0.0, conf_type='avg', allows_overflow=False)`. A weights list of the wrong
    /// length falls back to all ones (ensemble_boxes prints a warning).
    public static func weightedBoxesFusion(_ models: [Model], weights: [Double]? = nil, iouThr: Double = 0.55,
                                           skipBoxThr: Double = 0, confType: ConfType = .avg,
                                           allowsOverflow: Bool = false) throws -> Result {
        try weightedBoxesFusion(models, weights: weights, iouThr: iouThr, skipBoxThr: skipBoxThr, confType: confType,
                                allowsOverflow: allowsOverflow, reference: false)
    }

    /// `reference`: every label group through the reference loop `wbfClusters` (what the tests
    /// compare the indexed loops with).
    static func weightedBoxesFusion(_ models: [Model], weights: [Double]?, iouThr: Double, skipBoxThr: Double, confType: ConfType,
                                    allowsOverflow: Bool, reference: Bool) throws -> Result {
        var messages: [String] = []
        let w = checkWeights(weights, models: models.count, messages: &messages)
        let wsum = numpySum(w), wmax = w.max() ?? 1
        let groups = try prefilter(models, weights: w, thr: skipBoxThr)
        var rows: [(label: Double, conf: Double, box: (Double, Double, Double, Double))] = []
        let modelAware = confType == .boxAndModelAvg || confType == .absentModelAwareAvg
        let fusion = mapGroups(groups) { wbfFusion($0, iouThr: iouThr, confType: confType, members: modelAware, reference: reference) }
        for f in fusion {
            let fused = f.fused
            for k in fused.indices {
                var conf = fused[k].score
                let n = Double(f.counts[k])
                switch confType {
                case .boxAndModelAvg:
                    conf = conf * n / fused[k].weight
                    var firstOfModel: [Double: Double] = [:]
                    for r in f.members[k] where firstOfModel[r.model] == nil { firstOfModel[r.model] = r.weight }
                    let uniqueWeights = firstOfModel.keys.sorted().map { firstOfModel[$0]! }
                    conf = conf * numpySum(uniqueWeights) / wsum
                case .absentModelAwareAvg:
                    let present = Set(f.members[k].map { Int($0.model) })
                    let absent = w.indices.filter { !present.contains($0) }.map { w[$0] }
                    conf = conf * n / (fused[k].weight + numpySum(absent))
                case .max:
                    conf = conf / wmax
                case .avg:
                    conf = allowsOverflow ? conf * n / wsum : conf * Swift.min(Double(w.count), n) / wsum
                }
                rows.append((fused[k].label, conf, fused[k].box))
            }
        }
        var out = Result()
        out.messages = messages
        out.boxes.reserveCapacity(4 * rows.count); out.scores.reserveCapacity(rows.count); out.labels.reserveCapacity(rows.count)
        for i in reverseArgsort(rows.map(\.conf)) {
            let r = rows[i]
            out.boxes.append(r.box.0); out.boxes.append(r.box.1); out.boxes.append(r.box.2); out.boxes.append(r.box.3)
            out.scores.append(r.conf)
            out.labels.append(r.label)
        }
        return out
    }

    /// Records of one label group (`indexedMinimum` and more) take the indexed clustering loops
    /// (below, scanning every cluster costs about as much as the grid's upkeep).
    static let indexedMinimum = 256

    /// WBF's clustering loop: each record (best first) joins the fused box it overlaps most
    /// (`np.argmax`: the first maximum) unless that IoU is `<= iou_thr`, and the fused box is
    /// recomputed; else it starts a cluster. The reference for `wbfClustersIndexed`.
    ///
    /// A NaN IoU (a fused box of a cluster whose scores sum to 0 is 0/0, all NaN) is what
    /// `find_matching_box_fast` does with it: `np.argmax` returns the first NaN, and since
    /// `NaN <= iou_thr` is False the record joins that box.
    static func wbfClusters(_ records: [Record], iouThr: Double, confType: ConfType) -> (clusters: [[Record]], fused: [Record]) {
        var clusters: [[Record]] = []
        var fused: [Record] = []
        for b in records {
            if trickInterruptRequested != 0 { break }   // Ctrl-C: the caller discards the result
            var best = -1, bestIoU = -Double.infinity
            for (k, f) in fused.enumerated() {
                let v = f.label == b.label ? iou(f.box, b.box) : -1
                if v.isNaN { best = k; bestIoU = v; break }   // np.argmax: the first NaN
                if best < 0 || v > bestIoU { best = k; bestIoU = v }   // np.argmax: first maximum
            }
            if best >= 0 && !(bestIoU <= iouThr) {
                clusters[best].append(b)
                fused[best] = weightedBox(clusters[best], confType: confType)
            } else {
                clusters.append([b])
                fused.append(b)
            }
        }
        return (clusters, fused)
    }

    /// `get_weighted_box`: score-weighted mean box, accumulated into a float32 array as numpy does
    /// (each `+=` is computed in float64 and stored as float32).
    static func weightedBox(_ cluster: [Record], confType: ConfType) -> Record {
        var sum = WeightedSum()
        for b in cluster { sum.add(b) }
        return sum.record(label: cluster[0].label, count: cluster.count, confType: confType)
    }

    /// `get_weighted_box`'s running sums: adding a cluster's records in order gives the same
    /// values as `weightedBox` over the whole cluster (the indexed loop adds one record at a time).
    struct WeightedSum {
        var bx: (Float, Float, Float, Float) = (0, 0, 0, 0)
        var conf = 0.0, w = 0.0, maxConf = -Double.infinity

        mutating func add(_ b: Record) {
            bx.0 = Float(Double(bx.0) + b.score * b.box.0)
            bx.1 = Float(Double(bx.1) + b.score * b.box.1)
            bx.2 = Float(Double(bx.2) + b.score * b.box.2)
            bx.3 = Float(Double(bx.3) + b.score * b.box.3)
            conf += b.score
            maxConf = Swift.max(maxConf, b.score)
            w += b.weight
        }

        func record(label: Double, count: Int, confType: ConfType) -> Record {
            let score = confType == .max ? Float(maxConf) : Float(conf / Double(count))
            // `box[4:] /= conf`: a float64 *scalar* does not upcast a float32 array under numpy's
            // value-based casting, so this division is float32.
            let c = Float(conf)
            let box = (Double(bx.0 / c), Double(bx.1 / c), Double(bx.2 / c), Double(bx.3 / c))
            return Record(label: Double(Float(label)), score: Double(score), weight: Double(Float(w)), model: -1, box: box)
        }
    }

    // MARK: non_maximum_weighted

    /// `non_maximum_weighted(boxes_list, scores_list, labels_list, weights=None, iou_thr=0.55,
    /// skip_box_thr=0.0)`: weights are divided by their maximum; each box joins the cluster whose
    /// first (best) box it overlaps most with `IoU > iou_thr`; the fused box is the
    /// `score·IoU(b, best)`-weighted mean; the score is the best box's. Output values are float32.
    public static func nonMaximumWeighted(_ models: [Model], weights: [Double]? = nil, iouThr: Double = 0.55,
                                          skipBoxThr: Double = 0) throws -> Result {
        var messages: [String] = []
        var w = checkWeights(weights, models: models.count, messages: &messages)
        let wmax = w.max() ?? 1
        w = w.map { $0 / wmax }
        let groups = try prefilter(models, weights: w, thr: skipBoxThr)
        var rows: [(label: Float, score: Float, box: (Float, Float, Float, Float))] = []
        let groupClusters = mapGroups(groups) { records in
            records.count >= indexedMinimum ? nmwClustersIndexed(records, iouThr: iouThr) : nmwClusters(records, iouThr: iouThr)
        }
        for clusters in groupClusters {
            for c in clusters {
                let top = c[0]
                var bx: (Float, Float, Float, Float) = (0, 0, 0, 0)
                var conf = 0.0
                for b in c {
                    let weight = b.score * nmwIoU(b.box, top.box)
                    bx.0 = Float(Double(bx.0) + weight * b.box.0)
                    bx.1 = Float(Double(bx.1) + weight * b.box.1)
                    bx.2 = Float(Double(bx.2) + weight * b.box.2)
                    bx.3 = Float(Double(bx.3) + weight * b.box.3)
                    conf += weight
                }
                let c = Float(conf)   // float32 division, as in weightedBox
                rows.append((Float(top.label), Float(top.score), (bx.0 / c, bx.1 / c, bx.2 / c, bx.3 / c)))
            }
        }
        var out = Result()
        out.messages = messages
        for i in reverseArgsort(rows.map { Double($0.score) }) {
            let r = rows[i]
            out.boxes += [Double(r.box.0), Double(r.box.1), Double(r.box.2), Double(r.box.3)]
            out.scores.append(Double(r.score))
            out.labels.append(Double(r.label))
        }
        return out
    }

    /// NMW's clustering loop: each record joins the cluster whose first (best) box it overlaps
    /// most, first such cluster on ties, when that IoU is `> iou_thr`. The reference for
    /// `nmwClustersIndexed`.
    static func nmwClusters(_ records: [Record], iouThr: Double) -> [[Record]] {
        var clusters: [[Record]] = []
        for b in records {
            var best = -1, bestIoU = iouThr
            if trickInterruptRequested != 0 { break }   // Ctrl-C: the caller discards the result
            for (k, c) in clusters.enumerated() where c[0].label == b.label {
                let v = nmwIoU(c[0].box, b.box)
                if v > bestIoU { best = k; bestIoU = v }
            }
            if best >= 0 { clusters[best].append(b) } else { clusters.append([b]) }
        }
        return clusters
    }

    /// NMW's `bb_intersection_over_union` (0 when the boxes do not intersect).
    @inline(__always) static func nmwIoU(_ a: (Double, Double, Double, Double), _ b: (Double, Double, Double, Double)) -> Double {
        let xA = Swift.max(a.0, b.0), yA = Swift.max(a.1, b.1), xB = Swift.min(a.2, b.2), yB = Swift.min(a.3, b.3)
        let inter = Swift.max(0, xB - xA) * Swift.max(0, yB - yA)
        if inter == 0 { return 0 }
        return inter / ((a.2 - a.0) * (a.3 - a.1) + (b.2 - b.0) * (b.3 - b.1) - inter)
    }
}
