/// PyTorch's CPU `sort` order for float keys, including how it orders **ties**.
///
/// torch 2.4 (the reference) sorts a contiguous 1-D float tensor on CPU with
/// `std::sort(composite(values, indices), KeyValueCompAsc/Desc)` from GCC 9's libstdc++
/// (`aten/src/ATen/native/cpu/SortingKernel.cpp`): an introsort (median-of-three pivot moved to
/// the front, unguarded Hoare partition, depth limit 2·⌊log2 n⌋ then heapsort) followed by an
/// insertion sort in runs of 16. It is not stable for n > 16, so equal keys come out in an order
/// that only this exact algorithm reproduces. NaN sorts as the largest key (first in
/// descending order, last in ascending order).
///
/// Used where the order of tied values decides *which* elements are kept (OHEM's top-k losses).
public enum TorchSort {
    /// The permutation `torch.sort(keys, descending:)` returns as `indices`.
    public static func argsort(_ keys: [Float], descending: Bool) -> [Int] {
        var v = keys
        var ix = Array(0..<keys.count)
        let n = v.count
        if n < 2 { return ix }
        v.withUnsafeMutableBufferPointer { vp in
            ix.withUnsafeMutableBufferPointer { ip in
                var s = Sorter(v: vp, ix: ip, descending: descending)
                s.introsortLoop(0, n, 2 * floorLog2(n))
                s.finalInsertionSort(0, n)
            }
        }
        return ix
    }

    static func floorLog2(_ n: Int) -> Int { Int.bitWidth - 1 - n.leadingZeroBitCount }

    struct Sorter {
        let v: UnsafeMutableBufferPointer<Float>
        let ix: UnsafeMutableBufferPointer<Int>
        let descending: Bool
        static let threshold = 16

        init(v: UnsafeMutableBufferPointer<Float>, ix: UnsafeMutableBufferPointer<Int>, descending: Bool) {
            self.v = v; self.ix = ix; self.descending = descending
        }

        @inline(__always) func less(_ a: Float, _ b: Float) -> Bool {
            if descending { return (a.isNaN && !b.isNaN) || a > b }
            return (!a.isNaN && b.isNaN) || a < b
        }
        @inline(__always) func comp(_ i: Int, _ j: Int) -> Bool { less(v[i], v[j]) }
        @inline(__always) func swapAt(_ i: Int, _ j: Int) {
            let tv = v[i]; v[i] = v[j]; v[j] = tv
            let ti = ix[i]; ix[i] = ix[j]; ix[j] = ti
        }
        @inline(__always) func move(_ dst: Int, _ src: Int) { v[dst] = v[src]; ix[dst] = ix[src] }

        mutating func introsortLoop(_ first: Int, _ lastIn: Int, _ depthIn: Int) {
            var last = lastIn, depth = depthIn
            while last - first > Sorter.threshold {
                if depth == 0 {
                    heapSort(first, last)
                    return
                }
                depth -= 1
                let cut = unguardedPartitionPivot(first, last)
                introsortLoop(cut, last, depth)
                last = cut
            }
        }

        func unguardedPartitionPivot(_ first: Int, _ last: Int) -> Int {
            let mid = first + (last - first) / 2
            moveMedianToFirst(first, first + 1, mid, last - 1)
            return unguardedPartition(first + 1, last, first)
        }

        func moveMedianToFirst(_ result: Int, _ a: Int, _ b: Int, _ c: Int) {
            if comp(a, b) {
                if comp(b, c) { swapAt(result, b) }
                else if comp(a, c) { swapAt(result, c) }
                else { swapAt(result, a) }
            } else if comp(a, c) { swapAt(result, a) }
            else if comp(b, c) { swapAt(result, c) }
            else { swapAt(result, b) }
        }

        func unguardedPartition(_ firstIn: Int, _ lastIn: Int, _ pivot: Int) -> Int {
            var first = firstIn, last = lastIn
            while true {
                while comp(first, pivot) { first += 1 }
                last -= 1
                while comp(pivot, last) { last -= 1 }
                if !(first < last) { return first }
                swapAt(first, last)
                first += 1
            }
        }

