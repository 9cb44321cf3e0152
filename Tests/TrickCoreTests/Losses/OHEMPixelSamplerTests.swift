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
}
