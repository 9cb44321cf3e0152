#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// torch 2.4.1's `torch.optim.lr_scheduler` as torch writes it, acting on an `Optimizer`'s
/// groups: `LRScheduler.__init__` (`setdefault('initial_lr', lr)`, `base_lrs`, the initial
/// `step()`), `step()` (`last_epoch += 1`, the chainable `get_lr()` written into every group) and
/// `step(epoch)` (`_get_closed_form_lr()` when the class has one, else `get_lr()`), `get_last_lr()`.
/// The formulas are torch's operation for operation (`get_lr` reads each group's current lr, so
/// schedulers on one optimizer chain), which `SequentialLR` needs: it rewinds its schedulers
/// and restarts each at its milestone with `step(0)`.
///
/// Subclasses: StepLR, MultiStepLR, ConstantLR, LinearLR, ExponentialLR, CosineAnnealingLR,
/// PolynomialLR, LambdaLR, MultiplicativeLR (the lambdas are closures from the caller),
/// CosineAnnealingWarmRestarts, CyclicLR and OneCycleLR (with momentum cycling), SequentialLR;
/// `ReduceLROnPlateau` is its own class (it steps on a metric). ChainedScheduler only calls its
/// schedulers' `step()` (a binding).
open class TorchScheduler {
    public let optimizer: Optimizer
    public internal(set) var lastEpoch: Double = -1
    public internal(set) var stepCount = 0
    public internal(set) var baseLRs: [Double] = []
    public internal(set) var lastLR: [Double] = []

    public init(optimizer: Optimizer) { self.optimizer = optimizer }

    /// `LRScheduler.__init__` with `last_epoch=-1`; call at the end of a subclass's init.
    public func start() throws {
        for i in optimizer.paramGroups.indices where optimizer.paramGroups[i]["initial_lr"] == nil {
            optimizer.paramGroups[i]["initial_lr"] = optimizer.paramGroups[i]["lr"]
        }
        baseLRs = try optimizer.paramGroups.map { try $0.number("initial_lr") }
        try initialStep()
    }

    /// `_initial_step()`: the step count restarts, then one step.
    public func initialStep() throws {
        stepCount = 0
        try step()
    }

    var epoch: Int { Int(lastEpoch) }
    var lrs: [Double] { get throws { try optimizer.paramGroups.map { try $0.number("lr") } } }

    /// The chainable `get_lr()`.
    open func lr() throws -> [Double] { try lrs }
    /// `_get_closed_form_lr()`, for the classes that have one.
    open func closedForm() throws -> [Double]? { nil }

    open func step(epoch e: Double? = nil) throws {
        stepCount += 1
        let values: [Double]
        if let e {
            lastEpoch = e
            values = try closedForm() ?? lr()
        } else {
            lastEpoch += 1
            values = try lr()
        }
        try write(values)
    }

    func write(_ values: [Double]) throws {
        for (i, v) in values.enumerated() where i < optimizer.paramGroups.count {
            if optimizer.paramGroups[i]["lr"]?.number != v { optimizer.paramGroups[i]["lr"] = .double(v) }
        }
        lastLR = try lrs
    }

    /// Writes a cycled momentum: `betas[0]` for Adam-style optimizers, else `momentum`.
    func setMomentum(_ i: Int, _ m: Double, betas: Bool) throws {
        if betas {
            let b = try optimizer.paramGroups[i].pair("betas")
            optimizer.paramGroups[i]["betas"] = .tuple([.double(m), .double(b.1)])
        } else {
            optimizer.paramGroups[i]["momentum"] = .double(m)
        }
    }

    /// `_format_param`: one value for every group, or a list of exactly one per group.
    static func perGroup(_ name: String, _ v: [Double], _ groups: Int) throws -> [Double] {
        if v.count == 1 { return Array(repeating: v[0], count: groups) }
        guard v.count == groups else { throw CoreError("expected \(groups) values for \(name), got \(v.count)") }
        return v
    }

    /// `bisect_right(xs, x)` for sorted `xs`.
    static func bisectRight(_ xs: [Int], _ x: Double) -> Int { xs.filter { Double($0) <= x }.count }
}

