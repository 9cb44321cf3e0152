import XCTest
@testable import TrickCore

final class SoftNMSTests: XCTestCase {
    func testAgainstMMCVKernelReplica() throws {
        for (n, c) in try BoxFixtures.load("soft_nms.json").enumerated() {
            let kw = c["kwargs"] as! [String: Any]
            let r = try SoftNMS.mmcv(boxes: BoxFixtures.tensor(c["boxes"]), scores: BoxFixtures.tensor(c["scores"]),
                                     iouThreshold: kw["iou_threshold"] as? Double ?? 0.3, sigma: kw["sigma"] as? Double ?? 0.5,
                                     minScore: kw["min_score"] as? Double ?? 1e-3,
                                     method: SoftNMS.Method(name: kw["method"] as? String ?? "linear")!, offset: kw["offset"] as? Int ?? 0)
            let e = c["expected"] as! [String: Any]
            XCTAssertEqual(r.inds.int64s, BoxFixtures.ints(e["inds"]), "case \(n)")
            BoxFixtures.assertClose(r.dets.doubles, BoxFixtures.flat(e["dets"]), "case \(n)")
        }
    }

    /// Reference §2.10 T5 (mmcv test_nms source values) and the derived edge cases.
    func testSourceVectors() throws {
        let b = Tensor(shape: [4, 4], float32: [6, 3, 8, 7, 3, 6, 9, 11, 3, 7, 10, 12, 1, 4, 13, 7])
        let s = Tensor([Float(0.6), 0.9, 0.7, 0.2])
        let lin = try SoftNMS.mmcv(boxes: b, scores: s, minScore: 0.01, method: .linear)
        XCTAssertEqual(lin.inds.int64s, [1, 0, 2, 3])
        BoxFixtures.assertClose(stride(from: 4, to: 20, by: 5).map { lin.dets.double(at: $0) }, [0.9, 0.6, 0.29024392, 0.2], "linear")
        let gau = try SoftNMS.mmcv(boxes: b, scores: s, minScore: 0.01, method: .gaussian)
        BoxFixtures.assertClose(stride(from: 4, to: 20, by: 5).map { gau.dets.double(at: $0) }, [0.9, 0.59630775, 0.35275510, 0.18650459], "gaussian")
        XCTAssertEqual(try SoftNMS.mmcv(boxes: b, scores: s, minScore: 0.01, method: .naive).inds.int64s, [1, 0, 3])
        // swap-with-last reorders the tail
        let t = Tensor(shape: [5, 4], float32: [0, 0, 10, 10, 0, 0, 10, 10, 50, 0, 60, 10, 80, 0, 90, 10, 100, 0, 110, 10])
        XCTAssertEqual(try SoftNMS.mmcv(boxes: t, scores: Tensor([Float(0.9), 0.8, 0.5, 0.5, 0.5]), method: .naive).inds.int64s, [0, 4, 2, 3])
        // the first selected box is never min_score-checked
        let lone = try SoftNMS.mmcv(boxes: Tensor(shape: [2, 4], float32: [0, 0, 10, 10, 20, 20, 30, 30]), scores: Tensor([Float(0.05), 0.01]), minScore: 0.1)
        XCTAssertEqual(lone.inds.int64s, [0])
    }
}
