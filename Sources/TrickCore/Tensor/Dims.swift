/// Dimension arguments (`dim=-1`, `dim=(0, 2)`) checked and wrapped as torch does.
extension Tensor {
    /// Wraps a possibly negative dimension for a tensor of `rank` (a 0-d tensor accepts 0 and -1,
    /// as torch). `extra` widens the range for insertions (`unsqueeze` accepts rank + 1 positions).
    public static func normalizeDim(_ dim: Int, rank: Int, extra: Int = 0) throws -> Int {
        let r = Swift.max(rank + extra, 1)
        guard dim >= -r && dim < r else {
            throw CoreError("dimension out of range (expected to be in range of [\(-r), \(r - 1)], but got \(dim))")
        }
        return dim < 0 ? dim + r : dim
    }

    /// Sorted, unique, wrapped dimensions; an error for a repeated dimension.
    public static func normalizeDims(_ dims: [Int], rank: Int) throws -> [Int] {
        var out: [Int] = []
        for d in dims {
            let n = try normalizeDim(d, rank: rank)
            if out.contains(n) { throw CoreError("dim \(n) appears multiple times in the list of dims") }
            out.append(n)
        }
        return out.sorted()
    }

    /// Product of `shape[range]`.
    @inline(__always)
    static func product<C: Collection>(_ dims: C) -> Int where C.Element == Int {
        var p = 1
        for d in dims { p *= d }
        return p
    }
}
