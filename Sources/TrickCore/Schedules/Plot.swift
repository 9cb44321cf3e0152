/// A terminal line chart of one or more series in Unicode braille (2×4 dots per character), for
/// looking at lr schedules in a notebook: y labels at the top and bottom rows, the step range
/// below. Each series is drawn as connected points (steps on x, values on y).
public enum TerminalChart {
    public static func render(_ series: [[Double]], width: Int = 60, height: Int = 12, format: (Double) -> String) throws -> String {
        guard width >= 4, height >= 2, width <= 400, height <= 200 else {
            throw CoreError("plot: width must be in 4…400 and height in 2…200, got \(width)×\(height)")
        }
        let all = series.flatMap { $0 }.filter(\.isFinite)
        guard let lo0 = all.min(), let hi0 = all.max(), let n = series.map(\.count).max(), n > 0 else {
            throw CoreError("plot: nothing to plot (empty series)")
        }
        let (lo, hi) = lo0 == hi0 ? (lo0 - 0.5, hi0 + 0.5) : (lo0, hi0)
        let dotsX = width * 2, dotsY = height * 4
        var grid = [[Bool]](repeating: [Bool](repeating: false, count: dotsX), count: dotsY)
        func point(_ i: Int, _ v: Double) -> (Int, Int) {
            let x = n == 1 ? 0 : Int((Double(i) / Double(n - 1) * Double(dotsX - 1)).rounded())
            let y = Int(((v - lo) / (hi - lo) * Double(dotsY - 1)).rounded())
            return (x, dotsY - 1 - y)
        }
        for s in series {
            var prev: (Int, Int)? = nil
            for (i, v) in s.enumerated() where v.isFinite {
                let p = point(i, v)
                if let q = prev {
                    // connect with a straight line of dots
                    let steps = max(abs(p.0 - q.0), abs(p.1 - q.1), 1)
                    for k in 0...steps {
                        let x = q.0 + (p.0 - q.0) * k / steps, y = q.1 + (p.1 - q.1) * k / steps
                        grid[y][x] = true
                    }
                } else { grid[p.1][p.0] = true }
                prev = p
            }
        }
        // braille dot bits: (dx, dy) -> bit
        let bits: [[UInt32]] = [[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]]
        let top = format(hi0), bottom = format(lo0)
        let labelWidth = max(top.count, bottom.count)
        var lines: [String] = []
        for row in 0..<height {
            var line = ""
            for col in 0..<width {
                var code: UInt32 = 0x2800
                for dy in 0..<4 { for dx in 0..<2 where grid[row * 4 + dy][col * 2 + dx] { code |= bits[dy][dx] } }
                line.unicodeScalars.append(Unicode.Scalar(code)!)
            }
            let label = row == 0 ? top : row == height - 1 ? bottom : ""
            lines.append(String(repeating: " ", count: labelWidth - label.count) + label + " ┤" + line)
        }
        let axis = String(repeating: " ", count: labelWidth) + " └" + String(repeating: "─", count: width)
        let left = "0", right = String(n - 1)
        let ticks = String(repeating: " ", count: labelWidth + 2) + left
            + String(repeating: " ", count: max(1, width - left.count - right.count)) + right
        return (lines + [axis, ticks]).joined(separator: "\n")
    }
}
