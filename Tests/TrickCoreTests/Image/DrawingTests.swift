import Foundation
import XCTest
@testable import TrickCore

/// Drawings against the real MMEngine visualiser (draw_binary_masks) and MMSegmentation 1.2.2's
/// SegLocalVisualizer (sem-seg blend) and LoadAnnotations (tools/gen_draw_vectors.py), plus the
/// canvas primitives' geometry.
final class DrawingTests: XCTestCase {
    func load() throws -> [[String: Any]] {
        let url = ImageCodecTests.dir.appendingPathComponent("draw.json")
        return try JSONSerialization.jsonObject(with: try Data(contentsOf: url)) as! [[String: Any]]
    }
    func ints(_ v: Any?) -> [Int64] { (v as! [Any]).map { ($0 as! NSNumber).int64Value } }

    func testMatchesMMEngineAndMMSeg() throws {
        var kinds: [String: Int] = [:]
        for c in try load() where c["kind"] as! String != "load_annotations" {
            let shape = ints(c["shape"]).map { Int($0) }, (h, w) = (shape[0], shape[1])
            let img = Tensor(shape: shape, int64: ints(c["img"]))
            let out: Tensor
            if c["kind"] as! String == "binary_masks" {
                let colors = (c["colors"] as! [[Any]]).map { RGB(UInt8(($0[0] as! NSNumber).intValue), UInt8(($0[1] as! NSNumber).intValue), UInt8(($0[2] as! NSNumber).intValue)) }
                let bits = ints(c["masks"])
                let masks = (0..<colors.count).map { k in Tensor(shape: [h, w], bool: bits[(k * h * w)..<((k + 1) * h * w)].map { $0 != 0 }) }
                out = try Drawing.binaryMasks(image: img, masks: masks, colors: colors, alphas: (c["alphas"] as! [NSNumber]).map(\.doubleValue))
            } else {
                let palette = try DatasetPalettes.palette("cityscapes").map { RGB(UInt8($0[0]), UInt8($0[1]), UInt8($0[2])) }
                out = try Drawing.semSeg(image: img, segMap: Tensor(shape: [1, h, w], int64: ints(c["seg"])), palette: palette,
                                         alpha: (c["alpha"] as! NSNumber).doubleValue)
            }
            XCTAssertEqual(out.shape, shape)
            XCTAssertEqual(out.int64s, ints(c["out"]), "\(c["kind"]!) \(shape)")
            kinds[c["kind"] as! String, default: 0] += 1
        }
        XCTAssertEqual(kinds, ["binary_masks": 3, "sem_seg": 3])
    }

    /// mmseg 1.2.2 LoadAnnotations on a palette seg map: PIL's indices, reduce_zero_label.
    func testLoadAnnotationsReadsSegMapsAsMMSeg() throws {
        var n = 0
        for c in try load() where c["kind"] as! String == "load_annotations" {
            let reduce = (c["reduce_zero_label"] as! NSNumber).boolValue
            var r = Results()
            r["seg_map_path"] = .string(ImageCodecTests.dir.appendingPathComponent("palette8_segmap.png").path)
            let out = try LoadAnnotations(withBBox: false, withLabel: false, withSeg: true, reduceZeroLabel: reduce).apply(r)
            let seg = try XCTUnwrap(out["gt_semantic_seg"]?.tensor)
            XCTAssertEqual(seg.shape, ints(c["shape"]).map { Int($0) })
            XCTAssertEqual(seg.int64s, ints(c["out"]), "reduce_zero_label=\(reduce)")
            n += 1
        }
        XCTAssertEqual(n, 2)
    }

    func testPalettesAreMMSegs() throws {
        XCTAssertEqual(try DatasetPalettes.palette("cityscapes").count, 19)
        XCTAssertEqual(try DatasetPalettes.palette("ade20k").count, 150)
        XCTAssertEqual(try DatasetPalettes.classes("ade").count, 150)
        XCTAssertEqual(try DatasetPalettes.palette("voc")[15], [192, 128, 128])   // person
        XCTAssertEqual(try DatasetPalettes.palette("cityscapes")[13], [0, 0, 142])  // car
        XCTAssertThrowsError(try DatasetPalettes.palette("coco"))
    }

    func testBoxOutlineGeometry() throws {
        var c = try Canvas(width: 20, height: 12, fill: RGB(0, 0, 0))
        c.stroke(x0: 2, y0: 3, x1: 10, y1: 9, RGB(255, 0, 0), lineWidth: 2)
        func red(_ x: Int, _ y: Int) -> Bool { c.pixels[3 * (y * 20 + x)] == 255 }
        XCTAssertTrue(red(2, 3)); XCTAssertTrue(red(9, 8)); XCTAssertTrue(red(3, 4)); XCTAssertTrue(red(8, 7))
        XCTAssertFalse(red(4, 5)); XCTAssertFalse(red(10, 9)); XCTAssertFalse(red(1, 3))
        XCTAssertEqual(c.pixels.filter { $0 == 255 }.count, 8 * 6 - 4 * 2)
    }

    func testTextUsesTheBitmapFont() throws {
        var c = try Canvas(width: 12, height: 8, fill: RGB(0, 0, 0))
        let size = c.text("I", x: 0, y: 0, RGB(255, 255, 255), scale: 1)
        XCTAssertEqual(size.width, 5); XCTAssertEqual(size.height, 9)
        // 'I' is 0x00 0x41 0x7F 0x41 0x00: a full middle column and serifs top and bottom.
        let lit = (0..<8).map { y in (0..<6).map { x in c.pixels[3 * (y * 12 + x)] == 255 ? 1 : 0 } }
        XCTAssertEqual(lit[0], [0, 1, 1, 1, 0, 0]); XCTAssertEqual(lit[3], [0, 0, 1, 0, 0, 0]); XCTAssertEqual(lit[6], [0, 1, 1, 1, 0, 0])
    }
}
