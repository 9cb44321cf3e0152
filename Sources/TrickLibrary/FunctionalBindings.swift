import TrickCore
import TrickLang

/// `torch.nn.functional` with gradients: conv2d, linear, batch_norm, layer_norm, group_norm,
/// max/avg/adaptive pooling, dropout, and the losses (cross_entropy, BCE-with-logits,
/// mse/l1/smooth_l1, torchvision's sigmoid_focal_loss); interpolate routes to its gradient
/// when the input is an autograd tensor. On plain tensors they compute the same numbers and
/// return plain tensors.
extension AutogradBindings {
    static func pair(_ v: Value, _ what: String) throws -> (Int, Int) {
        let xs = try Convert.ints(v, what: what)
        if xs.count == 1 { return (xs[0], xs[0]) }
        guard xs.count == 2 else { throw RuntimeError("\(what) must be an int or a pair of ints, got \(xs.count) values", kind: "ValueError") }
        return (xs[0], xs[1])
    }

    static func optionalVariable(_ a: Bound, _ name: String) throws -> Variable? {
        a.has(name) ? try VariableObjects.operand(a[name], "\(a.function)() argument '\(name)'") : nil
    }

    static func conv2dGeometry(_ a: Bound, weight: [Int]) throws -> Conv2dGeometry {
        var g = Conv2dGeometry(stride: try pair(a["stride"], "stride"), dilation: try pair(a["dilation"], "dilation"), groups: try a.int("groups"))
        if case .str(let s) = a["padding"] {
            switch s {
            case "valid": g.padding = (0, 0)
            case "same":
                guard g.stride == (1, 1) else { throw RuntimeError("padding='same' is not supported for strided convolutions", kind: "ValueError") }
                let th = g.dilation.0 * (weight[2] - 1), tw = g.dilation.1 * (weight[3] - 1)
                guard th % 2 == 0, tw % 2 == 0 else {
                    throw RuntimeError("padding='same' with an even effective kernel needs asymmetric padding, which trick does not support", kind: "NotImplementedError")
                }
                g.padding = (th / 2, tw / 2)
            default: throw RuntimeError("Invalid padding string '\(s)', should be one of {'valid', 'same'}", kind: "ValueError")
            }
        } else {
            g.padding = try pair(a["padding"], "padding")
        }
        return g
    }

    static func poolGeometry(_ a: Bound, dilation: Bool) throws -> Pool2dGeometry {
        let k = try pair(a["kernel_size"], "kernel_size")
        let s: (Int, Int)? = a.has("stride") ? try pair(a["stride"], "stride") : nil
        var g = Pool2dGeometry(kernel: k, stride: s, padding: try pair(a["padding"], "padding"), ceilMode: try a.bool("ceil_mode"))
        if case .tuple(let t) = a["stride"], t.isEmpty { g.stride = k }
        if case .list(let l) = a["stride"], l.items.isEmpty { g.stride = k }
        if dilation { g.dilation = try pair(a["dilation"], "dilation") }
        return g
    }

    /// Defines `sig` as a global (and in torch.nn.functional / F), replacing any forward-only
    /// binding of that name.
    static func functional(_ lib: Library, _ sig: String, doc: String = "", _ body: @escaping (Bound) throws -> Value) {
        let f = BuiltinFunction(sig, doc: doc) { a in try core { try body(a) } }
        withGradient.insert(ObjectIdentifier(f))
        if case .builtin(let old)? = lib.globals[f.name] {
            replace(lib, old, with: f)
        } else {
            lib.define(f.name, .builtin(f))
        }
        lib.namespace("F").methods[f.name] = f
    }

