import TrickCore
import TrickLang

/// Values and a forward for two skeleton layers MMCV's `ConvModule` builds from a config
/// (`norm_cfg=dict(type='IN')`, `act_cfg=dict(type='PReLU')`):
/// - `InstanceNorm1d/2d/3d` (torch's defaults: `affine=False`, `track_running_stats=False`):
///   each sample's channel normalised over its positions with the biased variance — the group
///   norm with one group per channel, the same arithmetic torch's `instance_norm` does through
///   `batch_norm`; the affine weight starts at ones, the bias at zeros.
/// - `PReLU(num_parameters=1, init=0.25)`: `x` where `x > 0`, else `weight * x`, the weight
///   along dim 1 (one weight for all channels when `num_parameters=1`); the gradient at `x = 0`
///   is torch's (`weight`, the negative side).
/// Where trick differs: an InstanceNorm built with `track_running_stats=True` has no forward
/// (a NotImplementedError; torch keeps running statistics for it).
extension NNModuleBindings {
    static func registerInstanceNormAndPReLU(_ lib: Library) {
        for (dims, name) in ["InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d"].enumerated().map({ ($0 + 1, $1) }) {
            BuiltinTypeBases.register(name, parent: "_InstanceNorm")
            extend(lib, name, { n, a in try ModuleValues.initNorm(n, channels: try a.int("num_features"), track: false) }) { n, a in
                let c = try a.int("num_features"), eps = try a.double("eps")
                guard try !a.bool("track_running_stats") else {
                    throw RuntimeError("\(name)(track_running_stats=True) has no forward in trick (running statistics of an instance norm are not kept)",
                                       kind: "NotImplementedError")
                }
                return { x in
                    let input = try ModuleValues.input(x, n)
                    guard input.rank == dims + 1 || input.rank == dims + 2 else {
                        throw RuntimeError("\(name): expected \(dims + 1)D (unbatched) or \(dims + 2)D (batched) input, got \(input.rank)D input", kind: "ValueError")
                    }
                    let batched = input.rank == dims + 2 ? input : try input.unsqueeze(0)
                    guard batched.shape[1] == c else {
                        throw RuntimeError("\(name): expected input with \(c) channels, got \(batched.shape[1])", kind: "ValueError")
                    }
                    var out = try Variable.groupNorm(batched, numGroups: c, weight: try ModuleValues.variable(n.parameter("weight"), "weight"),
                                                     bias: try ModuleValues.variable(n.parameter("bias"), "bias"), eps: eps)
                    if input.rank == dims + 1 { out = try out.squeeze([0]) }
                    return result(out)
                }
            }
        }
        lib.function("_InstanceNorm(num_features, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False)",
                     doc: "torch.nn.modules.instancenorm._InstanceNorm, the base class of InstanceNorm1d/2d/3d (for isinstance and issubclass).") { _ in
            throw RuntimeError("_InstanceNorm is the base class of the instance norms: build InstanceNorm1d, InstanceNorm2d or InstanceNorm3d", kind: "NotImplementedError")
        }
        extend(lib, "PReLU", { n, a in
            n.parameter("weight")?.data = try Tensor.full([try a.int("num_parameters")], try a.double("init"))
            n.extraRepr = "num_parameters=\(try a.int("num_parameters"))"
        }) { n, a in
            let count = try a.int("num_parameters")
            return { x in
                let input = try ModuleValues.input(x, n)
                let w = try ModuleValues.variable(n.parameter("weight"), "weight")!
                var shape = [Int](repeating: 1, count: Swift.max(input.rank, 1))
                if count > 1 {
                    let channelDim = input.rank >= 2 ? 1 : 0
                    guard input.rank >= 1, input.shape[channelDim] == count else {
                        throw RuntimeError("Mismatch of parameter numbers and input channel size. Found parameter numbers = \(count) and channel size = \(input.rank >= 1 ? input.shape[channelDim] : 1).", kind: "RuntimeError")
                    }
                    shape[channelDim] = count
                }
                let positive = try Tensor.binary(.gt, input.data, try Tensor.zeros([])).cast(to: input.data.dtype)
                let negative = try Tensor.binary(.sub, try Tensor.ones([]).cast(to: input.data.dtype), positive)
                let weight = input.rank == 0 ? try w.reshape([]) : try w.reshape(shape)
                return result(try input.mul(positive).add(try weight.mul(input).mul(negative)))
            }
        }
        if case .object(let torch)? = lib.globals["torch"], case .object(let nn)? = torch.attributes["nn"] {
            for name in ["InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "PReLU"] { if let v = lib.globals[name] { nn.set(name, v) } }
        }
    }
}
