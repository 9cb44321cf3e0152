#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The first maximum of per-position keys under point updates (a tournament tree): the
/// selection step of both Soft-NMS kernels in O(log n) instead of a scan of every remaining box.
/// Ties go to the lower position, as the kernels' `a < b` scans keep the first maximum.
struct FirstMaxTree {
    /// Below every live key: positions outside the scanned range.
    static let removed = -Double.infinity
    /// A score as a key with the kernels' order for the scan: NaN is never taken over anything
    /// (below −∞), −∞ above it, the rest as they compare. (The scans take a NaN only when it sits
    /// at their starting position; the kernels check that position themselves.)
    @inline(__always) static func key<T: BinaryFloatingPoint>(_ s: T) -> Double {
        if s.isNaN { return -Double.greatestFiniteMagnitude }
        if s.isInfinite && s < 0 { return -1e300 }
        return Double(s)
    }

    private var keys: [Double]
    private var node: [Int32]
    private let size: Int

    init(count n: Int) {
        var p = 1
        while p < Swift.max(1, n) { p <<= 1 }
        size = p
        keys = [Double](repeating: Self.removed, count: p)
        node = [Int32](repeating: 0, count: 2 * p)
        for i in 0..<p { node[p + i] = Int32(i) }
        for v in stride(from: p - 1, to: 0, by: -1) { node[v] = node[2 * v] }
    }

    /// Sets every key at once, then rebuilds.
    mutating func build(_ f: (Int) -> Double) {
        for i in 0..<size { keys[i] = f(i) }
        for v in stride(from: size - 1, to: 0, by: -1) { node[v] = winner(node[2 * v], node[2 * v + 1]) }
    }

    @inline(__always) private func winner(_ l: Int32, _ r: Int32) -> Int32 {
        keys[Int(r)] > keys[Int(l)] ? r : l
    }

    /// Stops at the first node that `pos` neither won before nor wins now: its winner is then
    /// unchanged (a key that fell cannot start winning, one that rose and still loses leaves the
    /// winner as it was), so no node above changes — most decays touch a level or two.
    mutating func set(_ pos: Int, _ k: Double) {
        keys[pos] = k
        let p = Int32(pos)
        var v = (pos + size) >> 1
        while v >= 1 {
            let old = node[v]
            node[v] = winner(node[2 * v], node[2 * v + 1])
            if old != p && node[v] != p { return }
            v >>= 1
        }
    }

    /// The position of the first maximum key.
    var first: Int { Int(node[1]) }
    /// Whether every key is `removed`.
    var isEmpty: Bool { keys[Int(node[1])] == Self.removed }
}

extension SoftNMS {
    /// Inputs the indexed kernel handles with exactly the reference's results: finite coordinates
    /// below 1e18 in magnitude (no overflow in any width, area or sum), and parameters for which a
    /// pair with zero intersection keeps its score — `IoU` is then `±0` or NaN, giving weight 1
    /// in linear, in naive when `thr > 0` (or NaN), and in gaussian when `sigma` is neither 0 nor
    /// NaN and every area is positive (so `IoU` is not NaN).
    static func indexable(_ boxes: [Float], iouThreshold thr: Float, sigma: Float, method: Method, offset: Float) -> Bool {
        for v in boxes where !(Swift.abs(v) < 1e18) { return false }
        switch method {
        case .linear: return true
        case .naive: return !(thr <= 0)
        case .gaussian:
            guard sigma != 0, !sigma.isNaN else { return false }
            for k in 0..<(boxes.count / 4) {
                let area = (boxes[4 * k + 2] - boxes[4 * k] + offset) * (boxes[4 * k + 3] - boxes[4 * k + 1] + offset)
                if !(area > 0) { return false }
            }
            return true
        }
    }

