#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// MMDetection `mask_matrix_nms` (SOLOv2's Matrix NMS) and DIoU-NMS.
/// See reference/boxes-nms-ensembling-assign.md §2.8.
public enum MatrixNMS {
    public enum Kernel: String, Sendable { case gaussian, linear }

    public struct Result: Sendable {
        public var scores: [Float]
        public var labels: [Int64]
        /// Indices (into the input) of the returned masks, in output order.
        public var keepInds: [Int]
    }

    /// `mask_matrix_nms(masks, labels, scores, filter_thr=-1, nms_pre=-1, max_num=-1,
    /// kernel='gaussian', sigma=2.0, mask_area=None)`, in float32 as mmdet on CPU.
    ///
    /// Masks (n × pixels, 0/1 or soft) are sorted by score (torch's sort, ties as torch) and cut to `nms_pre`.
    /// IoU is `inter / (a_i + a_j - inter)` for higher-scored `i < j` of the same label. Each mask's
    /// compensation is its own largest IoU with a higher-scored mask; the decay of `j` is
    /// `min_i f(IoU_ij) / f(comp_i)` with `f(x) = exp(-sigma·x²)` (gaussian: mmdet multiplies by
    /// sigma) or `f(x) = 1 - x` (linear). Then `score >= filter_thr` is kept (if `filter_thr > 0`),
    /// the masks are re-sorted and cut to `max_num`.
    public static func maskMatrixNMS(masks: [Float], pixels: Int, labels: [Int64], scores: [Float], filterThr: Double = -1,
                                     nmsPre: Int = -1, maxNum: Int = -1, kernel: Kernel = .gaussian, sigma: Double = 2,
                                     maskArea: [Float]? = nil) -> Result {
        let total = scores.count
        if total == 0 { return Result(scores: [], labels: [], keepInds: []) }
        var area = maskArea ?? (0..<total).map { i in
            var s: Float = 0
            for p in 0..<pixels { s += masks[i * pixels + p] }
            return s
        }
        var order = TorchSort.argsort(scores, descending: true)   // torch.sort: unstable, tie order as torch
        if nmsPre > 0 && order.count > nmsPre { order = Array(order[..<nmsPre]) }
        let n = order.count
        var sc = order.map { scores[$0] }
        let lab = order.map { labels[$0] }
        area = order.map { area[$0] }
        // decay IoU (upper triangle, same label), row-major [i][j]
        var d = [Float](repeating: 0, count: n * n)
        masks.withUnsafeBufferPointer { m in
            for i in 0..<n {
                let bi = order[i] * pixels
                if trickInterruptRequested != 0 { break }   // Ctrl-C: the caller discards the result
                for j in (i + 1)..<max(n, i + 1) where lab[i] == lab[j] {
                    let bj = order[j] * pixels
                    var inter: Float = 0
                    for p in 0..<pixels { inter += m[bi + p] * m[bj + p] }
                    d[i * n + j] = inter / (area[j] + area[i] - inter)
                }
            }
        }
        var comp = [Float](repeating: 0, count: n)
        for j in 0..<n {
            var c = d[j]
            for i in 1..<n where d[i * n + j] > c { c = d[i * n + j] }
            comp[j] = c
        }
        let negSigma = Float(-1 * sigma)
        for j in 0..<n {
            var coef = Float.infinity
            for i in 0..<n {
                let v: Float
                switch kernel {
                case .gaussian: v = exp(negSigma * (d[i * n + j] * d[i * n + j])) / exp(negSigma * (comp[i] * comp[i]))
                case .linear: v = (1 - d[i * n + j]) / (1 - comp[i])
                }
                if v < coef || v.isNaN { coef = v }
            }
            sc[j] = sc[j] * coef
        }
        var keep = Array(0..<n)
        if filterThr > 0 {
            let thr = Float(filterThr)
            keep = keep.filter { sc[$0] >= thr }
        }
        var resorted = TorchSort.argsort(keep.map { sc[$0] }, descending: true).map { keep[$0] }
        if maxNum > 0 && resorted.count > maxNum { resorted = Array(resorted[..<maxNum]) }
        return Result(scores: resorted.map { sc[$0] }, labels: resorted.map { lab[$0] }, keepInds: resorted.map { order[$0] })
    }

    /// DIoU-NMS (Zheng et al., AAAI 2020): greedy NMS by descending score (ties by index) where a
    /// box is suppressed when `IoU - ρ²/c² > iou_threshold` (ρ: distance of the centres, c: diagonal
    /// of the enclosing box), so overlapping boxes with distant centres survive. Offset 0, float32.
    /// Returns the kept indices in score order, like `nms`.
    public static func diouNMS(boxes: Tensor, scores: Tensor, iouThreshold: Double) throws -> Tensor {
        let n = try BoxArgs.count(boxes, "boxes", function: "diou_nms")
        try BoxArgs.vector(scores, "scores", length: n, function: "diou_nms")
        let b = boxes.floats
        let order = NMS.descendingOrder(scores.floats)
        var suppressed = [Bool](repeating: false, count: n)
        var keep: [Int64] = []
        for p in 0..<n {
            if trickInterruptRequested != 0 { break }   // Ctrl-C: the caller discards the result
            let i = order[p]
            if suppressed[i] { continue }
            keep.append(Int64(i))
            for q in (p + 1)..<max(n, p + 1) {
                let j = order[q]
                if suppressed[j] { continue }
                let iou = NMS.pairIoU(b, i, j)
                let cw = max(b[4 * i + 2], b[4 * j + 2]) - min(b[4 * i], b[4 * j])
                let ch = max(b[4 * i + 3], b[4 * j + 3]) - min(b[4 * i + 1], b[4 * j + 1])
                let dx = (b[4 * i] + b[4 * i + 2]) / 2 - (b[4 * j] + b[4 * j + 2]) / 2
                let dy = (b[4 * i + 1] + b[4 * i + 3]) / 2 - (b[4 * j + 1] + b[4 * j + 3]) / 2
                let c2 = cw * cw + ch * ch
                let diou = iou - (c2 > 0 ? (dx * dx + dy * dy) / c2 : 0)
                if Double(diou) > iouThreshold { suppressed[j] = true }
            }
        }
        return Tensor(keep)
    }
}
