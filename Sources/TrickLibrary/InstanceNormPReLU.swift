import TrickCore
import TrickLang

/// What MMCV's `ConvModule` needs of two layers its configs name (`norm_cfg=dict(type='IN')`,
/// `act_cfg=dict(type='PReLU')`):
/// - `_InstanceNorm`, the base class of `InstanceNorm1d/2d/3d` (whose values and forward are
///   NNModuleExtraBindings'), for `issubclass` as mmcv's `infer_abbr` asks it;
/// - `PReLU(num_parameters=1, init=0.25)`: `x` where `x > 0`, else `weight * x`, the weight
///   along dim 1 (one weight for all channels when `num_parameters=1`); the gradient at `x = 0`
///   is torch's (`weight`, the negative side).
extension NNModuleBindings {
    static func registerInstanceNormAndPReLU(_ lib: Library) {
        // the layers themselves are NNModuleExtraBindings' (with running statistics); here their base class
        for name in ["InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d"] { BuiltinTypeBases.register(name, parent: "_InstanceNorm") }
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