    /// The index of the indexed kernel's queries: boxes whose IoU can reach the threshold
    /// (`IoUWindowIndex`) for linear and naive, else (gaussian, or inputs it rejects) boxes that
    /// can meet at all (`BoxGrid`, margin 0 for offset 0 and 2 for offset 1: `fl(fl(xx2 − xx1) + 1) > 0`
    /// needs `x1_j < x2_i + 1 + 2⁻²³`).
    static func candidateIndex(_ boxes: [Float], ids: [Int], iouThreshold thr: Float, method: Method, offset: Float, window: Bool) -> BoxCandidateIndex {
        boxes.withUnsafeBufferPointer { b in
            makeCandidateIndex(b, ids: ids, window: window && method != .gaussian, tau: Double(thr), offset: Double(offset),
                               unitRoundoff: 0x1p-24, minimumArea: 1e-30, margin: offset == 0 ? 0 : 2)
        }
    }

    /// Boxes from which the indexed kernels start (below, the brute-force kernel is faster).
    static let indexedMinimum = 64

    /// `kernel` with the same decisions and order, sub-quadratic for spread-out boxes. Falls back
    /// to `kernel` for inputs `indexable` rejects.
    ///
    /// Step 0 is the reference loop (it examines every box and drops those already below
    /// `min_score`). From step 1 on a box is examined with weight exactly 1 unless the
    /// `candidateIndex` returns it for the selected box, and such a box keeps its score and stays
    /// `>= min_score` (it passed an earlier examination), so only returned boxes are decayed and
    /// only they can be dropped; selected and dropped boxes leave the index. Drops replay the reference's swap-with-last in position order (a dropped box's slot
    /// takes the last box, which is examined there), and the first strictly-largest score of
    /// positions `i..<nboxes` comes from a `FirstMaxTree` over positions.
    ///
    /// `window`: whether to try the `IoUWindowIndex` (default: yes — with its flat cells it is
    /// cheaper than the overlap grid at every size; `false` keeps the grid, for the tests).
    static func kernelIndexed(_ boxes: [Float], _ scores: [Float], iouThreshold thr: Float, sigma: Float, minScore: Float,
                              method: Method, offset: Float, window: Bool? = nil) -> (dets: [Float], inds: [Int]) {
        let n = scores.count
        guard n > 1, indexable(boxes, iouThreshold: thr, sigma: sigma, method: method, offset: offset) else {
            return kernel(boxes, scores, iouThreshold: thr, sigma: sigma, minScore: minScore, method: method, offset: offset)
        }
        var areas = [Float](repeating: 0, count: n)
        for k in 0..<n { areas[k] = (boxes[4 * k + 2] - boxes[4 * k] + offset) * (boxes[4 * k + 3] - boxes[4 * k + 1] + offset) }
        var sc = scores                      // per box
        var at = Array(0..<n)                // position → box
        var posOf = Array(0..<n)             // box → position
        var nboxes = n
        var dets = [Float](repeating: 0, count: n * 5)

        @inline(__always) func weight(_ i: Int, _ j: Int) -> Float {
            // The reference's arithmetic, box i selected, box j examined.
            let ix1 = boxes[4 * i], iy1 = boxes[4 * i + 1], ix2 = boxes[4 * i + 2], iy2 = boxes[4 * i + 3]
            let jx1 = boxes[4 * j], jy1 = boxes[4 * j + 1], jx2 = boxes[4 * j + 2], jy2 = boxes[4 * j + 3]
            let xx1 = ix1 < jx1 ? jx1 : ix1
            let yy1 = iy1 < jy1 ? jy1 : iy1
            let xx2 = jx2 < ix2 ? jx2 : ix2
            let yy2 = jy2 < iy2 ? jy2 : iy2
            let wr = xx2 - xx1 + offset, hr = yy2 - yy1 + offset
            let w: Float = 0 < wr ? wr : 0
            let h: Float = 0 < hr ? hr : 0
            let inter = w * h
            let ovr = inter / (areas[i] + areas[j] - inter)
            switch method {
            case .naive: return ovr >= thr ? 0 : 1
            case .linear: return ovr >= thr ? 1 - ovr : 1
            case .gaussian: return exp(-(ovr * ovr) / sigma)
            }
        }
        @inline(__always) func emit(_ i: Int) {
            let b = at[i]
            dets[5 * i] = boxes[4 * b]; dets[5 * i + 1] = boxes[4 * b + 1]; dets[5 * i + 2] = boxes[4 * b + 2]
            dets[5 * i + 3] = boxes[4 * b + 3]; dets[5 * i + 4] = sc[b]
        }
        @inline(__always) func swapPositions(_ p: Int, _ q: Int) {
            let a = at[p], b = at[q]
            at[p] = b; at[q] = a; posOf[b] = p; posOf[a] = q
        }

        // Step 0: the reference loop.
        do {
            var maxPos = 0
            for pos in 1..<nboxes where sc[at[maxPos]] < sc[at[pos]] { maxPos = pos }
            swapPositions(0, maxPos)
            emit(0)
            let i = at[0]
            var pos = 1
            while pos < nboxes {
                let j = at[pos]
                sc[j] *= weight(i, j)
                if sc[j] < minScore {
                    at[pos] = at[nboxes - 1]; posOf[at[pos]] = pos
                    nboxes -= 1
                    continue
                }
                pos += 1
            }
        }

        var live = [Bool](repeating: false, count: n)   // examined by every step so far, not selected
        for p in 1..<nboxes { live[at[p]] = true }
        let grid = candidateIndex(boxes, ids: Array(at[1..<nboxes]), iouThreshold: thr, method: method, offset: offset,
                                  window: window ?? true)
        var tree = FirstMaxTree(count: n)
        let firstLive = nboxes
        tree.build { p in p >= 1 && p < firstLive ? FirstMaxTree.key(sc[at[p]]) : FirstMaxTree.removed }
        var dropping = [Bool](repeating: false, count: n)
        var dropPositions: [Int] = []
        var i = 1
        while i < nboxes {
            if trickInterruptRequested != 0 { break }   // Ctrl-C: the caller discards the result
            // The first strictly-largest score of positions i..<nboxes (the scan starts at i, so a
            // NaN there stays).
            let maxPos = sc[at[i]].isNaN ? i : tree.first
            if maxPos != i {
                swapPositions(i, maxPos)
                tree.set(maxPos, FirstMaxTree.key(sc[at[maxPos]]))
            }
            tree.set(i, FirstMaxTree.removed)
            emit(i)
            let s = at[i]
            live[s] = false
            grid.remove(s, Double(boxes[4 * s]), Double(boxes[4 * s + 1]), Double(boxes[4 * s + 2]), Double(boxes[4 * s + 3]))
            dropPositions.removeAll(keepingCapacity: true)
            grid.forEachCandidate(Double(boxes[4 * s]), Double(boxes[4 * s + 1]), Double(boxes[4 * s + 2]), Double(boxes[4 * s + 3])) { j in
                guard live[j] else { return }
                let old = sc[j]
                sc[j] = old * weight(s, j)
                let p = posOf[j]
                if sc[j] < minScore {
                    dropping[j] = true
                    dropPositions.append(p)
                } else if !(sc[j] == old) {   // most candidates keep their score (weight 1)
                    tree.set(p, FirstMaxTree.key(sc[j]))
                }
            }
            if !dropPositions.isEmpty {
                dropPositions.sort()
                for p in dropPositions {
                    if p >= nboxes { break }
                    while p < nboxes && dropping[at[p]] {
                        let j = at[p], last = nboxes - 1
                        dropping[j] = false
                        live[j] = false
                        grid.remove(j, Double(boxes[4 * j]), Double(boxes[4 * j + 1]), Double(boxes[4 * j + 2]), Double(boxes[4 * j + 3]))
                        at[p] = at[last]; posOf[at[p]] = p
                        tree.set(p, FirstMaxTree.key(sc[at[p]]))
                        tree.set(last, FirstMaxTree.removed)
                        nboxes -= 1
                    }
                }
            }
            i += 1
        }
        return (Array(dets[..<(5 * nboxes)]), Array(at[..<nboxes]))
    }
}

