import Foundation
import XCTest
@testable import TrickCore

final class DecodeHeadLossTests: XCTestCase {
    func testLossByFeatVectors() throws {
        for (i, c) in try LossFixtures.load("decode_head.json").enumerated() {
            let ign = (c["ignore_index"] as! NSNumber).intValue
            let losses = try LossFixtures.losses(c["loss_decode"])
            var sampler: OHEMPixelSampler?
            if let s = c["sampler"] as? [String: Any] {
                sampler = try OHEMPixelSampler(thresh: (s["thresh"] as? NSNumber)?.doubleValue, minKept: (s["min_kept"] as! NSNumber).intValue,
                                               ignoreIndex: ign, losses: losses)
            }
            let out = try DecodeHeadLoss.lossByFeat(LossFixtures.tensor(c["x"])!, LossFixtures.tensor(c["y"])!, losses: losses,
                                                    sampler: sampler, ignoreIndex: ign, alignCorners: c["align_corners"] as! Bool)
            let want = c["expected"] as! [[Any]]
            XCTAssertEqual(out.map(\.0), want.map { $0[0] as! String }, "case \(i) keys")
            for (got, w) in zip(out, want) {
                assertClose(got.1, LossFixtures.tensor(w[1])!, rtol: 2e-5, "case \(i) \(got.0)")
            }
            let (total, logVars) = try ParseLosses.parse(out.map { ($0.0, [$0.1]) })
            XCTAssertEqual(Double(total.floats[0]), (c["total"] as! NSNumber).doubleValue, accuracy: 2e-5 * abs((c["total"] as! NSNumber).doubleValue) + 1e-6)
            let wantLog = c["log_vars"] as! [[Any]]
            XCTAssertEqual(logVars.map(\.0), wantLog.map { $0[0] as! String })
        }
    }

    func testAccuracyVectors() throws {
        for (i, c) in try LossFixtures.load("accuracy.json").enumerated() {
            let out = try DecodeHeadLoss.accuracy(LossFixtures.tensor(c["pred"])!, LossFixtures.tensor(c["target"])!,
                                                  topk: (c["topk"] as! [NSNumber]).map { $0.intValue },
                                                  thresh: (c["thresh"] as? NSNumber)?.doubleValue, ignoreIndex: (c["ignore_index"] as? NSNumber)?.intValue)
            for (o, w) in zip(out, c["expected"] as! [Any]) { assertClose(o, LossFixtures.tensor(w)!, "case \(i)") }
        }
    }

    func testParseLossesSubstringRule() throws {
        let (total, log) = try ParseLosses.parse([("decode.loss_ce", [.scalar(Float(1.5))]), ("decode.acc_seg", [Tensor([Float(50)])]),
                                                  ("decode.myloss", [Tensor([Float(1), 3])]), ("decode.dice", [.scalar(Float(9))])])
        XCTAssertEqual(total.floats, [3.5])
        XCTAssertEqual(log.map(\.0), ["loss", "decode.loss_ce", "decode.acc_seg", "decode.myloss", "decode.dice"])
    }
}

final class SegMetricsTests: XCTestCase {
    /// reference/losses-ohem-pixel.md §9 derived example (C = 5, ignore 255).
    func testIoUExample() throws {
        let l1: [Int64] = [0, 0, 1, 1, 2, 2, 255, 1, 0, 0, 1, 1], p1: [Int64] = [0, 1, 1, 1, 2, 0, 3, 1, 0, 0, 1, 3]
        let a1 = try SegMetrics.intersectAndUnion(pred: p1, label: l1, numClasses: 5, ignoreIndex: 255)
        XCTAssertEqual(a1.intersect, [3, 4, 1, 0, 0])
        XCTAssertEqual(a1.union, [5, 6, 2, 1, 0])
        let s1 = Dictionary(uniqueKeysWithValues: SegMetrics.summary(try SegMetrics.metrics(a1, metrics: ["mIoU", "mDice"])))
        XCTAssertEqual(s1["aAcc"], 72.73); XCTAssertEqual(s1["mIoU"], 44.17); XCTAssertEqual(s1["mAcc"], 68.33); XCTAssertEqual(s1["mDice"], 55.42)
        let z = Dictionary(uniqueKeysWithValues: SegMetrics.summary(try SegMetrics.metrics(a1, metrics: ["mIoU"], nanToNum: 0)))
        XCTAssertEqual(z["mIoU"], 35.33); XCTAssertEqual(z["mAcc"], 41.0)
        let a2 = try SegMetrics.intersectAndUnion(pred: [4, 0, 0, 2], label: [4, 4, 0, 255], numClasses: 5, ignoreIndex: 255)
        let s = Dictionary(uniqueKeysWithValues: SegMetrics.summary(try SegMetrics.metrics(a1 + a2, metrics: ["mIoU", "mDice"])))
        XCTAssertEqual(s["aAcc"], 71.43); XCTAssertEqual(s["mIoU"], 44.76); XCTAssertEqual(s["mAcc"], 65.0); XCTAssertEqual(s["mDice"], 57.21)
    }

    func testClassWeightsToyCounts() throws {
        let n: [Double] = [1000, 100, 10]
        let inv = try ClassWeights.inverseFrequency(n)
        for (g, w) in zip(inv, [0.0270270, 0.2702703, 2.7027027]) { XCTAssertEqual(g, w, accuracy: 1e-6) }
        for (g, w) in zip(try ClassWeights.enet(n), [1.5318761, 9.5747679, 34.9696667]) { XCTAssertEqual(g, w, accuracy: 1e-6) }
        for (g, w) in zip(try ClassWeights.effectiveNumber(n, beta: 0.99), [0.2301472, 0.3630110, 2.4068419]) { XCTAssertEqual(g, w, accuracy: 1e-6) }
        for (g, w) in zip(try ClassWeights.medianFrequency(perImageCounts: [n], imagePixels: [1110]), [0.1, 1, 10]) { XCTAssertEqual(g, w, accuracy: 1e-9) }
    }
}
