import XCTest
@testable import TrickCore

/// Batch norm splits large inputs' channels over the cores: the output and every gradient must
/// be bit-identical to normalising each channel on its own (one channel never splits).
final class BatchNormSplitTests: XCTestCase {
    func testChannelSplitIsBitIdenticalToOneChannelAtATime() throws {
        let g = RandomGenerator(seed: 5)
        let (n, c, h, w) = (2, 4, 100, 100)
        let xt = try Tensor.randn([n, c, h, w], generator: g)
        let gt = try Tensor.randn([n, c, h, w], generator: g)
        let weight = try Variable(try Tensor.randn([c], generator: g), requiresGrad: true)
        let bias = try Variable(try Tensor.randn([c], generator: g), requiresGrad: true)
        let x = try Variable(xt, requiresGrad: true)
        let y = try Variable.batchNorm(x, running: try RunningStats(channels: c), weight: weight, bias: bias, training: true)
        try y.backward(gradient: gt)
        for ch in 0..<c {
            let xc = try Variable(try xt.narrowed(1, ch, 1), requiresGrad: true)
            let wc = try Variable(try weight.data.narrowed(0, ch, 1), requiresGrad: true)
            let bc = try Variable(try bias.data.narrowed(0, ch, 1), requiresGrad: true)
            let yc = try Variable.batchNorm(xc, running: try RunningStats(channels: 1), weight: wc, bias: bc, training: true)
            try yc.backward(gradient: try gt.narrowed(1, ch, 1))
            XCTAssertEqual(yc.data.floats, try y.data.narrowed(1, ch, 1).floats, "output channel \(ch)")
            XCTAssertEqual(xc.grad?.floats, try x.grad!.narrowed(1, ch, 1).floats, "input grad channel \(ch)")
            XCTAssertEqual(wc.grad?.floats, [weight.grad!.floats[ch]])
            XCTAssertEqual(bc.grad?.floats, [bias.grad!.floats[ch]])
        }
    }
}

/// Convolutions split large batches over the cores: output, input and weight gradients must be
/// bit-identical to running the images one at a time (weight gradients summed in image order).
final class Conv2dSplitTests: XCTestCase {
    func testImageSplitIsBitIdenticalToOneImageAtATime() throws {
        let g = RandomGenerator(seed: 6)
        let (n, c, h, w, o) = (3, 8, 64, 60, 12)   // n·o·oh·ow·ckk ≈ 2.4M: above the split threshold
        let geometry = Conv2dGeometry(stride: (1, 2), padding: (1, 1), dilation: (2, 1), groups: 2)
        let xt = try Tensor.randn([n, c, h, w], generator: g)
        let wv = try Variable(try Tensor.randn([o, c / 2, 3, 3], generator: g), requiresGrad: true)
        let bv = try Variable(try Tensor.randn([o], generator: g), requiresGrad: true)
        let x = try Variable(xt, requiresGrad: true)
        let y = try Variable.conv2d(x, wv, bv, geometry)
        let gt = try Tensor.randn(y.shape, generator: g)
        try y.backward(gradient: gt)
        var wsum: [Float]?
        for img in 0..<n {
            let xi = try Variable(try xt.narrowed(0, img, 1), requiresGrad: true)
            let wi = try Variable(wv.data, requiresGrad: true)
            let yi = try Variable.conv2d(xi, wi, try Variable(bv.data), geometry)
            try yi.backward(gradient: try gt.narrowed(0, img, 1))
            XCTAssertEqual(yi.data.floats, try y.data.narrowed(0, img, 1).floats, "output image \(img)")
            XCTAssertEqual(xi.grad?.floats, try x.grad!.narrowed(0, img, 1).floats, "input grad image \(img)")
            wsum = wsum.map { zip($0, wi.grad!.floats).map { $0 + $1 } } ?? zip([Float](repeating: 0, count: wv.data.count), wi.grad!.floats).map { $0 + $1 }
        }
        XCTAssertEqual(wv.grad?.floats, wsum, "weight grad = per-image gradients summed in order")
    }
}
