/// Greedy hard NMS: torchvision `nms` / `batched_nms` and MMCV `nms` / `nms_match`.
/// See reference/boxes-nms-ensembling-assign.md §2.1–2.5 and §2.8.
///
/// Tie rule: equal scores keep ascending original index (a stable descending sort). torchvision
/// (≥ 0.12) sorts stably, so this is exact there; MMCV's sort is unstable upstream and the
/// reference spec fixes the stable rule for it (§2.4). NaN scores sort first, as torch's
/// descending sort does.
public enum NMS {
    // MARK: Kernels on flat arrays

    /// Positions `0..<n` sorted by score, descending; ties by ascending index; NaN first.
    /// Float32 scores take a radix sort of the same order (`floatDescendingOrder`).
    static func descendingOrder<T: BinaryFloatingPoint>(_ s: [T]) -> [Int] {
        if T.self == Float.self { return floatDescendingOrder(unsafeBitCast(s, to: [Float].self)) }
        return descendingOrderByComparison(s)
    }

    /// `descendingOrder` for float32 as a stable radix sort: key 0 for NaN, else the complement of
    /// the order-preserving bit pattern (sign bit flipped for positives, all bits for negatives)
    /// with -0 taken as +0, so equal scores share a key and stay in index order.
    static func floatDescendingOrder(_ s: [Float]) -> [Int] {
        RadixSort.order(s.map { v in
            if v.isNaN { return 0 }
            let bits = (v == 0 ? Float(0) : v).bitPattern
            return ~(bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000)
        })
    }

    /// The comparison sort behind `descendingOrder` (the reference for `floatDescendingOrder`).
    static func descendingOrderByComparison<T: BinaryFloatingPoint>(_ s: [T]) -> [Int] {
        Array(s.indices).sorted { i, j in
            let a = s[i], b = s[j]
            if a.isNaN || b.isNaN {
                if a.isNaN && b.isNaN { return i < j }
                return a.isNaN
            }
            return a > b || (a == b && i < j)
        }
    }

    /// The canonical greedy loop over `order`: box `i` suppresses later box `j` when
    /// `IoU(i, j) > threshold`. IoU is `inter / (area_i + area_j - inter)` with `offset` added to
    /// widths and heights (0 or 1), all in `T`. Returns the kept original indices in `order`.
    /// Float32 boxes without NaN take `greedyFloat` (same kept list).
    static func greedy<T: BoxScalar>(_ boxes: [T], order: [Int], offset: T = 0, above thr: T) -> [Int] {
        if T.self == Float.self, !boxes.contains(where: { $0.isNaN }) {
            return greedyFloat(unsafeBitCast(boxes, to: [Float].self), order: order,
                               offset: offset as! Float, above: thr as! Float)
        }
        let n = order.count
        var areas = [T](repeating: 0, count: boxes.count / 4)
        for k in 0..<areas.count {
            areas[k] = (boxes[4 * k + 2] - boxes[4 * k] + offset) * (boxes[4 * k + 3] - boxes[4 * k + 1] + offset)
        }
        var suppressed = [Bool](repeating: false, count: n)
        var keep: [Int] = []
        boxes.withUnsafeBufferPointer { b in
            for p in 0..<n where !suppressed[p] {
                if trickInterruptRequested != 0 { break }   // Ctrl-C: the caller discards the result
                let i = order[p]
                keep.append(i)
                let ix1 = b[4 * i], iy1 = b[4 * i + 1], ix2 = b[4 * i + 2], iy2 = b[4 * i + 3]
                let iarea = areas[i]
                for q in (p + 1)..<max(n, p + 1) where !suppressed[q] {
                    let j = order[q]
                    let w = max(0, minimum(ix2, b[4 * j + 2]) - maximum(ix1, b[4 * j]) + offset)
                    let h = max(0, minimum(iy2, b[4 * j + 3]) - maximum(iy1, b[4 * j + 1]) + offset)
                    let inter = w * h
                    let ovr = inter / (iarea + areas[j] - inter)
                    if ovr > thr { suppressed[q] = true }
                }
            }
        }
        return keep
    }

