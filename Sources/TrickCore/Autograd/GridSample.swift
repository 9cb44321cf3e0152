#if canImport(Glibc)
import Glibc
#endif
import CTrickKernels

/// `torch.nn.functional.grid_sample(input, grid, mode, padding_mode, align_corners)` for 4-D
/// input with its gradient to input and grid (GridSampler2DBackward0), and `affine_grid`.
///
/// As torch's CPU kernel (aten/src/ATen/native/cpu/GridSamplerKernel.cpp), in float32: a grid
/// coordinate c ∈ [−1, 1] becomes `(c + 1)·(size − 1)/2` (align_corners) or
/// `(c + 1)·size/2 − 0.5`; 'border' clips it to [0, size − 1], 'reflection' reflects it about
/// the edges (pixel centres with align_corners, else the borders) and clips; 'zeros' reads 0
/// outside. Bilinear blends the four neighbours; nearest rounds half to even (`nearbyint`).
/// The grid's gradient is the bilinear weights' derivative times the unnormalising scale and
/// the clip's / reflection's derivative (0 where clipped); nearest gives the grid no gradient.
public enum GridSample {
    public enum Mode: String { case bilinear, nearest }
    public enum Padding: String { case zeros, border, reflection }

    /// The source coordinate of one grid value and its derivative with respect to the value.
    static func source(_ coord: Float, size: Int, padding: Padding, alignCorners: Bool) -> (Float, Float) {
        let scale: Float = alignCorners ? Float(size - 1) / 2 : Float(size) / 2
        var x = alignCorners ? (coord + 1) * scale : (coord + 1) * scale - 0.5
        var grad = scale
        switch padding {
        case .zeros: break
        case .border:
            (x, grad) = clip(x, size, grad)
        case .reflection:
            let (r, m) = alignCorners ? reflect(x, 0, Float(2 * (size - 1))) : reflect(x, -1, Float(2 * size - 1))
            (x, grad) = clip(r, size, grad * m)
        }
        return (x, grad)
    }

    /// Where each output location reads: up to 4 in-bounds taps per point (in corner order:
    /// (y0, x0), (y0, x0+1), (y0+1, x0), (y0+1, x0+1); the nearest pixel alone for nearest), the
    /// offset in the plane, the weight and the weight's derivatives by the source coordinates.
    struct Taps {
        var count: [UInt8]
        var offset: [Int]
        var weight, dx, dy: [Float]

        init(points: Int) {
            count = [UInt8](repeating: 0, count: points)
            offset = [Int](repeating: 0, count: 4 * points)
            weight = [Float](repeating: 0, count: 4 * points)
            dx = weight; dy = weight
        }

        /// The taps of source point (sx, sy) into slot i. A non-finite (or far out) point reads nothing.
        mutating func fill(_ i: Int, _ sx: Float, _ sy: Float, h: Int, w: Int, mode: Mode) {
            guard sx.isFinite, sy.isFinite, abs(sx) < 1e9, abs(sy) < 1e9 else { count[i] = 0; return }
            var n = 0
            func add(_ y: Int, _ x: Int, _ wt: Float, _ ddx: Float, _ ddy: Float) {
                guard y >= 0 && y < h && x >= 0 && x < w else { return }
                offset[4 * i + n] = y * w + x; weight[4 * i + n] = wt; dx[4 * i + n] = ddx; dy[4 * i + n] = ddy
                n += 1
            }
            if mode == .nearest {
                add(Int(rintf(sy)), Int(rintf(sx)), 1, 0, 0)
            } else {
                let x0 = Int(floorf(sx)), y0 = Int(floorf(sy))
                let fx = sx - Float(x0), fy = sy - Float(y0)
                add(y0, x0, (1 - fx) * (1 - fy), -(1 - fy), -(1 - fx))
                add(y0, x0 + 1, fx * (1 - fy), 1 - fy, -fx)
                add(y0 + 1, x0, (1 - fx) * fy, -fy, 1 - fx)
                add(y0 + 1, x0 + 1, fx * fy, fy, fx)
            }
            count[i] = UInt8(n)
        }
    }

    /// Whether bilinear sampling takes the AVX2 kernels (grid_sample_avx2.c) when the CPU has
    /// them (tests switch it off to compare with the Swift loops, the kept reference path).
    nonisolated(unsafe) static var vectorized = true
    /// Whether float32 `affine_grid` computes its grid directly (`Variable.directAffineGrid`; tests
    /// switch it off to compare with the composite base-grid-times-θᵀ path).
    nonisolated(unsafe) static var directAffineGrid = true

