/// MMCV `batched_nms(boxes, scores, idxs, nms_cfg, class_agnostic=False)` and MMDetection
/// `multiclass_nms`. See reference/boxes-nms-ensembling-assign.md §2.5 and §2.9.
public enum MulticlassNMS {
    /// An MMCV `nms_cfg` dict: `type` ('nms' or 'soft_nms') and that op's keyword arguments, plus
    /// `class_agnostic` and `split_thr`.
    public struct Config: Sendable {
        public enum Op: String, Sendable { case nms, softNMS = "soft_nms" }
        public var op: Op = .nms
        public var iouThreshold: Double = 0.3
        public var offset: Int = 0
        public var scoreThreshold: Double = 0
        public var maxNum: Int = -1
        public var sigma: Double = 0.5
        public var minScore: Double = 1e-3
        public var method: SoftNMS.Method = .linear
        public var classAgnostic: Bool? = nil
        public var splitThr: Int = 10000
        public init() {}
    }

    /// One call of the configured op on flat float32 arrays → (dets k×5, kept positions).
    static func runOp(_ cfg: Config, _ boxes: [Float], _ scores: [Float], applyMaxNum: Bool) -> (dets: [Float], keep: [Int]) {
        switch cfg.op {
        case .nms:
            let inds = NMS.mmcvIndices(boxes, scores, iouThreshold: cfg.iouThreshold, offset: cfg.offset,
                                       scoreThreshold: cfg.scoreThreshold, maxNum: applyMaxNum ? cfg.maxNum : -1)
            var d: [Float] = []
            for i in inds { d.append(contentsOf: boxes[(4 * i)..<(4 * i + 4)]); d.append(scores[i]) }
            return (d, inds)
        case .softNMS:
            let r = SoftNMS.run(boxes, scores, iouThreshold: Float(cfg.iouThreshold), sigma: Float(cfg.sigma),
                                   minScore: Float(cfg.minScore), method: cfg.method, offset: Float(cfg.offset))
            return (r.dets, r.inds)
        }
    }

    /// MMCV `batched_nms` → `(dets (K, 5): original boxes with post-op scores, keep (K,))`.
    ///
    /// - `cfg == nil`: no NMS; every box, sorted by score (torch's unstable sort, see `TorchSort`).
    /// - otherwise, unless class-agnostic, boxes are shifted by `idx * (boxes.max() + 1)` (float32).
    ///   With fewer than `split_thr` boxes one op call runs (its order; `max_num` inside `nms`);
    ///   else the op runs per class (ascending id), and the kept boxes are sorted by post-op score
    ///   and truncated to `max_num`.
    public static func mmcvBatched(boxes: Tensor, scores: Tensor, idxs: Tensor, cfg: Config?,
                                   classAgnostic: Bool = false) throws -> (dets: Tensor, keep: Tensor) {
        let n = try BoxArgs.count(boxes, "boxes", function: "batched_nms")
        try BoxArgs.vector(scores, "scores", length: n, function: "batched_nms")
        try BoxArgs.vector(idxs, "idxs", length: n, function: "batched_nms")
        let (d, k) = batchedKernel(boxes.floats, scores.floats, idxs.doubles, cfg: cfg, classAgnostic: classAgnostic)
        return (Tensor(shape: [k.count, 5], float32: d), Tensor(k.map(Int64.init)))
    }

