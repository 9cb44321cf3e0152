/// `hash()` as CPython 3.11 computes it for the values whose hash Python fixes: ints, bools and
/// floats (the numeric hash modulo the Mersenne prime 2^61 − 1, so `hash(1) == hash(1.0) == 1`
/// and `hash(-1) == -2`), and tuples of them (xxHash-style, `tuplehash` in Objects/tupleobject.c).
/// CPython randomises str hashes per process and derives None's from its address; trick's are
/// deterministic (`stringHash`; a constant), so golden notebooks stay stable.
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

    /// A str's hash, from its UTF-8 bytes read a word at a time: up to 15 bytes as the two words
    /// of a small string (the bytes, then the count in the last byte) — a small string's own
    /// words, read with no call — and longer strings 8 bytes a step. Deterministic, as the rest
    /// of trick's hashes (CPython's str hash changes with every process).
    static func stringHash(_ s: String) -> Int {
        let w = unsafeBitCast(s, to: (UInt64, UInt64).self)
        if (w.1 >> 56) & 0x20 != 0 && SmallString.usable {
            return shortHash(w.0, w.1 & 0x00FF_FFFF_FFFF_FFFF | (w.1 >> 56 & 0xF) << 56)
        }
        func words(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
            let n = bytes.count
            guard let base = bytes.baseAddress, n > 0 else { return shortHash(0, 0) }
            func tail(_ from: Int, _ to: Int) -> UInt64 {
                var t: UInt64 = 0
                for i in stride(from: to - 1, through: from, by: -1) { t = t << 8 | UInt64(base[i]) }
                return t
            }
            if n <= 15 { return shortHash(tail(0, Swift.min(n, 8)), n > 8 ? tail(8, n) | UInt64(n) << 56 : UInt64(n) << 56) }
            var h: UInt64 = 0x243F_6A88_85A3_08D3 ^ UInt64(n)
            var i = 0
            while i + 8 <= n {
                h = (h ^ UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)) &* 0x9E37_79B9_7F4A_7C15
                h = h << 29 | h >> 35
                i += 8
            }
            h = (h ^ tail(i, n)) &* 0x9E37_79B9_7F4A_7C15
            return Int(bitPattern: UInt(finish(h)))
        }
        if let h = s.utf8.withContiguousStorageIfAvailable(words) { return h }
        var s = s
        return s.withUTF8(words)
    }

    /// The hash of at most 15 bytes laid out as a small string's two words.
    @inline(__always) private static func shortHash(_ a: UInt64, _ b: UInt64) -> Int {
        Int(bitPattern: UInt(finish((a &* 0x9E37_79B9_7F4A_7C15) ^ ((b << 32 | b >> 32) &* 0xC2B2_AE3D_27D4_EB4F))))
    }

    /// splitmix64's finaliser: every input bit moves every output bit.
    @inline(__always) private static func finish(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
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
