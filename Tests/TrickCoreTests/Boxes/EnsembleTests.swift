import XCTest
@testable import TrickCore

final class EnsembleTests: XCTestCase {
    static func models(_ c: [String: Any]) -> [EnsembleBoxes.Model] {
        let bl = c["boxes"] as! [Any], sl = c["scores"] as! [Any], ll = c["labels"] as! [Any]
        return (0..<bl.count).map { EnsembleBoxes.Model(boxes: BoxFixtures.flat(bl[$0]), scores: BoxFixtures.flat(sl[$0]), labels: BoxFixtures.flat(ll[$0])) }
    }

    func testAgainstEnsembleBoxes109() throws {
        for (n, c) in try BoxFixtures.load("ensemble.json").enumerated() {
            let fn = c["fn"] as! String
            let weights = (c["weights"] as? [Any]).map { BoxFixtures.flat($0) }
            let iou = c["iou_thr"] as! Double
            let r: EnsembleBoxes.Result
            switch fn {
            case "wbf":
                r = try EnsembleBoxes.weightedBoxesFusion(Self.models(c), weights: weights, iouThr: iou, skipBoxThr: (c["skip_box_thr"] as! NSNumber).doubleValue,
                                                          confType: EnsembleBoxes.ConfType(rawValue: c["conf_type"] as! String)!,
                                                          allowsOverflow: c["allows_overflow"] as! Bool)
            case "nmw":
                r = try EnsembleBoxes.nonMaximumWeighted(Self.models(c), weights: weights, iouThr: iou, skipBoxThr: (c["skip_box_thr"] as! NSNumber).doubleValue)
            case "ens_nms":
                r = EnsembleBoxes.nmsMethod(Self.models(c), method: 3, iouThr: iou, weights: weights)
            case "ens_soft_nms":
                r = EnsembleBoxes.nmsMethod(Self.models(c), method: c["method"] as! Int, iouThr: iou, sigma: c["sigma"] as! Double,
                                            thresh: c["thresh"] as! Double, weights: weights)
            default: XCTFail("unknown \(fn)"); continue
            }
            let e = c["expected"] as! [Any]
            let msg = "case \(n) \(fn) \(c["conf_type"] ?? "")"
            BoxFixtures.assertClose(r.scores, BoxFixtures.flat(e[1]), rtol: 1e-7, atol: 1e-9, msg + " scores")
            BoxFixtures.assertClose(r.boxes, BoxFixtures.flat(e[0]), rtol: 1e-7, atol: 1e-9, msg + " boxes")
            XCTAssertEqual(r.labels, BoxFixtures.flat(e[2]), msg + " labels")
        }
    }

    func testEmptyInput() throws {
        let r = try EnsembleBoxes.weightedBoxesFusion([EnsembleBoxes.Model(boxes: [], scores: [], labels: [])])
        XCTAssertEqual(r.count, 0)
        XCTAssertEqual(EnsembleBoxes.nmsMethod([EnsembleBoxes.Model(boxes: [], scores: [], labels: [])]).count, 0)
    }
}
