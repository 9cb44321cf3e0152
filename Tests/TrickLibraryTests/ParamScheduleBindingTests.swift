import XCTest
import TrickCore
@testable import TrickLang
@testable import TrickLibrary

/// The built-ins of trick 1 and 8 called as a script calls them (the public conformance forms).
final class ParamScheduleBindingTests: XCTestCase {
    let lib: Library = { let l = Library(); TrickLibrary.register(l); return l }()

    func call(_ name: String, _ pos: [Value] = [], _ kw: [(String, Value)] = []) throws -> Value {
        guard case .builtin(let f)? = lib.globals[name] else { throw RuntimeError("no built-in \(name)") }
        return try f.call(Arguments(pos, keywords: kw))
    }

    func method(_ v: Value, _ name: String, _ pos: [Value] = []) throws -> Value {
        guard case .object(let o) = v, let m = o.methods[name] else { throw RuntimeError("no method \(name)") }
        return try m.call(Arguments(pos))
    }

    func conv(_ i: Int, _ o: Int, _ k: Int, _ kw: [(String, Value)] = []) throws -> Value {
        try call("Conv2d", [.int(i), .int(o), .int(k)], kw)
    }

    func exampleModel() throws -> Value {
        let one = Value.tensor(try Tensor.ones([1]))
        return try call("Module", [], [
            ("param1", try call("Parameter", [one])),
            ("conv1", try conv(3, 4, 1, [("bias", .bool(false))])),
            ("conv2", try conv(4, 2, 1)),
            ("bn", try call("BatchNorm2d", [.int(2)])),
            ("sub", try call("Module", [], [
                ("param1", try call("Parameter", [one])),
                ("conv1", try conv(2, 2, 1, [("groups", .int(2))])),
                ("gn", try call("GroupNorm", [.int(2), .int(2)])),
                ("fc", try call("Linear", [.int(2), .int(1)]))])),
            ("dcn", try call("DeformConv2dPack", [.int(3), .int(4), .int(3)], [("deform_groups", .int(1))])),
        ])
    }

    func rows(_ groups: Value) throws -> [(String, Double, Double)] {
        guard case .list(let l) = groups else { throw RuntimeError("not a list") }
        return l.items.map { g in
            guard case .dict(let d) = g, case .list(let ps)? = d[str: "params"], case .str(let n) = ps.items[0] else { return ("?", 0, 0) }
            return (n, Convert.double(d[str: "lr"]!)!, d[str: "weight_decay"].flatMap { Convert.double($0) } ?? 0)
        }
    }

    func testMultsExample() throws {
        let sgd = Value.dict([("type", .str("SGD")), ("lr", .float(0.02)), ("weight_decay", .float(0.0005)), ("momentum", .float(0.9))])
        let pw = Value.dict([("bias_lr_mult", .int(3)), ("bias_decay_mult", .float(0.5)), ("norm_decay_mult", .int(0)),
                             ("dwconv_decay_mult", .float(0.3)), ("dcn_offset_lr_mult", .float(0.2))])
        let r = try rows(try call("param_groups", [try exampleModel(), sgd], [("paramwise_cfg", pw)]))
        let exp: [(String, Double, Double)] = [
            ("param1", 0.02, 0.0005), ("conv1.weight", 0.02, 0.0005), ("conv2.weight", 0.02, 0.0005), ("conv2.bias", 0.06, 0.00025),
            ("bn.weight", 0.02, 0.0), ("bn.bias", 0.02, 0.0), ("sub.param1", 0.02, 0.0005), ("sub.conv1.weight", 0.02, 0.00015),
            ("sub.conv1.bias", 0.06, 0.00025), ("sub.gn.weight", 0.02, 0.0), ("sub.gn.bias", 0.02, 0.0), ("sub.fc.weight", 0.02, 0.0005),
            ("sub.fc.bias", 0.06, 0.00025), ("dcn.weight", 0.02, 0.0005), ("dcn.conv_offset.weight", 0.004, 0.0005),
            ("dcn.conv_offset.bias", 0.004, 0.0005)]
        XCTAssertEqual(r.map(\.0), exp.map(\.0))
        for (g, e) in zip(r, exp) {
            XCTAssertEqual(g.1, e.1, accuracy: 1e-12, g.0)
            XCTAssertEqual(g.2, e.2, accuracy: 1e-12, g.0)
        }
    }

    func testNoWeightDecayWithDecayMultIsAnError() throws {
        let sgd = Value.dict([("type", .str("SGD")), ("lr", .float(0.02)), ("momentum", .float(0.9))])
        let pw = Value.dict([("bias_lr_mult", .int(3)), ("norm_decay_mult", .int(0))])
        XCTAssertThrowsError(try call("param_groups", [try exampleModel(), sgd], [("paramwise_cfg", pw)]))
    }

