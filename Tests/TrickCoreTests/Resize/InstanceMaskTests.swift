import Foundation
import XCTest
@testable import TrickCore

/// Bitmap instance masks through Resize / RandomFlip / Pad against MMDetection 3.3
/// (tools/gen_mask_vectors.py).
final class InstanceMaskTests: XCTestCase {
    func flat(_ v: Any?) -> [Int64] {
        if let n = v as? NSNumber { return [n.int64Value] }
        if let a = v as? [Any] { return a.flatMap { flat($0) } }
        return []
    }

    func testMMDetMaskVectors() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/resize/instance_masks.json")
        let cases = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [[String: Any]]
        XCTAssertEqual(cases.count, 12)
        for (i, c) in cases.enumerated() {
            let shape = flat(c["shape"]).map { Int($0) }
            let args = c["args"] as! [String: Any]
            var r = Results([("img", .tensor(try Tensor.zeros([shape[1], shape[2], 3])))])
            r["gt_masks"] = .tensor(Tensor(shape: shape, int64: flat(c["masks"])))
            let t: any ResultsTransform
            switch c["step"] as! String {
            case "Resize":
                let scale = (args["scale"] as? [NSNumber])?.map(\.doubleValue)
                let factor = (args["scale_factor"] as? NSNumber).map { [$0.doubleValue, $0.doubleValue] }
                t = try ResizeTransform(scale: scale, scaleFactor: factor, keepRatio: args["keep_ratio"] as! Bool)
            case "RandomFlip":
                t = try RandomFlipTransform(style: .mmcv2, prob: [1.0], probIsList: false,
                                            directions: [try ImFlip.Direction(name: args["direction"] as! String)])
            default:
                var pad = try PadTransform(size: (args["size"] as? [NSNumber])?.map(\.intValue), sizeDivisor: (args["size_divisor"] as? NSNumber)?.intValue)
                if let masks = (args["pad_val"] as? [String: Any])?["masks"] as? NSNumber { pad.maskPadVal = masks.doubleValue }
                t = pad
            }
            let out = try t.apply(r)["gt_masks"]!.tensor!
            XCTAssertEqual(out.shape, flat(c["expected_shape"]).map { Int($0) }, "case \(i) \(c["step"]!) \(args)")
            XCTAssertEqual(out.int64s, flat(c["expected"]), "case \(i) \(c["step"]!) \(args)")
        }
    }
}
