/// MMEngine 0.10's `OptimWrapper` (mmengine/optim/optimizer/optimizer_wrapper.py) around an
/// `Optimizer`: gradient accumulation (`accumulative_counts`), gradient clipping before each
/// step (`clip_grad=dict(max_norm=…, norm_type=…)` or `dict(type='value', clip_value=…)`), and the
/// lr / momentum read-outs.
///
/// `update_params(loss)` is `scale_loss` → `backward` → `step` + `zero_grad` when
/// `should_update()`. Without autograd here, the backward pass is the caller's closure, given the
/// loss factor to divide the loss by (MMEngine: `loss / loss_factor`); `backward` counts the
/// iteration (`_inner_count += 1`) as MMEngine's does.
public final class OptimWrapper {
    public enum Clip: Equatable, Sendable {
        case norm(maxNorm: Double, normType: Double = 2, errorIfNonfinite: Bool = false)
        case value(clipValue: Double)
    }

    /// The optimizer it steps; nil for one the caller steps itself (a script's own object, such
    /// as a mock), where the wrapper keeps only the accumulation counts.
    public let optimizer: Optimizer?
    public let accumulativeCounts: Int
    public let clip: Clip?
    /// `_inner_count`: backward passes so far (a script may set it, as MMEngine's tests do).
    public var innerCount = 0
    /// `_max_counts` (-1 until `initializeCountStatus`) and `_remainder_counts`.
    public var maxCounts = -1
    public var remainderCounts = -1
    /// The total norm the last clipped step returned (MMEngine logs it as `train/grad_norm`).
    public private(set) var lastGradNorm: Tensor?

    public init(optimizer: Optimizer?, accumulativeCounts: Int = 1, clip: Clip? = nil) throws {
        guard accumulativeCounts > 0 else {
            throw CoreError("_accumulative_counts at least greater than or equal to 1", kind: "AssertionError")
        }
        self.optimizer = optimizer
        self.accumulativeCounts = accumulativeCounts
        self.clip = clip
    }

    /// `initialize_count_status(model, init_counts, max_counts)` (the runner calls it with the
    /// current and the total iteration count, so the last iterations divide by the remainder).
    public func initializeCountStatus(initCounts: Int, maxCounts: Int) {
        innerCount = initCounts
        self.maxCounts = maxCounts
        remainderCounts = maxCounts % accumulativeCounts
    }

    /// `scale_loss`'s divisor at the current count.
    public func lossFactor() throws -> Int {
        if accumulativeCounts == 1 { return 1 }
        if maxCounts == -1 { return accumulativeCounts }
        let f = innerCount < maxCounts - remainderCounts ? accumulativeCounts : remainderCounts
        guard f > 0 else {
            throw CoreError("loss_factor should be larger than zero! This error could happened when initialize_iter_status called with an error `init_counts` or `max_counts`", kind: "AssertionError")
        }
        return f
    }

    public func shouldUpdate() -> Bool { innerCount % accumulativeCounts == 0 || innerCount == maxCounts }
    public func shouldSync() -> Bool { (innerCount + 1) % accumulativeCounts == 0 || innerCount + 1 == maxCounts }

    /// `backward(loss)`: runs the caller's backward pass, then counts it.
    public func backward(_ pass: () throws -> Void) rethrows {
        try pass()
        innerCount += 1
    }

    /// `step()`: clip the grads of the parameters that have one (as `_clip_grad`), then
    /// `optimizer.step()`.
    public func step() throws {
        try clipGrads()
        try optimizer?.step()
    }

    /// `_clip_grad()`: clip the grads of the parameters that have one, by norm (returning the
    /// total norm, also kept in `lastGradNorm`) or by value (nil); nothing without a `clip`.
    @discardableResult
    public func clipGrads() throws -> Tensor? {
        guard let clip, let optimizer else { return nil }
        let params = optimizer.paramGroups.flatMap(\.params).filter { $0.grad != nil }
        guard !params.isEmpty else { return nil }
        switch clip {
        case let .norm(maxNorm, normType, errorIfNonfinite):
            lastGradNorm = try ClipGrad.clipGradNorm(params, maxNorm: maxNorm, normType: normType, errorIfNonfinite: errorIfNonfinite)
            return lastGradNorm
        case let .value(v):
            ClipGrad.clipGradValue(params, clipValue: v)
            return nil
        }
    }

    public func zeroGrad(setToNone: Bool = true) throws { try optimizer?.zeroGrad(setToNone: setToNone) }

    /// `update_params(loss)`: `backward` receives the loss factor (divide the loss by it).
    public func updateParams(_ backward: (Int) throws -> Void) throws {
        let factor = try lossFactor()
        try self.backward { try backward(factor) }
        if shouldUpdate() {
            try step()
            try zeroGrad()
        }
    }

    /// `get_lr()`: `{'lr': [group lr, …]}`.
    public func getLR() throws -> [Double] { try (optimizer?.paramGroups ?? []).map { try $0.number("lr") } }

    /// `get_momentum()`: each group's `momentum`, or `betas[0]`, or 0.
    public func getMomentum() throws -> [Double] {
        try (optimizer?.paramGroups ?? []).map { g in
            if let m = g["momentum"]?.number { return m }
            if g["betas"] != nil { return try g.pair("betas").0 }
            return 0
        }
    }
}
