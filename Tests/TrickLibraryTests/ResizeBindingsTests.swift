import XCTest
import TrickCore
import TrickLang
@testable import TrickLibrary

/// The resize built-ins called as a script would call them (the conformance forms of SPEC §7).
final class ResizeBindingsTests: XCTestCase {
    let lib: Library = { let l = Library(); ResizeBindings.register(l); return l }()

    func call(_ name: String, _ pos: [Value] = [], _ kw: [(String, Value)] = []) throws -> Value {
        guard case .builtin(let f)? = lib.globals[name] else { XCTFail("no \(name)"); return .none }
        return try f.call(Arguments(pos, keywords: kw))
    }

    func apply(_ t: Value, _ r: Value) throws -> Value {
        guard case .object(let o) = t, let c = o.callable else { XCTFail("not callable"); return .none }
        return try c.call(Arguments([r]))
    }

    func img(_ h: Int, _ w: Int, _ c: Int = 3) -> Value { .tensor(try! Tensor.zeros([h, w, c])) }
    func tup(_ xs: Int...) -> Value { .tuple(xs.map { .int($0) }) }
    func get(_ d: Value, _ k: String) -> Value { if case .dict(let r) = d { return r[str: k] ?? .none }; return .none }

    func testRescaleSize() throws {
        let r = try call("rescale_size", [tup(1280, 853), tup(1333, 800)], [("return_scale", .bool(true))])
        XCTAssertEqual(Printer.repr(r), "((1200, 800), 0.9378663540445487)")
        XCTAssertEqual(Printer.repr(try call("rescale_size", [tup(641, 479), .float(0.83)])), "(532, 398)")
        XCTAssertThrowsError(try call("rescale_size", [tup(400, 300), .float(-0.5)]))
        XCTAssertThrowsError(try call("rescale_size", [tup(400, 300), .list([.int(100), .int(100)])]))
    }

    func testResizeAndPad() throws {
        let t = try call("Resize", [], [("scale", tup(1333, 800)), ("keep_ratio", .bool(true))])
        let r = try apply(t, .dict([("img", img(720, 1280))]))
        XCTAssertEqual(Printer.repr(get(r, "img_shape")), "(750, 1333)")
        XCTAssertEqual(Printer.repr(get(r, "scale_factor")), "(1.04140625, 1.0416666666666667)")
        let p = try apply(try call("Pad", [], [("size_divisor", .int(32))]), .dict([("img", img(500, 333))]))
        XCTAssertEqual(Printer.repr(get(p, "pad_shape")), "(512, 352, 3)")
        let f = try apply(try call("Resize", [], [("scale_factor", .float(0.75)), ("keep_ratio", .bool(true))]), .dict([("img", img(480, 640))]))
        XCTAssertEqual(Printer.repr(get(f, "img_shape")), "(360, 480)")
        // As mmcv 2.1: without 'img' (here a misspelt key) Resize only records the scale.
        let untouched = try apply(t, .dict([("image", img(4, 4))]))
        XCTAssertEqual(Printer.repr(get(untouched, "scale")), "(1333, 800)")
        XCTAssertEqual(Printer.repr(get(untouched, "img_shape")), "None")
        XCTAssertThrowsError(try call("Resize", [], [("scale", tup(-3, 4))]))
    }

