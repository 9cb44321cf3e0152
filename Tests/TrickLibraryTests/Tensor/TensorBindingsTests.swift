import XCTest
import TrickCore
import TrickLang
@testable import TrickLibrary

/// The tensor built-ins bind torch's call forms (varargs sizes, keyword names, tuples back).
final class TensorBindingsTests: XCTestCase {
    let lib: Library = {
        let l = Library()
        TrickLibrary.register(l)
        return l
    }()

    func call(_ name: String, _ args: [Value], _ kw: [(String, Value)] = []) throws -> Value {
        guard case .builtin(let f)? = lib.globals[name] else { XCTFail("no global \(name)"); return .none }
        return try f.call(Arguments(args, keywords: kw))
    }

    func method(_ name: String, _ t: Tensor, _ args: [Value] = [], _ kw: [(String, Value)] = []) throws -> Value {
        guard let f = lib.tensorMethods[name] else { XCTFail("no method \(name)"); return .none }
        return try f.call(Arguments([.tensor(t)] + args, keywords: kw))
    }

    func tensor(_ v: Value) -> Tensor {
        guard let t = v.tensorValue else { XCTFail("not a tensor: \(v.typeName)"); return Tensor([Float]()) }
        return t
    }

    func testZerosAcceptsVarargsTupleAndList() throws {
        XCTAssertEqual(tensor(try call("zeros", [.int(2), .int(3)])).shape, [2, 3])
        XCTAssertEqual(tensor(try call("zeros", [.tuple([.int(2), .int(3)])])).shape, [2, 3])
        XCTAssertEqual(tensor(try call("zeros", [Value.ints([2, 3])], [("dtype", .str("int64"))])).dtype, .int64)
        XCTAssertEqual(tensor(try call("ones", [.int(4)], [("dtype", .str("torch.float64"))])).dtype, .float64)
    }

    func testPythonBuiltinsAreNotGlobals() {
        for name in ["sum", "max", "min", "abs", "round", "len", "range", "any", "all", "pow"] {
            if case .builtin(let f)? = lib.globals[name] { XCTAssertFalse(f.doc.contains("torch"), "\(name) must not be a tensor global") }
        }
        XCTAssertNotNil(lib.tensorMethods["sum"])
        XCTAssertNotNil(lib.tensorMethods["max"])
    }

    func testMaxWithDimReturnsValuesAndIndices() throws {
        let t = Tensor(shape: [2, 2], float32: [1, 5, 7, 2])
        // torch.return_types.max: a named tuple (values, indices)
        let m = try method("max", t, [.int(1)])
        guard let r = Collections.tupleItems(m), case .object(let o) = m else { return XCTFail("expected a named tuple") }
        XCTAssertEqual(tensor(r[0]).floats, [5, 7])
        XCTAssertEqual(tensor(r[1]).int64s, [1, 0])
        XCTAssertEqual(tensor(o.attributes["indices"] ?? .none).int64s, [1, 0])
        XCTAssertEqual(tensor(try method("max", t)).floats, [7])
    }

    func testArangeAndRandint() throws {
        XCTAssertEqual(tensor(try call("arange", [.int(5)])).int64s, [0, 1, 2, 3, 4])
        XCTAssertEqual(tensor(try call("arange", [.int(0), .int(1), .float(0.25)])).floats, [0, 0.25, 0.5, 0.75])
        _ = try call("manual_seed", [.int(3)])
        let a = tensor(try call("randint", [.int(0), .int(10), .tuple([.int(5)])]))
        _ = try call("manual_seed", [.int(3)])
        let b = tensor(try call("randint", [.int(10), .tuple([.int(5)])]))
        XCTAssertEqual(a.int64s, b.int64s)
        XCTAssertEqual(a.shape, [5])
    }

    func testPropertiesAndItem() throws {
        let t = Tensor(shape: [1, 3], float32: [1, 2, 3])
        guard case .str(let d) = try lib.tensorProperties["dtype"]!(t) else { return XCTFail() }
        XCTAssertEqual(d, "torch.float32")
        guard case .tuple(let s) = try lib.tensorProperties["shape"]!(t), s.count == 2 else { return XCTFail() }
        guard case .float(let x) = try method("item", try t.subscripted([.int(0), .int(2)])) else { return XCTFail() }
        XCTAssertEqual(x, 3)
        XCTAssertEqual(tensor(try method("view", t, [.int(3), .int(-1)])).shape, [3, 1])
        XCTAssertEqual(tensor(try method("permute", t, [.int(1), .int(0)])).shape, [3, 1])
    }

    func testSoftmaxSortTopkWhere() throws {
        let t = Tensor([Float(1), 3, 3, 2])
        XCTAssertEqual(tensor(try call("softmax", [.tensor(t)], [("dim", .int(0))])).floats.reduce(0, +), 1, accuracy: 1e-6)
        guard let tk = Collections.tupleItems(try call("topk", [.tensor(t), .int(2)])) else { return XCTFail() }
        XCTAssertEqual(tensor(tk[1]).int64s, [1, 2])
        let w = tensor(try call("where", [.tensor(try Tensor.binary(.gt, .tensor(t), .int(2))), .tensor(t), .float(0)]))
        XCTAssertEqual(w.floats, [0, 3, 3, 0])
        XCTAssertThrowsError(try method("mean", Tensor([Int64(1), 2])))
    }
}
