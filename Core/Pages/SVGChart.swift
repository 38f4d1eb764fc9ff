import Foundation
import GantryCore

/// The charts of the pages, drawn on the server as SVG (no script, no network): a trend line against its target,
/// a Pareto of downtime reasons and the OEE waterfall. Each mark carries its label and figure in a `<title>` (read
/// out by screen readers, shown on hover) and in `data-` attributes, so tests and people can check the figures.
/// Every text that comes from data is XML-escaped here, since the page inserts charts unescaped.
public enum SVGChart {
    /// The drawing area: charts scale to the page's width (`viewBox`).
    static let width = 600.0, height = 220.0
    static let left = 48.0, right = 12.0, top = 12.0, bottom = 36.0

    /// One point of a trend: a window's label and its figure (nil: no value, a gap in the line).
    public struct Point: Sendable, Equatable {
        public var label: String
        public var value: Double?
        public init(label: String, value: Double?) {
            self.label = label
            self.value = value
        }
    }

    /// One bar: its label and its size (seconds for downtime and the waterfall).
    public struct Bar: Sendable, Equatable {
        public var label: String
        public var value: Double
        public init(label: String, value: Double) {
            self.label = label
            self.value = value
        }
    }

    /// A line of `points` (figures in `unit`) with the target as a dashed line; the scale runs from 0 to the
    /// largest of the figures and the target.
    public static func trend(_ title: String, points: [Point], target: Double?, unit: String, format: PageFormat) -> String {
        let values = points.compactMap(\.value) + (target.map { [$0] } ?? [])
        let top = max(values.max() ?? 1, 1e-9)
        let step = points.count > 1 ? plotWidth / Double(points.count - 1) : 0
        func x(_ index: Int) -> Double { left + (points.count > 1 ? Double(index) * step : plotWidth / 2) }
        func y(_ value: Double) -> Double { Self.top + plotHeight * (1 - max(0, value) / top) }
        var marks = axis(top: format.figure(top, unit: unit), format: format)
        if let target {
            marks += "<line class=\"target\" x1=\"\(n(left))\" x2=\"\(n(left + plotWidth))\" y1=\"\(n(y(target)))\" y2=\"\(n(y(target)))\" "
                + "stroke=\"#b00020\" stroke-dasharray=\"6 4\" data-value=\"\(n(target))\"><title>target \(escape(format.figure(target, unit: unit)))</title></line>"
        }
        // Gaps (no value) break the line into pieces.
        var piece: [String] = []
        func flush() {
            if piece.count > 1 { marks += "<polyline class=\"line\" fill=\"none\" stroke=\"#1a5fb4\" stroke-width=\"2\" points=\"\(piece.joined(separator: " "))\"/>" }
            piece = []
        }
        for (index, point) in points.enumerated() {
            guard let value = point.value else { flush(); continue }
            piece.append("\(n(x(index))),\(n(y(value)))")
            marks += "<circle class=\"point\" cx=\"\(n(x(index)))\" cy=\"\(n(y(value)))\" r=\"4\" fill=\"#1a5fb4\" "
                + "data-label=\"\(escape(point.label))\" data-value=\"\(n(value))\"><title>\(escape(point.label)): \(escape(format.figure(value, unit: unit)))</title></circle>"
        }
        flush()
        for (index, point) in points.enumerated() where points.count <= 12 || index % ((points.count + 11) / 12) == 0 {
            marks += "<text x=\"\(n(x(index)))\" y=\"\(n(height - 14))\" text-anchor=\"middle\" font-size=\"11\">\(escape(point.label))</text>"
        }
        return svg(title, marks)
    }