public final class TorchStepLR: TorchScheduler {
    let stepSize: Int, gamma: Double
    public init(_ o: Optimizer, stepSize: Int, gamma: Double = 0.1) throws {
        self.stepSize = stepSize; self.gamma = gamma
        super.init(optimizer: o)
        try start()
    }
    override public func lr() throws -> [Double] {
        if epoch == 0 { return try lrs }
        guard stepSize != 0 else { throw CoreError("integer modulo by zero", kind: "ZeroDivisionError") }
        if epoch % stepSize != 0 { return try lrs }
        return try lrs.map { $0 * gamma }
    }
    override public func closedForm() throws -> [Double]? {
        guard stepSize != 0 else { throw CoreError("integer division or modulo by zero", kind: "ZeroDivisionError") }
        let k = Int((lastEpoch / Double(stepSize)).rounded(.down))
        return baseLRs.map { $0 * pow(gamma, Double(k)) }
    }
}

public final class TorchMultiStepLR: TorchScheduler {
    let milestones: [Int], gamma: Double
    public init(_ o: Optimizer, milestones: [Int], gamma: Double = 0.1) throws {
        self.milestones = milestones.sorted(); self.gamma = gamma
        super.init(optimizer: o)
        try start()
    }
    override public func lr() throws -> [Double] {
        let count = milestones.filter { $0 == epoch }.count
        if count == 0 { return try lrs }
        return try lrs.map { $0 * pow(gamma, Double(count)) }
    }
    override public func closedForm() throws -> [Double]? {
        baseLRs.map { $0 * pow(gamma, Double(TorchScheduler.bisectRight(milestones, lastEpoch))) }
    }
}

public final class TorchConstantLR: TorchScheduler {
    let factor: Double, totalIters: Int
    public init(_ o: Optimizer, factor: Double = 1.0 / 3, totalIters: Int = 5) throws {
        guard factor >= 0, factor <= 1 else { throw CoreError("Constant multiplicative factor expected to be between 0 and 1.") }
        self.factor = factor; self.totalIters = totalIters
        super.init(optimizer: o)
        try start()
    }
    override public func lr() throws -> [Double] {
        if epoch == 0 { return try lrs.map { $0 * factor } }
        if epoch != totalIters { return try lrs }
        return try lrs.map { $0 * (1.0 / factor) }
    }
    override public func closedForm() throws -> [Double]? {
        baseLRs.map { $0 * (factor + (lastEpoch >= Double(totalIters) ? 1 : 0) * (1 - factor)) }
    }
}

public final class TorchLinearLR: TorchScheduler {
    let start: Double, end: Double, totalIters: Int
    public init(_ o: Optimizer, startFactor: Double = 1.0 / 3, endFactor: Double = 1.0, totalIters: Int = 5) throws {
        guard startFactor > 0, startFactor <= 1 else {
            throw CoreError("Starting multiplicative factor expected to be greater than 0 and less or equal to 1.")
        }
        guard endFactor >= 0, endFactor <= 1 else { throw CoreError("Ending multiplicative factor expected to be between 0 and 1.") }
        start = startFactor; end = endFactor; self.totalIters = totalIters
        super.init(optimizer: o)
        try self.start()
    }
    override public func lr() throws -> [Double] {
        if epoch == 0 { return try lrs.map { $0 * start } }
        if epoch > totalIters { return try lrs }
        let f = 1.0 + (end - start) / (Double(totalIters) * start + Double(epoch - 1) * (end - start))
        return try lrs.map { $0 * f }
    }
    override public func closedForm() throws -> [Double]? {
        baseLRs.map { $0 * (start + (end - start) * min(Double(totalIters), lastEpoch) / Double(totalIters)) }
    }
}

public final class TorchExponentialLR: TorchScheduler {
    let gamma: Double
    public init(_ o: Optimizer, gamma: Double) throws {
        self.gamma = gamma
        super.init(optimizer: o)
        try start()
    }
    override public func lr() throws -> [Double] { epoch == 0 ? try lrs : try lrs.map { $0 * gamma } }
    override public func closedForm() throws -> [Double]? { baseLRs.map { $0 * pow(gamma, lastEpoch) } }
}

