/// The overlap queries of the indexed Soft-NMS kernels: `BoxGrid` (every box that can meet the
/// query box) or `IoUWindowIndex` (every box whose IoU with it can reach a threshold).
protocol BoxCandidateIndex: AnyObject {
    func insert(_ id: Int, _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double)
    /// Removes an id registered with exactly these coordinates.
    func remove(_ id: Int, _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double)
    /// Calls `body(id)` once for every registered id the query can concern, in no particular order.
    func forEachCandidate(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ body: (Int) -> Void)
}

extension BoxGrid: BoxCandidateIndex {}

/// An exact index for "every registered box whose IoU with the query box, computed as the
/// Soft-NMS kernels compute it, can be `>= tau`" — the only boxes a linear or hard Soft-NMS step
/// re-weights. Boxes are filed by the binary exponents of their width and height and, within each
/// such size class, by centre in a `BoxGrid` of points; a query visits the size classes an IoU
/// of `tau` allows (widths within a factor `1/tau`) and, in each, only the centres close enough.
/// Unlike an overlap query, the work does not grow with the number of boxes that merely overlap
/// the query box (in dense detections most overlapping boxes differ in size or place too much).
///
/// Exactness (u: the unit roundoff of the kernel's float type; W = x2 − x1 + offset computed as
/// the kernel does, Ŵ the same in exact arithmetic; E = 4u(M + 1) bounds |W − Ŵ| for coordinates
/// below M in magnitude): when every positive computed area is a normal number (≥ `minimumArea`)
/// and `1e-6 ≤ tau ≤ 1`, a computed `IoU ≥ tau` implies a normal intersection `inter ≥ τ*·max(area)`
/// with τ* = tau·(1 − 8u) (the union is at least `max(area)·(1 − 3u)` because the intersection's
/// width and height are at most each box's, by monotone rounding), hence an intersection width
/// `w ≥ τ*·max(W_i, W_j)`; in exact arithmetic `ŵ ≤ (Ŵ_i + Ŵ_j)/2 − |c_i − c_j|` (c the centre)
/// and `ŵ ≤ min(Ŵ_i, Ŵ_j)`, so `Ŵ_j ∈ [τ*Ŵ_i, Ŵ_i/τ*]` and `|c_i − c_j| ≤ g(Ŵ_j)` with
/// `g(v) = (Ŵ_i + v)/2 − τ*·max(Ŵ_i, v)`, each up to a few E — the same in y. The windows below
/// add `slack` = 8u(M + 1) several times over, so no box that can reach `tau` is missed; the
/// kernel computes the exact IoU of every box returned.
final class IoUWindowIndex: BoxCandidateIndex {
    /// Thresholds below this take `BoxGrid` (the window would be most of the overlap area anyway);
    /// so do thresholds above 1, which no computed IoU reaches by more than a few roundings.
    static let minimumTau = 1e-6
    /// Boxes from which the Soft-NMS kernels take this index by default: below, `BoxGrid`'s
    /// cheaper queries win (bench-like boxes: the grid is faster at 5 000, the window at 20 000).
    static let minimumBoxes = 8192

    let tau: Double, offset: Double, slack: Double
    /// A registered box: id, doubled centre (x1 + x2, y1 + y2), width and height (as computed in Double).
    private struct Point {
        var id: Int32
        var cx: Double, cy: Double, w: Double, h: Double
    }
    /// The boxes of one size class (width in [2^ew, 2^(ew+1)), height in [2^eh, 2^(eh+1))) in a
    /// uniform grid of their centres.
    private final class SizeClass {
        /// The exact widths (heights) its boxes can have: the binade widened by 3·slack.
        let wLo: Double, wHi: Double, hLo: Double, hHi: Double
        let cellsX: Int, cellsY: Int, loX: Double, loY: Double, scaleX: Double, scaleY: Double
        var cells: [[Point]]

