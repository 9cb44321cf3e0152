import Foundation
import XCTest
@testable import TrickCore

/// `ParamGroups.resolve` / `LayerDecay.groups` against mmengine / mmseg groups (Fixtures/params/paramwise.json).
final class ParamGroupsTests: XCTestCase {
    static let torchDefaultWD: [String: Double] = ["SGD": 0, "Adam": 0, "AdamW": 0.01]

    func testAgainstReferenceGroups() throws {
        let cases = try ParamFixtures.load("paramwise") as! [[String: Any]]
        var checked = 0
        for c in cases {
            let id = c["id"] as! String
            var shared: [String: ModuleNode] = [:]
            let model = try ParamFixtures.model(c["model"]!, shared: &shared)
            if c["shared_fix"] != nil { model.child("conv1")!.setChild("0", shared["c1"]!) }
            let opt = c["optimizer"] as! [String: Any]
            let baseLR = ParamFixtures.num(opt["lr"])
            let baseWD = ParamFixtures.num(opt["weight_decay"])
            let ctor = c["constructor"] as! String
            let expectedError = c["error"] as? String
            do {
                if ctor.contains("Decay") {
                    var p = c["paramwise_cfg"] as! [String: Any]
                    var type = p["decay_type"] as? String ?? "layer_wise"
                    if ctor == "LayerDecayOptimizerConstructor" { type = "layer_wise_vit"; p["decay_rate"] = p["layer_decay_rate"] }
                    let cfg = LayerDecayConfig(numLayers: (p["num_layers"] as! NSNumber).intValue,
                                               decayRate: ParamFixtures.num(p["decay_rate"])!, decayType: type)
                    let got = try LayerDecay.groups(model: model, config: cfg, baseLR: baseLR!, baseWD: baseWD!)
                    let exp = c["groups"] as! [[String: Any]]
                    XCTAssertEqual(got.map(\.groupName), exp.map { $0["group_name"] as! String }, id)
                    for (g, e) in zip(got, exp) {
                        XCTAssertEqual(g.paramNames, e["param_names"] as! [String], id)
                        XCTAssertEqual(g.lr, ParamFixtures.num(e["lr"])!, id)
                        XCTAssertEqual(g.lrScale, ParamFixtures.num(e["lr_scale"])!, id)
                        XCTAssertEqual(g.weightDecay, ParamFixtures.num(e["weight_decay"])!, id)
                    }
                    checked += 1
                    continue
                }
                var warnings: [String] = []
                let flavor: ParamGroupsFlavor = ctor.hasPrefix("Force") ? .forceDefault : .mmengine
                let r = try ParamGroups.resolve(model: model, config: ParamFixtures.paramwise(c["paramwise_cfg"]), baseLR: baseLR,
                                                baseWD: baseWD, flavor: flavor, warnings: &warnings)
                XCTAssertNil(expectedError, "\(id): expected \(expectedError ?? "")")
                let exp = c["groups"] as! [[String: Any]]
                let defaultWD = baseWD ?? ParamGroupsTests.torchDefaultWD[opt["type"] as! String]!
                switch r {
                case .single(let ps):
                    XCTAssertEqual(exp.count, 1, id)
                    XCTAssertEqual(ps.map(\.name), exp[0]["params"] as! [String], id)
                case .perParameter(let rs):
                    XCTAssertEqual(rs.map(\.name), exp.map { ($0["params"] as! [String])[0] }, id)
                    let cks = ParamFixtures.paramwise(c["paramwise_cfg"]).customKeys
                    for (p, e) in zip(rs, exp) {
                        XCTAssertEqual(p.explicit("lr", customKeys: cks) ?? baseLR!, ParamFixtures.num(e["lr"])!, "\(id) \(p.name) lr")
                        XCTAssertEqual(p.explicit("weight_decay", customKeys: cks) ?? defaultWD, ParamFixtures.num(e["weight_decay"])!,
                                       "\(id) \(p.name) weight_decay")
                    }
                }
                checked += 1
            } catch let e as CoreError {
                XCTAssertNotNil(expectedError, "\(id): unexpected error \(e.message)")
                if let x = expectedError {
                    XCTAssertTrue(e.message.hasPrefix(String(x.dropFirst("ValueError: ".count).prefix(20))), "\(id): \(e.message) vs \(x)")
                }
                checked += 1
            }
        }
        XCTAssertEqual(checked, cases.count)
    }

