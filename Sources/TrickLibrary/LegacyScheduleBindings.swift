import TrickCore
import TrickLang

/// `mmcv_lr_schedule(base_lr, lr_config, steps, max_iters=None, epoch_length=None)`: MMCV 1.x / MMSeg 0.x
/// `lr_config` policies (`dict(policy='poly', power=0.9, min_lr=1e-4, by_epoch=False)`).
enum LegacyScheduleBindings {
    static func register(_ lib: Library) {
        lib.function("mmcv_lr_schedule(base_lr, lr_config, steps, max_iters=None, epoch_length=None)",
                     doc: """
                     The lr before each of `steps` iterations under an MMCV 1.x lr_config (policies fixed, step, exp, poly, inv,
                     CosineAnnealing, CosineRestart, cyclic; warmup constant / linear / exp). max_iters defaults to steps;
                     epoch_length is the iterations per epoch for by_epoch=True policies (default 1).
                     """) { a in
            let single: Bool
            let bases: [Double]
            switch a["base_lr"] {
            case .list, .tuple: single = false; bases = try Convert.doubles(a["base_lr"], what: "mmcv_lr_schedule() argument 'base_lr'")
            default: single = true; bases = [try a.double("base_lr")]
            }
            let cfg = try config(try a.dict("lr_config"))
            do {
                let out = try LegacyLrUpdater.run(baseLRs: bases, config: cfg, steps: try a.int("steps"), maxIters: try a.optionalInt("max_iters"),
                                                  epochLength: try a.optionalInt("epoch_length"))
                let lists = out.map { Value.list($0.map { .float($0) }) }
                return single ? lists[0] : .list(lists)
            } catch let e as CoreError { throw RuntimeError(e.message, kind: "ValueError") }
        }
    }

    static func config(_ d: DictRef) throws -> LegacyLrConfig {
        var kw: [String: Value] = [:]
        for (k, v) in d.pairs {
            guard case .str(let s) = k else { throw RuntimeError("lr_config keys must be str", kind: "TypeError") }
            kw[s] = v
        }
        guard case .str(var policy)? = kw["policy"] else {
            throw RuntimeError("lr_config must contain 'policy' (e.g. dict(policy='poly', power=0.9, min_lr=1e-4, by_epoch=False))", kind: "KeyError")
        }
        if policy == policy.lowercased() { policy = policy.prefix(1).uppercased() + policy.dropFirst() }  // mmcv: 'poly' -> 'Poly'
        func num(_ k: String) throws -> Double? {
            guard let v = kw[k], !v.isNone else { return nil }
            guard let d = Convert.double(v) else { throw RuntimeError("lr_config['\(k)'] must be a number, got \(v.typeName)", kind: "TypeError") }
            return d
        }
        func int(_ k: String) throws -> Int? {
            guard let v = kw[k], !v.isNone else { return nil }
            return try Convert.int(v, what: "lr_config['\(k)']")
        }
        func bool(_ k: String, _ d: Bool) throws -> Bool { try kw[k].map { try $0.truthy() } ?? d }
        let p: LegacyLrConfig.Policy
        switch policy {
        case "Fixed": p = .fixed
        case "Step":
            guard let s = kw["step"] else { throw RuntimeError("lr_config: policy 'step' needs 'step' (an int or a list of ints)", kind: "KeyError") }
            if case .int(let iv) = s { p = .step(steps: [], interval: iv, gamma: try num("gamma") ?? 0.1, minLR: try num("min_lr")) } else {
                p = .step(steps: try Convert.ints(s, what: "lr_config['step']"), interval: nil, gamma: try num("gamma") ?? 0.1, minLR: try num("min_lr"))
            }
        case "Exp":
            guard let g = try num("gamma") else { throw RuntimeError("lr_config: policy 'exp' needs 'gamma'", kind: "KeyError") }
            p = .exp(gamma: g)
        case "Poly": p = .poly(power: try num("power") ?? 1, minLR: try num("min_lr") ?? 0)
        case "Inv":
            guard let g = try num("gamma") else { throw RuntimeError("lr_config: policy 'inv' needs 'gamma'", kind: "KeyError") }
            p = .inv(gamma: g, power: try num("power") ?? 1)
        case "CosineAnnealing": p = .cosineAnnealing(minLR: try num("min_lr"), minLRRatio: try num("min_lr_ratio"))
        case "CosineRestart":
            guard let per = kw["periods"] else { throw RuntimeError("lr_config: policy 'CosineRestart' needs 'periods'", kind: "KeyError") }
            p = .cosineRestart(periods: try Convert.ints(per, what: "lr_config['periods']"),
                               restartWeights: try kw["restart_weights"].map { try Convert.doubles($0, what: "lr_config['restart_weights']") } ?? [1],
                               minLR: try num("min_lr"), minLRRatio: try num("min_lr_ratio"))
        case "Cyclic":
            var ratio = (10.0, 1e-4)
            if let t = kw["target_ratio"] {
                let r = try Convert.doubles(t, what: "lr_config['target_ratio']")
                guard r.count == 1 || r.count == 2 else { throw RuntimeError("lr_config: \"target_ratio\" must be list or tuple of two floats", kind: "ValueError") }
                ratio = r.count == 1 ? (r[0], r[0] / 1e5) : (r[0], r[1])
            }
            let strategy = kw["anneal_strategy"].map { Printer.str($0) } ?? "cos"
            guard strategy == "cos" || strategy == "linear" else {
                throw RuntimeError("lr_config: anneal_strategy must be one of \"cos\" or \"linear\", instead got \(strategy)", kind: "ValueError")
            }
            p = .cyclic(targetRatio: ratio, cyclicTimes: try int("cyclic_times") ?? 1, stepRatioUp: try num("step_ratio_up") ?? 0.4,
                        gamma: try num("gamma") ?? 1, cosine: strategy == "cos")
        default:
            let known = ["fixed", "step", "exp", "poly", "inv", "CosineAnnealing", "CosineRestart", "cyclic"]
            let hint = closestName(to: policy, in: known).map { " (did you mean '\($0)'?)" } ?? ""
            throw RuntimeError("lr_config: unknown policy '\(policy)'\(hint)", kind: "KeyError")
        }
        var warmup: LegacyLrConfig.Warmup? = nil
        if let w = kw["warmup"], !w.isNone {
            guard case .str(let ws) = w, let ww = LegacyLrConfig.Warmup(rawValue: ws) else {
                throw RuntimeError("lr_config: \"\(Printer.str(w))\" is not a supported type for warming up, valid types are \"constant\", \"linear\" and \"exp\"", kind: "ValueError")
            }
            warmup = ww
        }
        do {
            return try LegacyLrConfig(policy: p, byEpoch: try bool("by_epoch", policy != "Cyclic"), warmup: warmup, warmupIters: try int("warmup_iters") ?? 0,
                                      warmupRatio: try num("warmup_ratio") ?? 0.1, warmupByEpoch: try bool("warmup_by_epoch", false))
        } catch let e as CoreError { throw RuntimeError(e.message, kind: "ValueError") }
    }
}
