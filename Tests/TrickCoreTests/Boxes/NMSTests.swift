import XCTest
@testable import TrickCore

final class NMSTests: XCTestCase {
    static func config(_ v: Any?) -> MulticlassNMS.Config? {
        guard let d = v as? [String: Any] else { return nil }
        var c = MulticlassNMS.Config()
        if let t = d["type"] as? String { c.op = MulticlassNMS.Config.Op(rawValue: t)! }
        if let x = d["iou_threshold"] as? Double { c.iouThreshold = x }
        if let x = d["score_threshold"] as? Double { c.scoreThreshold = x }
        if let x = d["max_num"] as? Int { c.maxNum = x }
        if let x = d["split_thr"] as? Int { c.splitThr = x }
        if let x = d["min_score"] as? Double { c.minScore = x }
        if let x = d["sigma"] as? Double { c.sigma = x }
        if let x = d["method"] as? String { c.method = SoftNMS.Method(name: x)! }
        if let x = d["class_agnostic"] as? Bool { c.classAgnostic = x }
        return c
    }

    func testAgainstReference() throws {
        for (n, c) in try BoxFixtures.load("nms.json").enumerated() {
            let fn = c["fn"] as! String
            let msg = "case \(n) \(fn)"
            switch fn {
            case "nms":
                let k = try NMS.torchvision(boxes: BoxFixtures.tensor(c["boxes"]), scores: BoxFixtures.tensor(c["scores"]), iouThreshold: c["thr"] as! Double)
                XCTAssertEqual(k.int64s, BoxFixtures.ints(c["expected"]), msg)
                XCTAssertEqual(k.dtype, .int64)
            case "batched_nms":
                let k = try NMS.torchvisionBatched(boxes: BoxFixtures.tensor(c["boxes"]), scores: BoxFixtures.tensor(c["scores"]),
                                                   idxs: BoxFixtures.tensor(c["idxs"], dtype: .int64), iouThreshold: c["thr"] as! Double)
                XCTAssertEqual(k.int64s, BoxFixtures.ints(c["expected"]), msg)
            case "mmcv_nms":
                let r = try NMS.mmcv(boxes: BoxFixtures.tensor(c["boxes"]), scores: BoxFixtures.tensor(c["scores"]), iouThreshold: c["thr"] as! Double,
                                     offset: c["offset"] as! Int, scoreThreshold: (c["score_threshold"] as! NSNumber).doubleValue, maxNum: c["max_num"] as! Int)
                let e = c["expected"] as! [String: Any]
                XCTAssertEqual(r.inds.int64s, BoxFixtures.ints(e["inds"]), msg)
                BoxFixtures.assertClose(r.dets.doubles, BoxFixtures.flat(e["dets"]), msg)
            case "mmcv_batched_nms":
                let r = try MulticlassNMS.mmcvBatched(boxes: BoxFixtures.tensor(c["boxes"]), scores: BoxFixtures.tensor(c["scores"]),
                                                      idxs: BoxFixtures.tensor(c["idxs"], dtype: .int64), cfg: Self.config(c["cfg"]))
                let e = c["expected"] as! [String: Any]
                XCTAssertEqual(r.keep.int64s, BoxFixtures.ints(e["keep"]), msg)
                BoxFixtures.assertClose(r.dets.doubles, BoxFixtures.flat(e["dets"]), msg)
            case "multiclass_nms":
                let sf = c["score_factors"].flatMap { $0 is NSNull ? nil : BoxFixtures.tensor($0) }
                let r = try MulticlassNMS.multiclass(multiBboxes: BoxFixtures.tensor(c["multi_bboxes"]), multiScores: BoxFixtures.tensor(c["multi_scores"]),
                                                     scoreThr: c["score_thr"] as! Double, cfg: Self.config(c["cfg"]), maxNum: c["max_num"] as! Int,
                                                     scoreFactors: sf)
                let e = c["expected"] as! [String: Any]
                XCTAssertEqual(r.inds.int64s, BoxFixtures.ints(e["inds"]), msg)
                XCTAssertEqual(r.labels.int64s, BoxFixtures.ints(e["labels"]), msg)
                BoxFixtures.assertClose(r.dets.doubles, BoxFixtures.flat(e["dets"]), msg)
            default: XCTFail("unknown fn \(fn)")
            }
        }
    }