public final class TorchCosineAnnealingLR: TorchScheduler {
    let tMax: Double, etaMin: Double
    public init(_ o: Optimizer, tMax: Int, etaMin: Double = 0) throws {
        self.tMax = Double(tMax); self.etaMin = etaMin
        super.init(optimizer: o)
        try start()
    }
    override public func lr() throws -> [Double] {
        let e = lastEpoch
        if e == 0 { return try lrs }
        if stepCount == 1 && e > 0 {
            return baseLRs.map { etaMin + ($0 - etaMin) * (1 + cos(e * Double.pi / tMax)) / 2 }
        }
        guard tMax != 0 else { throw CoreError("integer modulo by zero", kind: "ZeroDivisionError") }
        let k = e - 1 - tMax, m = 2 * tMax
        if k - (k / m).rounded(.down) * m == 0 {
            return try zip(baseLRs, lrs).map { base, lr in lr + (base - etaMin) * (1 - cos(Double.pi / tMax)) / 2 }
        }
        return try lrs.map { lr in (1 + cos(Double.pi * e / tMax)) / (1 + cos(Double.pi * (e - 1) / tMax)) * (lr - etaMin) + etaMin }
    }
    override public func closedForm() throws -> [Double]? {
        baseLRs.map { etaMin + ($0 - etaMin) * (1 + cos(Double.pi * lastEpoch / tMax)) / 2 }
    }
}

public final class TorchPolynomialLRNative: TorchScheduler {
    let totalIters: Int, power: Double
    public init(_ o: Optimizer, totalIters: Int = 5, power: Double = 1.0) throws {
        self.totalIters = totalIters; self.power = power
        super.init(optimizer: o)
        try start()
    }
    override public func lr() throws -> [Double] {
        if epoch == 0 || epoch > totalIters { return try lrs }
        let T = Double(totalIters), t = lastEpoch
        let f = pow((1.0 - t / T) / (1.0 - (t - 1) / T), power)
        return try lrs.map { $0 * f }
    }
    override public func closedForm() throws -> [Double]? {
        baseLRs.map { $0 * pow(1.0 - min(Double(totalIters), lastEpoch) / Double(totalIters), power) }
    }
}

/// `LambdaLR(optimizer, lr_lambda)`: `base_lr * lr_lambda(last_epoch)` (one function, or one per group).
public final class TorchLambdaLR: TorchScheduler {
    let lambdas: [(Int) throws -> Double]
    public init(_ o: Optimizer, lambdas: [(Int) throws -> Double]) throws {
        guard lambdas.count == 1 || lambdas.count == o.paramGroups.count else {
            throw CoreError("Expected \(o.paramGroups.count) lr_lambdas, but got \(lambdas.count)")
        }
        self.lambdas = lambdas.count == 1 ? Array(repeating: lambdas[0], count: o.paramGroups.count) : lambdas
        super.init(optimizer: o)
        try start()
    }
    override public func lr() throws -> [Double] {
        try zip(lambdas, baseLRs).map { f, base in base * (try f(epoch)) }
    }
}

/// `MultiplicativeLR(optimizer, lr_lambda)`: `lr * lr_lambda(last_epoch)` after the first step.
public final class TorchMultiplicativeLR: TorchScheduler {
    let lambdas: [(Int) throws -> Double]
    public init(_ o: Optimizer, lambdas: [(Int) throws -> Double]) throws {
        guard lambdas.count == 1 || lambdas.count == o.paramGroups.count else {
            throw CoreError("Expected \(o.paramGroups.count) lr_lambdas, but got \(lambdas.count)")
        }
        self.lambdas = lambdas.count == 1 ? Array(repeating: lambdas[0], count: o.paramGroups.count) : lambdas
        super.init(optimizer: o)
        try start()
    }
    override public func lr() throws -> [Double] {
        guard epoch > 0 else { return try lrs }
        return try zip(lambdas, lrs).map { f, lr in lr * (try f(epoch)) }
    }
}