    func testKeyOrder() {
        let keys = ["b", "a", "ab", "ba", "c"]
        XCTAssertEqual(ParamGroups.sortedKeyOrder(keys).map { keys[$0] }, ["ab", "ba", "a", "b", "c"])
        let k2 = ["param1", "sub", "sub.gn", "non_exist_key"]
        XCTAssertEqual(ParamGroups.sortedKeyOrder(k2).map { k2[$0] }, ["non_exist_key", "param1", "sub.gn", "sub"])
    }

    func testMMCVFlavor() throws {
        // reference §4.2 M1 (mmcv 1.x defaults 1.0, dwconv beats bias) on the shared ExampleModel.
        let cases = try ParamFixtures.load("paramwise") as! [[String: Any]]
        var shared: [String: ModuleNode] = [:]
        let model = try ParamFixtures.model(cases.first { ($0["id"] as! String) == "example/cfg2/opt0" }!["model"]!, shared: &shared)
        var cfg = ParamwiseConfig()
        cfg.presentKeys = ["bias_lr_mult", "bias_decay_mult", "norm_decay_mult", "dwconv_decay_mult", "dcn_offset_lr_mult"]
        cfg.biasLrMult = 2; cfg.biasDecayMult = 0.5; cfg.normDecayMult = 0; cfg.dwconvDecayMult = 0.1; cfg.dcnOffsetLrMult = 0.1
        var w: [String] = []
        guard case .perParameter(let rs) = try ParamGroups.resolve(model: model, config: cfg, baseLR: 0.01, baseWD: 0.0001, flavor: .mmcv, warnings: &w) else {
            return XCTFail("expected per-parameter groups")
        }
        let got = Dictionary(uniqueKeysWithValues: rs.map { ($0.name, ($0.explicit("lr", customKeys: []) ?? 0.01, $0.explicit("weight_decay", customKeys: []) ?? 0.0001)) })
        XCTAssertEqual(got["conv2.bias"]!.0, 0.02); XCTAssertEqual(got["conv2.bias"]!.1, 5e-05)
        XCTAssertEqual(got["bn.bias"]!.0, 0.01); XCTAssertEqual(got["bn.bias"]!.1, 0.0)
        XCTAssertEqual(got["sub.conv1.bias"]!.0, 0.02); XCTAssertEqual(got["sub.conv1.bias"]!.1, 1e-05)
        XCTAssertEqual(got["dcn.conv_offset.bias"]!.0, 0.001); XCTAssertEqual(got["dcn.conv_offset.bias"]!.1, 0.0001)
        XCTAssertEqual(got["param1"]!.1, 0.0001)
    }

    func testLayerShapes() throws {
        let dcn = try Layers.deformConv(modulated: false, inChannels: 3, outChannels: 4, kernelSize: [3], deformGroups: 2, bias: false)
        XCTAssertEqual(dcn.namedParameters().map(\.name), ["weight", "conv_offset.weight", "conv_offset.bias"])
        XCTAssertEqual(dcn.namedParameters().map(\.param.shape), [[4, 3, 3, 3], [36, 3, 3, 3], [36]])
        let m = try Layers.deformConv(modulated: true, inChannels: 3, outChannels: 4, kernelSize: [3], deformGroups: 2, bias: true)
        XCTAssertEqual(m.namedParameters().map(\.param.shape), [[4, 3, 3, 3], [4], [54, 3, 3, 3], [54]])
        XCTAssertThrowsError(try Layers.conv(dims: 2, inChannels: 3, outChannels: 4, kernelSize: [3], groups: 2))
        XCTAssertThrowsError(try Layers.groupNorm(numGroups: 3, numChannels: 4))
    }
}
