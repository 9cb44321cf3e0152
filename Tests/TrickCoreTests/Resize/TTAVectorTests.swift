import Foundation
import XCTest
@testable import TrickCore

/// TTA merges, sliding windows and size distributions against torch / mmseg / mmdet vectors
/// (tools/gen_resize_vectors.py) and the worked examples of reference/resize-multiscale-tta.md §2.4.
final class TTAVectorTests: XCTestCase {
    func load(_ name: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: ResizeVectorTests.dir.appendingPathComponent(name))
        return try JSONSerialization.jsonObject(with: data) as! [[String: Any]]
    }
    func ints(_ v: Any?) -> [Int] { (v as! [Any]).map { ($0 as! NSNumber).intValue } }
    func doubles(_ v: Any?) -> [Double] { (v as! [Any]).map { ($0 as! NSNumber).doubleValue } }

    func testSegMerge() throws {
        for c in try load("seg_tta.json") {
            let C = (c["C"] as! NSNumber).intValue
            let shapes = (c["shapes"] as! [Any]).map { ints($0) }
            let logits = (c["logits"] as! [Any]).enumerated().map { i, v in Tensor(shape: [C] + shapes[i], float32: doubles(v).map { Float($0) }) }
            let flips = (c["flips"] as! [Any]).map { ($0 as? String).map { ImFlip.Direction(rawValue: $0)! } }
            let crops = (c["img_shapes"] as! [Any]).map { ints($0) }.map { (h: $0[0], w: $0[1]) }
            let ori = ints(c["ori"])
            // The generator takes one sigmoid for a one-class model (0.x, as intended); mmseg 1.x's
            // double sigmoid is pinned against the real SegTTAModel in Tests/golden/upstream_parity.trick.
            let (p, pred) = try TTA.segMerge(logits: logits, flips: flips, imgShapes: crops, oriShape: (ori[0], ori[1]),
                                             alignCorners: c["align_corners"] as! Bool, doubleSigmoid: false)
            for (g, w) in zip(p.doubles, doubles(c["probs"])) { XCTAssertEqual(g, w, accuracy: 1e-6) }
            XCTAssertEqual(pred.int64s.map { Int($0) }, ints(c["pred"]))
        }
    }

    func testDetMerge() throws {
        for c in try load("det_tta.json") {
            var B: [Double] = [], S: [Double] = [], L: [Int] = []
            for v in c["views"] as! [[String: Any]] {
                let hw = ints(v["img_shape"]), sf = doubles(v["scale_factor"])
                let flip = (v["flip"] as? String).map { ImFlip.Direction(rawValue: $0)! }
                // torch computed the inputs in float32 and the mapping in float64.
                B += TTA.mapBack(doubles(v["bboxes"]).map { Double(Float($0)) }, imgShape: (hw[0], hw[1]), scaleFactor: (sf[0], sf[1]), flip: flip)
                S += doubles(v["scores"]).map { Double(Float($0)) }; L += ints(v["labels"])
            }
            let keep = Array(TTA.batchedNMS(boxes: B, scores: S, labels: L, iouThreshold: 0.5).prefix(20))
            XCTAssertEqual(keep.map { L[$0] }, ints(c["labels"]))
            for (g, w) in zip(keep.map { S[$0] }, doubles(c["scores"])) { XCTAssertEqual(g, w, accuracy: 1e-6) }
            for (g, w) in zip(keep.flatMap { Array(B[4 * $0..<4 * $0 + 4]) }, doubles(c["bboxes"])) { XCTAssertEqual(g, w, accuracy: 1e-4) }
        }
    }

    func testSlideWindows() throws {
        for c in try load("slide_windows.json") {
            let crop = ints(c["crop"]), stride = ints(c["stride"])
            let h = (c["H"] as! NSNumber).intValue, w = (c["W"] as! NSNumber).intValue
            let win = try TTA.slideWindows(h: h, w: w, crop: (crop[0], crop[1]), stride: (stride[0], stride[1]))
            XCTAssertEqual(win.map { [$0.0, $0.1, $0.2, $0.3] }, (c["windows"] as! [Any]).map { ints($0) })
            let count = TTA.countMap(h: h, w: w, windows: win)
            XCTAssertEqual(Int(count.max()!), (c["count_max"] as! NSNumber).intValue)
            XCTAssertEqual(Int(count.min()!), (c["count_min"] as! NSNumber).intValue)
        }
        // Averaging: constant crops of value = window index average back per pixel.
        let win = try TTA.slideWindows(h: 5, w: 5, crop: (3, 3), stride: (2, 2))
        let crops = win.map { _ in Tensor(shape: [1, 3, 3], float32: [Float](repeating: 2, count: 9)) }
        XCTAssertEqual(try TTA.slideMerge(crops: crops, windows: win, h: 5, w: 5).floats, [Float](repeating: 2, count: 25))
    }

    /// reference §2.4: 1500×1000 with img_scale=[(2000, 1200), (1333, 800)], keep_ratio, range mode.
    func testSizeDistributionOfTheSeedExample() throws {
        let r = try ResizeTransform(imgScales: [[2000, 1200], [1333, 800]], multiscaleMode: .range, keepRatio: true)
        let o = try SizeDistribution.of(r, imageSize: (1500, 1000), samples: 1)
        XCTAssertTrue(o.exact)
        XCTAssertEqual(o.total, 668 * 401)
        XCTAssertEqual(Set(o.counts.map(\.h)).count, 401)
        XCTAssertEqual(Set(o.counts.map(\.w)).count, 557)
        XCTAssertEqual(o.counts.first { $0.w == 1200 && $0.h == 800 }?.count, 668)
        XCTAssertEqual(o.counts.first { $0.w == 1800 && $0.h == 1200 }?.count, 201)
        XCTAssertEqual(o.counts.filter { $0.h == 1199 }.map { [$0.w, $0.count] }.sorted { $0[0] < $1[0] }, [[1798, 2], [1799, 203]])
        let v = try ResizeTransform(imgScales: [[2000, 1200], [1333, 800]], multiscaleMode: .value, keepRatio: true)
        XCTAssertEqual(try SizeDistribution.of(v, imageSize: (1500, 1000), samples: 1).counts.map { [$0.w, $0.h] }, [[1800, 1200], [1200, 800]])
    }
}
