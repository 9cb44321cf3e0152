import TrickCore
import TrickLang

/// Trick 1: model skeletons with torch.nn / MMCV constructors, `param_groups`, `explain_param_groups`.
enum ParamBindings {
    static func register(_ lib: Library) {
        registerModules(lib)
        registerParamGroups(lib)
        OptimizerBindings.register(lib)
    }

    static func sizes(_ a: Bound, _ name: String) throws -> [Int] {
        do { return try Convert.ints(a[name], what: "\(a.function)() argument '\(name)'") }
    }

    static func registerModules(_ lib: Library) {
        lib.function("Parameter(data=None, requires_grad=True)", doc: "torch.nn.Parameter: a tensor registered as a module parameter.") { a in
            let t = try a.tensor("data")
            let p = ModuleParameter(shape: t.shape, requiresGrad: try a.bool("requires_grad"), data: t)
            return .object(ModuleObjects.object(for: p))
        }
        for dims in 1...3 {
            lib.function("Conv\(dims)d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True, padding_mode='zeros', device=None, dtype=None)",
                         doc: "torch.nn.Conv\(dims)d skeleton: weight (out, in/groups, *k), bias (out).") { a in
                ModuleObjects.wrap(try Layers.conv(dims: dims, inChannels: try a.int("in_channels"), outChannels: try a.int("out_channels"),
                                                   kernelSize: try sizes(a, "kernel_size"), stride: try sizes(a, "stride"),
                                                   padding: try paddingSizes(a), dilation: try sizes(a, "dilation"),
                                                   groups: try a.int("groups"), bias: try a.bool("bias")))
            }
            lib.function("ConvTranspose\(dims)d(in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True, dilation=1, padding_mode='zeros', device=None, dtype=None)",
                         doc: "torch.nn.ConvTranspose\(dims)d skeleton: weight (in, out/groups, *k), bias (out).") { a in
                ModuleObjects.wrap(try Layers.conv(dims: dims, inChannels: try a.int("in_channels"), outChannels: try a.int("out_channels"),
                                                   kernelSize: try sizes(a, "kernel_size"), stride: try sizes(a, "stride"),
                                                   padding: try sizes(a, "padding"), dilation: try sizes(a, "dilation"),
                                                   groups: try a.int("groups"), bias: try a.bool("bias"), transposed: true))
            }
        }
        lib.function("Linear(in_features, out_features, bias=True, device=None, dtype=None)", doc: "torch.nn.Linear skeleton: weight (out, in), bias (out).") { a in
            ModuleObjects.wrap(try Layers.linear(inFeatures: try a.int("in_features"), outFeatures: try a.int("out_features"), bias: try a.bool("bias")))
        }
        lib.function("Embedding(num_embeddings, embedding_dim, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, sparse=False, _weight=None, _freeze=False, device=None, dtype=None)",
                     doc: "torch.nn.Embedding skeleton: weight (num_embeddings, embedding_dim).") { a in
            ModuleObjects.wrap(try Layers.embedding(numEmbeddings: try a.int("num_embeddings"), embeddingDim: try a.int("embedding_dim")))
        }
        for name in ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "SyncBatchNorm"] {
            let extra = name == "SyncBatchNorm" ? ", process_group=None" : ""
            lib.function("\(name)(num_features, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True\(extra), device=None, dtype=None)",
                         doc: "torch.nn.\(name) skeleton: weight, bias (C); running_mean/var buffers.") { a in
                ModuleObjects.wrap(try Layers.norm(name, numFeatures: try a.int("num_features"), affine: try a.bool("affine"),
                                                   trackRunningStats: try a.bool("track_running_stats"),
                                                   eps: Printer.repr(a["eps"]), momentum: Printer.repr(a["momentum"])))
            }
        }
        for name in ["InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d"] {
            lib.function("\(name)(num_features, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False, device=None, dtype=None)",
                         doc: "torch.nn.\(name) skeleton (parameters only when affine=True).") { a in
                ModuleObjects.wrap(try Layers.norm(name, numFeatures: try a.int("num_features"), affine: try a.bool("affine"),
                                                   trackRunningStats: try a.bool("track_running_stats"),
                                                   eps: Printer.repr(a["eps"]), momentum: Printer.repr(a["momentum"])))
            }
        }
        lib.function("GroupNorm(num_groups, num_channels, eps=1e-05, affine=True, device=None, dtype=None)", doc: "torch.nn.GroupNorm skeleton.") { a in
            ModuleObjects.wrap(try Layers.groupNorm(numGroups: try a.int("num_groups"), numChannels: try a.int("num_channels"), affine: try a.bool("affine"),
                                                    eps: Printer.repr(a["eps"])))
        }
        lib.function("LayerNorm(normalized_shape, eps=1e-05, elementwise_affine=True, bias=True, device=None, dtype=None)", doc: "torch.nn.LayerNorm skeleton.") { a in
            ModuleObjects.wrap(try Layers.layerNorm(normalizedShape: try sizes(a, "normalized_shape"),
                                                    elementwiseAffine: try a.bool("elementwise_affine"), bias: try a.bool("bias"),
                                                    eps: Printer.repr(a["eps"])))
        }
        for (name, modulated, biasDefault) in [("DeformConv2dPack", false, "False"), ("ModulatedDeformConv2dPack", true, "True")] {
            lib.function("\(name)(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, deform_groups=1, bias=\(biasDefault), im2col_step=32, deformable_groups=None)",
                         doc: "MMCV \(name) skeleton: weight\(modulated ? ", bias" : ""), then child conv_offset (Conv2d with \(modulated ? 3 : 2)*deform_groups*kh*kw outputs).") { a in
                let dg = try a.optionalInt("deformable_groups") ?? a.int("deform_groups")
                return ModuleObjects.wrap(try Layers.deformConv(modulated: modulated, inChannels: try a.int("in_channels"), outChannels: try a.int("out_channels"),
                                                                kernelSize: try sizes(a, "kernel_size"), stride: try sizes(a, "stride"),
                                                                padding: try sizes(a, "padding"), dilation: try sizes(a, "dilation"),
                                                                groups: try a.int("groups"), deformGroups: dg, bias: try a.bool("bias")))
            }
        }
        lib.function("PReLU(num_parameters=1, init=0.25, device=None, dtype=None)", doc: "torch.nn.PReLU skeleton: weight (num_parameters).") { a in
            let m = ModuleNode(typeName: "PReLU")
            m.setParameter("weight", ModuleParameter(shape: [try a.int("num_parameters")]))
            return ModuleObjects.wrap(m)
        }
        for name in ["ReLU", "ReLU6", "GELU", "SiLU", "Sigmoid", "Tanh", "Hardswish", "LeakyReLU", "Dropout", "Dropout2d",
                     "Identity", "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d", "Upsample", "Flatten", "Softmax"] {
            lib.function("\(name)(*args, **kwargs)", doc: "torch.nn.\(name): a module without parameters.") { _ in
                ModuleObjects.wrap(ModuleNode(typeName: name))
            }
        }
        lib.function("Sequential(*modules)", doc: "torch.nn.Sequential: children named '0', '1', …") { a in
            try ModuleObjects.wrap(Layers.sequential(modules(a.varargs, "Sequential")))
        }
        lib.function("ModuleList(modules=None)", doc: "torch.nn.ModuleList: children named '0', '1', …") { a in
            let items = a.has("modules") ? try a.sequence("modules") : []
            return try ModuleObjects.wrap(Layers.sequential(modules(items, "ModuleList"), typeName: "ModuleList", kind: .moduleList))
        }
        lib.function("ModuleDict(modules=None)", doc: "torch.nn.ModuleDict: children named by the dict's keys.") { a in
            let m = ModuleNode(typeName: "ModuleDict", kind: .moduleDict)
            if a.has("modules") {
                for (k, v) in try a.dict("modules").pairs {
                    guard case .str(let name) = k, let c = ModuleObjects.node(v) else {
                        throw RuntimeError("ModuleDict() needs str keys and module values, got \(k.typeName): \(v.typeName)", kind: "TypeError")
                    }
                    m.setChild(name, c)
                }
            }
            return ModuleObjects.wrap(m)
        }
        lib.function("Module(_type='Module', **children)",
                     doc: "A container module: each keyword is a child module or a Parameter, registered in order. `_type` names its class (e.g. 'ConvNeXt', 'BEiT' for the layer-decay constructors).") { a in
            let m = ModuleNode(typeName: try a.string("_type"))
            for (name, v) in a.kwargs {
                if let c = ModuleObjects.node(v) { m.setChild(name, c) } else if let p = ModuleObjects.parameter(v) { m.setParameter(name, p) } else if let t = v.tensorValue {
                    m.setParameter(name, ModuleParameter(shape: t.shape, data: t))
                } else {
                    throw RuntimeError("Module() argument '\(name)' must be a module, a Parameter or a tensor, got \(v.typeName)", kind: "TypeError")
                }
            }
            return ModuleObjects.wrap(m)
        }
    }

    /// Conv padding: ints, or 'valid' (0) / 'same' (handled as 0: shapes of parameters do not depend on it).
    static func paddingSizes(_ a: Bound) throws -> [Int] {
        if case .str(let s) = a["padding"] {
            guard s == "same" || s == "valid" else {
                throw RuntimeError("\(a.function)() argument 'padding' must be an int, a tuple, 'same' or 'valid', got '\(s)'", kind: "ValueError")
            }
            return [0]
        }
        return try sizes(a, "padding")
    }

    static func modules(_ items: [Value], _ fn: String) throws -> [ModuleNode] {
        try items.enumerated().map { i, v in
            guard let n = ModuleObjects.node(v) else {
                throw RuntimeError("\(fn)() item \(i) must be a module, got \(v.typeName)", kind: "TypeError")
            }
            return n
        }
    }
}