    /// Downtime by reason, longest first, with the cumulative share as a line (a Pareto chart). Bars are
    /// seconds; their labels show hours.
    public static func pareto(_ title: String, bars: [Bar], format: PageFormat) -> String {
        let sorted = bars.filter { $0.value > 0 }.sorted { ($1.value, $0.label) < ($0.value, $1.label) }
        let total = sorted.reduce(0) { $0 + $1.value }
        guard total > 0 else { return svg(title, "<text x=\"\(n(width / 2))\" y=\"\(n(height / 2))\" text-anchor=\"middle\">no downtime</text>") }
        let slot = plotWidth / Double(sorted.count)
        var marks = axis(top: format.hours(sorted[0].value), format: format)
        var cumulative = 0.0
        var line: [String] = []
        for (index, bar) in sorted.enumerated() {
            let barHeight = plotHeight * bar.value / sorted[0].value
            let x = left + Double(index) * slot + slot * 0.15
            marks += "<rect class=\"bar\" x=\"\(n(x))\" y=\"\(n(top + plotHeight - barHeight))\" width=\"\(n(slot * 0.7))\" height=\"\(n(barHeight))\" "
                + "fill=\"#1a5fb4\" data-label=\"\(escape(bar.label))\" data-value=\"\(n(bar.value))\"><title>\(escape(bar.label)): "
                + "\(escape(format.hours(bar.value)))</title></rect>"
            marks += "<text x=\"\(n(x + slot * 0.35))\" y=\"\(n(height - 14))\" text-anchor=\"middle\" font-size=\"11\">\(escape(bar.label))</text>"
            cumulative += bar.value
            line.append("\(n(x + slot * 0.35)),\(n(top + plotHeight * (1 - cumulative / total)))")
        }
        marks += "<polyline class=\"cumulative\" fill=\"none\" stroke=\"#c64600\" stroke-width=\"2\" points=\"\(line.joined(separator: " "))\"/>"
        return svg(title, marks)
    }

    /// The OEE waterfall: planned busy time, the availability, performance and quality losses hanging from it,
    /// and the fully productive time left; a negative performance loss (a machine faster than planned) rises.
    public static func waterfall(_ title: String, _ waterfall: OEEWaterfall, format: PageFormat) -> String {
        let steps: [(label: String, value: Double, kind: String)] = [
            ("planned busy", waterfall.plannedBusyTime, "total"), ("availability loss", waterfall.availabilityLoss, "loss"),
            ("performance loss", waterfall.performanceLoss, "loss"), ("quality loss", waterfall.qualityLoss, "loss"),
            ("fully productive", waterfall.fullyProductiveTime, "total"),
        ]
        var level = waterfall.plannedBusyTime
        var highest = level
        for step in steps where step.kind == "loss" { level -= step.value; highest = max(highest, level + max(0, step.value)) }
        let scale = plotHeight / max(highest, 1e-9)
        let slot = plotWidth / Double(steps.count)
        var marks = axis(top: format.hours(highest), format: format)
        level = waterfall.plannedBusyTime
        for (index, step) in steps.enumerated() {
            let from = step.kind == "total" ? 0 : level - step.value
            let to = step.kind == "total" ? step.value : level
            if step.kind == "loss" { level -= step.value }
            let low = min(from, to), high = max(from, to)
            let x = left + Double(index) * slot + slot * 0.15
            let fill = step.kind == "total" ? "#1a5fb4" : "#c64600"
            marks += "<rect class=\"bar \(step.kind)\" x=\"\(n(x))\" y=\"\(n(top + plotHeight - high * scale))\" width=\"\(n(slot * 0.7))\" "
                + "height=\"\(n((high - low) * scale))\" fill=\"\(fill)\" data-label=\"\(step.label)\" data-value=\"\(n(step.value))\">"
                + "<title>\(step.label): \(escape(format.hours(step.value)))</title></rect>"
            marks += "<text x=\"\(n(x + slot * 0.35))\" y=\"\(n(height - 14))\" text-anchor=\"middle\" font-size=\"11\">\(step.label)</text>"
        }
        return svg(title, marks)
    }

    static var plotWidth: Double { width - left - right }
    static var plotHeight: Double { height - top - bottom }

    static func axis(top topLabel: String, format: PageFormat) -> String {
        "<line x1=\"\(n(left))\" x2=\"\(n(left))\" y1=\"\(n(top))\" y2=\"\(n(top + plotHeight))\" stroke=\"#333\"/>"
            + "<line x1=\"\(n(left))\" x2=\"\(n(left + plotWidth))\" y1=\"\(n(top + plotHeight))\" y2=\"\(n(top + plotHeight))\" stroke=\"#333\"/>"
            + "<text x=\"\(n(left - 4))\" y=\"\(n(top + 10))\" text-anchor=\"end\" font-size=\"11\">\(escape(topLabel))</text>"
            + "<text x=\"\(n(left - 4))\" y=\"\(n(top + plotHeight))\" text-anchor=\"end\" font-size=\"11\">0</text>"
    }

    static func svg(_ title: String, _ marks: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(n(width)) \(n(height))\" role=\"img\" aria-label=\"\(escape(title))\" "
            + "class=\"chart\"><title>\(escape(title))</title>\(marks)</svg>"
    }

    /// A coordinate or figure with at most two decimals, always with a point (SVG's own number syntax).
    static func n(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int64(rounded)) : String(rounded)
    }

    /// `text` safe inside SVG (XML) text and attribute values.
    public static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
