import XCTest
@testable import TrickCore

/// The tensor core against vectors produced by torch (tools/gen_tensor_vectors.py).
final class TensorOpsTests: XCTestCase {
    typealias F = TensorFixtures

    func testBinaryMatchesTorch() throws {
        for (n, c) in try F.load("binary").enumerated() {
            let op = BinaryOp(rawValue: c["op"] as! String)!
            let got = try Tensor.binary(op, F.operand(c["a"]), F.operand(c["b"]))
            F.assertClose(got, F.tensor(c["out"]), "binary case \(n) \(op.rawValue)")
        }
    }

    func testUnaryMatchesTorch() throws {
        for (n, c) in try F.load("unary").enumerated() {
            let op = UnaryOp(rawValue: c["op"] as! String)!
            let got = try F.tensor(c["a"]).unary(op)
            F.assertClose(got, F.tensor(c["out"]), "unary case \(n) \(op)")
        }
    }

    func testReductionsMatchTorch() throws {
        for (n, c) in try F.load("reductions").enumerated() {
            let a = F.tensor(c["a"])
            let fn = c["fn"] as! String
            let dims = F.ints(c["dim"])
            let keep = c["keepdim"] as! Bool
            let what = "reduction case \(n) \(fn) dim \(String(describing: dims)) keepdim \(keep)"
            switch fn {
            case "sum": F.assertClose(try a.sum(dims: dims, keepdim: keep), F.tensor(c["out"]), what)
            case "mean": F.assertClose(try a.mean(dims: dims, keepdim: keep), F.tensor(c["out"]), what)
            case "prod": F.assertClose(try a.prod(dims: dims, keepdim: keep), F.tensor(c["out"]), what)
            case "std": F.assertClose(try a.std(dims: dims, keepdim: keep), F.tensor(c["out"]), what)
            case "var": F.assertClose(try a.variance(dims: dims, keepdim: keep), F.tensor(c["out"]), what)
            case "amax", "max": F.assertClose(try a.extremumValue(dims: dims, keepdim: keep, max: true), F.tensor(c["out"]), what)
            case "amin", "min": F.assertClose(try a.extremumValue(dims: dims, keepdim: keep, max: false), F.tensor(c["out"]), what)
            case "any": F.assertClose(try a.any(dims: dims, keepdim: keep), F.tensor(c["out"]), what)
            case "all": F.assertClose(try a.all(dims: dims, keepdim: keep), F.tensor(c["out"]), what)
            case "max_dim", "min_dim":
                let r = try a.extremum(dim: dims![0], keepdim: keep, max: fn == "max_dim")
                F.assertClose(r.values, F.tensor(c["out"]), what)
                F.assertClose(r.indices, F.tensor(c["indices"]), what + " indices")
            case "argmax", "argmin":
                F.assertClose(try a.argExtremum(dim: dims?[0], keepdim: keep, max: fn == "argmax"), F.tensor(c["out"]), what)
            default: XCTFail("unknown \(fn)")
            }
        }
    }

    func testMeanOfIntegersIsAnError() {
        XCTAssertThrowsError(try Tensor([Int64(1), 2]).mean())
    }

    func testSoftmaxMatchesTorch() throws {
        for (n, c) in try F.load("softmax").enumerated() {
            let a = F.tensor(c["a"])
            let dim = (c["dim"] as! NSNumber).intValue
            let got = try a.softmax(dim: dim, log: (c["fn"] as! String) == "log_softmax")
            F.assertClose(got, F.tensor(c["out"]), "softmax case \(n)")
        }
    }

    /// The blocked float32 softmax (class axis of NCHW) against the per-lane kernel with libm's
    /// expf it replaces: within 1e-6 relative (the exp differs by an ulp or so), the same NaN, 0
    /// and infinite results on lanes with NaN, ±inf, all −inf and huge logits.
    func testBlockedSoftmaxMatchesLaneKernel() {
        var r = SplitMix(seed: 12)
        let specials: [Float] = [.nan, .infinity, -.infinity, 1e30, -1e30, 88, -104, 0]
        for c in 0..<60 {
            let n = 1 + r.int(3), k = 1 + r.int(24), inner = 16 + r.int(700)
            var x = (0..<(n * k * inner)).map { _ in r.range(-12, 12) }
            if c % 3 == 0 { for _ in 0..<20 { x[r.int(x.count)] = specials[r.int(specials.count)] } }
            if c % 5 == 0 { for ch in 0..<k { x[ch * inner] = -.infinity } }   // lane 0 of image 0: all −inf
            for log in [false, true] {
                let got = Tensor.softmaxKernel(x, [n, k, inner], 1, log: log)
                var want = [Float](repeating: 0, count: x.count)
                x.withUnsafeBufferPointer { px in
                    want.withUnsafeMutableBufferPointer { pw in
                        for o in 0..<n {
                            for i in 0..<inner {
                                let base = o * k * inner + i
                                Tensor.softmaxLane(px.baseAddress! + base, pw.baseAddress! + base, k, inner, log: log)
                            }
                        }
                    }
                }
                for i in x.indices {
                    let g = got[i], w = want[i]
                    let ok = (g.isNaN && w.isNaN) || g == w || abs(Double(g) - Double(w)) <= 1e-6 * abs(Double(w)) + 1e-6
                    if !ok { XCTFail("case \(c) log \(log) [\(i)]: got \(g), want \(w)"); break }
                }
            }
        }
    }

