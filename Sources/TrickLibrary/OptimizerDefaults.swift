import TrickLang

/// The `defaults` dict of each torch.optim optimizer (torch 2.4), in the order torch builds it:
/// every param group gets these keys by `setdefault` after the constructor's own keys, so a
/// group printed by `param_groups` has the keys, order and values of `optimizer.param_groups`.
enum OptimizerDefaults {
    static let none = Value.none
    static let table: [String: [(String, Value)]] = [
        "SGD": [("lr", .float(0.001)), ("momentum", .int(0)), ("dampening", .int(0)), ("weight_decay", .int(0)),
                ("nesterov", .bool(false)), ("maximize", .bool(false)), ("foreach", none), ("differentiable", .bool(false)), ("fused", none)],
        "Adam": [("lr", .float(0.001)), ("betas", .tuple([.float(0.9), .float(0.999)])), ("eps", .float(1e-08)), ("weight_decay", .int(0)),
                 ("amsgrad", .bool(false)), ("maximize", .bool(false)), ("foreach", none), ("capturable", .bool(false)),
                 ("differentiable", .bool(false)), ("fused", none)],
        "AdamW": [("lr", .float(0.001)), ("betas", .tuple([.float(0.9), .float(0.999)])), ("eps", .float(1e-08)), ("weight_decay", .float(0.01)),
                  ("amsgrad", .bool(false)), ("foreach", none), ("maximize", .bool(false)), ("capturable", .bool(false)),
                  ("differentiable", .bool(false)), ("fused", none)],
        "RMSprop": [("lr", .float(0.01)), ("momentum", .int(0)), ("alpha", .float(0.99)), ("eps", .float(1e-08)), ("centered", .bool(false)),
                    ("weight_decay", .int(0)), ("capturable", .bool(false)), ("foreach", none), ("maximize", .bool(false)),
                    ("differentiable", .bool(false))],
        "Adagrad": [("lr", .float(0.01)), ("lr_decay", .int(0)), ("eps", .float(1e-10)), ("weight_decay", .int(0)),
                    ("initial_accumulator_value", .int(0)), ("foreach", none), ("maximize", .bool(false)),
                    ("differentiable", .bool(false)), ("fused", none)],
        "Rprop": [("lr", .float(0.01)), ("etas", .tuple([.float(0.5), .float(1.2)])), ("step_sizes", .tuple([.float(1e-06), .int(50)])),
                  ("foreach", none), ("maximize", .bool(false)), ("differentiable", .bool(false)), ("capturable", .bool(false))],
        "Adadelta": [("lr", .float(1.0)), ("rho", .float(0.9)), ("eps", .float(1e-06)), ("weight_decay", .int(0)), ("maximize", .bool(false)),
                     ("capturable", .bool(false)), ("foreach", none), ("differentiable", .bool(false))],
        "Adamax": [("lr", .float(0.002)), ("betas", .tuple([.float(0.9), .float(0.999)])), ("eps", .float(1e-08)), ("weight_decay", .int(0)),
                   ("foreach", none), ("maximize", .bool(false)), ("differentiable", .bool(false)), ("capturable", .bool(false))],
        "NAdam": [("lr", .float(0.002)), ("betas", .tuple([.float(0.9), .float(0.999)])), ("eps", .float(1e-08)), ("weight_decay", .int(0)),
                  ("momentum_decay", .float(0.004)), ("decoupled_weight_decay", .bool(false)), ("maximize", .bool(false)),
                  ("foreach", none), ("capturable", .bool(false)), ("differentiable", .bool(false))],
        "RAdam": [("lr", .float(0.001)), ("betas", .tuple([.float(0.9), .float(0.999)])), ("eps", .float(1e-08)), ("weight_decay", .int(0)),
                  ("maximize", .bool(false)), ("foreach", none), ("capturable", .bool(false)), ("decoupled_weight_decay", .bool(false)),
                  ("differentiable", .bool(false))],
        "ASGD": [("lr", .float(0.01)), ("lambd", .float(0.0001)), ("alpha", .float(0.75)), ("t0", .float(1000000.0)), ("weight_decay", .int(0)),
                 ("foreach", none), ("maximize", .bool(false)), ("differentiable", .bool(false)), ("capturable", .bool(false))],
    ]

