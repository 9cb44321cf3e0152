import XCTest
@testable import TrickCore

/// torch 2.4.1 clip_grad_norm_ / clip_grad_value_ and mmengine 0.10.7 OptimWrapper accumulation
/// (clip_wrapper.json from tools/gen_optim_vectors.py).
/// - clip_grad_value_ exactly; clip_grad_norm_'s norm and clipped grads within 1e-6 relative
///   (float32; 1e-12 float64) of the tensor's scale: trick's norm is the correctly rounded one,
///   torch's float32 reduction may differ in the last bit (ClipGrad.swift); the coefficient and
///   scaling exactly (applied to torch's own norm); the norm's dtype and the error message exactly.
/// - OptimWrapper(SGD, accumulative_counts=3, clip_grad=dict(max_norm=1.0)) with
///   initialize_count_status(model, 0, 10): the inner count, which iterations step (grads cleared
///   after), the logged grad norm and the parameters, within the same tolerance.
final class ClipGradWrapperTests: XCTestCase {
    func root() throws -> [String: Any] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/optim/clip_wrapper.json")
        return try JSONSerialization.jsonObject(with: try Data(contentsOf: url)) as! [String: Any]
    }

    func testClipGrad() throws {
        let cases = try root()["clip"] as! [[String: Any]]
        XCTAssertEqual(cases.count, 10)
        for c in cases {
            let name = c["desc"] as! String
            let shapes = c["shapes"] as! [[Int]]
            let dtypes = (c["dtypes"] as! [String]).map { DType(name: $0)! }
            let grads = c["grads"] as! [Any]
            let params = shapes.indices.map { i in
                TestParameter(try! Tensor.zeros(shapes[i], dtype: dtypes[i]),
                              grad: grads[i] is NSNull ? nil : OptimFixtures.tensor(grads[i], shape: shapes[i], dtype: dtypes[i]))
            }
            let kw = c["kwargs"] as! [String: Any]
            func d(_ k: String) -> Double? { (kw[k] as? String).map { Double($0)! } }
            if c["kind"] as! String == "value" {
                ClipGrad.clipGradValue(params, clipValue: d("clip_value")!)
                for (i, p) in params.enumerated() {
                    if let e = (c["after"] as! [Any])[i] as? String {
                        OptimFixtures.assertExact(p.grad!, OptimFixtures.doubles(e), "\(name) grad \(i)")
                    } else { XCTAssertNil(p.grad) }
                }
                continue
            }
            do {
                let total = try ClipGrad.clipGradNorm(params, maxNorm: d("max_norm")!, normType: d("norm_type") ?? 2,
                                                      errorIfNonfinite: (kw["error_if_nonfinite"] as? Bool) ?? false)
                XCTAssertNil(c["error"], "\(name): torch raised")
                XCTAssertEqual(total.dtype.rawValue, c["total_norm_dtype"] as? String, name)
                let tol = total.dtype == .float32 ? (1e-6, 1e-7) : (1e-12, 1e-14)
                OptimFixtures.assertClose(total, [Double(c["total_norm"] as! String)!], rtol: tol.0, atol: tol.1,
                                          tally: OptimFixtures.Tally(), "\(name): total norm")
                // The coefficient and the scaling, exactly: from torch's own total norm, torch's
                // grads scaled by trick's coefficient are torch's clipped grads bit for bit.
                let fromTorch = shapes.indices.map { i in
                    TestParameter(try! Tensor.zeros(shapes[i], dtype: dtypes[i]),
                                  grad: grads[i] is NSNull ? nil : OptimFixtures.tensor(grads[i], shape: shapes[i], dtype: dtypes[i]))
                }
                ClipGrad.scale(fromTorch, by: ClipGrad.clipCoefficient(totalNorm: Double(c["total_norm"] as! String)!,
                                                                       maxNorm: d("max_norm")!, dtype: total.dtype))
                for (i, p) in fromTorch.enumerated() {
                    if let e = (c["after"] as! [Any])[i] as? String {
                        OptimFixtures.assertExact(p.grad!, OptimFixtures.doubles(e), "\(name) grad \(i) scaled by the coefficient of torch's norm")
                    }
                }
                for (i, p) in params.enumerated() {
                    if let e = (c["after"] as! [Any])[i] as? String {
                        let t = p.grad!.dtype == .float32 ? (1e-6, 1e-7) : (1e-12, 1e-14)
                        OptimFixtures.assertClose(p.grad!, OptimFixtures.doubles(e), rtol: t.0, atol: t.1, tally: OptimFixtures.Tally(),
                                                  "\(name) grad \(i)")
                    } else { XCTAssertNil(p.grad) }
                }
            } catch let e as CoreError {
                XCTAssertEqual(e.message, c["error"] as? String, name)
                XCTAssertEqual(e.kind, "RuntimeError")
            }
        }
    }

    func testOptimWrapperAccumulation() throws {
        let w = try root()["wrapper"] as! [String: Any]
        let shapes = w["shapes"] as! [[Int]]
        let params = (w["init"] as! [Any]).enumerated().map { TestParameter(OptimFixtures.tensor($0.element, shape: shapes[$0.offset], dtype: .float32)) }
        let opt = try Optimizer(.sgd, groups: [ParamGroup(params: [params[0], params[1]]),
                                               ParamGroup(params: [params[2]], options: [("lr", .double(0.05))])],
                                options: [("lr", .double(0.1)), ("momentum", .double(0.9)), ("foreach", .bool(false))])
        let wrapper = try OptimWrapper(optimizer: opt, accumulativeCounts: 3, clip: .norm(maxNorm: 1.0))
        wrapper.initializeCountStatus(initCounts: 0, maxCounts: 10)
        var factors: [Int] = []
        for (it, step) in (w["iterations"] as! [[String: Any]]).enumerated() {
            let cs = step["c"] as! [Any]
            try wrapper.updateParams { factor in
                factors.append(factor)
                // autograd of (w * c).sum() / factor: grad = (1 / factor) * c, accumulated with +=.
                let k = Float(1) / Float(factor)
                for (i, p) in params.enumerated() {
                    let c = OptimFixtures.tensor(cs[i], shape: shapes[i], dtype: .float32).floats.map { k * $0 }
                    p.grad = Tensor(shape: shapes[i], float32: p.grad.map { zip($0.floats, c).map { $0 + $1 } } ?? c)
                }
            }
            XCTAssertEqual(wrapper.innerCount, step["inner_count"] as! Int, "iteration \(it)")
            let grads = step["grads"] as! [Any]
            for (i, p) in params.enumerated() {
                if let g = grads[i] as? String { OptimFixtures.assertExact(p.grad!, OptimFixtures.doubles(g), "iteration \(it) grad \(i)") }
                else { XCTAssertNil(p.grad, "iteration \(it): grads cleared after the step") }
                OptimFixtures.assertClose(p.data, OptimFixtures.doubles((step["params"] as! [Any])[i]), rtol: 1e-6, atol: 1e-7,
                                          tally: OptimFixtures.Tally(), "iteration \(it) param \(i)")
            }
            if let n = step["grad_norm"] as? String {
                OptimFixtures.assertClose(try XCTUnwrap(wrapper.lastGradNorm), [Double(n)!], rtol: 1e-6, atol: 1e-7,
                                          tally: OptimFixtures.Tally(), "iteration \(it) grad norm")
            } else {
                XCTAssertNil(wrapper.lastGradNorm)
            }
        }
        XCTAssertEqual(factors, [3, 3, 3, 3, 3, 3, 3, 3, 3, 1], "the last iteration divides by the remainder 10 % 3")
        XCTAssertEqual(try wrapper.getLR(), (w["lr"] as! [String]).map { Double($0)! })
        XCTAssertEqual(try wrapper.getMomentum(), (w["momentum"] as! [String]).map { Double($0)! })
    }
}