    /// The bilinear taps of every output location for the AVX2 kernels, per image in groups of 8
    /// locations (g = o / 8, l = o % 8; an image's locations padded to a multiple of 8): tap t's
    /// offset in the plane at `offset[(b·groups + g)·32 + 8t + l]` (−1 outside), its weight at
    /// `values[(b·groups + g)·96 + 8t + l]`, the weight's derivatives by the source x and y 32 and
    /// 64 further — the values `Taps.fill` computes, in corner order, with the outside taps kept
    /// in place (never read) rather than dropped.
    struct BilinearTable {
        var offset: [Int32]
        var values: [Float]
        let groups: Int

        init(images: Int, points: Int, grid: UnsafePointer<Float>, h: Int, w: Int, scale: UnsafeMutablePointer<Float>,
             padding: Padding, alignCorners: Bool) {
            let groups = (points + 7) / 8
            self.groups = groups
            offset = [Int32](repeating: -1, count: images * groups * 32)
            values = [Float](repeating: 0, count: images * groups * 96)
            offset.withUnsafeMutableBufferPointer { po in values.withUnsafeMutableBufferPointer { pv in
                let (po, pv) = (po.baseAddress!, pv.baseAddress!)
                Parallel.ranges(images * points, threads: Parallel.threads(forNanoseconds: 10.0 * Double(images * points))) { first, last in
                    for i in first..<last {
                        let (sx, gx) = GridSample.source(grid[2 * i], size: w, padding: padding, alignCorners: alignCorners)
                        let (sy, gy) = GridSample.source(grid[2 * i + 1], size: h, padding: padding, alignCorners: alignCorners)
                        scale[2 * i] = gx; scale[2 * i + 1] = gy
                        guard sx.isFinite, sy.isFinite, abs(sx) < 1e9, abs(sy) < 1e9 else { continue }
                        let b = i / points, o = i - b * points
                        let group = b * groups + o / 8, lane = o % 8
                        let x0 = Int(floorf(sx)), y0 = Int(floorf(sy))
                        let fx = sx - Float(x0), fy = sy - Float(y0)
                        @inline(__always) func put(_ t: Int, _ y: Int, _ x: Int, _ wt: Float, _ ddx: Float, _ ddy: Float) {
                            if y >= 0 && y < h && x >= 0 && x < w { po[group * 32 + 8 * t + lane] = Int32(y * w + x) }
                            let v = pv + group * 96 + 8 * t + lane
                            v[0] = wt; v[32] = ddx; v[64] = ddy
                        }
                        put(0, y0, x0, (1 - fx) * (1 - fy), -(1 - fy), -(1 - fx))
                        put(1, y0, x0 + 1, fx * (1 - fy), 1 - fy, -fx)
                        put(2, y0 + 1, x0, (1 - fx) * fy, -fy, 1 - fx)
                        put(3, y0 + 1, x0 + 1, fx * fy, fy, fx)
                    }
                }
            } }
        }
    }

    static func clip(_ x: Float, _ size: Int, _ grad: Float) -> (Float, Float) {
        let hi = Float(size - 1)
        if x <= 0 { return (0, 0) }
        if x >= hi { return (hi, 0) }
        return (x, grad)
    }

    static func reflect(_ x: Float, _ twiceLow: Float, _ twiceHigh: Float) -> (Float, Float) {
        if twiceLow == twiceHigh { return (0, 0) }
        let lo = twiceLow / 2, span = (twiceHigh - twiceLow) / 2
        var v = x - lo, mult: Float = 1
        if v < 0 { mult = -1; v = -v }
        // a non-finite coordinate stays NaN (then it reads nothing), as torch's (whose
        // `int(floor(inf))` is undefined); `Int(floorf(inf))` would trap
        guard v.isFinite else { return (.nan, mult) }
        let extra = fmodf(v, span), flips = Int(floorf(v / span))
        return flips % 2 == 0 ? (extra + lo, mult) : (span - extra + lo, -mult)
    }
}

