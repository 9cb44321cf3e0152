#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Layer-wise learning-rate decay, as MMSegmentation's `LearningRateDecayOptimizerConstructor`
/// (ConvNeXt `layer_wise` / `stage_wise`, BEiT/MAE `layer_wise_vit`) and the deprecated
/// `LayerDecayOptimizerConstructor` (BEiT). It replaces `add_params` entirely: custom keys and
/// every `*_mult` rule are ignored. See reference/param-groups-schedules-swa.md §5 and §8.11.
public struct LayerDecayConfig: Sendable {
    public var numLayers: Int
    public var decayRate: Double
    public var decayType: String

    public init(numLayers: Int, decayRate: Double, decayType: String = "layer_wise") {
        self.numLayers = numLayers
        self.decayRate = decayRate
        self.decayType = decayType
    }
}

public struct LayerDecayGroup: Sendable {
    public var groupName: String
    public var layerId: Int
    public var weightDecay: Double
    public var lrScale: Double
    public var lr: Double
    public var paramNames: [String] = []
}

public enum LayerDecay {
    static func component(_ name: String, _ i: Int) throws -> Int {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard i < parts.count, let v = Int(parts[i]) else {
            throw CoreError("cannot read a stage/layer index from parameter name '\(name)' (field \(i) is not an int)")
        }
        return v
    }

    static let tokens: Set<String> = ["backbone.cls_token", "backbone.mask_token", "backbone.pos_embed"]

    /// mmseg `get_layer_id_for_convnext(var_name, max_layer_id)` (max_layer_id is the raw num_layers).
    public static func convnextLayerId(_ name: String, maxLayerId: Int) throws -> Int {
        if tokens.contains(name) { return 0 }
        if name.hasPrefix("backbone.downsample_layers") {
            switch try component(name, 2) {
            case 0: return 0
            case 1: return 2
            case 2: return 3
            case 3: return maxLayerId
            case let s: throw CoreError("ConvNeXt layer-wise decay: downsample layer \(s) of '\(name)' is not in 0…3")
            }
        }
        if name.hasPrefix("backbone.stages") {
            let stage = try component(name, 2), block = try component(name, 3)
            switch stage {
            case 0: return 1
            case 1: return 2
            case 2: return 3 + block / 3
            case 3: return maxLayerId
            default: throw CoreError("ConvNeXt layer-wise decay: stage \(stage) of '\(name)' is not in 0…3")
            }
        }
        return maxLayerId + 1
    }

    /// mmseg `get_stage_id_for_convnext(var_name, max_stage_id)` (max_stage_id = num_layers + 2).
    public static func convnextStageId(_ name: String, maxStageId: Int) throws -> Int {
        if tokens.contains(name) || name.hasPrefix("backbone.downsample_layers") { return 0 }
        if name.hasPrefix("backbone.stages") { return try component(name, 2) + 1 }
        return maxStageId - 1
    }

    /// mmseg `get_layer_id_for_vit(var_name, max_layer_id)` (max_layer_id = num_layers + 2).
    public static func vitLayerId(_ name: String, maxLayerId: Int) throws -> Int {
        if tokens.contains(name) || name.hasPrefix("backbone.patch_embed") { return 0 }
        if name.hasPrefix("backbone.layers") { return try component(name, 2) + 1 }
        return maxLayerId - 1
    }

    /// The groups in first-occurrence order; `model` is already unwrapped from `.module`.
    public static func groups(model: ModuleNode, config: LayerDecayConfig, baseLR: Double, baseWD: Double) throws -> [LayerDecayGroup] {
        guard let backbone = model.child("backbone") else {
            throw CoreError("layer-wise lr decay needs a model with a 'backbone' child ('\(model.typeName)' object has no attribute 'backbone')")
        }
        let cls = backbone.typeName
        let isConvNeXt = cls.contains("ConvNeXt"), isViT = cls.contains("BEiT") || cls.contains("MAE")
        let L = config.numLayers + 2
        var groups: [LayerDecayGroup] = []
        var index: [String: Int] = [:]
        for (name, p) in model.namedParameters() where p.requiresGrad {
            let noDecay = p.ndim == 1 || name.hasSuffix(".bias") || name == "pos_embed" || name == "cls_token"
            let layerId: Int
            if config.decayType.contains("layer_wise") {
                if isConvNeXt {
                    layerId = try convnextLayerId(name, maxLayerId: config.numLayers)
                } else if isViT {
                    layerId = try vitLayerId(name, maxLayerId: L)
                } else {
                    throw CoreError("layer-wise decay supports ConvNeXt, BEiT and MAE backbones, got '\(cls)'", kind: "NotImplementedError")
                }
            } else if config.decayType == "stage_wise" {
                guard isConvNeXt else {
                    throw CoreError("stage-wise decay supports ConvNeXt backbones only, got '\(cls)'", kind: "NotImplementedError")
                }
                layerId = try convnextStageId(name, maxStageId: L)
            } else {
                throw CoreError("unknown decay_type '\(config.decayType)' (expected 'layer_wise', 'layer_wise_vit' or 'stage_wise')")
            }
            let groupName = "layer_\(layerId)_\(noDecay ? "no_decay" : "decay")"
            if index[groupName] == nil {
                let scale = pow(config.decayRate, Double(L - layerId - 1))
                index[groupName] = groups.count
                groups.append(LayerDecayGroup(groupName: groupName, layerId: layerId, weightDecay: noDecay ? 0 : baseWD,
                                              lrScale: scale, lr: scale * baseLR))
            }
            groups[index[groupName]!].paramNames.append(name)
        }
        return groups
    }
}