    /// `greedy` for float32 boxes without NaN. The brute-force kernel starts; with a threshold
    /// `thr >= 0` it hands the m undecided boxes (m > `indexedMinimum`) to the exact spatial
    /// index (`greedyIndexed`) once the pairs it has tested reach `indexSwitchFactor` × m and
    /// the boxes are spread out (`overlapFraction` ≤ `indexMaxOverlapFraction`): inputs where
    /// each box meets a good part of the others (one cluster, one spot) finish in the
    /// brute-force kernel, spread-out ones move to the index early. The index hands back to
    /// brute force when its leaf bounds prune nothing anyway.
    /// A negative threshold (every pair passes `IoU > thr`, overlapping or not) stays brute force.
    static func greedyFloat(_ boxes: [Float], order: [Int], offset: Float, above thr: Float) -> [Int] {
        greedyFloatBrute(boxes, order: order, offset: offset, above: thr, switchToIndex: thr >= 0)
    }

    /// The hand-over rule of `greedyFloat` (a pair costs ~0.5 ns, the index ~100–300 ns a box).
    static let indexSwitchFactor = 128
    static let indexMaxOverlapFraction: Float = 0.2
    static let indexedMinimum = 512

    /// Rough share of the undecided boxes in `start..<end` that a typical one overlaps, from a
    /// sample of ≤ 256: (2 × mean width / spread of the centres) × (the same in y), each capped
    /// at 1; the spread is the 5th–95th percentile range. Only the speed depends on it.
    static func overlapFraction(_ x1: UnsafeMutablePointer<Float>, _ y1: UnsafeMutablePointer<Float>,
                                _ x2: UnsafeMutablePointer<Float>, _ y2: UnsafeMutablePointer<Float>,
                                _ sup: UnsafeMutablePointer<UInt32>, _ start: Int, _ end: Int) -> Float {
        var cx: [Float] = [], cy: [Float] = [], sw: Float = 0, sh: Float = 0
        for r in stride(from: start, to: end, by: Swift.max(1, (end - start) / 256)) where sup[r] == 0 {
            let w = x2[r] - x1[r], h = y2[r] - y1[r], mx = x1[r] * 0.5 + x2[r] * 0.5, my = y1[r] * 0.5 + y2[r] * 0.5
            guard w.isFinite, h.isFinite, mx.isFinite, my.isFinite else { continue }
            sw += Swift.max(0, w); sh += Swift.max(0, h)
            cx.append(mx); cy.append(my)
        }
        guard cx.count >= 16 else { return 1 }
        cx.sort(); cy.sort()
        let lo = cx.count / 20, hi = cx.count - 1 - cx.count / 20
        let n = Float(cx.count)
        let fx = (cx[hi] - cx[lo]) > 0 ? Swift.min(1, 2 * sw / n / (cx[hi] - cx[lo])) : 1
        let fy = (cy[hi] - cy[lo]) > 0 ? Swift.min(1, 2 * sh / n / (cy[hi] - cy[lo])) : 1
        return fx.isNaN || fy.isNaN ? 1 : fx * fy
    }

