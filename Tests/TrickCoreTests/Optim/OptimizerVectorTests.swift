import XCTest
@testable import TrickCore

/// 20 steps of torch's SGD, Adam, AdamW and RMSprop replayed from the same weights and gradients
/// (tools/gen_optim_vectors.py, torch 2.4.1, foreach=False): every parameter and every state
/// buffer after every step, the state order, the `state_dict()` at step 10 and the run continued
/// from it through `load_state_dict`, with every group's lr halved through `param_groups` twice
/// (as a scheduler does).
///
/// How they are compared:
/// - exactly, bit for bit, in float32 and float64: SGD against torch's run; Adam, AdamW and
///   RMSprop against the run of torch's own optimizer code in which only `Tensor.sqrt` is the
///   correctly rounded square root (`steps_ieee_sqrt`, see IEEESqrt in the generator). The rules
///   perform torch's CPU kernels' operations in torch's order (UpdateRules.swift), so no
///   tolerance hides a wrong operation.
/// - Adam, AdamW and RMSprop also against torch's unmodified run, within a tolerance: torch's CPU
///   `sqrt` is MKL's vsSqrt, which is not correctly rounded (on the reference machine about 20% of
///   float32 and 1% of float64 square roots are one ulp away from IEEE `sqrt`), and trick takes
///   the IEEE square root. float32: within 1e-6 of the value relative plus 1e-7 absolute, where
///   "the value" is the larger of the element and its tensor's largest magnitude (a momentum
///   buffer is a sum whose terms are that large; an ulp in a term is an ulp of them); float64 the
///   same with 1e-12 / 1e-14.
final class OptimizerVectorTests: XCTestCase {
    func testSGD() throws { try replay("sgd.json", .sgd, trajectory: "steps", exact: true) }
    func testAdam() throws { try replay("adam.json", .adam, trajectory: "steps_ieee_sqrt", exact: true) }
    func testAdamW() throws { try replay("adamw.json", .adamW, trajectory: "steps_ieee_sqrt", exact: true) }
    func testRMSprop() throws { try replay("rmsprop.json", .rmsprop, trajectory: "steps_ieee_sqrt", exact: true) }
    func testAdamAgainstMKLSqrt() throws { try replay("adam.json", .adam, trajectory: "steps", exact: false) }
    func testAdamWAgainstMKLSqrt() throws { try replay("adamw.json", .adamW, trajectory: "steps", exact: false) }
    func testRMSpropAgainstMKLSqrt() throws { try replay("rmsprop.json", .rmsprop, trajectory: "steps", exact: false) }

