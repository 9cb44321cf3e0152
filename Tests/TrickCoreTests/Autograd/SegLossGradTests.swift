import Foundation
import XCTest
@testable import TrickCore

/// mmseg 1.2.2 CrossEntropyLoss / DiceLoss / TverskyLoss / FocalLoss, torchvision sigmoid_focal_loss and mmdet 3.3
/// IoULoss / GIoULoss with gradients: the loss and the prediction's gradient against
/// seg_losses.json (real mmseg / torchvision / mmdet).
final class SegLossGradTests: XCTestCase {
    func testSegLossGradientsAgainstMMSeg() throws {
        let cases = try AutogradFixtures.json("seg_losses.json") as! [[String: Any]]
        XCTAssertEqual(cases.count, 32)
        for (i, c) in cases.enumerated() {
            let kind = c["loss"] as! String, cfg = c["cfg"] as! [String: Any], call = c["call"] as! [String: Any]
            let label = "case \(i) \(kind) \(cfg) \(call.keys.sorted())"
            let pred = try Variable(AutogradFixtures.tensor(c["pred"])!, requiresGrad: true)
            let target = AutogradFixtures.tensor(c["target"])!
            let weight = (call["weight"] as? [Any]).map { w -> Tensor in
                if let rows = w as? [[[NSNumber]]] {
                    return Tensor(shape: [rows.count, rows[0].count, rows[0][0].count], float32: rows.flatMap { $0.flatMap { $0.map(\.floatValue) } })
                }
                return Tensor((w as! [NSNumber]).map(\.floatValue))
            }
            let avgFactor = (call["avg_factor"] as? NSNumber)?.doubleValue
            let reductionOverride = (call["reduction_override"] as? String).flatMap(Reduction.init(rawValue:))
            let out: Variable
            switch kind {
            case "CrossEntropyLoss":
                let loss = try LossFixtures.loss(cfg) as! CrossEntropyLoss
                out = try loss.forward(pred, target, weight: weight, avgFactor: avgFactor, reductionOverride: reductionOverride,
                                       ignoreIndex: call["ignore_index"] as? Int)
            case "DiceLoss":
                let loss = try LossFixtures.loss(cfg.merging(["type": "DiceLoss"]) { a, _ in a }) as! DiceLoss
                out = try loss.forward(pred, target, weight: weight, avgFactor: avgFactor, reductionOverride: reductionOverride)
            case "FocalLoss":
                let loss = try LossFixtures.loss(cfg.merging(["type": "FocalLoss"]) { a, _ in a }) as! FocalLoss
                out = try loss.forward(pred, target, weight: weight, avgFactor: avgFactor, reductionOverride: reductionOverride)
            case "TverskyLoss":
                let loss = try LossFixtures.loss(cfg.merging(["type": "TverskyLoss"]) { a, _ in a }) as! TverskyLoss
                out = try loss.forward(pred, target)
            case "IoULoss", "GIoULoss":
                out = try Variable.iouLoss(pred, target, giou: kind == "GIoULoss",
                                           mode: Variable.IoULossMode(rawValue: cfg["mode"] as? String ?? "log")!,
                                           weight: weight, avgFactor: avgFactor,
                                           reduction: Reduction(rawValue: cfg["reduction"] as? String ?? "mean")!,
                                           lossWeight: (cfg["loss_weight"] as? NSNumber)?.doubleValue ?? 1)
            default:
                out = try Variable.sigmoidFocalLoss(pred, target, alpha: (cfg["alpha"] as! NSNumber).doubleValue,
                                                    gamma: (cfg["gamma"] as! NSNumber).doubleValue,
                                                    reduction: Reduction(rawValue: cfg["reduction"] as! String)!)
            }
            assertClose(out.data, AutogradFixtures.tensor(c["output"])!, rtol: 1e-5, atol: 1e-6, "\(label) loss")
            try Autograd.backward(out, gradient: AutogradFixtures.tensor(c["grad_output"])!)
            assertClose(pred.grad ?? Tensor([Float]()), AutogradFixtures.tensor(c["grad"])!, rtol: 1e-5, atol: 1e-6, "\(label) grad")
        }
    }

    /// Dropout: kept elements scaled by 1/(1−p), the gradient through the same mask; seeded.
    func testDropoutIsSeededAndItsGradientUsesTheMask() throws {
        let x = try Variable(try Tensor.full([1000], 2), requiresGrad: true)
        let y = try x.dropout(p: 0.25, generator: RandomGenerator(seed: 9))
        let y2 = try x.dropout(p: 0.25, generator: RandomGenerator(seed: 9))
        XCTAssertEqual(y.data.floats, y2.data.floats)
        XCTAssertEqual(Set(y.data.floats), [0, Float(2) / 0.75])
        let kept = y.data.floats.filter { $0 != 0 }.count
        XCTAssertTrue((650...850).contains(kept), "\(kept) of 1000 kept at p=0.25")
        try Autograd.backward(try y.sum())
        XCTAssertEqual(x.grad?.floats, y.data.floats.map { $0 / 2 })
        XCTAssertTrue(try x.dropout(p: 0.5, training: false) === x)
    }

    /// The forward-only losses and the differentiable ones give the same loss values.
    func testSameValueAsTheForwardOnlyLoss() throws {
        let g = RandomGenerator(seed: 3)
        let x = try Tensor.randn([2, 3, 4, 5], generator: g)
        var y = try Tensor.randint(low: 0, high: 3, [2, 4, 5], generator: g)
        try y.assign([.int(0), .int(1)], .int(255))
        var cfg = CrossEntropyLossConfig()
        cfg.avgNonIgnore = true
        cfg.classWeight = [1, 2, 0.5]
        let ce = try CrossEntropyLoss(cfg)
        let a = try ce.forward(x, y, weight: nil, avgFactor: nil, reductionOverride: nil, ignoreIndex: 255)
        let b = try ce.forward(try Variable(x, requiresGrad: true), y, ignoreIndex: 255)
        assertClose(b.data, a, rtol: 1e-6, atol: 1e-7, "CrossEntropyLoss")
        let dice = DiceLoss(DiceLossConfig())
        let c = try dice.forward(x, y, weight: nil, avgFactor: nil, reductionOverride: nil, ignoreIndex: 255)
        let d = try dice.forward(try Variable(x, requiresGrad: true), y)
        assertClose(d.data, c, rtol: 1e-6, atol: 1e-7, "DiceLoss")
    }
}