    /// The optimizer's defaults with the config's arguments applied (unknown arguments are a
    /// TypeError, as torch's constructor raises). Unknown optimizer types keep the config's keys.
    static func defaults(type: String, cfg: [(String, Value)]) throws -> [(String, Value)] {
        guard var d = table[type] else { return cfg }
        for (k, v) in cfg {
            guard let i = d.firstIndex(where: { $0.0 == k }) else {
                let hint = closestName(to: k, in: d.map(\.0)).map { " (did you mean '\($0)'?)" } ?? ""
                throw RuntimeError("\(type).__init__() got an unexpected keyword argument '\(k)'\(hint)", kind: "TypeError")
            }
            d[i].1 = v
        }
        for (k, v) in d where k == "lr" || k == "weight_decay" || k == "momentum" || k == "eps" {
            if Convert.double(v) == nil && !v.isNone {
                throw RuntimeError("\(type)() argument '\(k)' must be a number, got \(v.typeName)", kind: "TypeError")
            }
            if let x = Convert.double(v), x < 0 {
                throw RuntimeError("Invalid \(k == "lr" ? "learning rate" : k == "weight_decay" ? "weight_decay value" : k == "eps" ? "epsilon value" : "momentum value"): \(Printer.repr(v))", kind: "ValueError")
            }
        }
        return d
    }
}

/// Optimizer types (`SGD(params, lr=…)`, `build(dict(type='AdamW', …), params=…)`): objects holding
/// torch's `defaults` and `param_groups` (parameter names in 'params'). `params` may be a module
/// (one group of all its parameters, as `model.parameters()`), the list `param_groups(...)` returns,
/// or a list of dicts `{'params': module_or_names, 'lr': …}`.
enum OptimizerBindings {
    static func register(_ lib: Library) {
        for (type, defaults) in OptimizerDefaults.table.sorted(by: { $0.key < $1.key }) {
            let sig = "\(type)(params=None, " + defaults.map { "\($0.0)=\(Printer.repr($0.1))" }.joined(separator: ", ") + ")"
            lib.type(sig, doc: "torch.optim.\(type): an optimizer object with .defaults and .param_groups (parameter names, or the Parameter objects given).") { a in
                let d = defaults.map { ($0.0, a[$0.0]) }
                _ = try OptimizerDefaults.defaults(type: type, cfg: d)  // value checks (negative lr, …)
                var groups: [Value] = []
                func group(_ params: Value, extra: [(Value, Value)]) throws -> Value {
                    let g = DictRef()
                    g[str: "params"] = try names(params)
                    for (k, v) in extra where Printer.str(k) != "params" { g[k] = v }
                    for (k, v) in d where g[str: k] == nil { g[str: k] = v }
                    return .dict(g)
                }
                switch a["params"] {
                case .none: break
                case .list(let l) where l.items.contains(where: { if case .dict = $0 { return true }; return false }):
                    for item in l.items {
                        guard case .dict(let gd) = item, let p = gd[str: "params"] else {
                            throw RuntimeError("\(type)(): each param group must be a dict with a 'params' key", kind: "TypeError")
                        }
                        groups.append(try group(p, extra: gd.pairs))
                    }
                default: groups.append(try group(a["params"], extra: []))
                }
                // Parameters are told apart by identity (two Conv2d(1, 1, 1) weights are two
                // parameters), names by name, as torch's add_param_group does with its set of tensors.
                var seenNames = Set<String>(), seenParams = Set<ObjectIdentifier>()
                for case .dict(let g) in groups {
                    if case .list(let ps)? = g[str: "params"] {
                        for item in ps.items {
                            if case .str(let n) = item, !seenNames.insert(n).inserted {
                                throw RuntimeError("some parameters appear in more than one parameter group ('\(n)')", kind: "ValueError")
                            }
                            if let p = ModuleObjects.parameter(item), !seenParams.insert(ObjectIdentifier(p)).inserted {
                                throw RuntimeError("some parameters appear in more than one parameter group", kind: "ValueError")
                            }
                        }
                    }
                }
                let o = BuiltObject(typeName: type, attributes: [("defaults", .dict(d)), ("param_groups", .list(groups))])
                o.repr = { [unowned o] in
                    guard case .list(let gs)? = o.attributes["param_groups"] else { return type }
                    return TrainingOptimBindings.reprOptimizer(type, groups: gs.items)
                }
                return .object(o)
            }
        }
    }

    /// A group's 'params': names stay names; Parameter objects stay the objects themselves (as
    /// torch's param_groups hold the tensors), so that identity, not shape, tells them apart.
    static func names(_ v: Value) throws -> Value {
        if let n = ModuleObjects.node(v) { return .list(n.namedParameters().map { .str($0.name) }) }
        if ModuleObjects.parameter(v) != nil { return .list([v]) }   // {'params': p}: torch wraps a lone tensor
        switch v {
        case .str: return .list([v])
        case .list(let l):
            return .list(try l.items.map { item in
                if case .str = item { return item }
                if ModuleObjects.parameter(item) != nil { return item }
                throw RuntimeError("optimizer params must be a module, parameter names or Parameters, got \(item.typeName)", kind: "TypeError")
            })
        default: throw RuntimeError("optimizer params must be a module, a list of names or a list of param groups, got \(v.typeName)", kind: "TypeError")
        }
    }
}
