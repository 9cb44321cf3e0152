import Foundation
import XCTest
@testable import TrickCore

/// A parameter as the tests hold it (autograd's `Variable` plays this part in the language).
final class TestParameter: OptimizerParameter {
    var data: Tensor
    var grad: Tensor?
    init(_ data: Tensor, grad: Tensor? = nil) { self.data = data; self.grad = grad }
}

/// Loads the vectors made by tools/gen_optim_vectors.py from the real torch 2.4.1.
enum OptimFixtures {
    static func load(_ name: String) throws -> [[String: Any]] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/optim/\(name)")
        let data = try Data(contentsOf: url)
        let root = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        return root["cases"] as! [[String: Any]]
    }

    /// Tensor values, written by the generator as one string of Python float reprs: parsed with
    /// `Double(String)` (correctly rounded), since JSON number parsing may miss by an ulp.
    static func doubles(_ v: Any?) -> [Double] {
        (v as? String ?? "").split(separator: " ").map { Double(String($0))! }
    }

    static func tensor(_ v: Any?, shape: [Int], dtype: DType) -> Tensor {
        let d = doubles(v)
        return dtype == .float32 ? Tensor(shape: shape, float32: d.map { Float($0) }) : Tensor(shape: shape, float64: d)
    }

    /// `[[key, value, python_type], ...]` → option list with torch's Python types (numbers arrive
    /// as repr strings).
    static func options(_ v: Any?) -> [(key: String, value: OptionValue)] {
        (v as? [[Any]] ?? []).map { item in (item[0] as! String, option(item[1], kind: item[2] as! String)) }
    }

    static func option(_ v: Any, kind: String) -> OptionValue {
        switch kind {
        case "none": return .none
        case "bool": return .bool((v as! NSNumber).boolValue)
        case "int": return .int(Int(v as! String)!)
        case "float": return .double(Double(v as! String)!)
        case "tuple": return .tuple((v as! [String]).map { .double(Double($0)!) })
        default: fatalError("option kind \(kind)")
        }
    }

    /// Options compared as torch stores them; tuples numerically (JSON does not keep 0.9 vs 1).
    static func same(_ a: OptionValue, _ b: OptionValue) -> Bool {
        if case .tuple(let x) = a, case .tuple(let y) = b {
            return x.count == y.count && zip(x, y).allSatisfy { $0.number == $1.number }
        }
        return a == b
    }

    /// Counts of values compared and of values equal bit for bit, over a whole replay.
    final class Tally { var values = 0, exact = 0, worst = 0.0 }

    /// `|actual - expected| <= atol + rtol * max(|expected|, max |expected| of the tensor)` (see
    /// OptimizerVectorTests for why the tensor's scale); counts the bit-identical values and the
    /// worst error as a fraction of its tolerance in `tally`.
    static func assertClose(_ actual: Tensor, _ expected: [Double], rtol: Double, atol: Double, tally: Tally,
                            _ msg: @autoclosure () -> String, file: StaticString = #filePath, line: UInt = #line) {
        let a = actual.doubles
        guard a.count == expected.count else {
            XCTFail("\(msg()): \(a.count) values, torch has \(expected.count)", file: file, line: line)
            return
        }
        let scale = expected.reduce(0) { max($0, abs($1)) }
        for (x, e) in zip(a, expected) {
            tally.values += 1
            if x == e || (x.isNaN && e.isNaN) { tally.exact += 1; continue }
            let tol = atol + rtol * max(abs(e), scale)
            tally.worst = max(tally.worst, abs(x - e) / tol)
            if !(abs(x - e) <= tol) {
                XCTFail("\(msg()): \(x) vs torch's \(e) (relative \(abs(x - e) / abs(e)))", file: file, line: line)
                return
            }
        }
    }

    /// Bit-for-bit equality with torch's values (float32 values arrive as the exact double of
    /// the float). On a mismatch the message also says whether it is within 1e-6 rel / 1e-7 abs.
    static func assertExact(_ actual: Tensor, _ expected: [Double], _ msg: @autoclosure () -> String,
                            file: StaticString = #filePath, line: UInt = #line) {
        let a = actual.doubles
        guard a.count == expected.count else {
            XCTFail("\(msg()): \(a.count) values, torch has \(expected.count)", file: file, line: line)
            return
        }
        var worst = 0.0, mismatches = 0, first = -1
        for i in a.indices where !(a[i] == expected[i] || (a[i].isNaN && expected[i].isNaN)) {
            mismatches += 1
            if first < 0 { first = i }
            worst = max(worst, abs(a[i] - expected[i]) / max(abs(expected[i]), 1e-30))
        }
        if mismatches > 0 {
            let close = zip(a, expected).allSatisfy { abs($0 - $1) <= 1e-7 + 1e-6 * abs($1) }
            XCTFail("\(msg()): \(mismatches) of \(a.count) values differ from torch (first at \(first): \(a[first]) vs \(expected[first]); "
                    + "worst relative \(worst); within 1e-6 rel / 1e-7 abs: \(close))", file: file, line: line)
        }
    }
}