    /// `greedyFloatBrute` restricted to the pairs that can pass, with the same kept list.
    ///
    /// Why it is exact: `ovr = inter / (…)` with `inter = w * h`, `w, h >= 0`, so with
    /// `thr >= 0` (NaN and negative thresholds take the brute-force kernel) `ovr > thr` needs
    /// `inter > 0`, hence `w0 > 0` and `h0 > 0` in `suppressLater`'s arithmetic.
    /// `fl(fl(a - c) + off) > 0` (a = min of the right edges, c = max of the left edges) implies
    /// `a - c > -off` in exact arithmetic, so `fl(ix2 + off) >= bx1` and `fl(bx2 + off) >= ix1`
    /// (rounding is monotone and `bx1`, `ix1` are floats; the infinite cases check the same way),
    /// likewise in y. `NMSBoxIndex` groups the boxes into leaves of `leafSize` (Morton order of
    /// the centres) and leaves into nodes, each with the bounds min x1, min y1,
    /// fl(max x2 + off), fl(max y2 + off) of its live boxes; a kept box skips a node or leaf only
    /// when these `>=` tests fail, i.e. when no box in it can pass. Every box of a visited leaf is
    /// tested with `suppressLater`'s expression, the kept box playing `i` as there (testing more
    /// boxes than needed never changes a flag that matters). Flagging boxes earlier in score
    /// order (already decided) changes nothing, so the leaves need no score order. Dead boxes
    /// (kept or suppressed) are squeezed out of the leaves once the work spent on them exceeds
    /// the cost of a rebuild. `NMSIndexTests` compares the kept lists with `greedyFloatBrute`.
    /// With `handBack`, after 32 kept boxes whose queries tested ≥ 90 % of the entries, the
    /// undecided boxes go back to `greedyFloatBrute` (exact for the same reason as the switch).
    static func greedyIndexed(_ boxes: [Float], order: [Int], offset: Float, above thr: Float,
                              handBack: Bool = false) -> [Int] {
        let n = order.count
        guard n > 0, thr >= 0 else {
            return greedyFloatBrute(boxes, order: order, offset: offset, above: thr)
        }
        let index = boxes.withUnsafeBufferPointer { NMSBoxIndex(boxes: $0.baseAddress!, order: order, offset: offset) }
        var keep: [Int] = []
        var dead = 0, waste = 0.0, scannedSum = 0, entriesSum = 0
        for p in 0..<n {
            if trickInterruptRequested != 0 { break }   // Ctrl-C: the caller discards the result
            let s = index.slot[p]
            if s < 0 { continue }
            dead += 1   // kept now, or suppressed earlier
            if index.flag[s] != 0 { continue }
            keep.append(order[p])
            index.flag[s] = 1
            let scanned = index.suppress(from: s, above: thr)
            if handBack && keep.count <= 32 {
                scannedSum += scanned
                entriesSum += index.count
                if keep.count == 32 && scannedSum * 10 >= entriesSum * 9 {
                    var rest: [Int] = []
                    for r in (p + 1)..<n where index.slot[r] >= 0 && index.flag[index.slot[r]] == 0 { rest.append(order[r]) }
                    return keep + greedyFloatBrute(boxes, order: rest, offset: offset, above: thr)
                }
            }
            // Dead entries tested ≈ scanned × dead / count (boxes suppressed but not yet reached
            // count once reached); squeeze them out once that work adds up to a rebuild (about
            // three kernel evaluations per entry).
            waste += Double(scanned) * Double(dead) / Double(Swift.max(index.count, 1))
            if waste >= 3 * Double(index.count) {
                index.compact()
                dead = 0
                waste = 0
            }
        }
        return keep
    }

