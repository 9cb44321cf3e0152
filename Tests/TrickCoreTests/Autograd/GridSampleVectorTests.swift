import XCTest
@testable import TrickCore

/// Bilinear grid_sample on the AVX2 kernels (`GridSample.vectorized`) against the kept Swift loops:
/// output, ∂input and ∂grid bit for bit (NaN payloads aside), for every padding mode, align_corners both ways, grids
/// reaching outside the input (and NaN / ±inf / huge coordinates), NaN / ±inf inputs and
/// gradients, odd sizes and location counts that are not a multiple of 8.
final class GridSampleVectorTests: XCTestCase {
    /// Bit patterns with every NaN as one (which NaN a product passes on is the compiler's choice).
    func bits(_ v: Float) -> UInt32 { v.isNaN ? Float.nan.bitPattern : v.bitPattern }

    func run(_ n: Int, _ c: Int, _ h: Int, _ w: Int, _ oh: Int, _ ow: Int, padding: GridSample.Padding, alignCorners: Bool,
             seed: UInt64, specials: Bool, vectorized: Bool) throws -> [[Float]] {
        let was = GridSample.vectorized
        GridSample.vectorized = vectorized
        defer { GridSample.vectorized = was }
        var r = SplitMix(seed: seed)
        func special() -> Float { [Float.nan, .infinity, -.infinity, 0, -0.0, 3e9][r.int(6)] }
        let x = (0..<(n * c * h * w)).map { _ in specials && r.int(30) == 0 ? special() : r.range(-2, 2) }
        // mostly an affine warp of the whole image (many 8-location runs fully inside), some
        // locations anywhere in [-1.3, 1.3]
        var grid: [Float] = []
        for _ in 0..<n {
            let (a, b, tx) = (r.range(0.6, 1.2), r.range(-0.3, 0.3), r.range(-0.2, 0.2))
            for i in 0..<oh { for j in 0..<ow {
                let u = ow > 1 ? Float(j) / Float(ow - 1) * 2 - 1 : 0, v = oh > 1 ? Float(i) / Float(oh - 1) * 2 - 1 : 0
                if r.int(10) == 0 { grid += [r.range(-1.3, 1.3), r.range(-1.3, 1.3)]; continue }
                grid += [a * u + b * v + tx, -b * u + a * v - tx]
            } }
        }
        if specials { for k in grid.indices where r.int(25) == 0 { grid[k] = special() } }
        let g = (0..<(n * c * oh * ow)).map { _ in specials && r.int(30) == 0 ? special() : r.range(-1, 1) }
        let xv = try Variable(Tensor(shape: [n, c, h, w], float32: x), requiresGrad: true)
        let gv = try Variable(Tensor(shape: [n, oh, ow, 2], float32: grid), requiresGrad: true)
        let y = try Variable.gridSample(xv, gv, mode: .bilinear, padding: padding, alignCorners: alignCorners)
        try y.backward(gradient: Tensor(shape: y.shape, float32: g))
        return [y.data.floats, xv.grad?.floats ?? [], gv.grad?.floats ?? []]
    }

    func testVectorizedIsBitIdenticalToSwiftLoops() throws {
        guard Gemm.hasAVX2 else { throw XCTSkip("the vectorized kernels need AVX2") }
        var r = SplitMix(seed: 404)
        var shapes: [(Int, Int, Int, Int, Int, Int)] = [(2, 3, 64, 64, 64, 64), (1, 2, 16, 16, 33, 31), (3, 1, 1, 1, 2, 9)]
        for _ in 0..<24 { shapes.append((1 + r.int(3), 1 + r.int(5), 1 + r.int(20), 1 + r.int(40), 1 + r.int(20), 1 + r.int(40))) }
        for (i, s) in shapes.enumerated() {
            for padding in [GridSample.Padding.zeros, .border, .reflection] {
                for alignCorners in [false, true] {
                    for specials in [false, true] {
                        let seed = UInt64(i * 16 + (alignCorners ? 8 : 0) + (specials ? 4 : 0)) + (padding == .zeros ? 0 : padding == .border ? 1 : 2)
                        let a = try run(s.0, s.1, s.2, s.3, s.4, s.5, padding: padding, alignCorners: alignCorners, seed: seed,
                                        specials: specials, vectorized: true)
                        let b = try run(s.0, s.1, s.2, s.3, s.4, s.5, padding: padding, alignCorners: alignCorners, seed: seed,
                                        specials: specials, vectorized: false)
                        for (k, name) in ["output", "input grad", "grid grad"].enumerated() {
                            XCTAssertEqual(a[k].map(bits), b[k].map(bits),
                                           "\(s) \(padding) align_corners \(alignCorners) specials \(specials) \(name)")
                        }
                    }
                }
            }
        }
    }

    /// float32 `affine_grid` computed directly against the composite path (base grid · θᵀ through
    /// bmm): grid and ∂θ bit for bit (NaN payloads aside), align_corners both ways, sizes 1 and odd.
    func testDirectAffineGridIsBitIdenticalToComposite() throws {
        guard Gemm.hasAVX2 else { throw XCTSkip("the direct path needs the AVX2 kernels") }
        var r = SplitMix(seed: 9)
        for i in 0..<30 {
            let n = 1 + r.int(3), h = 1 + r.int(40), w = 1 + r.int(40), alignCorners = r.int(2) == 0
            let specials = i % 3 == 2
            let theta = (0..<(n * 6)).map { _ in specials && r.int(8) == 0 ? [Float.nan, .infinity, -0.0][r.int(3)] : r.range(-2, 2) }
            let g = (0..<(n * h * w * 2)).map { _ in specials && r.int(50) == 0 ? Float.infinity : r.range(-1, 1) }
            var results: [[[Float]]] = []
            for direct in [true, false] {
                let was = GridSample.directAffineGrid
                GridSample.directAffineGrid = direct
                defer { GridSample.directAffineGrid = was }
                let t = try Variable(Tensor(shape: [n, 2, 3], float32: theta), requiresGrad: true)
                let grid = try Variable.affineGrid(t, size: [n, 3, h, w], alignCorners: alignCorners)
                XCTAssertEqual(grid.shape, [n, h, w, 2])
                try grid.backward(gradient: Tensor(shape: grid.shape, float32: g))
                results.append([grid.data.floats, t.grad?.floats ?? []])
            }
            for k in 0..<2 {
                XCTAssertEqual(results[0][k].map(bits), results[1][k].map(bits), "case \(i) n \(n) h \(h) w \(w) ac \(alignCorners) part \(k)")
            }
        }
    }
}
