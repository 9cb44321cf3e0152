/// Broadcasting (numpy / torch rules) and the strided loops every elementwise kernel runs on.
///
/// Shapes are aligned on the right; a dimension of size 1 stretches to the other operand's size.
/// Kernels iterate the output in row-major order with one stride per input (0 on stretched
/// dimensions), the innermost dimension as a tight loop.
public enum Broadcast {
    /// The broadcast shape of two shapes, or an error naming both.
    public static func shape(_ a: [Int], _ b: [Int]) throws -> [Int] {
        if a == b { return a }
        let n = Swift.max(a.count, b.count)
        var out = [Int](repeating: 1, count: n)
        for i in 0..<n {
            let da = i < n - a.count ? 1 : a[i - (n - a.count)]
            let db = i < n - b.count ? 1 : b[i - (n - b.count)]
            if da == db || db == 1 { out[i] = da } else if da == 1 { out[i] = db } else {
                throw CoreError("shapes \(Tensor.formatShape(a)) and \(Tensor.formatShape(b)) cannot be broadcast together "
                    + "(size \(da) vs \(db) at dimension \(i))")
            }
        }
        return out
    }

    /// Strides (in elements) of a contiguous tensor of `shape` seen through the broadcast
    /// shape `out`: 0 on dimensions it is stretched along.
    public static func strides(of shape: [Int], in out: [Int]) -> [Int] {
        let own = Tensor.contiguousStrides(shape)
        var s = [Int](repeating: 0, count: out.count)
        let off = out.count - shape.count
        for i in 0..<shape.count where shape[i] != 1 || out[i + off] == 1 {
            s[i + off] = shape[i] == 1 ? 0 : own[i]
        }
        return s
    }

    /// Whether `shape` can be broadcast to `target` (one direction only, as `expand`).
    public static func canExpand(_ shape: [Int], to target: [Int]) -> Bool {
        guard shape.count <= target.count else { return false }
        let off = target.count - shape.count
        for i in 0..<shape.count where shape[i] != 1 && shape[i] != target[i + off] { return false }
        return true
    }

    /// Materialises `values` (contiguous, of `shape`) broadcast to `target`.
    public static func expand<T>(_ values: [T], _ shape: [Int], to target: [Int]) throws -> [T] {
        guard canExpand(shape, to: target) else {
            throw CoreError("the shape \(Tensor.formatShape(shape)) cannot be broadcast to \(Tensor.formatShape(target))")
        }
        if shape == target { return values }
        _ = try Tensor.checkedAllocationCount(target, bytesPerElement: MemoryLayout<T>.stride)
        let st = strides(of: shape, in: target)
        return map1(values, st, target) { $0 }
    }

    /// Calls `body(outerOffsetA, outerOffsetB, innerCount, innerStrideA, innerStrideB, outOffset)`
    /// for every row of the output (its last dimension), in row-major order.
    @inline(__always)
    static func forEachRow(_ out: [Int], _ sa: [Int], _ sb: [Int],
                           _ body: (Int, Int, Int, Int, Int, Int) -> Void) {
        let rank = out.count
        if rank == 0 { body(0, 0, 1, 0, 0, 0); return }
        let inner = out[rank - 1]
        var total = 1
        for d in out { total *= d }
        if total == 0 { return }
        let rows = total / inner
        var counter = [Int](repeating: 0, count: rank)
        var oa = 0, ob = 0
        let ia = sa[rank - 1], ib = sb[rank - 1]
        for r in 0..<rows {
            body(oa, ob, inner, ia, ib, r * inner)
            // advance the outer counter
            var d = rank - 2
            while d >= 0 {
                counter[d] += 1
                oa += sa[d]; ob += sb[d]
                if counter[d] < out[d] { break }
                oa -= sa[d] * out[d]; ob -= sb[d] * out[d]
                counter[d] = 0
                d -= 1
            }
        }
    }

    /// `f` applied to one strided input, producing a contiguous array of shape `out`.
    @inline(__always)
    static func map1<A, R>(_ a: [A], _ sa: [Int], _ out: [Int], _ f: (A) -> R) -> [R] {
        var n = 1
        for d in out { n *= d }
        return [R](unsafeUninitializedCapacity: n) { buf, count in
            a.withUnsafeBufferPointer { pa in
                let po = buf.baseAddress!
                forEachRow(out, sa, sa) { oa, _, inner, ia, _, oo in
                    if ia == 1 {
                        for j in 0..<inner { (po + oo + j).initialize(to: f(pa[oa + j])) }
                    } else {
                        for j in 0..<inner { (po + oo + j).initialize(to: f(pa[oa + j * ia])) }
                    }
                }
            }
            count = n
        }
    }

    /// `f` applied elementwise to two contiguous arrays of shapes `sa`/`sb` broadcast to `out`.
    @inline(__always)
    static func zip<A, B, R>(_ a: [A], _ aShape: [Int], _ b: [B], _ bShape: [Int], _ out: [Int],
                             _ f: (A, B) -> R) -> [R] {
        var n = 1
        for d in out { n *= d }
        return [R](unsafeUninitializedCapacity: n) { buf, count in
            count = 0
            guard n > 0 else { return }
            let po = buf.baseAddress!
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    if aShape == bShape || (a.count == n && b.count == n) {
                        Parallel.chunks(n) { r in for i in r { (po + i).initialize(to: f(pa[i], pb[i])) } }
                    } else if b.count == 1 && a.count == n {
                        let y = pb[0]
                        Parallel.chunks(n) { r in for i in r { (po + i).initialize(to: f(pa[i], y)) } }
                    } else if a.count == 1 && b.count == n {
                        let x = pa[0]
                        Parallel.chunks(n) { r in for i in r { (po + i).initialize(to: f(x, pb[i])) } }
                    } else {
                        let sa = strides(of: aShape, in: out), sb = strides(of: bShape, in: out)
                        forEachRow(out, sa, sb) { oa, ob, inner, ia, ib, oo in
                            if ia == 1 && ib == 1 {
                                for j in 0..<inner { (po + oo + j).initialize(to: f(pa[oa + j], pb[ob + j])) }
                            } else if ia == 1 && ib == 0 {
                                let y = pb[ob]
                                for j in 0..<inner { (po + oo + j).initialize(to: f(pa[oa + j], y)) }
                            } else if ia == 0 && ib == 1 {
                                let x = pa[oa]
                                for j in 0..<inner { (po + oo + j).initialize(to: f(x, pb[ob + j])) }
                            } else {
                                for j in 0..<inner { (po + oo + j).initialize(to: f(pa[oa + j * ia], pb[ob + j * ib])) }
                            }
                        }
                    }
                }
            }
            count = n
        }
    }
}
