import Foundation
import XCTest
@testable import TrickCore

/// Loads the torch-made vectors in Fixtures/tensor (see tools/gen_tensor_vectors.py).
enum TensorFixtures {
    static func load(_ name: String) throws -> [[String: Any]] {
        try loadJSON(name) as! [[String: Any]]
    }

    static func loadJSON(_ name: String) throws -> Any {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/tensor/\(name).json")
        let data = try Data(contentsOf: url)
        return try JSONSerialization.jsonObject(with: data)
    }

    static func number(_ v: Any) -> Double {
        if let s = v as? String { return s == "nan" ? .nan : (s == "inf" ? .infinity : -.infinity) }
        if let n = v as? NSNumber { return n.doubleValue }
        return .nan
    }

    static func tensor(_ o: Any?) -> Tensor {
        let d = o as! [String: Any]
        let shape = (d["shape"] as! [Any]).map { ($0 as! NSNumber).intValue }
        let data = d["data"] as! [Any]
        let dtype = DType(rawValue: d["dtype"] as! String)!
        let stored: Tensor
        switch dtype.storageDType {
        case .float32: stored = Tensor(shape: shape, float32: data.map { Float(number($0)) })
        case .float64: stored = Tensor(shape: shape, float64: data.map { number($0) })
        case .int64: stored = Tensor(shape: shape, int64: data.map { ($0 as! NSNumber).int64Value })
        default: stored = Tensor(shape: shape, bool: data.map { ($0 as! NSNumber).boolValue })
        }
        return stored.fitted(to: dtype)   // torch's values of a narrow dtype are already in it
    }

    static func operand(_ o: Any?) -> Operand {
        let d = o as! [String: Any]
        if let s = d["scalar"] {
            switch d["kind"] as! String {
            case "int": return .int((s as! NSNumber).int64Value)
            case "bool": return .bool((s as! NSNumber).boolValue)
            default: return .float(number(s))
            }
        }
        return .tensor(tensor(o))
    }

    static func ints(_ o: Any?) -> [Int]? {
        if o == nil || o is NSNull { return nil }
        if let n = o as? NSNumber { return [n.intValue] }
        return (o as! [Any]).map { ($0 as! NSNumber).intValue }
    }

    /// Asserts dtype and shape equal and values within float tolerance (NaN matches NaN).
    static func assertClose(_ got: Tensor, _ want: Tensor, rtol: Double = 1e-5, atol: Double = 1e-6,
                            _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(got.dtype, want.dtype, "\(what): dtype", file: file, line: line)
        XCTAssertEqual(got.shape, want.shape, "\(what): shape", file: file, line: line)
        guard got.shape == want.shape else { return }
        let a = got.doubles, b = want.doubles
        for i in 0..<a.count {
            let ok = (a[i].isNaN && b[i].isNaN) || a[i] == b[i] || abs(a[i] - b[i]) <= atol + rtol * abs(b[i])
            if !ok {
                XCTFail("\(what): element \(i): got \(a[i]), want \(b[i])", file: file, line: line)
                return
            }
        }
    }
}
