import Foundation
import XCTest
@testable import TrickCore

/// imread / imfrombytes / imwrite against pixels mmcv 2.1 / OpenCV 4.11 / PIL decoded from the same
/// files (tools/gen_image_vectors.py): every PNG colour type and depth, JPEG 4:2:0 / 4:4:4 /
/// progressive / gray / odd sizes, the three flags, rgb order, the pillow backend for seg maps.
final class ImageCodecTests: XCTestCase {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/images")

    func expected() throws -> [String: Any] {
        let data = try Data(contentsOf: Self.dir.appendingPathComponent("expected.json"))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }
    func ints(_ v: Any?) -> [Int64] { (v as! [Any]).map { ($0 as! NSNumber).int64Value } }
    func path(_ name: String) -> String { Self.dir.appendingPathComponent(name).path }

    func testDecodeMatchesOpenCVAndPIL() throws {
        let cases = try expected()["cases"] as! [[String: Any]]
        XCTAssertGreaterThan(cases.count, 80)
        for c in cases {
            let file = c["file"] as! String, flag = ImageCodecs.Flag(rawValue: c["flag"] as! String)!
            let backend = c["backend"] as! String
            let img = try ImageFiles.imread(path(file), flag: flag, channelOrder: c["channel_order"] as! String,
                                            backend: backend == "pillow" ? "pillow" : nil)
            XCTAssertEqual(img.shape, ints(c["shape"]).map { Int($0) }, "\(file) \(flag) \(backend)")
            XCTAssertEqual(img.int64s, ints(c["pixels"]), "\(file) \(flag) \(c["channel_order"]!) \(backend)")
        }
    }

    func testJPEGEncoderMatchesOpenCV() throws {
        for c in try expected()["jpeg_encode"] as! [[String: Any]] {
            let src = try ImageFiles.imread(path(c["file"] as! String), flag: .unchanged)
            let params = ints(c["params"]).map { Int($0) }
            let bytes = try ImageCodecs.encode(src, ext: ".jpg", params: params)
            let back = try ImageCodecs.decode(bytes, flag: .unchanged)
            XCTAssertEqual(back.int64s, ints(c["pixels"]), "\(c["file"]!) \(params)")
        }
    }

    func testPNGRoundTrip() throws {
        for name in ["rgb8.png", "rgba8.png", "gray8.png", "gray16.png", "bgr16.png", "bgra16.png", "palette8_trns.png"] {
            let a = try ImageFiles.imread(path(name), flag: .unchanged)
            let back = try ImageCodecs.decode(try ImageCodecs.encode(a, ext: ".png"), flag: .unchanged)
            XCTAssertEqual(back.shape, a.shape, name)
            XCTAssertEqual(back.int64s, a.int64s, name)
        }
        // Floats are rounded half to even and saturated, as OpenCV's convertTo(CV_8U).
        let f = Tensor(shape: [1, 4], float32: [-3, 2.5, 3.5, 300])
        XCTAssertEqual(try ImageCodecs.decode(try ImageCodecs.encode(f, ext: ".png"), flag: .unchanged).int64s, [0, 2, 4, 255])
    }

    func testBadDataIsAnError() throws {
        let png = try ImageFiles.readBytes(path("rgb8.png")), jpg = try ImageFiles.readBytes(path("rgb444.jpg"))
        for cut in [9, 30, 60, png.count / 2, png.count - 13] {
            XCTAssertThrowsError(try ImageCodecs.decode(Array(png.prefix(cut))), "png cut at \(cut)")
        }
        for cut in [3, 20, 200, jpg.count / 2, jpg.count - 3] {
            XCTAssertThrowsError(try ImageCodecs.decode(Array(jpg.prefix(cut))), "jpeg cut at \(cut)")
        }
        XCTAssertThrowsError(try ImageCodecs.decode(Array("hello".utf8)))
        XCTAssertThrowsError(try ImageCodecs.decode([]))
        var corrupt = png
        corrupt[40] ^= 0xFF   // inside IDAT: a CRC / zlib error
        XCTAssertThrowsError(try ImageCodecs.decode(corrupt))
    }
}
