import CTrickKernels

/// Convolution products without an im2col matrix (the AVX2/FMA GEMM kernel only): the patches go
/// straight from the input into the GEMM's packed panels, a few hundred pixels at a time, so they
/// stay in the L1/L2 cache instead of making a full `(C/g·kh·kw) × (oh·ow)` matrix per image
/// (written by im2col, then copied again by the GEMM's packing).
///
/// Every output element is the same float32 chain of fused multiply-adds, over k in the same
/// order and from the same packed values, as `Gemm.multiply` on the im2col matrix (the kept
/// reference path, `Conv2d.swift`): the forward packs 16-pixel column panels of `W_g · cols` —
/// bit for bit the same numbers. (The gradients keep the im2col path.)
enum ConvPacked {
    /// Whether convolutions take this path (when the AVX2 kernel runs; tests switch it off to
    /// compare with the im2col path).
    nonisolated(unsafe) static var enabled = true
    static var active: Bool { enabled && Gemm.useAVX2 && !Gemm.useOpenBLAS }

    static let nr = Gemm.nr, mr = Gemm.mr
    /// Column panels per unit of forward work handed to a thread.
    static let panelsPerUnit = 16

    /// `W_g` (og × ckk, row-major) as the GEMM's A panels: row panel `ip` holds rows 4ip..<4ip+4 as
    /// ckk × 4 (zero-padded), at `dst + ip·ckk·4`.
    static func packWeights(_ w: UnsafePointer<Float>, rows: Int, k: Int, _ dst: UnsafeMutablePointer<Float>) {
        for ip in 0..<((rows + mr - 1) / mr) {
            let i0 = ip * mr, h = Swift.min(mr, rows - i0), ap = dst + ip * k * mr
            for p in 0..<k { for r in 0..<mr { ap[p * mr + r] = r < h ? w[(i0 + r) * k + p] : 0 } }
        }
    }

    /// `F.conv2d`'s `W_g · cols` into `out` (N, O, oh, ow); no bias.
    static func forward(_ p: ConvPlan, _ x: UnsafePointer<Float>, _ wt: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>) {
        let k = p.ckk, rowPanels = (p.og + mr - 1) / mr
        let panels = (p.l + nr - 1) / nr
        let blocks = (panels + panelsPerUnit - 1) / panelsPerUnit
        var packedW = [Float](repeating: 0, count: p.groups * rowPanels * k * mr)
        packedW.withUnsafeMutableBufferPointer { pw in
            for grp in 0..<p.groups { packWeights(wt + grp * p.og * k, rows: p.og, k: k, pw.baseAddress! + grp * rowPanels * k * mr) }
        }
        let gather = PatchGather(p)
        let units = p.n * p.groups * blocks
        let threads = Parallel.threads(forNanoseconds: 0.04 * Double(p.n * p.o * p.l * k))
        packedW.withUnsafeBufferPointer { pw in
            Parallel.ranges(units, threads: threads) { first, last in
                withUnsafeTemporaryAllocation(of: Float.self, capacity: k * nr) { buf in
                    let bp = buf.baseAddress!
                    for u in first..<last {
                        let blk = u % blocks, ig = u / blocks, grp = ig % p.groups, img = ig / p.groups
                        let src = x + (img * p.c + grp * p.cg) * p.h * p.w
                        let ap0 = pw.baseAddress! + grp * rowPanels * k * mr
                        for jp in (blk * panelsPerUnit)..<Swift.min(panels, (blk + 1) * panelsPerUnit) {
                            let j0 = jp * nr, width = Swift.min(nr, p.l - j0)
                            gather.panel(src, p0: j0, count: width, bp)
                            for ip in 0..<rowPanels {
                                let i0 = ip * mr
                                trick_sgemm_kernel_4x16(ap0 + ip * k * mr, bp, k, out + (img * p.o + grp * p.og + i0) * p.l + j0, p.l,
                                                        Int32(Swift.min(mr, p.og - i0)), Int32(width), 0)
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Reads the patch matrix of an image (what `ConvPlan.im2col` writes) 16 pixels at a time, with
/// each row's source offset and inside-the-row column range precomputed.
struct PatchGather {
    let p: ConvPlan
    /// Per row r = (ci, i, j): the offset of input column 0 of output column 0 in the group's
    /// planes (`ci·h·w + j·dw − pw`), the input row of output row 0 (`i·dh − ph`), and the output
    /// columns whose input column lies inside the row.
    let offset: [Int], dy: [Int], lo: [Int], hi: [Int]

    init(_ p: ConvPlan) {
        self.p = p
        var offset: [Int] = [], dy: [Int] = [], lo: [Int] = [], hi: [Int] = []
        for ci in 0..<p.cg { for i in 0..<p.kh { for j in 0..<p.kw {
            let (a, b) = p.insideColumns(j * p.dw - p.pw)
            offset.append(ci * p.h * p.w + j * p.dw - p.pw); dy.append(i * p.dh - p.ph); lo.append(a); hi.append(b)
        } } }
        (self.offset, self.dy, self.lo, self.hi) = (offset, dy, lo, hi)
    }

    /// `panel[r·16 + q] = cols[r][p0 + q]` for every row r, q < `count` (≤ 16), 0 for q ≥ count.
    @inline(__always)
    func panel(_ src: UnsafePointer<Float>, p0: Int, count: Int, _ panel: UnsafeMutablePointer<Float>) {
        let oy = p0 / p.ow, ox0 = p0 - oy * p.ow
        let oneRow = count == 16 && ox0 + 16 <= p.ow
        for r in 0..<offset.count {
            let d = panel + r * 16
            if !oneRow {
                for q in 0..<16 { d[q] = q < count ? value(src, r, p0 + q) : 0 }
                continue
            }
            let y = oy * p.sh + dy[r]
            if y < 0 || y >= p.h { d.update(repeating: 0, count: 16); continue }
            let row = src + offset[r] + y * p.w
            if ox0 >= lo[r] && ox0 + 16 <= hi[r] {
                if p.sw == 1 {
                    UnsafeMutableRawPointer(d).storeBytes(of: UnsafeRawPointer(row + ox0).loadUnaligned(as: SIMD16<Float>.self), as: SIMD16<Float>.self)
                } else {
                    for q in 0..<16 { d[q] = row[(ox0 + q) * p.sw] }
                }
            } else {
                for q in 0..<16 {
                    let ox = ox0 + q
                    d[q] = ox >= lo[r] && ox < hi[r] ? row[ox * p.sw] : 0
                }
            }
        }
    }

    /// `cols[r][pix]`.
    @inline(__always)
    func value(_ src: UnsafePointer<Float>, _ r: Int, _ pix: Int) -> Float {
        let oy = pix / p.ow, ox = pix - oy * p.ow
        let y = oy * p.sh + dy[r]
        guard y >= 0 && y < p.h && ox >= lo[r] && ox < hi[r] else { return 0 }
        return src[offset[r] + y * p.w + ox * p.sw]
    }
}
