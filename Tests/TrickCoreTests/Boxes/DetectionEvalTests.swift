import XCTest
@testable import TrickCore

final class DetectionEvalTests: XCTestCase {
    func testAgainstMMDetAndPycocotools() throws {
        for (n, c) in try BoxFixtures.load("det_eval.json").enumerated() {
            if c["fn"] as! String == "eval_map" {
                let dets = (c["det_results"] as! [[Any]]).map { $0.map { BoxFixtures.flat($0).map(Float.init) } }
                let anns = (c["annotations"] as! [[String: Any]]).map {
                    VOCEval.Annotation(bboxes: BoxFixtures.flat($0["bboxes"]).map(Float.init), labels: BoxFixtures.ints($0["labels"]).map { Int($0) },
                                       bboxesIgnore: BoxFixtures.flat($0["bboxes_ignore"]).map(Float.init),
                                       labelsIgnore: BoxFixtures.ints($0["labels_ignore"]).map { Int($0) })
                }
                let (mean, res) = try VOCEval.evalMap(detResults: dets, annotations: anns, iouThr: c["iou_thr"] as! Double,
                                                      evalMode: c["eval_mode"] as! String, legacyCoordinate: c["legacy"] as! Bool)
                let e = c["expected"] as! [String: Any]
                BoxFixtures.assertClose(res.map { Double($0.ap) }, BoxFixtures.flat(e["aps"]), rtol: 1e-6, "case \(n) aps")
                BoxFixtures.assertClose([mean], [e["mean_ap"] as! Double], rtol: 1e-6, "case \(n) mAP")
                XCTAssertEqual(res.map { Int64($0.numGts) }, BoxFixtures.ints(e["num_gts"]))
            } else {
                func anns(_ v: Any?, det: Bool) -> [COCOEval.Annotation] {
                    (v as! [[String: Any]]).map { d in
                        let b = BoxFixtures.flat(d["bbox"])
                        return COCOEval.Annotation(imageId: d["image_id"] as! Int, categoryId: d["category_id"] as! Int, bbox: (b[0], b[1], b[2], b[3]),
                                                   area: det ? nil : (d["area"] as! NSNumber).doubleValue,
                                                   iscrowd: det ? false : (d["iscrowd"] as! Int) != 0, score: det ? (d["score"] as! NSNumber).doubleValue : 0)
                    }
                }
                let stats = COCOEval.evaluate(gts: anns(c["gts"], det: false), dets: anns(c["dets"], det: true),
                                              imageIds: BoxFixtures.ints(c["img_ids"]).map { Int($0) }, categoryIds: BoxFixtures.ints(c["cat_ids"]).map { Int($0) })
                BoxFixtures.assertClose(stats, BoxFixtures.flat(c["expected"]), rtol: 1e-9, atol: 1e-12, "case \(n) coco stats")
            }
        }
    }

    /// Reference §7.3 E1 (derived): VOC counts the second det as FP, COCO matches it to the other gt.
    func testReferenceE1() throws {
        let dets: [[[Float]]] = [[[0, 0, 10, 10, 0.9, 2, 0, 12, 10, 0.8]]]
        let ann = [VOCEval.Annotation(bboxes: [0, 0, 10, 10, 5, 0, 15, 10], labels: [0, 0])]
        let (voc, _) = try VOCEval.evalMap(detResults: dets, annotations: ann)
        XCTAssertEqual(voc, 0.5, accuracy: 1e-7)
        let (voc11, _) = try VOCEval.evalMap(detResults: dets, annotations: ann, evalMode: "11points")
        XCTAssertEqual(voc11, 0.5454545, accuracy: 1e-6)
        let g = [COCOEval.Annotation(imageId: 1, categoryId: 1, bbox: (0, 0, 10, 10)), COCOEval.Annotation(imageId: 1, categoryId: 1, bbox: (5, 0, 10, 10))]
        let d = [COCOEval.Annotation(imageId: 1, categoryId: 1, bbox: (0, 0, 10, 10), score: 0.9), COCOEval.Annotation(imageId: 1, categoryId: 1, bbox: (2, 0, 10, 10), score: 0.8)]
        let stats = COCOEval.evaluate(gts: g, dets: d)
        XCTAssertEqual(stats[1], 1.0, accuracy: 1e-12)
        XCTAssertEqual(stats[0], 0.5544554, accuracy: 1e-6)
    }
}
