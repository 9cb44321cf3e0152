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
