@testable import TrickCore
import XCTest
import Synchronization
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// `WarmPool.ranges`: every index covered exactly once by the same contiguous parts as
/// `Parallel.ranges`, for any count and thread count, back to back (workers polling) and after a
/// pause (workers asleep), with a job submitted from inside a part (it falls back to
/// `Parallel.ranges`), and from several threads at once.
final class WarmPoolTests: XCTestCase {
    func check(_ count: Int, threads: Int, file: StaticString = #filePath, line: UInt = #line) {
        let hits = UnsafeMutablePointer<Int>.allocate(capacity: Swift.max(count, 1))
        hits.initialize(repeating: 0, count: Swift.max(count, 1))
        defer { hits.deallocate() }
        let parts = Mutex<[ClosedRange<Int>]>([])
        WarmPool.ranges(count, threads: threads) { first, last in
            for i in first..<last { hits[i] += 1 }
            if first < last { parts.withLock { $0.append(first...(last - 1)) } }
        }
        for i in 0..<count where hits[i] != 1 {
            XCTFail("count \(count) threads \(threads): index \(i) run \(hits[i]) times", file: file, line: line)
            return
        }
        // the parts are Parallel.ranges' split: count·k/t ..< count·(k+1)/t
        let t = Swift.min(threads, count, WarmPool.workers + 1)
        if t > 1 {
            let want = (0..<t).map { count * $0 / t }.enumerated().compactMap { k, lo -> ClosedRange<Int>? in
                let hi = count * (k + 1) / t
                return lo < hi ? lo...(hi - 1) : nil
            }
            XCTAssertEqual(parts.withLock { $0 }.sorted { $0.lowerBound < $1.lowerBound }, want, "count \(count) threads \(threads)", file: file, line: line)
        }
    }

    func testEveryIndexOnceForAnyCountAndThreads() {
        var r = SplitMix(seed: 7)
        for count in [0, 1, 2, 3, 7, 64, 1000] {
            for threads in [0, 1, 2, 3, 8, 100] { check(count, threads: threads) }
        }
        // back to back, as a benchmark loop calls a kernel, then after the workers fell asleep
        for _ in 0..<2000 { check(1 + r.int(300), threads: 1 + r.int(8)) }
        usleep(UInt32(WarmPool.spinNanoseconds / 1000 * 3))
        for _ in 0..<50 { check(1 + r.int(300), threads: 2) }
    }

    func testNestedAndConcurrentJobs() {
        // a part that submits a job of its own: runs through Parallel.ranges, still exactly once
        let total = Atomic<Int>(0)
        WarmPool.ranges(8, threads: 8) { first, last in
            for _ in first..<last {
                WarmPool.ranges(100, threads: 2) { a, b in total.add(b - a, ordering: .relaxed) }
            }
        }
        XCTAssertEqual(total.load(ordering: .relaxed), 800)
        // several threads submitting at once: one gets the pool, the others fall back
        let sum = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for _ in 0..<200 {
                WarmPool.ranges(50, threads: 2) { a, b in sum.add(b - a, ordering: .relaxed) }
            }
        }
        XCTAssertEqual(sum.load(ordering: .relaxed), 4 * 200 * 50)
    }
}
