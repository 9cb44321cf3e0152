import TrickCore
import TrickLang

/// More torch.nn layers with values and a forward: `ConvTranspose2d` (decoders), `Embedding`,
/// `InstanceNorm1d/2d/3d`, `PixelShuffle` / `PixelUnshuffle`, `ReflectionPad1d/2d`,
/// `ReplicationPad1d/2d`, `AdaptiveMaxPool2d`, and the containers `ParameterList` /
/// `ParameterDict` (parameters named '0', '1', … or by key, found by `parameters()` of the
/// module they are assigned to).
extension NNModuleBindings {
    static func registerMoreLayers(_ lib: Library) {
        extend(lib, "ConvTranspose2d", { n, _ in try ModuleValues.initLayer(n) }) { n, a in
            if try a.string("padding_mode") != "zeros" {
                throw RuntimeError("ConvTranspose2d only supports padding_mode='zeros' (as torch)", kind: "ValueError")
            }
            let g = try AutogradBindings.transposeGeometry(a)
            return { x in
                let input = try ModuleValues.input(x, n)
                guard input.rank == 4 || input.rank == 3 else {
                    throw RuntimeError("Expected 3D (unbatched) or 4D (batched) input to conv_transpose2d, but got input of size: \(Tensor.formatShape(input.shape))", kind: "RuntimeError")
                }
                let batched = input.rank == 4 ? input : try input.unsqueeze(0)
                var out = try Variable.convTranspose2d(batched, try ModuleValues.variable(n.parameter("weight"), "weight")!,
                                                       try ModuleValues.variable(n.parameter("bias"), "bias"), g)
                if input.rank == 3 { out = try out.squeeze([0]) }
                return result(out)
            }
        }
        extend(lib, "Embedding", { n, a in
            // torch: normal_(0, 1), the padding row zeroed
            guard let w = n.parameter("weight") else { return }
            var t = try Tensor.normal(mean: 0, std: 1, w.shape)
            if let p = try a.optionalInt("padding_idx") {
                let row = p < 0 ? p + w.shape[0] : p
                try t.assign([.int(row)], .float(0))
                n.extraRepr += ", padding_idx=\(row)"
            }
            w.data = t
        }) { n, a in
            let pad = try a.optionalInt("padding_idx")
            if a.has("max_norm") { throw RuntimeError("Embedding(max_norm=...) is not supported in trick", kind: "NotImplementedError") }
            return { x in
                guard let idx = x.tensorValue ?? VariableObjects.variable(x)?.data else {
                    throw RuntimeError("Embedding.forward() expects a tensor of indices, got \(x.typeName)", kind: "TypeError")
                }
                return result(try Variable.embedding(idx, try ModuleValues.variable(n.parameter("weight"), "weight")!, paddingIdx: pad))
            }
        }
        for (dims, name) in [(1, "InstanceNorm1d"), (2, "InstanceNorm2d"), (3, "InstanceNorm3d")] {
            extend(lib, name, { n, a in
                try ModuleValues.initNorm(n, channels: try a.int("num_features"), track: try a.bool("track_running_stats"))
            }) { n, a in
                let eps = try a.double("eps"), momentum = a["momentum"].isNone ? 0 : try a.double("momentum")
                let track = try a.bool("track_running_stats")
                return { x in
                    let input = try ModuleValues.input(x, n)
                    guard input.rank == dims + 1 || input.rank == dims + 2 else {
                        throw RuntimeError("expected \(dims + 1)D or \(dims + 2)D input (got \(input.rank)D input)", kind: "ValueError")
                    }
                    let batched = input.rank == dims + 2 ? input : try input.unsqueeze(0)
                    let stats = track ? ModuleValues.stats(n) : nil
                    var out = try Variable.instanceNorm(batched, running: stats, weight: try ModuleValues.variable(n.parameter("weight"), "weight"),
                                                        bias: try ModuleValues.variable(n.parameter("bias"), "bias"),
                                                        useInputStats: ModuleValues.isTraining(n) || !track, momentum: momentum, eps: eps)
                    if input.rank == dims + 1 { out = try out.squeeze([0]) }
                    return result(out)
                }
            }
        }
        simple(lib, "PixelShuffle(upscale_factor)", doc: "torch.nn.PixelShuffle", repr: { a in "upscale_factor=\(show(a["upscale_factor"]))" }) { _, a in
            let f = try a.int("upscale_factor")
            return { try $0.pixelShuffle(f) }
        }
        simple(lib, "PixelUnshuffle(downscale_factor)", doc: "torch.nn.PixelUnshuffle", repr: { a in "downscale_factor=\(show(a["downscale_factor"]))" }) { _, a in
            let f = try a.int("downscale_factor")
            return { try $0.pixelUnshuffle(f) }
        }
        for (kind, mode) in [("Reflection", Rearrange.PadMode.reflect), ("Replication", .replicate)] {
            for dims in 1...2 {
                let name = "\(kind)Pad\(dims)d"
                simple(lib, "\(name)(padding)", doc: "torch.nn.\(name): F.pad(mode='\(mode.rawValue)'), (left, right\(dims == 2 ? ", top, bottom" : ""))",
                       repr: { a in "(" + (try padAmounts(a["padding"], dims, name)).map(String.init).joined(separator: ", ") + ")" }) { _, a in
                    let p = try padAmounts(a["padding"], dims, name)
                    return { x in
                        guard x.rank == dims + 1 || x.rank == dims + 2 else {
                            throw CoreError("\(name): expected \(dims + 1)D or \(dims + 2)D input, got \(x.rank)D")
                        }
                        return try x.pad(p, mode: mode)
                    }
                }
            }
        }
        simple(lib, "AdaptiveMaxPool2d(output_size, return_indices=False)", doc: "torch.nn.AdaptiveMaxPool2d (the indices are not returned by the module in trick)",
               repr: { a in "output_size=\(show(a["output_size"]))" }) { _, a in
            if try a.bool("return_indices") { throw RuntimeError("AdaptiveMaxPool2d(return_indices=True) is not supported in trick; use F.adaptive_max_pool2d", kind: "NotImplementedError") }
            let size = a["output_size"]
            return { x in try x.adaptiveMaxPool2d(try AutogradBindings.outputSize(size, x.shape)).output }
        }
        registerParameterContainers(lib)
        if case .object(let torch)? = lib.globals["torch"], case .object(let nn)? = torch.attributes["nn"] {
            for name in extraModules { if let v = lib.globals[name] { nn.set(name, v) } }
        }
    }

