import XCTest
@testable import TrickCore

/// torch.optim.Optimizer's bookkeeping (torch 2.4.1 optimizer.py): the cases of torch's own tests
/// that need no autograd (common_optimizers' get_error_inputs_for_all_optims — duplicates within
/// and across groups —, test_optim.py's test_step_is_noop_when_params_have_no_grad), state and
/// load_state_dict rules read from optimizer.py, and issue 18's Conv2d(1, 1, 1) pair. The
/// behaviour each check relies on is torch's, stated next to it.
final class OptimizerBehaviourTests: XCTestCase {
    func param(_ values: [Float], grad: [Float]? = nil) -> TestParameter {
        TestParameter(Tensor(values), grad: grad.map { Tensor($0) })
    }

    /// Issue 18: two distinct parameters of the same shape (two `Conv2d(1, 1, 1)` weights) are two
    /// parameters; `SGD([{'params': a}, {'params': b, 'lr': 0.5}], lr=0.05)` builds, each group
    /// steps with its own lr.
    func testSameShapeParametersInTwoGroupsAreDistinct() throws {
        let a = param([1], grad: [1]), b = param([1], grad: [1])
        let opt = try Optimizer(.sgd, groups: [ParamGroup(params: [a]), ParamGroup(params: [b], options: [("lr", .double(0.5))])],
                                options: [("lr", .double(0.05))])
        XCTAssertEqual(opt.paramGroups.count, 2)
        try opt.step()
        XCTAssertEqual(a.data.floats, [Float(1).addingProduct(Float(-0.05), 1)])
        XCTAssertEqual(b.data.floats, [0.5])
    }

    /// torch: `[{'params': p}, {'params': p}]` → ValueError "some parameters appear in more than one
    /// parameter group"; `[p, p]` → a UserWarning about duplicate parameters.
    func testDuplicates() throws {
        let p = param([1])
        XCTAssertThrowsError(try Optimizer(.adam, groups: [ParamGroup(params: [p]), ParamGroup(params: [p])])) { e in
            XCTAssertEqual((e as? CoreError)?.message, "some parameters appear in more than one parameter group")
            XCTAssertEqual((e as? CoreError)?.kind, "ValueError")
        }
        let opt = try Optimizer(.sgd, groups: [ParamGroup(params: [p, p])])
        XCTAssertEqual(opt.warnings.count, 1)
        XCTAssertTrue(opt.warnings[0].contains("a parameter group with duplicate parameters"))
        let q = param([2])
        XCTAssertThrowsError(try opt.addParamGroup(ParamGroup(params: [q, p]))) { e in
            XCTAssertEqual((e as? CoreError)?.message, "some parameters appear in more than one parameter group")
        }
        try opt.addParamGroup(ParamGroup(params: [q], options: [("lr", .double(0.1))]))
        XCTAssertEqual(opt.paramGroups.count, 2)
        XCTAssertEqual(opt.paramGroups[1].options.map(\.key),
                       ["lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize", "foreach", "differentiable", "fused"])
    }

    func testEmptyParameterList() {
        XCTAssertThrowsError(try Optimizer(.sgd, groups: [])) { e in
            XCTAssertEqual((e as? CoreError)?.message, "optimizer got an empty parameter list")
        }
    }

    /// torch's test_step_is_noop_when_params_have_no_grad: no grads → parameters unchanged, no state.
    func testStepWithoutGradsIsNoop() throws {
        for kind in Optimizer.Kind.allCases {
            let p = param([1, -2, 3]), q = param([0.5])
            let opt = try Optimizer(kind, groups: [ParamGroup(params: [p, q])], options: [("weight_decay", .double(0.1))])
            for _ in 0..<3 { try opt.step() }
            XCTAssertEqual(p.data.floats, [1, -2, 3], kind.rawValue)
            XCTAssertEqual(q.data.floats, [0.5], kind.rawValue)
            XCTAssertTrue(opt.parametersWithState.isEmpty, kind.rawValue)
            XCTAssertTrue(opt.stateDict().state.isEmpty, kind.rawValue)
        }
    }

