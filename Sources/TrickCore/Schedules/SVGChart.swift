/// A line chart of one or more series as a standalone SVG document (for notebook exports:
/// an lr schedule is easier to read than its numbers). Axes with min/max labels, one polyline
/// per series; non-finite values break the line.
public enum SVGChart {
    static let colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]

    public static func render(_ series: [[Double]], width: Int = 640, height: Int = 320, title: String? = nil,
                              format: (Double) -> String) throws -> String {
        guard width >= 100, width <= 10_000, height >= 80, height <= 10_000 else {
            throw CoreError("SVG size must be between 100×80 and 10000×10000, got \(width)×\(height)")
        }
        let finite = series.flatMap { $0 }.filter(\.isFinite)
        guard !finite.isEmpty else { throw CoreError("nothing to plot: no finite values") }
        let lo = finite.min()!, hi = finite.max()!
        let span = hi > lo ? hi - lo : 1
        let n = series.map(\.count).max() ?? 1
        let (left, right, top, bottom) = (70.0, 20.0, title == nil ? 20.0 : 40.0, 40.0)
        let w = Double(width) - left - right, h = Double(height) - top - bottom
        func x(_ i: Int) -> Double { left + (n > 1 ? Double(i) / Double(n - 1) : 0.5) * w }
        func y(_ v: Double) -> Double { top + (1 - (v - lo) / span) * h }
        func f(_ d: Double) -> String {
            let r = (d * 100).rounded() / 100
            return r == r.rounded() ? String(Int(r)) : String(r)
        }
        func esc(_ s: String) -> String {
            var o = ""
            for c in s { switch c { case "<": o += "&lt;"; case ">": o += "&gt;"; case "&": o += "&amp;"; case "\"": o += "&quot;"; default: o.append(c) } }
            return o
        }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"sans-serif\" font-size=\"12\">\n"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        if let t = title { svg += "<text x=\"\(f(left + w / 2))\" y=\"24\" text-anchor=\"middle\" font-size=\"14\">\(esc(t))</text>\n" }
        svg += "<line x1=\"\(f(left))\" y1=\"\(f(top + h))\" x2=\"\(f(left + w))\" y2=\"\(f(top + h))\" stroke=\"black\"/>\n"
        svg += "<line x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(top + h))\" stroke=\"black\"/>\n"
        svg += "<text x=\"\(f(left - 6))\" y=\"\(f(top + 4))\" text-anchor=\"end\">\(esc(format(hi)))</text>\n"
        svg += "<text x=\"\(f(left - 6))\" y=\"\(f(top + h + 4))\" text-anchor=\"end\">\(esc(format(lo)))</text>\n"
        svg += "<text x=\"\(f(left))\" y=\"\(f(top + h + 18))\" text-anchor=\"middle\">0</text>\n"
        svg += "<text x=\"\(f(left + w))\" y=\"\(f(top + h + 18))\" text-anchor=\"middle\">\(n - 1)</text>\n"
        for (k, s) in series.enumerated() {
            var runs: [[String]] = [[]]
            for (i, v) in s.enumerated() {
                if v.isFinite { runs[runs.count - 1].append("\(f(x(i))),\(f(y(v)))") } else if !runs[runs.count - 1].isEmpty { runs.append([]) }
            }
            for r in runs where !r.isEmpty {
                svg += "<polyline fill=\"none\" stroke=\"\(colors[k % colors.count])\" stroke-width=\"1.5\" points=\"\(r.joined(separator: " "))\"/>\n"
            }
        }
        svg += "</svg>\n"
        return svg
    }
}
