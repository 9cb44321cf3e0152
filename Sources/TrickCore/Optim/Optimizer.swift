/// A torch.optim optimizer (torch 2.4.1 `Optimizer` with `SGD`, `Adam`, `AdamW`, `RMSprop`):
/// param groups of parameters known by identity, per-parameter state, `step()`, `zero_grad`,
/// `add_param_group`, `state_dict()` / `load_state_dict()`.
///
/// What is matched (torch/optim/optimizer.py and each optimizer's file):
/// - the constructor's checks and messages (`Invalid learning rate: -1`, "Nesterov momentum
///   requires a momentum and zero dampening", "optimizer got an empty parameter list"); only the
///   constructor's own arguments are checked, a group's overrides are not (as torch);
/// - group dicts: the group's keys, then the defaults by `setdefault`, in torch's order;
/// - a parameter in two groups is a ValueError, twice in one group a warning (`warnings`);
/// - `step()` reads each group's options afresh (a scheduler may have changed `lr`), skips a
///   parameter whose `grad` is nil, creates state lazily as torch does (Adam/RMSprop: `step`
///   and zero buffers on the first step with a grad; SGD: `momentum_buffer` = clone of the
///   first update's grad, no state at all without momentum);
/// - `state_dict()` numbers parameters across groups in order and keeps the state in the order it
///   was created; `load_state_dict()` matches saved and current parameters by position, casts
///   floating buffers to the parameter's dtype (never `step`) and takes the saved groups'
///   options.
public final class Optimizer {
    public enum Kind: String, Sendable, CaseIterable {
        case sgd = "SGD", adam = "Adam", adamW = "AdamW", rmsprop = "RMSprop"

        /// torch 2.4.1's `defaults` dict, in its order.
        public var defaults: [(key: String, value: OptionValue)] {
            switch self {
            case .sgd:
                return [("lr", .double(0.001)), ("momentum", .int(0)), ("dampening", .int(0)), ("weight_decay", .int(0)),
                        ("nesterov", .bool(false)), ("maximize", .bool(false)), ("foreach", .none),
                        ("differentiable", .bool(false)), ("fused", .none)]
            case .adam:
                return [("lr", .double(0.001)), ("betas", .tuple([.double(0.9), .double(0.999)])), ("eps", .double(1e-08)),
                        ("weight_decay", .int(0)), ("amsgrad", .bool(false)), ("maximize", .bool(false)), ("foreach", .none),
                        ("capturable", .bool(false)), ("differentiable", .bool(false)), ("fused", .none)]
            case .adamW:
                return [("lr", .double(0.001)), ("betas", .tuple([.double(0.9), .double(0.999)])), ("eps", .double(1e-08)),
                        ("weight_decay", .double(0.01)), ("amsgrad", .bool(false)), ("foreach", .none), ("maximize", .bool(false)),
                        ("capturable", .bool(false)), ("differentiable", .bool(false)), ("fused", .none)]
            case .rmsprop:
                return [("lr", .double(0.01)), ("momentum", .int(0)), ("alpha", .double(0.99)), ("eps", .double(1e-08)),
                        ("centered", .bool(false)), ("weight_decay", .int(0)), ("capturable", .bool(false)), ("foreach", .none),
                        ("maximize", .bool(false)), ("differentiable", .bool(false))]
            }
        }
    }

    public let kind: Kind
    /// `optimizer.defaults`: torch's defaults with the constructor's arguments applied.
    public let defaults: [(key: String, value: OptionValue)]
    /// `optimizer.param_groups`; writable (schedulers set `lr`, users edit options).
    public var paramGroups: [ParamGroup] = []
    /// Warnings torch would issue (`UserWarning`s), for the caller to show.
    public private(set) var warnings: [String] = []
    private var stateByParam: [ObjectIdentifier: ParamState] = [:]
    /// Parameters in the order they first got state (the parameter is kept alive here, so its
    /// identifier is never reused while the state exists).
    private var stateOrder: [any OptimizerParameter] = []

    /// `SGD(params, lr=…, …)` etc. `groups` is what the constructor's `params` holds: one group
    /// per dict (a plain list of parameters is one group without options); `options` are the
    /// constructor's keyword arguments, which must be keys of the defaults.
    public init(_ kind: Kind, groups: [ParamGroup], options: [(key: String, value: OptionValue)] = []) throws {
        self.kind = kind
        var d = kind.defaults
        for (k, v) in options {
            guard let i = d.firstIndex(where: { $0.key == k }) else {
                throw CoreError("\(kind.rawValue).__init__() got an unexpected keyword argument '\(k)'", kind: "TypeError")
            }
            d[i].value = v
        }
        defaults = d
        try Optimizer.validate(kind, d)
        guard !groups.isEmpty else { throw CoreError("optimizer got an empty parameter list") }
        for g in groups { try addParamGroup(g) }
    }

