import Foundation
import XCTest
@testable import TrickCore

/// Timings of forward + backward (not a check: runs only with TRICK_AUTOGRAD_BENCH=1, in a
/// release build: `swift test -c release -Xswiftc -enable-testing --filter AutogradSpeed`).
/// The conv net is the one of convnet.json (tools/gen_autograd_vectors.py) with random weights.
final class AutogradSpeedTests: XCTestCase {
    func time(_ label: String, runs: Int, _ body: () throws -> Void) rethrows {
        try body()
        let t0 = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<runs { try body() }
        let ms = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6 / Double(runs)
        print("[autograd bench] \(label): \(String(format: "%.2f", ms)) ms")
    }

    func testConvNetAndMLPSpeed() throws {
        guard ProcessInfo.processInfo.environment["TRICK_AUTOGRAD_BENCH"] == "1" else { throw XCTSkip("set TRICK_AUTOGRAD_BENCH=1") }
        let g = RandomGenerator(seed: 7)
        func param(_ s: [Int], _ scale: Double) throws -> Variable {
            try Variable(try Tensor.binary(.mul, .tensor(try Tensor.randn(s, generator: g)), .float(scale)), requiresGrad: true)
        }
        let w1 = try param([8, 3, 3, 3], 0.3), w2 = try param([16, 8, 3, 3], 0.2), w3 = try param([16, 16, 3, 3], 0.1)
        let bn = try (0..<3).map { i -> (Variable, Variable) in
            let c = i == 0 ? 8 : 16
            return (try Variable(try Tensor.ones([c]), requiresGrad: true), try Variable(try Tensor.zeros([c]), requiresGrad: true))
        }
        let hw = try param([5, 16, 1, 1], 0.3), hb = try param([5], 0.1)
        let stats = try [8, 16, 16].map { try RunningStats(channels: $0) }
        for size in [64, 128] {
            let x = try Variable(try Tensor.randn([8, 3, size, size], generator: g))
            let y = try Tensor.randint(low: 0, high: 5, [8, size, size], generator: g)
            try time("conv net 8x3x\(size)x\(size) forward+backward", runs: 5) {
                var h = try Variable.conv2d(x, w1, nil, Conv2dGeometry(padding: (1, 1)))
                h = try Variable.batchNorm(h, running: stats[0], weight: bn[0].0, bias: bn[0].1, training: true).relu()
                h = try Variable.conv2d(h, w2, nil, Conv2dGeometry(stride: (2, 2), padding: (1, 1)))
                h = try Variable.batchNorm(h, running: stats[1], weight: bn[1].0, bias: bn[1].1, training: true).relu()
                h = try Variable.conv2d(h, w3, nil, Conv2dGeometry(padding: (2, 2), dilation: (2, 2)))
                h = try Variable.batchNorm(h, running: stats[2], weight: bn[2].0, bias: bn[2].1, training: true).relu()
                h = try Variable.conv2d(h, hw, hb)
                let logits = try Variable.interpolate(h, size: [size, size], mode: .bilinear, alignCorners: false)
                try Autograd.backward(try Variable.crossEntropy(logits, y, ignoreIndex: 255))
            }
        }
        let l1w = try param([256, 784], 0.03), l1b = try param([256], 0.03), l2w = try param([10, 256], 0.06), l2b = try param([10], 0.06)
        let x = try Variable(try Tensor.randn([128, 784], generator: g))
        let y = try Tensor.randint(low: 0, high: 10, [128], generator: g)
        try time("MLP 784-256-10 batch 128 forward+backward", runs: 30) {
            let h = try Variable.linear(x, l1w, l1b).relu()
            try Autograd.backward(try Variable.crossEntropy(try Variable.linear(h, l2w, l2b), y))
        }
    }
}
