import TrickCore
import TrickLang

/// torch.nn layers with values and a forward: `Conv2d`, `Linear`, `BatchNorm1d/2d` (and
/// `SyncBatchNorm`, one device), `GroupNorm`, `LayerNorm`, `ReLU`, `Sigmoid`, `Tanh`, `Dropout`,
/// `MaxPool2d`, `AvgPool2d`, `AdaptiveAvgPool2d`, `Upsample`, `Identity`, `Flatten`, `Softmax`,
/// `Sequential`; `ModuleList`/`ModuleDict` hold modules (no forward, as torch). Initialisation
/// is torch's default (`reset_parameters`) drawn from trick's stream (NNInit). `nn.init.*`.
enum NNModuleBindings {
    static func register(_ lib: Library) {
        registerLayers(lib)
        registerActivations(lib)
        registerMoreLayers(lib)
        registerInit(lib)
        registerInstanceNormAndPReLU(lib)
        ClipGradBindings.register(lib)
    }

    static let result = VariableObjects.result

    /// Wraps the skeleton constructor `name`: the module it builds gets values (`initialise`) and a forward.
    static func extend(_ lib: Library, _ name: String, _ initialise: @escaping (ModuleNode, Bound) throws -> Void,
                       forward: ((ModuleNode, Bound) throws -> ModuleValues.Forward)?) {
        guard case .builtin(let old)? = lib.globals[name] else { return }
        let f = BuiltinFunction(old.signatureText, doc: old.doc + " Built with values (torch's default initialisation) and a forward.") { a in
            let v = try old.call(a.forwarding(old.signature))
            guard let n = ModuleObjects.node(v) else { return v }
            try LayerAttributes.install(v, name, a)
            try ModuleValues.core { try initialise(n, a) }
            for (_, p) in n.parameters { ModuleObjects.gainedValues(p) }
            if let forward { try ModuleValues.setForward(v) { m in try forward(m, a) } }
            return v
        }
        AutogradBindings.replace(lib, old, with: f)
    }