    static func registerFunctional(_ lib: Library) {
        let r = VariableObjects.result
        func v(_ a: Bound, _ name: String = "input") throws -> Variable { try VariableMethods.me(a, name) }

        functional(lib, "conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1)", doc: "torch.nn.functional.conv2d (ConvolutionBackward0)") { a in
            let w = try v(a, "weight")
            return r(try Variable.conv2d(try v(a), w, try optionalVariable(a, "bias"), try conv2dGeometry(a, weight: w.shape)))
        }
        functional(lib, "linear(input, weight, bias=None)", doc: "torch.nn.functional.linear") { a in
            r(try Variable.linear(try v(a), try v(a, "weight"), try optionalVariable(a, "bias")))
        }
        functional(lib, "batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-05)",
                   doc: "torch.nn.functional.batch_norm (running statistics given as plain tensors are not updated in place: use nn.BatchNorm2d)") { a in
            var stats: RunningStats?
            if a.has("running_mean") && a.has("running_var") {
                stats = RunningStats(mean: try Convert.tensor(a["running_mean"]), variance: try Convert.tensor(a["running_var"]))
            }
            return r(try Variable.batchNorm(try v(a), running: stats, weight: try optionalVariable(a, "weight"), bias: try optionalVariable(a, "bias"),
                                            training: try a.bool("training"), momentum: try a.double("momentum"), eps: try a.double("eps")))
        }
        functional(lib, "layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05)", doc: "torch.nn.functional.layer_norm") { a in
            r(try Variable.layerNorm(try v(a), normalizedShape: try Convert.ints(a["normalized_shape"], what: "normalized_shape"),
                                     weight: try optionalVariable(a, "weight"), bias: try optionalVariable(a, "bias"), eps: try a.double("eps")))
        }
        functional(lib, "group_norm(input, num_groups, weight=None, bias=None, eps=1e-05)", doc: "torch.nn.functional.group_norm") { a in
            r(try Variable.groupNorm(try v(a), numGroups: try a.int("num_groups"), weight: try optionalVariable(a, "weight"),
                                     bias: try optionalVariable(a, "bias"), eps: try a.double("eps")))
        }
        functional(lib, "max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False)",
                   doc: "torch.nn.functional.max_pool2d") { a in
            let (out, idx) = try Variable.maxPool2d(try v(a), try poolGeometry(a, dilation: true))
            return try a.bool("return_indices") ? .tuple([r(out), .tensor(idx)]) : r(out)
        }
        functional(lib, "avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None)",
                   doc: "torch.nn.functional.avg_pool2d") { a in
            r(try Variable.avgPool2d(try v(a), try poolGeometry(a, dilation: false), countIncludePad: try a.bool("count_include_pad"),
                                     divisorOverride: try a.optionalInt("divisor_override")))
        }
        functional(lib, "adaptive_avg_pool2d(input, output_size)", doc: "torch.nn.functional.adaptive_avg_pool2d") { a in
            let x = try v(a)
            return r(try Variable.adaptiveAvgPool2d(x, try outputSize(a["output_size"], x.shape)))
        }
        for (name, channels) in [("dropout", false), ("dropout2d", true)] {
            functional(lib, "\(name)(input, p=0.5, training=True, inplace=False)",
                       doc: "torch.nn.functional.\(name) (trick's seeded stream, not torch's mask\(channels ? "; one draw per sample and channel" : ""))") { a in
                let x = try v(a), out = try x.dropout(p: try a.double("p"), training: try a.bool("training"), channels: channels)
                return out === x ? a["input"] : r(out)   // eval mode and p = 0 return the input itself, as torch
            }
        }
        functional(lib, "mse_loss(input, target, size_average=None, reduce=None, reduction='mean')", doc: "torch.nn.functional.mse_loss") { a in
            r(try Variable.mseLoss(try v(a), try v(a, "target"), reduction: try LossBindings.legacyReduction(a)))
        }
        functional(lib, "l1_loss(input, target, size_average=None, reduce=None, reduction='mean')", doc: "torch.nn.functional.l1_loss") { a in
            r(try Variable.l1Loss(try v(a), try v(a, "target"), reduction: try LossBindings.legacyReduction(a)))
        }
        functional(lib, "smooth_l1_loss(input, target, size_average=None, reduce=None, reduction='mean', beta=1.0)", doc: "torch.nn.functional.smooth_l1_loss") { a in
            r(try Variable.smoothL1Loss(try v(a), try v(a, "target"), reduction: try LossBindings.legacyReduction(a), beta: try a.double("beta")))
        }

        // forward-only bindings that gain a gradient
        route(lib, "cross_entropy", BuiltinFunction("cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean', label_smoothing=0.0)") { a in
            try core {
                r(try Variable.crossEntropy(try v(a), try Convert.tensor(a["target"]), weight: try a.optionalTensor("weight"),
                                            ignoreIndex: try a.int("ignore_index"), reduction: try LossBindings.legacyReduction(a),
                                            labelSmoothing: try a.double("label_smoothing")))
            }
        })
        route(lib, "binary_cross_entropy_with_logits", BuiltinFunction("binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None, reduction='mean', pos_weight=None)") { a in
            try core {
                r(try Variable.binaryCrossEntropyWithLogits(try v(a), try Convert.tensor(a["target"]).cast(to: .float32),
                                                            weight: try a.optionalTensor("weight"), posWeight: try a.optionalTensor("pos_weight"),
                                                            reduction: try LossBindings.legacyReduction(a)))
            }
        })
        route(lib, "sigmoid_focal_loss", BuiltinFunction("sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2, reduction='none')") { a in
            try core {
                r(try Variable.sigmoidFocalLoss(try v(a, "inputs"), try Convert.tensor(a["targets"]), alpha: try a.double("alpha"),
                                                gamma: try a.double("gamma"), reduction: try LossBindings.reduction(a)))
            }
        })
        route(lib, "interpolate", BuiltinFunction("interpolate(input, size=None, scale_factor=None, mode='nearest', align_corners=None, recompute_scale_factor=None, antialias=False)") { a in
            let modeName = try a.string("mode")
            guard let mode = Interpolate.Mode(rawValue: modeName) else {
                throw RuntimeError("interpolate() argument 'mode' must be one of 'nearest', 'nearest-exact', 'linear', 'bilinear', 'bicubic', 'area', got '\(modeName)'", kind: "ValueError")
            }
            let size: [Int]? = a.has("size") ? try Convert.ints(a["size"], what: "interpolate() argument 'size'") : nil
            let sf: [Double]? = a.has("scale_factor") ? try Convert.doubles(a["scale_factor"], what: "interpolate() argument 'scale_factor'") : nil
            let align: Bool? = a.has("align_corners") ? try a.bool("align_corners") : nil
            return try core { r(try Variable.interpolate(try v(a), size: size, scaleFactor: sf, mode: mode, alignCorners: align)) }
        })
    }
}
