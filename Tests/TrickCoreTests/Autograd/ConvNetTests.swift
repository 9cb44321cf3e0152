import Foundation
import XCTest
@testable import TrickCore

/// Forward and backward of a small segmentation net from torch's weights (convnet.json, written
/// by tools/gen_autograd_vectors.py): conv-BN-ReLU ×3 (stride 2, dilation 2 among them), a 1×1
/// head with bias, bilinear upsampling to the label size, cross-entropy with ignore_index 255.
/// torch's loss, logits, every parameter's gradient and the updated running statistics.
final class ConvNetTests: XCTestCase {
    func testSmallConvNetMatchesTorch() throws {
        let net = try AutogradFixtures.json("convnet.json") as! [String: Any]
        let params = net["params"] as! [String: Any]
        var p: [String: Variable] = [:]
        for (k, v) in params where !k.contains("running") {
            p[k] = try Variable(AutogradFixtures.tensor(v)!, requiresGrad: true)
        }
        var stats: [String: RunningStats] = [:]
        for block in ["stem", "layer1", "layer2"] {
            stats[block] = RunningStats(mean: AutogradFixtures.tensor(params["\(block).1.running_mean"])!,
                                        variance: AutogradFixtures.tensor(params["\(block).1.running_var"])!)
        }
        let x = try Variable(AutogradFixtures.tensor(net["x"])!)
        let y = AutogradFixtures.tensor(net["y"])!
        func block(_ h: Variable, _ name: String, _ g: Conv2dGeometry) throws -> Variable {
            let c = try Variable.conv2d(h, p["\(name).0.weight"]!, nil, g)
            let b = try Variable.batchNorm(c, running: stats[name], weight: p["\(name).1.weight"], bias: p["\(name).1.bias"], training: true)
            return try b.relu()
        }
        var h = try block(x, "stem", Conv2dGeometry(padding: (1, 1)))
        h = try block(h, "layer1", Conv2dGeometry(stride: (2, 2), padding: (1, 1)))
        h = try block(h, "layer2", Conv2dGeometry(padding: (2, 2), dilation: (2, 2)))
        h = try Variable.conv2d(h, p["head.weight"]!, p["head.bias"]!)
        let logits = try Variable.interpolate(h, size: Array(x.shape.suffix(2)), mode: .bilinear, alignCorners: false)
        let loss = try Variable.crossEntropy(logits, y, ignoreIndex: 255)
        assertClose(logits.data, AutogradFixtures.tensor(net["logits"])!, rtol: 1e-4, atol: 1e-5, "logits")
        let wantLoss = (net["loss"] as! NSNumber).doubleValue
        XCTAssertEqual(Double(loss.data.floats[0]), wantLoss, accuracy: 1e-4 * Swift.abs(wantLoss))
        try Autograd.backward(loss)
        let grads = net["grads"] as! [String: Any]
        XCTAssertEqual(Set(grads.keys), Set(p.keys))
        for (k, want) in grads {
            guard let got = p[k]?.grad else { XCTFail("no gradient for \(k)"); continue }
            assertClose(got, AutogradFixtures.tensor(want)!, rtol: 1e-4, atol: 1e-6, "grad \(k)")
        }
        let after = net["buffers_after"] as! [String: Any]
        for block in ["stem", "layer1", "layer2"] {
            assertClose(stats[block]!.mean, AutogradFixtures.tensor(after["\(block).1.running_mean"])!, rtol: 1e-5, atol: 1e-6, "\(block) running_mean")
            assertClose(stats[block]!.variance, AutogradFixtures.tensor(after["\(block).1.running_var"])!, rtol: 1e-5, atol: 1e-6, "\(block) running_var")
        }
    }
}
