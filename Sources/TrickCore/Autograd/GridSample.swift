#if canImport(Glibc)
import Glibc
#endif

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

    /// One input position an output location reads: its offset in the plane, its weight, and
    /// the weight's derivatives by the source coordinates.
    struct Tap {
        let offset: Int
        let weight, dx, dy: Float
    }

    /// The in-bounds neighbours of source point (sx, sy): four bilinear corners, or the nearest
    /// pixel (`nearbyint`, half to even) with no derivative.
    static func taps(_ sx: Float, _ sy: Float, h: Int, w: Int, mode: Mode) -> [Tap] {
        func inside(_ y: Int, _ x: Int) -> Bool { y >= 0 && y < h && x >= 0 && x < w }
        if mode == .nearest {
            let x = Int(rintf(sx)), y = Int(rintf(sy))
            return inside(y, x) ? [Tap(offset: y * w + x, weight: 1, dx: 0, dy: 0)] : []
        }
        let x0 = Int(floorf(sx)), y0 = Int(floorf(sy))
        let fx = sx - Float(x0), fy = sy - Float(y0)
        // (y, x, weight, ∂weight/∂sx, ∂weight/∂sy)
        let corners = [(y0, x0, (1 - fx) * (1 - fy), -(1 - fy), -(1 - fx)), (y0, x0 + 1, fx * (1 - fy), 1 - fy, -fx),
                       (y0 + 1, x0, (1 - fx) * fy, -fy, 1 - fx), (y0 + 1, x0 + 1, fx * fy, fy, fx)]
        return corners.filter { inside($0.0, $0.1) }.map { Tap(offset: $0.0 * w + $0.1, weight: $0.2, dx: $0.3, dy: $0.4) }
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
        // per output location: the input positions it reads (within a plane), with their weights
        // and the weights' derivatives (0 for nearest); the source coordinates' derivatives by the grid
        let points = n * oh * ow
        var taps = [[GridSample.Tap]](repeating: [], count: points)
        var scale = [(Float, Float)](repeating: (0, 0), count: points)
        for i in 0..<points {
            let (sx, dx) = GridSample.source(gr[2 * i], size: w, padding: padding, alignCorners: alignCorners)
            let (sy, dy) = GridSample.source(gr[2 * i + 1], size: h, padding: padding, alignCorners: alignCorners)
            taps[i] = GridSample.taps(sx, sy, h: h, w: w, mode: mode)
            scale[i] = (dx, dy)
        }
        var out = [Float](repeating: 0, count: n * c * oplane)
        for b in 0..<n {
            for o in 0..<oplane {
                for ch in 0..<c {
                    var v: Float = 0
                    for t in taps[b * oplane + o] { v += x[(b * c + ch) * plane + t.offset] * t.weight }
                    out[(b * c + ch) * oplane + o] = v
                }
            }
        }
        let value = Tensor(shape: [n, c, oh, ow], float32: out).cast(to: input.dtype)
        return record("GridSampler2DBackward0", value, inputs: [input, grid], saved: [input, grid]) { g, need in
            let go = g.floats
            var gx = [Float](repeating: 0, count: x.count), gg = [Float](repeating: 0, count: gr.count)
            for b in 0..<n {
                for o in 0..<oplane {
                    let i = b * oplane + o
                    var gix: Float = 0, giy: Float = 0
                    for ch in 0..<c {
                        let gv = go[(b * c + ch) * oplane + o]
                        for t in taps[i] {
                            let k = (b * c + ch) * plane + t.offset
                            gx[k] += t.weight * gv
                            gix += x[k] * t.dx * gv
                            giy += x[k] * t.dy * gv
                        }
                    }
                    gg[2 * i] = gix * scale[i].0
                    gg[2 * i + 1] = giy * scale[i].1
                }
            }
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
        var base: [Double] = []
        base.reserveCapacity(h * w * 3)
        for y in ys { for x in xs { base += [x, y, 1] } }
        let grid = try Variable(try Tensor(shape: [1, h * w, 3], float64: base).cast(to: theta.dtype).expanded([n, h * w, 3]))
        return try grid.bmm(try theta.transpose(1, 2)).reshape([n, h, w, 2])
    }
}
