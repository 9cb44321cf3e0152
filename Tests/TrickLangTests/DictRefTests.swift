@testable import TrickLang
import XCTest

/// DictRef against a model (an insertion-ordered list of pairs) over random sets, gets and
/// removes, across the size where a dict gains its hash table and back.
final class DictRefTests: XCTestCase {
    func testRandomOperationsMatchAnInsertionOrderedModel() throws {
        var rng = SystemRandomNumberGenerator()
        for round in 0..<200 {
            let d = DictRef()
            var model: [(String, Int)] = []
            let keySpace = [4, 9, 17, 40][round % 4]    // below, at and above the small-dict size
            for step in 0..<300 {
                let k = "k\(Int.random(in: 0..<keySpace, using: &rng))"
                switch Int.random(in: 0..<10, using: &rng) {
                case 0..<5:
                    try d.set(.str(k), .int(step))
                    if let i = model.firstIndex(where: { $0.0 == k }) { model[i].1 = step } else { model.append((k, step)) }
                case 5..<7:
                    let removed = try d.remove(.str(k))
                    if let i = model.firstIndex(where: { $0.0 == k }) {
                        guard case .int(let v)? = removed else { return XCTFail("remove(\(k)) should give \(model[i].1)") }
                        XCTAssertEqual(v, model[i].1)
                        model.remove(at: i)
                    } else {
                        XCTAssertNil(removed)
                    }
                default:
                    let got = try d.get(.str(k))
                    if let m = model.first(where: { $0.0 == k }) {
                        guard case .int(let v)? = got else { return XCTFail("get(\(k)) should give \(m.1)") }
                        XCTAssertEqual(v, m.1)
                    } else {
                        XCTAssertNil(got)
                    }
                }
                XCTAssertEqual(d.count, model.count)
            }
            // insertion order, and every key found through a copy
            let copy = d.copy()
            XCTAssertEqual(d.keys.map { Printer.str($0) }, model.map(\.0))
            for (k, v) in model {
                guard case .int(let got)? = try copy.get(.str(k)) else { return XCTFail("copy lost \(k)") }
                XCTAssertEqual(got, v)
            }
        }
    }

    func testEqualNumbersAreOneKey() throws {
        let d = DictRef()
        try d.set(.int(1), .str("int"))
        try d.set(.float(1.0), .str("float"))
        try d.set(.bool(true), .str("bool"))
        XCTAssertEqual(d.count, 1)
        guard case .str(let s)? = try d.get(.int(1)) else { return XCTFail("1 should be a key") }
        XCTAssertEqual(s, "bool")
        for i in 2..<20 { try d.set(.int(i), .int(i)) }    // past the small size: the table agrees
        guard case .str(let t)? = try d.get(.float(1.0)) else { return XCTFail("1.0 should find 1") }
        XCTAssertEqual(t, "bool")
    }
}