    static func batchedKernel(_ b: [Float], _ s: [Float], _ idxs: [Double], cfg: Config?, classAgnostic: Bool) -> (dets: [Float], keep: [Int]) {
        let n = s.count
        func assemble(_ keep: [Int], _ sc: [Float]) -> [Float] {
            var d: [Float] = []
            d.reserveCapacity(keep.count * 5)
            for (k, i) in keep.enumerated() { d.append(contentsOf: b[(4 * i)..<(4 * i + 4)]); d.append(sc[k]) }
            return d
        }
        guard let cfg else {
            let order = TorchSort.argsort(s, descending: true)   // scores.sort(descending=True)
            return (assemble(order, order.map { s[$0] }), order)
        }
        if n == 0 { return ([], []) }
        let agnostic = cfg.classAgnostic ?? classAgnostic
        let forNMS = agnostic ? b : NMS.coordinateTrick(b, idxs)
        if n < cfg.splitThr {
            let (dets, keep) = runOp(cfg, forNMS, s, applyMaxNum: true)
            return (assemble(keep, keep.indices.map { dets[5 * $0 + 4] }), keep)
        }
        var mask = [Bool](repeating: false, count: n)
        var after = [Float](repeating: 0, count: n)
        for cls in Set(idxs).sorted() {
            let members = (0..<n).filter { idxs[$0] == cls }
            var sub: [Float] = []
            for i in members { sub.append(contentsOf: forNMS[(4 * i)..<(4 * i + 4)]) }
            let (dets, keep) = runOp(cfg, sub, members.map { s[$0] }, applyMaxNum: false)
            for (k, p) in keep.enumerated() { mask[members[p]] = true; after[members[p]] = dets[5 * k + 4] }
        }
        let kept = (0..<n).filter { mask[$0] }
        var keep = TorchSort.argsort(kept.map { after[$0] }, descending: true).map { kept[$0] }
        if cfg.maxNum > 0 && keep.count > cfg.maxNum { keep = Array(keep[..<cfg.maxNum]) }
        return (assemble(keep, keep.map { after[$0] }), keep)
    }

    /// MMDetection `multiclass_nms(multi_bboxes, multi_scores, score_thr, nms_cfg, max_num=-1,
    /// score_factors=None, return_inds=False)` → `(dets (K, 5), labels (K,), inds (K,))`.
    ///
    /// `multi_bboxes` is `(n, C*4)` (per class) or `(n, 4)` (shared); `multi_scores` is `(n, C+1)`
    /// with the background last. Entries are flattened as `box*C + class`; `score > score_thr`
    /// (strict) is tested before scores are multiplied by `score_factors`. `inds` index the
    /// flattened entries.
    public static func multiclass(multiBboxes: Tensor, multiScores: Tensor, scoreThr: Double, cfg: Config?,
                                  maxNum: Int = -1, scoreFactors: Tensor? = nil) throws -> (dets: Tensor, labels: Tensor, inds: Tensor) {
        guard multiScores.rank == 2, multiScores.shape[1] >= 1 else {
            throw CoreError("multiclass_nms(): 'multi_scores' must have shape (n, num_classes + 1), got \(Tensor.formatShape(multiScores.shape))")
        }
        let n = multiScores.shape[0], c = multiScores.shape[1] - 1
        guard multiBboxes.rank == 2, multiBboxes.shape[0] == n,
              multiBboxes.shape[1] == 4 || multiBboxes.shape[1] == 4 * c else {
            throw CoreError("multiclass_nms(): 'multi_bboxes' must have shape (\(n), 4) or (\(n), \(4 * c)), got \(Tensor.formatShape(multiBboxes.shape))")
        }
        if let f = scoreFactors, f.count != n {
            throw CoreError("multiclass_nms(): 'score_factors' must have \(n) elements, got shape \(Tensor.formatShape(f.shape))")
        }
        let mb = multiBboxes.floats, ms = multiScores.floats
        let perClass = multiBboxes.shape[1] > 4
        let factors = scoreFactors?.floats
        let thr = Float(scoreThr)
        var boxes: [Float] = [], scores: [Float] = [], labels: [Int64] = [], inds: [Int] = []
        for i in 0..<n {
            for k in 0..<c {
                let score = ms[i * (c + 1) + k]
                guard score > thr else { continue }
                let base = perClass ? i * 4 * c + 4 * k : 4 * i
                boxes.append(contentsOf: mb[base..<(base + 4)])
                scores.append(factors.map { score * $0[i] } ?? score)
                labels.append(Int64(k))
                inds.append(i * c + k)
            }
        }
        var (dets, keep) = batchedKernel(boxes, scores, labels.map(Double.init), cfg: cfg, classAgnostic: false)
        if scores.isEmpty { (dets, keep) = ([], []) }
        if maxNum > 0 && keep.count > maxNum {
            keep = Array(keep[..<maxNum])
            dets = Array(dets[..<(5 * maxNum)])
        }
        return (Tensor(shape: [keep.count, 5], float32: dets), Tensor(keep.map { labels[$0] }), Tensor(keep.map { Int64(inds[$0]) }))
    }
}
