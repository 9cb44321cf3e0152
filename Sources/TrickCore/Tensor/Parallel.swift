import Dispatch

/// Splitting large whole-tensor loops over the machine's two cores (only above ~1M elements,
/// where the thread hand-off is negligible). Chunks are disjoint ranges of the output.
enum Parallel {
    static let threshold = 1 << 20
    static let workers = 2

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
