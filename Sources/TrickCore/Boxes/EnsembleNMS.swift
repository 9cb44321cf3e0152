/// `ensemble_boxes` 1.0.9 `nms` / `soft_nms` (`nms_method`): pool every model's boxes, then run
/// hard NMS or soft-NMS per label. See reference/boxes-nms-ensembling-assign.md §4.4.
extension EnsembleBoxes {
    /// `nms_method` method codes: 1 linear soft-NMS, 2 gaussian soft-NMS, 3 hard NMS (any other
    /// value is the hard-threshold branch of the soft-NMS kernel, as ensemble_boxes).
    ///
    /// - With weights of the right length, each model's scores become `score·w_i/Σw` (ensemble_boxes
    ///   also overwrites the caller's score lists with them: the binding does that too).
    /// - Empty models are skipped (1.0.9 crashes on them; fixed upstream later).
    /// - After pooling, coordinates are clipped to [0, 1], corners reordered, zero-area boxes dropped.
    /// - Labels are processed in ascending order (`np.unique`); the output is the concatenation of
    ///   the per-label results, not re-sorted. Soft-NMS returns the *undecayed* (weighted) scores of
    ///   the boxes whose decayed score stays `> thresh`, in selection order.
    public static func nmsMethod(_ models: [Model], method: Int = 3, iouThr: Double = 0.5, sigma: Double = 0.5,
                                 thresh: Double = 0.001, weights: [Double]? = nil) -> Result {
        var out = Result()
        var boxes: [Double] = [], scores: [Double] = [], labels: [Double] = []
        let useWeights = weights.map { $0.count == models.count } ?? false
        if let w = weights, !useWeights {
            out.messages.append("Incorrect number of weights: \(w.count). Must be: \(models.count). Skip it")
        }
        let wsum = weights.map { numpySum($0) } ?? 1
        for (t, m) in models.enumerated() where m.count > 0 {
            boxes += m.boxes
            scores += useWeights ? m.scores.map { ($0 * weights![t]) / wsum } : m.scores
            labels += m.labels
        }
        // prepare_boxes (its stdout warnings count coordinates, then zero-area boxes)
        let below = boxes.filter { $0 < 0 }.count
        if below > 0 { out.messages.append("Warning. Fixed \(below) boxes coordinates < 0") }
        let above = boxes.filter { $0 > 1 }.count
        if above > 0 { out.messages.append("Warning. Fixed \(above) boxes coordinates > 1. Check that your boxes was normalized at [0, 1]") }
        var pb: [Double] = [], ps: [Double] = [], pl: [Double] = []
        var removed = 0
        for i in 0..<scores.count {
            var c = (0..<4).map { k -> Double in
                let v = boxes[4 * i + k]
                return v < 0 ? 0 : (v > 1 ? 1 : v)
            }
            c = [Swift.min(c[0], c[2]), Swift.min(c[1], c[3]), Swift.max(c[0], c[2]), Swift.max(c[1], c[3])]
            let area = (c[2] - c[0]) * (c[3] - c[1])
            if area == 0 { removed += 1 }
            guard area > 0 else { continue }
            pb += c; ps.append(scores[i]); pl.append(labels[i])
        }
        if removed > 0 { out.messages.append("Warning. Removed \(removed) boxes with zero area!") }
        for label in Set(pl).sorted() {
            let members = pl.indices.filter { pl[$0] == label }
            var b: [Double] = []
            for i in members { b += pb[(4 * i)..<(4 * i + 4)] }
            let s = members.map { ps[$0] }
            let keep = method == 3 ? hardNMS(b, s, thresh: iouThr)
                                   : softNMSRun(b, s, nt: iouThr, sigma: sigma, thresh: thresh, method: method)
            for k in keep {
                out.boxes += b[(4 * k)..<(4 * k + 4)]
                out.scores.append(s[k])
                out.labels.append(label)
            }
        }
        return out
    }

    /// `nms_float_fast`: order by `argsort()[::-1]`, keep the first box, drop boxes with `IoU > thresh`.
    static func hardNMS(_ b: [Double], _ s: [Double], thresh: Double) -> [Int] {
        var order = reverseArgsort(s)
        var keep: [Int] = []
        while let i = order.first {
            if trickInterruptRequested != 0 { break }   // Ctrl-C: the caller discards the result
            keep.append(i)
            order = order.dropFirst().filter { j in NMS.pairIoU(b, i, j) <= thresh }
        }
        return keep
    }

    /// `cpu_soft_nms_float`: at step i, swap the first maximum of the remaining scores into place
    /// (only when strictly larger), then decay every later score: linear `1 - IoU` when
    /// `IoU > Nt`, gaussian `exp(-IoU²/sigma)`, otherwise hard `0` when `IoU > Nt`. No box is
    /// discarded during the loop; finally boxes with decayed score `> thresh` are kept.
    static func softNMS(_ boxes: [Double], _ scores: [Double], nt: Double, sigma: Double, thresh: Double, method: Int) -> [Int] {
        let n = scores.count
        var idx = Array(0..<n)
        var sc = scores
        var areas = [Double](repeating: 0, count: n)
        for k in 0..<n {
            let w: Double = boxes[4 * k + 2] - boxes[4 * k]
            let h: Double = boxes[4 * k + 3] - boxes[4 * k + 1]
            areas[k] = w * h
        }
        for i in 0..<n {
            if trickInterruptRequested != 0 { break }   // Ctrl-C: the caller discards the result
            if i != n - 1 {
                var maxpos = i + 1
                for p in (i + 1)..<n where sc[p] > sc[maxpos] { maxpos = p }
                if sc[i] < sc[maxpos] {
                    idx.swapAt(i, maxpos); sc.swapAt(i, maxpos); areas.swapAt(i, maxpos)
                }
            }
            let a = idx[i]
            for p in (i + 1)..<max(n, i + 1) {
                let bIdx = idx[p]
                // ensemble_boxes swaps the x and y roles here; the product is the same.
                let yy: Double = Swift.min(boxes[4 * a + 3], boxes[4 * bIdx + 3]) - Swift.max(boxes[4 * a + 1], boxes[4 * bIdx + 1])
                let xx: Double = Swift.min(boxes[4 * a + 2], boxes[4 * bIdx + 2]) - Swift.max(boxes[4 * a], boxes[4 * bIdx])
                let w: Double = yy > 0 ? yy : 0
                let h: Double = xx > 0 ? xx : 0
                let inter = w * h
                let ovr = inter / (areas[i] + areas[p] - inter)
                let weight: Double
                switch method {
                case 1: weight = ovr > nt ? 1 - ovr : 1
                case 2: weight = Double.exponential(-(ovr * ovr) / sigma)
                default: weight = ovr > nt ? 0 : 1
                }
                sc[p] = weight * sc[p]
            }
        }
        return (0..<n).filter { sc[$0] > thresh }.map { idx[$0] }
    }
}
