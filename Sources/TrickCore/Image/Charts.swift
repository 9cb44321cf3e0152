/// Small PNG charts for the recipes: line charts (lr schedules, loss curves) and horizontal bar
/// charts (per-group lr, class weights), with "nice" tick values (1, 2, 2.5, 5 × 10^k) printed
/// exactly (`0.045`, never `0.04505000000000001`). Drawn on a `Canvas` in the bitmap font.
public enum Charts {
    static let ink = RGB(40, 40, 40), grid = RGB(225, 225, 225), axis = RGB(120, 120, 120)

    /// Tick values covering [lo, hi] with about `count` steps, and the decimals they need.
    public static func ticks(_ lo: Double, _ hi: Double, count: Int = 5) -> (values: [Double], decimals: Int) {
        var lo = lo, hi = hi
        if !(lo.isFinite && hi.isFinite) { return ([0], 0) }
        if hi == lo { let d = lo == 0 ? 1 : Swift.abs(lo) * 0.1; lo -= d; hi += d }
        let raw = (hi - lo) / Double(Swift.max(1, count))
        var p = 1.0
        while p * 10 <= raw { p *= 10 }
        while p > raw { p /= 10 }
        var step = p, decimals = 0
        for m in [1.0, 2.0, 2.5, 5.0, 10.0] where m * p >= raw { step = m * p; break }
        var s = step
        while s.rounded() != s || Swift.abs(s.rounded() - s) > 1e-9 * Swift.max(1, s) {
            s *= 10; decimals += 1
            if decimals > 12 { break }
        }
        let first = (lo / step).rounded(.down), last = (hi / step).rounded(.up)
        let values = stride(from: first, through: last, by: 1).map { $0 * step }
        return (values, decimals)
    }