/// `CosineAnnealingWarmRestarts(optimizer, T_0, T_mult=1, eta_min=0)`, with torch's own `step(epoch)`
/// (fractional epochs restart at T_0, T_0·T_mult, …).
public final class TorchCosineAnnealingWarmRestarts: TorchScheduler {
    let t0: Int, tMult: Int, etaMin: Double
    public private(set) var tI: Double, tCur: Double
    public init(_ o: Optimizer, t0: Int, tMult: Int = 1, etaMin: Double = 0) throws {
        guard t0 > 0 else { throw CoreError("Expected positive integer T_0, but got \(t0)") }
        guard tMult >= 1 else { throw CoreError("Expected integer T_mult >= 1, but got \(tMult)") }
        self.t0 = t0; self.tMult = tMult; self.etaMin = etaMin
        tI = Double(t0); tCur = -1
        super.init(optimizer: o)
        try start()
    }
    override public func lr() throws -> [Double] {
        baseLRs.map { etaMin + ($0 - etaMin) * (1 + cos(Double.pi * tCur / tI)) / 2 }
    }
    override public func step(epoch given: Double? = nil) throws {
        var e = given
        if e == nil && lastEpoch < 0 { e = 0 }
        if let e {
            guard e >= 0 else { throw CoreError("Expected non-negative epoch, but got \(e)") }
            if e >= Double(t0) {
                if tMult == 1 {
                    tCur = e.truncatingRemainder(dividingBy: Double(t0))
                } else {
                    let m = Double(tMult)
                    let n = Int(log(e / Double(t0) * (m - 1) + 1) / log(m))
                    tCur = e - Double(t0) * (pow(m, Double(n)) - 1) / (m - 1)
                    tI = Double(t0) * pow(m, Double(n))
                }
            } else {
                tI = Double(t0)
                tCur = e
            }
            lastEpoch = e.rounded(.down)
        } else {
            lastEpoch += 1
            tCur += 1
            if tCur >= tI {
                tCur -= tI
                tI *= Double(tMult)
            }
        }
        try write(try lr())
    }
}

/// `CyclicLR(optimizer, base_lr, max_lr, step_size_up=2000, step_size_down=None, mode='triangular',
/// gamma=1.0, scale_fn=None, scale_mode='cycle', cycle_momentum=True, base_momentum=0.8,
/// max_momentum=0.9)`: sets each group's lr to base_lr (and momentum to max_momentum) first.
public final class TorchCyclicLR: TorchScheduler {
    let maxLRs: [Double], totalSize: Double, stepRatio: Double
    let scale: (Double) throws -> Double, scaleByCycle: Bool
    let momentums: (base: [Double], max: [Double])?, betas: Bool
    public init(_ o: Optimizer, baseLR: [Double], maxLR: [Double], stepSizeUp: Double = 2000, stepSizeDown: Double? = nil,
                mode: String = "triangular", gamma: Double = 1, scaleFn: ((Double) throws -> Double)? = nil, scaleMode: String = "cycle",
                cycleMomentum: Bool = true, baseMomentum: [Double] = [0.8], maxMomentum: [Double] = [0.9]) throws {
        let n = o.paramGroups.count
        let bases = try TorchScheduler.perGroup("base_lr", baseLR, n)
        for i in 0..<n { o.paramGroups[i]["lr"] = .double(bases[i]) }
        maxLRs = try TorchScheduler.perGroup("max_lr", maxLR, n)
        let down = stepSizeDown ?? stepSizeUp
        totalSize = stepSizeUp + down
        stepRatio = stepSizeUp / totalSize
        if let scaleFn {
            scale = scaleFn; scaleByCycle = scaleMode == "cycle"
        } else {
            switch mode {
            case "triangular": scale = { _ in 1.0 }; scaleByCycle = true
            case "triangular2": scale = { x in 1 / pow(2.0, x - 1) }; scaleByCycle = true
            case "exp_range": scale = { x in pow(gamma, x) }; scaleByCycle = false
            default: throw CoreError("mode is invalid and scale_fn is None")
            }
        }
        if cycleMomentum {
            let keys = o.defaults.map(\.key)
            guard keys.contains("momentum") || keys.contains("betas") else {
                throw CoreError("optimizer must support momentum or beta1 with `cycle_momentum` option enabled")
            }
            betas = keys.contains("betas")
            let b = try TorchScheduler.perGroup("base_momentum", baseMomentum, n), m = try TorchScheduler.perGroup("max_momentum", maxMomentum, n)
            momentums = (b, m)
        } else {
            momentums = nil; betas = false
        }
        super.init(optimizer: o)
        if let momentums {
            for i in 0..<n {
                try setMomentum(i, momentums.max[i], betas: betas)
                o.paramGroups[i]["max_momentum"] = .double(momentums.max[i])
                o.paramGroups[i]["base_momentum"] = .double(momentums.base[i])
            }
        }
        try start()
    }
    override public func lr() throws -> [Double] {
        let e = lastEpoch
        let cycle = (1 + e / totalSize).rounded(.down)
        let x = 1.0 + e / totalSize - cycle
        let factor = x <= stepRatio ? x / stepRatio : (x - 1) / (stepRatio - 1)
        let s = try scale(scaleByCycle ? cycle : e)
        let out = zip(baseLRs, maxLRs).map { base, mx in base + (mx - base) * factor * s }
        if let momentums {
            for i in out.indices {
                try setMomentum(i, momentums.max[i] - (momentums.max[i] - momentums.base[i]) * factor * s, betas: betas)
            }
        }
        return out
    }
}

