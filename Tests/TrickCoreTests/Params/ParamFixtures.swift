import Foundation
import XCTest
@testable import TrickCore

/// Loads the JSON vectors written by tools/gen_params_vectors.py (real mmengine / mmseg / torch).
enum ParamFixtures {
    static func load(_ name: String) throws -> Any {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/params/\(name).json")
        return try JSONSerialization.jsonObject(with: Data(contentsOf: url), options: [.fragmentsAllowed])
    }

    /// A number stored as an int or as a float's repr string (exact).
    static func num(_ v: Any?) -> Double? {
        if let s = v as? String { return Double(s) }
        if let b = v as? Bool { return b ? 1 : 0 }
        return (v as? NSNumber)?.doubleValue
    }

    static func nums(_ v: Any?) -> [Double] { (v as? [Any])?.compactMap { num($0) } ?? [] }

    static func ints(_ v: Any?) -> [Int] {
        if let a = v as? [Any] { return a.compactMap { ($0 as? NSNumber)?.intValue } }
        if let n = v as? NSNumber { return [n.intValue] }
        return []
    }

    /// Rebuilds a model from the generator's spec form.
    static func model(_ spec: Any, shared: inout [String: ModuleNode]) throws -> ModuleNode {
        let s = spec as! [Any]
        let kind = s[0] as! String
        switch kind {
        case "Shared":
            let key = s[1] as! String
            if let m = shared[key] { return m }
            let m = try Layers.conv(dims: 2, inChannels: 3, outChannels: 4, kernelSize: [1], bias: false)
            shared[key] = m
            return m
        case "Sequential":
            return Layers.sequential(try (s[1] as! [Any]).map { try model($0, shared: &shared) })
        case "Module":
            let m = ModuleNode(typeName: s.count > 2 ? s[2] as! String : "Module")
            for item in s[1] as! [Any] {
                let pair = item as! [Any]
                let name = pair[0] as! String, sub = pair[1] as! [Any]
                if sub[0] as! String == "Parameter" {
                    m.setParameter(name, ModuleParameter(shape: ints(sub[1]), requiresGrad: sub[2] as! Bool))
                } else {
                    m.setChild(name, try model(sub, shared: &shared))
                }
            }
            return m
        default:
            let kw = s[1] as! [String: Any]
            func i(_ k: String, _ d: Int) -> Int { (kw[k] as? NSNumber)?.intValue ?? d }
            func b(_ k: String, _ d: Bool) -> Bool { (kw[k] as? Bool) ?? d }
            switch kind {
            case "Conv1d", "Conv2d", "Conv3d", "ConvTranspose2d":
                let dims = kind == "ConvTranspose2d" ? 2 : Int(String(kind.dropFirst(4).prefix(1)))!
                return try Layers.conv(dims: dims, inChannels: i("in_channels", 0), outChannels: i("out_channels", 0),
                                       kernelSize: ints(kw["kernel_size"]), groups: i("groups", 1), bias: b("bias", true),
                                       transposed: kind.hasPrefix("ConvTranspose"))
            case "Linear": return try Layers.linear(inFeatures: i("in_features", 0), outFeatures: i("out_features", 0), bias: b("bias", true))
            case "Embedding": return try Layers.embedding(numEmbeddings: i("num_embeddings", 0), embeddingDim: i("embedding_dim", 0))
            case "BatchNorm1d", "BatchNorm2d", "SyncBatchNorm":
                return try Layers.norm(kind, numFeatures: i("num_features", 0), affine: b("affine", true), trackRunningStats: true)
            case "InstanceNorm2d":
                return try Layers.norm(kind, numFeatures: i("num_features", 0), affine: b("affine", false), trackRunningStats: false)
            case "GroupNorm": return try Layers.groupNorm(numGroups: i("num_groups", 1), numChannels: i("num_channels", 0))
            case "LayerNorm": return try Layers.layerNorm(normalizedShape: ints(kw["normalized_shape"]))
            case "DeformConv2dPack", "ModulatedDeformConv2dPack":
                let mod = kind.hasPrefix("Modulated")
                return try Layers.deformConv(modulated: mod, inChannels: i("in_channels", 0), outChannels: i("out_channels", 0),
                                             kernelSize: ints(kw["kernel_size"]), deformGroups: i("deform_groups", 1), bias: b("bias", mod))
            default: throw CoreError("unknown layer \(kind) in fixture")
            }
        }
    }

    /// `paramwise_cfg` as the core takes it.
    static func paramwise(_ v: Any?) -> ParamwiseConfig {
        var c = ParamwiseConfig()
        guard let d = v as? [String: Any] else { return c }
        for (k, x) in d {
            c.presentKeys.insert(k)
            let n = num(x)
            switch k {
            case "custom_keys":
                c.hasCustomKeys = true
                for (ck, items) in (x as! [String: Any]) {
                    let its = (items as! [String: Any]).map { (name: $0.key, number: num($0.value)) }
                    c.customKeys.append(CustomKeyConfig(key: ck, items: its))
                }
            case "bias_lr_mult": c.biasLrMult = n
            case "bias_decay_mult": c.biasDecayMult = n
            case "norm_decay_mult": c.normDecayMult = n
            case "dwconv_decay_mult": c.dwconvDecayMult = n
            case "dcn_offset_lr_mult": c.dcnOffsetLrMult = n
            case "flat_decay_mult": c.flatDecayMult = n
            case "bypass_duplicate": c.bypassDuplicate = (x as? Bool) ?? false
            case "force_default_settings": c.forceDefaultSettings = (x as? Bool) ?? false
            default: break
            }
        }
        return c
    }
}