    /// `v` with exactly `decimals` digits after the point (no binary-float noise).
    public static func format(_ v: Double, decimals: Int) -> String {
        if decimals > 6 {   // tiny steps: mantissa and exponent, e.g. 2.5e-07
            var m = v, e = 0
            while m != 0 && Swift.abs(m) < 1 { m *= 10; e -= 1 }
            let mant = format(m, decimals: Swift.max(0, decimals + e))
            return v == 0 ? "0" : "\(mant)e\(e)"
        }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let n = Int64((v * scale).rounded())
        let neg = n < 0, a = neg ? -n : n
        var digits = String(a)
        if decimals > 0 {
            while digits.count <= decimals { digits = "0" + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -decimals))
        }
        return (neg ? "-" : "") + digits
    }

    /// Lines for each series over x = 0, 1, 2, … (or `x`), with axes, grid, ticks, title, legend.
    public static func line(_ series: [[Double]], names: [String]?, x: [Double]? = nil, title: String?,
                            width: Int, height: Int) throws -> Canvas {
        guard series.contains(where: { !$0.isEmpty }) else { throw CoreError("line_chart needs at least one value") }
        var c = try Canvas(width: width, height: height)
        let finite = series.flatMap { $0 }.filter(\.isFinite)
        let (yt, yd) = ticks(finite.min() ?? 0, finite.max() ?? 1)
        let n = series.map(\.count).max() ?? 1
        let xs = x ?? (0..<n).map(Double.init)
        let (xt, xd) = ticks(xs.min() ?? 0, xs.max() ?? 1, count: 6)
        let yLabels = yt.map { format($0, decimals: yd) }
        let left = 10 + (yLabels.map { BitmapFont.size($0, scale: 1).width }.max() ?? 0)
        let top = title == nil ? 12 : 30, right = width - 14, bottom = height - 22
        guard right - left > 20, bottom - top > 20 else { throw CoreError("a \(width) x \(height) chart is too small") }
        let (y0, y1, x0, x1) = (yt.first!, yt.last!, xt.first!, xt.last!)
        func px(_ v: Double) -> Int { left + Int(((v - x0) / (x1 - x0) * Double(right - left)).rounded()) }
        func py(_ v: Double) -> Int { bottom - Int(((v - y0) / (y1 - y0) * Double(bottom - top)).rounded()) }
        for (v, s) in zip(yt, yLabels) {
            c.line(left, py(v), right, py(v), grid)
            let sz = BitmapFont.size(s, scale: 1)
            c.text(s, x: left - 6 - sz.width, y: py(v) - 3, ink, scale: 1)
        }
        for v in xt {
            c.line(px(v), top, px(v), bottom, grid)
            let s = format(v, decimals: xd), sz = BitmapFont.size(s, scale: 1)
            c.text(s, x: px(v) - sz.width / 2, y: bottom + 6, ink, scale: 1)
        }
        c.line(left, bottom, right, bottom, axis); c.line(left, top, left, bottom, axis)
        if let t = title { c.text(t, x: left, y: 8, ink, scale: 2) }
        for (k, s) in series.enumerated() {
            let color = RGB.tab10[k % 10]
            var prev: (Int, Int)? = nil
            for (i, v) in s.enumerated() where i < xs.count {
                guard v.isFinite else { prev = nil; continue }
                let p = (px(xs[i]), py(v))
                if let q = prev { c.line(q.0, q.1, p.0, p.1, color, lineWidth: 2) } else if s.count == 1 { c.fill(x0: p.0 - 2, y0: p.1 - 2, x1: p.0 + 3, y1: p.1 + 3, color) }
                prev = p
            }
        }
        if let names = names {   // legend, top right
            let w = (names.map { BitmapFont.size($0, scale: 1).width }.max() ?? 0) + 24
            var y = top + 6
            c.fill(x0: right - w - 6, y0: top + 2, x1: right - 2, y1: top + 6 + 12 * names.count, RGB(255, 255, 255), alpha: 0.85)
            for (k, name) in names.enumerated() {
                c.fill(x0: right - w, y0: y + 2, x1: right - w + 14, y1: y + 5, RGB.tab10[k % 10])
                c.text(name, x: right - w + 18, y: y, ink, scale: 1)
                y += 12
            }
        }
        return c
    }

    /// Horizontal bars, one row per value, its name on the left and its value at the bar's end.
    public static func bars(_ values: [Double], names: [String]?, title: String?, width: Int, colors: [RGB]) throws -> Canvas {
        guard !values.isEmpty, values.count <= 2000 else { throw CoreError("bar_chart needs 1…2000 values, got \(values.count)") }
        let labels = names ?? values.indices.map(String.init)
        let finite = values.filter(\.isFinite)
        let (vt, vd) = ticks(Swift.min(0, finite.min() ?? 0), Swift.max(0, finite.max() ?? 1))
        let shown = values.map { v -> String in
            guard v.isFinite else { return "\(v)" }
            // the value itself, to 4 significant digits, without float noise
            var d = 0, m = Swift.abs(v)
            while m != 0 && m < 1000 && d < 10 { m *= 10; d += 1 }
            var s = format(v, decimals: d)
            if s.contains(".") { while s.hasSuffix("0") { s.removeLast() }; if s.hasSuffix(".") { s.removeLast() } }
            return s
        }
        let nameWidth = labels.map { BitmapFont.size($0, scale: 1).width }.max() ?? 0
        let valueWidth = shown.map { BitmapFont.size($0, scale: 1).width }.max() ?? 0
        let row = 14, top = title == nil ? 10 : 30
        let height = top + row * values.count + 24
        var c = try Canvas(width: width, height: height)
        let left = nameWidth + 14, right = width - valueWidth - 14
        guard right - left > 20 else { throw CoreError("a \(width)-pixel bar chart is too narrow for these names") }
        let (v0, v1) = (vt.first!, vt.last!)
        func px(_ v: Double) -> Int { left + Int(((v - v0) / (v1 - v0) * Double(right - left)).rounded()) }
        let bottom = top + row * values.count
        for v in vt {
            c.line(px(v), top, px(v), bottom, grid)
            let s = format(v, decimals: vd), sz = BitmapFont.size(s, scale: 1)
            c.text(s, x: px(v) - sz.width / 2, y: bottom + 6, ink, scale: 1)
        }
        if let t = title { c.text(t, x: 8, y: 8, ink, scale: 2) }
        for (i, v) in values.enumerated() {
            let y = top + i * row
            let sz = BitmapFont.size(labels[i], scale: 1)
            c.text(labels[i], x: left - 6 - sz.width, y: y + 3, ink, scale: 1)
            if v.isFinite {
                let a = px(Swift.min(0, v)), b = px(Swift.max(0, v))
                c.fill(x0: a, y0: y + 2, x1: Swift.max(b, a + 1), y1: y + row - 2, colors[i % colors.count])
                c.text(shown[i], x: Swift.max(b, a + 1) + 4, y: y + 3, ink, scale: 1)
            }
        }
        c.line(px(0), top, px(0), bottom, axis)
        return c
    }
}
