/// The spatial index behind `NMS.greedyIndexed` (exactness argument there).
///
/// Entries are float32 boxes in Morton order of their centres, padded to whole leaves of
/// `leafSize`; a leaf's bounds are min x1, min y1, fl(max x2 + offset), fl(max y2 + offset) over
/// its live entries, a node's the union over its leaves (about √leaves leaves per node). Entry
/// flags: 0 live, 1 dead (kept, suppressed or padding). Padding has NaN coordinates, for which
/// `suppressLater`'s expression never passes.
final class NMSBoxIndex {
    static let leafSize = 32

    let offset: Float
    /// Entries, as `greedyFloatBrute` lays them out, and each entry's score position.
    let x1, y1, x2, y2, area: UnsafeMutablePointer<Float>
    let flag: UnsafeMutablePointer<UInt32>
    let pos: UnsafeMutablePointer<Int>
    /// Score position → entry; -1 once the entry has been squeezed out (it was dead).
    let slot: UnsafeMutablePointer<Int>
    /// Per leaf: min x1, min y1, fl(max x2 + off), fl(max y2 + off) of its live entries.
    let lx1, ly1, lx2, ly2: UnsafeMutablePointer<Float>
    /// Scratch: which leaves of a node pass.
    let pass: UnsafeMutablePointer<UInt32>
    /// 8 per node: the union of its leaves' bounds (min, min, max, max), then the intersection
    /// (max, max, min, min) — a box passing the latter passes every leaf of the node.
    let nodeBounds: UnsafeMutablePointer<Float>
    /// Entries including padding (a multiple of `leafSize`).
    private(set) var count = 0
    private var leaves = 0, nodes = 0, perNode = 1

    init(boxes: UnsafePointer<Float>, order: [Int], offset: Float) {
        let n = order.count, b = Self.leafSize
        let cap = (n + b - 1) / b * b
        self.offset = offset
        x1 = .allocate(capacity: 5 * cap); y1 = x1 + cap; x2 = y1 + cap; y2 = x2 + cap; area = y2 + cap
        flag = .allocate(capacity: cap)
        pos = .allocate(capacity: cap)
        slot = .allocate(capacity: n)
        lx1 = .allocate(capacity: 4 * (cap / b)); ly1 = lx1 + cap / b; lx2 = ly1 + cap / b; ly2 = lx2 + cap / b
        pass = .allocate(capacity: cap / b)
        nodeBounds = .allocate(capacity: 8 * (cap / b))
        let byMorton = RadixSort.order(Self.mortonKeys(boxes, order))
        for k in 0..<n {
            let p = byMorton[k], i = order[p]
            let a = boxes[4 * i], c = boxes[4 * i + 1], e = boxes[4 * i + 2], d = boxes[4 * i + 3]
            x1[k] = a; y1[k] = c; x2[k] = e; y2[k] = d
            area[k] = (e - a + offset) * (d - c + offset)
            flag[k] = 0
            pos[k] = p
            slot[p] = k
        }
        pad(from: n)
        computeBounds()
    }

    deinit {
        x1.deallocate(); flag.deallocate(); pos.deallocate(); slot.deallocate()
        lx1.deallocate(); pass.deallocate(); nodeBounds.deallocate()
    }

    /// The Morton codes of the centres (position `p` of `order`). The centres are quantised to 16 bits per
    /// axis between the 1st and 99th percentiles of a sample of ≤ 512 (outliers clamp to the edges;
    /// infinite or NaN centres go to an edge too) — only the speed depends on this order.
    static func mortonKeys(_ boxes: UnsafePointer<Float>, _ order: [Int]) -> [UInt32] {
        let n = order.count
        var cx = [Double](repeating: 0, count: n), cy = cx
        for (p, i) in order.enumerated() {
            cx[p] = 0.5 * (Double(boxes[4 * i]) + Double(boxes[4 * i + 2]))
            cy[p] = 0.5 * (Double(boxes[4 * i + 1]) + Double(boxes[4 * i + 3]))
        }
        func range(_ c: [Double]) -> (lo: Double, scale: Double) {
            let step = Swift.max(1, n / 256)
            var sample = stride(from: 0, to: n, by: step).map { c[$0] }.filter { $0.isFinite }
            guard !sample.isEmpty else { return (0, 0) }
            sample.sort()
            let lo = sample[sample.count / 100], hi = sample[sample.count - 1 - sample.count / 100]
            return (lo, hi > lo ? 65535 / (hi - lo) : 0)
        }
        let (lx, sx) = range(cx), (ly, sy) = range(cy)
        @inline(__always) func quantise(_ v: Double, _ lo: Double, _ scale: Double) -> UInt32 {
            let q = (v - lo) * scale
            return q >= 0 ? (q < 65535 ? UInt32(q) : 65535) : 0   // NaN → 0
        }
        @inline(__always) func spread(_ v: UInt32) -> UInt32 {
            var x = v & 0xffff
            x = (x | (x << 8)) & 0x00ff_00ff
            x = (x | (x << 4)) & 0x0f0f_0f0f
            x = (x | (x << 2)) & 0x3333_3333
            x = (x | (x << 1)) & 0x5555_5555
            return x
        }
        return (0..<n).map { spread(quantise(cx[$0], lx, sx)) | (spread(quantise(cy[$0], ly, sy)) << 1) }
    }