    /// The brute-force greedy kernel for float32 boxes without NaN, in a loop the compiler
    /// vectorises (the reference for `greedyIndexed`, and the path for `thr < 0`). The boxes are
    /// laid out in score order as separate coordinate arrays; each kept box tests every later box,
    /// OR-ing into the suppressed flags: the reference kernels skip boxes already suppressed,
    /// which cannot change any flag. Each element evaluates the scalar expression exactly:
    /// without NaN, `minimum`/`maximum` are the selects `a < b ? a : b` / `a > b ? a : b`, and
    /// `max(0, w)` is `w >= 0 ? w : 0`; IEEE `+ − × ÷` are the same in every lane.
    /// With `switchToIndex` (only for `thr >= 0`), the undecided boxes go to `greedyIndexed` by
    /// `greedyFloat`'s rule: greedy from any point depends only on them, in score order.
    static func greedyFloatBrute(_ boxes: [Float], order: [Int], offset: Float, above thr: Float,
                                 switchToIndex: Bool = false) -> [Int] {
        let n = order.count
        if n == 0 { return [] }
        let f = UnsafeMutablePointer<Float>.allocate(capacity: 5 * n)
        let sup = UnsafeMutablePointer<UInt32>.allocate(capacity: n)
        let ord = UnsafeMutablePointer<Int>.allocate(capacity: n)
        defer { f.deallocate(); sup.deallocate(); ord.deallocate() }
        sup.initialize(repeating: 0, count: n)
        let x1 = f, y1 = f + n, x2 = f + 2 * n, y2 = f + 3 * n, areas = f + 4 * n
        for (p, i) in order.enumerated() {
            ord[p] = i
            x1[p] = boxes[4 * i]; y1[p] = boxes[4 * i + 1]; x2[p] = boxes[4 * i + 2]; y2[p] = boxes[4 * i + 3]
            areas[p] = (x2[p] - x1[p] + offset) * (y2[p] - y1[p] + offset)
        }
        var keep: [Int] = []
        // Positions [0, live) hold the boxes still in play, in score order. Every so often the
        // suppressed boxes after `p` are squeezed out (order kept), so later passes skip them.
        var live = n, p = 0, keptSinceCompaction = 0, pairs = 0, nextCheck = 0
        while p < live {
            if trickInterruptRequested != 0 { break }   // Ctrl-C: the caller discards the result
            if sup[p] == 0 {
                keep.append(ord[p])
                suppressLater(x1, y1, x2, y2, areas, sup, p, live, offset, thr)
                keptSinceCompaction += 1
                pairs += live - p - 1
                let m = live - p - 1   // boxes after p, some already suppressed
                if switchToIndex && m > indexedMinimum && pairs >= nextCheck && pairs >= indexSwitchFactor * m {
                    nextCheck = 2 * pairs   // not spread out enough: look again after twice the work
                    if overlapFraction(x1, y1, x2, y2, sup, p + 1, live) <= indexMaxOverlapFraction {
                        var rest: [Int] = []
                        for r in (p + 1)..<live where sup[r] == 0 { rest.append(ord[r]) }
                        return keep + greedyIndexed(boxes, order: rest, offset: offset, above: thr, handBack: true)
                    }
                }
            }
            p += 1
            if keptSinceCompaction >= Swift.max(32, (live - p) >> 5) {
                var w = p
                for r in p..<live where sup[r] == 0 {
                    x1[w] = x1[r]; y1[w] = y1[r]; x2[w] = x2[r]; y2[w] = y2[r]; areas[w] = areas[r]
                    ord[w] = ord[r]; sup[w] = 0
                    w += 1
                }
                live = w
                keptSinceCompaction = 0
            }
        }
        return keep
    }

    /// Flags every box `q > p` with `IoU(p, q) > thr` (the inner loop of `greedyFloatBrute`).
    @inline(__always)
    static func suppressLater(_ x1: UnsafeMutablePointer<Float>, _ y1: UnsafeMutablePointer<Float>,
                              _ x2: UnsafeMutablePointer<Float>, _ y2: UnsafeMutablePointer<Float>,
                              _ areas: UnsafeMutablePointer<Float>, _ sup: UnsafeMutablePointer<UInt32>,
                              _ p: Int, _ n: Int, _ offset: Float, _ thr: Float) {
        suppress(x1, y1, x2, y2, areas, sup, p + 1, n, x1[p], y1[p], x2[p], y2[p], areas[p], offset, thr)
    }

