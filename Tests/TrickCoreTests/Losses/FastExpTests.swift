@testable import TrickCore
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The float32 exp used by cross-entropy's log-sum-exp stays within a few float32 ulps of libm
/// over the whole range a log-sum-exp term can take (x ≤ 0), and keeps NaN.
final class FastExpTests: XCTestCase {
    func testAgreesWithLibm() {
        var worst: Double = 0
        var x: Float = 0
        while x > -87 {
            let got = Double(FastExp.expNonPositive(x))
            let want = exp(Double(x))
            worst = max(worst, abs(got - want) / want)
            x -= 0.0137
        }
        XCTAssertLessThan(worst, 3e-7)
        XCTAssertEqual(FastExp.expNonPositive(0), 1)
        XCTAssertLessThan(FastExp.expNonPositive(-1000), 1e-37)
        XCTAssertTrue(FastExp.expNonPositive(.nan).isNaN)
    }
}
