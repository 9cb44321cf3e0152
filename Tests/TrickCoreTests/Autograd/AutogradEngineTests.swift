import Foundation
import XCTest
@testable import TrickCore

/// The engine's behaviour as torch's: accumulation, retain_graph, autograd.grad, no_grad,
/// detach, retain_grad, in-place version checks, and the error texts (messages.json holds the
/// strings torch 2.4.1 raised for the same programs).
final class AutogradEngineTests: XCTestCase {
    var messages: [String: String] = [:]
    var reprs: [[String: Any]] = []

    override func setUpWithError() throws {
        let all = try AutogradFixtures.json("messages.json") as! [String: Any]
        messages = all.compactMapValues { $0 as? String }
        reprs = all["reprs"] as! [[String: Any]]
    }

    /// `repr(tensor)` with `requires_grad=True` / `grad_fn=<…>` as torch prints it.
    func testReprIsTorchs() throws {
        XCTAssertEqual(reprs.count, 12)
        for r in reprs {
            let leaf = try Variable(AutogradFixtures.tensor(r["x"])!, requiresGrad: true)
            let v: Variable
            switch r["op"] as! String {
            case "leaf": v = leaf
            case "mul2": v = try leaf.mul(2)
            default: v = try GradMode.noGrad { try leaf.mul(2) }
            }
            XCTAssertEqual(v.description, r["repr"] as? String)
        }
    }

    func x3() throws -> Variable { try Variable(Tensor([Float(1), -2, 3]), requiresGrad: true) }

    func assertMessage(_ key: String, _ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), key, file: file, line: line) { error in
            XCTAssertEqual((error as? CoreError)?.message, messages[key], key, file: file, line: line)
        }
    }

    func testErrorsAreTorchs() throws {
        let x = try x3()
        assertMessage("freed_graph") {
            let y = try x.mul(x).sum()
            try Autograd.backward(y)
            try Autograd.backward(y)
        }
        assertMessage("non_scalar") { try Autograd.backward(try x.mul(x)) }
        assertMessage("inplace_exp") {
            let a = try x.exp()
            try a.inPlace { try $0.add(1) }
            try Autograd.backward(try a.sum())
        }
        assertMessage("inplace_leaf_detach") {
            let leaf = try x3()
            let y = try leaf.mul(leaf)
            try leaf.detach().zero_()
            try Autograd.backward(try y.sum())
        }
        assertMessage("leaf_inplace") { try x.inPlace { try $0.add(1) } }
        assertMessage("no_grad_fn") { try Autograd.backward(try Variable(Tensor([Float(1), 2, 3])).sum()) }
        assertMessage("unused") { _ = try Autograd.grad([try x.mul(2).sum()], [try Variable(Tensor([Float(1), 2]), requiresGrad: true)]) }
        assertMessage("input_no_grad") { _ = try Autograd.grad([try x.mul(2).sum()], [try Variable(Tensor([Float(1), 2]))]) }
        assertMessage("shape_mismatch") { try Autograd.backward(try x.mul(2), gradient: Tensor([Float(1), 1])) }
        assertMessage("integer_requires_grad") { _ = try Variable(Tensor([Int64(1), 2]), requiresGrad: true) }
        assertMessage("requires_grad_non_leaf") { try x.mul(2).setRequiresGrad(false) }
        let (g, warning) = try x.mul(2).gradForUser()
        XCTAssertNil(g)
        XCTAssertEqual(warning, messages["non_leaf_grad"])
    }

    func testAccumulationAndRetainGraph() throws {
        let x = try x3()
        let y = try x.mul(x).sum()
        try Autograd.backward(y, retainGraph: true)
        XCTAssertEqual(x.grad?.floats, [2, -4, 6])
        try Autograd.backward(y)
        XCTAssertEqual(x.grad?.floats, [4, -8, 12])   // accumulated, as torch
        // a graph whose nodes saved nothing can run again, as in torch
        let z = try x.add(1).sum()
        try z.backward()
        try z.backward()
        XCTAssertEqual(x.grad?.floats, [6, -6, 14])
    }

    func testGradDoesNotTouchDotGrad() throws {
        let x = try x3(), w = try Variable(Tensor([Float(0.5), 2, -1]), requiresGrad: true)
        let y = try x.mul(w).sum()
        let gs = try Autograd.grad([y], [x, w])
        XCTAssertEqual(gs[0]?.floats, [0.5, 2, -1])
        XCTAssertEqual(gs[1]?.floats, [1, -2, 3])
        XCTAssertNil(x.grad)
        XCTAssertNil(w.grad)
        // the gradient with respect to an intermediate value
        let h = try x.mul(3)
        let out = try h.mul(h).sum()
        XCTAssertEqual(try Autograd.grad([out], [h])[0]?.floats, [6, -12, 18])
        // allow_unused
        let other = try Variable(Tensor([Float(1)]), requiresGrad: true)
        let r = try Autograd.grad([try x.sum()], [x, other], allowUnused: true)
        XCTAssertNil(r[1])
    }

    func testNoGradDetachAndRetainGrad() throws {
        let x = try x3()
        let y = try GradMode.noGrad { try x.mul(2) }
        XCTAssertFalse(y.requiresGrad)
        XCTAssertNil(y.gradFnName)
        XCTAssertTrue(GradMode.isEnabled)
        let d = try x.mul(2).detach()
        XCTAssertTrue(d.isLeaf)
        XCTAssertFalse(d.requiresGrad)
        let h = try x.mul(2)
        try h.retainGrad()
        try Autograd.backward(try h.mul(h).sum())
        XCTAssertEqual(h.gradForUser().grad?.floats, [4, -8, 12])
        XCTAssertEqual(x.grad?.floats, [8, -16, 24])
    }

    func testInPlaceOnNonLeafRecordsTheNewOp() throws {
        let x = try x3()
        let a = try x.mul(2)
        try a.inPlace { try $0.add(1) }
        XCTAssertEqual(a.gradFnName, "AddBackward0")
        XCTAssertEqual(a.currentVersion, 1)
        XCTAssertEqual(a.data.floats, [3, -3, 7])
        try Autograd.backward(try a.sum())
        XCTAssertEqual(x.grad?.floats, [2, 2, 2])
        // with grad mode off a leaf may be changed in place (an optimizer step)
        try GradMode.noGrad { try x.inPlace { try $0.sub(1) } }
        XCTAssertEqual(x.data.floats, [0, -3, 2])
        XCTAssertTrue(x.isLeaf)
    }

    func testMaxPoolIndices() throws {
        // torch.nn.functional.max_pool2d(return_indices=True): flat h·W + w per plane, first max on ties
        let x = try Variable(Tensor(shape: [1, 1, 2, 4], float32: [1, 3, 3, 0, 3, 2, 0, 0]), requiresGrad: true)
        let (out, idx) = try Variable.maxPool2d(x, Pool2dGeometry(kernel: (2, 2)))
        XCTAssertEqual(out.data.floats, [3, 3])
        XCTAssertEqual(idx.int64s, [1, 2])
    }
}
