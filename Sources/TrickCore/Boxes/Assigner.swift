/// MMDetection `MaxIoUAssigner` and `AssignResult`. See reference/boxes-nms-ensembling-assign.md §5.1.
public struct AssignResult: Sendable {
    public var numGts: Int
    /// −1 ignore, 0 negative, k+1 assigned to gt k.
    public var gtInds: [Int64]
    public var maxOverlaps: [Float]
    /// The assigned gt's label for positives, −1 otherwise; nil when no gt labels were given.
    public var labels: [Int64]?

    public init(numGts: Int, gtInds: [Int64], maxOverlaps: [Float], labels: [Int64]?) {
        self.numGts = numGts; self.gtInds = gtInds; self.maxOverlaps = maxOverlaps; self.labels = labels
    }

    /// `add_gt_(gt_labels)`: prepend the gts as their own proposals (gt_inds 1…K, overlap 1).
    public mutating func addGt(_ gtLabels: [Int64]) {
        gtInds = (0..<gtLabels.count).map { Int64($0 + 1) } + gtInds
        maxOverlaps = [Float](repeating: 1, count: gtLabels.count) + maxOverlaps
        if let l = labels { labels = gtLabels + l }
    }
}

public struct MaxIoUAssigner: Sendable {
    /// `neg_iou_thr`: a float (`[0, thr)` is negative) or a tuple `(lo, hi)` (`[lo, hi)`).
    /// mmdet tests `isinstance(neg_iou_thr, float)` / `tuple`: any other value (an int such as
    /// `0`, a list) silently assigns no negatives — kept here, since it is what mmdet does.
    public enum NegThreshold: Sendable { case below(Double), range(Double, Double), noNegatives }

    public var posIoUThr: Double
    public var negIoUThr: NegThreshold
    public var minPosIoU: Double = 0
    public var gtMaxAssignAll: Bool = true
    public var ignoreIofThr: Double = -1
    public var ignoreWrtCandidates: Bool = true
    public var matchLowQuality: Bool = true

    public init(posIoUThr: Double, negIoUThr: NegThreshold) {
        self.posIoUThr = posIoUThr
        self.negIoUThr = negIoUThr
    }

    /// `assign(bboxes, gt_bboxes, gt_bboxes_ignore=None, gt_labels=None)` (the 2.x form; 3.x's
    /// InstanceData form is the same computation). Boxes may carry a 5th (score) column, which
    /// is dropped as `BboxOverlaps2D` does. Overlaps are mmdet `bbox_overlaps` in float32, and
    /// thresholds are compared in float32, as torch compares a float32 tensor with a Python float.
    public func assign(bboxes: Tensor, gtBboxes: Tensor, gtBboxesIgnore: Tensor? = nil, gtLabels: Tensor? = nil) throws -> AssignResult {
        let priors = try Self.boxes(bboxes, "bboxes")
        let gts = try Self.boxes(gtBboxes, "gt_bboxes")
        let n = priors.count / 4, k = gts.count / 4
        var labelsIn: [Int64]? = nil
        if let gl = gtLabels {
            guard gl.count == k, gl.rank <= 1 else {
                throw CoreError("assign(): 'gt_labels' must have shape (\(k),) to match gt_bboxes, got \(Tensor.formatShape(gl.shape))")
            }
            labelsIn = gl.int64s
        }
        // overlaps[g, p], float32, mmdet formula with eps 1e-6.
        _ = try Tensor.checkedAllocationCount([k, n], dtype: .float32)
        var ov = BoxIoU.mmdetKernel(gts, priors, batches: 1, rows: k, cols: n, mode: "iou", aligned: false, eps: Float(1e-6))
        if ignoreIofThr > 0, let ig = gtBboxesIgnore, ig.count > 0, n > 0 {
            let ignores = try Self.boxes(ig, "gt_bboxes_ignore")
            let m = ignores.count / 4
            _ = try Tensor.checkedAllocationCount([n, m], dtype: .float32)
            var f = [Float](repeating: -Float.infinity, count: n)
            if ignoreWrtCandidates {
                let iof = BoxIoU.mmdetKernel(priors, ignores, batches: 1, rows: n, cols: m, mode: "iof", aligned: false, eps: Float(1e-6))
                for p in 0..<n { for g in 0..<m { f[p] = maximum(f[p], iof[p * m + g]) } }
            } else {
                let iof = BoxIoU.mmdetKernel(ignores, priors, batches: 1, rows: m, cols: n, mode: "iof", aligned: false, eps: Float(1e-6))
                for g in 0..<m { for p in 0..<n { f[p] = maximum(f[p], iof[g * n + p]) } }
            }
            let thr = Float(ignoreIofThr)
            for p in 0..<n where f[p] > thr { for g in 0..<k { ov[g * n + p] = -1 } }
        }
        return assignWrtOverlaps(ov, numGts: k, numBboxes: n, gtLabels: labelsIn)
    }

