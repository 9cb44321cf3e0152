/// Parameter-wise optimizer settings (trick 1: "different LR for backbone and head").
///
/// Matches MMEngine 0.10 `DefaultOptimWrapperConstructor.add_params` (the default), MMCV 1.x
/// `DefaultOptimizerConstructor` and MMSegmentation's `ForceDefaultOptimWrapperConstructor`
/// rule for rule — see reference/param-groups-schedules-swa.md §1 (MMCV), §2 (MMEngine), §8 (gotchas):
/// - the match string of a parameter is `f'{prefix}.{name}'`, so a root parameter is `'.param1'`;
/// - custom keys are tried longest first, equal lengths in ascending code-point order, as plain
///   substrings; the first match sets `lr = base_lr * lr_mult`, `weight_decay = base_wd * decay_mult`
///   (MMEngine then copies every item of the key's dict into the group) and disables every other rule;
/// - otherwise `bias_lr_mult`, `dcn_offset_lr_mult` set the lr, and the weight-decay rule is
///   MMEngine: norm > bias > depthwise > flat (each only when its multiplier is given),
///   MMCV: norm > depthwise > bias (multipliers default to 1).
public enum ParamGroupsFlavor: String, Sendable {
    /// MMEngine `DefaultOptimWrapperConstructor` (≥ 0.10.4: frozen parameters are dropped).
    case mmengine
    /// MMCV 1.x `DefaultOptimizerConstructor` (frozen parameters become bare groups, checked first).
    case mmcv
    /// MMSegmentation `ForceDefaultOptimWrapperConstructor` (frozen → bare group; `force_default_settings`).
    case forceDefault
}

/// One entry of `paramwise_cfg['custom_keys']`.
public struct CustomKeyConfig: Sendable {
    public var key: String
    /// The items of the key's dict in order; `number` is set when the value is a number.
    public var items: [(name: String, number: Double?)]

    public init(key: String, items: [(name: String, number: Double?)]) {
        self.key = key
        self.items = items
    }

    public func number(_ name: String) -> Double? { items.first { $0.name == name }?.number }
    public func has(_ name: String) -> Bool { items.contains { $0.name == name } }
}

/// `paramwise_cfg`, already checked for types by the caller.
public struct ParamwiseConfig: Sendable {
    public var customKeys: [CustomKeyConfig] = []
    public var hasCustomKeys = false
    public var biasLrMult: Double?
    public var biasDecayMult: Double?
    public var normDecayMult: Double?
    public var dwconvDecayMult: Double?
    public var dcnOffsetLrMult: Double?
    public var flatDecayMult: Double?
    public var bypassDuplicate = false
    public var forceDefaultSettings = false
    /// The keys the config holds (validation tests presence, not value: `'norm_decay_mult' in cfg`).
    public var presentKeys: Set<String> = []
    /// True for `None` / `{}`: the whole model becomes one group.
    public var isEmpty: Bool { presentKeys.isEmpty }

    public init() {}
}

/// A write into a parameter group, in the order the constructor performs it.
public enum GroupWrite: Sendable {
    /// `group[key] = value` computed by a rule (`lr`, `weight_decay`).
    case number(String, Double)
    /// `group[item] = custom_keys[key][item]`: item `item` of custom key number `key`.
    case customItem(key: Int, item: Int)
}

/// One parameter's group, as the constructor builds it before the optimizer fills in defaults.
public struct ResolvedParam {
    /// Full name as `named_parameters()` prints it (`'param1'`, `'backbone.conv1.weight'`).
    public var name: String
    /// The string custom keys are matched against (`'.param1'` at the root).
    public var matchName: String
    public var param: ModuleParameter
    public var writes: [GroupWrite] = []
    /// Index into `customKeys` of the key that matched.
    public var customKey: Int?
    /// Which rule set the lr / weight decay (for `explain_param_groups`).
    public var lrRule: String?
    public var decayRule: String?
    /// A frozen parameter kept as a bare group (MMCV, ForceDefault).
    public var frozen = false

    /// The group's explicit lr / weight_decay after all writes (custom-key `lr` / `weight_decay`
    /// items included); nil when the optimizer default applies.
    public func explicit(_ key: String, customKeys: [CustomKeyConfig]) -> Double? {
        var v: Double?
        for w in writes {
            switch w {
            case .number(let k, let x) where k == key: v = x
            case .customItem(let ki, let ii) where customKeys[ki].items[ii].name == key: v = customKeys[ki].items[ii].number
            default: break
            }
        }
        return v
    }
}

