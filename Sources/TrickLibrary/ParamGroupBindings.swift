import TrickCore
import TrickLang

/// `param_groups(model, optimizer_cfg, paramwise_cfg=None, constructor=None)` and
/// `explain_param_groups(...)`: the optimizer constructors of MMEngine / MMCV / MMSegmentation
/// over a model skeleton. Groups are returned as `optimizer.param_groups` holds them (constructor
/// keys first, then the optimizer's defaults), with parameter names in `'params'`.
extension ParamBindings {
    /// Everything a constructor needs, parsed from the script's arguments.
    struct Request {
        var model: ModuleNode
        var optimizerType: String
        var optimizerArgs: [(String, Value)]
        var baseLR: Double?
        var baseWD: Double?
        var paramwise: DictRef?
        var config = ParamwiseConfig()
        var customKeyValues: [[Value]] = []
        var constructor: String
    }

    static let constructorNames: [String: String] = [
        "DefaultOptimWrapperConstructor": "mmengine", "mmengine": "mmengine",
        "DefaultOptimizerConstructor": "mmcv", "mmcv": "mmcv",
        "ForceDefaultOptimWrapperConstructor": "force_default", "force_default": "force_default",
        "LearningRateDecayOptimizerConstructor": "layer_decay", "LayerDecayOptimizerConstructor": "beit_layer_decay",
    ]

    static func number(_ v: Value, _ what: String) throws -> Double? {
        if v.isNone { return nil }
        if case .bool = v { throw RuntimeError("\(what) must be a number, got bool", kind: "TypeError") }
        guard let d = Convert.double(v) else { throw RuntimeError("\(what) must be a number, got \(v.typeName)", kind: "TypeError") }
        return d
    }

    static func parseRequest(_ a: Bound) throws -> Request {
        guard let model = ModuleObjects.node(a["model"]) else {
            throw RuntimeError("\(a.function)() argument 'model' must be a module, got \(a["model"].typeName)", kind: "TypeError")
        }
        guard case .dict(var cfg) = a["optimizer_cfg"] else {
            throw RuntimeError("optimizer_cfg should be a dict, but got \(a["optimizer_cfg"].typeName)", kind: "TypeError")
        }
        var paramwise = a["paramwise_cfg"]
        var constructor = a["constructor"]
        // An optim_wrapper config (`dict(type='OptimWrapper', optimizer=..., paramwise_cfg=...)`).
        if let inner = cfg[str: "optimizer"] {
            guard case .dict(let o) = inner else {
                throw RuntimeError("optim_wrapper_cfg['optimizer'] should be a dict, but got \(inner.typeName)", kind: "TypeError")
            }
            if paramwise.isNone, let p = cfg[str: "paramwise_cfg"] { paramwise = p }
            if constructor.isNone, let c = cfg[str: "constructor"] { constructor = c }
            cfg = o
        }
        // MMCV 1.x `build_optimizer` pops these from the optimizer config.
        var optArgs: [(String, Value)] = []
        var type: String?
        for (k, v) in cfg.pairs {
            guard case .str(let ks) = k else { throw RuntimeError("optimizer config keys must be str", kind: "TypeError") }
            switch ks {
            case "type":
                guard case .str(let s) = v else { throw RuntimeError("optimizer config 'type' must be a str, got \(v.typeName)", kind: "TypeError") }
                type = s
            case "paramwise_cfg": if paramwise.isNone { paramwise = v }
            case "constructor": if constructor.isNone { constructor = v }
            default: optArgs.append((ks, v))
            }
        }
        guard let optType = type else {
            throw RuntimeError("optimizer config must contain the key 'type' (e.g. dict(type='SGD', lr=0.01))", kind: "KeyError")
        }
        var ctor = "mmengine"
        if case .str(let c) = constructor {
            guard let k = constructorNames[c] else {
                let hint = closestName(to: c, in: Array(constructorNames.keys)).map { " (did you mean '\($0)'?)" } ?? ""
                throw RuntimeError("unknown optimizer constructor '\(c)'\(hint)", kind: "KeyError")
            }
            ctor = k
        } else if !constructor.isNone {
            throw RuntimeError("constructor must be a str, got \(constructor.typeName)", kind: "TypeError")
        }
        let lrValue = optArgs.first { $0.0 == "lr" }?.1 ?? .none
        let wdValue = optArgs.first { $0.0 == "weight_decay" }?.1 ?? .none
        var r = Request(model: model, optimizerType: optType, optimizerArgs: optArgs,
                        baseLR: try number(lrValue, "optimizer lr"), baseWD: try number(wdValue, "optimizer weight_decay"),
                        constructor: ctor)
        // a constructor's own base_lr/base_wd (a subclass changed them): what the multipliers
        // scale; the groups' other options stay the optimizer config's
        if a.has("base_lr") { r.baseLR = try number(a["base_lr"], "base_lr") }
        if a.has("base_wd") { r.baseWD = try number(a["base_wd"], "base_wd") }
        if !paramwise.isNone {
            guard case .dict(let pw) = paramwise else {
                throw RuntimeError("paramwise_cfg should be None or a dict, but got \(paramwise.typeName)", kind: "TypeError")
            }
            r.paramwise = pw
            if ctor != "layer_decay" && ctor != "beit_layer_decay" { try parseParamwise(pw, into: &r) }
        }
        return r
    }

