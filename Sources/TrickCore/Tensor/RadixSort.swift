/// LSD radix sorting of 32-bit keys, 8 bits per pass; a pass where every key has the same digit
/// moves nothing and is skipped. Stable: equal keys keep their order. For kernels that sort
/// millions of keys — Lovász errors per class, NMS score and Morton orders.
enum RadixSort {
    /// Sorts `keys` ascending.
    static func sort(_ keys: inout [UInt32]) {
        if keys.count < 64 { keys.sort(); return }   // fewer keys than the passes are worth
        var none: [Int] = []
        sort(&keys, carrying: &none)
    }

    /// The permutation sorting `keys` ascending, equal keys by ascending position.
    static func order(_ keys: [UInt32]) -> [Int] {
        let n = keys.count
        if n < 512 {   // the same order by comparison: cheaper than the radix passes here
            return keys.withUnsafeBufferPointer { k in
                Array(0..<n).sorted { i, j in k[i] < k[j] || (k[i] == k[j] && i < j) }
            }
        }
        var k = keys, idx = Array(0..<n)
        sort(&k, carrying: &idx)
        return idx
    }

    /// Sorts `keys` ascending and moves `payload` (unless it is empty) with them.
    static func sort(_ keys: inout [UInt32], carrying payload: inout [Int]) {
        let n = keys.count
        if n < 2 { return }
        let carry = !payload.isEmpty
        var k2 = [UInt32](repeating: 0, count: n), p2 = [Int](repeating: 0, count: carry ? n : 0)
        var count = [Int](repeating: 0, count: 256)
        for shift: UInt32 in [0, 8, 16, 24] {
            count.withUnsafeMutableBufferPointer { c in
                for i in 0..<256 { c[i] = 0 }
                keys.withUnsafeBufferPointer { kb in for key in kb { c[Int((key >> shift) & 255)] += 1 } }
            }
            if count[Int((keys[0] >> shift) & 255)] == n { continue }
            var sum = 0
            for i in 0..<256 { let c = count[i]; count[i] = sum; sum += c }
            count.withUnsafeMutableBufferPointer { c in
                keys.withUnsafeBufferPointer { kb in k2.withUnsafeMutableBufferPointer { ko in
                    if carry {
                        payload.withUnsafeBufferPointer { pb in p2.withUnsafeMutableBufferPointer { po in
                            for i in 0..<n {
                                let d = Int((kb[i] >> shift) & 255), at = c[d]
                                ko[at] = kb[i]; po[at] = pb[i]
                                c[d] = at + 1
                            }
                        } }
                    } else {
                        for i in 0..<n {
                            let d = Int((kb[i] >> shift) & 255), at = c[d]
                            ko[at] = kb[i]
                            c[d] = at + 1
                        }
                    }
                } }
            }
            swap(&keys, &k2)
            if carry { swap(&payload, &p2) }
        }
    }
}