    /// `assign_wrt_overlaps(overlaps (K, N), gt_labels)`.
    public func assignWrtOverlaps(_ ov: [Float], numGts k: Int, numBboxes n: Int, gtLabels: [Int64]?) -> AssignResult {
        var g = [Int64](repeating: -1, count: n)
        if k == 0 || n == 0 {
            if k == 0 { g = [Int64](repeating: 0, count: n) }
            return AssignResult(numGts: k, gtInds: g, maxOverlaps: [Float](repeating: 0, count: n),
                                labels: gtLabels == nil ? nil : [Int64](repeating: -1, count: n))
        }
        // max over gts per prior, and over priors per gt; ties take the first index.
        var maxOv = [Float](repeating: 0, count: n), argmax = [Int](repeating: 0, count: n)
        for p in 0..<n {
            var best = ov[p], arg = 0
            for q in 1..<k where ov[q * n + p] > best || (ov[q * n + p].isNaN && !best.isNaN) { best = ov[q * n + p]; arg = q }
            maxOv[p] = best; argmax[p] = arg
        }
        var gtMax = [Float](repeating: 0, count: k), gtArg = [Int](repeating: 0, count: k)
        for q in 0..<k {
            var best = ov[q * n], arg = 0
            for p in 1..<max(n, 1) where ov[q * n + p] > best || (ov[q * n + p].isNaN && !best.isNaN) { best = ov[q * n + p]; arg = p }
            gtMax[q] = best; gtArg[q] = arg
        }
        switch negIoUThr {
        case .below(let t):
            let thr = Float(t)
            for p in 0..<n where maxOv[p] >= 0 && maxOv[p] < thr { g[p] = 0 }
        case .range(let lo, let hi):
            let l = Float(lo), h = Float(hi)
            for p in 0..<n where maxOv[p] >= l && maxOv[p] < h { g[p] = 0 }
        case .noNegatives: break
        }
        let pos = Float(posIoUThr)
        for p in 0..<n where maxOv[p] >= pos { g[p] = Int64(argmax[p] + 1) }
        if matchLowQuality {
            let minPos = Float(minPosIoU)
            for q in 0..<k where gtMax[q] >= minPos {
                if gtMaxAssignAll {
                    for p in 0..<n where ov[q * n + p] == gtMax[q] { g[p] = Int64(q + 1) }
                } else {
                    g[gtArg[q]] = Int64(q + 1)
                }
            }
        }
        var labels: [Int64]? = nil
        if let gl = gtLabels {
            labels = g.map { $0 > 0 ? gl[Int($0) - 1] : -1 }
        }
        return AssignResult(numGts: k, gtInds: g, maxOverlaps: maxOv, labels: labels)
    }

    /// Flat float32 `(N, 4)` boxes; a 5th column is dropped; `[]` and `(0, k)` are empty.
    static func boxes(_ t: Tensor, _ name: String) throws -> [Float] {
        if t.count == 0 && (t.rank == 1 || (t.rank == 2 && t.shape[0] == 0)) { return [] }
        guard t.rank == 2, t.shape[1] == 4 || t.shape[1] == 5 else {
            throw CoreError("assign(): '\(name)' must have shape (N, 4) or (N, 5), got \(Tensor.formatShape(t.shape))")
        }
        let v = t.floats
        if t.shape[1] == 4 { return v }
        var out: [Float] = []
        out.reserveCapacity(t.shape[0] * 4)
        for i in 0..<t.shape[0] { out.append(contentsOf: v[(5 * i)..<(5 * i + 4)]) }
        return out
    }
}

extension MaxIoUAssigner {
    /// Flat float32 `(N, 4)` boxes for the samplers (a 5th score column is dropped).
    public static func boxesForSampling(_ t: Tensor, _ name: String) throws -> [Float] { try boxes(t, name) }
}
