/// numpy's `argsort()` (kind 'quicksort', the default) for float64 keys, tie order included:
/// `aquicksort_<double>` of numpy/_core/src/npysort/quicksort.cpp (numpy 1.26 without AVX-512,
/// the reference environment's build) — an introsort: median-of-3 quicksort partitions down to
/// 16 elements, then insertion sort, heapsort (`aheapsort_`) past 2·⌊log2 n⌋ levels. NaN sorts
/// last (`a < b || (b != b && a == a)`). Equal keys come out in the order these steps leave them
/// (not the index order of a stable sort), which decides which box ensemble_boxes takes first.
enum NumpyArgsort {
    @inline(__always)
    static func less(_ a: Double, _ b: Double) -> Bool { a < b || (b != b && a == a) }

    /// numpy's argsort of `v`: `argsortIndirect`'s steps on (key, index) pairs moved together,
    /// so the comparisons read the keys in place instead of through the index array (the same
    /// comparisons and exchanges, hence the same order, ties included). `depthLimit` replaces
    /// the introsort's `2·⌊log2 n⌋` (tests force the heapsort with it).
    static func argsort(_ v: [Double], depthLimit: Int? = nil) -> [Int] {
        var a = [Entry](unsafeUninitializedCapacity: v.count) { buf, count in
            for (i, x) in v.enumerated() { buf[i] = Entry(key: x, index: i) }
            count = v.count
        }
        a.withUnsafeMutableBufferPointer { sort($0, depthLimit: depthLimit) }
        return a.map(\.index)
    }

    /// A key and its index, moved as one.
    struct Entry {
        var key: Double
        var index: Int
    }

    /// numpy's `aquicksort_` steps (see `argsortIndirect`) on `a`'s entries in place.
    static func sort(_ buffer: UnsafeMutableBufferPointer<Entry>, depthLimit: Int? = nil) {
        // without NaN keys `less` is `<`: the same steps with cheaper comparisons
        if buffer.allSatisfy({ !$0.key.isNaN }) {
            sort(buffer, depthLimit: depthLimit, less: { $0 < $1 })
        } else {
            sort(buffer, depthLimit: depthLimit, less: less)
        }
    }

    @inline(__always)
    static func sort(_ buffer: UnsafeMutableBufferPointer<Entry>, depthLimit: Int?, less: (Double, Double) -> Bool) {
        let num = buffer.count
        if num < 2 { return }
        let t = buffer.baseAddress!
        @inline(__always) func exchange(_ i: Int, _ j: Int) { let x = t[i]; t[i] = t[j]; t[j] = x }
        var pl = 0, pr = num - 1
        var stack: [(Int, Int, Int)] = []
        var depth = 0
        var m = num
        while m > 1 { m >>= 1; depth += 1 }
        var cdepth = depthLimit ?? depth * 2
        while true {
            if cdepth < 0 {
                heapsort(t + pl, pr - pl + 1, less: less)
            } else {
                while pr - pl > 15 {
                    let pm = pl + ((pr - pl) >> 1)
                    if less(t[pm].key, t[pl].key) { exchange(pm, pl) }
                    if less(t[pr].key, t[pm].key) { exchange(pr, pm) }
                    if less(t[pm].key, t[pl].key) { exchange(pm, pl) }
                    let vp = t[pm].key
                    var pi = pl, pj = pr - 1
                    exchange(pm, pj)
                    while true {
                        repeat { pi += 1 } while less(t[pi].key, vp)
                        repeat { pj -= 1 } while less(vp, t[pj].key)
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
                        let e = t[pi]
                        var pj = pi
                        while pj > pl && less(e.key, t[pj - 1].key) { t[pj] = t[pj - 1]; pj -= 1 }
                        t[pj] = e
                    }
                }
            }
            guard let (l, r, d) = stack.popLast() else { break }
            (pl, pr, cdepth) = (l, r, d)
        }
    }

    /// `aheapsort_` on the `count` entries at `a0` (1-based inside, as numpy's).
    @inline(__always)
    static func heapsort(_ a0: UnsafeMutablePointer<Entry>, _ count: Int, less: (Double, Double) -> Bool) {
        let a = a0 - 1
        var n = count
        func sift(_ start: Int, _ tmp: Entry, _ n: Int) {
            var i = start, j = start << 1
            while j <= n {
                if j < n && less(a[j].key, a[j + 1].key) { j += 1 }
                if less(tmp.key, a[j].key) { a[i] = a[j]; i = j; j += j } else { break }
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

    /// The reference for `argsort`: numpy's `aquicksort_` as numpy writes it, on an index array
    /// (each comparison reads the key through the index).
    static func argsortIndirect(_ v: [Double], depthLimit: Int? = nil) -> [Int] {
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
                var cdepth = depthLimit ?? depth * 2
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
