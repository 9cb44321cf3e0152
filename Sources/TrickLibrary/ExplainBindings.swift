import TrickCore
import TrickLang

/// Helpers of `param_groups` / `explain_param_groups`: layer-decay config parsing and the table text.
extension ParamBindings {
    static func layerDecayConfig(_ pw: DictRef, beit: Bool) throws -> LayerDecayConfig {
        guard let nl = pw[str: "num_layers"], case .int(let numLayers) = nl else {
            throw RuntimeError("layer-wise lr decay needs paramwise_cfg['num_layers'] (an int)", kind: "KeyError")
        }
        let rateKey = beit ? "layer_decay_rate" : "decay_rate"
        guard let rv = pw[str: rateKey], let rate = Convert.double(rv) else {
            throw RuntimeError("layer-wise lr decay needs paramwise_cfg['\(rateKey)'] (a number)", kind: "KeyError")
        }
        var type = "layer_wise"
        if beit { type = "layer_wise_vit" } else if let t = pw[str: "decay_type"] {
            guard case .str(let s) = t else { throw RuntimeError("paramwise_cfg['decay_type'] must be a str", kind: "TypeError") }
            type = s
        }
        return LayerDecayConfig(numLayers: numLayers, decayRate: rate, decayType: type)
    }

    static func explainText(_ r: Request, _ built: (groups: [DictRef], resolved: ParamGroupsResult?, layer: [LayerDecayGroup]?, warnings: [String]), maxRows: Int? = nil) -> String {
        var model = r.model
        if let inner = model.child("module") { model = inner }
        let params = Dictionary(model.namedParameters().map { ($0.name, $0.param) }, uniquingKeysWith: { a, _ in a })
        func num(_ d: DictRef, _ k: String) -> Double? { d[str: k].flatMap { Convert.double($0) } }
        var rows: [ExplainRow] = []
        var skipped: [String] = []
        if let lg = built.layer {
            for (g, d) in zip(lg, built.groups) {
                for n in g.paramNames {
                    rows.append(ExplainRow(name: n, shape: params[n]?.shape ?? [], lr: num(d, "lr"), weightDecay: num(d, "weight_decay"),
                                           lrRule: "\(g.groupName): lr_scale=\(Printer.formatFloat(g.lrScale))",
                                           decayRule: g.weightDecay == 0 ? "no_decay (1-d or bias)" : "decay"))
                }
            }
        } else if case .perParameter(let rs)? = built.resolved {
            for (p, d) in zip(rs, built.groups) {
                rows.append(ExplainRow(name: p.name, shape: p.param.shape, lr: num(d, "lr"), weightDecay: num(d, "weight_decay"),
                                       lrRule: p.frozen ? "frozen (bare group)" : p.lrRule ?? "optimizer default",
                                       decayRule: p.frozen ? "frozen (bare group)" : p.decayRule ?? "optimizer default"))
            }
            let kept = Set(rs.map(\.name))
            skipped = model.namedParameters().map(\.name).filter { !kept.contains($0) }
        } else if let d = built.groups.first {
            for (n, p) in model.namedParameters() {
                rows.append(ExplainRow(name: n, shape: p.shape, lr: num(d, "lr"), weightDecay: num(d, "weight_decay"),
                                       lrRule: "optimizer (no paramwise_cfg)", decayRule: "optimizer (no paramwise_cfg)"))
            }
        }
        var text = Explain.table(rows, skipped: skipped, maxRows: maxRows, format: Printer.formatFloat)
        for w in built.warnings where w.contains("duplicate") { text += "\nwarning: " + w }
        return text
    }
}