    /// SGD without momentum keeps no state at all (torch writes `momentum_buffer` only when
    /// `momentum != 0`); with momentum the buffer is the first step's grad.
    func testSGDState() throws {
        let p = param([1, 2], grad: [0.5, -0.25])
        let plain = try Optimizer(.sgd, groups: [ParamGroup(params: [p])], options: [("lr", .double(0.1))])
        try plain.step()
        XCTAssertNil(plain.state(for: p))
        let q = param([1, 2], grad: [0.5, -0.25])
        let mom = try Optimizer(.sgd, groups: [ParamGroup(params: [q])], options: [("lr", .double(0.1)), ("momentum", .double(0.9))])
        try mom.step()
        XCTAssertEqual(mom.state(for: q)?["momentum_buffer"]?.floats, [0.5, -0.25])
        XCTAssertEqual(mom.state(for: q)?.entries.map(\.key), ["momentum_buffer"])
    }

    func testZeroGrad() throws {
        let p = param([1, 2], grad: [3, 4])
        let opt = try Optimizer(.sgd, groups: [ParamGroup(params: [p])])
        try opt.zeroGrad(setToNone: false)
        XCTAssertEqual(p.grad?.floats, [0, 0])
        try opt.zeroGrad()
        XCTAssertNil(p.grad)
    }

    /// load_state_dict: torch's ValueErrors for a different number of groups or group sizes.
    func testLoadStateDictMismatch() throws {
        let a = param([1], grad: [1]), b = param([2], grad: [1])
        let one = try Optimizer(.adam, groups: [ParamGroup(params: [a, b])])
        try one.step()
        let two = try Optimizer(.adam, groups: [ParamGroup(params: [a]), ParamGroup(params: [b])])
        XCTAssertThrowsError(try two.loadStateDict(one.stateDict())) { e in
            XCTAssertEqual((e as? CoreError)?.message, "loaded state dict has a different number of parameter groups")
        }
        let short = try Optimizer(.adam, groups: [ParamGroup(params: [a])])
        XCTAssertThrowsError(try short.loadStateDict(one.stateDict())) { e in
            XCTAssertEqual((e as? CoreError)?.message,
                           "loaded state dict contains a parameter group that doesn't match the size of optimizer's group")
        }
    }

    /// torch casts loaded floating state to the parameter's dtype, except `step`; the saved
    /// groups' options replace the current ones.
    func testLoadStateDictCastsToParameterDtype() throws {
        let p = param([1, 2], grad: [0.5, -1])
        let opt = try Optimizer(.adam, groups: [ParamGroup(params: [p])], options: [("lr", .double(0.01))])
        try opt.step()
        let q = TestParameter(Tensor([1.0, 2.0] as [Double]))
        let other = try Optimizer(.adam, groups: [ParamGroup(params: [q])])
        try other.loadStateDict(opt.stateDict())
        let s = try XCTUnwrap(other.state(for: q))
        XCTAssertEqual(s.step, 1)
        XCTAssertEqual(s["exp_avg"]?.dtype, .float64)
        XCTAssertEqual(s["exp_avg"]?.doubles, opt.state(for: p)?["exp_avg"]?.doubles)
        XCTAssertEqual(other.paramGroups[0]["lr"], .double(0.01))
        XCTAssertEqual(s.entries.first?.value.dtype, .float32, "step stays a float32 tensor")
    }

    /// The state order is the order parameters first got a grad, and state_dict keeps it.
    func testStateOrderFollowsFirstGrad() throws {
        let a = param([1]), b = param([2], grad: [1])
        let opt = try Optimizer(.rmsprop, groups: [ParamGroup(params: [a, b])])
        try opt.step()
        a.grad = Tensor([Float(1)])
        try opt.step()
        XCTAssertEqual(opt.stateDict().state.map(\.index), [1, 0])
        XCTAssertEqual(opt.state(for: b)?.step, 2)
        XCTAssertEqual(opt.state(for: a)?.step, 1)
    }

    func testGradMustMatchParameter() throws {
        let p = param([1, 2], grad: [1])
        let opt = try Optimizer(.sgd, groups: [ParamGroup(params: [p])])
        XCTAssertThrowsError(try opt.step())
        p.grad = Tensor([1.0, 2.0] as [Double])
        XCTAssertThrowsError(try opt.step())
    }

    func testUnsupportedFlagsAndKeywords() {
        let p = param([1])
        XCTAssertThrowsError(try Optimizer(.adam, groups: [ParamGroup(params: [p])], options: [("capturable", .bool(true))]))
        XCTAssertThrowsError(try Optimizer(.sgd, groups: [ParamGroup(params: [p])], options: [("betas", .tuple([.double(0.9), .double(0.99)]))])) { e in
            XCTAssertEqual((e as? CoreError)?.kind, "TypeError")
        }
        XCTAssertNoThrow(try Optimizer(.adam, groups: [ParamGroup(params: [p])], options: [("foreach", .bool(false))]))
    }
}
