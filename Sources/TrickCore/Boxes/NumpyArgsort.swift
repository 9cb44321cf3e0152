/// numpy's `argsort()` (kind 'quicksort', the default) for float64 keys, tie order included:
/// `aquicksort_<double>` of numpy/_core/src/npysort/quicksort.cpp (numpy 1.26 without AVX-512,
/// the reference environment's build) — an introsort: median-of-3 quicksort partitions down to
/// 16 elements, then insertion sort, heapsort (`aheapsort_`) past 2·⌊log2 n⌋ levels. NaN sorts
/// last (`a < b || (b != b && a == a)`). Equal keys come out in the order these steps leave them
/// (not the index order of a stable sort), which decides which box ensemble_boxes takes first.
enum NumpyArgsort {
    @inline(__always)
    static func less(_ a: Double, _ b: Double) -> Bool { a < b || (b != b && a == a) }

    static func argsort(_ v: [Double]) -> [Int] {
        var t = Array(v.indices)
        let num = t.count
        if num < 2 { return t }
        v.withUnsafeBufferPointer { vb in
            t.withUnsafeMutableBufferPointer { tb in
                let v = vb.baseAddress!, t = tb.baseAddress!
                func exchange(_ i: Int, _ j: Int) { let x = t[i]; t[i] = t[j]; t[j] = x }
                var pl = 0, pr = num - 1
                var stack: [(Int, Int, Int)] = []
                var depth = 0
                var m = num
                while m > 1 { m >>= 1; depth += 1 }
                var cdepth = depth * 2
                while true {
                    if cdepth < 0 {
                        heapsort(v, t + pl, pr - pl + 1)
                    } else {
                        while pr - pl > 15 {
                            let pm = pl + ((pr - pl) >> 1)
                            if less(v[t[pm]], v[t[pl]]) { exchange(pm, pl) }
                            if less(v[t[pr]], v[t[pm]]) { exchange(pr, pm) }
                            if less(v[t[pm]], v[t[pl]]) { exchange(pm, pl) }
                            let vp = v[t[pm]]
                            var pi = pl, pj = pr - 1
                            exchange(pm, pj)
                            while true {
                                repeat { pi += 1 } while less(v[t[pi]], vp)
                                repeat { pj -= 1 } while less(vp, v[t[pj]])
                                if pi >= pj { break }
                                exchange(pi, pj)
                            }
                            exchange(pi, pr - 1)
                            cdepth -= 1
                            // the larger part waits on the stack
                            if pi - pl < pr - pi {
                                stack.append((pi + 1, pr, cdepth)); pr = pi - 1
                            } else {
                                stack.append((pl, pi - 1, cdepth)); pl = pi + 1
                            }
                        }
                        if pl < pr {
                            for pi in (pl + 1)...pr {
                                let vi = t[pi], vp = v[vi]
                                var pj = pi
                                while pj > pl && less(vp, v[t[pj - 1]]) { t[pj] = t[pj - 1]; pj -= 1 }
                                t[pj] = vi
                            }
                        }
                    }
                    guard let (l, r, d) = stack.popLast() else { break }
                    (pl, pr, cdepth) = (l, r, d)
                }
            }
        }
        return t
    }

    /// `aheapsort_` on the `n` indices at `a` (1-based inside, as numpy's).
    static func heapsort(_ v: UnsafePointer<Double>, _ a0: UnsafeMutablePointer<Int>, _ count: Int) {
        let a = a0 - 1
        var n = count
        func sift(_ start: Int, _ tmp: Int, _ n: Int) {
            var i = start, j = start << 1
            while j <= n {
                if j < n && less(v[a[j]], v[a[j + 1]]) { j += 1 }
                if less(v[tmp], v[a[j]]) { a[i] = a[j]; i = j; j += j } else { break }
            }
            a[i] = tmp
        }
        var l = n >> 1
        while l > 0 { sift(l, a[l], n); l -= 1 }
        while n > 1 {
            let tmp = a[n]
            a[n] = a[1]
            n -= 1
            sift(1, tmp, n)
        }
    }
}
