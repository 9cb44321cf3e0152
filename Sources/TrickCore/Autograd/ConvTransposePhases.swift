import CTrickKernels

/// `conv_transpose2d` (dilation 1, the AVX2/FMA GEMM kernel) split by the phase of the output
/// pixel — the sub-pixel decomposition — instead of `Wᵀ·x` into a `(C_out·kh·kw) × (H·W)` matrix
/// scattered back by col2im (the kept reference path, `ConvTranspose2d.swift`).
///
/// Output row Y takes kernel rows i ≡ Y + p (mod s) only: for the phase ρ = (Y + p) mod s, taps
/// i = ρ + a·s read input row q − a where Y = q·s + ρ − p. So the output pixels of one phase
/// (ρ_y, ρ_x) are a stride-1 correlation of the input with those taps, one GEMM:
/// `out_ρ[oc, q, u] = Σ_{ci, a, b} W[ci, oc, ρ_y + a·s, ρ_x + b·s] · x[ci, q − a, u − b]`, its
/// patches read (16 pixels a row) from a zero-bordered copy of the input, no col2im.
/// - forward: each output element is one float32 chain of fused multiply-adds over (ci, a, b) in
///   that order (then + bias) — not the reference path's bits (there a sum over ci per tap, then
///   the taps added in (i, j) order by col2im): within float32 rounding of it and of torch.
/// - ∂input is conv2d of ∂output (stride s): the reference path's product, the same chain over
///   (oc, i, j) from the same packed weights, bit for bit; only its patches come from ∂output
///   de-interleaved into s² zero-bordered phase planes (contiguous rows, no stride-s gather).
/// - ∂weight: per image `Σ_pixels x[ci, pix] · cols[(oc, i, j), pix]` over pixels in order, then
///   the images summed in order — the reference path's numbers bit for bit, computed as the
///   transposed product (rows of the phase planes times x packed 16 channels a panel), so no
///   im2col matrix and no transposed packing of it.
/// Every output element is computed by one thread in a fixed order: the numbers do not depend on
/// the thread count.
enum ConvTransposePhases {
    /// Whether transposed convolutions take this path (tests switch it off to compare with the
    /// reference path).
    nonisolated(unsafe) static var enabled = true
    static var active: Bool { enabled && Gemm.useAVX2 && !Gemm.useOpenBLAS }

    static let mr = Gemm.mr, nr = Gemm.nr

    /// One spatial dimension of a transposed convolution with dilation 1.
    struct Axis {
        let size, outSize, kernel, stride, padding: Int
        /// Per output phase ρ = (Y + p) mod s: its kernel taps ρ, ρ + s, … and the q range
        /// `q0[ρ]..<q1[ρ]` with output index Y = q·s + ρ − p (reading input q − a for tap a).
        let taps: [[Int]], q0: [Int], q1: [Int]
        /// The input indices the forward reads, `lo...hi` (covering 0..<size): the padded copy.
        let lo, hi: Int
        /// Per kernel tap i, where ∂output index y·s − p + i lies in the phase planes:
        /// phase `(i − p) mod s`, plane index `y + shift[i]`; the planes hold indices `tLo...tHi`.
        let phase: [Int], shift: [Int], tLo, tHi: Int

        init(size: Int, outSize: Int, kernel: Int, stride s: Int, padding p: Int) {
            (self.size, self.outSize, self.kernel, stride, padding) = (size, outSize, kernel, s, p)
            var taps: [[Int]] = [], q0: [Int] = [], q1: [Int] = []
            var lo = 0, hi = size - 1
            for rho in 0..<s {
                let t = Array(Swift.stride(from: rho, to: kernel, by: s))
                let a = -floorDiv(rho - p, s), b = Swift.max(a, floorDiv(outSize - 1 + p - rho, s) + 1)
                taps.append(t); q0.append(a); q1.append(b)
                if !t.isEmpty && b > a { lo = Swift.min(lo, a - t.count + 1); hi = Swift.max(hi, b - 1) }
            }
            (self.taps, self.q0, self.q1, self.lo, self.hi) = (taps, q0, q1, lo, hi)
            let shift = (0..<kernel).map { floorDiv($0 - p, s) }
            phase = (0..<kernel).map { $0 - p - floorDiv($0 - p, s) * s }
            self.shift = shift
            tLo = shift.min() ?? 0
            tHi = size - 1 + (shift.max() ?? 0)
        }

