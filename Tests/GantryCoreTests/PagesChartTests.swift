import Foundation
import GantryCore
import GantryPages
import Testing

/// The SVG charts hold the right marks for figures worked out by hand: the drawing area is 600 × 220 with the
/// plot from x = 48 to 588 (540 wide) and y = 12 to 184 (172 high).
@Suite struct PagesChartTests {
    let format = PageFormat(locale: Locale(identifier: "en_US"), timeZone: TimeZone(identifier: "UTC")!)

    /// The `data-value` of every mark of `kind` (`bar`, `point`), in drawing order.
    func values(_ svg: String, _ kind: String) -> [String] {
        svg.components(separatedBy: "class=\"\(kind)").dropFirst().compactMap { part in
            part.components(separatedBy: "data-value=\"").dropFirst().first?.components(separatedBy: "\"").first
        }
    }

    func attribute(_ name: String, of svg: String, _ kind: String) -> [String] {
        svg.components(separatedBy: "class=\"\(kind)").dropFirst().compactMap { part in
            part.components(separatedBy: " \(name)=\"").dropFirst().first?.components(separatedBy: "\"").first
        }
    }

    @Test func paretoBarsAreLongestFirstAndScaledToTheLongest() {
        // material 1.5 h, jam 1 h, no reason 0.5 h: heights 172, 172 × 2/3 = 114.67, 172 × 1/3 = 57.33.
        let svg = SVGChart.pareto("Downtime", bars: [
            .init(label: "jam", value: 3600), .init(label: "material", value: 5400), .init(label: "(none)", value: 1800),
            .init(label: "never", value: 0),
        ], format: format)
        #expect(values(svg, "bar") == ["5400", "3600", "1800"])
        #expect(attribute("height", of: svg, "bar") == ["172", "114.67", "57.33"])
        #expect(attribute("data-label", of: svg, "bar") == ["material", "jam", "(none)"])
        #expect(svg.contains("<title>material: 1.5 h</title>"))
        // The cumulative line ends at 100 % (the top, y = 12) after the last bar.
        #expect(svg.contains("class=\"cumulative\""))
        #expect(svg.hasSuffix(",12\"/></svg>"))
    }

    @Test func paretoWithoutDowntimeSaysSo() {
        let svg = SVGChart.pareto("Downtime", bars: [], format: format)
        #expect(values(svg, "bar").isEmpty)
        #expect(svg.contains("no downtime"))
    }

    @Test func trendPointsAgainstTarget() {
        // 50 %, no value, 100 % against 80 %: the scale tops at 100; y(50) = 12 + 172 × 0.5 = 98, y(100) = 12,
        // the target at 12 + 172 × 0.2 = 46.4. The gap leaves two single points: no line is drawn through it.
        let svg = SVGChart.trend("OEE", points: [
            .init(label: "06:00", value: 50), .init(label: "07:00", value: nil), .init(label: "08:00", value: 100),
        ], target: 80, unit: "%", format: format)
        #expect(values(svg, "point") == ["50", "100"])
        #expect(attribute("cy", of: svg, "point") == ["98", "12"])
        #expect(attribute("cx", of: svg, "point") == ["48", "588"])
        #expect(attribute("y1", of: svg, "target") == ["46.4"])
        #expect(!svg.contains("class=\"line\""))
        #expect(svg.contains("<title>08:00: 100.0 %</title>"))
    }

    @Test func trendJoinsNeighbouringPoints() {
        let svg = SVGChart.trend("OEE", points: [.init(label: "a", value: 10), .init(label: "b", value: 20)], target: nil, unit: "%", format: format)
        // 540 between two points; 20 is the top: y(10) = 12 + 86 = 98.
        #expect(svg.contains("points=\"48,98 588,12\""))
        #expect(!svg.contains("class=\"target\""))
    }

    @Test func waterfallOfAnHandWorkedShift() throws {
        // 8 h planned busy: running 6 h, down 2 h. 300 units at a planned 60 s (PRI × PQ = 18 000 s), 270 good.
        // Availability loss 7 200 s, performance loss 21 600 − 18 000 = 3 600 s, quality loss 18 000 × 0.1 =
        // 1 800 s, fully productive 16 200 s = 0.5625 × 28 800 (A 0.75 × E 0.8333 × QR 0.9).
        let elements = KPIElements(
            actualProductionTime: 21_600, downTime: 7_200, plannedRunTime: 18_000, good: Quantity(270), scrap: Quantity(30))
        let waterfall = try #require(OEEWaterfall(elements))
        let svg = SVGChart.waterfall("OEE", waterfall, format: format)
        #expect(values(svg, "bar") == ["28800", "7200", "3600", "1800", "16200"])
        // Scale 172 / 28 800: PBT 172 high; the availability loss hangs from the top: 172 × 0.25 = 43 high at y 12.
        #expect(attribute("height", of: svg, "bar") == ["172", "43", "21.5", "10.75", "96.75"])
        #expect(attribute("y", of: svg, "bar") == ["12", "12", "55", "76.5", "87.25"])
    }

    @Test func hostileLabelsAreEscaped() {
        let hostile = "<script>alert(\"x\")</script>&"
        let svg = SVGChart.pareto("Down", bars: [.init(label: hostile, value: 60)], format: format)
        #expect(!svg.contains("<script>"))
        #expect(svg.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;"))
    }
}
