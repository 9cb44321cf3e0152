import TrickCore
import TrickLang

/// `AveragedModel`, `get_ema_avg_fn`, `get_swa_avg_fn`, MMEngine `StochasticWeightAverage`, `update_bn`.
enum SWABindings {
    /// Named tensors from a dict of tensors, a list of tensors (names '0', '1', …) or a module whose
    /// parameters carry data.
    static func namedTensors(_ v: Value, _ what: String) throws -> (names: [String], tensors: [Tensor]) {
        switch v {
        case .dict(let d):
            var names: [String] = [], ts: [Tensor] = []
            for (k, x) in d.pairs {
                guard case .str(let n) = k else { throw RuntimeError("\(what): parameter names must be str, got \(k.typeName)", kind: "TypeError") }
                guard let t = try? Convert.tensor(x) else { throw RuntimeError("\(what): '\(n)' must be a tensor, got \(x.typeName)", kind: "TypeError") }
                names.append(n)
                ts.append(t)
            }
            return (names, ts)
        case .list, .tuple:
            let items: [Value]
            if case .list(let l) = v { items = l.items } else if case .tuple(let t) = v { items = t } else { items = [] }
            let ts = try items.enumerated().map { i, x in
                guard let t = try? Convert.tensor(x) else { throw RuntimeError("\(what): item \(i) must be a tensor, got \(x.typeName)", kind: "TypeError") }
                return t
            }
            return (ts.indices.map(String.init), ts)
        default:
            if let n = ModuleObjects.node(v) {
                var names: [String] = [], ts: [Tensor] = []
                for (name, p) in n.namedParameters() {
                    guard let d = p.data else {
                        throw RuntimeError("\(what): parameter '\(name)' of the module has no values (a skeleton); pass a dict of tensors", kind: "ValueError")
                    }
                    names.append(name)
                    ts.append(d)
                }
                return (names, ts)
            }
            throw RuntimeError("\(what): expected a dict of named tensors (or a list of tensors), got \(v.typeName)", kind: "TypeError")
        }
    }

    static func avgFnObject(_ typeName: String, _ rule: AveragingRule) -> Value {
        let o = BuiltObject(typeName: typeName, payload: rule)
        if case .ema(let d) = rule { o.set("decay", .float(d)) }
        if case .emaLerp(let d) = rule { o.set("decay", .float(d)) }
        return .object(o)
    }

