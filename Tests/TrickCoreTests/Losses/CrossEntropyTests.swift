import Foundation
import XCTest
@testable import TrickCore

final class CrossEntropyTests: XCTestCase {
    func testTorchCrossEntropyVectors() throws {
        for (i, c) in try LossFixtures.load("torch_cross_entropy.json").enumerated() {
            let out = try CrossEntropy.torchCrossEntropy(
                LossFixtures.tensor(c["x"])!, LossFixtures.tensor(c["y"])!, weight: LossFixtures.tensor(c["weight"]),
                ignoreIndex: (c["ignore_index"] as! NSNumber).intValue, reduction: LossFixtures.reduction(c["reduction"])!,
                labelSmoothing: (c["label_smoothing"] as! NSNumber).doubleValue)
            assertClose(out, LossFixtures.tensor(c["expected"])!, "case \(i)")
        }
    }

    func testMMSegCrossEntropyVectors() throws {
        for (i, c) in try LossFixtures.load("mmseg_cross_entropy.json").enumerated() {
            let loss = try LossFixtures.loss(c["cfg"] as! [String: Any])
            let out = try loss.forward(LossFixtures.tensor(c["x"])!, LossFixtures.tensor(c["y"])!,
                                       weight: LossFixtures.tensor(c["weight"]), avgFactor: (c["avg_factor"] as? NSNumber)?.doubleValue,
                                       reductionOverride: LossFixtures.reduction(c["reduction_override"]),
                                       ignoreIndex: (c["ignore_index"] as? NSNumber)?.intValue)
            assertClose(out, LossFixtures.tensor(c["expected"])!, "case \(i) \(c["cfg"]!) \(c["note"]!)")
        }
    }

    func testBCEWithLogitsVectors() throws {
        for (i, c) in try LossFixtures.load("torch_bce.json").enumerated() {
            let out = try CrossEntropy.torchBCEWithLogits(LossFixtures.tensor(c["x"])!, LossFixtures.tensor(c["t"])!,
                                                          weight: LossFixtures.tensor(c["weight"]), posWeight: LossFixtures.tensor(c["pos_weight"]),
                                                          reduction: LossFixtures.reduction(c["reduction"])!)
            assertClose(out, LossFixtures.tensor(c["expected"])!, "case \(i)")
        }
    }

    /// Hand case H of reference/losses-ohem-pixel.md §2.7.
    static let H = Tensor(shape: [1, 3, 2, 2], float32: [2.0, 0.5, -1.0, 0.0, 1.0, 1.5, 0.5, -0.5, 0.1, -1.0, 2.0, 0.3])
    static let yH = Tensor(shape: [1, 2, 2], int64: [0, 2, 255, 1])

    func testHandCaseH() throws {
        var c = CrossEntropyLossConfig()
        let plain = try CrossEntropyLoss(c).forward(Self.H, Self.yH, weight: nil, avgFactor: nil, reductionOverride: nil, ignoreIndex: 255)
        XCTAssertEqual(plain.floats[0], 1.2181344, accuracy: 1e-6)
        c.avgNonIgnore = true
        let ani = try CrossEntropyLoss(c).forward(Self.H, Self.yH, weight: nil, avgFactor: nil, reductionOverride: nil, ignoreIndex: 255)
        XCTAssertEqual(ani.floats[0], 1.6241792, accuracy: 1e-6)
        // 0.x class-weighted mean: 12.199585 / 4
        c.avgNonIgnore = false; c.classWeight = [1, 2, 3]; c.version0x = true
        let v0 = try CrossEntropyLoss(c).forward(Self.H, Self.yH, weight: nil, avgFactor: nil, reductionOverride: nil, ignoreIndex: 255)
        XCTAssertEqual(v0.floats[0], 3.0498962, accuracy: 1e-5)
        // sigmoid: 8.6949177 / 12 and / 9
        var s = CrossEntropyLossConfig(); s.useSigmoid = true
        let bce = try CrossEntropyLoss(s).forward(Self.H, Self.yH, weight: nil, avgFactor: nil, reductionOverride: nil, ignoreIndex: 255)
        XCTAssertEqual(bce.floats[0], 0.7245765, accuracy: 1e-6)
        s.avgNonIgnore = true
        let bceAni = try CrossEntropyLoss(s).forward(Self.H, Self.yH, weight: nil, avgFactor: nil, reductionOverride: nil, ignoreIndex: 255)
        XCTAssertEqual(bceAni.floats[0], 0.9661019, accuracy: 1e-6)
    }

