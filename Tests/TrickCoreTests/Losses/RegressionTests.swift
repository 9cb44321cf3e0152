import Foundation
import XCTest
@testable import TrickCore

/// Regression vectors for mismatches found by differential fuzzing (tools/fuzz_losses.py), written
/// by tools/gen_losses_regress_vectors.py from the real libraries (torch 2.4.1 CPU).
final class LossRegressionTests: XCTestCase {
    func cases(_ kind: String) throws -> [[String: Any]] {
        try LossFixtures.load("regress.json").filter { $0["kind"] as? String == kind }
    }

    /// `interpolate` modes 'bicubic' and 'area' (were rejected as unsupported), incl. the empty
    /// outputs 'area' allows.
    func testInterpolateBicubicAndArea() throws {
        let all = try cases("interpolate")
        XCTAssertGreaterThan(all.count, 20)
        for (i, c) in all.enumerated() {
            let kw = c["kw"] as! [String: Any]
            let out = try Interpolate.interpolate(
                LossFixtures.tensor(c["x"])!, size: (kw["size"] as? [NSNumber])?.map { $0.intValue },
                scaleFactor: (kw["scale_factor"] as? [NSNumber])?.map { $0.doubleValue },
                mode: Interpolate.Mode(rawValue: kw["mode"] as! String)!, alignCorners: kw["align_corners"] as? Bool,
                recomputeScaleFactor: kw["recompute_scale_factor"] as? Bool ?? false)
            let want = LossFixtures.tensor(c["expected"])!
            XCTAssertEqual(out.dtype, want.dtype, "case \(i) \(kw)")
            if c["exact"] as? Bool == true {
                XCTAssertEqual(out.shape, want.shape, "case \(i) \(kw)")
                XCTAssertEqual(out.doubles, want.doubles, "case \(i) \(kw): not bit-exact")
            } else {
                assertClose(out, want, rtol: 1e-6, atol: 1e-6, "case \(i) \(kw)")
            }
        }
    }

    /// 0.x DiceLoss reads `class_weight[i]` only for the classes it scores: a longer list, or one
    /// without the ignored class, is accepted (it was rejected); a missing scored class is an error.
    func testDice0xClassWeightLength() throws {
        let all = try cases("dice0x")
        XCTAssertEqual(all.count, 3)
        for (i, c) in all.enumerated() {
            let cfg = c["cfg"] as! [String: Any]
            var dc = DiceLossConfig()
            dc.version0x = true
            dc.classWeight = LossFixtures.floats(cfg["class_weight"])
            if let v = cfg["smooth"] as? NSNumber { dc.smooth = v.doubleValue }
            if let v = cfg["ignore_index"] as? NSNumber { dc.ignoreIndex = v.intValue }
            let got = try DiceLoss(dc).forward(LossFixtures.tensor(c["x"])!, LossFixtures.tensor(c["y"])!, weight: nil,
                                               avgFactor: nil, reductionOverride: nil, ignoreIndex: 255)
            assertClose(got, LossFixtures.tensor(c["expected"])!, rtol: 1e-5, atol: 1e-6, "case \(i) \(cfg)")
        }
        var dc = DiceLossConfig()
        dc.version0x = true
        dc.classWeight = [1, 2]
        let x = Tensor(shape: [1, 3, 1, 2], float32: [0, 1, 2, 3, 4, 5]), y = Tensor(shape: [1, 1, 2], int64: [0, 2])
        XCTAssertThrowsError(try DiceLoss(dc).forward(x, y, weight: nil, avgFactor: nil, reductionOverride: nil, ignoreIndex: 255))
    }

    /// torch's float32 softmax over dim 1 bit for bit (the probabilities OHEM ranks), and OHEM's
    /// threshold mode on saturated logits whose probabilities tie in float32 (once differed).
    func testTorchSoftmaxAndOHEMTies() throws {
        let sm = try cases("softmax_gt")
        XCTAssertEqual(sm.count, 7)
        for (i, c) in sm.enumerated() {
            let x = LossFixtures.tensor(c["x"])!, y = LossFixtures.tensor(c["y"])!
            let sh = x.shape
            let got = TorchSoftmax.probabilities(x.floats, n: sh[0], c: sh[1], s: sh.dropFirst(2).reduce(1, *),
                                                 labels: y.int64s, pixels: Array(0..<y.count))
            XCTAssertEqual(got, LossFixtures.tensor(c["expected"])!.floats, "softmax case \(i) \(sh): not bit-exact")
        }
        let oh = try cases("ohem_thresh")
        XCTAssertEqual(oh.count, 4)
        for (i, c) in oh.enumerated() {
            let s = try OHEMPixelSampler(thresh: (c["thresh"] as! NSNumber).doubleValue, minKept: (c["min_kept"] as! NSNumber).intValue,
                                         ignoreIndex: (c["ignore_index"] as! NSNumber).intValue)
            let w = try s.sample(LossFixtures.tensor(c["x"])!, LossFixtures.tensor(c["y"])!)
            XCTAssertEqual(w.floats, LossFixtures.tensor(c["expected"])!.floats, "ohem case \(i)")
        }
    }

    func testInterpolateNewModeErrors() {
        let x3 = Tensor(shape: [1, 1, 4], float32: [1, 2, 3, 4])
        let x4 = Tensor(shape: [1, 1, 2, 2], float32: [1, 2, 3, 4])
        XCTAssertThrowsError(try Interpolate.interpolate(x3, size: [3], mode: .bicubic))                     // needs 4-D
        XCTAssertThrowsError(try Interpolate.interpolate(x4, size: [3, 3], mode: .area, alignCorners: false)) // not interpolating
        XCTAssertThrowsError(try Interpolate.interpolate(x4, size: [0, 3], mode: .bicubic))                  // 0 only for area
        XCTAssertThrowsError(try Interpolate.interpolate(x4, size: [-1, 3], mode: .area))
        XCTAssertThrowsError(try Interpolate.interpolate(Tensor(shape: [1, 1, 2, 2], int64: [1, 2, 3, 4]), size: [3, 3], mode: .area))
    }
}
