/// What a parameter scheduler steps: an object's `param_groups` and `defaults`. MMEngine's
/// schedulers take a torch optimizer or an `OptimWrapper` and only read and write
/// `optimizer.param_groups` (and look at `optimizer.defaults` for momentum), so either works.
public protocol ScheduledGroups: AnyObject {
    var paramGroups: [ParamGroup] { get set }
    var defaults: [(key: String, value: OptionValue)] { get }
}

extension Optimizer: ScheduledGroups {}

/// MMEngine 0.10's `OptimWrapper.param_groups` (mmengine/optim/optimizer/base.py): the optimizer's
/// groups, then `base_param_settings` — the group of the optimizer's defaults (with a
/// `tensor([0.])` as its params) the wrapper adds when the optimizer has more than one group, to
/// track the base lr (`get_lr()['base_lr']`). A scheduler built on the wrapper steps that group as
/// well, so its `get_last_value()` has one entry more than the optimizer has groups.
public final class WrapperParamGroups: ScheduledGroups {
    public let optimizer: Optimizer
    /// `base_param_settings` (nil: the wrapper has none, the optimizer's groups alone).
    public var base: ParamGroup?

    public init(optimizer: Optimizer, base: ParamGroup?) {
        self.optimizer = optimizer
        self.base = base
    }

    public var defaults: [(key: String, value: OptionValue)] { optimizer.defaults }

    public var paramGroups: [ParamGroup] {
        get { optimizer.paramGroups + (base.map { [$0] } ?? []) }
        set {
            let n = optimizer.paramGroups.count
            optimizer.paramGroups = Array(newValue.prefix(n))
            if base != nil, newValue.count > n { base = newValue[n] }
        }
    }
}
