import XCTest
@testable import TrickCore

final class MatrixNMSTests: XCTestCase {
    func testAgainstMMDet() throws {
        for (n, c) in try BoxFixtures.load("matrix_nms.json").enumerated() {
            let kw = c["kwargs"] as! [String: Any]
            let masks = BoxFixtures.flat(c["masks"]).map(Float.init)
            let scores = BoxFixtures.flat(c["scores"]).map(Float.init)
            let r = MatrixNMS.maskMatrixNMS(masks: masks, pixels: masks.count / scores.count, labels: BoxFixtures.ints(c["labels"]), scores: scores,
                                            filterThr: kw["filter_thr"] as? Double ?? -1, nmsPre: kw["nms_pre"] as? Int ?? -1,
                                            maxNum: kw["max_num"] as? Int ?? -1, kernel: MatrixNMS.Kernel(rawValue: kw["kernel"] as? String ?? "gaussian")!,
                                            sigma: kw["sigma"] as? Double ?? 2)
            let e = c["expected"] as! [String: Any]
            XCTAssertEqual(r.keepInds.map(Int64.init), BoxFixtures.ints(e["keep_inds"]), "case \(n)")
            XCTAssertEqual(r.labels, BoxFixtures.ints(e["labels"]), "case \(n)")
            BoxFixtures.assertClose(r.scores.map(Double.init), BoxFixtures.flat(e["scores"]), "case \(n)")
        }
    }

    /// Reference §2.10 T7.
    func testReferenceTable() {
        var m = [Float](repeating: 0, count: 64)
        func fill(_ k: Int, _ rows: Range<Int>, _ cols: Range<Int>) { for r in rows { for c in cols { m[k * 16 + r * 4 + c] = 1 } } }
        fill(0, 0..<2, 0..<2); fill(1, 0..<2, 0..<3); fill(2, 1..<3, 1..<3); fill(3, 2..<4, 2..<4)
        let g = MatrixNMS.maskMatrixNMS(masks: m, pixels: 16, labels: [0, 0, 0, 1], scores: [0.9, 0.8, 0.7, 0.6])
        XCTAssertEqual(g.keepInds, [0, 2, 3, 1])
        BoxFixtures.assertClose(g.scores.map(Double.init), [0.9, 0.6720038, 0.6, 0.32888982], "gaussian")
        let l = MatrixNMS.maskMatrixNMS(masks: m, pixels: 16, labels: [0, 0, 0, 1], scores: [0.9, 0.8, 0.7, 0.6], kernel: .linear)
        BoxFixtures.assertClose(l.scores.map(Double.init), [0.9, 0.6, 0.6, 0.26666665], "linear")
        XCTAssertEqual(MatrixNMS.maskMatrixNMS(masks: m, pixels: 16, labels: [0, 0, 0, 1], scores: [0.9, 0.8, 0.7, 0.6], filterThr: 0.5).keepInds, [0, 2, 3])
    }

    func testDIoUNMSKeepsDistantCentres() throws {
        // Two boxes with IoU 0.5 but centres apart: plain NMS at 0.47 suppresses (IoU 0.5), DIoU is 0.45, DIoU-NMS keeps both.
        let b = Tensor(shape: [2, 4], float32: [0, 0, 10, 10, 0, 0, 10, 20])
        let s = Tensor([Float(0.9), 0.8])
        XCTAssertEqual(try NMS.torchvision(boxes: b, scores: s, iouThreshold: 0.47).int64s, [0])
        XCTAssertEqual(try MatrixNMS.diouNMS(boxes: b, scores: s, iouThreshold: 0.47).int64s, [0, 1])
    }
}
