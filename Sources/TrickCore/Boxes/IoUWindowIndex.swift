/// The overlap queries of the indexed Soft-NMS kernels and fusion loops: `BoxGrid` (every box that
/// can meet the query box) or `IoUWindowIndex` (every box whose IoU with it can reach a threshold).
protocol BoxCandidateIndex: AnyObject {
    /// Registers an id with these coordinates.
    func insert(_ id: Int, _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double)
    /// Removes an id registered with exactly these coordinates.
    func remove(_ id: Int, _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double)
    /// Calls `body(id)` once for every registered id the query can concern, in no particular order.
    func forEachCandidate(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ body: (Int) -> Void)
}

extension BoxGrid: BoxCandidateIndex {}

/// The boxes `ids` of the flat n×4 `boxes` in an `IoUWindowIndex` (when `window` and it accepts
/// the input; see there for `tau`, `offset`, `unitRoundoff`, `minimumArea` and `bound`), else in a
/// `BoxGrid` with `margin`.
func makeCandidateIndex<T: BinaryFloatingPoint>(_ boxes: UnsafeBufferPointer<T>, ids: [Int], window: Bool, tau: Double, offset: Double,
                                                unitRoundoff: Double, minimumArea: Double, margin: Double, bound: Double = 0) -> BoxCandidateIndex {
    if window, let index = IoUWindowIndex(boxes: boxes, ids: ids, tau: tau, offset: offset, unitRoundoff: unitRoundoff,
                                          minimumArea: minimumArea, bound: bound) {
        return index
    }
    let grid = BoxGrid(sizedFor: boxes, ids: boxes.count / 4, margin: margin)
    for k in ids { grid.insert(k, Double(boxes[4 * k]), Double(boxes[4 * k + 1]), Double(boxes[4 * k + 2]), Double(boxes[4 * k + 3])) }
    return grid
}

/// An exact index for "every registered box whose IoU with the query box, computed as the
/// Soft-NMS kernels (and the WBF / NMW loops) compute it, can be `>= tau`" — the only boxes a
/// linear or hard Soft-NMS step re-weights, and the only fused boxes a WBF record can join. Boxes are filed by centre in a uniform grid; a query visits only the cells of the
/// centres close enough for the partner sizes an IoU of `tau` allows (widths within a factor
/// `1/tau`, and within the registered sizes), and returns a box only when its size and centre
/// distance pass the per-axis bounds and an upper bound of the intersection reaches `tau` times a
/// lower bound of the larger area. So the work grows with the boxes that can reach `tau`, not with
/// every box that merely overlaps the query box (in dense detections most overlapping boxes differ
/// in size or place too much). Insertion and removal are O(1).
///
/// Exactness (u: the unit roundoff of the kernel's float type; W = x2 − x1 + offset computed as
/// the kernel does, Ŵ the same in exact arithmetic; E = 4u(M + 1) bounds |W − Ŵ| for coordinates
/// below M in magnitude): when every positive computed area is a normal number (≥ `minimumArea`)
/// and `1e-6 ≤ tau ≤ 1`, a computed `IoU ≥ tau` implies a normal intersection `inter ≥ τ*·max(area)`
/// with τ* = tau·(1 − 8u) (the union is at least `max(area)·(1 − 3u)` because the intersection's
/// width and height are at most each box's, by monotone rounding), hence an intersection width
/// `w ≥ τ*·max(W_i, W_j)`; in exact arithmetic `ŵ = max(0, min(Ŵ_i, Ŵ_j, (Ŵ_i + Ŵ_j)/2 − |c_i − c_j|))`
/// (c the centre), so `Ŵ_j ∈ [τ*Ŵ_i, Ŵ_i/τ*]` and `|c_i − c_j| ≤ g(Ŵ_j)` with
/// `g(v) = (Ŵ_i + v)/2 − τ*·max(Ŵ_i, v)`, each up to a few E — the same in y. The computed
/// intersection is at most `(ŵ + E)(ĥ + E)(1 + u)` and each computed area at least
/// `(Ŵ − E)(Ĥ − E)(1 − u)`, so the product test (each intersection extent widened by `slack`,
/// each box extent narrowed by it, against `share` = τ*·(1 − 8u)) passes every such pair too. The
/// windows add `slack` = 8u(M + 1) ≥ 2E several times over (the Double arithmetic here is exact to
/// far less), so no box that can reach `tau` is missed; the kernel computes the exact IoU of every
/// box returned.
final class IoUWindowIndex: BoxCandidateIndex {
    /// Thresholds below this take `BoxGrid` (the window would be most of the overlap area anyway);
    /// so do thresholds above 1, which no computed IoU reaches by more than a few roundings.
    static let minimumTau = 1e-6