extension EnsembleBoxes {
    /// Inputs `softNMSIndexed` handles with exactly `softNMS`'s results: finite coordinates below
    /// 1e150 in magnitude, and parameters for which a pair with zero intersection keeps its score
    /// (`IoU` is then `±0` or NaN): always in linear, in the hard branch unless `nt < 0`, in
    /// gaussian when `sigma` is neither 0 nor NaN and every area is positive.
    static func softNMSIndexable(_ boxes: [Double], nt: Double, sigma: Double, method: Int) -> Bool {
        for v in boxes where !(Swift.abs(v) < 1e150) { return false }
        switch method {
        case 1: return true
        case 2:
            guard sigma != 0, !sigma.isNaN else { return false }
            for k in 0..<(boxes.count / 4) where !((boxes[4 * k + 2] - boxes[4 * k]) * (boxes[4 * k + 3] - boxes[4 * k + 1]) > 0) {
                return false
            }
            return true
        default: return !(nt < 0)
        }
    }

    /// Boxes from which `softNMSRun` takes the indexed kernel.
    static let softNMSIndexedMinimum = 64

    static func softNMSRun(_ boxes: [Double], _ scores: [Double], nt: Double, sigma: Double, thresh: Double, method: Int) -> [Int] {
        scores.count >= softNMSIndexedMinimum
            ? softNMSIndexed(boxes, scores, nt: nt, sigma: sigma, thresh: thresh, method: method)
            : softNMS(boxes, scores, nt: nt, sigma: sigma, thresh: thresh, method: method)
    }