    static let extraModules = ["ConvTranspose2d", "Embedding", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "PixelShuffle", "PixelUnshuffle",
                               "ReflectionPad1d", "ReflectionPad2d", "ReplicationPad1d", "ReplicationPad2d", "AdaptiveMaxPool2d",
                               "ParameterList", "ParameterDict"]

    /// A padding module's amounts: an int for every side, or 2·dims ints.
    static func padAmounts(_ v: Value, _ dims: Int, _ name: String) throws -> [Int] {
        let xs = try Convert.ints(v, what: "\(name)() padding")
        if xs.count == 1 { return [Int](repeating: xs[0], count: 2 * dims) }
        guard xs.count == 2 * dims else { throw RuntimeError("\(name)() padding must be an int or \(2 * dims) ints, got \(xs.count)", kind: "ValueError") }
        return xs
    }

    // MARK: ParameterList / ParameterDict

    /// torch's `extra_repr` of the containers, laid out as `Module.__repr__` lays it out: one line
    /// per parameter (`(0): Parameter containing: [torch.float32 of size 2x3]`), inline when there
    /// is one. ParameterList names the dtype (`torch.float32`), ParameterDict the tensor type
    /// (`torch.FloatTensor`), as torch's two extra_reprs do.
    static func containerRepr(_ n: ModuleNode) -> String {
        let lines = n.parameters.map { name, p in
            let dtype = p.variable?.dtype ?? .float32
            let type = n.typeName == "ParameterDict" ? "torch.\(dtype.torchScalarName)Tensor" : TensorFormatter.dtypeName(dtype)
            return "  (\(name)): Parameter containing: [\(type) of size \(p.shape.map(String.init).joined(separator: "x"))]"
        }
        if lines.count <= 1 { return lines.first ?? "" }
        return "\n" + lines.map { "  " + $0 }.joined(separator: "\n") + "\n"
    }