extension Variable {
    public static func gridSample(_ input: Variable, _ grid: Variable, mode: GridSample.Mode = .bilinear,
                                  padding: GridSample.Padding = .zeros, alignCorners: Bool = false) throws -> Variable {
        guard input.rank == 4, grid.rank == 4, grid.shape[3] == 2 else {
            throw CoreError("grid_sampler(): expected 4D input and grid with last dimension 2 (trick supports the 2-D case), but got input with sizes \(Tensor.formatShape(input.shape)) and grid with sizes \(Tensor.formatShape(grid.shape))", kind: "RuntimeError")
        }
        guard input.shape[0] == grid.shape[0] else {
            throw CoreError("grid_sampler(): expected grid and input to have same batch size, but got input with sizes \(Tensor.formatShape(input.shape)) and grid with sizes \(Tensor.formatShape(grid.shape))", kind: "RuntimeError")
        }
        guard input.dtype.isFloatingPoint, input.dtype == grid.dtype else {
            throw CoreError("grid_sampler(): expected input and grid to have the same floating dtype, but input has \(input.dtype) and grid has \(grid.dtype)", kind: "RuntimeError")
        }
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let (oh, ow) = (grid.shape[1], grid.shape[2])
        let x = input.data.floats, gr = grid.data.floats
        let plane = h * w, oplane = oh * ow
        if GridSample.vectorized && Gemm.useAVX2 && mode == .bilinear && plane < Int(Int32.max) && n * c * plane > 0 && n * oplane > 0 {
            return vectorizedBilinear(input, grid, x, gr, n: n, c: c, h: h, w: w, oh: oh, ow: ow, padding: padding, alignCorners: alignCorners)
        }
        // Per output location: the input positions it reads (up to 4 in-bounds taps, in corner
        // order, within a plane), their weights and the weights' derivatives (0 for nearest),
        // and the source coordinates' derivatives by the grid — flat arrays, 4 slots a point.
        let points = n * oh * ow
        var table = GridSample.Taps(points: points)
        var scale = [Float](repeating: 0, count: 2 * points)
        for i in 0..<points {
            let (sx, dx) = GridSample.source(gr[2 * i], size: w, padding: padding, alignCorners: alignCorners)
            let (sy, dy) = GridSample.source(gr[2 * i + 1], size: h, padding: padding, alignCorners: alignCorners)
            table.fill(i, sx, sy, h: h, w: w, mode: mode)
            scale[2 * i] = dx; scale[2 * i + 1] = dy
        }
        var out = [Float](repeating: 0, count: n * c * oplane)
        table.count.withUnsafeBufferPointer { cnt in table.offset.withUnsafeBufferPointer { off in
        table.weight.withUnsafeBufferPointer { wt in x.withUnsafeBufferPointer { px in out.withUnsafeMutableBufferPointer { po in
            // planes (image, channel) split over the cores: each output element is one thread's sum
            Parallel.ranges(n * c, threads: Parallel.threads(forNanoseconds: 2.0 * Double(n * c * oplane))) { first, last in
                for bc in first..<last {
                    let b = bc / c
                    let src = px.baseAddress! + bc * plane, dst = po.baseAddress! + bc * oplane
                    for o in 0..<oplane {
                        let i = b * oplane + o
                        var v: Float = 0
                        for t in 0..<Int(cnt[i]) { v += src[Int(off[4 * i + t])] * wt[4 * i + t] }
                        dst[o] = v
                    }
                }
            }
        } } } } }
        let value = Tensor(shape: [n, c, oh, ow], float32: out).cast(to: input.dtype)
        return record("GridSampler2DBackward0", value, inputs: [input, grid], saved: [input, grid]) { g, need in
            let go = g.floats
            var gx = [Float](repeating: 0, count: x.count), gg = [Float](repeating: 0, count: gr.count)
            // the loops of the per-point formula with the channel loop outside: every sum still
            // runs in the same order (a ∂input element over output locations in order, a grid
            // derivative over channels, then taps)
            // images split over the cores: an image's ∂input and grid derivatives come from its own
            // output locations only, so each sum is still one thread's, in the same order
            table.count.withUnsafeBufferPointer { cnt in table.offset.withUnsafeBufferPointer { off in
            table.weight.withUnsafeBufferPointer { wt in table.dx.withUnsafeBufferPointer { tdx in table.dy.withUnsafeBufferPointer { tdy in
            x.withUnsafeBufferPointer { px in go.withUnsafeBufferPointer { pg in gx.withUnsafeMutableBufferPointer { pgx in
            gg.withUnsafeMutableBufferPointer { pgg in
            Parallel.ranges(n, threads: Parallel.threads(forNanoseconds: 4.0 * Double(n * c * oplane))) { first, last in
                var gi = [Float](repeating: 0, count: 2 * oplane)
                gi.withUnsafeMutableBufferPointer { pgi in
                for b in first..<last {
                    pgi.update(repeating: 0)
                    for ch in 0..<c {
                        let src = px.baseAddress! + (b * c + ch) * plane, dsrc = pgx.baseAddress! + (b * c + ch) * plane
                        let gsrc = pg.baseAddress! + (b * c + ch) * oplane
                        for o in 0..<oplane {
                            let i = b * oplane + o, gv = gsrc[o]
                            var gix = pgi[2 * o], giy = pgi[2 * o + 1]
                            for t in 0..<Int(cnt[i]) {
                                let k = Int(off[4 * i + t])
                                dsrc[k] += wt[4 * i + t] * gv
                                gix += src[k] * tdx[4 * i + t] * gv
                                giy += src[k] * tdy[4 * i + t] * gv
                            }
                            pgi[2 * o] = gix; pgi[2 * o + 1] = giy
                        }
                    }
                    for o in 0..<oplane {
                        let i = b * oplane + o
                        pgg[2 * i] = pgi[2 * o] * scale[2 * i]
                        pgg[2 * i + 1] = pgi[2 * o + 1] * scale[2 * i + 1]
                    }
                }
                }
            }
            } } } } } } } } }
            return [need[0] ? Tensor(shape: input.shape, float32: gx).cast(to: input.dtype) : nil,
                    need[1] ? Tensor(shape: grid.shape, float32: gg).cast(to: grid.dtype) : nil]
        }
    }

