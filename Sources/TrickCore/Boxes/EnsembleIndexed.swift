/// The clustering loops of `weighted_boxes_fusion` and `non_maximum_weighted` with a spatial
/// index: the same clusters, in the same order, as `wbfClusters` / `nmwClusters`, testing only
/// the fused (or first) boxes the index returns for the record — those whose IoU can reach
/// `iou_thr` (`IoUWindowIndex`), or, when its preconditions fail, those that meet the record
/// (`BoxGrid`, margin 0).
///
/// Why it is exact: a box is joined only when its IoU is `> iou_thr`, and it is the first maximum
/// over every box (`np.argmax`), so when some box passes, the first maximum is among the boxes
/// whose IoU reaches `iou_thr` — every one the index returns — and when none passes, the record
/// starts a cluster whichever box wins. The window returns every box whose IoU (computed as
/// `iou` / `nmwIoU` compute it: the Soft-NMS kernels' arithmetic, offset 0) can reach `iou_thr`
/// for `1e-6 ≤ iou_thr ≤ 1`, given coordinates below a bound and normal positive areas: the
/// records are finite and in [0, 1] after `prefilter` (their areas are checked), and a fused WBF
/// box is a float32 weighted mean of its records' coordinates — within [0, 2] and with a normal
/// or zero area (float32 coordinates) when every score is in [1e-30, 1e30] (the sums then neither
/// overflow nor vanish) and there are fewer than 2²² records (the float32 accumulation cannot
/// drift past 2). Otherwise (for `iou_thr ≥ 0`) the grid: for a box the record does not meet
/// (`xB ≤ xA` or `yB ≤ yA`), `inter` is 0 and the IoU is ±0 (never NaN: WBF takes the index only
/// when its fused boxes are bounded, NMW's boxes are records), so it can neither be joined nor win
/// over a box that is joined. Other
/// thresholds, NaN record coordinates and a label float32 cannot hold (the fused label is rounded
/// to float32 and then never equals the record's) take the reference loops.
extension EnsembleBoxes {
    static func indexable(_ records: [Record], iouThr: Double) -> Bool {
        guard iouThr >= 0, let label = records.first?.label, Double(Float(label)) == label else { return false }
        for r in records {
            guard r.label == label, r.box.0.isFinite, r.box.1.isFinite, r.box.2.isFinite, r.box.3.isFinite else { return false }
        }
        return true
    }

    /// The index of the loops' boxes (ids: cluster numbers), empty: an `IoUWindowIndex` for
    /// `iouThr` when its preconditions hold (`fusing`: the registered boxes are WBF's fused boxes,
    /// see above), else a `BoxGrid`.
    static func index(for records: [Record], iouThr: Double, fusing: Bool) -> BoxCandidateIndex {
        var flat = [Double](repeating: 0, count: 4 * records.count)
        for (k, r) in records.enumerated() {
            flat[4 * k] = r.box.0; flat[4 * k + 1] = r.box.1; flat[4 * k + 2] = r.box.2; flat[4 * k + 3] = r.box.3
        }
        let bounded = !fusing || fusedBoxesBounded(records)
        return flat.withUnsafeBufferPointer { b in
            makeCandidateIndex(b, ids: [], window: bounded, tau: iouThr, offset: 0, unitRoundoff: 0x1p-53, minimumArea: 1e-290,
                               margin: 0, bound: 2)
        }
    }

    /// Whether every fused WBF box of `records` stays finite, within [0, 2] and with a normal or
    /// zero area (see above): every score in [1e-30, 1e30] and fewer than 2²² records. Then no IoU
    /// with a record is NaN.
    static func fusedBoxesBounded(_ records: [Record]) -> Bool {
        records.count < 1 << 22 && records.allSatisfy { $0.score >= 1e-30 && $0.score <= 1e30 }
    }

    /// `wbfClusters` through the index, when the fused boxes are bounded (other scores — a cluster
    /// of zero scores fuses to a NaN box, which `np.argmax` makes every later record of the label
    /// join — take the reference loop). The first fused box is always tested: `np.argmax` starts
    /// there. A fused box is re-registered when a record joins it; its running sums
    /// (`WeightedSum`) replace the reference's recomputation over the whole cluster with the same
    /// values.
    static func wbfClustersIndexed(_ records: [Record], iouThr: Double, confType: ConfType) -> (clusters: [[Record]], fused: [Record]) {
        guard indexable(records, iouThr: iouThr), fusedBoxesBounded(records) else {
            return wbfClusters(records, iouThr: iouThr, confType: confType)
        }
        let grid = index(for: records, iouThr: iouThr, fusing: true)
        var clusters: [[Record]] = []
        var fused: [Record] = []
        var sums: [WeightedSum] = []
        for b in records {
            if trickInterruptRequested != 0 { break }   // Ctrl-C: the caller discards the result
            var best = -1, bestIoU = -Double.infinity
            if !fused.isEmpty {
                best = 0
                bestIoU = iou(fused[0].box, b.box)
                grid.forEachCandidate(b.box.0, b.box.1, b.box.2, b.box.3) { k in
                    let v = iou(fused[k].box, b.box)
                    if v > bestIoU || (v == bestIoU && k < best) { best = k; bestIoU = v }
                }
            }
            if best >= 0 && bestIoU > iouThr {
                clusters[best].append(b)
                sums[best].add(b)
                let old = fused[best].box
                grid.remove(best, old.0, old.1, old.2, old.3)
                let f = sums[best].record(label: clusters[best][0].label, count: clusters[best].count, confType: confType)
                fused[best] = f
                grid.insert(best, f.box.0, f.box.1, f.box.2, f.box.3)
            } else {
                grid.insert(fused.count, b.box.0, b.box.1, b.box.2, b.box.3)
                clusters.append([b])
                fused.append(b)
                var s = WeightedSum()
                s.add(b)
                sums.append(s)
            }
        }
        return (clusters, fused)
    }

