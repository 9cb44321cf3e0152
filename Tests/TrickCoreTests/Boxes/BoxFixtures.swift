import Foundation
import XCTest
@testable import TrickCore

/// Loads the vectors made by tools/gen_boxes_vectors.py from the real libraries.
enum BoxFixtures {
    static func load(_ name: String) throws -> [[String: Any]] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/boxes/\(name)")
        let data = try Data(contentsOf: url)
        return try JSONSerialization.jsonObject(with: data) as! [[String: Any]]
    }

    /// Flattens nested numeric lists.
    static func flat(_ v: Any?) -> [Double] {
        if let n = v as? NSNumber { return [n.doubleValue] }
        if let a = v as? [Any] { return a.flatMap { flat($0) } }
        return []
    }

    static func shape(_ v: Any?) -> [Int] {
        guard let a = v as? [Any] else { return [] }
        return [a.count] + (a.first.map { shape($0) } ?? [])
    }

    /// A tensor from a nested list: 2-D lists keep their shape; `[]` becomes (0, 4) for boxes.
    static func tensor(_ v: Any?, dtype: DType = .float32, boxes: Bool = false) -> Tensor {
        var s = shape(v)
        if boxes && s == [0] { s = [0, 4] }
        return Tensor(shape: s, float64: flat(v)).cast(to: dtype)
    }

    static func ints(_ v: Any?) -> [Int64] { flat(v).map { Int64($0) } }

    static func assertClose(_ actual: [Double], _ expected: [Double], rtol: Double = 1e-5, atol: Double = 1e-6,
                            _ msg: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, "\(msg): count", file: file, line: line)
        guard actual.count == expected.count else { return }
        for (i, (a, e)) in zip(actual, expected).enumerated() {
            if a.isNaN && e.isNaN { continue }
            if abs(a - e) > atol + rtol * abs(e) {
                XCTFail("\(msg): element \(i): \(a) != \(e)", file: file, line: line)
                return
            }
        }
    }
}