    /// Dead NaN entries from `from` up to the next whole leaf; sets `count`.
    private func pad(from m: Int) {
        let b = Self.leafSize
        count = (m + b - 1) / b * b
        for k in m..<count {
            x1[k] = .nan; y1[k] = .nan; x2[k] = .nan; y2[k] = .nan; area[k] = .nan
            flag[k] = 1
            pos[k] = -1
        }
    }

    private func computeBounds() {
        let b = Self.leafSize
        leaves = count / b
        for l in 0..<leaves {
            var a = Float.infinity, c = Float.infinity, e = -Float.infinity, d = -Float.infinity
            for k in (l * b)..<(l * b + b) {
                let live = flag[k] == 0
                a = live && x1[k] < a ? x1[k] : a
                c = live && y1[k] < c ? y1[k] : c
                e = live && x2[k] > e ? x2[k] : e
                d = live && y2[k] > d ? y2[k] : d
            }
            lx1[l] = a; ly1[l] = c; lx2[l] = e + offset; ly2[l] = d + offset
        }
        perNode = Swift.max(4, Int(Double(leaves).squareRoot()))
        nodes = (leaves + perNode - 1) / perNode
        for nd in 0..<nodes {
            var a = Float.infinity, c = Float.infinity, e = -Float.infinity, d = -Float.infinity
            var ia = -Float.infinity, ic = -Float.infinity, ie = Float.infinity, id = Float.infinity
            for l in (nd * perNode)..<Swift.min(leaves, nd * perNode + perNode) {
                a = Swift.min(a, lx1[l]); c = Swift.min(c, ly1[l]); e = Swift.max(e, lx2[l]); d = Swift.max(d, ly2[l])
                ia = Swift.max(ia, lx1[l]); ic = Swift.max(ic, ly1[l]); ie = Swift.min(ie, lx2[l]); id = Swift.min(id, ly2[l])
            }
            let g = nodeBounds + 8 * nd
            g[0] = a; g[1] = c; g[2] = e; g[3] = d; g[4] = ia; g[5] = ic; g[6] = ie; g[7] = id
        }
    }

    /// Squeezes the dead entries out (Morton order kept) and recomputes the bounds.
    func compact() {
        var w = 0
        for k in 0..<count {
            let p = pos[k]
            if flag[k] == 0 {
                x1[w] = x1[k]; y1[w] = y1[k]; x2[w] = x2[k]; y2[w] = y2[k]; area[w] = area[k]
                flag[w] = 0
                pos[w] = p
                slot[p] = w
                w += 1
            } else if p >= 0 {
                slot[p] = -1
            }
        }
        pad(from: w)
        computeBounds()
    }

    /// Flags every entry with `IoU(s, entry) > thr` in the leaves that can hold one (entry `s`
    /// plays `i` of `suppressLater`). Returns how many entries were tested.
    /// Adjacent leaves that pass are tested as one run.
    func suppress(from s: Int, above thr: Float) -> Int {
        let ix1 = x1[s], iy1 = y1[s], ix2 = x2[s], iy2 = y2[s], iarea = area[s]
        let qx2 = ix2 + offset, qy2 = iy2 + offset
        let b = Self.leafSize, nb = nodeBounds, pass = pass
        let lx1 = lx1, ly1 = ly1, lx2 = lx2, ly2 = ly2
        var scanned = 0
        var runStart = 0, runEnd = 0
        for nd in 0..<nodes {
            let g = nb + 8 * nd
            guard qx2 >= g[0], g[2] >= ix1, qy2 >= g[1], g[3] >= iy1 else { continue }
            let lo = nd * perNode, hi = Swift.min(leaves, nd * perNode + perNode)
            if qx2 >= g[4], g[6] >= ix1, qy2 >= g[5], g[7] >= iy1 {
                // Every leaf of the node passes: one run.
                if lo * b != runEnd {
                    if runEnd > runStart {
                        NMS.suppress(x1, y1, x2, y2, area, flag, runStart, runEnd, ix1, iy1, ix2, iy2, iarea, offset, thr)
                        scanned += runEnd - runStart
                    }
                    runStart = lo * b
                }
                runEnd = hi * b
                continue
            }
            for l in lo..<hi {   // branch-free, vectorised
                let px: UInt32 = (qx2 >= lx1[l] ? 1 : 0) & (lx2[l] >= ix1 ? 1 : 0)
                let py: UInt32 = (qy2 >= ly1[l] ? 1 : 0) & (ly2[l] >= iy1 ? 1 : 0)
                pass[l - lo] = px & py
            }
            for l in lo..<hi where pass[l - lo] != 0 {
                if l * b != runEnd {
                    if runEnd > runStart {
                        NMS.suppress(x1, y1, x2, y2, area, flag, runStart, runEnd, ix1, iy1, ix2, iy2, iarea, offset, thr)
                        scanned += runEnd - runStart
                    }
                    runStart = l * b
                }
                runEnd = l * b + b
            }
        }
        if runEnd > runStart {
            NMS.suppress(x1, y1, x2, y2, area, flag, runStart, runEnd, ix1, iy1, ix2, iy2, iarea, offset, thr)
            scanned += runEnd - runStart
        }
        return scanned
    }
}
