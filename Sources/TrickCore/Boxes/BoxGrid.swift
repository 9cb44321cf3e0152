/// A uniform grid of box ids, for the overlap queries of the indexed Soft-NMS, WBF and NMW kernels
/// (`SoftNMS.kernelIndexed`, `EnsembleBoxes.softNMSIndexed`, the `…Indexed` fusion loops).
///
/// Exactness: a box is registered in every cell its closed x-range `[x1, x2 + margin]` × y-range
/// touches, with the cell of a coordinate `clamp(⌊(v − lo)·scale⌋, 0, cells − 1)` — a monotone
/// function of `v`. Two boxes whose ranges intersect share the cell of any common point, so a
/// query finds every registered box `b` with `b.x1 ≤ q.x2 + margin`, `q.x1 ≤ b.x2 + margin` and
/// the same in y, and returns exactly those (the test runs on coordinates stored with the entry;
/// a pair is returned from one cell only: the first cell of the two ranges' intersection). The
/// kernels choose `margin` so that every pair their IoU arithmetic could find overlapping
/// satisfies this; the others are exactly the pairs whose IoU is 0 (see each kernel). Boxes with a
/// NaN coordinate, or an empty range, are not registered (callers exclude them or show they cannot
/// overlap). Only the speed depends on the cell size.
final class BoxGrid {
    let cellsX: Int, cellsY: Int
    let loX: Double, loY: Double, scaleX: Double, scaleY: Double
    let margin: Double
    /// One registered box: its id, the first cell of its range and its coordinates (x2, y2 with
    /// the margin added).
    struct Entry {
        var id: Int32, cx: Int32, cy: Int32
        var x1: Double, y1: Double, ex: Double, ey: Double
    }
    private var cells: [[Entry]]
    /// Entries whose span covers more than `bigSpan` cells: kept in one list that every query scans.
    private var big: [Entry] = []
    static let bigSpan = 64

    /// A grid over `[minX, maxX] × [minY, maxY]` with cells about `cellW × cellH` (at most about
    /// `4·ids + 16` cells), for ids `0..<ids`.
    init(ids: Int, minX: Double, maxX: Double, minY: Double, maxY: Double, cellW: Double, cellH: Double, margin: Double) {
        func count(_ lo: Double, _ hi: Double, _ cell: Double) -> Int {
            guard hi > lo, cell > 0, (hi - lo).isFinite else { return 1 }
            let c = (hi - lo) / cell
            return c >= 1 ? Int(Swift.min(c, 4096)) : 1
        }
        var cx = count(minX, maxX, cellW), cy = count(minY, maxY, cellH)
        let budget = 4 * ids + 16
        while cx * cy > budget { cx = Swift.max(1, cx / 2); cy = Swift.max(1, cy / 2) }
        cellsX = cx; cellsY = cy
        loX = minX.isFinite ? minX : 0; loY = minY.isFinite ? minY : 0
        scaleX = maxX > minX && (maxX - minX).isFinite ? Double(cx) / (maxX - minX) : 0
        scaleY = maxY > minY && (maxY - minY).isFinite ? Double(cy) / (maxY - minY) : 0
        self.margin = margin
        cells = [[Entry]](repeating: [], count: cx * cy)
    }

    /// A grid sized for `boxes` (flat n×4): the extent of the finite coordinates, cells about the
    /// mean finite box size.
    convenience init<T: BinaryFloatingPoint>(sizedFor boxes: UnsafeBufferPointer<T>, ids: Int, margin: Double) {
        var minX = Double.infinity, maxX = -Double.infinity, minY = Double.infinity, maxY = -Double.infinity
        var sw = 0.0, sh = 0.0, m = 0
        for k in 0..<(boxes.count / 4) {
            let a = Double(boxes[4 * k]), b = Double(boxes[4 * k + 1]), c = Double(boxes[4 * k + 2]), d = Double(boxes[4 * k + 3])
            guard a.isFinite, b.isFinite, c.isFinite, d.isFinite else { continue }
            minX = Swift.min(minX, a); maxX = Swift.max(maxX, c); minY = Swift.min(minY, b); maxY = Swift.max(maxY, d)
            sw += Swift.max(0, c - a); sh += Swift.max(0, d - b); m += 1
        }
        let w = m > 0 ? sw / Double(m) + margin : 0, h = m > 0 ? sh / Double(m) + margin : 0
        self.init(ids: ids, minX: minX, maxX: maxX + margin, minY: minY, maxY: maxY + margin, cellW: w, cellH: h, margin: margin)
    }