        func finalInsertionSort(_ first: Int, _ last: Int) {
            if last - first > Sorter.threshold {
                insertionSort(first, first + Sorter.threshold)
                for i in (first + Sorter.threshold)..<last { unguardedLinearInsert(i) }
            } else {
                insertionSort(first, last)
            }
        }

        func insertionSort(_ first: Int, _ last: Int) {
            if first == last { return }
            var i = first + 1
            while i < last {
                if comp(i, first) {
                    let val = v[i], vi = ix[i]
                    var k = i
                    while k > first { move(k, k - 1); k -= 1 }
                    v[first] = val; ix[first] = vi
                } else {
                    unguardedLinearInsert(i)
                }
                i += 1
            }
        }

        func unguardedLinearInsert(_ lastIn: Int) {
            let val = v[lastIn], vi = ix[lastIn]
            var last = lastIn
            var next = last - 1
            while less(val, v[next]) {
                move(last, next)
                last = next
                next -= 1
            }
            v[last] = val; ix[last] = vi
        }

        // libstdc++ __partial_sort(first, last, last) = make_heap + sort_heap.
        func heapSort(_ first: Int, _ last: Int) {
            makeHeap(first, last)
            var l = last
            while l - first > 1 {
                l -= 1
                popHeap(first, l, l)
            }
        }

        func makeHeap(_ first: Int, _ last: Int) {
            let len = last - first
            if len < 2 { return }
            var parent = (len - 2) / 2
            while true {
                let val = v[first + parent], vi = ix[first + parent]
                adjustHeap(first, parent, len, val, vi)
                if parent == 0 { return }
                parent -= 1
            }
        }

        func popHeap(_ first: Int, _ last: Int, _ result: Int) {
            let val = v[result], vi = ix[result]
            move(result, first)
            adjustHeap(first, 0, last - first, val, vi)
        }

        func adjustHeap(_ first: Int, _ holeIn: Int, _ len: Int, _ val: Float, _ vi: Int) {
            var hole = holeIn
            let top = hole
            var second = hole
            while second < (len - 1) / 2 {
                second = 2 * (second + 1)
                if comp(first + second, first + second - 1) { second -= 1 }
                move(first + hole, first + second)
                hole = second
            }
            if len & 1 == 0 && second == (len - 2) / 2 {
                second = 2 * (second + 1)
                move(first + hole, first + second - 1)
                hole = second - 1
            }
            // __push_heap
            var parent = (hole - 1) / 2
            while hole > top && less(v[first + parent], val) {
                move(first + hole, first + parent)
                hole = parent
                parent = (hole - 1) / 2
            }
            v[first + hole] = val; ix[first + hole] = vi
        }
    }

    /// The k-th smallest value (0-based) of `keys` in torch's ascending order (NaN largest),
    /// by an O(n) expected-time quickselect on a copy.
    public static func kthSmallest(_ keys: [Float], _ k: Int) -> Float {
        precondition(k >= 0 && k < keys.count)
        var a = keys
        func lt(_ x: Float, _ y: Float) -> Bool { (!x.isNaN && y.isNaN) || x < y }
        var lo = 0, hi = a.count - 1
        var state: UInt64 = 0x9E3779B97F4A7C15
        while lo < hi {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let p = a[lo + Int((state >> 33) % UInt64(hi - lo + 1))]
            // three-way partition: [< p][== p][> p]
            var i = lo, lt_ = lo, gt = hi
            while i <= gt {
                if lt(a[i], p) { a.swapAt(i, lt_); lt_ += 1; i += 1 }
                else if lt(p, a[i]) { a.swapAt(i, gt); gt -= 1 }
                else { i += 1 }
            }
            if k < lt_ { hi = lt_ - 1 } else if k > gt { lo = gt + 1 } else { return p }
        }
        return a[k]
    }
}