        init(wLo: Double, wHi: Double, hLo: Double, hHi: Double, count: Int,
             lo: (Double, Double), hi: (Double, Double), cell: (Double, Double)) {
            self.wLo = wLo; self.wHi = wHi; self.hLo = hLo; self.hHi = hHi
            func cellCount(_ a: Double, _ b: Double, _ size: Double) -> Int {
                let c = (b - a) / size
                return c >= 1 && c.isFinite ? Int(Swift.min(c, 4096)) : 1
            }
            var cx = cellCount(lo.0, hi.0, cell.0), cy = cellCount(lo.1, hi.1, cell.1)
            while cx * cy > 4 * count + 16 { cx = Swift.max(1, cx / 2); cy = Swift.max(1, cy / 2) }
            cellsX = cx; cellsY = cy; loX = lo.0; loY = lo.1
            scaleX = hi.0 > lo.0 ? Double(cx) / (hi.0 - lo.0) : 0
            scaleY = hi.1 > lo.1 ? Double(cy) / (hi.1 - lo.1) : 0
            cells = [[Point]](repeating: [], count: cx * cy)
        }

        /// The cell column (row) of a doubled centre: monotone, clamped to the grid.
        @inline(__always) func cellX(_ v: Double) -> Int {
            let c = (v - loX) * scaleX
            return c >= 0 ? (c < Double(cellsX - 1) ? Int(c) : cellsX - 1) : 0
        }
        @inline(__always) func cellY(_ v: Double) -> Int {
            let c = (v - loY) * scaleY
            return c >= 0 ? (c < Double(cellsY - 1) ? Int(c) : cellsY - 1) : 0
        }
    }
    private var classes: [SizeClass] = []
    private var classOf: [Int: SizeClass] = [:]   // (ew, eh) key → class

    /// An index for the boxes (flat n×4, coordinates below 1e18 in magnitude) with the kernel's
    /// `offset`, unit roundoff `u` and normal-area floor, or nil when the preconditions above fail
    /// (then an overlap grid is exact).
    init?<T: BinaryFloatingPoint>(boxes: UnsafeBufferPointer<T>, tau: Double, offset: Double, unitRoundoff u: Double, minimumArea: Double) {
        guard tau >= Self.minimumTau, tau <= 1 else { return nil }
        let n = boxes.count / 4
        var m = Swift.abs(offset)
        for v in boxes { m = Swift.max(m, Swift.abs(Double(v))) }
        // every positive area as the kernel computes it (in T) must be normal
        for k in 0..<n {
            let w = boxes[4 * k + 2] - boxes[4 * k] + T(offset), h = boxes[4 * k + 3] - boxes[4 * k + 1] + T(offset)
            if w > 0 && h > 0 && !(Double(w * h) >= minimumArea) { return nil }
        }
        self.tau = tau * (1 - 8 * u)
        self.offset = offset
        slack = 8 * u * (m + 1)
        // size classes and the extent of the (doubled) centres
        var counts: [Int: Int] = [:]
        var lo = (Double.infinity, Double.infinity), hi = (-Double.infinity, -Double.infinity)
        for k in 0..<n {
            let x1 = Double(boxes[4 * k]), y1 = Double(boxes[4 * k + 1]), x2 = Double(boxes[4 * k + 2]), y2 = Double(boxes[4 * k + 3])
            guard let key = classKey(x2 - x1 + offset, y2 - y1 + offset) else { continue }
            counts[key, default: 0] += 1
            lo = (Swift.min(lo.0, x1 + x2), Swift.min(lo.1, y1 + y2))
            hi = (Swift.max(hi.0, x1 + x2), Swift.max(hi.1, y1 + y2))
        }
        for (key, count) in counts.sorted(by: { $0.key < $1.key }) {
            let bw = Double(sign: .plus, exponent: key / 4096 - 2048, significand: 1)
            let bh = Double(sign: .plus, exponent: key % 4096 - 2048, significand: 1)
            // cells of about the class's centre window (doubled centres: twice the size)
            let c = SizeClass(wLo: bw - 3 * slack, wHi: 2 * bw + 3 * slack, hLo: bh - 3 * slack, hHi: 2 * bh + 3 * slack,
                              count: count, lo: lo, hi: hi, cell: (2 * bw, 2 * bh))
            classOf[key] = c
            classes.append(c)
        }
    }

