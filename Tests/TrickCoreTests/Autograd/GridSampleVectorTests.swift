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
}
