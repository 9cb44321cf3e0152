#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// MMDetection R-CNN samplers: `BaseSampler.sample` with `RandomSampler` or `OHEMSampler`.
/// See reference/boxes-nms-ensembling-assign.md §5.2.
public struct SamplingResult: Sendable {
    /// Sampled positive / negative indices into `priors` (ascending, as `.unique()` leaves them).
    public var posInds: [Int]
    public var negInds: [Int]
    /// The proposals sampled from: the gts first when they were added as proposals (N'×4 flat).
    public var priors: [Float]
    /// 1 for a prior that is a gt box added as a proposal.
    public var gtFlags: [UInt8]
    /// The assignment after `add_gt_` (if gts were added).
    public var assign: AssignResult
    public var gtBboxes: [Float]

    public var numGts: Int { gtBboxes.count / 4 }
    public var posAssignedGtInds: [Int64] { posInds.map { assign.gtInds[$0] - 1 } }
    public var posGtLabels: [Int64]? { assign.labels.map { l in posInds.map { l[$0] } } }
    public var posIsGt: [UInt8] { posInds.map { gtFlags[$0] } }
    public func rows(_ inds: [Int]) -> [Float] { inds.flatMap { priors[(4 * $0)..<(4 * $0 + 4)] } }
    public var posGtBboxes: [Float] {
        numGts == 0 ? [] : posAssignedGtInds.flatMap { gtBboxes[(4 * Int($0))..<(4 * Int($0) + 4)] }
    }
}

public struct DetectionSampler {
    /// How a candidate set larger than the budget is cut down.
    public enum Strategy {
        /// RandomSampler: `gallery[randperm(len(gallery))[:num]]`; the closure is the permutation source.
        case random(randperm: (Int) -> [Int])
        /// OHEMSampler: the `num` candidates with the largest per-RoI softmax cross-entropy of
        /// `clsScore` (rows aligned with the priors sampled from, `numClasses + 1` columns,
        /// background last); positives use their assigned label, negatives the background class.
        case ohem(clsScore: [Float], numColumns: Int)
    }

    public var num: Int
    public var posFraction: Double
    public var negPosUb: Double = -1
    public var addGtAsProposals: Bool = true
    public var strategy: Strategy

    public init(num: Int, posFraction: Double, negPosUb: Double = -1, addGtAsProposals: Bool = true, strategy: Strategy) {
        self.num = num; self.posFraction = posFraction; self.negPosUb = negPosUb
        self.addGtAsProposals = addGtAsProposals; self.strategy = strategy
    }

    /// `sample(assign_result, bboxes, gt_bboxes, gt_labels)`: optionally prepend the gts, take
    /// `int(num·pos_fraction)` positives (gt_inds > 0), then `num - #pos` negatives (gt_inds == 0),
    /// capped at `int(neg_pos_ub·max(1, #pos))` when `neg_pos_ub >= 0`. Ignored priors (−1) are never sampled.
    public func sample(assign: AssignResult, bboxes: [Float], gtBboxes: [Float], gtLabels: [Int64]?) throws -> SamplingResult {
        var a = assign
        var priors = bboxes
        let n = bboxes.count / 4, k = gtBboxes.count / 4
        guard a.gtInds.count == n else {
            throw CoreError("sample(): the assign result covers \(a.gtInds.count) boxes but bboxes has \(n)")
        }
        var gtFlags = [UInt8](repeating: 0, count: n)
        if addGtAsProposals && k > 0 {
            guard let gl = gtLabels, gl.count == k else {
                throw CoreError("sample(): add_gt_as_proposals needs gt_labels with \(k) entries")
            }
            priors = gtBboxes + priors
            a.addGt(gl)
            gtFlags = [UInt8](repeating: 1, count: k) + gtFlags
        }
        let total = priors.count / 4
        if case .ohem(let score, let cols) = strategy, score.count != total * cols || cols < 1 {
            throw CoreError("OHEMSampler.sample(): cls_score must have one row per sampled prior (\(total) = \(addGtAsProposals && k > 0 ? "\(k) gts + \(n) bboxes" : "\(n) bboxes")), got \(cols > 0 ? score.count / cols : 0) rows")
        }
        let numExpectedPos = Int((Double(num) * posFraction).rounded(.towardZero))
        let posCand = (0..<total).filter { a.gtInds[$0] > 0 }
        let pos = choose(posCand, numExpectedPos, labels: posCand.map { a.labels?[$0] ?? 0 })
        var numExpectedNeg = num - pos.count
        if negPosUb >= 0 {
            let ub = Int((negPosUb * Double(max(1, pos.count))).rounded(.towardZero))
            numExpectedNeg = min(numExpectedNeg, ub)
        }
        let negCand = (0..<total).filter { a.gtInds[$0] == 0 }
        var background: Int64 = 0
        if case .ohem(_, let cols) = strategy { background = Int64(cols - 1) }
        let neg = choose(negCand, numExpectedNeg, labels: negCand.map { _ in background })
        return SamplingResult(posInds: pos, negInds: neg, priors: priors, gtFlags: gtFlags, assign: a, gtBboxes: gtBboxes)
    }

    /// All candidates if they fit, else the strategy's pick; sorted ascending and de-duplicated.
    func choose(_ cand: [Int], _ expected: Int, labels: [Int64]) -> [Int] {
        if cand.count <= expected { return cand }
        if expected <= 0 { return [] }
        switch strategy {
        case .random(let randperm):
            let perm = randperm(cand.count)
            return Array(Set(perm.prefix(expected).map { cand[$0] })).sorted()
        case .ohem(let score, let cols):
            let loss = cand.indices.map { i in Self.crossEntropy(score, row: cand[i], cols: cols, label: Int(labels[i])) }
            // topk(loss, expected): largest losses; equal losses keep the lower index.
            let order = cand.indices.sorted { loss[$0] > loss[$1] || (loss[$0] == loss[$1] && $0 < $1) }
            return order.prefix(expected).map { cand[$0] }.sorted()
        }
    }

    /// Softmax cross-entropy of one row in float32: `-(x_l - max - log Σ exp(x - max))`.
    static func crossEntropy(_ x: [Float], row: Int, cols: Int, label: Int) -> Float {
        let base = row * cols
        var m = -Float.infinity
        for c in 0..<cols { m = max(m, x[base + c]) }
        var s: Float = 0
        for c in 0..<cols { s += exp(x[base + c] - m) }
        let l = min(max(label, 0), cols - 1)
        return -((x[base + l] - m) - log(s))
    }
}