    /// The size class of a box of width `w` and height `h` (as computed in Double), nil for a box
    /// that no IoU can reach (`w` or `h` at most −slack: its exact width is negative). Widths
    /// below `slack` share the class of `slack`.
    @inline(__always) private func classKey(_ w: Double, _ h: Double) -> Int? {
        guard w > -slack, h > -slack else { return nil }
        let ew = Swift.max(w, slack).exponent, eh = Swift.max(h, slack).exponent
        return (ew + 2048) * 4096 + (eh + 2048)
    }

    func insert(_ id: Int, _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double) {
        let w = x2 - x1 + offset, h = y2 - y1 + offset
        guard let key = classKey(w, h), let c = classOf[key] else { return }
        let p = Point(id: Int32(id), cx: x1 + x2, cy: y1 + y2, w: w, h: h)
        c.cells[c.cellY(p.cy) * c.cellsX + c.cellX(p.cx)].append(p)
    }

    func remove(_ id: Int, _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double) {
        guard let key = classKey(x2 - x1 + offset, y2 - y1 + offset), let c = classOf[key] else { return }
        let k = c.cellY(y1 + y2) * c.cellsX + c.cellX(x1 + x2), v = Int32(id)
        if let j = c.cells[k].firstIndex(where: { $0.id == v }) {
            c.cells[k].swapAt(j, c.cells[k].count - 1)
            c.cells[k].removeLast()
        }
    }

    /// `(v + t)/2 − tau·max(v, t)`: the largest centre distance along one axis at which a partner of
    /// exact extent `t` can still reach `tau` with a query of extent `v` (before the error allowance).
    @inline(__always) private func g(_ v: Double, _ t: Double) -> Double { (v + t) / 2 - tau * Swift.max(v, t) }

    func forEachCandidate(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ body: (Int) -> Void) {
        let w = x2 - x1 + offset, h = y2 - y1 + offset
        guard w > -slack, h > -slack else { return }   // a negative exact width: no IoU reaches tau
        let cx = x1 + x2, cy = y1 + y2
        // the partner's exact extents allowed, and the error allowance of a centre distance
        let wLo = tau * w - 3 * slack, wHi = (w + 3 * slack) / tau
        let hLo = tau * h - 3 * slack, hHi = (h + 3 * slack) / tau
        let pad = (3 + tau) * slack
        for c in classes {
            let a = Swift.max(c.wLo, wLo), b = Swift.min(c.wHi, wHi), e = Swift.max(c.hLo, hLo), f = Swift.min(c.hHi, hHi)
            guard a <= b, e <= f else { continue }
            // g is concave in t: its maximum over [a, b] is at an end or at t = w
            let rx = Swift.max(g(w, a), g(w, b), a < w && w < b ? g(w, w) : -.infinity) + pad
            let ry = Swift.max(g(h, e), g(h, f), e < h && h < f ? g(h, h) : -.infinity) + pad
            guard rx >= 0, ry >= 0 else { continue }
            let dx = 2 * rx + slack, dy = 2 * ry + slack
            let ca = c.cellX(cx - dx), cb = c.cellX(cx + dx), ya = c.cellY(cy - dy), yb = c.cellY(cy + dy)
            c.cells.withUnsafeBufferPointer { cells in
                for y in ya...yb {
                    for x in ca...cb {
                        cells[y * c.cellsX + x].withUnsafeBufferPointer { list in
                            for p in list {
                                let ddx = Swift.abs(p.cx - cx), ddy = Swift.abs(p.cy - cy)
                                guard ddx <= dx, ddy <= dy, p.w >= wLo, p.w <= wHi, p.h >= hLo, p.h <= hHi,
                                      ddx <= 2 * (g(w, p.w) + pad) + slack, ddy <= 2 * (g(h, p.h) + pad) + slack else { continue }
                                body(Int(p.id))
                            }
                        }
                    }
                }
            }
        }
    }
}