    /// The groups of an optimizer trick has no update rule for — a script's own subclass of
    /// `torch.optim.Optimizer` (SAM, Lookahead), whose `step()` is the script's: its `defaults` and
    /// each group's options as given, no parameters (so `step()` and `zeroGrad` touch nothing).
    /// Schedulers read and write these groups; `kind` is not used.
    public init(groupsOf defaults: [(key: String, value: OptionValue)], groups: [[(key: String, value: OptionValue)]]) {
        kind = .sgd
        self.defaults = defaults
        paramGroups = groups.map { ParamGroup(params: [], options: $0) }
    }

    /// The constructor's argument checks, with torch's messages.
    static func validate(_ kind: Kind, _ d: [(key: String, value: OptionValue)]) throws {
        func num(_ k: String) throws -> Double {
            guard let v = d.first(where: { $0.key == k })?.value else { return 0 }
            guard let x = v.number else { throw CoreError("\(kind.rawValue)() argument '\(k)' must be a number, got \(v)", kind: "TypeError") }
            return x
        }
        func show(_ k: String) -> String { d.first { $0.key == k }.map { $0.value.description } ?? "" }
        if try num("lr") < 0 { throw CoreError("Invalid learning rate: \(show("lr"))") }
        switch kind {
        case .sgd:
            if try num("momentum") < 0 { throw CoreError("Invalid momentum value: \(show("momentum"))") }
            if try num("weight_decay") < 0 { throw CoreError("Invalid weight_decay value: \(show("weight_decay"))") }
            let nesterov = d.first { $0.key == "nesterov" }?.value.truthy ?? false
            let momentum = try num("momentum"), dampening = try num("dampening")
            if nesterov && (momentum <= 0 || dampening != 0) {
                throw CoreError("Nesterov momentum requires a momentum and zero dampening")
            }
        case .adam, .adamW:
            if try num("eps") < 0 { throw CoreError("Invalid epsilon value: \(show("eps"))") }
            guard let b = d.first(where: { $0.key == "betas" })?.value.elements, b.count == 2,
                  let b0 = b[0].number, let b1 = b[1].number else {
                throw CoreError("\(kind.rawValue)() argument 'betas' must be a pair of numbers", kind: "TypeError")
            }
            if !(0 <= b0 && b0 < 1) { throw CoreError("Invalid beta parameter at index 0: \(b[0])") }
            if !(0 <= b1 && b1 < 1) { throw CoreError("Invalid beta parameter at index 1: \(b[1])") }
            if try num("weight_decay") < 0 { throw CoreError("Invalid weight_decay value: \(show("weight_decay"))") }
        case .rmsprop:
            if try num("eps") < 0 { throw CoreError("Invalid epsilon value: \(show("eps"))") }
            if try num("momentum") < 0 { throw CoreError("Invalid momentum value: \(show("momentum"))") }
            if try num("weight_decay") < 0 { throw CoreError("Invalid weight_decay value: \(show("weight_decay"))") }
            if try num("alpha") < 0 { throw CoreError("Invalid alpha value: \(show("alpha"))") }
        }
        for flag in ["foreach", "fused", "capturable", "differentiable"] where d.first(where: { $0.key == flag })?.value.truthy == true {
            throw CoreError("\(kind.rawValue)(\(flag)=True) is not supported: trick runs torch's single-tensor CPU path", kind: "NotImplementedError")
        }
    }

    /// `add_param_group(group)`: the group's options, then the defaults not given; parameters
    /// already in another group are a ValueError (by identity).
    public func addParamGroup(_ group: ParamGroup) throws {
        var g = group
        g.options.removeAll { $0.key == "params" }
        for (k, v) in defaults where g[k] == nil { g.options.append((k, v)) }
        var inGroup = Set<ObjectIdentifier>()
        if g.params.contains(where: { !inGroup.insert(ObjectIdentifier($0)).inserted }) {
            warnings.append("optimizer contains a parameter group with duplicate parameters; in future, this will cause an error; "
                + "see github.com/pytorch/pytorch/issues/40967 for more information")
        }
        for other in paramGroups where other.params.contains(where: { inGroup.contains(ObjectIdentifier($0)) }) {
            throw CoreError("some parameters appear in more than one parameter group")
        }
        paramGroups.append(g)
    }