    /// `gridSample`'s bilinear case on the AVX2 kernels: the same numbers as the Swift loops.
    static func vectorizedBilinear(_ input: Variable, _ grid: Variable, _ x: [Float], _ gr: [Float], n: Int, c: Int, h: Int, w: Int,
                                   oh: Int, ow: Int, padding: GridSample.Padding, alignCorners: Bool) -> Variable {
        let plane = h * w, oplane = oh * ow
        var scale = [Float](repeating: 0, count: 2 * n * oplane)
        let table = gr.withUnsafeBufferPointer { pgr in scale.withUnsafeMutableBufferPointer { ps in
            GridSample.BilinearTable(images: n, points: oplane, grid: pgr.baseAddress!, h: h, w: w, scale: ps.baseAddress!,
                                     padding: padding, alignCorners: alignCorners)
        } }
        let out = [Float](unsafeUninitializedCapacity: n * c * oplane) { buf, count in
            table.offset.withUnsafeBufferPointer { off in table.values.withUnsafeBufferPointer { tab in x.withUnsafeBufferPointer { px in
                // (image, channel) planes split over the cores: each output element is one thread's sum
                Parallel.ranges(n * c, threads: Parallel.threads(forNanoseconds: 1.0 * Double(n * c * oplane))) { first, last in
                    var bc = first
                    while bc < last {
                        let b = bc / c, end = Swift.min(last, (b + 1) * c)
                        trick_grid_sample_forward(px.baseAddress! + b * c * plane, plane, w, off.baseAddress! + b * table.groups * 32,
                                                  tab.baseAddress! + b * table.groups * 96, oplane, bc - b * c, end - b * c,
                                                  buf.baseAddress! + b * c * oplane)
                        bc = end
                    }
                }
            } } }
            count = n * c * oplane
        }
        let value = Tensor(shape: [n, c, oh, ow], float32: out).cast(to: input.dtype)
        return record("GridSampler2DBackward0", value, inputs: [input, grid], saved: [input, grid]) { g, need in
            let go = g.floats
            var gx = [Float](repeating: 0, count: x.count), gg = [Float](repeating: 0, count: gr.count)
            // images split over the cores: an image's ∂input and grid derivatives come from its own
            // output locations only, so each sum is one thread's, in the Swift loops' order
            table.offset.withUnsafeBufferPointer { off in table.values.withUnsafeBufferPointer { tab in
            x.withUnsafeBufferPointer { px in go.withUnsafeBufferPointer { pg in gx.withUnsafeMutableBufferPointer { pgx in
            gg.withUnsafeMutableBufferPointer { pgg in
            Parallel.ranges(n, threads: Parallel.threads(forNanoseconds: 2.0 * Double(n * c * oplane))) { first, last in
                var gi = [Float](repeating: 0, count: 2 * oplane)
                gi.withUnsafeMutableBufferPointer { pgi in
                    for b in first..<last {
                        trick_grid_sample_backward(px.baseAddress! + b * c * plane, pg.baseAddress! + b * c * oplane, c, plane, w,
                                                   off.baseAddress! + b * table.groups * 32, tab.baseAddress! + b * table.groups * 96,
                                                   oplane, pgx.baseAddress! + b * c * plane, pgi.baseAddress!)
                        for o in 0..<oplane {
                            let i = b * oplane + o
                            pgg[2 * i] = pgi[o] * scale[2 * i]
                            pgg[2 * i + 1] = pgi[oplane + o] * scale[2 * i + 1]
                        }
                    }
                }
            }
            } } } } } }
            return [need[0] ? Tensor(shape: input.shape, float32: gx).cast(to: input.dtype) : nil,
                    need[1] ? Tensor(shape: grid.shape, float32: gg).cast(to: grid.dtype) : nil]
        }
    }

