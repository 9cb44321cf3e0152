import Foundation
import XCTest
@testable import TrickCore

/// Loads the JSON vectors written by tools/gen_losses_vectors.py (real torch / mmseg outputs).
enum LossFixtures {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/losses")

    static func load(_ name: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: dir.appendingPathComponent(name))
        return try JSONSerialization.jsonObject(with: data) as! [[String: Any]]
    }

    static func tensor(_ v: Any?) -> Tensor? {
        guard let d = v as? [String: Any] else { return nil }
        let shape = (d["shape"] as! [NSNumber]).map { $0.intValue }
        let data = d["data"] as! [Any]
        switch d["dtype"] as! String {
        case "int64": return Tensor(shape: shape, int64: data.map { ($0 as! NSNumber).int64Value })
        case "bool": return Tensor(shape: shape, bool: data.map { ($0 as! NSNumber).boolValue })
        case "float64": return Tensor(shape: shape, float64: data.map { ($0 as! NSNumber).doubleValue })
        default: return Tensor(shape: shape, float32: data.map { ($0 as! NSNumber).floatValue })
        }
    }

    static func reduction(_ v: Any?) -> Reduction? {
        guard let s = v as? String else { return nil }
        return Reduction(rawValue: s)
    }

    static func floats(_ v: Any?) -> [Float]? { (v as? [NSNumber])?.map { $0.floatValue } }

    /// Builds a loss from a config dict of the vectors (the keys MMSeg's constructors take).
    static func loss(_ cfg: [String: Any]) throws -> any SegLoss {
        let type = cfg["type"] as? String ?? "CrossEntropyLoss"
        switch type {
        case "DiceLoss":
            var c = DiceLossConfig()
            if let v = cfg["use_sigmoid"] as? Bool { c.useSigmoid = v }
            if let v = cfg["activate"] as? Bool { c.activate = v }
            if let v = reduction(cfg["reduction"]) { c.reduction = v }
            if let v = cfg["naive_dice"] as? Bool { c.naiveDice = v }
            if let v = cfg["loss_weight"] as? NSNumber { c.lossWeight = v.doubleValue }
            if cfg.keys.contains("ignore_index") { c.ignoreIndex = (cfg["ignore_index"] as? NSNumber)?.intValue }
            if let v = cfg["eps"] as? NSNumber { c.eps = v.doubleValue }
            if let v = cfg["loss_name"] as? String { c.lossName = v }
            return DiceLoss(c)
        case "TverskyLoss":
            var c = TverskyLossConfig()
            if let v = cfg["smooth"] as? NSNumber { c.smooth = v.doubleValue }
            c.classWeight = floats(cfg["class_weight"])
            if let v = cfg["loss_weight"] as? NSNumber { c.lossWeight = v.doubleValue }
            if cfg.keys.contains("ignore_index") { c.ignoreIndex = (cfg["ignore_index"] as? NSNumber)?.intValue }
            if let v = cfg["alpha"] as? NSNumber { c.alpha = v.doubleValue }
            if let v = cfg["beta"] as? NSNumber { c.beta = v.doubleValue }
            if let v = cfg["loss_name"] as? String { c.lossName = v }
            return try TverskyLoss(c)
        case "LovaszLoss":
            var c = LovaszLossConfig()
            c.binary = cfg["loss_type"] as? String == "binary"
            switch cfg["classes"] {
            case let s as String: c.classes = s == "all" ? .all : .present
            case let l as [NSNumber]: c.classes = .list(l.map { $0.intValue })
            default: break
            }
            if let v = cfg["per_image"] as? Bool { c.perImage = v }
            if let v = reduction(cfg["reduction"]) { c.reduction = v }
            c.classWeight = floats(cfg["class_weight"])
            if let v = cfg["loss_weight"] as? NSNumber { c.lossWeight = v.doubleValue }
            if let v = cfg["loss_name"] as? String { c.lossName = v }
            return try LovaszLoss(c)
        case "FocalLoss":
            var c = FocalLossConfig()
            if let v = cfg["gamma"] as? NSNumber { c.gamma = v.doubleValue }
            if let v = cfg["alpha"] as? NSNumber { c.alpha = [v.doubleValue] }
            if let v = cfg["alpha"] as? [NSNumber] { c.alpha = v.map { $0.doubleValue } }
            if let v = reduction(cfg["reduction"]) { c.reduction = v }
            c.classWeight = floats(cfg["class_weight"])
            if let v = cfg["loss_weight"] as? NSNumber { c.lossWeight = v.doubleValue }
            if let v = cfg["loss_name"] as? String { c.lossName = v }
            return FocalLoss(c)
        default:
            var c = CrossEntropyLossConfig()
            if let v = cfg["use_sigmoid"] as? Bool { c.useSigmoid = v }
            if let v = reduction(cfg["reduction"]) { c.reduction = v }
            c.classWeight = floats(cfg["class_weight"])
            if let v = cfg["loss_weight"] as? NSNumber { c.lossWeight = v.doubleValue }
            if let v = cfg["loss_name"] as? String { c.lossName = v }
            if let v = cfg["avg_non_ignore"] as? Bool { c.avgNonIgnore = v }
            return try CrossEntropyLoss(c)
        }
    }

    static func losses(_ v: Any?) throws -> [any SegLoss] {
        if let d = v as? [String: Any] { return [try loss(d)] }
        if let l = v as? [[String: Any]] { return try l.map { try loss($0) } }
        return []
    }
}

func assertClose(_ got: Tensor, _ want: Tensor, rtol: Double = 1e-5, atol: Double = 1e-6,
                 _ msg: String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(got.shape, want.shape, "shape \(msg)", file: file, line: line)
    guard got.count == want.count else { return }
    let g = got.doubles, w = want.doubles
    var bad = 0
    for i in g.indices {
        let ok = (g[i].isNaN && w[i].isNaN) || abs(g[i] - w[i]) <= atol + rtol * abs(w[i])
        if !ok {
            bad += 1
            if bad <= 3 { XCTFail("\(msg) [\(i)]: got \(g[i]), want \(w[i])", file: file, line: line) }
        }
    }
}