    /// WBF's clusters as the loops above decide them, for `weightedBoxesFusion`: each cluster's
    /// size and fused box, and its records (in order) only when `members` is set (the conf types
    /// that look at the models of a cluster).
    struct FusedGroup {
        var counts: [Int] = []
        var fused: [Record] = []
        var members: [[Record]] = []
    }

    /// The clusters of one label group: `wbfClustersFlat` when it takes the records, else
    /// `wbfClustersIndexed` (from `indexedMinimum` records) or the reference loop (always with
    /// `reference`).
    static func wbfFusion(_ records: [Record], iouThr: Double, confType: ConfType, members: Bool, reference: Bool = false) -> FusedGroup {
        if !reference, records.count >= indexedMinimum, let flat = wbfClustersFlat(records, iouThr: iouThr, confType: confType) {
            return FusedGroup(counts: flat.counts, fused: flat.fused, members: members ? flat.members(records) : [])
        }
        let (clusters, fused) = !reference && records.count >= indexedMinimum
            ? wbfClustersIndexed(records, iouThr: iouThr, confType: confType)
            : wbfClusters(records, iouThr: iouThr, confType: confType)
        return FusedGroup(counts: clusters.map(\.count), fused: fused, members: members ? clusters : [])
    }

    /// `wbfClustersIndexed`'s decisions without an array per cluster: the cluster of each record.
    struct FlatClusters {
        /// Per record, its cluster (−1: not reached, after an interrupt).
        var clusterOf: [Int32]
        var counts: [Int]
        var fused: [Record]

        /// Each cluster's records in order, as `wbfClusters` returns them.
        func members(_ records: [Record]) -> [[Record]] {
            var out = counts.map { c -> [Record] in
                var a: [Record] = []
                a.reserveCapacity(c)
                return a
            }
            for (i, k) in clusterOf.enumerated() where k >= 0 { out[Int(k)].append(records[i]) }
            return out
        }
    }

    /// `wbfClustersIndexed` through an `IoUWindowIndex` held directly, with a flat record of the
    /// clusters (`FlatClusters`): the same decisions — the fused box a record joins is the first
    /// maximum of the IoUs above `iou_thr`, all of which the window returns — and the same running
    /// sums. Nil when the window does not take the records (`wbfClustersIndexed` then decides).
    static func wbfClustersFlat(_ records: [Record], iouThr: Double, confType: ConfType) -> FlatClusters? {
        guard indexable(records, iouThr: iouThr), fusedBoxesBounded(records) else { return nil }
        let n = records.count
        var flat = [Double](repeating: 0, count: 4 * n)
        for (k, r) in records.enumerated() {
            flat[4 * k] = r.box.0; flat[4 * k + 1] = r.box.1; flat[4 * k + 2] = r.box.2; flat[4 * k + 3] = r.box.3
        }
        let window = flat.withUnsafeBufferPointer { b in
            IoUWindowIndex(boxes: b, ids: [], tau: iouThr, offset: 0, unitRoundoff: 0x1p-53, minimumArea: 1e-290, bound: 2)
        }
        guard let index = window else { return nil }
        var out = FlatClusters(clusterOf: [Int32](repeating: -1, count: n), counts: [], fused: [])
        var sums: [WeightedSum] = []
        for i in 0..<n {
            if trickInterruptRequested != 0 { break }   // Ctrl-C: the caller discards the result
            let b = records[i]
            var best = -1, bestIoU = iouThr
            out.fused.withUnsafeBufferPointer { fused in
                index.forEachCandidate(b.box.0, b.box.1, b.box.2, b.box.3) { k in
                    let v = iou(fused[k].box, b.box)
                    if v > bestIoU || (v == bestIoU && best >= 0 && k < best) { best = k; bestIoU = v }
                }
            }
            if best >= 0 {
                out.counts[best] += 1
                sums[best].add(b)
                let f = sums[best].record(label: b.label, count: out.counts[best], confType: confType)
                out.fused[best] = f
                index.update(best, f.box.0, f.box.1, f.box.2, f.box.3)
                out.clusterOf[i] = Int32(best)
            } else {
                index.insert(out.fused.count, b.box.0, b.box.1, b.box.2, b.box.3)
                out.clusterOf[i] = Int32(out.fused.count)
                out.fused.append(b)
                out.counts.append(1)
                var s = WeightedSum()
                s.add(b)
                sums.append(s)
            }
        }
        return out
    }

    /// `nmwClusters` through the index: a cluster's first box never changes, so it is registered once.
    static func nmwClustersIndexed(_ records: [Record], iouThr: Double) -> [[Record]] {
        guard indexable(records, iouThr: iouThr) else { return nmwClusters(records, iouThr: iouThr) }
        let grid = index(for: records, iouThr: iouThr, fusing: false)
        var clusters: [[Record]] = []
        for b in records {
            if trickInterruptRequested != 0 { break }   // Ctrl-C: the caller discards the result
            var best = -1, bestIoU = iouThr
            grid.forEachCandidate(b.box.0, b.box.1, b.box.2, b.box.3) { k in
                let v = nmwIoU(clusters[k][0].box, b.box)
                if v > bestIoU || (v == bestIoU && best >= 0 && k < best) { best = k; bestIoU = v }
            }
            if best >= 0 {
                clusters[best].append(b)
            } else {
                grid.insert(clusters.count, b.box.0, b.box.1, b.box.2, b.box.3)
                clusters.append([b])
            }
        }
        return clusters
    }
}
