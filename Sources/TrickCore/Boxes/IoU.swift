/// Pairwise box overlaps: torchvision `box_iou` / `generalized_box_iou` / `distance_box_iou` /
/// `complete_box_iou`, and MMDetection `bbox_overlaps` (modes iou / iof / giou, aligned or not,
/// leading batch dimensions). See reference/boxes-nms-ensembling-assign.md §1.
///
/// Every formula is evaluated in the input's float type and in the same operation order as the
/// reference (e.g. `union = (area1 + area2) - inter`), so float32 results are bit-for-bit those of
/// torch on CPU up to the last-ulp behaviour of `atan`. Ints compute in float32, and a float64
/// input makes the computation float64 (torch promotion).
public enum BoxIoU {
    /// The torchvision overlap functions.
    public enum Kind: String, Sendable { case iou, giou, diou, ciou }

    /// torchvision `box_iou(boxes1, boxes2)` and friends → `(N, M)`. No eps in IoU/GIoU: a pair of
    /// zero-area boxes gives NaN, as torchvision. DIoU/CIoU use `eps` (default 1e-7) as torchvision.
    public static func torchvision(_ kind: Kind, _ boxes1: Tensor, _ boxes2: Tensor, eps: Double = 1e-7) throws -> Tensor {
        let fname = ["iou": "box_iou", "giou": "generalized_box_iou", "diou": "distance_box_iou", "ciou": "complete_box_iou"][kind.rawValue]!
        let n = try BoxArgs.count(boxes1, "boxes1", function: fname)
        let m = try BoxArgs.count(boxes2, "boxes2", function: fname)
        _ = try Tensor.checkedAllocationCount([n, m], dtype: BoxArgs.workingType(boxes1, boxes2))
        if BoxArgs.workingType(boxes1, boxes2) == .float64 {
            return Double.tensor(shape: [n, m], torchvisionKernel(kind, Double.array(boxes1), n, Double.array(boxes2), m, eps: Double(eps)))
        }
        return Float.tensor(shape: [n, m], torchvisionKernel(kind, Float.array(boxes1), n, Float.array(boxes2), m, eps: Float(eps)))
    }

    static func torchvisionKernel<T: BoxScalar>(_ kind: Kind, _ a: [T], _ n: Int, _ b: [T], _ m: Int, eps: T) -> [T] {
        var out = [T](repeating: 0, count: n * m)
        let fourOverPiSquared = T(4 / (Double.pi * Double.pi))
        for i in 0..<n {
            let ax1 = a[4 * i], ay1 = a[4 * i + 1], ax2 = a[4 * i + 2], ay2 = a[4 * i + 3]
            let area1 = (ax2 - ax1) * (ay2 - ay1)
            for j in 0..<m {
                let bx1 = b[4 * j], by1 = b[4 * j + 1], bx2 = b[4 * j + 2], by2 = b[4 * j + 3]
                let area2 = (bx2 - bx1) * (by2 - by1)
                let w = clampMin0(minimum(ax2, bx2) - maximum(ax1, bx1))
                let h = clampMin0(minimum(ay2, by2) - maximum(ay1, by1))
                let inter = w * h
                let union = area1 + area2 - inter
                let iou = inter / union
                var r = iou
                switch kind {
                case .iou: break
                case .giou:
                    let wi = clampMin0(maximum(ax2, bx2) - minimum(ax1, bx1))
                    let hi = clampMin0(maximum(ay2, by2) - minimum(ay1, by1))
                    let areai = wi * hi
                    r = iou - (areai - union) / areai
                case .diou, .ciou:
                    let wi = clampMin0(maximum(ax2, bx2) - minimum(ax1, bx1))
                    let hi = clampMin0(maximum(ay2, by2) - minimum(ay1, by1))
                    let diag = wi * wi + hi * hi + eps
                    let dx = (ax1 + ax2) / 2 - (bx1 + bx2) / 2
                    let dy = (ay1 + ay2) / 2 - (by1 + by2) / 2
                    let centres = dx * dx + dy * dy
                    r = iou - centres / diag
                    if kind == .ciou {
                        let t = T.arctangent((ax2 - ax1) / (ay2 - ay1)) - T.arctangent((bx2 - bx1) / (by2 - by1))
                        let v = fourOverPiSquared * (t * t)
                        let alpha = v / (1 - iou + v + eps)
                        r = r - alpha * v
                    }
                }
                out[i * m + j] = r
            }
        }
        return out
    }

