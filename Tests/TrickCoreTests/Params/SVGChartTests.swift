@testable import TrickCore
import XCTest

/// The SVG export of a schedule: a standalone document with one polyline per finite run.
final class SVGChartTests: XCTestCase {
    func testOnePolylinePerRunAndLabels() throws {
        let svg = try SVGChart.render([[1, 0.5, 0.25, .nan, 0.1, 0.05], [0.2, 0.2]], title: "lr <&>", format: { "\($0)" })
        XCTAssertTrue(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        XCTAssertTrue(svg.hasSuffix("</svg>\n"))
        XCTAssertEqual(svg.components(separatedBy: "<polyline").count - 1, 3, "a NaN breaks the first series in two")
        XCTAssertTrue(svg.contains(">lr &lt;&amp;&gt;</text>"))
        XCTAssertTrue(svg.contains(">1.0</text>") && svg.contains(">0.05</text>"))
    }

    func testBadInputIsAnError() {
        XCTAssertThrowsError(try SVGChart.render([[Double.nan]], format: { "\($0)" }))
        XCTAssertThrowsError(try SVGChart.render([[1, 2]], width: 10, height: 10, format: { "\($0)" }))
    }
}