    static func parseParamwise(_ pw: DictRef, into r: inout Request) throws {
        var c = ParamwiseConfig()
        for (k, v) in pw.pairs {
            guard case .str(let key) = k else { throw RuntimeError("paramwise_cfg keys must be str, got \(k.typeName)", kind: "TypeError") }
            c.presentKeys.insert(key)
            switch key {
            case "custom_keys":
                guard case .dict(let ck) = v else {
                    throw RuntimeError("If specified, custom_keys must be a dict, but got \(v.typeName)", kind: "TypeError")
                }
                c.hasCustomKeys = true
                for (kk, vv) in ck.pairs {
                    guard case .str(let name) = kk else { throw RuntimeError("custom_keys keys must be str, got \(kk.typeName)", kind: "TypeError") }
                    guard case .dict(let items) = vv else {
                        throw RuntimeError("custom_keys['\(name)'] must be a dict such as dict(lr_mult=0.1, decay_mult=0.9), got \(vv.typeName)", kind: "TypeError")
                    }
                    var entries: [(name: String, number: Double?)] = []
                    var values: [Value] = []
                    for (ik, iv) in items.pairs {
                        guard case .str(let iname) = ik else { throw RuntimeError("custom_keys['\(name)'] keys must be str", kind: "TypeError") }
                        var num: Double? = nil
                        if case .bool = iv {} else { num = Convert.double(iv) }
                        if (iname == "lr_mult" || iname == "decay_mult") && num == nil {
                            throw RuntimeError("custom_keys['\(name)']['\(iname)'] must be a number, got \(iv.typeName)", kind: "TypeError")
                        }
                        entries.append((iname, num))
                        values.append(iv)
                    }
                    c.customKeys.append(CustomKeyConfig(key: name, items: entries))
                    r.customKeyValues.append(values)
                }
            case "bias_lr_mult": c.biasLrMult = try number(v, "paramwise_cfg['bias_lr_mult']")
            case "bias_decay_mult": c.biasDecayMult = try number(v, "paramwise_cfg['bias_decay_mult']")
            case "norm_decay_mult": c.normDecayMult = try number(v, "paramwise_cfg['norm_decay_mult']")
            case "dwconv_decay_mult": c.dwconvDecayMult = try number(v, "paramwise_cfg['dwconv_decay_mult']")
            case "dcn_offset_lr_mult": c.dcnOffsetLrMult = try number(v, "paramwise_cfg['dcn_offset_lr_mult']")
            case "flat_decay_mult": c.flatDecayMult = try number(v, "paramwise_cfg['flat_decay_mult']")
            case "bypass_duplicate": c.bypassDuplicate = try v.truthy()
            case "force_default_settings": c.forceDefaultSettings = try v.truthy()
            default: break  // unknown keys are ignored, as in MMEngine
            }
        }
        r.config = c
    }