    /// The AVX2 and AVX-512 builds of the blocked softmax (CTrickKernels/softmax_avx2.c) and the
    /// Swift loops give the same bits (when the CPU has AVX2 / AVX-512; else those runs take the
    /// next build down).
    func testBlockedSoftmaxAVX2AVX512AndSwiftAgreeBitForBit() {
        var r = SplitMix(seed: 21)
        let specials: [Float] = [.nan, .infinity, -.infinity, 1e30, -1e30, 88, -104, -90, 0]
        defer { VectorKernels.useAVX2 = Gemm.hasAVX2; VectorKernels.useAVX512 = VectorKernels.hasAVX512 }
        for c in 0..<30 {
            let n = 1 + r.int(2), k = 1 + r.int(24), inner = 16 + r.int(900)
            var x = (0..<(n * k * inner)).map { _ in r.range(-20, 20) }
            for _ in 0..<(c % 4) * 10 { x[r.int(x.count)] = specials[r.int(specials.count)] }
            for log in [false, true] {
                VectorKernels.useAVX2 = Gemm.hasAVX2
                VectorKernels.useAVX512 = VectorKernels.hasAVX512
                let a512 = Tensor.softmaxKernel(x, [n, k, inner], 1, log: log)
                VectorKernels.useAVX512 = false
                let a = Tensor.softmaxKernel(x, [n, k, inner], 1, log: log)
                VectorKernels.useAVX2 = false
                let b = Tensor.softmaxKernel(x, [n, k, inner], 1, log: log)
                XCTAssertEqual(a.map(\.bitPattern), b.map(\.bitPattern), "case \(c) log \(log): AVX2")
                XCTAssertEqual(a512.map(\.bitPattern), b.map(\.bitPattern), "case \(c) log \(log): AVX-512")
            }
        }
    }

    func testSortAndTopkMatchTorchIncludingTies() throws {
        for (n, c) in try F.load("sort").enumerated() {
            let a = F.tensor(c["a"])
            let dim = (c["dim"] as! NSNumber).intValue
            let r: (values: Tensor, indices: Tensor)
            if (c["fn"] as! String) == "sort" {
                r = try a.sorted(dim: dim, descending: c["descending"] as! Bool, stable: c["stable"] as! Bool)
            } else {
                r = try a.topk((c["k"] as! NSNumber).intValue, dim: dim, largest: c["largest"] as! Bool)
            }
            F.assertClose(r.values, F.tensor(c["out"]), "sort case \(n)")
            F.assertClose(r.indices, F.tensor(c["indices"]), "sort case \(n) indices")
        }
    }

    func testLargeInt64AscendingSortIsStableAsTorchRadixSort() throws {
        let n = 40000
        let t = Tensor((0..<n).map { Int64(($0 * 7919) % 3) })
        let idx = try t.sorted().indices.int64s
        let key: (Int) -> Int = { ($0 * 7919) % 3 }
        let order: [Int] = (0..<n).sorted { (a: Int, b: Int) -> Bool in key(a) != key(b) ? key(a) < key(b) : a < b }
        let want: [Int64] = order.map { Int64($0) }
        XCTAssertEqual(idx, want)
    }

    static func index(_ o: Any?) -> [TensorIndex] {
        (o as! [[String: Any]]).map { d in
            switch d["kind"] as! String {
            case "int": return .int((d["value"] as! NSNumber).intValue)
            case "none": return .newAxis
            case "ellipsis": return .ellipsis
            case "slice":
                func opt(_ k: String) -> Int? { (d[k] as? NSNumber)?.intValue }
                return .slice(opt("start"), opt("stop"), opt("step"))
            default: return .tensor(TensorFixtures.tensor(d["tensor"]))
            }
        }
    }

    func testIndexingMatchesTorch() throws {
        for (n, c) in try F.load("indexing").enumerated() {
            var a = F.tensor(c["a"])
            let idx = Self.index(c["index"])
            if (c["fn"] as! String) == "index" {
                F.assertClose(try a.subscripted(idx), F.tensor(c["out"]), "index case \(n)")
            } else {
                try a.assign(idx, F.operand(c["value"]))
                F.assertClose(a, F.tensor(c["out"]), "assign case \(n)")
            }
        }
    }