    /// `optimizer.state[p]` (nil when `p` has no state yet).
    public func state(for p: any OptimizerParameter) -> ParamState? { stateByParam[ObjectIdentifier(p)] }

    /// The parameters with state, in the order torch's `optimizer.state` lists them.
    public var parametersWithState: [any OptimizerParameter] { stateOrder }

    /// Replaces `p`'s state (a script wrote into `optimizer.state[p]`); torch reads its dict as is.
    public func setState(_ s: ParamState, for p: any OptimizerParameter) {
        let id = ObjectIdentifier(p)
        if stateByParam[id] == nil { stateOrder.append(p) }
        stateByParam[id] = s
    }

    // MARK: step / zero_grad

    /// `optimizer.step()`: each group in order, each of its parameters that has a grad.
    public func step() throws {
        for g in paramGroups {
            let lr = try g.number("lr")
            switch kind {
            case .sgd:
                let momentum = try g.number("momentum"), dampening = try g.number("dampening"), wd = try g.number("weight_decay")
                let nesterov = try g.flag("nesterov"), maximize = try g.flag("maximize")
                for p in g.params {
                    guard let grad = p.grad else { continue }
                    var s = stateByParam[ObjectIdentifier(p)] ?? ParamState()
                    var buf = momentum != 0 ? s["momentum_buffer"] : nil
                    var value = p.data
                    try OptimRules.sgd(param: &value, grad: grad, momentumBuffer: &buf, lr: lr, momentum: momentum,
                                       dampening: dampening, weightDecay: wd, nesterov: nesterov, maximize: maximize)
                    p.setValueInPlace(value)
                    if momentum != 0 {
                        s["momentum_buffer"] = buf
                        setState(s, for: p)
                    }
                }
            case .adam, .adamW:
                let (beta1, beta2) = try g.pair("betas")
                let eps = try g.number("eps"), wd = try g.number("weight_decay")
                let amsgrad = try g.flag("amsgrad"), maximize = try g.flag("maximize")
                for p in g.params {
                    guard let grad = p.grad else { continue }
                    var s = stateByParam[ObjectIdentifier(p)] ?? ParamState()
                    if s.isEmpty {
                        let zero = try Tensor.zeros(p.data.shape, dtype: p.data.dtype)
                        s = ParamState(step: 0, buffers: [("exp_avg", zero), ("exp_avg_sq", zero)])
                        if amsgrad { s["max_exp_avg_sq"] = zero }
                    }
                    guard var m = s["exp_avg"], var v = s["exp_avg_sq"] else {
                        throw CoreError("'exp_avg'", kind: "KeyError")
                    }
                    var vmax = amsgrad ? s["max_exp_avg_sq"] : nil
                    let t = (s.step ?? 0) + 1
                    var value = p.data
                    try OptimRules.adam(param: &value, grad: grad, expAvg: &m, expAvgSq: &v, maxExpAvgSq: &vmax, step: t,
                                        lr: lr, beta1: beta1, beta2: beta2, eps: eps, weightDecay: wd, amsgrad: amsgrad,
                                        maximize: maximize, decoupled: kind == .adamW)
                    p.setValueInPlace(value)
                    s.step = t
                    s["exp_avg"] = m
                    s["exp_avg_sq"] = v
                    if amsgrad { s["max_exp_avg_sq"] = vmax }
                    setState(s, for: p)
                }
            case .rmsprop:
                let alpha = try g.number("alpha"), eps = try g.number("eps"), wd = try g.number("weight_decay")
                let momentum = try g.number("momentum"), centered = try g.flag("centered"), maximize = try g.flag("maximize")
                for p in g.params {
                    guard let grad = p.grad else { continue }
                    var s = stateByParam[ObjectIdentifier(p)] ?? ParamState()
                    if s.isEmpty {
                        let zero = try Tensor.zeros(p.data.shape, dtype: p.data.dtype)
                        s = ParamState(step: 0, buffers: [("square_avg", zero)])
                        if momentum > 0 { s["momentum_buffer"] = zero }
                        if centered { s["grad_avg"] = zero }
                    }
                    guard var sq = s["square_avg"] else { throw CoreError("'square_avg'", kind: "KeyError") }
                    var buf = momentum > 0 ? s["momentum_buffer"] : nil
                    var ga = centered ? s["grad_avg"] : nil
                    var value = p.data
                    try OptimRules.rmsprop(param: &value, grad: grad, squareAvg: &sq, momentumBuffer: &buf, gradAvg: &ga,
                                           lr: lr, alpha: alpha, eps: eps, weightDecay: wd, momentum: momentum,
                                           centered: centered, maximize: maximize)
                    p.setValueInPlace(value)
                    s.step = (s.step ?? 0) + 1
                    s["square_avg"] = sq
                    if momentum > 0 { s["momentum_buffer"] = buf }
                    if centered { s["grad_avg"] = ga }
                    setState(s, for: p)
                }
            }
        }
    }

