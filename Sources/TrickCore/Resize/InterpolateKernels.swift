import CTrickKernels

/// The fast evaluation of `Interpolate`'s 'nearest' and 'bicubic' modes: the same values as the
/// per-pixel reference loops (`Interpolate.nearestGather`, `Interpolate.bicubic2d`, kept for the
/// randomized tests), bit for bit, in less work and over both cores.
extension Interpolate {
    /// 'nearest' / 'nearest-exact' with the source indices `hi` (rows) and `wi` (columns): each
    /// output row is gathered once, and an output row whose source row equals the previous row's
    /// (every repeated row when upsampling) is a copy of it. Rows (plane-major) are split over the
    /// cores by cost; a thread copies only rows it wrote itself.
    static func nearestRows<T>(_ a: [T], _ planes: Int, _ inH: Int, _ inW: Int, _ outH: Int, _ outW: Int,
                               _ hi: [Int], _ wi: [Int]) -> [T] {
        let total = planes * outH * outW
        let threads = Parallel.threads(forNanoseconds: 0.3 * Double(total))
        return HugePages.array(count: total) { (dst: UnsafeMutableBufferPointer<T>) in
            guard total > 0 else { return }
            a.withUnsafeBufferPointer { src in hi.withUnsafeBufferPointer { hp in wi.withUnsafeBufferPointer { wp in
                let d0 = dst.baseAddress!, s0 = src.baseAddress!, w = wp.baseAddress!
                Parallel.ranges(planes * outH, threads: threads) { first, last in
                    for g in first..<last {
                        let p = g / outH, y = g - p * outH
                        let d = d0 + g * outW
                        if g > first && y > 0 && hp[y] == hp[y - 1] {
                            d.initialize(from: d - outW, count: outW)
                            continue
                        }
                        let r = s0 + (p * inH + hp[y]) * inW
                        for x in 0..<outW { (d + x).initialize(to: r[w[x]]) }
                    }
                }
            } } }
        }
    }

    /// The reference 'nearest' loop: every output element read from its source (plane, hi[y], wi[x]).
    static func nearestGather<T>(_ a: [T], _ planes: Int, _ inH: Int, _ inW: Int, _ outH: Int, _ outW: Int,
                                 _ hi: [Int], _ wi: [Int]) -> [T] {
        var out = [T]()
        out.reserveCapacity(planes * outH * outW)
        a.withUnsafeBufferPointer { src in
            for p in 0..<planes {
                let base = p * inH * inW
                for y in 0..<outH {
                    let row = base + hi[y] * inW
                    for x in 0..<outW { out.append(src[row + wi[x]]) }
                }
            }
        }
        return out
    }

