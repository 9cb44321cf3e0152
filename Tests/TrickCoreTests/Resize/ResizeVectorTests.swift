import Foundation
import XCTest
@testable import TrickCore

/// The resize core against vectors made by mmcv 2.x / cv2 / numpy (tools/gen_resize_vectors.py).
final class ResizeVectorTests: XCTestCase {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/resize")

    func load(_ name: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: Self.dir.appendingPathComponent(name))
        return try JSONSerialization.jsonObject(with: data) as! [[String: Any]]
    }

    func ints(_ v: Any?) -> [Int] { (v as! [Any]).map { ($0 as! NSNumber).intValue } }
    func doubles(_ v: Any?) -> [Double] { (v as! [Any]).map { ($0 as! NSNumber).doubleValue } }

    func testRescaleSize() throws {
        for c in try load("rescale_size.json") {
            let s = ints(c["size"])
            let scale: Rescale.Scale = c["edges"] != nil ? .edges(Double(ints(c["edges"])[0]), Double(ints(c["edges"])[1]))
                                                         : .factor((c["factor"] as! NSNumber).doubleValue)
            let (size, f) = try Rescale.rescaleSize((s[0], s[1]), scale)
            XCTAssertEqual([size.w, size.h], ints(c["out"]), "\(c)")
            XCTAssertEqual(f, (c["out_factor"] as! NSNumber).doubleValue, accuracy: 1e-12 * f, "\(c)")
        }
    }

    func testImResizeMatchesCV2() throws {
        var exactUInt8 = 0
        for c in try load("imresize.json") {
            let shape = ints(c["shape"]), size = ints(c["size"])
            let mode = try ImResize.Interpolation(name: c["interpolation"] as! String)
            let vals = doubles(c["img"])
            let img = c["dtype"] as! String == "uint8"
                ? Tensor(shape: shape, int64: vals.map { Int64($0) }) : Tensor(shape: shape, float32: vals.map { Float($0) })
            let out = try ImResize.resize(img, width: size[0], height: size[1], interpolation: mode)
            XCTAssertEqual(out.shape, ints(c["out_shape"]), "\(c["shape"]!) -> \(size)")
            let want = doubles(c["out"]), got = out.doubles
            if c["dtype"] as! String == "uint8" {
                XCTAssertEqual(got, want, "uint8 \(mode) \(shape) -> \(size)")
                exactUInt8 += 1
            } else {
                for (g, w) in zip(got, want) { XCTAssertEqual(g, w, accuracy: 1e-4 + 1e-5 * abs(w), "float \(mode) \(shape) -> \(size)") }
            }
        }
        XCTAssertGreaterThan(exactUInt8, 50)
    }

    func testPad() throws {
        for c in try load("impad.json") {
            let img = Tensor(shape: ints(c["shape"]), float32: doubles(c["img"]).map { Float($0) })
            let out: Tensor
            switch c["kind"] as! String {
            case "padding":
                let p = ints(c["padding"])
                let pv: ImPad.Value = c["pad_val"] is [Any] ? .perChannel(doubles(c["pad_val"])) : .scalar((c["pad_val"] as! NSNumber).doubleValue)
                out = try ImPad.pad(img, left: p[0], top: p[1], right: p[2], bottom: p[3], value: pv, mode: ImPad.Mode(rawValue: c["mode"] as! String)!)
            case "shape":
                let t = ints(c["target"])
                out = try ImPad.pad(img, toShape: (t[0], t[1]), value: .perChannel(doubles(c["pad_val"])))
            default:
                out = try ImPad.padToMultiple(img, divisor: (c["divisor"] as! NSNumber).intValue)
            }
            XCTAssertEqual(out.shape, ints(c["out_shape"]), "\(c["kind"]!)")
            XCTAssertEqual(out.doubles, doubles(c["out"]), "\(c["kind"]!) \(c["mode"] ?? "") \(c["pad_val"] ?? "")")
        }
    }

    func testFlipAndNormalize() throws {
        for c in try load("imflip.json") {
            let d = try ImFlip.Direction(name: c["direction"] as! String)
            if let hw = c["img_hw"] {
                let b = Tensor(shape: [2, 4], float32: doubles(c["bboxes"]).map { Float($0) })
                let hw = ints(hw)
                XCTAssertEqual(try ImFlip.flipBoxes(b, imageShape: (hw[0], hw[1]), d).doubles, doubles(c["out"]))
            } else {
                let img = Tensor(shape: ints(c["shape"]), float32: doubles(c["img"]).map { Float($0) })
                XCTAssertEqual(try ImFlip.flip(img, d).doubles, doubles(c["out"]))
            }
        }
        for c in try load("imnormalize.json") {
            let img = Tensor(shape: ints(c["shape"]), float32: doubles(c["img"]).map { Float($0) })
            let out = try ImNormalize.normalize(img, mean: doubles(c["mean"]), std: doubles(c["std"]), toRGB: c["to_rgb"] as! Bool)
            for (g, w) in zip(out.doubles, doubles(c["out"])) { XCTAssertEqual(g, w, accuracy: 1e-6) }
        }
    }

    func testNumpyRandomStream() throws {
        for c in try load("numpy_random.json") {
            let rng = NumpyRandom(seed: UInt32((c["seed"] as! NSNumber).uint64Value))
            for d in c["draws"] as! [[Any]] {
                switch d[0] as! String {
                case "randint":
                    XCTAssertEqual(try rng.randint((d[1] as! NSNumber).intValue, (d[2] as! NSNumber).intValue), (d[3] as! NSNumber).intValue)
                case "random_sample": XCTAssertEqual(Int64(rng.randomSample() * 9_007_199_254_740_992.0), (d[1] as! NSNumber).int64Value)
                default: XCTAssertEqual(try rng.choice(doubles(d[1])), (d[2] as! NSNumber).intValue)
                }
            }
            rng.seed(UInt32((c["seed"] as! NSNumber).uint64Value))
            let big = try (0..<3).map { _ in try rng.randint(0, 1 << 40) }
            XCTAssertEqual(big, ints(c["randint_2_40"]))
        }
    }

    func results(h: Int, w: Int, boxes: [Double]? = nil) throws -> Results {
        var r = Results([("img", .tensor(try Tensor.zeros([h, w, 1])))])
        if let b = boxes { r["gt_bboxes"] = .tensor(Tensor(shape: [b.count / 4, 4], float32: b.map { Float($0) })) }
        return r
    }

    func testMMCV2Transforms() throws {
        for c in try load("transforms.json") {
            let hw = c["img_hw"] != nil ? ints(c["img_hw"]) : [2, 2]
            let args = c["args"] as? [String: Any] ?? [:]
            switch c["transform"] as! String {
            case "Resize":
                var scale: [Double]?, factor: [Double]?
                if let s = args["scale"] { scale = s is [Any] ? doubles(s) : [(s as! NSNumber).doubleValue, (s as! NSNumber).doubleValue] }
                if let f = args["scale_factor"] { factor = f is [Any] ? doubles(f) : [(f as! NSNumber).doubleValue, (f as! NSNumber).doubleValue] }
                let t = try ResizeTransform(scale: scale, scaleFactor: factor, keepRatio: args["keep_ratio"] as! Bool)
                let r = try t.apply(try results(h: hw[0], w: hw[1], boxes: doubles(c["bboxes"])))
                guard case .ints(let shape)? = r["img_shape"], case .doubles(let sf)? = r["scale_factor"] else { return XCTFail() }
                XCTAssertEqual(shape, ints(c["img_shape"]), "\(args) on \(hw)")
                // Foundation's JSON reader can be 1 ulp off, so compare at 1e-12.
                for (g, w) in zip(sf, doubles(c["scale_factor"])) { XCTAssertEqual(g, w, accuracy: 1e-12 * abs(w)) }
                let b = r["gt_bboxes"]!.tensor!.doubles
                for (g, w) in zip(b, doubles(c["out_bboxes"])) { XCTAssertEqual(g, w, accuracy: 1e-3 + 1e-6 * abs(w)) }
            case "Pad":
                let size = args["size"].map { ints($0) }
                let t = try PadTransform(size: size, sizeDivisor: (args["size_divisor"] as? NSNumber)?.intValue,
                                         padToSquare: args["pad_to_square"] as? Bool ?? false)
                let r = try t.apply(Results([("img", .tensor(try Tensor.zeros([hw[0], hw[1], 3], dtype: .bool)))]))
                guard case .ints(let ps)? = r["pad_shape"], case .ints(let s)? = r["img_shape"] else { return XCTFail() }
                XCTAssertEqual(ps, ints(c["pad_shape"])); XCTAssertEqual(s, ints(c["img_shape"]))
            case "RandomFlip":
                let rng = NumpyRandom(seed: UInt32((c["seed"] as! NSNumber).intValue))
                let dirs = (c["direction"] as? [String] ?? [c["direction"] as! String]).map { ImFlip.Direction(rawValue: $0)! }
                let isList = c["prob"] is [Any]
                var t = try RandomFlipTransform(style: .mmcv2, prob: isList ? doubles(c["prob"]) : [(c["prob"] as! NSNumber).doubleValue],
                                                probIsList: isList, directions: dirs)
                t.rng = rng
                let r = try t.apply(try results(h: 2, w: 2))
                guard case .bool(let f)? = r["flip"] else { return XCTFail() }
                XCTAssertEqual(f, c["flip"] as! Bool)
                XCTAssertEqual(r["flip_direction"]?.string, c["flip_direction"] as? String)
            default:
                let rng = NumpyRandom(seed: UInt32((c["seed"] as! NSNumber).intValue))
                var inner = try ResizeTransform(scale: [0, 0], scaleFactor: nil, keepRatio: true)
                inner.rng = rng
                let r: Results
                switch c["transform"] as! String {
                case "RandomResize_range":
                    var t = try RandomResize(scales: [[200, 120], [133, 80]], ratioRange: nil, resize: inner); t.rng = rng
                    r = try t.apply(try results(h: hw[0], w: hw[1]))
                case "RandomResize_ratio":
                    var t = try RandomResize(scales: [[204, 51]], ratioRange: (0.5, 2.0), resize: inner); t.rng = rng
                    r = try t.apply(try results(h: hw[0], w: hw[1]))
                default:
                    var t = try RandomChoiceResize(scales: [[133, 64], [133, 80], [133, 96]], resize: inner); t.rng = rng
                    r = try t.apply(try results(h: hw[0], w: hw[1]))
                }
                guard case .ints(let shape)? = r["img_shape"], case .ints(let scale)? = r["scale"] else { return XCTFail() }
                XCTAssertEqual(shape, ints(c["img_shape"]), "\(c["transform"]!) seed \(c["seed"]!)")
                XCTAssertEqual(scale, ints(c["scale"]))
            }
        }
    }

    func testMMDet2Resize() throws {
        for c in try load("mmdet2_resize.json") {
            let rng = NumpyRandom(seed: UInt32((c["seed"] as! NSNumber).intValue))
            let scales = (c["img_scale"] as! [Any]).map { doubles($0) }
            let rr = c["ratio_range"] as? [Any]
            var t = try ResizeTransform(imgScales: scales, multiscaleMode: .init(rawValue: c["multiscale_mode"] as! String)!,
                                        ratioRange: rr.map { _ in (doubles(rr)[0], doubles(rr)[1]) }, keepRatio: c["keep_ratio"] as! Bool)
            t.rng = rng
            // Sampling and size math only (the pixels are covered by testImResizeMatchesCV2).
            let (scale, idx) = try t.randomScale(imageSize: (1500, 1000))
            let size = try t.outputSize(for: scale, imageSize: (1500, 1000))
            XCTAssertEqual([size.h, size.w], Array(ints(c["img_shape"]).prefix(2)), "seed \(c["seed"]!) \(scales)")
            XCTAssertEqual(scale.map { Int($0) }, ints(c["scale"]))
            let sf = [Float(Double(size.w) / 1500), Float(Double(size.h) / 1000)]
            for (g, w) in zip(sf + sf, doubles(c["scale_factor"])) { XCTAssertEqual(Double(g), w, accuracy: 1e-12) }
            XCTAssertEqual(idx, (c["scale_idx"] as? NSNumber)?.intValue)
            // RandomFlip(flip_ratio=0.5) right after the same seed.
            let f = try RandomFlipTransform(style: .legacy, prob: [0.5], probIsList: false, directions: [.horizontal])
            var g = f; g.rng = NumpyRandom(seed: UInt32((c["seed"] as! NSNumber).intValue))
            guard case .bool(let flipped)? = try g.apply(try results(h: 2, w: 2))["flip"] else { return XCTFail() }
            XCTAssertEqual(flipped, c["flip_after_seed"] as! Bool)
        }
    }
}