    func testSeedPipelines() throws {
        let norm: [(String, Value)] = [("type", .str("Normalize")), ("mean", .list([.float(123.675), .float(116.28), .float(103.53)])),
                                        ("std", .list([.float(58.395), .float(57.12), .float(57.375)])), ("to_rgb", .bool(true))]
        let train: [Value] = [
            .dict([("type", .str("LoadImageFromFile"))]),
            .dict([("type", .str("LoadAnnotations")), ("with_bbox", .bool(true))]),
            .dict([("type", .str("Resize")), ("img_scale", tup(133, 80)), ("keep_ratio", .bool(true))]),
            .dict([("type", .str("RandomFlip")), ("flip_ratio", .float(0.5))]),
            .dict(norm),
            .dict([("type", .str("Pad")), ("size_divisor", .int(32))]),
            .dict([("type", .str("DefaultFormatBundle"))]),
            .dict([("type", .str("Collect")), ("keys", .list([.str("img"), .str("gt_bboxes"), .str("gt_labels")]))]),
        ]
        let c = try call("Compose", [.list(train)])
        let out = try apply(c, .dict([("img_info", .dict([("height", .int(100)), ("width", .int(150)), ("filename", .str("a.jpg"))])),
                                      ("ann_info", .dict([("bboxes", .list([.list([.float(10), .float(20), .float(300), .float(400)])])),
                                                          ("labels", .list([.int(3)]))]))]))
        guard let t = (get(out, "img")).tensorValue else { return XCTFail("no img") }
        XCTAssertEqual(t.shape, [3, 96, 128])
        XCTAssertEqual(Printer.repr(get(get(out, "img_metas"), "img_shape")), "(80, 120, 3)")
        let test: [Value] = [
            .dict([("type", .str("LoadImageFromFile"))]),
            .dict([("type", .str("MultiScaleFlipAug")), ("img_scale", .list([tup(133, 80), tup(200, 120)])), ("flip", .bool(true)),
                   ("transforms", .list([
                    .dict([("type", .str("Resize")), ("keep_ratio", .bool(true))]),
                    .dict([("type", .str("RandomFlip"))]),
                    .dict(norm),
                    .dict([("type", .str("Pad")), ("size_divisor", .int(32))]),
                    .dict([("type", .str("ImageToTensor")), ("keys", .list([.str("img")]))]),
                    .dict([("type", .str("Collect")), ("keys", .list([.str("img")]))]),
                   ]))]),
        ]
        let o2 = try apply(try call("Compose", [.list(test)]), .dict([("img_info", .dict([("height", .int(100)), ("width", .int(150))]))]))
        guard case .list(let imgs) = get(o2, "img") else { return XCTFail("no list") }
        XCTAssertEqual(imgs.items.count, 4)
        if let t3 = imgs.items[3].tensorValue { XCTAssertEqual(t3.shape, [3, 128, 192]) } else { XCTFail() }
    }

    /// MMCV 2.x / MMSegmentation 0.x test-time augmentation counts and order (reference §4, §7.2, §7.5).
    func testTestTimeAugmentation() throws {
        let res = Value.dict([("img", img(9, 16))])
        let dirs = Value.list([.str("horizontal"), .str("vertical"), .str("diagonal")])
        let scales = Value.list([tup(8, 8), tup(16, 16), tup(32, 32)])
        func count(_ kw: [(String, Value)]) throws -> Int {
            guard case .list(let l) = get(try apply(try call("MultiScaleFlipAug", [], [("transforms", .list([]))] + kw), res), "img") else { return -1 }
            return l.items.count
        }
        XCTAssertEqual(try count([("scales", scales), ("allow_flip", .bool(true)), ("flip_direction", dirs)]), 12)
        XCTAssertEqual(try count([("scales", scales)]), 3)
        XCTAssertEqual(try count([("scale_factor", .list([.float(0.5), .float(1), .float(2)])), ("allow_flip", .bool(true)), ("flip_direction", dirs)]), 12)
        XCTAssertEqual(try count([("allow_flip", .bool(true)), ("flip_direction", dirs)]), 4)
        let m = try call("MultiScaleFlipAug", [], [("img_scale", tup(16, 16)), ("img_ratios", .list([.float(0.5), .float(1), .float(2)])),
                                                  ("flip", .bool(true)), ("transforms", .list([]))])
        let o = try apply(m, res)
        XCTAssertEqual(Printer.repr(get(o, "scale")), "[(8, 8), (8, 8), (16, 16), (16, 16), (32, 32), (32, 32)]")
        XCTAssertEqual(Printer.repr(get(o, "flip")), "[False, True, False, True, False, True]")
    }
}
