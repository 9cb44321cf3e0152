import Foundation
import XCTest
@testable import TrickCore

final class DiceFocalTests: XCTestCase {
    func testDiceVectors() throws {
        for (i, c) in try LossFixtures.load("mmseg_dice.json").enumerated() {
            let loss = try LossFixtures.loss((c["cfg"] as! [String: Any]).merging(["type": "DiceLoss"]) { a, _ in a })
            let out = try loss.forward(LossFixtures.tensor(c["x"])!, LossFixtures.tensor(c["y"])!, weight: LossFixtures.tensor(c["weight"]),
                                       avgFactor: (c["avg_factor"] as? NSNumber)?.doubleValue, reductionOverride: nil, ignoreIndex: 255)
            assertClose(out, LossFixtures.tensor(c["expected"])!, "case \(i) \(c["cfg"]!)")
        }
    }

    /// 0.x Dice on hand case H (reference §3.4, derived values).
    func testDice0xHandCase() throws {
        let y2 = Tensor(shape: [1, 2, 2], int64: [0, 2, 1, 1])
        func run(_ mod: (inout DiceLossConfig) -> Void, _ y: Tensor) throws -> Float {
            var c = DiceLossConfig(); c.version0x = true; mod(&c)
            return try DiceLoss(c).forward(CrossEntropyTests.H, y, weight: nil, avgFactor: nil, reductionOverride: nil, ignoreIndex: 255).floats[0]
        }
        XCTAssertEqual(try run({ _ in }, CrossEntropyTests.yH), 0.42750105, accuracy: 1e-6)
        XCTAssertEqual(try run({ _ in }, y2), 0.41103396, accuracy: 1e-6)
        XCTAssertEqual(try run({ $0.ignoreIndex = 1 }, CrossEntropyTests.yH), 0.13803619, accuracy: 1e-6)
        XCTAssertEqual(try run({ $0.classWeight = [1, 2, 3] }, CrossEntropyTests.yH), 1.05385244, accuracy: 1e-6)
        XCTAssertEqual(try run({ $0.smooth = 0; $0.exponent = 1 }, y2), 0.71584779, accuracy: 1e-6)
    }

    func testDiceRejectsPixelWeight() throws {
        let loss = DiceLoss(DiceLossConfig())
        XCTAssertThrowsError(try loss.forward(CrossEntropyTests.H, CrossEntropyTests.yH, weight: try Tensor.ones([1, 2, 2]),
                                              avgFactor: nil, reductionOverride: nil, ignoreIndex: 255))
    }

    func testFocalVectors() throws {
        for (i, c) in try LossFixtures.load("mmseg_focal.json").enumerated() {
            let loss = try LossFixtures.loss((c["cfg"] as! [String: Any]).merging(["type": "FocalLoss"]) { a, _ in a })
            let out = try loss.forward(LossFixtures.tensor(c["x"])!, LossFixtures.tensor(c["y"])!, weight: LossFixtures.tensor(c["weight"]),
                                       avgFactor: nil, reductionOverride: nil, ignoreIndex: 255)
            assertClose(out, LossFixtures.tensor(c["expected"])!, "case \(i) \(c["cfg"]!)")
        }
    }

    /// mmseg `test_focal_loss.py::test_same` constants (reference §5.4), index targets.
    func testFocalPeerConstants() throws {
        let pred = Tensor(shape: [2, 3, 2, 2], float32: [
            0.1998772621, 0.3659250736, 0.9128918052, 0.2723454833, 0.1373604536, 0.2495964766, 0.9785252810, 0.5094971061,
            0.2959728837, 0.8378278613, 0.5674484372, 0.3124643564, 0.2381041050, 0.8065491915, 0.2052971125, 0.9496635199,
            0.2494341135, 0.9726386070, 0.9316667318, 0.2813754082, 0.2399672866, 0.3493354321, 0.9550838470, 0.8279340863])
        let target = Tensor(shape: [2, 2, 2], int64: [2, 2, 1, 2, 0, 1, 2, 0])
        let cw: [Float] = [0.052917540073394775, 0.27414458990097046, 0.5211336612701416]
        let w8 = Tensor([Float]([0.4344, 0.8858, 0.7353, 0.5068, 0.5316, 0.1429, 0.5781, 0.7336]))
        func run(_ weight: Tensor?, _ classWeight: [Float]?, _ r: Reduction) throws -> Float {
            var c = FocalLossConfig(); c.gamma = 2; c.alpha = [0.4]; c.classWeight = classWeight
            return try FocalLoss(c).forward(pred, target, weight: weight, avgFactor: nil, reductionOverride: r, ignoreIndex: 255).floats[0]
        }
        XCTAssertEqual(try run(nil, nil, .mean), 0.15395577251911163, accuracy: 2e-6)
        XCTAssertEqual(try run(nil, nil, .sum), 3.6949386596679688, accuracy: 4e-5)
        XCTAssertEqual(try run(nil, cw, .mean), 0.039807554334402084, accuracy: 1e-6)
        XCTAssertEqual(try run(w8, nil, .mean), 0.08768016844987869, accuracy: 1e-6)
        XCTAssertEqual(try run(w8, cw, .sum), 0.5577910542488098, accuracy: 1e-5)
    }

    /// torchvision: integer targets are an error (BCE-with-logits cannot write a float result into them).
    func testTorchvisionFocalRejectsIntegerTargets() {
        let x = Tensor(shape: [2, 2], float32: [0.5, -1, 2, 0.1])
        XCTAssertThrowsError(try Focal.torchvision(x, Tensor(shape: [2, 2], int64: [0, 1, 1, 0])))
    }

    func testTorchvisionFocalVectors() throws {
        for (i, c) in try LossFixtures.load("torchvision_focal.json").enumerated() {
            let kw = c["kw"] as! [String: Any]
            let out = try Focal.torchvision(LossFixtures.tensor(c["x"])!, LossFixtures.tensor(c["t"])!,
                                            alpha: (kw["alpha"] as? NSNumber)?.doubleValue ?? 0.25,
                                            gamma: (kw["gamma"] as? NSNumber)?.doubleValue ?? 2,
                                            reduction: LossFixtures.reduction(kw["reduction"]) ?? .none)
            assertClose(out, LossFixtures.tensor(c["expected"])!, "case \(i)")
        }
    }
}