    /// Whether a box whose score is `<= thresh` can be set aside for good (`softNMSIndexed`): every
    /// score finite and `>= 0`, `thresh >= 0`, every area positive and every weight in [0, 1] —
    /// linear `1 − IoU` and the hard branch always (`IoU` is in [0, 1]: `inter <= min(area)` and
    /// `fl(fl(a_i + a_j) − inter) >= inter`), gaussian when `sigma > 0`. Then scores never rise,
    /// stay finite (no NaN), and a score `<= thresh` stays there.
    static func softNMSPrunable(_ areas: [Double], _ scores: [Double], sigma: Double, thresh: Double, method: Int) -> Bool {
        guard thresh >= 0, method != 2 || sigma > 0 else { return false }
        for s in scores where !(s >= 0 && s.isFinite) { return false }
        for a in areas where !(a > 0) { return false }
        return true
    }

    /// `softNMS` with the same kept list and order, sub-quadratic for spread-out boxes (falls back to
    /// `softNMS` for inputs `softNMSIndexable` rejects). Only boxes whose IoU with the selected one
    /// can exceed `nt` (`IoUWindowIndex`, linear and hard) or that meet it at all (gaussian, or inputs
    /// the window rejects: `BoxGrid`, margin 0: `min(x2) − max(x1) > 0` needs `x1_j < x2_i` and
    /// `x1_i < x2_j`) are decayed — every other later box is multiplied by exactly 1 — and the first maximum of the
    /// positions after `i` comes from a `FirstMaxTree` (a NaN right after `i` stays, as the scan
    /// starts there). A selected box leaves the grid.
    ///
    /// When `softNMSPrunable`, a box whose score is `<= thresh` (from the start or after a decay)
    /// also leaves the grid and the tree: it can never be kept, and it is never selected while a
    /// score above `thresh` remains (the selected box is always the first maximum), so its later
    /// decays change nothing that is returned; the positions it holds still take part in the swaps
    /// (its stale score is `<= thresh` as the true one). Once the box at `i` and every later box
    /// are at or below `thresh`, the loop stops: no later box can be kept.
    ///
    /// `window`: as in `SoftNMS.kernelIndexed`.
    static func softNMSIndexed(_ boxes: [Double], _ scores: [Double], nt: Double, sigma: Double, thresh: Double, method: Int,
                               window: Bool? = nil) -> [Int] {
        let n = scores.count
        guard n > 1, softNMSIndexable(boxes, nt: nt, sigma: sigma, method: method) else {
            return softNMS(boxes, scores, nt: nt, sigma: sigma, thresh: thresh, method: method)
        }
        var areas = [Double](repeating: 0, count: n)
        for k in 0..<n {
            let w: Double = boxes[4 * k + 2] - boxes[4 * k]
            let h: Double = boxes[4 * k + 3] - boxes[4 * k + 1]
            areas[k] = w * h
        }
        var sc = scores                      // per box
        var at = Array(0..<n)                // position → box
        var posOf = Array(0..<n)             // box → position
        let pruning = softNMSPrunable(areas, scores, sigma: sigma, thresh: thresh, method: method)
        var live = [Bool](repeating: true, count: n)   // not selected (and, pruning, above thresh)
        for k in 0..<n where pruning && sc[k] <= thresh { live[k] = false }
        let ids = (0..<n).filter { live[$0] }
        let grid = boxes.withUnsafeBufferPointer { b in
            makeCandidateIndex(b, ids: ids, window: (window ?? true) && method != 2, tau: nt, offset: 0,
                               unitRoundoff: 0x1p-53, minimumArea: 1e-290, margin: 0)
        }
        var tree = FirstMaxTree(count: n)
        tree.build { p in p < n && live[p] ? FirstMaxTree.key(sc[p]) : FirstMaxTree.removed }
        var setAside: [Int] = []
        @inline(__always) func leaveGrid(_ b: Int) { grid.remove(b, boxes[4 * b], boxes[4 * b + 1], boxes[4 * b + 2], boxes[4 * b + 3]) }
        for i in 0..<n {
            if trickInterruptRequested != 0 { break }   // Ctrl-C: the caller discards the result
            tree.set(i, FirstMaxTree.removed)
            if pruning && tree.isEmpty {
                if sc[at[i]] <= thresh { break }   // this box and every later one are at or below thresh
            } else if i != n - 1 {
                let maxpos = sc[at[i + 1]].isNaN ? i + 1 : tree.first
                if sc[at[i]] < sc[at[maxpos]] {
                    let a = at[i], b = at[maxpos]
                    at[i] = b; at[maxpos] = a; posOf[b] = i; posOf[a] = maxpos
                    tree.set(maxpos, live[a] ? FirstMaxTree.key(sc[a]) : FirstMaxTree.removed)
                }
            }
            let a = at[i]
            if live[a] { live[a] = false; leaveGrid(a) }
            setAside.removeAll(keepingCapacity: true)
            grid.forEachCandidate(boxes[4 * a], boxes[4 * a + 1], boxes[4 * a + 2], boxes[4 * a + 3]) { bIdx in
                guard live[bIdx] else { return }
                // softNMS's arithmetic (x and y roles swapped as there).
                let yy: Double = Swift.min(boxes[4 * a + 3], boxes[4 * bIdx + 3]) - Swift.max(boxes[4 * a + 1], boxes[4 * bIdx + 1])
                let xx: Double = Swift.min(boxes[4 * a + 2], boxes[4 * bIdx + 2]) - Swift.max(boxes[4 * a], boxes[4 * bIdx])
                let w: Double = yy > 0 ? yy : 0
                let h: Double = xx > 0 ? xx : 0
                let inter = w * h
                let ovr = inter / (areas[a] + areas[bIdx] - inter)
                let weight: Double
                switch method {
                case 1: weight = ovr > nt ? 1 - ovr : 1
                case 2: weight = Double.exponential(-(ovr * ovr) / sigma)
                default: weight = ovr > nt ? 0 : 1
                }
                let old = sc[bIdx]
                sc[bIdx] = weight * old
                guard !(sc[bIdx] == old) else { return }   // most keep theirs (weight 1)
                if pruning && sc[bIdx] <= thresh {
                    live[bIdx] = false
                    tree.set(posOf[bIdx], FirstMaxTree.removed)
                    setAside.append(bIdx)
                } else {
                    tree.set(posOf[bIdx], FirstMaxTree.key(sc[bIdx]))
                }
            }
            for b in setAside { leaveGrid(b) }
        }
        return (0..<n).filter { sc[at[$0]] > thresh }.map { at[$0] }
    }
}
