@testable import TrickLang
import XCTest

/// The VM counts register values in place (`ValueLayout`), relying on how this compiler lays a
/// `Value` out: these tests fail first if a toolchain changes it.
final class ValueLayoutTests: XCTestCase {
    func testEveryCaseIsLaidOutAsTheVMAssumes() {
        XCTAssertTrue(ValueLayout.verify())
    }

    /// Every instruction is 16 bytes (a payload of at most 12, then the case byte): the loop
    /// steps through them and turns an instruction pointer into an index with a shift. A wider
    /// payload (say an Int32 placed after a UInt8) makes them 20.
    func testAnInstructionIsSixteenBytes() {
        XCTAssertEqual(MemoryLayout<Instr>.stride, 16)
    }

    /// Short strings built in inline form (`SmallString`) equal the library's own, byte for
    /// byte and bit for bit, across lengths 0…15, ASCII or not, and the longer ones fall back.
    func testSmallStringsMatchTheLibrarysOwn() {
        XCTAssertTrue(SmallString.layoutHolds)
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("abcXYZ019 -_.\u{e9}\u{3b1}\u{1f600}e\u{301}")
        for _ in 0..<2000 {
            let s = String((0..<Int.random(in: 0...17, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
            let bytes = Array(s.utf8)
            let made = SmallString.make(count: bytes.count) { p in for (i, b) in bytes.enumerated() { p[i] = b } }
            if bytes.count > SmallString.capacity { XCTAssertNil(made); continue }
            guard let made else { return XCTFail("\(s) should be built inline") }
            XCTAssertEqual(Array(made.utf8), bytes)
            XCTAssertTrue(made.sameCodePoints(s))
            XCTAssertEqual(made, s)
            XCTAssertEqual(made.count, s.count)
            XCTAssertEqual(HashKey.stringHash(made), HashKey.stringHash(s))
        }
        // the builders that use it
        XCTAssertEqual(Printer.decimal(-1234567890), "-1234567890")
        XCTAssertEqual(Printer.decimal(Int.max), String(Int.max))
        XCTAssertEqual(Ops.concatenate("key", "12345"), "key12345")
        XCTAssertEqual(Ops.concatenate("caf", "\u{e9}"), "caf\u{e9}")
        XCTAssertEqual(Ops.concatenate("a long enough string", "!"), "a long enough string!")
        for _ in 0..<2000 {
            // joined from the words (both small, the result ≤ 15 bytes) or the library's way
            let x = String((0..<Int.random(in: 0...9, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
            let y = String((0..<Int.random(in: 0...9, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
            let joined = Ops.concatenate(x, y)
            XCTAssertEqual(Array(joined.utf8), Array(x.utf8) + Array(y.utf8))
            XCTAssertEqual(unsafeBitCast(joined, to: (UInt64, UInt64).self) == unsafeBitCast(x + y, to: (UInt64, UInt64).self), joined.utf8.count <= 15)
            XCTAssertEqual(HashKey.stringHash(joined), HashKey.stringHash(x + y))
        }
        for v in [0, 9, 10, 99, 100, 12_345, -7, -100, 999_999_999_999_999, -999_999_999_999_999, 1_000_000_000_000_000, Int.min + 1, Int.min] {
            XCTAssertEqual(Printer.decimal(v), String(v))
        }
    }

    /// A str's hash depends on its bytes only: a small string and a string of the same bytes in
    /// native storage (a reserved capacity keeps even a short string there) hash alike, at every
    /// length around the small strings' 15 and the 8-byte steps.
    func testStringHashIsTheSameForSmallAndStoredStrings() {
        for text in ["", "a", "key12345", "0123456789abcde", "0123456789abcdef", "h\u{e9}llo", "\u{3b1}\u{3b2}\u{3b3}", String(repeating: "xy", count: 20)] {
            for n in 0...text.count {
                let small = String(text.prefix(n))
                var stored = String()
                stored.reserveCapacity(64)
                stored.append(small)
                XCTAssertEqual(Array(stored.utf8), Array(small.utf8))
                XCTAssertEqual(HashKey.stringHash(stored), HashKey.stringHash(small), "\(small)")
            }
        }
        // different short strings differ (no collisions among these)
        let keys = (0..<5000).map { "key" + String($0) } + (0..<5000).map { String($0) + "\u{e9}" }
        XCTAssertEqual(Set(keys.map(HashKey.stringHash)).count, keys.count)
    }

    func testCopyStoreTakeAndClearKeepReferenceCountsBalanced() {
        let regs = UnsafeMutablePointer<Value>.allocate(capacity: 2)
        regs.initialize(repeating: .none, count: 2)
        defer { regs.deinitialize(count: 2); regs.deallocate() }
        let a = regs, b = regs + 1
        b.pointee = .int(3)
        weak var watched: ListRef?
        do {
            let list = ListRef([.int(1)])
            watched = list
            ValueLayout.store(a, .list(list))         // a holds the list
            ValueLayout.copy(a, to: b)                // b too (the int 3 overwritten)
            ValueLayout.copy(b, to: b)                // a copy onto itself changes nothing
            ValueLayout.clear(a)                      // a lets go
            XCTAssertEqual(ValueLayout.tag(a), ValueLayout.noneTag)
        }
        XCTAssertNotNil(watched, "b still holds the list")
        ValueLayout.take(b, to: a)                    // moved back to a, b is None
        XCTAssertTrue(b.pointee.isNone)
        if case .list(let l) = a.pointee { XCTAssertEqual(l.items.count, 1) } else { XCTFail("a should hold the list") }
        ValueLayout.store(a, .str("a string longer than fifteen bytes, boxed"))
        XCTAssertNil(watched, "the list is freed once no register holds it")
        if case .str(let s) = a.pointee { XCTAssertEqual(s, "a string longer than fifteen bytes, boxed") } else { XCTFail("a should hold the str") }
        ValueLayout.clear(a)
        XCTAssertTrue(a.pointee.isNone)
    }

    /// The in-place strong count (`retainInPlace` / `releaseInPlace`, for `VM.runPlain`) agrees
    /// with the runtime's own count: up and down by one, across a weak reference (the count then
    /// lives in a side table and the runtime takes over), and the last release frees the object.
    func testCountingInPlaceMatchesTheRuntime() {
        // without a weak reference (the count in the object) and with one (in a side table)
        for watch in [false, true] {
            weak var watched: ListRef?
            var raw: UnsafeMutableRawPointer?
            do {
                let list = ListRef([.int(1)])
                if watch { watched = list }
                let o = Unmanaged<HeapObject>.fromOpaque(Unmanaged.passUnretained(list).toOpaque())
                // (read the same way each time: a debug build's temporary retains cancel out)
                func count() -> UInt { _getRetainCount(list) }
                let start = count()
                for k in 1...3 {
                    ValueLayout.retainInPlace(o)
                    let now = count()
                    XCTAssertEqual(now, start + UInt(k), "watched: \(watch)")
                }
                for k in 1...3 {
                    ValueLayout.releaseInPlace(o)
                    let now = count()
                    XCTAssertEqual(now, start + 3 - UInt(k), "watched: \(watch)")
                }
                // one reference kept past the list's own, as a register keeps it
                ValueLayout.retainInPlace(o)
                raw = o.toOpaque()
            }
            if watch { XCTAssertNotNil(watched, "the kept reference holds the list") }
            // the last reference let go in place frees it (the runtime's part of the path)
            ValueLayout.releaseInPlace(Unmanaged<HeapObject>.fromOpaque(raw!))
            if watch { XCTAssertNil(watched, "the last release frees the list") }
        }
    }

    func testClearLeavesNumbersInPlace() {
        var v = Value.float(2.5)
        withUnsafeMutablePointer(to: &v) { ValueLayout.clear($0) }
        if case .float(let d) = v { XCTAssertEqual(d, 2.5) } else { XCTFail("a number is left as it is") }
    }
}
