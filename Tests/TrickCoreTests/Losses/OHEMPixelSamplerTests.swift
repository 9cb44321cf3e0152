import Foundation
import XCTest
@testable import TrickCore

final class OHEMPixelSamplerTests: XCTestCase {
    func testSamplerVectors() throws {
        for (i, c) in try LossFixtures.load("ohem_pixel.json").enumerated() {
            let s = try OHEMPixelSampler(thresh: (c["thresh"] as? NSNumber)?.doubleValue, minKept: (c["min_kept"] as! NSNumber).intValue,
                                         ignoreIndex: (c["ignore_index"] as! NSNumber).intValue, losses: try LossFixtures.losses(c["losses"]))
            if c["error"] as? Bool == true {
                XCTAssertThrowsError(try s.sample(LossFixtures.tensor(c["x"])!, LossFixtures.tensor(c["y"])!), "case \(i)")
                continue
            }
            let w = try s.sample(LossFixtures.tensor(c["x"])!, LossFixtures.tensor(c["y"])!)
            let want = LossFixtures.tensor(c["expected"])!
            XCTAssertEqual(w.shape, want.shape, "case \(i)")
            XCTAssertEqual(w.floats, want.floats, "case \(i) thresh=\(c["thresh"] ?? "None") min_kept=\(c["min_kept"]!)")
        }
    }

    func testTorchSortTieOrder() throws {
        for (i, c) in try LossFixtures.load("torch_sort.json").enumerated() {
            let v = (c["values"] as! [NSNumber]).map { $0.floatValue }
            XCTAssertEqual(TorchSort.argsort(v, descending: true), (c["desc"] as! [NSNumber]).map { $0.intValue }, "case \(i) desc")
            XCTAssertEqual(TorchSort.argsort(v, descending: false), (c["asc"] as! [NSNumber]).map { $0.intValue }, "case \(i) asc")
        }
    }

    func testTopKMatchesFullSort() {
        var state: UInt64 = 7
        for n in [1, 5, 16, 17, 40, 300] {
            for k in [0, 1, n / 3, n / 2, n - 1, n] {
                let v: [Float] = (0..<n).map { _ in
                    state = state &* 6364136223846793005 &+ 1442695040888963407
                    return Float((state >> 33) % 4)
                }
                let want = Array(TorchSort.argsort(v, descending: true).prefix(k)).sorted()
                XCTAssertEqual(OHEMPixelSampler.topK(v, k), want, "n=\(n) k=\(k)")
            }
        }
    }

    /// reference §7.2 single-image table.
    func testReferenceTable() throws {
        let x = Tensor(shape: [1, 3, 1, 6], float32: [2.0, 0.5, 0.2, -1.0, 0.0, 1.2, 1.0, 1.5, 0.0, 0.5, -0.5, 0.1, 0.1, -1.0, 0.7, 2.0, 0.3, 0.4])
        let y = Tensor(shape: [1, 1, 1, 6], int64: [0, 2, 1, 0, 1, 255])
        let ce = try CrossEntropyLoss(CrossEntropyLossConfig())
        for (thresh, want) in [(0.3, [0, 1, 1, 1, 1, 0]), (0.1, [0, 1, 0, 1, 0, 0]), (0.7, [1, 1, 1, 1, 1, 0])] as [(Double, [Float])] {
            XCTAssertEqual(try OHEMPixelSampler(thresh: thresh, minKept: 2, losses: [ce]).sample(x, y).floats, want)
        }
        XCTAssertEqual(try OHEMPixelSampler(thresh: nil, minKept: 2, losses: [ce]).sample(x, y).floats, [0, 1, 0, 1, 0, 0])
    }

    func testErrors() throws {
        XCTAssertThrowsError(try OHEMPixelSampler(minKept: 1))
        let s = try OHEMPixelSampler(thresh: 0.7, minKept: 2)
        XCTAssertThrowsError(try s.sample(try Tensor.zeros([1, 3, 2, 2]), Tensor(shape: [1, 1, 2, 3], int64: [0, 0, 0, 0, 0, 0])))
        // Dice (scalar per image) cannot rank pixels
        let d = try OHEMPixelSampler(minKept: 2, losses: [DiceLoss(DiceLossConfig())])
        XCTAssertThrowsError(try d.sample(try Tensor.zeros([1, 3, 2, 2]), Tensor(shape: [1, 2, 2], int64: [0, 1, 2, 0])))
    }

    /// `isVectorPixel` is `vectorPixels` without the array.
    func testVectorPixelClassification() {
        for (n, s) in [(1, 1), (1, 15), (1, 16), (1, 17), (2, 16), (2, 33), (3, 50), (2, 1000), (5, 7), (1, 100_001)] {
            let vec = TorchSoftmax.vectorPixels(n: n, s: s)
            for q in 0..<(n * s) where TorchSoftmax.isVectorPixel(q, n: n, s: s) != vec[q] {
                XCTFail("n=\(n) s=\(s) pixel \(q)"); break
            }
        }
    }

    /// The banded threshold decision equals the exact one whenever the approximations are within
    /// delta — including many ties at the K-th value and at the threshold.
    func testBandedThresholdKeepIsExact() throws {
        var rng = SplitMix(seed: 5)
        for trial in 0..<200 {
            let count = 1 + Int(rng.next() % 300)
            // few distinct values, so ties are common; some exactly at the threshold 0.75
            let exact: [Float] = (0..<count).map { _ in [0.75, 0.5, 1.0, 0.25, 0.7500001][Int(rng.next() % 5)] + Float(Int(rng.next() % 3)) * 1e-6 }
            let delta: Float = 1e-5
            let approx = exact.map { $0 + (Float(Int(rng.next() % 2001)) - 1000) / 1000 * delta * 0.99 }
            let k = Int(rng.next() % UInt64(count))
            for t: Float in [0.75, 0.3, 1.0] {
                let want = OHEMPixelSampler.exactKeep(exact, k: k, thresh: t)
                let got = try XCTUnwrap(OHEMPixelSampler.thresholdKeep(approx, delta: delta, k: k, thresh: t) { exact[$0] })
                XCTAssertEqual(got, want, "trial \(trial) k=\(k) t=\(t)")
            }
        }
    }
}