    func replay(_ file: String, _ kind: Optimizer.Kind, trajectory: String, exact: Bool) throws {
        let tally32 = OptimFixtures.Tally(), tally64 = OptimFixtures.Tally()
        defer {
            if !exact {
                for (name, t) in [("float32", tally32), ("float64", tally64)] {
                    print("\(kind.rawValue) \(name) against torch's MKL sqrt: \(t.exact) of \(t.values) values bit-identical, "
                          + "worst error \(t.worst) of the tolerance")
                }
            }
        }
        let cases = try OptimFixtures.load(file)
        XCTAssertGreaterThanOrEqual(cases.count, 12, "\(file): too few cases")
        for c in cases {
            let name = "\(kind.rawValue) \(c["desc"] as! String) \(c["dtype"] as! String)"
            let dtype = DType(name: c["dtype"] as! String)!
            let tally = dtype == .float32 ? tally32 : tally64
            let (rtol, atol) = dtype == .float32 ? (1e-6, 1e-7) : (1e-12, 1e-14)
            func check(_ t: Tensor, _ expected: [Double], _ msg: @autoclosure () -> String) {
                if exact { OptimFixtures.assertExact(t, expected, msg()) }
                else { OptimFixtures.assertClose(t, expected, rtol: rtol, atol: atol, tally: tally, msg()) }
            }
            let shapes = (c["shapes"] as! [[Int]])
            let initial = (c["init"] as! [Any]).enumerated().map { OptimFixtures.tensor($0.element, shape: shapes[$0.offset], dtype: dtype) }
            let params = initial.map { TestParameter($0) }
            let kwargs = OptimFixtures.options(c["kwargs"])
            let group1 = OptimFixtures.options(c["group1"])
            func make() throws -> Optimizer {
                try Optimizer(kind, groups: [ParamGroup(params: [params[0], params[1]]),
                                             ParamGroup(params: [params[2]], options: group1)], options: kwargs)
            }
            var opt = try make()
            let reloadAfter = c["reload_after"] as! Int
            let expectedSteps = c[trajectory] as! [[String: Any]]
            XCTAssertEqual(expectedSteps.count, 20, name)
            let halveBefore = c["halve_lr_before"] as! [Int]
            for (t, stepAny) in expectedSteps.enumerated() {
                if halveBefore.contains(t) {
                    for gi in opt.paramGroups.indices { opt.paramGroups[gi]["lr"] = .double(try opt.paramGroups[gi].number("lr") * 0.5) }
                }
                let grads = (c["steps"] as! [[String: Any]])[t]["grads"] as! [Any]
                for (i, p) in params.enumerated() {
                    p.grad = grads[i] is NSNull ? nil : OptimFixtures.tensor(grads[i], shape: shapes[i], dtype: dtype)
                }
                try opt.step()
                let expectedParams = stepAny["params"] as! [Any]
                for (i, p) in params.enumerated() {
                    check(p.data, OptimFixtures.doubles(expectedParams[i]), "\(name) step \(t + 1) param \(i)")
                }
                let expectedState = stepAny["state"] as! [[String: Any]]
                let order = opt.parametersWithState.map { q in params.firstIndex { $0 === q }! }
                XCTAssertEqual(order, expectedState.map { $0["index"] as! Int }, "\(name) step \(t + 1): state order")
                for e in expectedState {
                    let i = e["index"] as! Int
                    guard let s = opt.state(for: params[i]) else { XCTFail("\(name) step \(t + 1): no state for param \(i)"); continue }
                    XCTAssertEqual(s.entries.map(\.key), e["keys"] as! [String], "\(name) step \(t + 1) param \(i): state keys")
                    if let step = e["step"] as? Double { XCTAssertEqual(s.step.map(Double.init), step, "\(name) step \(t + 1) param \(i): step") }
                    for (k, v) in s.buffers {
                        check(v, OptimFixtures.doubles(e[k]), "\(name) step \(t + 1) param \(i) state '\(k)'")
                    }
                }
                if t + 1 == reloadAfter {
                    let sd = opt.stateDict()
                    let want = c["state_dict_at_reload"] as! [String: Any]
                    let wantState = want["state"] as! [[String: Any]]
                    XCTAssertEqual(sd.state.map(\.index), wantState.map { $0["index"] as! Int }, "\(name): state_dict state order")
                    XCTAssertEqual(sd.state.map { $0.entries.map(\.key) }, wantState.map { $0["keys"] as! [String] }, "\(name): state_dict keys")
                    let wantGroups = want["param_groups"] as! [[String: Any]]
                    XCTAssertEqual(sd.paramGroups.map(\.params), wantGroups.map { $0["params"] as! [Int] }, "\(name): state_dict params")
                    for (g, w) in zip(sd.paramGroups, wantGroups) { assertOptions(g.options, OptimFixtures.options(w["options"]), name) }
                    let fresh = try make()
                    try fresh.loadStateDict(sd)
                    opt = fresh
                }
            }
            let finalGroups = (c["param_groups_final"] as! [Any]).map { OptimFixtures.options($0) }
            XCTAssertEqual(opt.paramGroups.count, finalGroups.count)
            for (g, w) in zip(opt.paramGroups, finalGroups) { assertOptions(g.options, w, name + " final param_groups") }
        }
    }

    func assertOptions(_ got: [(key: String, value: OptionValue)], _ want: [(key: String, value: OptionValue)], _ name: String,
                       file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(got.map(\.key), want.map(\.key), "\(name): group keys", file: file, line: line)
        for (a, b) in zip(got, want) where !OptimFixtures.same(a.value, b.value) {
            XCTFail("\(name): group option '\(a.key)' is \(a.value), torch has \(b.value)", file: file, line: line)
        }
    }

    /// torch's constructor checks (its optim_error_inputs_func_* cases and more): same exception
    /// type and message.
    func testConstructorErrors() throws {
        let cases = try OptimFixtures.load("errors.json")
        XCTAssertGreaterThan(cases.count, 15)
        for c in cases {
            let kind = Optimizer.Kind(rawValue: c["optimizer"] as! String)!
            let p = TestParameter(try Tensor.zeros([1]))
            XCTAssertThrowsError(try Optimizer(kind, groups: [ParamGroup(params: [p])], options: OptimFixtures.options(c["kwargs"])),
                                 "\(kind.rawValue) \(c["desc"] as! String)") { e in
                guard let e = e as? CoreError else { return XCTFail("not a CoreError: \(e)") }
                XCTAssertEqual(e.message, c["message"] as? String, "\(kind.rawValue) \(c["desc"] as! String)")
                XCTAssertEqual(e.kind, c["error_type"] as? String, "\(kind.rawValue) \(c["desc"] as! String)")
            }
        }
    }
}