    func testGroupKeysAsTorch() throws {
        let sgd = Value.dict([("type", .str("SGD")), ("lr", .float(0.01)), ("weight_decay", .float(0.95))])
        let pw = Value.dict([("custom_keys", .dict([("sub", .dict([("lr_mult", .float(0.1)), ("decay_mult", .float(0.9))]))]))])
        guard case .list(let l) = try call("param_groups", [try exampleModel(), sgd], [("paramwise_cfg", pw)]),
              case .dict(let g) = l.items[6] else { return XCTFail() }
        XCTAssertEqual(g.keys.map { Printer.str($0) }, ["params", "lr", "weight_decay", "lr_mult", "decay_mult", "momentum", "dampening",
                                                         "nesterov", "maximize", "foreach", "differentiable", "fused"])
        let text = try call("explain_param_groups", [try exampleModel(), sgd], [("paramwise_cfg", pw)])
        XCTAssertTrue(Printer.str(text).contains("custom_keys['sub']"))
    }

    func testLrScheduleForms() throws {
        let poly = Value.dict([("type", .str("PolyLR")), ("eta_min", .float(0.0005)), ("power", .float(0.8)), ("begin", .int(0)),
                               ("end", .int(30)), ("by_epoch", .bool(false))])
        guard case .list(let l) = try call("lr_schedule", [.float(0.01), .list([poly])], [("steps", .int(45))]) else { return XCTFail() }
        XCTAssertEqual(l.items.count, 45)
        XCTAssertEqual(Convert.double(l.items[1])!, 0.009737014642014501, accuracy: 1e-15)
        let swalr = Value.dict([("type", .str("SWALR")), ("swa_lr", .float(0.02)), ("anneal_epochs", .int(4)), ("anneal_strategy", .str("cos"))])
        guard case .list(let s) = try call("lr_schedule", [.float(0.1), .list([swalr])], [("steps", .int(9))]) else { return XCTFail() }
        XCTAssertEqual(s.items.map { Convert.double($0)! }, [0.1, 0.08828427124746191, 0.06, 0.0317157287525381, 0.02, 0.02, 0.02, 0.02, 0.02])
        let bad = Value.dict([("type", .str("PolyLR")), ("begin", .int(5)), ("end", .int(5))])
        XCTAssertThrowsError(try call("lr_schedule", [.float(0.1), .list([bad])], [("steps", .int(3))]))
        XCTAssertThrowsError(try call("lr_schedule", [.float(-0.1), .list([poly])], [("steps", .int(3))]))
        let badSWA = Value.dict([("type", .str("SWALR")), ("swa_lr", .float(0.02)), ("anneal_epochs", .int(-1))])
        XCTAssertThrowsError(try call("lr_schedule", [.float(0.1), .list([badSWA])], [("steps", .int(3))]))
    }

    func testAveragedModel() throws {
        let m = try call("AveragedModel", [.dict([("weight", .tensor(try Tensor.zeros([2]))), ("bias", .tensor(try Tensor.zeros([1])))])])
        for (w, b) in [([Float(1), 2], [Float(3)]), ([3, 4], [5]), ([5, 0], [1])] {
            _ = try method(m, "update_parameters", [.dict([("weight", .tensor(Tensor(w))), ("bias", .tensor(Tensor(b)))])])
        }
        guard case .object(let o) = m, case .int(let n)? = o.attributes["n_averaged"], case .dict(let p)? = o.attributes["params"],
              case .tensor(let w)? = p[str: "weight"] else { return XCTFail() }
        XCTAssertEqual(n, 3)
        XCTAssertEqual(w.tensor.floats, [3, 2])
    }

    func testModuleObjects() throws {
        let seq = try call("Sequential", [try conv(3, 4, 1), try call("BatchNorm2d", [.int(4)])])
        let np = try method(seq, "named_parameters")
        guard case .list(let l) = np else { return XCTFail() }
        XCTAssertEqual(l.items.count, 4)
        _ = try method(seq, "requires_grad_", [.bool(false)])
        guard case .object(let so) = seq, case .object(let c0)? = so.attributes["0"], case .object(let w)? = c0.attributes["weight"] else { return XCTFail() }
        // a parameter with values answers requires_grad through its variable (the object's getter)
        XCTAssertEqual(try (w.attributes["requires_grad"] ?? w.getter?("requires_grad")).map { Printer.repr($0) }, "False")
    }
}
