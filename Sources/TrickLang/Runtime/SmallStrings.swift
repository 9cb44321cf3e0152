/// Short strings built in their inline form.
///
/// A Swift string of at most 15 UTF-8 bytes is "small": its bytes live in the string value itself
/// (its two words, little-endian), with the count and a flags nibble in the last byte — 0xE for
/// ASCII, 0xA otherwise — and no storage object. `String(unsafeUninitializedCapacity:)` reaches
/// that form only after a validation pass and several calls (~200 instructions for `str(12345)`);
/// writing the two words directly costs a few. The layout belongs to the standard library, so it
/// is checked once against strings the library made (`layoutHolds`), and every builder here falls
/// back to the library's own path when the check fails or the string is longer.
enum SmallString {
    static let capacity = 15

    /// Whether this toolchain's small strings look as described above.
    static let layoutHolds: Bool = {
        for s in ["", "a", "abc", "0123456789abcde", "h\u{e9}llo", "-9"] {
            let bytes = Array(s.utf8)
            guard let made = build(count: bytes.count, { p in for (i, b) in bytes.enumerated() { p[i] = b } }),
                  unsafeBitCast(made, to: (UInt64, UInt64).self) == unsafeBitCast(s, to: (UInt64, UInt64).self),
                  made == s, made.utf8.count == bytes.count, Array(made.utf8) == bytes else { return false }
        }
        return true
    }()

    /// `layoutHolds` as one load and compare (1: holds, 2: not, 0: not yet checked) on the
    /// builders' path, where the lazy `static let` costs a `swift_once` call and, in the VM's
    /// loop, the spills of every live register around it.
    private static var state: UInt8 = 0
    @inline(__always) static var usable: Bool { state == 1 || checkLayout() }
    @inline(never) private static func checkLayout() -> Bool {
        if state == 0 { state = layoutHolds ? 1 : 2 }
        return state == 1
    }

    /// The string of the `count` (≤ 15) bytes of valid UTF-8 that `write` puts at the pointer it
    /// is given, in inline form; nil for a longer string.
    @inline(__always)
    static func make(count: Int, _ write: (UnsafeMutablePointer<UInt8>) -> Void) -> String? {
        guard count <= capacity, usable else { return nil }
        return build(count: count, write)
    }

    @inline(__always)
    private static func build(count: Int, _ write: (UnsafeMutablePointer<UInt8>) -> Void) -> String? {
        guard count <= capacity else { return nil }
        var raw: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &raw) { write($0.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
        let ascii = (raw.0 | raw.1) & 0x8080_8080_8080_8080 == 0
        raw.1 |= UInt64((ascii ? 0xE0 : 0xA0) | count) << 56
        return unsafeBitCast(raw, to: String.self)
    }

    /// The concatenation of two strings given as their two raw words, when both are small and so
    /// is the result (nil otherwise): the second's bytes shifted in after the first's.
    @inline(__always)
    static func concat(_ x: (UInt64, UInt64), _ y: (UInt64, UInt64)) -> String? {
        let fx = x.1 >> 56, fy = y.1 >> 56
        // the small flag (0x20 of the flags byte) on both, and room for both counts
        guard fx & fy & 0x20 != 0, usable else { return nil }
        let a = Int(fx & 0xF), n = a + Int(fy & 0xF)
        guard n <= capacity else { return nil }
        let bytes: UInt64 = 0x00FF_FFFF_FFFF_FFFF
        let r = (UInt128(x.1 & bytes) << 64 | UInt128(x.0)) | (UInt128(y.1 & bytes) << 64 | UInt128(y.0)) << (8 * a)
        let ascii = fx & fy & 0x40 != 0
        let high = UInt64(truncatingIfNeeded: r >> 64) | UInt64((ascii ? 0xE0 : 0xA0) | n) << 56
        return unsafeBitCast((UInt64(truncatingIfNeeded: r), high), to: String.self)
    }
}
