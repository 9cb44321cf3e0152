import XCTest
@testable import TrickCore

final class IoUTests: XCTestCase {
    func testAgainstTorchvisionAndMMDet() throws {
        for (n, c) in try BoxFixtures.load("iou.json").enumerated() {
            let fn = c["fn"] as! String
            let dtype = DType(name: c["dtype"] as! String)!
            let a = BoxFixtures.tensor(c["a"], dtype: dtype, boxes: true), b = BoxFixtures.tensor(c["b"], dtype: dtype, boxes: true)
            let out: Tensor
            switch fn {
            case "box_iou": out = try BoxIoU.torchvision(.iou, a, b)
            case "generalized_box_iou": out = try BoxIoU.torchvision(.giou, a, b)
            case "distance_box_iou": out = try BoxIoU.torchvision(.diou, a, b)
            case "complete_box_iou": out = try BoxIoU.torchvision(.ciou, a, b)
            default:
                out = try BoxIoU.bboxOverlaps(a, b, mode: c["mode"] as! String, isAligned: c["aligned"] as! Bool, eps: c["eps"] as! Double)
            }
            XCTAssertEqual(out.dtype, dtype, "case \(n) \(fn) dtype")
            XCTAssertEqual(out.shape, BoxFixtures.shape(c["expected"]), "case \(n) \(fn) shape")
            BoxFixtures.assertClose(out.doubles, BoxFixtures.flat(c["expected"]), "case \(n) \(fn)")
        }
    }

    /// Reference §1.2 T2 (mmdet docstring) and empty shapes.
    func testMMDetDocstringAndEmpty() throws {
        let b1 = Tensor(shape: [3, 4], float32: [0, 0, 10, 10, 10, 10, 20, 20, 32, 32, 38, 42])
        let b2 = Tensor(shape: [3, 4], float32: [0, 0, 10, 20, 0, 10, 10, 19, 10, 10, 20, 20])
        XCTAssertEqual(try BoxIoU.bboxOverlaps(b1, b2).floats, [0.5, 0, 0, 0, 0, 1, 0, 0, 0])
        let e = try BoxIoU.bboxOverlaps(Tensor(shape: [0, 4], float32: []), Tensor(shape: [1, 4], float32: [0, 0, 1, 1]))
        XCTAssertEqual(e.shape, [0, 1])
        XCTAssertThrowsError(try BoxIoU.bboxOverlaps(b1, b2, mode: "diou"))
        XCTAssertThrowsError(try BoxIoU.torchvision(.iou, Tensor(shape: [2, 3], float32: [0, 0, 0, 0, 0, 0]), b2))
    }
}
