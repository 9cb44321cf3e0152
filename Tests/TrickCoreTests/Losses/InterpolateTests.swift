import Foundation
import XCTest
@testable import TrickCore

final class InterpolateTests: XCTestCase {
    func testInterpolateVectors() throws {
        for (i, c) in try LossFixtures.load("interpolate.json").enumerated() {
            let kw = c["kw"] as! [String: Any]
            let out = try Interpolate.interpolate(
                LossFixtures.tensor(c["x"])!, size: (kw["size"] as? [NSNumber])?.map { $0.intValue },
                scaleFactor: (kw["scale_factor"] as? [NSNumber])?.map { $0.doubleValue },
                mode: Interpolate.Mode(rawValue: kw["mode"] as! String)!, alignCorners: kw["align_corners"] as? Bool,
                recomputeScaleFactor: kw["recompute_scale_factor"] as? Bool ?? false)
            if c["exact"] as? Bool == true {
                XCTAssertEqual(out.shape, LossFixtures.tensor(c["expected"])!.shape, "case \(i) \(kw)")
                XCTAssertEqual(out.floats, LossFixtures.tensor(c["expected"])!.floats, "case \(i) \(kw): not bit-exact")
            } else {
                assertClose(out, LossFixtures.tensor(c["expected"])!, rtol: 1e-6, atol: 1e-6, "case \(i) \(kw)")
            }
        }
    }

    func testDocstringExample() throws {
        let x = Tensor(shape: [1, 1, 2, 2], float32: [1, 2, 3, 4])
        let out = try Interpolate.interpolate(x, size: [4, 4], mode: .bilinear, alignCorners: false)
        XCTAssertEqual(out.floats, [1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4])
    }

    func testErrors() {
        let x = Tensor(shape: [1, 1, 2, 2], float32: [1, 2, 3, 4])
        XCTAssertThrowsError(try Interpolate.interpolate(x, mode: .bilinear))
        XCTAssertThrowsError(try Interpolate.interpolate(x, size: [3, 3], scaleFactor: [2], mode: .bilinear))
        XCTAssertThrowsError(try Interpolate.interpolate(x, size: [3, 3], mode: .nearest, alignCorners: true))
        XCTAssertThrowsError(try Interpolate.interpolate(x, size: [3], mode: .linear))
        XCTAssertThrowsError(try Interpolate.interpolate(Tensor([Float(1)]), size: [3], mode: .nearest))
    }
}