    static func registerLayers(_ lib: Library) {
        for dims in 1...3 {
            extend(lib, "Conv\(dims)d", { n, _ in try ModuleValues.initLayer(n) }, forward: dims != 2 ? nil : { n, a in
                if try a.string("padding_mode") != "zeros" {
                    throw RuntimeError("Conv2d(padding_mode='\(try a.string("padding_mode"))'): only 'zeros' has a forward in trick", kind: "NotImplementedError")
                }
                let g = try AutogradBindings.conv2dGeometry(a, weight: n.parameter("weight")!.shape)
                return { x in
                    let input = try ModuleValues.input(x, n)
                    guard input.rank == 4 || input.rank == 3 else {
                        throw RuntimeError("Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: \(Tensor.formatShape(input.shape))", kind: "RuntimeError")
                    }
                    let w = try ModuleValues.variable(n.parameter("weight"), "weight")!
                    let cin = (input.rank == 4 ? input.shape[1] : input.shape[0])
                    guard cin == w.shape[1] * g.groups else {
                        let list = { (s: [Int]) in "[" + s.map(String.init).joined(separator: ", ") + "]" }
                        throw RuntimeError("Given groups=\(g.groups), weight of size \(list(w.shape)), expected input\(list(input.shape)) to have \(w.shape[1] * g.groups) channels, but got \(cin) channels instead", kind: "RuntimeError")
                    }
                    let batched = input.rank == 4 ? input : try input.unsqueeze(0)
                    var out = try Variable.conv2d(batched, w, try ModuleValues.variable(n.parameter("bias"), "bias"), g)
                    if input.rank == 3 { out = try out.squeeze([0]) }
                    return result(out)
                }
            })
            if dims != 2 { extend(lib, "ConvTranspose\(dims)d", { n, _ in try ModuleValues.initLayer(n) }, forward: nil) }   // 2d: NNModuleExtraBindings
        }
        extend(lib, "Linear", { n, _ in try ModuleValues.initLayer(n) }) { n, _ in
            { x in
                let input = try ModuleValues.input(x, n)
                let w = try ModuleValues.variable(n.parameter("weight"), "weight")!
                guard input.shape.last == w.shape[1] else {
                    let rows = input.rank >= 2 ? input.shape.dropLast().reduce(1, *) : 1
                    throw RuntimeError("mat1 and mat2 shapes cannot be multiplied (\(rows)x\(input.shape.last ?? 0) and \(w.shape[1])x\(w.shape[0]))", kind: "RuntimeError")
                }
                return result(try Variable.linear(input, w, try ModuleValues.variable(n.parameter("bias"), "bias")))
            }
        }
        lib.function("_BatchNorm(num_features, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)",
                     doc: "torch.nn.modules.batchnorm._BatchNorm, the base class of BatchNorm1d/2d/3d and SyncBatchNorm (for isinstance and issubclass).") { _ in
            throw RuntimeError("_BatchNorm is the base class of the batch norms: build BatchNorm1d, BatchNorm2d, BatchNorm3d or SyncBatchNorm", kind: "NotImplementedError")
        }
        for name in ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "SyncBatchNorm"] {
            BuiltinTypeBases.register(name, parent: "_BatchNorm")
            extend(lib, name, { n, a in
                try ModuleValues.initNorm(n, channels: try a.int("num_features"), track: try a.bool("track_running_stats"))
                ModuleState.of(n).normOptions = NormOptions(momentum: a["momentum"].isNone ? nil : try a.double("momentum"), eps: try a.double("eps"),
                                                                     numFeatures: try a.int("num_features"), affine: try a.bool("affine"),
                                                                     track: try a.bool("track_running_stats"))
            }) { n, a in
                let track = try a.bool("track_running_stats")
                let c = try a.int("num_features")
                return { x in
                    let input = try ModuleValues.input(x, n)
                    let rank = input.rank
                    let ok = name == "BatchNorm1d" ? (rank == 2 || rank == 3) : name == "BatchNorm2d" ? rank == 4 : name == "BatchNorm3d" ? rank == 5 : rank >= 2
                    guard ok else {
                        let want = name == "BatchNorm1d" ? "2D or 3D" : name == "BatchNorm2d" ? "4D" : "5D"
                        throw RuntimeError("expected \(want) input (got \(rank)D input)", kind: "ValueError")
                    }
                    guard input.shape[1] == c else {
                        throw RuntimeError("running_mean should contain \(input.shape[1]) elements not \(c)", kind: "RuntimeError")
                    }
                    let training = ModuleValues.isTraining(n)
                    let stats = track ? ModuleValues.stats(n) : nil
                    // the options as the module holds them now (`bn.momentum = …`)
                    let options = NormOptions.of(n)
                    let eps = options?.eps ?? 1e-5
                    // momentum=None (update_bn): the factor is 1 / num_batches_tracked after this batch
                    var factor = options?.momentum ?? 0
                    if let stats, options?.momentum == nil || ModuleValues.isCumulative(n) {
                        factor = 1 / Double(stats.batchesTracked + 1)
                    }
                    return result(try Variable.batchNorm(input, running: stats, weight: try ModuleValues.variable(n.parameter("weight"), "weight"),
                                                         bias: try ModuleValues.variable(n.parameter("bias"), "bias"),
                                                         training: training || stats == nil, momentum: factor, eps: eps))
                }
            }
        }
        extend(lib, "GroupNorm", { n, a in try ModuleValues.initNorm(n, channels: try a.int("num_channels"), track: false) }) { n, a in
            let groups = try a.int("num_groups"), eps = try a.double("eps")
            return { x in
                result(try Variable.groupNorm(try ModuleValues.input(x, n), numGroups: groups, weight: try ModuleValues.variable(n.parameter("weight"), "weight"),
                                              bias: try ModuleValues.variable(n.parameter("bias"), "bias"), eps: eps))
            }
        }
        extend(lib, "LayerNorm", { n, _ in
            if let w = n.parameter("weight") { w.data = try Tensor.ones(w.shape) }
            if let b = n.parameter("bias") { b.data = try Tensor.zeros(b.shape) }
        }) { n, a in
            let shape = try Convert.ints(a["normalized_shape"], what: "normalized_shape"), eps = try a.double("eps")
            return { x in
                result(try Variable.layerNorm(try ModuleValues.input(x, n), normalizedShape: shape, weight: try ModuleValues.variable(n.parameter("weight"), "weight"),
                                              bias: try ModuleValues.variable(n.parameter("bias"), "bias"), eps: eps))
            }
        }
        extend(lib, "Sequential", { _, _ in }) { n, _ in
            { x in
                var h = x
                for (_, c) in n.children { h = try ModuleValues.call(c, h) }
                return h
            }
        }
    }

    /// A parameterless module with a forward.
    static func simple(_ lib: Library, _ sig: String, doc: String, repr: @escaping (Bound) throws -> String,
                       forward: @escaping (ModuleNode, Bound) throws -> (Variable) throws -> Variable) {
        let name = String(sig.prefix { $0 != "(" })
        let f = BuiltinFunction(sig, doc: doc) { a in
            let n = ModuleNode(typeName: name)
            n.extraRepr = try repr(a)
            let v = ModuleObjects.wrap(n)
            try ModuleValues.setForward(v) { m in
                let body = try forward(m, a)
                return { x in try ModuleValues.core { result(try body(try ModuleValues.input(x, m))) } }
            }
            return v
        }
        if case .builtin(let old)? = lib.globals[name] { AutogradBindings.replace(lib, old, with: f) } else { lib.define(name, .builtin(f)) }
    }

    static func show(_ v: Value) -> String { Printer.repr(v) }

    static func registerActivations(_ lib: Library) {
        simple(lib, "ReLU(inplace=False)", doc: "torch.nn.ReLU", repr: { a in try a.bool("inplace") ? "inplace=True" : "" }) { _, _ in { try $0.relu() } }
        simple(lib, "Sigmoid()", doc: "torch.nn.Sigmoid", repr: { _ in "" }) { _, _ in { try $0.sigmoid() } }
        simple(lib, "Tanh()", doc: "torch.nn.Tanh", repr: { _ in "" }) { _, _ in { try $0.tanh() } }
        registerMoreActivations(lib)
        simple(lib, "Identity(*args, **kwargs)", doc: "torch.nn.Identity", repr: { _ in "" }) { _, _ in { $0 } }
        simple(lib, "Softmax(dim=None)", doc: "torch.nn.Softmax", repr: { a in "dim=\(show(a["dim"]))" }) { _, a in
            let d = try a.int("dim")
            return { try $0.softmax(dim: d) }
        }
        simple(lib, "Flatten(start_dim=1, end_dim=-1)", doc: "torch.nn.Flatten", repr: { a in "start_dim=\(show(a["start_dim"])), end_dim=\(show(a["end_dim"]))" }) { _, a in
            let s = try a.int("start_dim"), e = try a.int("end_dim")
            return { try $0.flatten(s, e) }
        }
        for (name, channels) in [("Dropout", false), ("Dropout2d", true)] {
            simple(lib, "\(name)(p=0.5, inplace=False)",
                   doc: "torch.nn.\(name) (trick's seeded stream\(channels ? ", one draw per sample and channel" : ""); identity in eval mode)",
                   repr: { a in "p=\(show(a["p"])), inplace=\(show(a["inplace"]))" }) { n, a in
                let p = try a.double("p")
                guard (0...1).contains(p) else { throw RuntimeError("dropout probability has to be between 0 and 1, but got \(p)", kind: "ValueError") }
                return { try $0.dropout(p: p, training: ModuleValues.isTraining(n), channels: channels) }
            }
        }
        simple(lib, "ZeroPad2d(padding)", doc: "torch.nn.ZeroPad2d: F.pad with zeros, (left, right, top, bottom)",
               repr: { a in
                   let p = try ZeroPad.amounts(a["padding"])
                   return "(" + p.map(String.init).joined(separator: ", ") + ")"
               }) { _, a in
            let p = try ZeroPad.amounts(a["padding"])
            return { try $0.constantPad(p, value: 0) }
        }
        simple(lib, "MaxPool2d(kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False)", doc: "torch.nn.MaxPool2d",
               repr: { a in "kernel_size=\(show(a["kernel_size"])), stride=\(show(a.has("stride") ? a["stride"] : a["kernel_size"])), padding=\(show(a["padding"])), dilation=\(show(a["dilation"])), ceil_mode=\(show(a["ceil_mode"]))" }) { _, a in
            let g = try AutogradBindings.poolGeometry(a, dilation: true)
            return { try Variable.maxPool2d($0, g).output }
        }
        simple(lib, "AvgPool2d(kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None)", doc: "torch.nn.AvgPool2d",
               repr: { a in "kernel_size=\(show(a["kernel_size"])), stride=\(show(a.has("stride") ? a["stride"] : a["kernel_size"])), padding=\(show(a["padding"]))" }) { _, a in
            let g = try AutogradBindings.poolGeometry(a, dilation: false)
            let cip = try a.bool("count_include_pad"), d = try a.optionalInt("divisor_override")
            return { try Variable.avgPool2d($0, g, countIncludePad: cip, divisorOverride: d) }
        }
        simple(lib, "AdaptiveAvgPool2d(output_size)", doc: "torch.nn.AdaptiveAvgPool2d (PSP pooling)", repr: { a in "output_size=\(show(a["output_size"]))" }) { _, a in
            let size = try AutogradBindings.pair(a["output_size"], "output_size")
            return { try Variable.adaptiveAvgPool2d($0, size) }
        }
        simple(lib, "Upsample(size=None, scale_factor=None, mode='nearest', align_corners=None, recompute_scale_factor=None)", doc: "torch.nn.Upsample",
               repr: { a in
                   var parts: [String] = []
                   if a.has("size") { parts.append("size=\(show(a["size"]))") }
                   if a.has("scale_factor") { parts.append("scale_factor=\(show(.float(try a.double("scale_factor"))))") }
                   parts.append("mode='\(try a.string("mode"))'")
                   return parts.joined(separator: ", ")
               }) { _, a in
            let modeName = try a.string("mode")
            guard let mode = Interpolate.Mode(rawValue: modeName) else {
                throw RuntimeError("Upsample(): unknown mode '\(modeName)'", kind: "ValueError")
            }
            let size: [Int]? = a.has("size") ? try Convert.ints(a["size"], what: "Upsample() size") : nil
            let sf: [Double]? = a.has("scale_factor") ? try Convert.doubles(a["scale_factor"], what: "Upsample() scale_factor") : nil
            let align: Bool? = a.has("align_corners") ? try a.bool("align_corners") : nil
            return { x in
                var s = size
                if let one = s, one.count == 1 { s = [one[0], one[0]] }
                var f = sf
                if let one = f, one.count == 1 { f = [one[0], one[0]] }
                return try Variable.interpolate(x, size: s, scaleFactor: f, mode: mode, alignCorners: align)
            }
        }
    }

    // MARK: nn.init

    static func registerInit(_ lib: Library) {
        let initNS = BuiltObject(typeName: "module")
        initNS.repr = { "<module 'torch.nn.init'>" }
        func define(_ sig: String, _ make: @escaping (Variable, Bound) throws -> Tensor) {
            initNS.method(sig) { a in
                if case .tensor(let ref) = a["tensor"] {   // a plain tensor, filled in place
                    let t = try ModuleValues.core { try make(try Variable(ref.tensor), a) }
                    ref.tensor = t.cast(to: ref.tensor.dtype)
                    return a["tensor"]
                }
                guard let v = VariableObjects.variable(a["tensor"]) else {
                    throw RuntimeError("nn.init: the tensor must be a tensor or a parameter, got \(a["tensor"].typeName)", kind: "TypeError")
                }
                let t = try ModuleValues.core { try make(v, a) }
                try ModuleValues.core { try GradMode.noGrad { try v.inPlace { w in try Variable(t.cast(to: w.dtype)) } } }
                return a["tensor"]
            }
        }
        define("uniform_(tensor, a=0.0, b=1.0, generator=None)") { v, a in try NNInit.uniform(v.shape, try a.double("a"), try a.double("b")) }
        define("normal_(tensor, mean=0.0, std=1.0, generator=None)") { v, a in try Tensor.normal(mean: try a.double("mean"), std: try a.double("std"), v.shape) }
        define("constant_(tensor, val)") { v, a in try Tensor.full(v.shape, try a.double("val")) }
        define("zeros_(tensor)") { v, _ in try Tensor.zeros(v.shape) }
        define("ones_(tensor)") { v, _ in try Tensor.ones(v.shape) }
        define("kaiming_uniform_(tensor, a=0, mode='fan_in', nonlinearity='leaky_relu', generator=None)") { v, a in
            try NNInit.kaimingUniform(v.shape, a: try a.double("a"), fanOut: try a.choice("mode", ["fan_in", "fan_out"]) == "fan_out",
                                      nonlinearity: try a.string("nonlinearity"))
        }
        define("kaiming_normal_(tensor, a=0, mode='fan_in', nonlinearity='leaky_relu', generator=None)") { v, a in
            try NNInit.kaimingNormal(v.shape, a: try a.double("a"), fanOut: try a.choice("mode", ["fan_in", "fan_out"]) == "fan_out",
                                     nonlinearity: try a.string("nonlinearity"))
        }
        define("xavier_uniform_(tensor, gain=1.0, generator=None)") { v, a in try NNInit.xavierUniform(v.shape, gain: try a.double("gain")) }
        define("xavier_normal_(tensor, gain=1.0, generator=None)") { v, a in try NNInit.xavierNormal(v.shape, gain: try a.double("gain")) }
        initNS.method("calculate_gain(nonlinearity, param=None)") { a in
            .float(try ModuleValues.core { try NNInit.gain(try a.string("nonlinearity"), param: try a.optionalDouble("param")) })
        }
        lib.define("nn_init", .object(initNS))
        if case .object(let torch)? = lib.globals["torch"], case .object(let nn)? = torch.attributes["nn"] {
            nn.set("init", .object(initNS))
            nn.set("functional", .object(lib.namespace("F")))
            for name in ["ReLU", "Sigmoid", "Tanh", "Identity", "Softmax", "Flatten", "Dropout", "MaxPool2d", "AvgPool2d",
                         "AdaptiveAvgPool2d", "Upsample", "ConvTranspose2d", "Dropout2d", "ZeroPad2d"] + activationModules {
                if let v = lib.globals[name] { nn.set(name, v) }
            }
        }
    }
}

enum ZeroPad {
    /// `ZeroPad2d`'s padding: an int for all four sides, or (left, right, top, bottom).
    static func amounts(_ v: Value) throws -> [Int] {
        let xs = try Convert.ints(v, what: "ZeroPad2d() padding")
        if xs.count == 1 { return [Int](repeating: xs[0], count: 4) }
        guard xs.count == 4 else { throw RuntimeError("ZeroPad2d() padding must be an int or 4 ints (left, right, top, bottom), got \(xs.count)", kind: "ValueError") }
        return xs
    }
}

extension Bound {
    /// The bound arguments as keywords (to call another built-in with the same signature);
    /// `*args` stay positional.
    func forwarding(_ sig: Signature) -> Arguments {
        Arguments(varargs, keywords: sig.parameterNames.filter { isBound($0) }.map { ($0, self[$0]) } + kwargs)
    }
}