    func testErrors() throws {
        let loss = try CrossEntropyLoss(CrossEntropyLossConfig())
        XCTAssertThrowsError(try loss.forward(Self.H, Tensor(shape: [1, 2, 2], int64: [0, 7, 1, 1]), weight: nil, avgFactor: nil, reductionOverride: nil, ignoreIndex: 255))
        XCTAssertThrowsError(try loss.forward(Self.H, Tensor(shape: [1, 3, 2], int64: [0, 1, 1, 1, 0, 0]), weight: nil, avgFactor: nil, reductionOverride: nil, ignoreIndex: 255))
        XCTAssertThrowsError(try loss.forward(Self.H, Self.yH, weight: nil, avgFactor: 3, reductionOverride: .sum, ignoreIndex: 255))
        var both = CrossEntropyLossConfig(); both.useSigmoid = true; both.useMask = true
        XCTAssertThrowsError(try CrossEntropyLoss(both))
    }

    /// Small and odd-sized maps (split over threads by cost now, and reduced per block): the
    /// 'mean' and 'sum' losses agree with the per-element losses summed in float64, the AVX2 and
    /// Swift builds of the block statistics give the same bits, and NaN/inf logits stay NaN.
    func testBlockReductionAndAVX2Agree() throws {
        var r = SplitMix(seed: 8)
        defer { VectorKernels.useAVX2 = Gemm.hasAVX2 }
        for c in 0..<40 {
            let n = 1 + r.int(3), k = 2 + r.int(20), h = 1 + r.int(40), w = 1 + r.int(300)
            var x = (0..<(n * k * h * w)).map { _ in r.range(-8, 8) }
            if c % 5 == 0 { x[r.int(x.count)] = [Float.nan, .infinity, -.infinity][r.int(3)] }
            let y = (0..<(n * h * w)).map { _ in r.int(6) == 0 ? Int64(255) : Int64(r.int(k)) }
            let logits = Tensor(shape: [n, k, h, w], float32: x), labels = Tensor(shape: [n, h, w], int64: y)
            let cw = Tensor((0..<k).map { _ in r.range(0.5, 1.5) })
            VectorKernels.useAVX2 = Gemm.hasAVX2
            let perPixel = try CrossEntropy.torchCrossEntropy(logits, labels, weight: cw, ignoreIndex: 255, reduction: .none).floats
            let mean = try CrossEntropy.torchCrossEntropy(logits, labels, weight: cw, ignoreIndex: 255).floats[0]
            let sum = try CrossEntropy.torchCrossEntropy(logits, labels, weight: cw, ignoreIndex: 255, reduction: .sum).floats[0]
            VectorKernels.useAVX2 = false
            let mean2 = try CrossEntropy.torchCrossEntropy(logits, labels, weight: cw, ignoreIndex: 255).floats[0]
            let perPixel2 = try CrossEntropy.torchCrossEntropy(logits, labels, weight: cw, ignoreIndex: 255, reduction: .none).floats
            XCTAssertEqual(mean.bitPattern, mean2.bitPattern, "case \(c)")
            XCTAssertEqual(perPixel.map(\.bitPattern), perPixel2.map(\.bitPattern), "case \(c)")
            let total = perPixel.reduce(0.0) { $0 + Double($1) }
            var denom = 0.0
            for v in y where v != 255 { denom += Double(cw.floats[Int(v)]) }
            if total.isNaN {
                XCTAssertTrue(mean.isNaN && sum.isNaN, "case \(c)")
            } else {
                XCTAssertEqual(Double(sum), total, accuracy: abs(total) * 1e-6 + 1e-6, "case \(c)")
                XCTAssertEqual(Double(mean), total / denom, accuracy: abs(total / denom) * 1e-6 + 1e-6, "case \(c)")
            }
        }
    }
}
