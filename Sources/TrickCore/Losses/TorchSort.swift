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
    /// The permutation `torch.sort(keys, descending:)` returns as `indices`: the tensor core's
    /// port of the same libstdc++ introsort (Tensor/StdSort.swift).
    public static func argsort(_ keys: [Float], descending: Bool) -> [Int] {
        if keys.count < 2 { return Array(keys.indices) }
        guard let order = try? Tensor(keys).argsorted(dim: 0, descending: descending) else { return Array(keys.indices) }
        return order.int64s.map { Int($0) }
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
