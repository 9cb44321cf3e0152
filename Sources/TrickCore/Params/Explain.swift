/// `explain_param_groups`: for every parameter, the lr and weight decay its group ends up with and
/// the rule that decided each (a custom key, `bias_lr_mult`, `norm_decay_mult`, …, or the optimizer
/// default), then a summary of how many parameters (and elements) train with each (lr, weight_decay).
/// The rules are the ones `ParamGroups.resolve` / `LayerDecay.groups` applied, so the table explains
/// exactly the groups `param_groups` returns. See reference/param-groups-schedules-swa.md §2, §5.
public struct ExplainRow: Sendable {
    public var name: String
    public var shape: [Int]
    public var lr: Double?
    public var weightDecay: Double?
    public var lrRule: String
    public var decayRule: String

    public init(name: String, shape: [Int], lr: Double?, weightDecay: Double?, lrRule: String, decayRule: String) {
        self.name = name
        self.shape = shape
        self.lr = lr
        self.weightDecay = weightDecay
        self.lrRule = lrRule
        self.decayRule = decayRule
    }
}

public enum Explain {
    /// A fixed-width table and the (lr, weight_decay) summary. `format` prints a float (Python repr).
    public static func table(_ rows: [ExplainRow], skipped: [String] = [], maxRows: Int? = nil, format: (Double) -> String) -> String {
        func f(_ x: Double?) -> String { x.map(format) ?? "-" }
        func shape(_ s: [Int]) -> String { "(" + s.map(String.init).joined(separator: ", ") + (s.count == 1 ? ",)" : ")") }
        let header = ["parameter", "shape", "lr", "weight_decay", "lr rule", "decay rule"]
        var cells = [header]
        for r in rows { cells.append([r.name, shape(r.shape), f(r.lr), f(r.weightDecay), r.lrRule, r.decayRule]) }
        var widths = Array(repeating: 0, count: header.count)
        for row in cells { for (i, c) in row.enumerated() { widths[i] = max(widths[i], c.count) } }
        func line(_ row: [String]) -> String {
            var s = ""
            for (i, c) in row.enumerated() {
                let pad = String(repeating: " ", count: widths[i] - c.count)
                s += (i == 2 || i == 3) ? pad + c : c + (i == row.count - 1 ? "" : pad)
                if i < row.count - 1 { s += "  " }
            }
            while s.hasSuffix(" ") { s.removeLast() }
            return s
        }
        var out = [line(header), String(repeating: "-", count: widths.reduce(0, +) + 2 * (widths.count - 1))]
        let shown = min(rows.count, maxRows ?? rows.count)
        out += (0..<shown).map { line(cells[$0 + 1]) }
        if shown < rows.count { out.append("… \(rows.count - shown) more parameter\(rows.count - shown == 1 ? "" : "s")") }
        for s in skipped { out.append("\(s)  (frozen: not in any group)") }
        // Summary in first-occurrence order of (lr, weight_decay).
        var keys: [String] = [], counts: [String: (Int, Int)] = [:]
        for r in rows {
            let k = "lr=\(f(r.lr)) weight_decay=\(f(r.weightDecay))"
            if counts[k] == nil { keys.append(k); counts[k] = (0, 0) }
            counts[k]!.0 += 1
            counts[k]!.1 += r.shape.reduce(1, *)
        }
        out.append("")
        out.append("\(rows.count) parameters in \(keys.count) setting\(keys.count == 1 ? "" : "s"):")
        for k in keys {
            let (n, e) = counts[k]!
            out.append("  \(k): \(n) parameter\(n == 1 ? "" : "s"), \(e) elements")
        }
        return out.joined(separator: "\n")
    }
}
