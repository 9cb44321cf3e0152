import CTrickKernels

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
    /// The registered widths (heights), widened by 3·slack: no partner lies outside.
    private var wMin = Double.infinity, wMax = -Double.infinity, hMin = Double.infinity, hMax = -Double.infinity
    private var cellsX = 1, cellsY = 1
    private var loX = 0.0, loY = 0.0, scaleX = 0.0, scaleY = 0.0
    private var registered = 0
    /// The registered points (doubled centre, width and height as computed in Double), cell by
    /// cell, four slots to a quad: slot `s` keeps its field `f` (0 cx, 1 cy, 2 w, 3 h) at
    /// `quads[16·(s/4) + 4f + s%4]` and its id at `ids[s]`. Cell `c` holds slots
    /// `cells[c].start ..< start + count` and has room for `room`, a multiple of 4 starting at a
    /// quad; every free slot holds the vacant point (all +∞), which no query returns. A full cell
    /// moves to the end with twice the room (the slots it leaves stay unused, so there are at most
    /// about twice as many slots as insertions). A query reads one buffer, four slots at a time,
    /// with no allocation or reference counting per cell.
    private var quads: [Double] = []
    private var ids: [Int32] = []
    /// (Three Int32 in this order: the C filter reads `start` and `count` as such triples.)
    private struct Cell { var start: Int32 = 0, count: Int32 = 0, room: Int32 = 0 }
    private var cells: [Cell] = []
    /// Per id: its slot and its cell (−1: not registered).
    private var slot: [Int32] = [], cellOf: [Int32] = []
    /// Whether queries filter the slots in C on AVX2 (`trick_iou_window_scan`: the same tests on the
    /// same doubles, so the same ids in the same order, at half the instructions of the SSE2 build
    /// of the SIMD4 loop — the scan is most of a query, and the share grows with the boxes in a
    /// window). Settable for the tests, which compare the two.
    var avx2 = Gemm.hasAVX2
    /// The slots a query must expect to read (its cells times the mean registered per cell) for the
    /// C filter: below, the call's fixed cost outweighs the saving (measured at about 16). Settable
    /// for the tests.
    var avx2MinimumSlots = 16
    /// The ids the C filter passed in a query (room for every id below `init`'s box count).
    private var found: [Int32] = []

    @inline(__always) private static func at(_ slot: Int, _ field: Int) -> Int { (slot >> 2) << 4 + field << 2 + slot & 3 }

    @inline(__always) private func write(_ slot: Int, _ id: Int32, _ cx: Double, _ cy: Double, _ w: Double, _ h: Double) {
        quads[Self.at(slot, 0)] = cx; quads[Self.at(slot, 1)] = cy; quads[Self.at(slot, 2)] = w; quads[Self.at(slot, 3)] = h
        ids[slot] = id
    }

    @inline(__always) private func copy(_ from: Int, to: Int) {
        for f in 0..<4 { quads[Self.at(to, f)] = quads[Self.at(from, f)] }
        ids[to] = ids[from]
        slot[Int(ids[to])] = Int32(to)
    }

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
        cells = [Cell](repeating: Cell(), count: cellsX * cellsY)
        quads.reserveCapacity(4 * (2 * ids.count + 64))
        cellOf = [Int32](repeating: -1, count: n)
        slot = [Int32](repeating: -1, count: n)
        found = [Int32](repeating: 0, count: n)
        for k in ids {
            let p = point(boxes, k)
            register(k, p.cx, p.cy, p.w, p.h)
        }
    }

    /// Box `k` of `boxes` as a point (its doubled centre and extents computed in Double).
    @inline(__always) private func point<T: BinaryFloatingPoint>(_ boxes: UnsafeBufferPointer<T>, _ k: Int) -> (cx: Double, cy: Double, w: Double, h: Double) {
        let x1 = Double(boxes[4 * k]), y1 = Double(boxes[4 * k + 1]), x2 = Double(boxes[4 * k + 2]), y2 = Double(boxes[4 * k + 3])
        return (x1 + x2, y1 + y2, x2 - x1 + offset, y2 - y1 + offset)
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
        var c = cells[cell]
        if c.count == c.room {
            // move the cell to the end with twice the room
            let at = ids.count, room = Swift.max(4, 2 * Int(c.room))
            quads.append(contentsOf: repeatElement(.infinity, count: 4 * room))
            ids.append(contentsOf: repeatElement(-1, count: room))
            for k in 0..<Int(c.count) { copy(Int(c.start) + k, to: at + k) }
            c.start = Int32(at); c.room = Int32(room)
        }
        let s = Int(c.start) + Int(c.count)
        write(s, Int32(id), cx, cy, w, h)
        c.count += 1
        cells[cell] = c
        cellOf[id] = Int32(cell)
        slot[id] = Int32(s)
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
        cells[cell].count -= 1
        let last = Int(cells[cell].start) + Int(cells[cell].count)
        if s != last { copy(last, to: s) }
        write(last, -1, .infinity, .infinity, .infinity, .infinity)
        cellOf[id] = -1
        registered -= 1
    }

    /// Moves a registered id to new coordinates (which must meet `init`'s preconditions): in place
    /// when it stays in its cell.
    func update(_ id: Int, _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double) {
        let cx = x1 + x2, cy = y1 + y2, w = x2 - x1 + offset, h = y2 - y1 + offset
        let cell = Int(cellOf[id])
        if cell >= 0 && reachable(w, h) && cellY(cy) * cellsX + cellX(cx) == cell {
            wMin = Swift.min(wMin, w - 3 * slack); wMax = Swift.max(wMax, w + 3 * slack)
            hMin = Swift.min(hMin, h - 3 * slack); hMax = Swift.max(hMax, h + 3 * slack)
            write(Int(slot[id]), Int32(id), cx, cy, w, h)
            return
        }
        remove(id, x1, y1, x2, y2)
        register(id, cx, cy, w, h)
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
        if avx2 && (yb - ya + 1) * (cb - ca + 1) * registered >= avx2MinimumSlots * cells.count {
            var query = (cx, cy, w, h, dx, dy, wLo, wHi, hLo, hHi, s, pad, tau, areaLo, share)
            let passed = withUnsafeBytes(of: &query) { p in
                quads.withUnsafeBufferPointer { q in
                    ids.withUnsafeBufferPointer { ids in
                        cells.withUnsafeBytes { cells in
                            found.withUnsafeMutableBufferPointer { out in
                                trick_iou_window_scan(q.baseAddress!, ids.baseAddress!, cells.baseAddress!.assumingMemoryBound(to: Int32.self),
                                                      ya, yb, ca, cb, cellsX, p.baseAddress!.assumingMemoryBound(to: Double.self), out.baseAddress!)
                            }
                        }
                    }
                }
            }
            found.withUnsafeBufferPointer { out in
                for k in 0..<passed { body(Int(out[k])) }
            }
            return
        }
        // the tests of the filter, four slots at a time (a vacant slot fails `ddx <= dx`); one
        // branch, rarely taken, instead of a chain of unpredictable ones
        typealias V = SIMD4<Double>
        // lane-wise max / min / magnitude as selects and a mask (inlined, unlike `pointwiseMax`),
        // exact for the non-NaN lanes the tests read
        @inline(__always) func vmax(_ a: V, _ b: V) -> V { a.replacing(with: b, where: a .< b) }
        @inline(__always) func vmin(_ a: V, _ b: V) -> V { a.replacing(with: b, where: b .< a) }
        @inline(__always) func vabs(_ a: V) -> V { unsafeBitCast(unsafeBitCast(a, to: SIMD4<UInt64>.self) & (UInt64.max >> 1), to: V.self) }
        let vcx = V(repeating: cx), vcy = V(repeating: cy), vw = V(repeating: w), vh = V(repeating: h)
        let vdx = V(repeating: dx), vdy = V(repeating: dy), vs = V(repeating: s), vpad = V(repeating: pad), vtau = V(repeating: tau)
        let vwLo = V(repeating: wLo), vwHi = V(repeating: wHi), vhLo = V(repeating: hLo), vhHi = V(repeating: hHi)
        let vareaLo = V(repeating: areaLo), vshare = V(repeating: share), zero = V(repeating: 0)
        quads.withUnsafeBufferPointer { q in
            ids.withUnsafeBufferPointer { ids in
                cells.withUnsafeBufferPointer { cells in
                    for y in ya...yb {
                        for cell in (y * cellsX + ca)...(y * cellsX + cb) {
                            let c = cells[cell]
                            var s0 = Int(c.start)
                            let end = s0 + Int(c.count)
                            while s0 < end {
                                let b = s0 << 2
                                let px = V(q[b], q[b + 1], q[b + 2], q[b + 3]), py = V(q[b + 4], q[b + 5], q[b + 6], q[b + 7])
                                let pw = V(q[b + 8], q[b + 9], q[b + 10], q[b + 11]), ph = V(q[b + 12], q[b + 13], q[b + 14], q[b + 15])
                                let ddx = vabs(px - vcx), ddy = vabs(py - vcy)
                                // the window and the sizes first: most slots fail them
                                let near = (ddx .<= vdx) .& (ddy .<= vdy) .& (vwLo .<= pw) .& (pw .<= vwHi) .& (vhLo .<= ph) .& (ph .<= vhHi)
                                if any(near) {
                                    // g(w, p.w) + pad, doubled, plus slack: the centre distance bound
                                    let gx = 2 * ((vw + pw) * 0.5 - vtau * vmax(vw, pw) + vpad) + vs
                                    let gy = 2 * ((vh + ph) * 0.5 - vtau * vmax(vh, ph) + vpad) + vs
                                    // the product test (ddx/2: the centre distance)
                                    let iw = vmax(zero, vmin(vmin(vw, pw), (vw + pw - ddx) * 0.5)) + vs
                                    let ih = vmax(zero, vmin(vmin(vh, ph), (vh + ph - ddy) * 0.5)) + vs
                                    let area = vshare * vmax(vareaLo, vmax(zero, pw - vs) * vmax(zero, ph - vs))
                                    let pass = near .& (ddx .<= gx) .& (ddy .<= gy) .& (iw * ih .>= area)
                                    if any(pass) {
                                        for l in 0..<4 where pass[l] { body(Int(ids[s0 + l])) }
                                    }
                                }
                                s0 += 4
                            }
                        }
                    }
                }
            }
        }
    }
}
