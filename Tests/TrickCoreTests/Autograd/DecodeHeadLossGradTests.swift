import Foundation
import XCTest
@testable import TrickCore

/// mmseg 1.2.2 `FCNHead.loss_by_feat` with OHEM weights flowing into the losses: each entry of
/// the loss dict and the gradient of `seg_logits` of their sum (decode_head.json).
final class DecodeHeadLossGradTests: XCTestCase {
    func testDecodeHeadLossGradientAgainstMMSeg() throws {
        let cases = try AutogradFixtures.json("decode_head.json") as! [[String: Any]]
        XCTAssertEqual(cases.count, 5)
        for (i, c) in cases.enumerated() {
            let ign = c["ignore_index"] as! Int
            let losses = try LossFixtures.losses(c["loss_decode"])
            var sampler: OHEMPixelSampler?
            if let s = c["sampler"] as? [String: Any] {
                sampler = try OHEMPixelSampler(thresh: (s["thresh"] as? NSNumber)?.doubleValue, minKept: (s["min_kept"] as! NSNumber).intValue,
                                               ignoreIndex: ign, losses: losses)
            }
            let x = try Variable(AutogradFixtures.tensor(c["x"])!, requiresGrad: true)
            let out = try DecodeHeadLoss.lossByFeat(x, AutogradFixtures.tensor(c["y"])!, losses: losses, sampler: sampler,
                                                    ignoreIndex: ign, alignCorners: c["align_corners"] as! Bool)
            let want = c["losses"] as! [[Any]]
            XCTAssertEqual(out.map(\.0), want.map { $0[0] as! String }, "case \(i)")
            for ((name, v), w) in zip(out, want) {
                assertClose(v.data, AutogradFixtures.tensor(w[1])!, rtol: 1e-5, atol: 1e-6, "case \(i) \(name)")
            }
            var total: Variable?
            for (name, v) in out where name.contains("loss") { total = try total.map { try $0.add(v) } ?? v }
            try Autograd.backward(total!)
            assertClose(x.grad!, AutogradFixtures.tensor(c["grad"])!, rtol: 1e-5, atol: 1e-6, "case \(i) grad")
        }
    }
}