    /// The cell of coordinate `v` on an axis of `cells` cells from `lo`, `scale` cells a unit:
    /// `clamp(⌊(v − lo)·scale⌋, 0, cells − 1)`, monotone in `v` (NaN: cell 0).
    @inline(__always) static func cell(_ v: Double, lo: Double, scale: Double, cells: Int) -> Int {
        let c = (v - lo) * scale
        return c >= 0 ? (c < Double(cells - 1) ? Int(c) : cells - 1) : 0
    }
    @inline(__always) private func cellX(_ v: Double) -> Int { Self.cell(v, lo: loX, scale: scaleX, cells: cellsX) }
    @inline(__always) private func cellY(_ v: Double) -> Int { Self.cell(v, lo: loY, scale: scaleY, cells: cellsY) }

    /// The cell rectangle of a box, nil when it registers nowhere (NaN, or an empty range).
    @inline(__always) private func span(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double) -> (Int, Int, Int, Int)? {
        let ex = x2 + margin, ey = y2 + margin
        guard x1 <= ex, y1 <= ey else { return nil }   // also false for NaN
        return (cellX(x1), cellY(y1), cellX(ex), cellY(ey))
    }

    func insert(_ id: Int, _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double) {
        guard let (a, b, c, d) = span(x1, y1, x2, y2) else { return }
        let e = Entry(id: Int32(id), cx: Int32(a), cy: Int32(b), x1: x1, y1: y1, ex: x2 + margin, ey: y2 + margin)
        if (c - a + 1) * (d - b + 1) > Self.bigSpan { big.append(e); return }
        for y in b...d { for x in a...c { cells[y * cellsX + x].append(e) } }
    }

    /// Removes an id registered with exactly these coordinates.
    func remove(_ id: Int, _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double) {
        guard let (a, b, c, d) = span(x1, y1, x2, y2) else { return }
        let v = Int32(id)
        if (c - a + 1) * (d - b + 1) > Self.bigSpan {
            if let j = big.firstIndex(where: { $0.id == v }) { big.swapAt(j, big.count - 1); big.removeLast() }
            return
        }
        for y in b...d {
            for x in a...c {
                let k = y * cellsX + x
                if let j = cells[k].firstIndex(where: { $0.id == v }) {
                    cells[k].swapAt(j, cells[k].count - 1)
                    cells[k].removeLast()
                }
            }
        }
    }

    /// Calls `body(id)` once for every registered id whose box can meet the query box (see the
    /// type's comment), in no particular order. `body` must not insert or remove.
    @inline(__always)
    func forEachCandidate(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ body: (Int) -> Void) {
        guard let (a, b, c, d) = span(x1, y1, x2, y2) else { return }
        let ex = x2 + margin, ey = y2 + margin
        @inline(__always) func meets(_ e: Entry) -> Bool { e.x1 <= ex && x1 <= e.ex && e.y1 <= ey && y1 <= e.ey }
        for e in big where meets(e) { body(Int(e.id)) }
        for y in b...d {
            for x in a...c {
                cells[y * cellsX + x].withUnsafeBufferPointer { list in
                    for e in list where meets(e) {
                        // the first cell of the two ranges' intersection reports the pair
                        if x == Swift.max(a, Int(e.cx)) && y == Swift.max(b, Int(e.cy)) { body(Int(e.id)) }
                    }
                }
            }
        }
    }
}