    /// `F.affine_grid(theta, size, align_corners)` for 2-D (theta N×2×3, size (N, C, H, W)): the
    /// base grid of (x, y, 1) rows, `linspace(−1, 1)` scaled by `(n−1)/n` without
    /// align_corners, times θᵀ (a batched matrix product, so θ gets its gradient).
    public static func affineGrid(_ theta: Variable, size: [Int], alignCorners: Bool = false) throws -> Variable {
        guard size.count == 4 else { throw CoreError("affine_grid only supports 4D sizes (2-D grids) in trick, got size \(size)") }
        guard theta.dtype.isFloatingPoint else { throw CoreError("Expected theta to have floating point type, but got \(theta.dtype)") }
        let (n, h, w) = (size[0], size[2], size[3])
        guard theta.shape == [n, 2, 3] else {
            throw CoreError("Expected a batch of 2D affine matrices of shape Nx2x3 for size \(Tensor.formatShape(size)). Got \(Tensor.formatShape(theta.shape)).")
        }
        func steps(_ k: Int) throws -> [Double] {
            if k <= 1 { return [0] }
            var r = try Tensor.linspace(start: -1, end: 1, steps: k, dtype: theta.dtype).doubles
            if !alignCorners {   // range * (n − 1) / n, two roundings in theta's dtype as torch
                let scaled = try Tensor.binary(.mul, .tensor(Tensor(shape: [k], float64: r).cast(to: theta.dtype)), .float(Double(k - 1)))
                r = try Tensor.binary(.div, .tensor(scaled), .float(Double(k))).doubles
            }
            return r
        }
        let xs = try steps(w), ys = try steps(h)
        if GridSample.directAffineGrid && theta.dtype == .float32 && Gemm.useAVX2 && !Gemm.useOpenBLAS && n * h * w > 0 {
            return directAffineGrid(theta, n: n, h: h, w: w, xs: xs.map { Float($0) }, ys: ys.map { Float($0) })
        }
        var base: [Double] = []
        base.reserveCapacity(h * w * 3)
        for y in ys { for x in xs { base.append(x); base.append(y); base.append(1) } }   // (no array literal per pixel)
        let grid = try Variable(try Tensor(shape: [1, h * w, 3], float64: base).cast(to: theta.dtype).expanded([n, h * w, 3]))
        return try grid.bmm(try theta.transpose(1, 2)).reshape([n, h, w, 2])
    }

    /// `affineGrid` in float32 without the base-grid tensor, its batch copies and the transposes:
    /// the same fused multiply-add chains as the product on the AVX2 kernel (forward and ∂θ),
    /// recorded as torch records it (AffineGridGeneratorBackward0).
    static func directAffineGrid(_ theta: Variable, n: Int, h: Int, w: Int, xs: [Float], ys: [Float]) -> Variable {
        let t = theta.data.floats
        let out = [Float](unsafeUninitializedCapacity: n * h * w * 2) { buf, count in
            trick_affine_grid_f32(xs, w, ys, h, t, n, buf.baseAddress!)
            count = n * h * w * 2
        }
        return record("AffineGridGeneratorBackward0", Tensor(shape: [n, h, w, 2], float32: out), inputs: [theta], saved: [theta]) { g, need in
            guard need[0] else { return [nil] }
            let gy = g.floats
            let gt = [Float](unsafeUninitializedCapacity: n * 6) { buf, count in
                trick_affine_grid_backward_f32(xs, w, ys, h, gy, n, buf.baseAddress!)
                count = n * 6
            }
            return [Tensor(shape: [n, 2, 3], float32: gt)]
        }
    }
}