    /// MMDetection `bbox_overlaps(bboxes1, bboxes2, mode='iou', is_aligned=False, eps=1e-6)`.
    ///
    /// Shapes `[B..., m, 4]` and `[B..., n, 4]` (batch dims must match) give `[B..., m, n]`, or
    /// `[B..., m]` when aligned. The union (iou/giou), the first box's area (iof) and the
    /// enclosing area (giou) are clamped below at `eps`, so degenerate boxes give 0, not NaN.
    /// Empty inputs give an empty result of the right shape.
    public static func bboxOverlaps(_ bboxes1: Tensor, _ bboxes2: Tensor, mode: String = "iou",
                                    isAligned: Bool = false, eps: Double = 1e-6) throws -> Tensor {
        guard ["iou", "iof", "giou"].contains(mode) else {
            throw CoreError("bbox_overlaps(): unsupported mode '\(mode)' (expected 'iou', 'iof' or 'giou')")
        }
        // mmdet asserts the shapes (last dimension 4, equal batch dimensions, rows == cols when
        // aligned): AssertionError, as there
        func split(_ t: Tensor, _ name: String) throws -> (batch: [Int], rows: Int) {
            if t.rank == 1 && t.count == 0 { return ([], 0) }
            guard t.rank >= 2, t.shape[t.rank - 1] == 4 || t.shape[t.rank - 2] == 0 else {
                throw CoreError("bbox_overlaps(): '\(name)' must have shape (..., m, 4), got \(Tensor.formatShape(t.shape))", kind: "AssertionError")
            }
            return (Array(t.shape.dropLast(2)), t.shape[t.rank - 2])
        }
        let (batch1, rows) = try split(bboxes1, "bboxes1")
        let (batch2, cols) = try split(bboxes2, "bboxes2")
        guard batch1 == batch2 else {
            throw CoreError("bbox_overlaps(): batch dimensions differ: bboxes1 \(Tensor.formatShape(bboxes1.shape)) vs bboxes2 \(Tensor.formatShape(bboxes2.shape))", kind: "AssertionError")
        }
        if isAligned && rows != cols {
            throw CoreError("bbox_overlaps(): is_aligned=True needs the same number of boxes, got \(rows) and \(cols)", kind: "AssertionError")
        }
        let outShape = batch1 + (isAligned ? [rows] : [rows, cols])
        let nb = batch1.reduce(1, *)
        let dtype = BoxArgs.workingType(bboxes1, bboxes2)
        _ = try Tensor.checkedAllocationCount(outShape, dtype: dtype)
        if rows * cols == 0 {
            return dtype == .float64 ? Double.tensor(shape: outShape, []) : Float.tensor(shape: outShape, [])
        }
        if dtype == .float64 {
            return Double.tensor(shape: outShape, mmdetKernel(Double.array(bboxes1), Double.array(bboxes2), batches: nb, rows: rows, cols: cols,
                                                              mode: mode, aligned: isAligned, eps: Double(eps)))
        }
        return Float.tensor(shape: outShape, mmdetKernel(Float.array(bboxes1), Float.array(bboxes2), batches: nb, rows: rows, cols: cols,
                                                         mode: mode, aligned: isAligned, eps: Float(eps)))
    }

    static func mmdetKernel<T: BoxScalar>(_ a: [T], _ b: [T], batches: Int, rows: Int, cols: Int,
                                          mode: String, aligned: Bool, eps: T) -> [T] {
        let iof = mode == "iof", giou = mode == "giou"
        var out = [T](repeating: 0, count: batches * (aligned ? rows : rows * cols))
        var o = 0
        for bi in 0..<batches {
            let a0 = bi * rows * 4, b0 = bi * cols * 4
            for i in 0..<rows {
                let p = a0 + 4 * i
                let ax1 = a[p], ay1 = a[p + 1], ax2 = a[p + 2], ay2 = a[p + 3]
                let area1 = (ax2 - ax1) * (ay2 - ay1)
                for j in (aligned ? i..<(i + 1) : 0..<cols) {
                    let q = b0 + 4 * j
                    let bx1 = b[q], by1 = b[q + 1], bx2 = b[q + 2], by2 = b[q + 3]
                    let area2 = (bx2 - bx1) * (by2 - by1)
                    let w = clampMin0(minimum(ax2, bx2) - maximum(ax1, bx1))
                    let h = clampMin0(minimum(ay2, by2) - maximum(ay1, by1))
                    let overlap = w * h
                    var union = iof ? area1 : area1 + area2 - overlap
                    union = maximum(union, eps)
                    let ious = overlap / union
                    if giou {
                        let ew = clampMin0(maximum(ax2, bx2) - minimum(ax1, bx1))
                        let eh = clampMin0(maximum(ay2, by2) - minimum(ay1, by1))
                        let enclose = maximum(ew * eh, eps)
                        out[o] = ious - (enclose - union) / enclose
                    } else {
                        out[o] = ious
                    }
                    o += 1
                }
            }
        }
        return out
    }
}

// torch semantics for NaN: clamp/max/min propagate NaN.
@inline(__always) func clampMin0<T: BinaryFloatingPoint>(_ x: T) -> T { x < 0 ? 0 : x }
@inline(__always) func maximum<T: BinaryFloatingPoint>(_ x: T, _ y: T) -> T { x.isNaN || x > y ? x : y }
@inline(__always) func minimum<T: BinaryFloatingPoint>(_ x: T, _ y: T) -> T { x.isNaN || x < y ? x : y }