        var padded: Int { hi - lo + 1 }
        var planeSize: Int { tHi - tLo + 1 }
    }

    static func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }

    /// The shape of one transposed convolution: x (n, ci, h, w), weight (ci, co/groups, kh, kw),
    /// output (n, co, oh, ow).
    struct Plan {
        let n, ci, co, groups, cig, cog: Int
        let ay, ax: Axis
        var h: Int { ay.size }
        var w: Int { ax.size }
        var oh: Int { ay.outSize }
        var ow: Int { ax.outSize }
        /// ∂input's and ∂weight's k: (oc, i, j) of one group.
        var ckk: Int { cog * ay.kernel * ax.kernel }
    }

    /// The floats from one padded plane to the next: its size and 16 more, so that the patch rows
    /// of consecutive planes do not all fall in one L1 set (at 32×32 planes, 4 KB apart, the 128
    /// rows of a product would share the 8 ways of a single set).
    static func planeStride(_ size: Int) -> Int { size + nr }

    /// Work split: one thread below ~40 µs of products.
    static func threads(_ multiplyAdds: Int) -> Int { Parallel.threads(forNanoseconds: 0.04 * Double(multiplyAdds)) }

    // MARK: forward

    /// `out` (n, co, oh, ow) = conv_transpose2d(x, w) (+ bias).
    static func forward(_ p: Plan, _ x: UnsafePointer<Float>, _ wt: UnsafePointer<Float>, _ bias: UnsafePointer<Float>?,
                        _ out: UnsafeMutablePointer<Float>) {
        let (ay, ax) = (p.ay, p.ax)
        let hp = ay.padded, wp = ax.padded, pplane = planeStride(hp * wp)
        // the input with a zero border: rows lo...hi, columns lo...hi of each axis
        // (+ 16: the product reads 16 floats a patch row, also past a short last row)
        let xp = UnsafeMutablePointer<Float>.allocate(capacity: p.n * p.ci * pplane + nr)
        xp.advanced(by: p.n * p.ci * pplane).initialize(repeating: 0, count: nr)
        defer { xp.deallocate() }
        WarmPool.ranges(p.n * p.ci, threads: threads(p.n * p.ci * pplane * 8)) { first, last in
            for plane in first..<last {
                let d = xp + plane * pplane, s = x + plane * p.h * p.w
                d.update(repeating: 0, count: hp * wp)
                for y in 0..<p.h { (d + (y - ay.lo) * wp - ax.lo).update(from: s + y * p.w, count: p.w) }
            }
        }
        // per (group, phase y, phase x): the packed weights W[ci, oc, taps] as og × k, k = (ci, a, b)
        let sy = ay.stride, sx = ax.stride
        let rowPanels = (p.cog + mr - 1) / mr
        var aOffset: [Int] = [], aCount = 0
        for _ in 0..<p.groups { for py in 0..<sy { for px in 0..<sx {
            aOffset.append(aCount)
            aCount += rowPanels * p.cig * ay.taps[py].count * ax.taps[px].count * mr
        } } }
        // per (phase y, phase x): patch row (ci, a, b) at `c·plane − a·wp − b` from (q, u) in the copy
        var rowOffsets: [[Int]] = []
        for py in 0..<sy { for px in 0..<sx {
            var r: [Int] = []
            for c in 0..<p.cig { for a in 0..<ay.taps[py].count { for b in 0..<ax.taps[px].count { r.append(c * pplane - a * wp - b) } } }
            rowOffsets.append(r)
        } }
        let packed = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(1, aCount))
        defer { packed.deallocate() }
        let kh = ay.kernel, kw = ax.kernel
        for grp in 0..<p.groups { for py in 0..<sy { for px in 0..<sx {
            let ty = ay.taps[py], tx = ax.taps[px], k = p.cig * ty.count * tx.count
            let ap = packed + aOffset[(grp * sy + py) * sx + px]
            for ip in 0..<rowPanels {
                for r in 0..<mr {
                    let oc = ip * mr + r
                    var col = 0
                    for c in 0..<p.cig { for i in ty { for j in tx {
                        ap[(ip * k + col) * mr + r] = oc < p.cog ? wt[(((grp * p.cig + c) * p.cog + oc) * kh + i) * kw + j] : 0
                        col += 1
                    } } }
                }
            }
        } } }
        // units: one output row of one image and group (all its column phases); an output row is
        // made 16·sx columns at a time from the 16-column tiles of its sx column phases, interleaved
        var units: [(img: Int, grp: Int, py: Int, q: Int)] = []
        var work = 0
        for img in 0..<p.n { for grp in 0..<p.groups { for py in 0..<sy {
            for q in ay.q0[py]..<ay.q1[py] {
                units.append((img, grp, py, q))
                for px in 0..<sx { work += p.cog * p.cig * ay.taps[py].count * ax.taps[px].count * Swift.max(0, ax.q1[px] - ax.q0[px]) }
            }
        } } }
        let phaseStride = rowPanels * mr * nr
        WarmPool.ranges(units.count, threads: threads(work)) { first, last in
            let tile = UnsafeMutablePointer<Float>.allocate(capacity: sx * phaseStride)
            defer { tile.deallocate() }
            for unit in units[first..<last] {
                let (img, grp, py, q) = unit
                let ty = ay.taps[py].count
                let oy = q * sy + py - ay.padding
                let src = xp + (img * p.ci + grp * p.cig) * pplane + (q - ay.lo) * wp - ax.lo
                let outRow = out + ((img * p.co + grp * p.cog) * p.oh + oy) * p.ow
                var x0 = 0
                while x0 < p.ow {
                    let count = Swift.min(nr * sx, p.ow - x0)
                    for px in 0..<sx {
                        // this phase's columns u0..<u0+width give outputs x0 + (u − u0)·sx + …
                        let tx = ax.taps[px].count, k = p.cig * ty * tx
                        let u0 = -floorDiv(px - x0 - ax.padding, sx), width = Swift.min(nr, ax.q1[px] - u0)
                        let t = tile + px * phaseStride
                        if width <= 0 { continue }
                        if k == 0 { t.update(repeating: 0, count: phaseStride); continue }
                        let ap = packed + aOffset[(grp * sy + py) * sx + px]
                        rowOffsets[py * sx + px].withUnsafeBufferPointer { offs in
                            rowBlocks(ap, k: k, rows: p.cog, src + u0, offs.baseAddress!, t, ldc: nr, width: width)
                        }
                    }
                    trick_phase_interleave(tile, phaseStride, Int32(sx), Int32((x0 + ax.padding) % sx), p.cog, count,
                                           bias.map { $0 + grp * p.cog }, outRow + x0, p.oh * p.ow)
                    x0 += count
                }
            }
        }
    }

    // MARK: backward

    /// ∂output (n, co, oh, ow) as phase planes: plane (img, oc, ρy, ρx) holds at (T, U), for
    /// T in tLo...tHi and U likewise, `gy[img, oc, T·sy + ρy, U·sx + ρx]`, 0 outside the output.
    static func phasePlanes(_ p: Plan, _ gy: UnsafePointer<Float>) -> UnsafeMutablePointer<Float> {
        let (ay, ax) = (p.ay, p.ax)
        let dh = ay.planeSize, dw = ax.planeSize, sy = ay.stride, sx = ax.stride
        let ds = planeStride(dh * dw), count = p.n * p.co * sy * sx * ds
        let d = UnsafeMutablePointer<Float>.allocate(capacity: count + nr)   // (+ 16: see `forward`)
        d.advanced(by: count).initialize(repeating: 0, count: nr)
        WarmPool.ranges(p.n * p.co, threads: threads(count * 4)) { first, last in
            for plane in first..<last {
                let src = gy + plane * p.oh * p.ow
                for py in 0..<sy {
                    let dst = d + (plane * sy + py) * sx * ds
                    for t in 0..<dh {
                        let y = (t + ay.tLo) * sy + py
                        if y < 0 || y >= p.oh {
                            for px in 0..<sx { (dst + px * ds + t * dw).update(repeating: 0, count: dw) }
                            continue
                        }
                        trick_phase_split_row(src + y * p.ow, p.ow, Int32(sx), ax.tLo, dw, dst + t * dw, ds)
                    }
                }
            }
        }
        return d
    }

    /// ∂bias = `grad.sum(dims: [0, 2, 3])` bit for bit without its transposed copy: per channel
    /// the (image, pixel) values in order into four Double sums by position mod 4 (the last
    /// count mod 4 into a fifth), combined as `Tensor.sumLane` does, rounded to float32.
    static func biasGradient(_ p: Plan, _ gy: UnsafePointer<Float>) -> [Float] {
        let plane = p.oh * p.ow, total = p.n * plane, body = total - total % 4
        var out = [Float](repeating: 0, count: p.co)
        out.withUnsafeMutableBufferPointer { po in
            WarmPool.ranges(p.co, threads: threads(total * p.co / 4)) { first, last in
                for oc in first..<last {
                    var a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0, acc = 0.0
                    if plane % 4 == 0 {
                        for img in 0..<p.n {
                            let g = gy + (img * p.co + oc) * plane
                            var j = 0
                            while j < plane {
                                a0 += Double(g[j]); a1 += Double(g[j + 1]); a2 += Double(g[j + 2]); a3 += Double(g[j + 3])
                                j += 4
                            }
                        }
                    } else {
                        var k = 0
                        for img in 0..<p.n {
                            let g = gy + (img * p.co + oc) * plane
                            for j in 0..<plane {
                                let v = Double(g[j])
                                if k >= body { acc += v } else {
                                    switch k & 3 { case 0: a0 += v; case 1: a1 += v; case 2: a2 += v; default: a3 += v }
                                }
                                k += 1
                            }
                        }
                    }
                    po[oc] = Float(acc + ((a0 + a1) + (a2 + a3)))
                }
            }
        }
        return out
    }

    /// For row r = (oc, i, j) of a group's k (oc within the group): the offset, in an image's phase
    /// planes, of the value for input pixel (0, 0); pixel (y, x) is `y·dw + x` further.
    static func rowOffsets(_ p: Plan, grp: Int) -> [Int] {
        let (ay, ax) = (p.ay, p.ax)
        let dh = ay.planeSize, dw = ax.planeSize
        var r: [Int] = []
        r.reserveCapacity(p.ckk)
        for oc in 0..<p.cog { for i in 0..<ay.kernel { for j in 0..<ax.kernel {
            let plane = ((grp * p.cog + oc) * ay.stride + ay.phase[i]) * ax.stride + ax.phase[j]
            r.append(plane * planeStride(dh * dw) + (ay.shift[i] - ay.tLo) * dw + ax.shift[j] - ax.tLo)
        } } }
        return r
    }

    /// ∂input (n, ci, h, w) and ∂weight (ci, co/groups, kh, kw) from ∂output.
    static func backward(_ p: Plan, _ x: UnsafePointer<Float>, _ wt: UnsafePointer<Float>, _ gy: UnsafePointer<Float>,
                         needInput: Bool, needWeight: Bool) -> ([Float]?, [Float]?) {
        if !needInput && !needWeight { return (nil, nil) }
        let d = phasePlanes(p, gy)
        defer { d.deallocate() }
        let imagePlanes = p.co * p.ay.stride * p.ax.stride * planeStride(p.ay.planeSize * p.ax.planeSize)
        let offsets = (0..<p.groups).map { rowOffsets(p, grp: $0) }
        let gx = needInput ? inputGradient(p, wt, d, imagePlanes, offsets) : nil
        let gw = needWeight ? weightGradient(p, x, d, imagePlanes, offsets) : nil
        return (gx, gw)
    }

    /// conv2d(∂output, W, stride s, padding p): per image, group and input row, `W_g · cols`
    /// with W packed as ConvPacked packs it and the patch rows read in place from the phase planes.
    static func inputGradient(_ p: Plan, _ wt: UnsafePointer<Float>, _ d: UnsafePointer<Float>, _ imagePlanes: Int,
                              _ offsets: [[Int]]) -> [Float] {
        let k = p.ckk, rowPanels = (p.cig + mr - 1) / mr, plane = p.h * p.w, dw = p.ax.planeSize
        var packedW = [Float](repeating: 0, count: Swift.max(1, p.groups * rowPanels * k * mr))
        packedW.withUnsafeMutableBufferPointer { pw in
            for grp in 0..<p.groups { ConvPacked.packWeights(wt + grp * p.cig * k, rows: p.cig, k: k, pw.baseAddress! + grp * rowPanels * k * mr) }
        }
        return [Float](unsafeUninitializedCapacity: p.n * p.ci * plane) { buf, count in
            let gx = buf.baseAddress!
            if k == 0 { gx.update(repeating: 0, count: p.n * p.ci * plane) }
            let units = k == 0 ? 0 : p.n * p.groups * p.h
            packedW.withUnsafeBufferPointer { pw in
                WarmPool.ranges(units, threads: threads(p.n * p.ci * plane * k)) { first, last in
                    for u in first..<last {
                        let y = u % p.h, ig = u / p.h, grp = ig % p.groups, img = ig / p.groups
                        let src = d + img * imagePlanes + y * dw, off = offsets[grp]
                        let ap = pw.baseAddress! + grp * rowPanels * k * mr
                        let dst = gx + (img * p.ci + grp * p.cig) * plane + y * p.w
                        var x0 = 0
                        while x0 < p.w {
                            let width = Swift.min(nr, p.w - x0)
                            off.withUnsafeBufferPointer { po in
                                rowBlocks(ap, k: k, rows: p.cig, src + x0, po.baseAddress!, dst + x0, ldc: plane, width: width)
                            }
                            x0 += width
                        }
                    }
                }
            }
            count = p.n * p.ci * plane
        }
    }

    /// ∂W[ci, (oc, i, j)] = Σ_images Σ_pixels x[ci, pix] · cols[(oc, i, j), pix], computed as its
    /// transpose: 4 rows (oc, i, j) read in place from the phase planes against x packed as
    /// pixels × 16 channels, accumulated image after image into a zeroed ∂Wᵀ.
    static func weightGradient(_ p: Plan, _ x: UnsafePointer<Float>, _ d: UnsafePointer<Float>, _ imagePlanes: Int,
                               _ offsets: [[Int]]) -> [Float] {
        let k = p.ckk, plane = p.h * p.w, dw = p.ax.planeSize
        let colPanels = (p.cig + nr - 1) / nr
        // x of image img, group grp, channels 16jp..<16jp+16 as plane × 16
        let xt = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(1, p.n * p.groups * colPanels * plane * nr))
        defer { xt.deallocate() }
        WarmPool.ranges(p.n * p.groups * colPanels, threads: threads(p.n * p.ci * plane * 4)) { first, last in
            for u in first..<last {
                let jp = u % colPanels, ig = u / colPanels, grp = ig % p.groups, img = ig / p.groups
                trick_sgemm_pack_transposed_16(x + (img * p.ci + grp * p.cig + jp * nr) * plane, plane, plane,
                                               Int32(Swift.min(nr, p.cig - jp * nr)), xt + u * plane * nr)
            }
        }
        var gwt = [Float](repeating: 0, count: p.groups * k * p.cig)
        gwt.withUnsafeMutableBufferPointer { pg in
            // blocks of 4 rows of ∂Wᵀ, or 8 with AVX-512 (the same bits)
            let wide = Gemm.useAVX512, bh = wide ? 2 * mr : mr, blocks = (k + bh - 1) / bh
            WarmPool.ranges(p.groups * blocks, threads: threads(p.n * p.ci * plane * k)) { first, last in
                withUnsafeTemporaryAllocation(of: UnsafePointer<Float>?.self, capacity: 8) { rowPointers in
                    for u in first..<last {
                        let ib = u % blocks, grp = u / blocks, r0 = ib * bh, rows = Swift.min(bh, k - r0)
                        let off = offsets[grp]
                        for jp in 0..<colPanels {
                            let c = pg.baseAddress! + (grp * k + r0) * p.cig + jp * nr
                            for img in 0..<p.n {
                                let base = d + img * imagePlanes, b = xt + ((img * p.groups + grp) * colPanels + jp) * plane * nr
                                let cols = Int32(Swift.min(nr, p.cig - jp * nr))
                                if wide {
                                    for r in 0..<8 { rowPointers[r] = UnsafePointer(base + off[r0 + Swift.min(r, rows - 1)]) }
                                    trick_sgemm_kernel_8x16_segments_avx512(UnsafePointer(rowPointers.baseAddress!), dw, p.w, p.h, b, c, p.cig, Int32(rows), cols, 1)
                                } else {
                                    let o0 = off[r0], o1 = off[r0 + Swift.min(1, rows - 1)], o2 = off[r0 + Swift.min(2, rows - 1)]
                                    let o3 = off[r0 + Swift.min(3, rows - 1)]
                                    trick_sgemm_kernel_4x16_segments(base + o0, base + o1, base + o2, base + o3, dw, p.w, p.h, b,
                                                                     c, p.cig, Int32(rows), cols, 1)
                                }
                            }
                        }
                    }
                }
            }
        }
        // ∂Wᵀ (group, (oc, i, j), ci) to the weight's layout (group, ci, (oc, i, j))
        var gw = [Float](repeating: 0, count: p.ci * k)
        for grp in 0..<p.groups { for r in 0..<k { for c in 0..<p.cig {
            gw[(grp * p.cig + c) * k + r] = gwt[(grp * k + r) * p.cig + c]
        } } }
        return gw
    }

    /// The row blocks of a product whose A is packed in k × 4 panels at `ap` (`rows` rows) and
    /// whose B rows are read in place (`base + offs[p]`, 16 columns, `width` of them stored), into
    /// `c` (row stride `ldc`): 4×16 blocks, or 8×16 with AVX-512 (the same bits).
    @inline(__always)
    static func rowBlocks(_ ap: UnsafePointer<Float>, k: Int, rows: Int, _ base: UnsafePointer<Float>, _ offs: UnsafePointer<Int>,
                          _ c: UnsafeMutablePointer<Float>, ldc: Int, width: Int) {
        let rowPanels = (rows + mr - 1) / mr
        if Gemm.useAVX512 {
            for ip in stride(from: 0, to: rowPanels, by: 2) {
                trick_sgemm_kernel_8x16_rows_avx512(ap + ip * k * mr, ap + Swift.min(ip + 1, rowPanels - 1) * k * mr, base, offs, k,
                                                    c + ip * mr * ldc, ldc, Int32(Swift.min(2 * mr, rows - ip * mr)), Int32(width), 0)
            }
            return
        }
        for ip in 0..<rowPanels {
            trick_sgemm_kernel_4x16_rows(ap + ip * k * mr, base, offs, k, c + ip * mr * ldc, ldc,
                                         Int32(Swift.min(mr, rows - ip * mr)), Int32(width), 0)
        }
    }
}