    /// OR-s into `flag[q]`, for `q` in `start..<end`, whether `IoU(box, q) > thr`, with the
    /// reference kernels' float32 expression. Without NaN, `minimum`/`maximum` are the selects
    /// written here and `max(0, w)` is `w >= 0 ? w : 0`, so the loop vectorises and every lane
    /// computes exactly the scalar value. Shared by the brute-force loop and the spatial index.
    @inline(never)
    static func suppress(_ x1: UnsafeMutablePointer<Float>, _ y1: UnsafeMutablePointer<Float>,
                         _ x2: UnsafeMutablePointer<Float>, _ y2: UnsafeMutablePointer<Float>,
                         _ areas: UnsafeMutablePointer<Float>, _ flag: UnsafeMutablePointer<UInt32>,
                         _ start: Int, _ end: Int,
                         _ ix1: Float, _ iy1: Float, _ ix2: Float, _ iy2: Float, _ iarea: Float,
                         _ offset: Float, _ thr: Float) {
        var q = start
        while q < end {
            let bx1 = x1[q], by1 = y1[q], bx2 = x2[q], by2 = y2[q]
            let w0 = (ix2 < bx2 ? ix2 : bx2) - (ix1 > bx1 ? ix1 : bx1) + offset
            let h0 = (iy2 < by2 ? iy2 : by2) - (iy1 > by1 ? iy1 : by1) + offset
            let w = w0 >= 0 ? w0 : 0
            let h = h0 >= 0 ? h0 : 0
            let inter = w * h
            let ovr = inter / (iarea + areas[q] - inter)
            flag[q] |= ovr > thr ? 1 : 0
            q &+= 1
        }
    }

    /// The largest `T` not above `t`: `Double(v) > t` ⇔ `v > floorT(t)` for every `v` of type `T`.
    static func floorT<T: BoxScalar>(_ t: Double, _: T.Type) -> T {
        var f = T(t)
        if Double(f) > t { f = f.nextDown }
        return f
    }

    /// torchvision's CPU kernel: stable descending sort, suppress when `IoU > thr` with the float
    /// IoU promoted to double for the comparison (the threshold is a C++ double).
    static func torchvisionKeep<T: BoxScalar>(_ boxes: [T], _ scores: [T], iouThreshold: Double) -> [Int] {
        greedy(boxes, order: descendingOrder(scores), above: floorT(iouThreshold, T.self))
    }

    /// MMCV's `nms_cpu`: float32 throughout, the threshold is a C++ float, suppress on `IoU > thr`.
    static func mmcvKeep(_ boxes: [Float], _ scores: [Float], iouThreshold: Double, offset: Int) -> [Int] {
        let thr = Float(iouThreshold)
        return greedy(boxes, order: descendingOrder(scores), offset: Float(offset), above: thr)
    }

    // MARK: torchvision

    /// torchvision `nms(boxes, scores, iou_threshold)` → int64 indices of kept boxes in
    /// decreasing score order. Empty input gives an empty tensor.
    public static func torchvision(boxes: Tensor, scores: Tensor, iouThreshold: Double) throws -> Tensor {
        let n = try BoxArgs.count(boxes, "boxes", function: "nms", kind: "RuntimeError")
        try BoxArgs.vector(scores, "scores", length: n, function: "nms", kind: "RuntimeError")
        if n == 0 { return Tensor([Int64]()) }
        let keep: [Int]
        if BoxArgs.workingType(boxes, scores) == .float64 {
            keep = torchvisionKeep(boxes.doubles, scores.doubles, iouThreshold: iouThreshold)
        } else {
            keep = torchvisionKeep(boxes.floats, scores.floats, iouThreshold: iouThreshold)
        }
        return Tensor(keep.map(Int64.init))
    }

