/// `hash()` as CPython 3.11 computes it for the values whose hash Python fixes: ints, bools and
/// floats (the numeric hash modulo the Mersenne prime 2^61 − 1, so `hash(1) == hash(1.0) == 1`
/// and `hash(-1) == -2`), and tuples of them (xxHash-style, `tuplehash` in Objects/tupleobject.c).
/// CPython randomises str hashes per process and derives None's from its address; trick's are
/// deterministic (FNV-1a over UTF-8; a constant), so golden notebooks stay stable.
extension HashKey {
    static let modulus: UInt64 = (1 << 61) - 1

    public static func pythonHash(_ v: Value) throws -> Int {
        switch v {
        case .bool(let b): return b ? 1 : 0
        case .int(let i): return intHash(i)
        case .float(let d): return floatHash(d)
        case .none: return 0x4B1D_5EED
        case .str(let s):
            let r = stringHash(s)
            return r == -1 ? -2 : r
        case .tuple(let items):
            // tuplehash: acc = XXPRIME_5; per item acc += lane * XXPRIME_2, rotl 31, *= XXPRIME_1.
            let p1: UInt64 = 11_400_714_785_074_694_791, p2: UInt64 = 14_029_467_366_897_019_727, p5: UInt64 = 2_870_177_450_012_600_261
            var acc = p5
            for x in items {
                let lane = UInt64(bitPattern: Int64(try pythonHash(x)))
                acc = acc &+ lane &* p2
                acc = (acc << 31) | (acc >> 33)
                acc = acc &* p1
            }
            acc = acc &+ (UInt64(items.count) ^ (p5 ^ 3_527_539))
            if acc == UInt64.max { return 1_546_275_796 }
            return Int(bitPattern: UInt(acc))
        case .object(let o):
            return try DictRef.objectHash(o)
        case .function, .builtin, .tensor:
            return try DictRef.hash(v)
        default:
            throw RuntimeError("unhashable type: '\(v.typeName)'", kind: "TypeError")
        }
    }

    /// FNV-1a over the string's UTF-8 bytes, read in place (iterating `s.utf8` decodes its
    /// storage a byte at a time, ~30 instructions each; `withUTF8` needs a mutable copy).
    static func stringHash(_ s: String) -> Int {
        func fnv(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
            return Int(bitPattern: UInt(h))
        }
        if let h = s.utf8.withContiguousStorageIfAvailable(fnv) { return h }
        var s = s
        return s.withUTF8(fnv)
    }

    static func intHash(_ i: Int) -> Int {
        let m = i.magnitude % UInt(modulus)
        var h = Int(m)
        if i < 0 { h = -h }
        return h == -1 ? -2 : h
    }

    /// `_Py_HashDouble`: the value's binary expansion folded 28 bits at a time modulo 2^61 − 1.
    static func floatHash(_ x: Double) -> Int {
        if x.isInfinite { return x > 0 ? 314_159 : -314_159 }
        if x.isNaN { return 0 }
        if x.rounded() == x, let i = Int(exactly: x) { return intHash(i) }
        var m = x.magnitude.significand / 2      // frexp: |x| = m · 2^e with 0.5 <= m < 1
        var e = Int(x.exponent) + 1
        let sign = x < 0 ? -1 : 1
        var h: UInt64 = 0
        while m != 0 {
            h = ((h << 28) & modulus) | (h >> (61 - 28))
            m *= 268_435_456.0
            e -= 28
            let y = UInt64(m)
            m -= Double(y)
            h += y
            if h >= modulus { h -= modulus }
        }
        let shift = e >= 0 ? e % 61 : 61 - 1 - ((-1 - e) % 61)
        h = ((h << UInt64(shift)) & modulus) | (h >> UInt64(61 - shift))
        var r = Int(h) * sign
        if r == -1 { r = -2 }
        return r
    }
}
