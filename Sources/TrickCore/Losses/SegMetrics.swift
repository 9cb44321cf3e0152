/// Segmentation metrics as MMSegmentation 1.x `IoUMetric` (`mmseg/evaluation/metrics/iou_metric.py`;
/// reference/losses-ohem-pixel.md §9).
public enum SegMetrics {
    /// Per-class areas of one image (or summed over a dataset).
    public struct Areas: Sendable {
        public var intersect: [Double], union: [Double], predLabel: [Double], label: [Double]
        public init(numClasses c: Int) {
            intersect = .init(repeating: 0, count: c); union = intersect; predLabel = intersect; label = intersect
        }
        public static func + (a: Areas, b: Areas) -> Areas {
            var r = a
            for i in r.intersect.indices {
                r.intersect[i] += b.intersect[i]; r.union[i] += b.union[i]
                r.predLabel[i] += b.predLabel[i]; r.label[i] += b.label[i]
            }
            return r
        }
    }

    /// `intersect_and_union(pred_label, label, num_classes, ignore_index)`: pixels whose ground truth
    /// is `ignore_index` are removed; the histograms count values in `[0, C)` only (values outside are
    /// dropped, as `torch.histc` with bins C over [0, C−1]); `union = pred + label − intersect`.
    public static func intersectAndUnion(pred: [Int64], label: [Int64], numClasses c: Int, ignoreIndex: Int64) throws -> Areas {
        guard pred.count == label.count else {
            throw CoreError("pred_label has \(pred.count) pixels but label has \(label.count)")
        }
        var a = Areas(numClasses: c)
        for (p, l) in zip(pred, label) where l != ignoreIndex {
            if p >= 0 && p < Int64(c) { a.predLabel[Int(p)] += 1 }
            if l >= 0 && l < Int64(c) { a.label[Int(l)] += 1 }
            if p == l && p >= 0 && p < Int64(c) { a.intersect[Int(p)] += 1 }
        }
        for i in 0..<c { a.union[i] = a.predLabel[i] + a.label[i] - a.intersect[i] }
        return a
    }

    /// `total_area_to_metrics`: `aAcc = ΣI/ΣLb`, and per class `IoU = I/U`, `Acc = I/Lb`,
    /// `Dice = 2I/(Pd+Lb)`, `Precision = I/Pd`, `Recall = I/Lb`, `Fscore = (1+β²)PR/(β²P+R)`
    /// (0/0 = NaN; `nanToNum` replaces NaN in the per-class arrays). Returns fractions.
    public static func metrics(_ a: Areas, metrics names: [String], nanToNum: Double? = nil, beta: Double = 1) throws -> [(String, [Double])] {
        func div(_ x: [Double], _ y: [Double]) -> [Double] { zip(x, y).map { $0 / $1 } }
        var out: [(String, [Double])] = [("aAcc", [a.intersect.reduce(0, +) / a.label.reduce(0, +)])]
        for m in names {
            switch m {
            case "mIoU":
                out.append(("IoU", div(a.intersect, a.union)))
                out.append(("Acc", div(a.intersect, a.label)))
            case "mDice":
                out.append(("Dice", zip(a.intersect, zip(a.predLabel, a.label)).map { 2 * $0 / ($1.0 + $1.1) }))
                out.append(("Acc", div(a.intersect, a.label)))
            case "mFscore":
                let p = div(a.intersect, a.predLabel), r = div(a.intersect, a.label)
                let b2 = beta * beta
                out.append(("Fscore", zip(p, r).map { (1 + b2) * $0 * $1 / (b2 * $0 + $1) }))
                out.append(("Precision", p))
                out.append(("Recall", r))
            default:
                throw CoreError("metrics \(m) is not supported (use 'mIoU', 'mDice', 'mFscore')")
            }
        }
        if let v = nanToNum { out = out.map { ($0.0, $0.1.map { $0.isNaN ? v : $0 }) } }
        // a metric listed twice (Acc for mIoU and mDice) keeps its first position, as a dict would
        var seen = Set<String>()
        return out.filter { seen.insert($0.0).inserted }
    }

    /// IoUMetric.compute_metrics summary: `aAcc` and `m<Metric>` = `round(nanmean(x)·100, 2)`.
    public static func summary(_ perClass: [(String, [Double])]) -> [(String, Double)] {
        func round2(_ x: Double) -> Double { (x * 100 * 100).rounded(.toNearestOrEven) / 100 }
        return perClass.map { name, v in
            if name == "aAcc" { return ("aAcc", round2(v[0])) }
            let finite = v.filter { !$0.isNaN }
            let mean = finite.isEmpty ? Double.nan : finite.reduce(0, +) / Double(finite.count)
            return ("m" + name, round2(mean))
        }
    }
}