public enum ParamGroupsResult {
    /// Empty `paramwise_cfg`: `model.parameters()` as one group (frozen parameters included).
    case single([(name: String, param: ModuleParameter)])
    /// One group per parameter, in traversal order.
    case perParameter([ResolvedParam])
}

public enum ParamGroups {
    /// `sorted(sorted(keys), key=len, reverse=True)`: longest first, ties in ascending code-point order.
    public static func sortedKeyOrder(_ keys: [String]) -> [Int] {
        let scalars = keys.map { Array($0.unicodeScalars).map(\.value) }
        return keys.indices.sorted { a, b in
            if scalars[a].count != scalars[b].count { return scalars[a].count > scalars[b].count }
            return scalars[a].lexicographicallyPrecedes(scalars[b])
        }
    }

    /// Python's `needle in haystack` on code points.
    public static func contains(_ haystack: String, _ needle: String) -> Bool {
        let h = Array(haystack.unicodeScalars), n = Array(needle.unicodeScalars)
        if n.isEmpty { return true }
        if n.count > h.count { return false }
        outer: for i in 0...(h.count - n.count) {
            for j in 0..<n.count where h[i + j] != n[j] { continue outer }
            return true
        }
        return false
    }

    /// The constructor's `_validate_cfg` (identical in MMCV 1.x and MMEngine): decay multipliers
    /// need a `weight_decay` in the optimizer config.
    public static func validate(_ cfg: ParamwiseConfig, baseWD: Double?) throws {
        guard baseWD == nil else { return }
        for ck in cfg.customKeys where ck.has("decay_mult") {
            throw CoreError("base_wd should not be None: custom key '\(ck.key)' sets decay_mult but the optimizer config has no weight_decay")
        }
        for k in ["bias_decay_mult", "norm_decay_mult", "dwconv_decay_mult"] where cfg.presentKeys.contains(k) {
            throw CoreError("base_wd should not be None: paramwise_cfg sets \(k) but the optimizer config has no weight_decay")
        }
    }