    static func register(_ lib: Library) {
        lib.function("get_ema_avg_fn(decay=0.999)", doc: "torch.optim.swa_utils.get_ema_avg_fn: decay * avg + (1 - decay) * current.") { a in
            let d = try a.double("decay")
            guard d >= 0, d <= 1 else { throw RuntimeError("get_ema_avg_fn(): decay must be in [0, 1], got \(d)", kind: "ValueError") }
            return avgFnObject("ema_avg_fn", .ema(decay: d))
        }
        lib.function("get_ema_multi_avg_fn(decay=0.999)", doc: "torch.optim.swa_utils.get_ema_multi_avg_fn: torch._foreach_lerp_(avg, current, 1 - decay).") { a in
            let d = try a.double("decay")
            guard d >= 0, d <= 1 else { throw RuntimeError("get_ema_multi_avg_fn(): decay must be in [0, 1], got \(d)", kind: "ValueError") }
            return avgFnObject("ema_multi_avg_fn", .emaLerp(decay: d))
        }
        lib.function("get_swa_multi_avg_fn()", doc: "torch.optim.swa_utils.get_swa_multi_avg_fn: torch._foreach_lerp_(avg, current, 1 / (n_averaged + 1)).") { _ in
            avgFnObject("swa_multi_avg_fn", .swaLerp)
        }
        lib.function("get_swa_avg_fn()", doc: "torch.optim.swa_utils.get_swa_avg_fn: avg + (current - avg) / (n_averaged + 1).") { _ in
            avgFnObject("swa_avg_fn", .swa)
        }
        lib.function("AveragedModel(model, device=None, avg_fn=None, multi_avg_fn=None, use_buffers=False)",
                     doc: """
                     torch.optim.swa_utils.AveragedModel over named tensors (a dict name -> tensor): .update_parameters(params)
                     copies on the first call, then keeps the running mean (or avg_fn = get_ema_avg_fn(decay));
                     .n_averaged, .params (dict of the averaged tensors).
                     """) { a in
            if a.has("avg_fn") && a.has("multi_avg_fn") {
                throw RuntimeError("AveragedModel(): Only one of avg_fn and multi_avg_fn should be provided", kind: "ValueError")
            }
            var rule = AveragingRule.swa
            var custom: Value? = nil
            for key in ["avg_fn", "multi_avg_fn"] where a.has(key) {
                if case .object(let o) = a[key], let r = o.payload as? AveragingRule {
                    rule = r
                } else if key == "avg_fn" {
                    custom = a[key]  // a script function avg_fn(averaged, current, n_averaged) -> tensor
                } else {
                    throw RuntimeError("AveragedModel(): multi_avg_fn must be get_ema_multi_avg_fn(decay) or get_swa_multi_avg_fn(), got \(a[key].typeName)", kind: "TypeError")
                }
            }
            let (names, ts) = try namedTensors(a["model"], "AveragedModel()")
            return makeObject("AveragedModel", try core(names, ts, rule), lib: lib, custom: custom)
        }
        lib.function("StochasticWeightAverage(model, interval=1, device=None, update_buffers=False)",
                     doc: "MMEngine StochasticWeightAverage: the first update copies; then every interval-th call averages with weight 1/(steps//interval + 1).") { a in
            let (names, ts) = try namedTensors(a["model"], "StochasticWeightAverage()")
            return makeObject("StochasticWeightAverage", try core(names, ts, .mmengineSWA(interval: try a.int("interval"))))
        }
        lib.function("ExponentialMovingAverage(model, momentum=0.0002, interval=1, device=None, update_buffers=False)",
                     doc: "MMEngine ExponentialMovingAverage: the first update copies; then every interval-th call avg.lerp_(src, momentum).") { a in
            let (names, ts) = try namedTensors(a["model"], "ExponentialMovingAverage()")
            return makeObject("ExponentialMovingAverage", try core(names, ts, .mmengineEMA(momentum: try a.double("momentum"), interval: try a.int("interval"))))
        }
        lib.function("update_bn(batches)",
                     doc: "torch update_bn for one BatchNorm layer: running_mean / running_var recomputed with momentum=None over the batches (N, C, ...) it sees.") { a in
            let ts = try a.sequence("batches").enumerated().map { i, v in
                guard let t = try? Convert.tensor(v) else { throw RuntimeError("update_bn(): batch \(i) must be a tensor, got \(v.typeName)", kind: "TypeError") }
                return t
            }
            do {
                let r = try BatchNormStats.cumulative(ts)
                return .dict([("running_mean", .tensor(r.mean)), ("running_var", .tensor(r.variance)),
                              ("num_batches_tracked", .tensor(Tensor.scalar(Int64(r.count))))])
            } catch let e as CoreError { throw RuntimeError(e.message, kind: "ValueError") }
        }
    }

    static func core(_ names: [String], _ ts: [Tensor], _ rule: AveragingRule) throws -> TrickCore.AveragedModel {
        do { return try TrickCore.AveragedModel(names: names, params: ts, rule: rule) } catch let e as CoreError { throw RuntimeError(e.message, kind: "ValueError") }
    }

    static func makeObject(_ typeName: String, _ m: TrickCore.AveragedModel, lib: Library? = nil, custom: Value? = nil) -> Value {
        let o = BuiltObject(typeName: typeName, payload: m)
        func refresh() {
            o.set("n_averaged", .int(m.nAveraged))
            o.set("steps", .int(m.steps))
            o.set("params", .dict(zip(m.names, m.params).map { ($0, Value.tensor($1)) }))
            // torch's `swa_model.module.<name>`: the averaged tensors as attributes.
            o.set("module", .object(BuiltObject(typeName: "module", attributes: zip(m.names, m.params).map { ($0, Value.tensor($1)) })))
        }
        refresh()
        o.repr = { "\(typeName)(n_averaged=\(m.nAveraged), params=[\(m.names.map { "'\($0)'" }.joined(separator: ", "))])" }
        o.method("update_parameters(model)") { a in
            let (names, ts) = try namedTensors(a["model"], "update_parameters()")
            var fn: ((Tensor, Tensor, Int) throws -> Tensor)? = nil
            if let f = custom, let lib {
                fn = { avg, cur, n in
                    let r = try lib.callValue(f, Arguments([.tensor(avg), .tensor(cur), .int(n)]))
                    guard let t = try? Convert.tensor(r) else {
                        throw RuntimeError("avg_fn must return a tensor, got \(r.typeName)", kind: "TypeError")
                    }
                    return t
                }
            }
            do { try m.update(names: names, params: ts, custom: fn) } catch let e as CoreError { throw RuntimeError(e.message, kind: "ValueError") }
            refresh()
            return .none
        }
        o.method("state_dict()") { _ in .dict(zip(m.names, m.params).map { ($0, Value.tensor($1)) }) }
        return .object(o)
    }
}
