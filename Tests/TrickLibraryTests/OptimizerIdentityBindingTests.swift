import XCTest
import TrickCore
@testable import TrickLang
@testable import TrickLibrary

/// Issue 18: `SGD([{'params': a.parameters()}, {'params': b.parameters(), 'lr': 0.5}], lr=0.05)` with
/// two different `Conv2d(1, 1, 1)` raised "some parameters appear in more than one parameter group"
/// (parameters were told apart by shape). torch tells them apart by identity; the same parameter
/// in two groups is still the ValueError.
final class OptimizerIdentityBindingTests: XCTestCase {
    let lib: Library = { let l = Library(); TrickLibrary.register(l); return l }()

    func call(_ name: String, _ pos: [Value] = [], _ kw: [(String, Value)] = []) throws -> Value {
        guard case .builtin(let f)? = lib.globals[name] else { throw RuntimeError("no built-in \(name)") }
        return try f.call(Arguments(pos, keywords: kw))
    }

    func parameters(_ module: Value) throws -> Value {
        guard case .object(let o) = module, let m = o.methods["parameters"] else { throw RuntimeError("no parameters()") }
        return try m.call(Arguments([]))
    }

    func groups(_ opt: Value) throws -> [DictRef] {
        guard case .object(let o) = opt, case .list(let l)? = o.attributes["param_groups"] else {
            throw RuntimeError("no param_groups")
        }
        return l.items.compactMap { if case .dict(let d) = $0 { return d }; return nil }
    }

    func testTwoConvsOfTheSameShape() throws {
        let a = try call("Conv2d", [.int(1), .int(1), .int(1)]), b = try call("Conv2d", [.int(1), .int(1), .int(1)])
        let opt = try call("SGD", [.list(ListRef([.dict([("params", try parameters(a))]),
                                                  .dict([("params", try parameters(b)), ("lr", .float(0.5))])]))],
                           [("lr", .float(0.05))])
        let g = try groups(opt)
        XCTAssertEqual(g.count, 2)
        XCTAssertEqual(g.map { Convert.double($0[str: "lr"]!) }, [0.05, 0.5])
        guard case .list(let ps)? = g[0][str: "params"] else { return XCTFail("params") }
        XCTAssertEqual(ps.items.count, 2, "weight and bias of a")
        XCTAssertNotNil(ModuleObjects.parameter(ps.items[0]), "param_groups hold the Parameter objects, as torch")
    }

    func testSameParameterTwiceIsStillAnError() throws {
        let a = try call("Conv2d", [.int(1), .int(1), .int(1)])
        let ps = try parameters(a)
        XCTAssertThrowsError(try call("SGD", [.list(ListRef([.dict([("params", ps)]), .dict([("params", ps)])]))])) { e in
            XCTAssertEqual((e as? RuntimeError)?.message, "some parameters appear in more than one parameter group")
        }
    }
}