    /// torchvision `batched_nms(boxes, scores, idxs, iou_threshold)`: NMS within each category.
    /// Up to 1000 boxes (`boxes.numel() <= 4000`, torchvision's CPU switch) it uses the coordinate
    /// trick — every box is shifted by `idx * (boxes.max() + 1)` in the box dtype, then one `nms`
    /// runs — so float rounding and order are torchvision's. Larger inputs run `nms` per class and
    /// re-sort the kept indices with torch's unstable sort (tie order reproduced by `TorchSort`).
    public static func torchvisionBatched(boxes: Tensor, scores: Tensor, idxs: Tensor, iouThreshold: Double) throws -> Tensor {
        let n = try BoxArgs.count(boxes, "boxes", function: "batched_nms", kind: "RuntimeError")
        try BoxArgs.vector(scores, "scores", length: n, function: "batched_nms", kind: "RuntimeError")
        try BoxArgs.vector(idxs, "idxs", length: n, function: "batched_nms", kind: "RuntimeError")
        if n == 0 { return Tensor([Int64]()) }
        let keep: [Int]
        if BoxArgs.workingType(boxes, scores) == .float64 {
            keep = batchedKernel(boxes.doubles, scores.doubles, idxs.doubles, iouThreshold: iouThreshold)
        } else {
            keep = batchedKernel(boxes.floats, scores.floats, idxs.doubles, iouThreshold: iouThreshold)
        }
        return Tensor(keep.map(Int64.init))
    }

    static func batchedKernel<T: BoxScalar>(_ boxes: [T], _ scores: [T], _ idxs: [Double], iouThreshold: Double) -> [Int] {
        let n = scores.count
        if n * 4 > 4000 {
            var mask = [Bool](repeating: false, count: n)
            for cls in Set(idxs).sorted() {
                let members = (0..<n).filter { idxs[$0] == cls }
                var sub: [T] = []
                sub.reserveCapacity(members.count * 4)
                for i in members { sub.append(contentsOf: boxes[(4 * i)..<(4 * i + 4)]) }
                for k in torchvisionKeep(sub, members.map { scores[$0] }, iouThreshold: iouThreshold) { mask[members[k]] = true }
            }
            // `keep_indices[scores[keep_indices].sort(descending=True)[1]]`: torch's unstable sort,
            // whose tie order TorchSort reproduces (float64 inputs: ties by index).
            let kept = (0..<n).filter { mask[$0] }
            let ks = kept.map { scores[$0] }
            let order = T.self == Float.self ? TorchSort.argsort(ks.map { Float($0) }, descending: true) : descendingOrder(ks)
            return order.map { kept[$0] }
        }
        let shifted = coordinateTrick(boxes, idxs)
        return torchvisionKeep(shifted, scores, iouThreshold: iouThreshold)
    }

    /// `boxes + (idxs.to(boxes) * (boxes.max() + 1))[:, None]`, evaluated in `T` as torch does.
    static func coordinateTrick<T: BoxScalar>(_ boxes: [T], _ idxs: [Double]) -> [T] {
        guard var maxc = boxes.first else { return boxes }
        for v in boxes where v > maxc || v.isNaN { maxc = v }
        let step = maxc + 1
        var out = boxes
        for i in 0..<idxs.count {
            let off = T(idxs[i]) * step
            for c in 0..<4 { out[4 * i + c] = boxes[4 * i + c] + off }
        }
        return out
    }

    // MARK: MMCV

    /// MMCV `nms(boxes, scores, iou_threshold, offset=0, score_threshold=0, max_num=-1)` →
    /// `(dets (K, 5), inds (K,))`, score-descending. Scores `<= score_threshold` are dropped first
    /// (strict `>` keeps; only when `score_threshold > 0`), `max_num > 0` truncates.
    public static func mmcv(boxes: Tensor, scores: Tensor, iouThreshold: Double, offset: Int = 0,
                            scoreThreshold: Double = 0, maxNum: Int = -1) throws -> (dets: Tensor, inds: Tensor) {
        let n = try BoxArgs.count(boxes, "boxes", function: "nms", kind: "AssertionError")
        try BoxArgs.vector(scores, "scores", length: n, function: "nms", kind: "AssertionError")
        guard offset == 0 || offset == 1 else { throw CoreError("nms(): offset must be 0 or 1, got \(offset)") }
        let b = boxes.floats, s = scores.floats
        let inds = mmcvIndices(b, s, iouThreshold: iouThreshold, offset: offset, scoreThreshold: scoreThreshold, maxNum: maxNum)
        return (detsTensor(b, s, inds), Tensor(inds.map(Int64.init)))
    }

