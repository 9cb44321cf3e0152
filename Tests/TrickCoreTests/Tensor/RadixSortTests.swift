import XCTest
@testable import TrickCore

/// `RadixSort` (Lovász errors, NMS score and Morton orders) against the standard library's sorts.
final class RadixSortTests: XCTestCase {
    /// Keys spanning every byte, sorted in place.
    func testSortMatchesSorted() {
        var rng = SplitMix(seed: 11)
        for count in [0, 1, 63, 64, 5000] {
            var keys = (0..<count).map { _ in UInt32(truncatingIfNeeded: rng.next()) >> UInt32(rng.next() % 20) }
            let want = keys.sorted()
            RadixSort.sort(&keys)
            XCTAssertEqual(keys, want, "\(count) keys")
        }
    }

    /// The stable order (ties by position) on both sides of the comparison-sort threshold.
    func testOrderIsStable() {
        var rng = SplitMix(seed: 12)
        for count in [10, 511, 512, 3000] {
            let keys = (0..<count).map { _ in UInt32(rng.int(40)) << UInt32(rng.int(25)) }
            let want = Array(0..<count).sorted { keys[$0] < keys[$1] || (keys[$0] == keys[$1] && $0 < $1) }
            XCTAssertEqual(RadixSort.order(keys), want, "\(count) keys")
        }
    }
}