    /// `bicubic2d` evaluated separably, with the same bits: torch's per-pixel sum over the four
    /// height taps of each tap row's width sum `fma(v3,w3, fma(v2,w2, fma(v0,w0, v1·w1)))` depends
    /// on the source row and the output column only, so each source row's width sums are computed
    /// once (four cached rows per thread) and every output row is
    /// `fma(t3,wy3, fma(t2,wy2, fma(t0,wy0, t1·wy1)))` over contiguous rows. Output rows
    /// (plane-major) are split over the cores by cost. Float32 runs the AVX2 build
    /// (`trick_bicubic_rows_f32`) when the CPU has it.
    static func bicubicSeparable<F: BinaryFloatingPoint>(_ a: [F], _ planes: Int, _ inH: Int, _ inW: Int,
                                                         _ outH: Int, _ outW: Int, _ sH: Double?, _ sW: Double?,
                                                         _ align: Bool) -> [F] {
        let ty = cubicTaps(inH, outH, sH, align, F.self), tx = cubicTaps(inW, outW, sW, align, F.self)
        // taps flattened: rows as [4y + j], columns by tap ([j·outW + x]) so the width loop is contiguous
        var iy = [Int32](repeating: 0, count: 4 * outH), wy = [F](repeating: 0, count: 4 * outH)
        var ix = [Int32](repeating: 0, count: 4 * outW), wx = [F](repeating: 0, count: 4 * outW)
        for y in 0..<outH { for j in 0..<4 { iy[4 * y + j] = Int32(ty[y].idx[j]); wy[4 * y + j] = ty[y].w[j] } }
        for x in 0..<outW { for j in 0..<4 { ix[j * outW + x] = Int32(tx[x].idx[j]); wx[j * outW + x] = tx[x].w[j] } }
        let total = planes * outH * outW
        let threads = Parallel.threads(forNanoseconds: 0.5 * Double(total))
        let avx2 = F.self == Float.self && VectorKernels.useAVX2
        return HugePages.array(count: total) { (dst: UnsafeMutableBufferPointer<F>) in
            guard total > 0 else { return }
            a.withUnsafeBufferPointer { src in
            iy.withUnsafeBufferPointer { iyp in wy.withUnsafeBufferPointer { wyp in
            ix.withUnsafeBufferPointer { ixp in wx.withUnsafeBufferPointer { wxp in
                let s0 = src.baseAddress!, d0 = dst.baseAddress!
                Parallel.ranges(planes * outH, threads: threads) { first, last in
                    withUnsafeTemporaryAllocation(of: F.self, capacity: 4 * outW) { cache in
                        let c0 = cache.baseAddress!
                        if avx2 {
                            trick_bicubic_rows_f32(UnsafeRawPointer(s0).assumingMemoryBound(to: Float.self),
                                                   UnsafeMutableRawPointer(d0).assumingMemoryBound(to: Float.self),
                                                   inH, inW, outH, outW, iyp.baseAddress!,
                                                   UnsafeRawPointer(wyp.baseAddress!).assumingMemoryBound(to: Float.self),
                                                   ixp.baseAddress!, UnsafeRawPointer(wxp.baseAddress!).assumingMemoryBound(to: Float.self),
                                                   first, last, UnsafeMutableRawPointer(c0).assumingMemoryBound(to: Float.self))
                            return
                        }
                        bicubicRows(s0, d0, inH, inW, outH, outW, iyp.baseAddress!, wyp.baseAddress!,
                                    ixp.baseAddress!, wxp.baseAddress!, first, last, c0)
                    }
                }
            } } } }
            }
        }
    }

    /// Output rows `first..<last` of `bicubicSeparable` (the Swift build of `trick_bicubic_rows_f32`).
    static func bicubicRows<F: BinaryFloatingPoint>(_ src: UnsafePointer<F>, _ dst: UnsafeMutablePointer<F>,
                                                    _ inH: Int, _ inW: Int, _ outH: Int, _ outW: Int,
                                                    _ iy: UnsafePointer<Int32>, _ wy: UnsafePointer<F>,
                                                    _ ix: UnsafePointer<Int32>, _ wx: UnsafePointer<F>,
                                                    _ first: Int, _ last: Int, _ cache: UnsafeMutablePointer<F>) {
        var tags = [Int](repeating: -1, count: 4)   // the source row (plane·inH + row) each cached row holds
        var want = [Int](repeating: 0, count: 4)
        var rows = [UnsafeMutablePointer<F>](repeating: cache, count: 4)
        for g in first..<last {
            let p = g / outH, y = g - p * outH
            for j in 0..<4 { want[j] = p * inH + Int(iy[4 * y + j]) }
            for j in 0..<4 {
                var slot = tags.firstIndex(of: want[j]) ?? -1
                if slot < 0 {
                    // a slot none of this row's taps needs (there are at most 4 distinct taps)
                    slot = (0..<4).first { q in !want.contains(tags[q]) }!
                    let t = cache + slot * outW, r = src + want[j] * inW
                    for x in 0..<outW {
                        var v = r[Int(ix[outW + x])] * wx[outW + x]
                        v.addProduct(r[Int(ix[x])], wx[x])
                        v.addProduct(r[Int(ix[2 * outW + x])], wx[2 * outW + x])
                        v.addProduct(r[Int(ix[3 * outW + x])], wx[3 * outW + x])
                        t[x] = v
                    }
                    tags[slot] = want[j]
                }
                rows[j] = cache + slot * outW
            }
            let (t0, t1, t2, t3) = (rows[0], rows[1], rows[2], rows[3])
            let (w0, w1, w2, w3) = (wy[4 * y], wy[4 * y + 1], wy[4 * y + 2], wy[4 * y + 3])
            let d = dst + g * outW
            for x in 0..<outW {
                var v = t1[x] * w1
                v.addProduct(t0[x], w0)
                v.addProduct(t2[x], w2)
                v.addProduct(t3[x], w3)
                d[x] = v
            }
        }
    }
}
