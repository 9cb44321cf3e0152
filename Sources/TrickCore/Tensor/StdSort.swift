/// The GNU libstdc++ sorting algorithms (`std::sort`, `std::nth_element`, `std::partial_sort`,
/// bits/stl_algo.h and bits/stl_heap.h) re-implemented step for step, because torch's CPU
/// `sort` (stable=False) and `topk` run them on (value, index) pairs: equal values come out in
/// the order these exact algorithms leave them, and matching torch's indices on ties needs the
/// same introsort (median-of-three pivot, threshold 16, final insertion sort), introselect and
/// heap select.
protocol SortOrder {
    static func less(_ x: Double, _ y: Double) -> Bool
}

/// torch's ascending comparator (`KeyValueCompAsc`): NaN after every number.
enum Ascending: SortOrder {
    @inline(__always) static func less(_ x: Double, _ y: Double) -> Bool { (!x.isNaN && y.isNaN) || x < y }
}

/// torch's descending comparator (`KeyValueCompDesc`): NaN before every number.
enum Descending: SortOrder {
    @inline(__always) static func less(_ x: Double, _ y: Double) -> Bool { (x.isNaN && !y.isNaN) || x > y }
}

struct StdSort<O: SortOrder> {
    var a: [(Double, Int64)]

    @inline(__always) func less(_ x: Double, _ y: Double) -> Bool { O.less(x, y) }
    @inline(__always) func comp(_ i: Int, _ j: Int) -> Bool { O.less(a[i].0, a[j].0) }

    // MARK: std::sort

    mutating func sort(_ first: Int, _ last: Int) {
        guard last - first > 1 else { return }
        introsortLoop(first, last, StdSort.lg(last - first) * 2)
        finalInsertionSort(first, last)
    }

    static func lg(_ n: Int) -> Int { Int.bitWidth - 1 - n.leadingZeroBitCount }

    mutating func introsortLoop(_ first: Int, _ lastIn: Int, _ depthIn: Int) {
        var last = lastIn, depth = depthIn
        while last - first > 16 {
            if depth == 0 {
                partialSort(first, last, last)
                return
            }
            depth -= 1
            let cut = unguardedPartitionPivot(first, last)
            introsortLoop(cut, last, depth)
            last = cut
        }
    }

    mutating func moveMedianToFirst(_ result: Int, _ x: Int, _ y: Int, _ z: Int) {
        if comp(x, y) {
            if comp(y, z) { a.swapAt(result, y) } else if comp(x, z) { a.swapAt(result, z) } else { a.swapAt(result, x) }
        } else if comp(x, z) {
            a.swapAt(result, x)
        } else if comp(y, z) {
            a.swapAt(result, z)
        } else {
            a.swapAt(result, y)
        }
    }

    mutating func unguardedPartition(_ firstIn: Int, _ lastIn: Int, _ pivot: Int) -> Int {
        var first = firstIn, last = lastIn
        while true {
            while comp(first, pivot) { first += 1 }
            last -= 1
            while comp(pivot, last) { last -= 1 }
            if !(first < last) { return first }
            a.swapAt(first, last)
            first += 1
        }
    }

    mutating func unguardedPartitionPivot(_ first: Int, _ last: Int) -> Int {
        let mid = first + (last - first) / 2
        moveMedianToFirst(first, first + 1, mid, last - 1)
        return unguardedPartition(first + 1, last, first)
    }

    mutating func unguardedLinearInsert(_ lastIn: Int) {
        var last = lastIn
        let val = a[last]
        var next = last - 1
        while less(val.0, a[next].0) {
            a[last] = a[next]
            last = next
            next -= 1
        }
        a[last] = val
    }

    mutating func insertionSort(_ first: Int, _ last: Int) {
        if first == last { return }
        var i = first + 1
        while i < last {
            if comp(i, first) {
                let val = a[i]
                var j = i
                while j > first { a[j] = a[j - 1]; j -= 1 }
                a[first] = val
            } else {
                unguardedLinearInsert(i)
            }
            i += 1
        }
    }

    mutating func finalInsertionSort(_ first: Int, _ last: Int) {
        if last - first > 16 {
            insertionSort(first, first + 16)
            for i in (first + 16)..<last { unguardedLinearInsert(i) }
        } else {
            insertionSort(first, last)
        }
    }

    // MARK: heaps

    mutating func pushHeap(_ first: Int, _ holeIn: Int, _ top: Int, _ value: (Double, Int64)) {
        var hole = holeIn
        var parent = (hole - 1) / 2
        while hole > top && less(a[first + parent].0, value.0) {
            a[first + hole] = a[first + parent]
            hole = parent
            parent = (hole - 1) / 2
        }
        a[first + hole] = value
    }

    mutating func adjustHeap(_ first: Int, _ holeIn: Int, _ len: Int, _ value: (Double, Int64)) {
        var hole = holeIn
        let top = hole
        var second = hole
        while second < (len - 1) / 2 {
            second = 2 * (second + 1)
            if comp(first + second, first + second - 1) { second -= 1 }
            a[first + hole] = a[first + second]
            hole = second
        }
        if len & 1 == 0 && second == (len - 2) / 2 {
            second = 2 * (second + 1)
            a[first + hole] = a[first + second - 1]
            hole = second - 1
        }
        pushHeap(first, hole, top, value)
    }

    mutating func makeHeap(_ first: Int, _ last: Int) {
        let len = last - first
        if len < 2 { return }
        var parent = (len - 2) / 2
        while true {
            adjustHeap(first, parent, len, a[first + parent])
            if parent == 0 { return }
            parent -= 1
        }
    }

    mutating func popHeap(_ first: Int, _ last: Int, _ result: Int) {
        let value = a[result]
        a[result] = a[first]
        adjustHeap(first, 0, last - first, value)
    }

    mutating func heapSelect(_ first: Int, _ middle: Int, _ last: Int) {
        makeHeap(first, middle)
        var i = middle
        while i < last {
            if comp(i, first) { popHeap(first, middle, i) }
            i += 1
        }
    }

    mutating func sortHeap(_ first: Int, _ lastIn: Int) {
        var last = lastIn
        while last - first > 1 {
            last -= 1
            popHeap(first, last, last)
        }
    }

    /// `std::partial_sort(first, middle, last)`.
    mutating func partialSort(_ first: Int, _ middle: Int, _ last: Int) {
        heapSelect(first, middle, last)
        sortHeap(first, middle)
    }

    // MARK: std::nth_element

    mutating func nthElement(_ firstIn: Int, _ nth: Int, _ lastIn: Int) {
        var first = firstIn, last = lastIn
        if first == last || nth == last { return }
        var depth = StdSort.lg(last - first) * 2
        while last - first > 3 {
            if depth == 0 {
                heapSelect(first, nth + 1, last)
                a.swapAt(first, nth)
                return
            }
            depth -= 1
            let cut = unguardedPartitionPivot(first, last)
            if cut <= nth { first = cut } else { last = cut }
        }
        insertionSort(first, last)
    }
}
