import TrickCore
import TrickLang

/// `torch.optim.lr_scheduler.*` bound to an optimizer over real parameters, as torch 2.4.1 writes
/// them (TrickCore/Optim/TorchSchedulers.swift): StepLR, MultiStepLR, ConstantLR, LinearLR,
/// ExponentialLR, CosineAnnealingLR, PolynomialLR, LambdaLR, MultiplicativeLR (script functions
/// of the epoch), CosineAnnealingWarmRestarts (`step(epoch)` with fractional epochs), CyclicLR
/// and OneCycleLR (cycling momentum / betas[0]), SequentialLR, ChainedScheduler and
/// ReduceLROnPlateau (`step(metric)`). Each step writes the optimizer's `param_groups` dicts — of
/// trick's optimizers or of a script's own `torch.optim.Optimizer` subclass (ScriptOptimizers.swift).
/// A scheduler's first `step()` warns as torch's does when `optimizer.step()` has not run yet.
enum TorchSchedulerBindings {
    final class Live {
        let core: TorchScheduler
        let optimizer: LiveOptimizer
        init(core: TorchScheduler, optimizer: LiveOptimizer) { self.core = core; self.optimizer = optimizer }
    }

    static func core<R>(_ body: () throws -> R) throws -> R {
        do { return try body() } catch let e as CoreError { throw RuntimeError(e.message, kind: e.kind) }
    }

    static func optimizer(_ a: Bound, _ name: String) throws -> LiveOptimizer {
        guard let live = LiveOptimizer.from(a["optimizer"]) else {
            throw notAnOptimizer(a["optimizer"])
        }
        guard try a.int("last_epoch") == -1 else {
            throw RuntimeError("\(name)(last_epoch != -1): resuming is not supported", kind: "NotImplementedError")
        }
        return live
    }

    /// torch's `LRScheduler.__init__` check (a skeleton optimizer over parameter names is one too).
    static func notAnOptimizer(_ v: Value) -> RuntimeError {
        RuntimeError("\(v.typeName) is not an Optimizer (trick's schedulers need an optimizer over real parameters)", kind: "TypeError")
    }

    static func numbers(_ v: Value, _ what: String) throws -> [Double] {
        if let d = Convert.double(v) { return [d] }
        return try Convert.doubles(v, what: what)
    }

    static func lastLR(_ xs: [Double]) -> Value { .list(xs.map { .float($0) }) }

    /// A scheduler object: `step(epoch=None)`, `get_last_lr()`, `last_epoch`, `base_lrs`.
    static func object(_ name: String, _ live: LiveOptimizer, optimizerObject: Value, _ make: () throws -> TorchScheduler) throws -> Value {
        try live.pushToCore()
        let s = try core { try make() }
        live.pullFromCore()
        try live.wrapStep(for: .torch)
        let o = BuiltObject(typeName: name, payload: Live(core: s, optimizer: live))
        o.repr = { "<torch.optim.lr_scheduler.\(name) object>" }
        var stepped = false
        o.method("step(epoch=None)") { a in
            if !stepped { try TrainingOptimBindings.warnStepOrder(live, optimizerObject, check: .torch) }
            stepped = true
            try live.pushToCore()
            let e = a.has("epoch") ? try a.double("epoch") : nil
            try core { try s.step(epoch: e) }
            live.pullFromCore()
            return .none
        }
        o.method("get_last_lr()") { _ in lastLR(s.lastLR) }
        o.getter = { key in
            switch key {
            case "last_epoch": return s.lastEpoch == s.lastEpoch.rounded() ? .int(Int(s.lastEpoch)) : .float(s.lastEpoch)
            case "base_lrs": return .list(s.baseLRs.map { .float($0) })
            default: return nil
            }
        }
        return .object(o)
    }

