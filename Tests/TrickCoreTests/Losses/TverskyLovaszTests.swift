import Foundation
import XCTest
@testable import TrickCore

/// TverskyLoss, LovaszLoss and CrossEntropyLoss(use_mask=True) against mmseg 1.2.2
/// (vectors: tools/gen_losses_vectors.py; 'intended' cases are documented there).
final class TverskyLovaszTests: XCTestCase {
    func testTverskyVectors() throws {
        let cases = try LossFixtures.load("mmseg_tversky.json")
        XCTAssertGreaterThan(cases.count, 10)
        for (i, c) in cases.enumerated() {
            let loss = try LossFixtures.loss((c["cfg"] as! [String: Any]).merging(["type": "TverskyLoss"]) { a, _ in a })
            // the forward's ignore_index / weight are ignored, as upstream
            let out = try loss.forward(LossFixtures.tensor(c["x"])!, LossFixtures.tensor(c["y"])!, weight: nil,
                                       avgFactor: nil, reductionOverride: nil, ignoreIndex: 7)
            assertClose(out, LossFixtures.tensor(c["expected"])!, "case \(i) \(c["cfg"]!)")
        }
    }

    /// Reference §4, hand case H (derived values).
    func testTverskyHandCase() throws {
        let y2 = Tensor(shape: [1, 2, 2], int64: [0, 2, 1, 1])
        let loss = try TverskyLoss(TverskyLossConfig())
        XCTAssertEqual(try loss.forward(CrossEntropyTests.H, CrossEntropyTests.yH, weight: nil, avgFactor: nil, reductionOverride: nil, ignoreIndex: 255).floats[0], 0.34973201, accuracy: 1e-6)
        XCTAssertEqual(try loss.forward(CrossEntropyTests.H, y2, weight: nil, avgFactor: nil, reductionOverride: nil, ignoreIndex: 255).floats[0], 0.40412745, accuracy: 1e-6)
    }

    func testTverskyChecksAlphaBeta() {
        var c = TverskyLossConfig(); c.alpha = 0.5; c.beta = 0.6
        XCTAssertThrowsError(try TverskyLoss(c))
        c.alpha = 0.1; c.beta = 0.9
        XCTAssertNoThrow(try TverskyLoss(c))
    }

    func testLovaszVectors() throws {
        let cases = try LossFixtures.load("mmseg_lovasz.json")
        XCTAssertGreaterThan(cases.count, 20)
        for (i, c) in cases.enumerated() {
            let loss = try LossFixtures.loss((c["cfg"] as! [String: Any]).merging(["type": "LovaszLoss"]) { a, _ in a })
            let ignore: Int?
            switch c["ignore_index"] {
            case let s as String where s == "default": ignore = 255
            case let v as NSNumber: ignore = v.intValue
            default: ignore = nil
            }
            let out = try loss.forward(LossFixtures.tensor(c["x"])!, LossFixtures.tensor(c["y"])!, weight: nil,
                                       avgFactor: (c["avg_factor"] as? NSNumber)?.doubleValue,
                                       reductionOverride: LossFixtures.reduction(c["reduction_override"]), ignoreIndex: ignore)
            assertClose(out, LossFixtures.tensor(c["expected"])!, "case \(i) \(c["cfg"]!) (\(c["note"]!))")
        }
    }

    /// Reference §4, hand case H: Lovász-Softmax 0.69307595 (`y`) and 0.69805408 (`y2`).
    func testLovaszHandCase() throws {
        var c = LovaszLossConfig(); c.reduction = .none
        let loss = try LovaszLoss(c)
        let y2 = Tensor(shape: [1, 2, 2], int64: [0, 2, 1, 1])
        XCTAssertEqual(try loss.forward(CrossEntropyTests.H, CrossEntropyTests.yH, weight: nil, avgFactor: nil, reductionOverride: nil, ignoreIndex: 255).floats[0], 0.69307595, accuracy: 1e-6)
        XCTAssertEqual(try loss.forward(CrossEntropyTests.H, y2, weight: nil, avgFactor: nil, reductionOverride: nil, ignoreIndex: 255).floats[0], 0.69805408, accuracy: 1e-6)
    }

    func testLovaszRejects() throws {
        var c = LovaszLossConfig()
        XCTAssertThrowsError(try LovaszLoss(c), "per_image=False needs reduction='none'")
        c.reduction = .none; c.binary = true
        let binary = try LovaszLoss(c)
        XCTAssertThrowsError(try binary.forward(Tensor(shape: [1, 2], float32: [0.5, -1]), Tensor(shape: [1, 2], int64: [0, 3]),
                                                weight: nil, avgFactor: nil, reductionOverride: nil, ignoreIndex: 255))
        c.binary = false; c.classes = .list([5])
        XCTAssertThrowsError(try LovaszLoss(c).forward(CrossEntropyTests.H, CrossEntropyTests.yH, weight: nil, avgFactor: nil,
                                                       reductionOverride: nil, ignoreIndex: 255))
    }

    func testMaskCrossEntropyVectors() throws {
        let cases = try LossFixtures.load("mmseg_ce_mask.json")
        XCTAssertEqual(cases.count, 4)
        for (i, c) in cases.enumerated() {
            let cfg = c["cfg"] as! [String: Any]
            var cc = CrossEntropyLossConfig()
            cc.useMask = true
            cc.classWeight = LossFixtures.floats(cfg["class_weight"])
            if let v = cfg["loss_weight"] as? NSNumber { cc.lossWeight = v.doubleValue }
            let loss = try CrossEntropyLoss(cc)
            let out = try loss.forward(LossFixtures.tensor(c["x"])!, LossFixtures.tensor(c["y"])!, weight: LossFixtures.tensor(c["label"]),
                                       avgFactor: nil, reductionOverride: nil, ignoreIndex: nil)
            assertClose(out, LossFixtures.tensor(c["expected"])!, "case \(i) \(cfg)")
            // as upstream: an ignore index (the forward's default is -100) is an error
            XCTAssertThrowsError(try loss.forward(LossFixtures.tensor(c["x"])!, LossFixtures.tensor(c["y"])!, weight: LossFixtures.tensor(c["label"]),
                                                  avgFactor: nil, reductionOverride: nil, ignoreIndex: -100))
        }
    }
}