    /// The groups as dicts, plus the resolved parameters (for explain) when per-parameter.
    static func buildGroups(_ r: Request) throws -> (groups: [DictRef], resolved: ParamGroupsResult?, layer: [LayerDecayGroup]?, warnings: [String]) {
        var model = r.model
        if let inner = model.child("module") { model = inner }  // DataParallel-style wrappers
        let defaults = try OptimizerDefaults.defaults(type: r.optimizerType, cfg: r.optimizerArgs)
        func finish(_ d: DictRef) {
            for (k, v) in defaults where d[str: k] == nil { d[str: k] = v }
        }
        var warnings: [String] = []
        var groups: [DictRef] = []
        if r.constructor == "layer_decay" || r.constructor == "beit_layer_decay" {
            guard let pw = r.paramwise, pw.count > 0 else {
                let d = DictRef()
                d[str: "params"] = .list(model.namedParameters().map { .str($0.name) })
                finish(d)
                return ([d], nil, nil, warnings)
            }
            let cfg = try layerDecayConfig(pw, beit: r.constructor == "beit_layer_decay")
            let lg = try LayerDecay.groups(model: model, config: cfg, baseLR: r.baseLR ?? 0.001, baseWD: r.baseWD ?? 0)
            for g in lg {
                let d = DictRef()
                d[str: "weight_decay"] = .float(g.weightDecay)
                d[str: "params"] = .list(g.paramNames.map { .str($0) })
                d[str: "param_names"] = .list(g.paramNames.map { .str($0) })
                d[str: "lr_scale"] = .float(g.lrScale)
                d[str: "group_name"] = .str(g.groupName)
                d[str: "lr"] = .float(g.lr)
                finish(d)
                groups.append(d)
            }
            if groups.isEmpty { throw RuntimeError("optimizer got an empty parameter list", kind: "ValueError") }
            return (groups, nil, lg, warnings)
        }
        let flavor: ParamGroupsFlavor = r.constructor == "mmcv" ? .mmcv : r.constructor == "force_default" ? .forceDefault : .mmengine
        let result: ParamGroupsResult
        do {
            result = try ParamGroups.resolve(model: model, config: r.config, baseLR: r.baseLR, baseWD: r.baseWD, flavor: flavor, warnings: &warnings)
        } catch let e as CoreError {
            let kind = e.message.hasPrefix("cannot apply") ? "TypeError" : e.kind
            throw RuntimeError(e.message, kind: kind)
        }
        switch result {
        case .single(let ps):
            if ps.isEmpty { throw RuntimeError("optimizer got an empty parameter list", kind: "ValueError") }
            let d = DictRef()
            d[str: "params"] = .list(ps.map { .str($0.name) })
            finish(d)
            groups = [d]
        case .perParameter(let rs):
            if rs.isEmpty { throw RuntimeError("optimizer got an empty parameter list (every parameter is frozen)", kind: "ValueError") }
            for p in rs {
                let d = DictRef()
                d[str: "params"] = .list([.str(p.name)])
                for w in p.writes {
                    switch w {
                    case .number(let k, let x): d[str: k] = .float(x)
                    case .customItem(let ki, let ii): d[str: r.config.customKeys[ki].items[ii].name] = r.customKeyValues[ki][ii]
                    }
                }
                finish(d)
                groups.append(d)
            }
        }
        return (groups, result, nil, warnings)
    }

    static func registerParamGroups(_ lib: Library) {
        lib.function("param_groups(model, optimizer_cfg, paramwise_cfg=None, constructor=None, base_lr=None, base_wd=None)",
                     doc: """
                     The optimizer's param groups for `model`, as MMEngine DefaultOptimWrapperConstructor builds them:
                     with a paramwise_cfg, one group per parameter in named_parameters() order, each
                     {'params': [name], 'lr': …, 'weight_decay': …, <custom-key items>, <optimizer defaults>}.
                     constructor: 'DefaultOptimWrapperConstructor' (default), 'DefaultOptimizerConstructor' (MMCV 1.x),
                     'ForceDefaultOptimWrapperConstructor', 'LearningRateDecayOptimizerConstructor', 'LayerDecayOptimizerConstructor'.
                     optimizer_cfg may also be an optim_wrapper config (dict(optimizer=..., paramwise_cfg=...)).
                     base_lr/base_wd: the lr and weight decay the multipliers scale, when not the optimizer config's
                     (a constructor subclass that sets self.base_lr).
                     """) { a in
            let r = try parseRequest(a)
            let built = try buildGroups(r)
            // MMEngine print_log(…, logger='current', level=WARNING)s them (a skipped duplicate)
            for w in built.warnings { try lib.printLog(w) }
            return .list(built.groups.map { .dict($0) })
        }
        lib.function("explain_param_groups(model, optimizer_cfg, paramwise_cfg=None, constructor=None, max_rows=None)",
                     doc: "A table of every parameter's lr and weight_decay and the rule that set it (the first max_rows rows), then a summary by (lr, weight_decay).") { a in
            let r = try parseRequest(a)
            let built = try buildGroups(r)
            let maxRows = try a.optionalInt("max_rows")
            if let m = maxRows, m < 0 { throw RuntimeError("explain_param_groups(): max_rows must be >= 0, got \(m)", kind: "ValueError") }
            return .str(explainText(r, built, maxRows: maxRows))
        }
    }
}
