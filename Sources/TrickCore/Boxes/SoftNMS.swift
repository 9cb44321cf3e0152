#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// MMCV `soft_nms` — a port of the only implementation, the CPU kernel `softnms_cpu`
/// (`mmcv/ops/csrc/pytorch/cpu/nms.cpp`). See reference/boxes-nms-ensembling-assign.md §2.6.
///
/// Float32 throughout (threshold, sigma and min_score are C++ floats). At step `i` the first
/// strictly-largest remaining score is swapped into position `i` and emitted; every later box is
/// re-weighted — naive: `0` if `IoU >= thr`; linear: `1 - IoU` if `IoU >= thr`; gaussian:
/// `exp(-IoU²/sigma)` for every box — and a box whose score drops below `min_score` is replaced
/// by the last box (swap-with-last, which reorders the tail) and the list shrinks. The box
/// selected at a step is never checked against `min_score`. Output is in selection order.
public enum SoftNMS {
    public enum Method: Int, Sendable {
        case naive = 0, linear = 1, gaussian = 2

        public init?(name: String) {
            switch name {
            case "naive": self = .naive
            case "linear": self = .linear
            case "gaussian": self = .gaussian
            default: return nil
            }
        }
    }

    /// `soft_nms(boxes, scores, iou_threshold=0.3, sigma=0.5, min_score=1e-3, method='linear', offset=0)`
    /// → `(dets (K, 5) float32 with the decayed scores, inds (K,) int64)`.
    public static func mmcv(boxes: Tensor, scores: Tensor, iouThreshold: Double = 0.3, sigma: Double = 0.5,
                            minScore: Double = 1e-3, method: Method = .linear, offset: Int = 0) throws -> (dets: Tensor, inds: Tensor) {
        let n = try BoxArgs.count(boxes, "boxes", function: "soft_nms")
        try BoxArgs.vector(scores, "scores", length: n, function: "soft_nms")
        guard offset == 0 || offset == 1 else { throw CoreError("soft_nms(): offset must be 0 or 1, got \(offset)") }
        let (dets, inds) = run(boxes.floats, scores.floats, iouThreshold: Float(iouThreshold), sigma: Float(sigma),
                                  minScore: Float(minScore), method: method, offset: Float(offset))
        return (Tensor(shape: [inds.count, 5], float32: dets), Tensor(inds.map(Int64.init)))
    }

    /// `kernel`'s results: the indexed kernel from `indexedMinimum` boxes, else `kernel` itself.
    static func run(_ boxes: [Float], _ scores: [Float], iouThreshold thr: Float, sigma: Float, minScore: Float,
                    method: Method, offset: Float) -> (dets: [Float], inds: [Int]) {
        if scores.count >= indexedMinimum {
            return kernelIndexed(boxes, scores, iouThreshold: thr, sigma: sigma, minScore: minScore, method: method, offset: offset)
        }
        return kernel(boxes, scores, iouThreshold: thr, sigma: sigma, minScore: minScore, method: method, offset: offset)
    }

    /// The kernel on flat arrays: `boxes` (n×4), `scores` (n) → dets (k×5 flat), original indices.
    /// The reference for `kernelIndexed` (O(n²): every step scans every remaining box).
    static func kernel(_ boxes: [Float], _ scores: [Float], iouThreshold thr: Float, sigma: Float, minScore: Float,
                       method: Method, offset: Float) -> (dets: [Float], inds: [Int]) {
        var nboxes = scores.count
        if nboxes == 0 { return ([], []) }
        var x1 = [Float](repeating: 0, count: nboxes), y1 = x1, x2 = x1, y2 = x1, areas = x1
        for k in 0..<nboxes {
            x1[k] = boxes[4 * k]; y1[k] = boxes[4 * k + 1]; x2[k] = boxes[4 * k + 2]; y2[k] = boxes[4 * k + 3]
            areas[k] = (x2[k] - x1[k] + offset) * (y2[k] - y1[k] + offset)
        }
        var sc = scores
        var inds = Array(0..<nboxes)
        var dets = [Float](repeating: 0, count: nboxes * 5)
        var i = 0
        while i < nboxes {
            if trickInterruptRequested != 0 { break }   // Ctrl-C: the caller discards the result
            var maxScore = sc[i], maxPos = i
            var pos = i + 1
            while pos < nboxes {
                if maxScore < sc[pos] { maxScore = sc[pos]; maxPos = pos }
                pos += 1
            }
            let ix1 = x1[maxPos], iy1 = y1[maxPos], ix2 = x2[maxPos], iy2 = y2[maxPos]
            let iscore = sc[maxPos], iarea = areas[maxPos], iind = inds[maxPos]
            dets[5 * i] = ix1; dets[5 * i + 1] = iy1; dets[5 * i + 2] = ix2; dets[5 * i + 3] = iy2; dets[5 * i + 4] = iscore
            x1[maxPos] = x1[i]; y1[maxPos] = y1[i]; x2[maxPos] = x2[i]; y2[maxPos] = y2[i]
            sc[maxPos] = sc[i]; areas[maxPos] = areas[i]; inds[maxPos] = inds[i]
            x1[i] = ix1; y1[i] = iy1; x2[i] = ix2; y2[i] = iy2; sc[i] = iscore; areas[i] = iarea; inds[i] = iind

            pos = i + 1
            while pos < nboxes {
                // std::max(0.f, x) / std::max(a, b) semantics: (a < b) ? b : a.
                let xx1 = ix1 < x1[pos] ? x1[pos] : ix1
                let yy1 = iy1 < y1[pos] ? y1[pos] : iy1
                let xx2 = x2[pos] < ix2 ? x2[pos] : ix2
                let yy2 = y2[pos] < iy2 ? y2[pos] : iy2
                let wr = xx2 - xx1 + offset, hr = yy2 - yy1 + offset
                let w: Float = 0 < wr ? wr : 0
                let h: Float = 0 < hr ? hr : 0
                let inter = w * h
                let ovr = inter / (iarea + areas[pos] - inter)
                var weight: Float = 1
                switch method {
                case .naive: if ovr >= thr { weight = 0 }
                case .linear: if ovr >= thr { weight = 1 - ovr }
                case .gaussian: weight = exp(-(ovr * ovr) / sigma)
                }
                sc[pos] *= weight
                if sc[pos] < minScore {
                    let last = nboxes - 1
                    x1[pos] = x1[last]; y1[pos] = y1[last]; x2[pos] = x2[last]; y2[pos] = y2[last]
                    sc[pos] = sc[last]; areas[pos] = areas[last]; inds[pos] = inds[last]
                    nboxes -= 1
                    continue
                }
                pos += 1
            }
            i += 1
        }
        return (Array(dets[..<(5 * nboxes)]), Array(inds[..<nboxes]))
    }
}
