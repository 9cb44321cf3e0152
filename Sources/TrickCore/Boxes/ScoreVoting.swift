#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The other two box-voting rules of reference/boxes-nms-ensembling-assign.md §3: MMDetection
/// PAA's `score_voting` (§3.3) and the original voting of Gidaris & Komodakis (§3.2).
public enum ScoreVoting {
    /// MMDetection `PAAHead.score_voting(det_bboxes, det_labels, mlvl_bboxes, mlvl_nms_scores,
    /// score_thr)` (mmdet 3.3 `dense_heads/paa_head.py`).
    ///
    /// Candidates are the (box, class) pairs with `mlvl_nms_scores > score_thr`. For each class
    /// `c < numClasses` (ascending) that has candidates, every post-NMS det of class c, in its
    /// order, gets the box `Σ pᵢ·bᵢ / Σ pᵢ` over the candidates of class c with mmdet IoU > 0.01,
    /// `pᵢ = exp(−(1 − IoUᵢ)² / 0.025)·sᵢ`; its score is kept. The output is grouped by class
    /// (not re-sorted), and dets of a class without candidates are dropped, as upstream.
    /// float32 throughout, like the reference.
    ///
    /// Where mmdet crashes and trick does what is meant (SPEC §8): when nothing is voted (no det, or
    /// no candidate above `score_thr` for the dets' classes) the result is empty — (0, 5) boxes and
    /// (0,) labels; upstream's `torch.cat` of the empty list raises (PAA only calls it with dets).
    ///
    /// - Parameters: `dets` (k, 5) rows, `labels` (k), `boxes` (n, 4) pre-NMS boxes, `scores`
    ///   (n, columns) per-class scores; `numClasses` (PAA's `cls_out_channels`) ≤ columns.
    public static func paaScoreVoting(dets: [Float], labels: [Int64], boxes: [Float], scores: [Float], columns: Int,
                                      numClasses: Int, scoreThr: Float) -> (dets: [Float], labels: [Int64]) {
        let n = columns == 0 ? 0 : scores.count / columns
        // candidate_mask.nonzero(): row-major (box, class) pairs
        var candBox: [Int] = [], candLabel: [Int] = [], candScore: [Float] = []
        for i in 0..<n {
            for c in 0..<columns where scores[i * columns + c] > scoreThr {
                candBox.append(i); candLabel.append(c); candScore.append(scores[i * columns + c])
            }
        }
        var outDets: [Float] = [], outLabels: [Int64] = []
        let k = labels.count
        for cls in 0..<numClasses {
            let members = candLabel.indices.filter { candLabel[$0] == cls }
            if members.isEmpty { continue }
            for d in 0..<k where labels[d] == Int64(cls) {
                let det = dets[(d * 5)..<(d * 5 + 5)]
                var weighted = [Float](repeating: 0, count: 4), total: Float = 0
                for m in members {
                    let b = boxes[(candBox[m] * 4)..<(candBox[m] * 4 + 4)]
                    let iou = mmdetIoU(det, b)
                    guard iou > 0.01 else { continue }
                    let p = expf(-((1 - iou) * (1 - iou)) / 0.025) * candScore[m]
                    for j in 0..<4 { weighted[j] += p * b[b.startIndex + j] }
                    total += p
                }
                outDets += weighted.map { $0 / total } + [det[det.startIndex + 4]]
                outLabels.append(Int64(cls))
            }
        }
        return (outDets, outLabels)
    }

    /// MMDetection `bbox_overlaps` of one pair (offset 0, union clamped at eps = 1e-6), float32.
    static func mmdetIoU(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Float {
        let (a0, a1, a2, a3) = (a[a.startIndex], a[a.startIndex + 1], a[a.startIndex + 2], a[a.startIndex + 3])
        let (b0, b1, b2, b3) = (b[b.startIndex], b[b.startIndex + 1], b[b.startIndex + 2], b[b.startIndex + 3])
        let w = max(min(a2, b2) - max(a0, b0), 0), h = max(min(a3, b3) - max(a1, b1), 0)
        let overlap = w * h
        let union = max((a2 - a0) * (a3 - a1) + (b2 - b0) * (b3 - b1) - overlap, 1e-6)
        return overlap / union
    }

    /// The original box voting of Gidaris & Komodakis (ICCV 2015, `mrcnn-object-detection`,
    /// `post_process_candidate_detections.m`): each kept detection (x1, y1, x2, y2, score) becomes
    /// the weighted mean of the candidates (same class, before NMS) whose R-CNN `boxoverlap`
    /// (+1 widths) with it is `≥ thresh` (`box_ave_thresh`, 0.5), weights `eps + max(0, s + addVal)`
    /// (`add_val` 1.5 in their code, for SVM scores that can be negative). Scores are kept.
    /// Computed in Double, as MATLAB does.
    public static func gidarisVoting(dets: [Double], candidates: [Double], thresh: Double = 0.5,
                                     addVal: Double = 1.5) -> [Double] {
        let k = dets.count / 5, n = candidates.count / 5
        var out = dets
        for d in 0..<k {
            let a = dets[(d * 5)..<(d * 5 + 4)]
            var sum = [Double](repeating: 0, count: 4), total = 0.0
            for c in 0..<n {
                let b = candidates[(c * 5)..<(c * 5 + 4)]
                guard BoxVoting.detectronOverlap(a, b) >= thresh else { continue }
                let w = Double.ulpOfOne + max(0, candidates[c * 5 + 4] + addVal)
                for j in 0..<4 { sum[j] += w * b[b.startIndex + j] }
                total += w
            }
            if total > 0 { for j in 0..<4 { out[d * 5 + j] = sum[j] / total } }
        }
        return out
    }
}
