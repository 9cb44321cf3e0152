import XCTest
@testable import TrickCore

/// Batch norm's four-channels-per-register sums (CTrickKernels/batchnorm_avx2.c) against the kept
/// one-channel-at-a-time Swift loops: output, running statistics and every gradient bit for bit,
/// on random shapes (channel counts that are not multiples of 4, odd pixel counts, one pixel per
/// channel) with NaN / ±inf / ties in the data.
final class BatchNormLanesTests: XCTestCase {
    func run(n: Int, c: Int, s: Int, seed: UInt64, specials: Bool, lanes: Bool) throws -> [[Float]] {
        VectorKernels.useAVX2 = lanes && Gemm.hasAVX2
        defer { VectorKernels.useAVX2 = Gemm.hasAVX2 }
        var r = SplitMix(seed: seed)
        func values(_ count: Int) -> [Float] {
            (0..<count).map { _ in
                if specials && r.int(50) == 0 { return [Float.nan, .infinity, -.infinity, 1.5, 1.5][r.int(5)] }
                return r.range(-3, 3)
            }
        }
        let x = try Variable(Tensor(shape: [n, c, s], float32: values(n * c * s)), requiresGrad: true)
        let w = try Variable(Tensor(shape: [c], float32: values(c)), requiresGrad: true)
        let b = try Variable(Tensor(shape: [c], float32: values(c)), requiresGrad: true)
        let stats = try RunningStats(channels: c)
        let y = try Variable.batchNorm(x, running: stats, weight: w, bias: b, training: true)
        try y.backward(gradient: Tensor(shape: y.shape, float32: values(y.data.count)))
        return [y.data.floats, x.grad!.floats, w.grad!.floats, b.grad!.floats, stats.mean.floats, stats.variance.floats]
    }

    func testLanesAreBitIdenticalToOneChannelAtATime() throws {
        guard Gemm.hasAVX2 else { throw XCTSkip("the lane kernels need AVX2") }
        var r = SplitMix(seed: 77)
        var shapes = [(8, 8, 4096), (2, 4, 1), (3, 5, 7), (1, 12, 33), (4, 9, 300)]
        for _ in 0..<30 { shapes.append((1 + r.int(4), 1 + r.int(13), 1 + r.int(200))) }
        for (i, (n, c, s)) in shapes.enumerated() where n * s > 1 {
            for specials in [false, true] {
                let a = try run(n: n, c: c, s: s, seed: UInt64(i), specials: specials, lanes: true)
                let b = try run(n: n, c: c, s: s, seed: UInt64(i), specials: specials, lanes: false)
                for (k, name) in ["output", "input grad", "weight grad", "bias grad", "running mean", "running var"].enumerated() {
                    XCTAssertEqual(a[k].map(\.bitPattern), b[k].map(\.bitPattern), "(\(n), \(c), \(s)) specials \(specials): \(name)")
                }
            }
        }
    }
}