    /// `lr_lambda`: one script function or a list of them, each called with the epoch.
    static func lambdas(_ lib: Library, _ v: Value) throws -> [(Int) throws -> Double] {
        let fs: [Value]
        switch v {
        case .list(let l): fs = l.items
        case .tuple(let t): fs = t
        default: fs = [v]
        }
        return fs.map { f in
            { epoch in
                let r = try lib.callValue(f, Arguments([.int(epoch)]))
                guard let d = Convert.double(r) ?? (try? Convert.tensor(r)).flatMap({ $0.count == 1 ? $0.double(at: 0) : nil }) else {
                    throw RuntimeError("lr_lambda must return a number, got \(r.typeName)", kind: "TypeError")
                }
                return d
            }
        }
    }

    static func register(_ lib: Library) {
        guard case .object(let ns)? = lib.globals["torch_lr_scheduler"] else { return }
        func define(_ sig: String, _ make: @escaping (Bound, LiveOptimizer) throws -> TorchScheduler) {
            let name = String(sig.prefix { $0 != "(" })
            let f = BuiltinFunction(sig, doc: "torch.optim.lr_scheduler.\(name) bound to an optimizer — trick's SGD/Adam/AdamW/RMSprop or a script's own torch.optim.Optimizer subclass (SAM, Lookahead) — with torch 2.4.1's formulas and step-order warnings. Where trick differs: over a script's optimizer, groups added after the scheduler was made are an error.") { a in
                let live = try optimizer(a, name)
                return try object(name, live, optimizerObject: a["optimizer"]) { try make(a, live) }
            }
            ns.methods[name] = f
            lib.define("torch_" + name, .builtin(f))
        }
        let v = "last_epoch=-1, verbose='deprecated'"
        define("StepLR(optimizer, step_size, gamma=0.1, \(v))") { a, l in try TorchStepLR(l.core, stepSize: try a.int("step_size"), gamma: try a.double("gamma")) }
        define("MultiStepLR(optimizer, milestones, gamma=0.1, \(v))") { a, l in
            try TorchMultiStepLR(l.core, milestones: try Convert.ints(a["milestones"], what: "milestones"), gamma: try a.double("gamma"))
        }
        define("ConstantLR(optimizer, factor=0.3333333333333333, total_iters=5, \(v))") { a, l in
            try TorchConstantLR(l.core, factor: try a.double("factor"), totalIters: try a.int("total_iters"))
        }
        define("LinearLR(optimizer, start_factor=0.3333333333333333, end_factor=1.0, total_iters=5, \(v))") { a, l in
            try TorchLinearLR(l.core, startFactor: try a.double("start_factor"), endFactor: try a.double("end_factor"), totalIters: try a.int("total_iters"))
        }
        define("ExponentialLR(optimizer, gamma, \(v))") { a, l in try TorchExponentialLR(l.core, gamma: try a.double("gamma")) }
        define("CosineAnnealingLR(optimizer, T_max, eta_min=0.0, \(v))") { a, l in
            try TorchCosineAnnealingLR(l.core, tMax: try a.int("T_max"), etaMin: try a.double("eta_min"))
        }
        define("PolynomialLR(optimizer, total_iters=5, power=1.0, \(v))") { a, l in
            try TorchPolynomialLRNative(l.core, totalIters: try a.int("total_iters"), power: try a.double("power"))
        }
        define("LambdaLR(optimizer, lr_lambda, \(v))") { a, l in try TorchLambdaLR(l.core, lambdas: try lambdas(lib, a["lr_lambda"])) }
        define("MultiplicativeLR(optimizer, lr_lambda, \(v))") { a, l in try TorchMultiplicativeLR(l.core, lambdas: try lambdas(lib, a["lr_lambda"])) }
        define("CosineAnnealingWarmRestarts(optimizer, T_0, T_mult=1, eta_min=0.0, \(v))") { a, l in
            try TorchCosineAnnealingWarmRestarts(l.core, t0: try a.int("T_0"), tMult: try a.int("T_mult"), etaMin: try a.double("eta_min"))
        }
        define("CyclicLR(optimizer, base_lr, max_lr, step_size_up=2000, step_size_down=None, mode='triangular', gamma=1.0, scale_fn=None, scale_mode='cycle', cycle_momentum=True, base_momentum=0.8, max_momentum=0.9, \(v))") { a, l in
            var scale: ((Double) throws -> Double)?
            if !a["scale_fn"].isNone {
                let f = a["scale_fn"]
                scale = { x in
                    let r = try lib.callValue(f, Arguments([.float(x)]))
                    guard let d = Convert.double(r) else { throw RuntimeError("scale_fn must return a number, got \(r.typeName)", kind: "TypeError") }
                    return d
                }
            }
            return try TorchCyclicLR(l.core, baseLR: try numbers(a["base_lr"], "base_lr"), maxLR: try numbers(a["max_lr"], "max_lr"),
                                     stepSizeUp: try a.double("step_size_up"), stepSizeDown: try a.optionalDouble("step_size_down"),
                                     mode: try a.string("mode"), gamma: try a.double("gamma"), scaleFn: scale, scaleMode: try a.string("scale_mode"),
                                     cycleMomentum: try a.bool("cycle_momentum"), baseMomentum: try numbers(a["base_momentum"], "base_momentum"),
                                     maxMomentum: try numbers(a["max_momentum"], "max_momentum"))
        }
        define("OneCycleLR(optimizer, max_lr, total_steps=None, epochs=None, steps_per_epoch=None, pct_start=0.3, anneal_strategy='cos', cycle_momentum=True, base_momentum=0.85, max_momentum=0.95, div_factor=25.0, final_div_factor=10000.0, three_phase=False, \(v))") { a, l in
            try TorchOneCycleLR(l.core, maxLR: try numbers(a["max_lr"], "max_lr"), totalSteps: try a.optionalInt("total_steps"),
                                epochs: try a.optionalInt("epochs"), stepsPerEpoch: try a.optionalInt("steps_per_epoch"),
                                pctStart: try a.double("pct_start"), annealStrategy: try a.string("anneal_strategy"),
                                cycleMomentum: try a.bool("cycle_momentum"), baseMomentum: try numbers(a["base_momentum"], "base_momentum"),
                                maxMomentum: try numbers(a["max_momentum"], "max_momentum"), divFactor: try a.double("div_factor"),
                                finalDivFactor: try a.double("final_div_factor"), threePhase: try a.bool("three_phase"))
        }
        registerComposite(lib, ns)
    }