    /// `zero_grad(set_to_none=True)`: grads become nil, or zeros of their shape and dtype.
    public func zeroGrad(setToNone: Bool = true) throws {
        for g in paramGroups {
            for p in g.params {
                guard let grad = p.grad else { continue }
                p.grad = setToNone ? nil : try Tensor.zeros(grad.shape, dtype: grad.dtype)
            }
        }
    }

    // MARK: state_dict / load_state_dict

    /// `state_dict()`: parameters numbered by their position across the groups (a parameter
    /// listed twice keeps its first number).
    public func stateDict() -> OptimizerStateDict {
        var index: [ObjectIdentifier: Int] = [:]
        var start = 0
        var groups: [(options: [(key: String, value: OptionValue)], params: [Int])] = []
        for g in paramGroups {
            for (i, p) in g.params.enumerated() where index[ObjectIdentifier(p)] == nil {
                index[ObjectIdentifier(p)] = start + i
            }
            groups.append((g.options, g.params.map { index[ObjectIdentifier($0)]! }))
            start += g.params.count
        }
        var state: [(index: Int, entries: [(key: String, value: Tensor)])] = []
        for p in stateOrder {
            // State of a parameter no longer in any group cannot be numbered; torch would fail
            // with a KeyError there, trick leaves it out.
            guard let i = index[ObjectIdentifier(p)], let s = stateByParam[ObjectIdentifier(p)] else { continue }
            state.append((i, s.entries))
        }
        return OptimizerStateDict(state: state, paramGroups: groups)
    }

    /// `load_state_dict(sd)`: same number of groups and group sizes as now (torch's ValueErrors);
    /// saved index `k` is the `k`-th parameter of the concatenated current groups.
    public func loadStateDict(_ sd: OptimizerStateDict) throws {
        guard sd.paramGroups.count == paramGroups.count else {
            throw CoreError("loaded state dict has a different number of parameter groups")
        }
        for (g, s) in zip(paramGroups, sd.paramGroups) where g.params.count != s.params.count {
            throw CoreError("loaded state dict contains a parameter group that doesn't match the size of optimizer's group")
        }
        var idMap: [Int: any OptimizerParameter] = [:]
        for (g, s) in zip(paramGroups, sd.paramGroups) {
            for (k, p) in zip(s.params, g.params) { idMap[k] = p }
        }
        var newState: [ObjectIdentifier: ParamState] = [:]
        var newOrder: [any OptimizerParameter] = []
        for (k, entries) in sd.state {
            guard let p = idMap[k] else { continue }   // torch keeps such state under its raw key; nothing can use it
            var s = ParamState()
            for (key, value) in entries {
                if key == "step" {
                    let x = try value.item()
                    guard let n = Int(exactly: x), n >= 0 else {
                        throw CoreError("optimizer state 'step' must be a whole non-negative count, got \(x)")
                    }
                    s.step = n
                } else {
                    s.buffers.append((key, value.dtype.isFloatingPoint && p.data.dtype.isFloatingPoint ? value.cast(to: p.data.dtype) : value))
                }
            }
            if newState[ObjectIdentifier(p)] == nil { newOrder.append(p) }
            newState[ObjectIdentifier(p)] = s
        }
        var groups: [ParamGroup] = []
        for (g, s) in zip(paramGroups, sd.paramGroups) {
            var ng = ParamGroup(params: g.params, options: s.options.filter { $0.key != "params" })
            // Each optimizer's __setstate__ fills keys older checkpoints lack.
            for (k, v) in defaults where ng[k] == nil { ng.options.append((k, v)) }
            groups.append(ng)
        }
        paramGroups = groups
        stateByParam = newState
        stateOrder = newOrder
    }
}
