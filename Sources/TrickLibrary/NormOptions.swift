import TrickCore
import TrickLang

/// A BatchNorm layer's options, kept on the module as torch keeps them (`bn.num_features`,
/// `bn.eps`, `bn.momentum`, `bn.affine`, `bn.track_running_stats`). The forward reads `eps` and
/// `momentum` at each call, so `bn.momentum = 0.01` — or `None`, a cumulative average as
/// `update_bn` uses — takes effect on the next batch, as in torch. `num_features`, `affine` and
/// `track_running_stats` shape the layer's parameters and buffers at construction; trick refuses
/// to change them afterwards (torch lets them go out of step with the tensors).
final class NormOptions {
    var momentum: Double?
    var eps: Double
    let numFeatures: Int, affine: Bool, track: Bool

    static let names = ["num_features", "eps", "momentum", "affine", "track_running_stats"]

    init(momentum: Double?, eps: Double, numFeatures: Int, affine: Bool, track: Bool) {
        self.momentum = momentum; self.eps = eps; self.numFeatures = numFeatures; self.affine = affine; self.track = track
    }

    static func of(_ n: ModuleNode) -> NormOptions? { ModuleState.existing(n)?.normOptions }

    func copy() -> NormOptions { NormOptions(momentum: momentum, eps: eps, numFeatures: numFeatures, affine: affine, track: track) }

    func get(_ name: String) -> Value? {
        switch name {
        case "num_features": return .int(numFeatures)
        case "eps": return .float(eps)
        case "momentum": return momentum.map { .float($0) } ?? .none
        case "affine": return .bool(affine)
        case "track_running_stats": return .bool(track)
        default: return nil
        }
    }

    /// `bn.name = v`; false for a name that is not an option.
    func set(_ name: String, _ v: Value) throws -> Bool {
        switch name {
        case "eps":
            guard let d = Convert.double(v) else { throw RuntimeError("BatchNorm eps must be a number, got \(v.typeName)", kind: "TypeError") }
            eps = d
        case "momentum":
            if v.isNone { momentum = nil; return true }
            guard let d = Convert.double(v) else { throw RuntimeError("BatchNorm momentum must be a number or None, got \(v.typeName)", kind: "TypeError") }
            momentum = d
        case "num_features", "affine", "track_running_stats":
            throw RuntimeError("BatchNorm \(name) shapes the layer's parameters and buffers: trick fixes it at construction", kind: "AttributeError")
        default:
            return false
        }
        return true
    }
}
