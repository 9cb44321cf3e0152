@testable import TrickLang
import XCTest

/// The VM counts register values in place (`ValueLayout`), relying on how this compiler lays a
/// `Value` out: these tests fail first if a toolchain changes it.
final class ValueLayoutTests: XCTestCase {
    func testEveryCaseIsLaidOutAsTheVMAssumes() {
        XCTAssertTrue(ValueLayout.verify())
    }

    func testCopyStoreTakeAndClearKeepReferenceCountsBalanced() {
        weak var watched: ListRef?
        var a = Value.none, b = Value.int(3)
        do {
            let list = ListRef([.int(1)])
            watched = list
            withUnsafeMutablePointer(to: &a) { pa in
                withUnsafeMutablePointer(to: &b) { pb in
                    ValueLayout.store(pa, .list(list))          // a holds the list
                    ValueLayout.copy(pa, to: pb)                 // b too (the int 3 overwritten)
                    ValueLayout.copy(pb, to: pb)                 // a copy onto itself changes nothing
                    ValueLayout.clear(pa)                        // a lets go
                    XCTAssertEqual(ValueLayout.tag(pa), ValueLayout.noneTag)
                }
            }
        }
        XCTAssertNotNil(watched, "b still holds the list")
        withUnsafeMutablePointer(to: &a) { pa in
            withUnsafeMutablePointer(to: &b) { pb in
                ValueLayout.take(pb, to: pa)                     // moved back to a, b is None
                XCTAssertTrue(b.isNone || { if case .none = pb.pointee { return true }; return false }())
                if case .list(let l) = pa.pointee { XCTAssertEqual(l.items.count, 1) } else { XCTFail("a should hold the list") }
                ValueLayout.store(pa, .str("a string longer than fifteen bytes, boxed"))
            }
        }
        XCTAssertNil(watched, "the list is freed once no register holds it")
        if case .str(let s) = a { XCTAssertEqual(s, "a string longer than fifteen bytes, boxed") } else { XCTFail("a should hold the str") }
        withUnsafeMutablePointer(to: &a) { ValueLayout.clear($0) }
        XCTAssertTrue(a.isNone)
    }

    func testClearLeavesNumbersInPlace() {
        var v = Value.float(2.5)
        withUnsafeMutablePointer(to: &v) { ValueLayout.clear($0) }
        if case .float(let d) = v { XCTAssertEqual(d, 2.5) } else { XCTFail("a number is left as it is") }
    }
}
