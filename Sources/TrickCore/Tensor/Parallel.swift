#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch

/// Splitting large whole-tensor loops over the machine's two cores (only above ~1M elements,
/// where the thread hand-off is negligible). Chunks are disjoint ranges of the output.
enum Parallel {
    static let threshold = 1 << 20
    static let workers = 2

    /// Threads worth using for a loop of about `nanoseconds` of single-thread work: 1 below
    /// `minimumSplit` (a hand-off to a second thread costs ~10–20 µs), else up to the online
    /// cores (at most 8).
    static func threads(forNanoseconds nanoseconds: Double) -> Int {
        if nanoseconds < minimumSplit { return 1 }
        return Swift.max(1, Swift.min(onlineCores, 8))
    }
    static let minimumSplit = 40_000.0
    static let onlineCores = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))

    /// Runs `body(first, last)` over `0..<count` split into `threads` contiguous ranges in parallel.
    static func ranges(_ count: Int, threads: Int, _ body: (Int, Int) -> Void) {
        if threads <= 1 || count < 2 { body(0, count); return }
        let t = Swift.min(threads, count)
        withoutActuallyEscaping(body) { f in
            DispatchQueue.concurrentPerform(iterations: t) { k in
                f(count * k / t, count * (k + 1) / t)
            }
        }
    }

    /// Calls `body(range)` on disjoint chunks covering 0..<n, concurrently when n is large.
    @inline(__always)
    static func chunks(_ n: Int, _ body: (Range<Int>) -> Void) {
        if n < threshold {
            body(0..<n)
            return
        }
        let per = (n + workers - 1) / workers
        withoutActuallyEscaping(body) { b in
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                let lo = w * per, hi = Swift.min(n, lo + per)
                if lo < hi { b(lo..<hi) }
            }
        }
    }

    /// `a.map(f)` computed in parallel chunks for large arrays.
    @inline(__always)
    static func map<A, R>(_ a: [A], _ f: (A) -> R) -> [R] {
        let n = a.count
        if n < threshold { return a.map(f) }
        return [R](unsafeUninitializedCapacity: n) { buf, count in
            a.withUnsafeBufferPointer { pa in
                let po = buf.baseAddress!
                chunks(n) { r in
                    for i in r { (po + i).initialize(to: f(pa[i])) }
                }
            }
            count = n
        }
    }
}

/// Fresh large outputs on 2 MB pages. Writing a new multi-megabyte buffer costs a page fault (and a
/// zeroed page) per 4 KB; on Linux with transparent huge pages in `madvise` mode (the default of
/// many distributions) `MADV_HUGEPAGE` makes that one fault per 2 MB — about half the time of a
/// streaming kernel such as softmax on 80 M elements. Call it before the first write; a no-op
/// below 4 MB, elsewhere, or when the kernel refuses.
enum HugePages {
    static let minimumBytes = 4 << 20

    @inline(__always)
    static func advise(_ p: UnsafeMutableRawPointer, bytes: Int) {
        #if os(Linux)
        guard bytes >= minimumBytes else { return }
        let start = (UInt(bitPattern: p) + 4095) & ~UInt(4095)
        let end = (UInt(bitPattern: p) + UInt(bytes)) & ~UInt(4095)
        if end > start { _ = madvise(UnsafeMutableRawPointer(bitPattern: start), Int(end - start), 14) }   // MADV_HUGEPAGE
        #endif
    }

    /// `[T](unsafeUninitializedCapacity:)` advised first; `body` must initialise every element.
    @inline(__always)
    static func array<T>(count: Int, _ body: (UnsafeMutableBufferPointer<T>) -> Void) -> [T] {
        [T](unsafeUninitializedCapacity: count) { buf, initialized in
            if let base = buf.baseAddress { advise(UnsafeMutableRawPointer(base), bytes: count * MemoryLayout<T>.stride) }
            body(buf)
            initialized = count
        }
    }
}