    static func registerComposite(_ lib: Library, _ ns: BuiltObject) {
        let seq = BuiltinFunction("SequentialLR(optimizer, schedulers, milestones, last_epoch=-1, verbose='deprecated')",
                                  doc: "torch.optim.lr_scheduler.SequentialLR: each scheduler in turn, restarted at its milestone") { a in
            let live = try optimizer(a, "SequentialLR")
            let items = try AutogradBindings.sequence(a["schedulers"])
            let scheds = try items.map { v -> TorchScheduler in
                guard case .object(let o) = v, let s = o.payload as? Live else {
                    throw RuntimeError("SequentialLR: schedulers must be torch.optim.lr_scheduler schedulers (StepLR, LinearLR, LambdaLR, …), got \(v.typeName)", kind: "TypeError")
                }
                return s.core
            }
            try live.pushToCore()
            let s = try core { try TorchSequentialLR(live.core, schedulers: scheds, milestones: try Convert.ints(a["milestones"], what: "milestones")) }
            live.pullFromCore()
            let o = BuiltObject(typeName: "SequentialLR", payload: s)
            o.repr = { "<torch.optim.lr_scheduler.SequentialLR object>" }
            // each scheduler's first step through SequentialLR makes torch's check (the first at
            // SequentialLR's first step, each later one at its milestone)
            let milestones = try Convert.ints(a["milestones"], what: "milestones")
            var checked = Set<Int>()
            o.method("step()") { _ in
                let index = milestones.filter { $0 <= s.lastEpoch + 1 }.count
                if checked.insert(index).inserted { try TrainingOptimBindings.warnStepOrder(live, a["optimizer"], check: .torch) }
                try live.pushToCore()
                try core { try s.step() }
                live.pullFromCore()
                return .none
            }
            o.method("get_last_lr()") { _ in lastLR(s.lastLR) }
            o.getter = { key in key == "last_epoch" ? .int(s.lastEpoch) : nil }
            return .object(o)
        }
        ns.methods["SequentialLR"] = seq
        lib.define("torch_SequentialLR", .builtin(seq))

        let chained = BuiltinFunction("ChainedScheduler(schedulers, optimizer=None)",
                                      doc: "torch.optim.lr_scheduler.ChainedScheduler: step() steps every scheduler in order") { a in
            let items = try AutogradBindings.sequence(a["schedulers"])
            guard let lastObject = items.last, case .object(let last) = lastObject else {
                throw RuntimeError("ChainedScheduler expects at least one scheduler", kind: "ValueError")
            }
            var steps: [BuiltinFunction] = []
            for v in items {
                guard case .object(let o) = v, let st = o.methods["step"], o.payload is Live || o.payload is OptimizerScheduler || o.payload is TorchSequentialLR else {
                    throw RuntimeError("ChainedScheduler expects schedulers bound to an optimizer, got \(v.typeName)", kind: "TypeError")
                }
                steps.append(st)
            }
            // _last_lr: the lrs of the last scheduler's optimizer
            func groupsLR() throws -> Value {
                var opt: LiveOptimizer?
                if let l = last.payload as? Live { opt = l.optimizer }
                guard let opt else { return try last.methods["get_last_lr"]?.call(Arguments()) ?? .none }
                try opt.pushToCore()
                return lastLR(try core { try opt.core.paramGroups.map { try $0.number("lr") } })
            }
            var current = try groupsLR()
            let o = BuiltObject(typeName: "ChainedScheduler")
            o.repr = { "<torch.optim.lr_scheduler.ChainedScheduler object>" }
            o.method("step()") { _ in
                for st in steps { _ = try st.call(Arguments()) }
                current = try groupsLR()
                return .none
            }
            o.method("get_last_lr()") { _ in current }
            return .object(o)
        }
        ns.methods["ChainedScheduler"] = chained
        lib.define("torch_ChainedScheduler", .builtin(chained))

        let plateau = BuiltinFunction("ReduceLROnPlateau(optimizer, mode='min', factor=0.1, patience=10, threshold=0.0001, threshold_mode='rel', cooldown=0, min_lr=0, eps=1e-08, verbose='deprecated')",
                                      doc: "torch.optim.lr_scheduler.ReduceLROnPlateau: step(metric) lowers the lr by factor after patience epochs without improvement") { a in
            guard let live = LiveOptimizer.from(a["optimizer"]) else { throw notAnOptimizer(a["optimizer"]) }
            try live.pushToCore()
            let s = try core {
                try TorchReduceLROnPlateau(live.core, mode: try a.string("mode"), factor: try a.double("factor"), patience: try a.int("patience"),
                                           threshold: try a.double("threshold"), thresholdMode: try a.string("threshold_mode"),
                                           cooldown: try a.int("cooldown"), minLR: try numbers(a["min_lr"], "min_lr"), eps: try a.double("eps"))
            }
            let o = BuiltObject(typeName: "ReduceLROnPlateau", payload: s)
            o.repr = { "<torch.optim.lr_scheduler.ReduceLROnPlateau object>" }
            o.method("step(metrics, epoch=None)") { b in
                let m: Double
                if let d = Convert.double(b["metrics"]) { m = d } else if let t = try? Convert.tensor(b["metrics"]), t.count == 1 { m = t.double(at: 0) } else {
                    throw RuntimeError("ReduceLROnPlateau.step() argument 'metrics' must be a number, got \(b["metrics"].typeName)", kind: "TypeError")
                }
                try live.pushToCore()
                try core { try s.step(m) }
                live.pullFromCore()
                return .none
            }
            o.method("get_last_lr()") { _ in lastLR(s.lastLR) }
            o.getter = { key in
                switch key {
                case "best": return .float(s.best)
                case "num_bad_epochs": return .int(s.numBadEpochs)
                case "cooldown_counter": return .int(s.cooldownCounter)
                case "last_epoch": return .int(s.lastEpoch)
                default: return nil
                }
            }
            return .object(o)
        }
        ns.methods["ReduceLROnPlateau"] = plateau
        lib.define("torch_ReduceLROnPlateau", .builtin(plateau))
    }
}