    /// Reference §2.10 T4 (mmcv test_nms) and the §2.4 docstring tie example.
    func testMMCVSourceVectors() throws {
        let b = Tensor(shape: [4, 4], float32: [6, 3, 8, 7, 3, 6, 9, 11, 3, 7, 10, 12, 1, 4, 13, 7])
        let s = Tensor([Float(0.6), 0.9, 0.7, 0.2])
        XCTAssertEqual(try NMS.mmcv(boxes: b, scores: s, iouThreshold: 0.3).inds.int64s, [1, 0, 3])
        XCTAssertEqual(try NMS.mmcv(boxes: b, scores: s, iouThreshold: 0.7).inds.int64s, [1, 2, 0, 3])
        XCTAssertEqual(try NMS.mmcv(boxes: b, scores: s, iouThreshold: 0.1).inds.int64s, [1, 0])
        let tb = Tensor(shape: [7, 4], float32: [49.1, 32.4, 51.0, 35.9, 49.3, 32.9, 51.0, 35.3, 49.2, 31.8, 51.0, 35.4, 35.1, 11.5, 39.1, 15.7,
                                                  35.6, 11.8, 39.3, 14.2, 35.3, 11.5, 39.9, 14.5, 35.2, 11.7, 39.7, 15.7])
        let ts = Tensor([Float(0.9), 0.9, 0.5, 0.5, 0.5, 0.4, 0.3])
        XCTAssertEqual(try NMS.mmcv(boxes: tb, scores: ts, iouThreshold: 0.6).inds.int64s, [0, 3, 4])
        let groups = try NMS.nmsMatch(dets: Tensor(shape: [4, 5], float32: [6, 3, 8, 7, 0.6, 3, 6, 9, 11, 0.9, 3, 7, 10, 12, 0.7, 1, 4, 13, 7, 0.2]),
                                      iouThreshold: 0.6)
        XCTAssertEqual(groups.map { $0[0] }, [1, 2, 0, 3])   // IoU(1, 2) = 0.585 < 0.6: nothing suppressed
        XCTAssertEqual(try NMS.torchvision(boxes: Tensor(shape: [0, 4], float32: []), scores: Tensor([Float]()), iouThreshold: 0.5).count, 0)
        XCTAssertThrowsError(try NMS.torchvision(boxes: b, scores: Tensor([Float(1)]), iouThreshold: 0.5))
    }

    /// Reference §2.10 T6 (mmdet multiclass_nms, derived).
    func testMulticlassNMSReferenceTable() throws {
        let mb = Tensor(shape: [4, 4], float32: [0, 0, 10, 10, 1, 1, 11, 11, 20, 20, 30, 30, 0, 0, 10, 10])
        let ms = Tensor(shape: [4, 3], float32: [0.9, 0.1, 0, 0.8, 0.7, 0, 0.05, 0.6, 0, 0.3, 0.85, 0])
        var cfg = MulticlassNMS.Config(); cfg.iouThreshold = 0.5
        let r = try MulticlassNMS.multiclass(multiBboxes: mb, multiScores: ms, scoreThr: 0.05, cfg: cfg)
        XCTAssertEqual(r.labels.int64s, [0, 1, 1]); XCTAssertEqual(r.inds.int64s, [0, 7, 5])
        let f = try MulticlassNMS.multiclass(multiBboxes: mb, multiScores: ms, scoreThr: 0.05, cfg: cfg, scoreFactors: Tensor([Float(1), 0.5, 1, 0.1]))
        XCTAssertEqual(f.inds.int64s, [0, 5, 3])
    }
}

final class BoxTieOrderTests: XCTestCase {
    /// torch.sort(descending=True) tie order (libstdc++ introsort), from the real torch.
    func testUnstableDescendingMatchesTorch() throws {
        for (n, c) in try BoxFixtures.load("torch_sort.json").enumerated() {
            let v = BoxFixtures.flat(c["values"]).map(Float.init)
            XCTAssertEqual(TorchSort.argsort(v, descending: true).map(Int64.init), BoxFixtures.ints(c["expected"]), "case \(n) (n = \(v.count))")
        }
    }
}