    static func registerParameterContainers(_ lib: Library) {
        func parameter(_ v: Value, _ what: String) throws -> ModuleParameter {
            if let p = ModuleObjects.parameter(v) { return p }
            guard let t = v.tensorValue ?? VariableObjects.variable(v)?.data else {
                throw RuntimeError("\(what): expected a Parameter or a tensor, got \(v.typeName)", kind: "TypeError")
            }
            return ModuleParameter(shape: t.shape, data: t)   // torch wraps a tensor in a Parameter
        }
        func value(_ p: ModuleParameter) -> Value { .object(ModuleObjects.object(for: p)) }
        lib.function("ParameterList(values=None)", doc: "torch.nn.ParameterList: parameters named '0', '1', …; indexing, len, iteration, append, extend") { a in
            let n = ModuleNode(typeName: "ParameterList")
            let module = ModuleObjects.wrap(n)
            guard case .object(let o) = module else { return module }
            func append(_ v: Value) throws {
                n.setParameter(String(n.parameters.count), try parameter(v, "ParameterList.append()"))
                n.extraRepr = containerRepr(n)
            }
            for v in a.has("values") ? try a.sequence("values") : [] { try append(v) }
            o.method("__getitem__(index)") { b in
                let i = try Convert.int(b["index"], what: "ParameterList index")
                let j = i < 0 ? i + n.parameters.count : i
                guard j >= 0, j < n.parameters.count else { throw RuntimeError("index \(i) is out of range", kind: "IndexError") }
                return value(n.parameters[j].param)
            }
            o.method("__setitem__(index, param)") { b in
                let i = try Convert.int(b["index"], what: "ParameterList index")
                let j = i < 0 ? i + n.parameters.count : i
                guard j >= 0, j < n.parameters.count else { throw RuntimeError("index \(i) is out of range", kind: "IndexError") }
                n.setParameter(String(j), try parameter(b["param"], "ParameterList[\(i)] ="))
                n.extraRepr = containerRepr(n)
                return .none
            }
            o.method("__len__()") { _ in .int(n.parameters.count) }
            o.method("__iter__()") { _ in .list(n.parameters.map { value($0.param) }) }
            o.method("append(value)") { b in try append(b["value"]); return module }
            o.method("extend(values)") { b in for v in try b.sequence("values") { try append(v) }; return module }
            return module
        }
        lib.function("ParameterDict(parameters=None)", doc: "torch.nn.ParameterDict: parameters named by key; [key], in, len, keys, values, items, update, iteration over keys") { a in
            let n = ModuleNode(typeName: "ParameterDict")
            let module = ModuleObjects.wrap(n)
            guard case .object(let o) = module else { return module }
            func set(_ k: Value, _ v: Value) throws {
                guard case .str(let key) = k else { throw RuntimeError("ParameterDict keys must be str, got \(k.typeName)", kind: "TypeError") }
                n.setParameter(key, try parameter(v, "ParameterDict['\(key)']"))
                n.extraRepr = containerRepr(n)
            }
            func update(_ v: Value) throws {
                if case .dict(let d) = v {   // torch: a plain dict's keys sorted, an OrderedDict's in order
                    let pairs = d.flavor?.kind == .orderedDict ? d.pairs : d.pairs.sorted { Printer.str($0.0) < Printer.str($1.0) }
                    for (k, x) in pairs { try set(k, x) }
                    return
                }
                for item in try AutogradBindings.sequence(v) {
                    let kv = try AutogradBindings.sequence(item)
                    guard kv.count == 2 else { throw RuntimeError("ParameterDict update sequence element has length \(kv.count); 2 is required", kind: "ValueError") }
                    try set(kv[0], kv[1])
                }
            }
            if a.has("parameters") { try update(a["parameters"]) }
            o.method("__getitem__(key)") { b in
                let key = try b.string("key")
                guard let p = n.parameter(key) else { throw RuntimeError("'\(key)'", kind: "KeyError") }
                return value(p)
            }
            o.method("__setitem__(key, param)") { b in try set(b["key"], b["param"]); return .none }
            o.method("__contains__(key)") { b in .bool(n.parameter(try b.string("key")) != nil) }
            o.method("__len__()") { _ in .int(n.parameters.count) }
            o.method("__iter__()") { _ in .list(n.parameters.map { .str($0.name) }) }
            o.method("keys()") { _ in .list(n.parameters.map { .str($0.name) }) }
            o.method("values()") { _ in .list(n.parameters.map { value($0.param) }) }
            o.method("items()") { _ in .list(n.parameters.map { .tuple([.str($0.name), value($0.param)]) }) }
            o.method("update(parameters)") { b in try update(b["parameters"]); return .none }
            return module
        }
    }
}