    static func mmcvIndices(_ b: [Float], _ s: [Float], iouThreshold: Double, offset: Int,
                            scoreThreshold: Double, maxNum: Int) -> [Int] {
        var valid = Array(0..<s.count)
        if scoreThreshold > 0 {
            let thr = Float(scoreThreshold)
            valid = valid.filter { s[$0] > thr }
        }
        var sub: [Float] = []
        sub.reserveCapacity(valid.count * 4)
        for i in valid { sub.append(contentsOf: b[(4 * i)..<(4 * i + 4)]) }
        var keep = mmcvKeep(sub, valid.map { s[$0] }, iouThreshold: iouThreshold, offset: offset)
        if maxNum > 0 && keep.count > maxNum { keep = Array(keep[..<maxNum]) }
        return keep.map { valid[$0] }
    }

    /// `cat(boxes[inds], scores[inds, None])` as a float32 (K, 5) tensor.
    static func detsTensor(_ b: [Float], _ s: [Float], _ inds: [Int]) -> Tensor {
        var d: [Float] = []
        d.reserveCapacity(inds.count * 5)
        for i in inds { d.append(contentsOf: b[(4 * i)..<(4 * i + 4)]); d.append(s[i]) }
        return Tensor(shape: [inds.count, 5], float32: d)
    }

    /// MMCV `nms_match(dets, iou_threshold)`: greedy NMS (offset 0, suppression on `IoU >= thr`)
    /// that returns the groups `[kept, suppressed...]` in score order.
    public static func nmsMatch(dets: Tensor, iouThreshold: Double) throws -> [[Int]] {
        let n = try BoxArgs.count(dets, "dets", columns: 5, function: "nms_match")
        if n == 0 { return [] }
        let d = dets.floats
        var boxes = [Float](), scores = [Float]()
        for i in 0..<n { boxes.append(contentsOf: d[(5 * i)..<(5 * i + 4)]); scores.append(d[5 * i + 4]) }
        let thr = Float(iouThreshold)
        let order = descendingOrder(scores)
        var suppressed = [Bool](repeating: false, count: n)
        var groups: [[Int]] = []
        for p in 0..<n {
            let i = order[p]
            if suppressed[i] { continue }
            if trickInterruptRequested != 0 { break }   // Ctrl-C: the caller discards the result
            var g = [i]
            for q in (p + 1)..<max(n, p + 1) {
                let j = order[q]
                if suppressed[j] { continue }
                if pairIoU(boxes, i, j) >= thr { suppressed[j] = true; g.append(j) }
            }
            groups.append(g)
        }
        return groups
    }

    /// IoU of boxes `i` and `j` of a flat array, in the reference operation order.
    @inline(__always)
    static func pairIoU<T: BoxScalar>(_ b: [T], _ i: Int, _ j: Int, offset: T = 0) -> T {
        let ai = (b[4 * i + 2] - b[4 * i] + offset) * (b[4 * i + 3] - b[4 * i + 1] + offset)
        let aj = (b[4 * j + 2] - b[4 * j] + offset) * (b[4 * j + 3] - b[4 * j + 1] + offset)
        let w = max(0, minimum(b[4 * i + 2], b[4 * j + 2]) - maximum(b[4 * i], b[4 * j]) + offset)
        let h = max(0, minimum(b[4 * i + 3], b[4 * j + 3]) - maximum(b[4 * i + 1], b[4 * j + 1]) + offset)
        let inter = w * h
        return inter / (ai + aj - inter)
    }
}
