import XCTest
@testable import TrickCore

/// trick's dtypes (the narrow ones held in wider storage) against torch 2.4.1: promotion, casts,
/// wrapping arithmetic, float16 / bfloat16 rounding, reprs, iinfo / finfo
/// (Fixtures/tensor/dtypes.json, from tools/gen_dtype_vectors.py).
final class DTypeTests: XCTestCase {
    typealias F = TensorFixtures

    func section(_ name: String) throws -> [[String: Any]] {
        (try F.loadJSON("dtypes") as! [String: Any])[name] as! [[String: Any]]
    }

    /// Exact comparison: dtype, shape and every value (NaN matches NaN); 1e-15 relative only for
    /// what Foundation's JSON parser reads a last bit off (0.10000000149011612).
    func assertEqual(_ got: Tensor, _ want: Tensor, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        F.assertClose(got, want, rtol: 1e-15, atol: 0, what, file: file, line: line)
    }

    func assertSame(_ a: Double, _ b: Any?, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        let w = (b as! NSNumber).doubleValue
        XCTAssertEqual(a, w, accuracy: abs(w) * 1e-15, what, file: file, line: line)
    }

    func testPromotionMatchesTorchResultType() throws {
        let cases = try section("promotion")
        XCTAssertEqual(cases.count, 260)
        for c in cases {
            let a = F.operand(c["a"]), b = F.operand(c["b"])
            XCTAssertEqual(DType.resultType([a, b]).rawValue, c["result"] as! String, "\(c["a"]!) with \(c["b"]!)")
        }
    }

    func testCastsMatchTorch() throws {
        for (key, what) in [("casts", "cast"), ("ub", "out-of-range cast (x86-64 torch)")] {
            for (n, c) in try section(key).enumerated() {
                let d = DType(rawValue: c["dtype"] as! String)!
                assertEqual(F.tensor(c["input"]).cast(to: d), F.tensor(c["output"]), "\(what) \(n) to \(d)")
            }
        }
    }

    func testBinaryOpsWrapAndRoundAsTorch() throws {
        let ops: [String: BinaryOp] = ["add": .add, "sub": .sub, "mul": .mul, "floorDiv": .floorDiv, "mod": .mod, "div": .div,
                                       "and": .and, "or": .or, "xor": .xor, "pow": .pow, "maximum": .maximum,
                                       "minimum": .minimum, "lt": .lt, "eq": .eq]
        for (n, c) in try section("binary").enumerated() {
            let op = ops[c["op"] as! String]!
            let got = try Tensor.binary(op, F.operand(c["a"]), F.operand(c["b"]))
            let want = F.tensor(c["output"])
            // float16 / bfloat16 compute in float32 and round once, as torch's CPU kernels: exact
            assertEqual(got, want, "binary \(n) \(op.rawValue) on \(got.dtype)")
        }
    }

    func testUnaryOpsMatchTorch() throws {
        for (n, c) in try section("unary").enumerated() {
            let op = UnaryOp(rawValue: c["op"] as! String)!
            let input = F.tensor(c["input"])
            let got = try input.unary(op), want = F.tensor(c["output"])
            if want.dtype == .float32 {   // transcendental functions of integers: libm vs torch's SLEEF
                F.assertClose(got, want, "unary \(n) \(op) on \(input.dtype)")
            } else {
                assertEqual(got, want, "unary \(n) \(op) on \(input.dtype)")
            }
        }
    }

    func testReductionsKeepTorchsDTypes() throws {
        for (n, c) in try section("reductions").enumerated() {
            let x = F.tensor(c["input"])
            let dims = (c["dim"] as? NSNumber).map { [$0.intValue] }
            let got: Tensor
            switch c["op"] as! String {
            case "sum": got = try x.sum(dims: dims)
            case "prod": got = try x.prod(dims: dims)
            case "mean": got = try x.mean(dims: dims)
            case "max": got = dims == nil ? try x.extremumValue(max: true) : try x.extremum(dim: dims![0], max: true).values
            default: got = dims == nil ? try x.extremumValue(max: false) : try x.extremum(dim: dims![0], max: false).values
            }
            // float16 sums: torch accumulates in float32 and rounds once, as trick
            assertEqual(got, F.tensor(c["output"]), "reduction \(n) \(c["op"]!) dim \(String(describing: dims)) on \(x.dtype)")
        }
    }

    func testReprsMatchTorch() throws {
        for c in try section("reprs") {
            let t = F.tensor(c["input"])
            XCTAssertEqual(TensorFormatter.format(t), c["repr"] as! String, "repr of \(t.dtype) \(t.shape)")
        }
    }

    func testIInfoAndFInfoMatchTorch() throws {
        let root = try F.loadJSON("dtypes") as! [String: Any]
        for c in root["info"] as! [[String: Any]] {
            let d = DType(rawValue: c["dtype"] as! String)!
            if let r = d.integerRange {
                XCTAssertEqual(d.iinfoRepr, c["repr"] as? String)
                XCTAssertEqual(r.min, (c["min"] as! NSNumber).int64Value)
                XCTAssertEqual(r.max, (c["max"] as! NSNumber).int64Value)
            } else {
                let f = d.floatInfo!
                XCTAssertEqual(d.finfoRepr, c["repr"] as? String)
                assertSame(f.eps, c["eps"], "\(d) eps")
                assertSame(f.max, c["max"], "\(d) max")
                assertSame(-f.max, c["min"], "\(d) min")
                assertSame(f.tiny, c["tiny"], "\(d) tiny")
                assertSame(f.resolution, c["resolution"], "\(d) resolution")
            }
            XCTAssertEqual(d.byteSize * 8, (c["bits"] as! NSNumber).intValue, "\(d) bits")
        }
        for (k, v) in root["element_size"] as! [String: Any] {
            XCTAssertEqual(DType(rawValue: k)!.byteSize, (v as! NSNumber).intValue, "\(k) element_size")
        }
    }

    func testOverflowingNumbersAreRefusedWhenStored() {
        XCTAssertThrowsError(try Tensor.full([2], 300, dtype: .int8)) { e in
            XCTAssertEqual((e as? CoreError)?.message, "value cannot be converted to type int8 without overflow")
        }
        var t = Tensor.scalar(Int64(1)).cast(to: .uint8)
        XCTAssertThrowsError(try t.assign([], .int(256)))
        XCTAssertNoThrow(try t.assign([], .int(255)))
    }
}
