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
