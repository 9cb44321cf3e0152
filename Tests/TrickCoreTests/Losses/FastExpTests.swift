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
        var worstFused: Double = 0
        while x > -87 {
            let want = exp(Double(x))
            worst = max(worst, abs(Double(FastExp.expNonPositive(x)) - want) / want)
            worstFused = max(worstFused, abs(Double(FastExp.expNonPositiveFused(x)) - want) / want)
            x -= 0.0137
        }
        XCTAssertLessThan(worst, 3e-7)
        XCTAssertLessThan(worstFused, 3e-7)
        for f in [FastExp.expNonPositive, FastExp.expNonPositiveFused] {
            XCTAssertEqual(f(0), 1)
            XCTAssertLessThan(f(-1000), 1e-37)
            XCTAssertTrue(f(.nan).isNaN)
        }
    }

    /// `expFloat` (softmax): within a few ulps of libm from +88 down through the subnormals, 0
    /// below, and libm's special values.
    func testExpFloatAgreesWithLibmOverTheWholeRange() {
        var worst: Double = 0
        var x: Float = 88
        while x > -87 {
            let got = Double(FastExp.expFloat(x)), want = exp(Double(x))
            worst = max(worst, abs(got - want) / want)
            x -= 0.00731
        }
        XCTAssertLessThan(worst, 3e-7)
        // subnormal results: within one subnormal step of libm's expf after its own rounding
        x = -87
        while x > -104 {
            XCTAssertEqual(Double(FastExp.expFloat(x)), Double(expf(x)), accuracy: Double(expf(x)) * 3e-7 + 2e-45, "\(x)")
            x -= 0.0191
        }
        XCTAssertEqual(FastExp.expFloat(0), 1)
        XCTAssertEqual(FastExp.expFloat(-0.0), 1)
        XCTAssertEqual(FastExp.expFloat(-105), 0)
        XCTAssertEqual(FastExp.expFloat(-.infinity), 0)
        XCTAssertTrue(FastExp.expFloat(.nan).isNaN)
    }

    /// `FastLog.logAtLeastOne` (cross-entropy, log_softmax): within 2 float64 ulps of libm's log
    /// on [1, 2^1000), exact at 1, NaN kept.
    func testFastLogAgreesWithLibm() {
        var r = SplitMix(seed: 4)
        var worst: Double = 0
        for k in 0..<200_000 {
            let x: Double
            switch k % 4 {
            case 0: x = 1 + Double(r.unit()) * 1e-3
            case 1: x = 1 + Double(r.unit()) * 30
            case 2: x = Double(bitPattern: 0x3FF0_0000_0000_0000 | (r.next() & 0x000F_FFFF_FFFF_FFFF))   // [1, 2)
            default: x = exp(Double(r.unit()) * 690)
            }
            let got = FastLog.logAtLeastOne(x), want = log(x)
            if want != 0 { worst = max(worst, abs(got - want) / (want.ulp)) }
        }
        XCTAssertLessThanOrEqual(worst, 2, "worst error in ulps")
        XCTAssertEqual(FastLog.logAtLeastOne(1), 0)
        XCTAssertEqual(FastLog.logAtLeastOne(2), log(2.0))
        XCTAssertTrue(FastLog.logAtLeastOne(.nan).isNaN)
    }
}
