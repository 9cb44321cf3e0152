import TrickCore
import TrickLang

/// The seed's docstring examples call the constructors by their class names:
/// `optim_builder = DefaultOptimizerConstructor(optimizer_cfg, paramwise_cfg); optimizer = optim_builder(model)`,
/// and build layers as `torch.nn.modules.Conv1d(1, 1, 1)`. These are thin wrappers over
/// `param_groups` and the module constructors (ParamGroupBindings.swift, ParamBindings.swift).
enum OptimizerConstructorBindings {
    static func register(_ lib: Library) {
        for (type, constructor) in [("DefaultOptimizerConstructor", "DefaultOptimizerConstructor"),
                                    ("DefaultOptimWrapperConstructor", "DefaultOptimWrapperConstructor"),
                                    ("LearningRateDecayOptimizerConstructor", "LearningRateDecayOptimizerConstructor"),
                                    ("LayerDecayOptimizerConstructor", "LayerDecayOptimizerConstructor")] {
            // MMCV 1.x's constructor takes `optimizer_cfg`; MMEngine's (and mmseg 1.x's) `optim_wrapper_cfg`
            let cfgName = type == "DefaultOptimizerConstructor" ? "optimizer_cfg" : "optim_wrapper_cfg"
            lib.type("\(type)(\(cfgName), paramwise_cfg=None)", doc: """
                \(type) as in MMCV/MMEngine: `builder = \(type)(optimizer_cfg, paramwise_cfg)`, then `optimizer = builder(model)`;
                `optimizer.param_groups` holds the groups `param_groups(model, optimizer_cfg, paramwise_cfg, constructor='\(constructor)')` returns.
                """) { a in
                let optimizerCfg = a[cfgName], paramwiseCfg = a["paramwise_cfg"]
                let builder = BuiltObject(typeName: type, attributes: attributes(cfgName, optimizerCfg, paramwiseCfg))
                // a subclass's `self.base_lr = …` is the builder's (MMEngine's __call__ reads self)
                builder.setter = { [unowned builder] name, v in builder.set(name, v) }
                builder.callable = BuiltinFunction("\(type)(model)") { b in
                    guard case .builtin(let groupsFn)? = lib.globals["param_groups"] else {
                        throw RuntimeError("param_groups is not available", kind: "RuntimeError")
                    }
                    let groups = try groupsFn.call(Arguments([b["model"], optimizerCfg, paramwiseCfg], keywords: [("constructor", .str(constructor))]))
                    var optType = "Optimizer"
                    if case .dict(let d) = optimizerCfg, case .str(let t)? = d[str: "type"] { optType = t }
                    if case .dict(let d) = optimizerCfg, case .dict(let inner)? = d[str: "optimizer"], case .str(let t)? = inner[str: "type"] { optType = t }
                    let opt = BuiltObject(typeName: optType, attributes: [("param_groups", groups)])
                    return .object(opt)
                }
                return .object(builder)
            }
        }
        registerModuleAliases(lib)
    }

    /// The constructor's attributes as MMEngine's `__init__` sets them (MMCV 1.x's: no
    /// `optim_wrapper_cfg`): `optim_wrapper_cfg` a copy of the config without `optimizer`,
    /// `optimizer_cfg` that (the same dict), `paramwise_cfg` (`{}` for None), `base_lr` and
    /// `base_wd` from the optimizer config (None when absent). The seed's flat form (the
    /// optimizer config itself) is its own `optimizer_cfg`.
    static func attributes(_ cfgName: String, _ cfg: Value, _ paramwise: Value) -> [(String, Value)] {
        var optimizer = cfg
        var wrapper: Value = cfg
        if cfgName == "optim_wrapper_cfg", case .dict(let d) = cfg {
            let copy = DictRef()
            for (k, v) in d.pairs where Printer.str(k) != "optimizer" { copy[k] = v }
            wrapper = .dict(copy)
            optimizer = d[str: "optimizer"] ?? cfg
        }
        func get(_ key: String) -> Value { if case .dict(let d) = optimizer { return d[str: key] ?? .none }; return .none }
        var out: [(String, Value)] = cfgName == "optim_wrapper_cfg" ? [("optim_wrapper_cfg", wrapper)] : []
        out += [("optimizer_cfg", optimizer), ("paramwise_cfg", paramwise.isNone ? .dict(DictRef()) : paramwise),
                ("base_lr", get("lr")), ("base_wd", get("weight_decay"))]
        return out
    }

    static func registerModuleAliases(_ lib: Library) {
        // torch.nn.Conv2d, torch.nn.modules.Conv1d, ...: the module constructors under torch's names.
        let torch = lib.namespace("torch")
        let nn = BuiltObject(typeName: "module")
        nn.repr = { "<module 'torch.nn'>" }
        let modules = BuiltObject(typeName: "module")
        modules.repr = { "<module 'torch.nn.modules'>" }
        for name in ["Module", "Parameter", "Conv1d", "Conv2d", "Conv3d", "Linear", "Embedding", "BatchNorm1d", "BatchNorm2d",
                     "BatchNorm3d", "SyncBatchNorm", "GroupNorm", "LayerNorm", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d",
                     "Sequential", "ModuleList", "ModuleDict"] {
            guard let v = lib.globals[name] else { continue }
            nn.set(name, v)
            modules.set(name, v)
        }
        nn.set("modules", .object(modules))
        torch.set("nn", .object(nn))
    }
}