    func testOutOfRangeIndexIsAnError() {
        let t = Tensor([Float(1), 2, 3])
        XCTAssertThrowsError(try t.subscripted([.int(3)])) { e in
            XCTAssertTrue("\(e)".contains("out of bounds for dimension 0 with size 3"))
        }
        XCTAssertThrowsError(try t.subscripted([.tensor(Tensor([Int64(0), 5]))]))
        XCTAssertThrowsError(try t.subscripted([.int(0), .int(0)]))
    }

    func testIntegerDivisionByZeroIsAnError() {
        XCTAssertThrowsError(try Tensor.binary(.floorDiv, .tensor(Tensor([Int64(1)])), .int(0)))
        XCTAssertThrowsError(try Tensor.binary(.mod, .tensor(Tensor([Int64(1)])), .int(0)))
    }

    func testShapeSelectCreationMatchTorch() throws {
        for (n, c) in try F.load("shape").enumerated() {
            let fn = c["fn"] as! String
            let what = "shape case \(n) \(fn)"
            let want = F.tensor(c["out"])
            let got: Tensor
            switch fn {
            case "permute": got = try F.tensor(c["a"]).permuted(F.ints(c["dims"])!)
            case "transpose": let d = F.ints(c["dims"])!; got = try F.tensor(c["a"]).transposed(d[0], d[1])
            case "flip": got = try F.tensor(c["a"]).flipped(F.ints(c["dims"])!)
            case "repeat": got = try F.tensor(c["a"]).repeated(F.ints(c["dims"])!)
            case "expand": got = try F.tensor(c["a"]).expanded(F.ints(c["dims"])!)
            case "cat": got = try Tensor.cat((c["list"] as! [Any]).map { F.tensor($0) }, dim: F.ints(c["dim"])![0])
            case "stack": got = try Tensor.stack((c["list"] as! [Any]).map { F.tensor($0) }, dim: F.ints(c["dim"])![0])
            case "gather": got = try F.tensor(c["a"]).gathered(dim: F.ints(c["dim"])![0], index: F.tensor(c["index"]))
            case "where": got = try Tensor.whereSelect(F.tensor(c["cond"]), F.operand(c["x"]), F.operand(c["y"]))
            case "clamp":
                let lo = (c["min"] as? NSNumber), hi = (c["max"] as? NSNumber)
                let isFloat = want.dtype.isFloatingPoint  // the generator passes float bounds only where torch gives float
                got = try F.tensor(c["a"]).clamped(min: lo?.doubleValue, max: hi?.doubleValue, boundsAreFloat: isFloat)
            case "arange":
                let vals = ["start", "end", "step"].map { c[$0] as! NSNumber }
                got = try Tensor.arange(start: vals[0].doubleValue, end: vals[1].doubleValue, step: vals[2].doubleValue,
                                        integerArgs: want.dtype == .int64)
            case "linspace":
                got = try Tensor.linspace(start: (c["start"] as! NSNumber).doubleValue, end: (c["end"] as! NSNumber).doubleValue,
                                          steps: (c["steps"] as! NSNumber).intValue)
            case "matmul": got = try Tensor.matmul(F.tensor(c["x"]), F.tensor(c["y"]))
            default: XCTFail("unknown \(fn)"); continue
            }
            F.assertClose(got, want, rtol: fn == "matmul" ? 1e-5 : 1e-6, what)
        }
    }

    func testFormatMatchesTorchStr() throws {
        for (n, c) in try F.load("format").enumerated() {
            let t = F.tensor(c["a"])
            XCTAssertEqual(TensorFormatter.format(t), c["out"] as! String, "format case \(n) shape \(t.shape) \(t.dtype)")
        }
    }

    func testRandomIsDeterministicPerSeed() throws {
        let g1 = RandomGenerator(seed: 42), g2 = RandomGenerator(seed: 42)
        let a = try Tensor.rand([100], generator: g1), b = try Tensor.rand([100], generator: g2)
        XCTAssertEqual(a.floats, b.floats)
        XCTAssertTrue(a.floats.allSatisfy { $0 >= 0 && $0 < 1 })
        let r = try Tensor.randint(low: -3, high: 4, [1000], generator: g1).int64s
        XCTAssertEqual(Set(r), Set((-3...3).map { Int64($0) }))
        let p = try Tensor.randperm(50, generator: g1).int64s
        XCTAssertEqual(p.sorted(), (0..<50).map { Int64($0) })
        let z = try Tensor.randn([20000], dtype: .float64, generator: g1).doubles
        let mean = z.reduce(0, +) / Double(z.count)
        let variance = z.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(z.count)
        XCTAssertEqual(mean, 0, accuracy: 0.03)
        XCTAssertEqual(variance, 1, accuracy: 0.05)
    }
}
