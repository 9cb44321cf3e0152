import TrickCore
import TrickLang

/// `chart(values)`: a line chart as a value. In Jupyter it displays as SVG (its payload offers an
/// `image/svg+xml` bundle, see RichDisplay); elsewhere it prints as a one-line summary, and
/// `.save(path)` writes the SVG. `save_svg` draws the same chart straight to a file.
enum ChartBindings {
    /// The SVG of a chart, held by the `Chart` object.
    struct SVGPayload: MimeRepresentable {
        let svg: String
        func mimeBundle() -> [(String, MimeData)] { [("image/svg+xml", .text(svg))] }
    }

    /// One list of numbers, or several lists (one line each).
    static func series(_ v: Value, items: [Value], function: String) throws -> [[Double]] {
        if items.contains(where: { if case .list = $0 { return true }; if case .tuple = $0 { return true }; return false }) {
            return try items.map { try Convert.doubles($0, what: "\(function)() series") }
        }
        return [try Convert.doubles(v, what: "\(function)() argument 'values'")]
    }

    static func svg(_ series: [[Double]], width: Int, height: Int, title: String?) throws -> String {
        do {
            return try SVGChart.render(series, width: width, height: height, title: title, format: { v in
                // axis labels to 4 significant digits
                guard v != 0, v.isFinite else { return Printer.formatFloat(v) }
                var scale = 1.0, m = Swift.abs(v)
                while m >= 10_000 { m /= 10; scale /= 10 }
                while m < 1_000 { m *= 10; scale *= 10 }
                return Printer.formatFloat((v * scale).rounded() / scale)
            })
        } catch let e as CoreError { throw RuntimeError(e.message, kind: "ValueError") }
    }

    static func register(_ lib: Library) {
        lib.function("chart(values, width=640, height=320, title=None)",
                     doc: "A line chart of a list of numbers (or of several lists), e.g. lr_schedule(...): shown as SVG by display() in Jupyter; .save(path) writes the .svg file.") { a in
            let s = try series(a["values"], items: try a.sequence("values"), function: "chart")
            let width = try a.int("width"), height = try a.int("height")
            let svg = try svg(s, width: width, height: height, title: try a.optionalString("title"))
            let o = BuiltObject(typeName: "Chart", payload: SVGPayload(svg: svg))
            let summary = "<Chart: \(s.count) series, \(s.map(\.count).max() ?? 0) points, \(width)x\(height)>"
            o.repr = { summary }
            o.method("save(path)", doc: "Writes the chart as an SVG file (atomically).") { m in
                let path = try m.string("path")
                guard path.hasSuffix(".svg") else { throw RuntimeError("Chart.save() writes .svg files, not '\(path)'", kind: "ValueError") }
                try FileIO.writeAtomically(path, svg)
                return .none
            }
            return .object(o)
        }
    }
}