    let tau: Double, offset: Double, slack: Double
    /// τ*·(1 − 8u): the product test's share of the larger area.
    let share: Double
    /// A registered box: id, doubled centre (x1 + x2, y1 + y2), width and height (as computed in Double).
    private struct Point {
        var id: Int32
        var cx: Double, cy: Double, w: Double, h: Double
    }
    /// The registered widths (heights), widened by 3·slack: no partner lies outside.
    private var wMin = Double.infinity, wMax = -Double.infinity, hMin = Double.infinity, hMax = -Double.infinity
    private var cellsX = 1, cellsY = 1
    private var loX = 0.0, loY = 0.0, scaleX = 0.0, scaleY = 0.0
    private var registered = 0
    private var cells: [[Point]] = []
    /// Per id: its place in its cell and its cell (−1: not registered).
    private var slot: [Int32] = [], cellOf: [Int32] = []

    /// An index for ids `0 ..< boxes.count / 4` with the kernel's `offset`, unit roundoff `u` and
    /// normal-area floor, laid out for the flat n×4 `boxes` (coordinates below 1e18 in magnitude),
    /// with the boxes `ids` registered; or nil when the preconditions above fail for `boxes` (then
    /// an overlap grid is exact). Boxes inserted later must meet them too, with coordinates below
    /// `bound` in magnitude when that is larger than the coordinates of `boxes`.
    init?<T: BinaryFloatingPoint>(boxes: UnsafeBufferPointer<T>, ids: [Int], tau: Double, offset: Double, unitRoundoff u: Double,
                                  minimumArea: Double, bound: Double = 0) {
        guard tau >= Self.minimumTau, tau <= 1 else { return nil }
        let n = boxes.count / 4
        var m = Swift.max(Swift.abs(offset), bound)
        for v in boxes { m = Swift.max(m, Swift.abs(Double(v))) }
        // every positive area as the kernel computes it (in T) must be normal
        for k in 0..<n {
            let w = boxes[4 * k + 2] - boxes[4 * k] + T(offset), h = boxes[4 * k + 3] - boxes[4 * k + 1] + T(offset)
            if w > 0 && h > 0 && !(Double(w * h) >= minimumArea) { return nil }
        }
        self.tau = tau * (1 - 8 * u)
        share = self.tau * (1 - 8 * u)
        self.offset = offset
        slack = 8 * u * (m + 1)
        // the extent of the (doubled) centres and the mean size of the boxes an IoU can reach
        var lo = (Double.infinity, Double.infinity), hi = (-Double.infinity, -Double.infinity)
        var sum = (0.0, 0.0), reached = 0
        for k in 0..<n {
            let p = point(boxes, k)
            guard reachable(p.w, p.h) else { continue }
            lo = (Swift.min(lo.0, p.cx), Swift.min(lo.1, p.cy))
            hi = (Swift.max(hi.0, p.cx), Swift.max(hi.1, p.cy))
            sum = (sum.0 + Swift.max(p.w, 0), sum.1 + Swift.max(p.h, 0))
            reached += 1
        }
        // cells of about a typical centre window (doubled centres: twice the extents), larger
        // where the boxes are sparse (about two a cell), at most about 4 per box
        if reached > 0 {
            let spread = (hi.0 - lo.0, hi.1 - lo.1), count = Double(reached)
            let fill = spread.0 > 0 && spread.1 > 0 && (spread.0 * spread.1).isFinite ? (spread.0 * spread.1 * 2 / count).squareRoot() : 0
            func cells(_ extent: Double, _ size: Double) -> Int {
                let c = extent / Swift.max(size, fill)
                return c >= 1 && c.isFinite ? Int(Swift.min(c, 4096)) : 1
            }
            cellsX = cells(spread.0, 1.4 * sum.0 / count); cellsY = cells(spread.1, 1.4 * sum.1 / count)
            while cellsX * cellsY > 4 * reached + 16 { cellsX = Swift.max(1, cellsX / 2); cellsY = Swift.max(1, cellsY / 2) }
            loX = lo.0; loY = lo.1
            scaleX = spread.0 > 0 && spread.0.isFinite ? Double(cellsX) / spread.0 : 0
            scaleY = spread.1 > 0 && spread.1.isFinite ? Double(cellsY) / spread.1 : 0
        }
        cells = [[Point]](repeating: [], count: cellsX * cellsY)
        cellOf = [Int32](repeating: -1, count: n)
        slot = [Int32](repeating: -1, count: n)
        for k in ids {
            let p = point(boxes, k)
            register(k, p.cx, p.cy, p.w, p.h)
        }
    }

    /// Box `k` of `boxes` as a point (its doubled centre and extents computed in Double).
    @inline(__always) private func point<T: BinaryFloatingPoint>(_ boxes: UnsafeBufferPointer<T>, _ k: Int) -> Point {
        let x1 = Double(boxes[4 * k]), y1 = Double(boxes[4 * k + 1]), x2 = Double(boxes[4 * k + 2]), y2 = Double(boxes[4 * k + 3])
        return Point(id: Int32(k), cx: x1 + x2, cy: y1 + y2, w: x2 - x1 + offset, h: y2 - y1 + offset)
    }