/// `OneCycleLR(optimizer, max_lr, total_steps=None, epochs=None, steps_per_epoch=None, pct_start=0.3,
/// anneal_strategy='cos', cycle_momentum=True, base_momentum=0.85, max_momentum=0.95,
/// div_factor=25.0, final_div_factor=1e4, three_phase=False)`.
public final class TorchOneCycleLR: TorchScheduler {
    let totalSteps: Int, cosine: Bool, betas: Bool, cycleMomentum: Bool
    /// (end_step, start_lr key, end_lr key, start_momentum key, end_momentum key)
    let phases: [(Double, String, String, String, String)]
    public init(_ o: Optimizer, maxLR: [Double], totalSteps: Int?, epochs: Int? = nil, stepsPerEpoch: Int? = nil, pctStart: Double = 0.3,
                annealStrategy: String = "cos", cycleMomentum: Bool = true, baseMomentum: [Double] = [0.85], maxMomentum: [Double] = [0.95],
                divFactor: Double = 25, finalDivFactor: Double = 1e4, threePhase: Bool = false) throws {
        let total: Int
        if let t = totalSteps {
            guard t > 0 else { throw CoreError("Expected positive integer total_steps, but got \(t)") }
            total = t
        } else if let e = epochs, let s = stepsPerEpoch {
            guard e > 0 else { throw CoreError("Expected positive integer epochs, but got \(e)") }
            guard s > 0 else { throw CoreError("Expected positive integer steps_per_epoch, but got \(s)") }
            total = e * s
        } else {
            throw CoreError("You must define either total_steps OR (epochs AND steps_per_epoch)")
        }
        guard pctStart >= 0, pctStart <= 1 else { throw CoreError("Expected float between 0 and 1 pct_start, but got \(pctStart)") }
        guard annealStrategy == "cos" || annealStrategy == "linear" else {
            throw CoreError("anneal_strategy must be one of 'cos' or 'linear', instead got \(annealStrategy)")
        }
        self.totalSteps = total
        cosine = annealStrategy == "cos"
        let T = Double(total)
        phases = threePhase
            ? [(pctStart * T - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
               (2 * pctStart * T - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
               (T - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum")]
            : [(pctStart * T - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
               (T - 1, "max_lr", "min_lr", "base_momentum", "max_momentum")]
        let n = o.paramGroups.count
        let maxes = try TorchScheduler.perGroup("max_lr", maxLR, n)
        for i in 0..<n {
            let initial = maxes[i] / divFactor
            o.paramGroups[i]["initial_lr"] = .double(initial)
            o.paramGroups[i]["max_lr"] = .double(maxes[i])
            o.paramGroups[i]["min_lr"] = .double(initial / finalDivFactor)
        }
        self.cycleMomentum = cycleMomentum
        let keys = o.defaults.map(\.key)
        if cycleMomentum {
            guard keys.contains("momentum") || keys.contains("betas") else {
                throw CoreError("optimizer must support momentum or beta1 with `cycle_momentum` option enabled")
            }
        }
        betas = keys.contains("betas")
        super.init(optimizer: o)
        if cycleMomentum {
            let mx = try TorchScheduler.perGroup("max_momentum", maxMomentum, n), b = try TorchScheduler.perGroup("base_momentum", baseMomentum, n)
            for i in 0..<n {
                try setMomentum(i, mx[i], betas: betas)
                o.paramGroups[i]["max_momentum"] = .double(mx[i])
                o.paramGroups[i]["base_momentum"] = .double(b[i])
            }
        }
        try start()
    }
    func anneal(_ start: Double, _ end: Double, _ pct: Double) -> Double {
        cosine ? end + (start - end) / 2.0 * (cos(Double.pi * pct) + 1) : (end - start) * pct + start
    }
    override public func lr() throws -> [Double] {
        let stepNum = lastEpoch
        guard stepNum <= Double(totalSteps) else {
            throw CoreError("Tried to step \(epoch) times. The specified number of total steps is \(totalSteps)")
        }
        var out: [Double] = []
        for i in optimizer.paramGroups.indices {
            let g = optimizer.paramGroups[i]
            var startStep = 0.0
            for (k, ph) in phases.enumerated() {
                if stepNum <= ph.0 || k == phases.count - 1 {
                    let pct = (stepNum - startStep) / (ph.0 - startStep)
                    out.append(anneal(try g.number(ph.1), try g.number(ph.2), pct))
                    if cycleMomentum { try setMomentum(i, anneal(try g.number(ph.3), try g.number(ph.4), pct), betas: betas) }
                    break
                }
                startStep = ph.0
            }
        }
        return out
    }
}

/// `SequentialLR(optimizer, schedulers, milestones)`: the lrs back to `initial_lr`, every
/// scheduler's step undone, the first one's initial step; `step()` runs the scheduler of the
/// current interval, restarting it with `step(0)` at its milestone.
public final class TorchSequentialLR {
    public let schedulers: [TorchScheduler]
    public let milestones: [Int]
    public private(set) var lastEpoch: Int
    public private(set) var lastLR: [Double]
    public init(_ o: Optimizer, schedulers: [TorchScheduler], milestones: [Int]) throws {
        guard !schedulers.isEmpty else { throw CoreError("SequentialLR expects at least one scheduler") }
        for (i, s) in schedulers.enumerated() where s.optimizer !== o {
            throw CoreError("Sequential Schedulers expects all schedulers to belong to the same optimizer, but got schedulers at index 0 and \(i) to be different.")
        }
        guard milestones.count == schedulers.count - 1 else {
            throw CoreError("Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers \(schedulers.count) and the number of milestones to be equal to \(milestones.count)")
        }
        self.schedulers = schedulers
        self.milestones = milestones
        lastEpoch = 0
        for i in o.paramGroups.indices { o.paramGroups[i]["lr"] = o.paramGroups[i]["initial_lr"] }
        for s in schedulers { s.lastEpoch -= 1 }
        try schedulers[0].initialStep()
        lastLR = schedulers[0].lastLR
    }
    public func step() throws {
        lastEpoch += 1
        let idx = TorchScheduler.bisectRight(milestones, Double(lastEpoch))
        let s = schedulers[idx]
        if idx > 0 && milestones[idx - 1] == lastEpoch { try s.step(epoch: 0) } else { try s.step() }
        lastLR = s.lastLR
    }
}

/// `ReduceLROnPlateau(optimizer, mode='min', factor=0.1, patience=10, threshold=1e-4,
/// threshold_mode='rel', cooldown=0, min_lr=0, eps=1e-8)`: `step(metric)`.
public final class TorchReduceLROnPlateau {
    public let optimizer: Optimizer
    let minLRs: [Double]
    public private(set) var tracker: PlateauTracker
    public var best: Double { tracker.best }
    public var numBadEpochs: Int { tracker.numBadEpochs }
    public var cooldownCounter: Int { tracker.cooldownCounter }
    public private(set) var lastEpoch = 0
    public private(set) var lastLR: [Double]
    public init(_ o: Optimizer, mode: String = "min", factor: Double = 0.1, patience: Int = 10, threshold: Double = 1e-4,
                thresholdMode: String = "rel", cooldown: Int = 0, minLR: [Double] = [0], eps: Double = 1e-8) throws {
        guard factor < 1 else { throw CoreError("Factor should be < 1.0.") }
        guard mode == "min" || mode == "max" else { throw CoreError("mode \(mode) is unknown!") }
        guard thresholdMode == "rel" || thresholdMode == "abs" else { throw CoreError("threshold mode \(thresholdMode) is unknown!") }
        if minLR.count != 1 && minLR.count != o.paramGroups.count {
            throw CoreError("expected \(o.paramGroups.count) min_lrs, got \(minLR.count)")
        }
        optimizer = o
        tracker = PlateauTracker(greater: mode == "max", relative: thresholdMode == "rel", factor: factor, patience: patience,
                                 threshold: threshold, cooldown: cooldown, eps: eps)
        minLRs = minLR.count == 1 ? Array(repeating: minLR[0], count: o.paramGroups.count) : minLR
        lastLR = try o.paramGroups.map { try $0.number("lr") }
    }
    public func step(_ metric: Double) throws {
        lastEpoch += 1
        if tracker.observe(metric) {
            for i in optimizer.paramGroups.indices {
                let old = try optimizer.paramGroups[i].number("lr")
                if let new = tracker.reduced(old, minimum: minLRs[i]) { optimizer.paramGroups[i]["lr"] = .double(new) }
            }
        }
        lastLR = try optimizer.paramGroups.map { try $0.number("lr") }
    }
}