    /// Resolves every parameter's group. `baseLR`/`baseWD` are the optimizer config's `lr` and
    /// `weight_decay` (nil when absent). Warnings (duplicates, frozen parameters) are appended to `warnings`.
    public static func resolve(model: ModuleNode, config cfg: ParamwiseConfig, baseLR: Double?, baseWD: Double?,
                               flavor: ParamGroupsFlavor = .mmengine, warnings: inout [String]) throws -> ParamGroupsResult {
        try validate(cfg, baseWD: baseWD)
        if cfg.isEmpty { return .single(model.namedParameters()) }
        let order = sortedKeyOrder(cfg.customKeys.map(\.key))
        let mmcv = flavor == .mmcv
        // MMCV's multipliers default to 1.0 (every rule always applies); MMEngine's to None.
        let biasLr = mmcv ? (cfg.biasLrMult ?? 1) : cfg.biasLrMult
        let biasDecay = mmcv ? (cfg.biasDecayMult ?? 1) : cfg.biasDecayMult
        let normDecay = mmcv ? (cfg.normDecayMult ?? 1) : cfg.normDecayMult
        let dwDecay = mmcv ? (cfg.dwconvDecayMult ?? 1) : cfg.dwconvDecayMult
        let dcnLr = mmcv ? (cfg.dcnOffsetLrMult ?? 1) : cfg.dcnOffsetLrMult
        let flatDecay = mmcv ? nil : cfg.flatDecayMult

        func lr(_ mult: Double, _ what: String) throws -> Double {
            guard let b = baseLR else {
                throw CoreError("cannot apply \(what): the optimizer config has no lr (unsupported operand type(s) for *: 'NoneType' and 'float')")
            }
            return b * mult
        }

        var out: [ResolvedParam] = []
        var grouped = Set<ObjectIdentifier>()

        func add(_ module: ModuleNode, prefix: String, isDCN: Bool) throws {
            let isNorm = module.isNorm, isDW = module.isDepthwiseConv
            var seenHere = Set<ObjectIdentifier>()
            for (name, p) in module.parameters where seenHere.insert(ObjectIdentifier(p)).inserted {
                let full = prefix.isEmpty ? name : prefix + "." + name
                var g = ResolvedParam(name: full, matchName: prefix + "." + name, param: p)
                let id = ObjectIdentifier(p)
                if mmcv && !p.requiresGrad {
                    g.frozen = true
                    if grouped.contains(id) { throw duplicateError(full) }
                    grouped.insert(id); out.append(g); continue
                }
                if cfg.bypassDuplicate && grouped.contains(id) {
                    warnings.append("\(prefix) is duplicate. It is skipped since bypass_duplicate=True")
                    continue
                }
                if !p.requiresGrad {
                    if flavor == .forceDefault {
                        g.frozen = true
                        if grouped.contains(id) { throw duplicateError(full) }
                        grouped.insert(id); out.append(g); continue
                    }
                    warnings.append("\(prefix).\(name) is skipped since its requires_grad=False")
                    continue
                }
                var isCustom = false
                for ki in order where contains(g.matchName, cfg.customKeys[ki].key) {
                    let ck = cfg.customKeys[ki]
                    isCustom = true
                    g.customKey = ki
                    g.writes.append(.number("lr", try lr(ck.number("lr_mult") ?? 1, "custom key '\(ck.key)'")))
                    g.lrRule = "custom_keys['\(ck.key)']"
                    if let wd = baseWD {
                        g.writes.append(.number("weight_decay", wd * (ck.number("decay_mult") ?? 1)))
                        g.decayRule = "custom_keys['\(ck.key)']"
                    }
                    if !mmcv {
                        for ii in ck.items.indices {
                            g.writes.append(.customItem(key: ki, item: ii))
                            if ck.items[ii].name == "lr" { g.lrRule = "custom_keys['\(ck.key)']['lr']" }
                            if ck.items[ii].name == "weight_decay" { g.decayRule = "custom_keys['\(ck.key)']['weight_decay']" }
                        }
                    }
                    break
                }
                if !isCustom || (flavor == .forceDefault && cfg.forceDefaultSettings) {
                    if name == "bias" && !(isNorm || isDCN), let m = biasLr {
                        g.writes.append(.number("lr", try lr(m, "bias_lr_mult"))); g.lrRule = "bias_lr_mult"
                    }
                    if contains(prefix, "conv_offset") && isDCN && module.isConv2d, let m = dcnLr {
                        g.writes.append(.number("lr", try lr(m, "dcn_offset_lr_mult"))); g.lrRule = "dcn_offset_lr_mult"
                    }
                    if let wd = baseWD {
                        if mmcv {
                            if isNorm, let m = normDecay {
                                g.writes.append(.number("weight_decay", wd * m)); g.decayRule = "norm_decay_mult"
                            } else if isDW, let m = dwDecay {
                                g.writes.append(.number("weight_decay", wd * m)); g.decayRule = "dwconv_decay_mult"
                            } else if name == "bias" && !isDCN, let m = biasDecay {
                                g.writes.append(.number("weight_decay", wd * m)); g.decayRule = "bias_decay_mult"
                            }
                        } else {
                            if isNorm && normDecay != nil {
                                g.writes.append(.number("weight_decay", wd * normDecay!)); g.decayRule = "norm_decay_mult"
                            } else if name == "bias" && !isDCN && biasDecay != nil {
                                g.writes.append(.number("weight_decay", wd * biasDecay!)); g.decayRule = "bias_decay_mult"
                            } else if isDW && dwDecay != nil {
                                g.writes.append(.number("weight_decay", wd * dwDecay!)); g.decayRule = "dwconv_decay_mult"
                            } else if p.ndim == 1 && !isDCN && flatDecay != nil {
                                g.writes.append(.number("weight_decay", wd * flatDecay!)); g.decayRule = "flat_decay_mult"
                            }
                        }
                    }
                }
                // torch.optim: "some parameters appear in more than one parameter group".
                if grouped.contains(id) { throw duplicateError(full) }
                grouped.insert(id)
                out.append(g)
            }
            let childIsDCN = module.isDeformConv
            for (cname, child) in module.uniqueChildren {
                try add(child, prefix: prefix.isEmpty ? cname : prefix + "." + cname, isDCN: childIsDCN)
            }
        }
        try add(model, prefix: "", isDCN: false)
        return .perParameter(out)
    }

    static func duplicateError(_ name: String) -> CoreError {
        CoreError("some parameters appear in more than one parameter group ('\(name)' is shared by two modules; use paramwise_cfg=dict(bypass_duplicate=True))")
    }
}