    /// Registers an id (below the `boxes.count / 4` of `init`) with these coordinates, which must
    /// meet `init`'s preconditions.
    func insert(_ id: Int, _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double) {
        register(id, x1 + x2, y1 + y2, x2 - x1 + offset, y2 - y1 + offset)
    }

    private func register(_ id: Int, _ cx: Double, _ cy: Double, _ w: Double, _ h: Double) {
        guard reachable(w, h) else { return }
        wMin = Swift.min(wMin, w - 3 * slack); wMax = Swift.max(wMax, w + 3 * slack)
        hMin = Swift.min(hMin, h - 3 * slack); hMax = Swift.max(hMax, h + 3 * slack)
        let cell = cellY(cy) * cellsX + cellX(cx)
        cellOf[id] = Int32(cell)
        slot[id] = Int32(cells[cell].count)
        cells[cell].append(Point(id: Int32(id), cx: cx, cy: cy, w: w, h: h))
        registered += 1
    }

    /// Whether a box of width `w` and height `h` (as computed in Double) can reach any IoU: not
    /// when `w` or `h` is at most −slack (its exact width is negative).
    @inline(__always) private func reachable(_ w: Double, _ h: Double) -> Bool { w > -slack && h > -slack }

    /// The cell column (row) of a doubled centre: monotone, clamped to the grid.
    @inline(__always) private func cellX(_ v: Double) -> Int { BoxGrid.cell(v, lo: loX, scale: scaleX, cells: cellsX) }
    @inline(__always) private func cellY(_ v: Double) -> Int { BoxGrid.cell(v, lo: loY, scale: scaleY, cells: cellsY) }

    /// Removes a registered id (the index knows its cell; the coordinates are not needed).
    func remove(_ id: Int, _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double) {
        let cell = Int(cellOf[id])
        guard cell >= 0 else { return }
        let s = Int(slot[id])
        let moved = cells[cell].removeLast()
        if Int(moved.id) != id {
            cells[cell][s] = moved
            slot[Int(moved.id)] = Int32(s)
        }
        cellOf[id] = -1
        registered -= 1
    }

    /// `(v + t)/2 − tau·max(v, t)`: the largest centre distance along one axis at which a partner of
    /// exact extent `t` can still reach `tau` with a query of extent `v` (before the error allowance).
    @inline(__always) private func g(_ v: Double, _ t: Double) -> Double { (v + t) / 2 - tau * Swift.max(v, t) }

    func forEachCandidate(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ body: (Int) -> Void) {
        let w = x2 - x1 + offset, h = y2 - y1 + offset
        guard reachable(w, h), registered > 0 else { return }
        let cx = x1 + x2, cy = y1 + y2, s = slack
        // the partner's exact extents allowed, and the error allowance of a centre distance
        let wLo = Swift.max(tau * w - 3 * s, wMin), wHi = Swift.min((w + 3 * s) / tau, wMax)
        let hLo = Swift.max(tau * h - 3 * s, hMin), hHi = Swift.min((h + 3 * s) / tau, hMax)
        guard wLo <= wHi, hLo <= hHi else { return }
        let pad = (3 + tau) * s
        // g is concave in t: its maximum over [lo, hi] is at an end or at t = v
        let rx = Swift.max(Swift.max(g(w, wLo), g(w, wHi)), wLo < w && w < wHi ? g(w, w) : -.infinity) + pad
        let ry = Swift.max(Swift.max(g(h, hLo), g(h, hHi)), hLo < h && h < hHi ? g(h, h) : -.infinity) + pad
        guard rx >= 0, ry >= 0 else { return }
        let dx = 2 * rx + s, dy = 2 * ry + s
        let ca = cellX(cx - dx), cb = cellX(cx + dx), ya = cellY(cy - dy), yb = cellY(cy + dy)
        let areaLo = Swift.max(0, w - s) * Swift.max(0, h - s)
        cells.withUnsafeBufferPointer { cells in
            for y in ya...yb {
                for cell in (y * cellsX + ca)...(y * cellsX + cb) {
                    cells[cell].withUnsafeBufferPointer { pts in
                        for p in pts {
                            let ddx = Swift.abs(p.cx - cx), ddy = Swift.abs(p.cy - cy)
                            guard ddx <= dx, ddy <= dy, p.w >= wLo, p.w <= wHi, p.h >= hLo, p.h <= hHi,
                                  ddx <= 2 * (g(w, p.w) + pad) + s, ddy <= 2 * (g(h, p.h) + pad) + s else { continue }
                            // the product test (ddx/2: the centre distance)
                            let iw = Swift.max(0, Swift.min(Swift.min(w, p.w), (w + p.w - ddx) / 2)) + s
                            let ih = Swift.max(0, Swift.min(Swift.min(h, p.h), (h + p.h - ddy) / 2)) + s
                            guard iw * ih >= share * Swift.max(areaLo, Swift.max(0, p.w - s) * Swift.max(0, p.h - s)) else { continue }
                            body(Int(p.id))
                        }
                    }
                }
            }
        }
    }
}
