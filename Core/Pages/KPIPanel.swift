import Foundation
import GantryCore

/// What a page shows of one node (the group, a company, plant, line or machine) over one window: the OEE tiles
/// against their governed targets, the OEE waterfall, the Pareto of downtime reasons and the elements behind
/// the figures. Built the same way at the hub and at an agent from Core's elements, readings and waterfall;
/// every field is text or markup ready for a template.
public struct KPIPanel: Sendable {
    /// OEE, A, E and QR, in that order.
    public var tiles: [KPITile]
    /// The waterfall's SVG, or why there is none.
    public var waterfall: String?
    public var waterfallMissing: String?
    /// The Pareto's SVG; nil with no downtime.
    public var pareto: String?
    /// Downtime by reason, longest first, as a table (the Pareto's figures).
    public var reasons: [ReasonRow]
    /// Whether any reason has downtime (templates cannot test an empty list).
    public var hasReasons: Bool
    /// The elements the figures are made of.
    public var figures: [FigureRow]

    /// Downtime for one reason in the window.
    public struct ReasonRow: Sendable {
        public var reason: String
        public var hours: String
        public var stops: String
        public var failure: Bool
    }

    /// One element: its name and its value with unit.
    public struct FigureRow: Sendable {
        public var name: String
        public var value: String
    }

    /// Seconds down for one reason, as the KPI query or the agent's machine intervals give them.
    public struct ReasonTime: Sendable, Equatable {
        public var reason: String
        public var seconds: Double
        public var stops: Int64
        public var failure: Bool
        public init(reason: String, seconds: Double, stops: Int64, failure: Bool) {
            self.reason = reason
            self.seconds = seconds
            self.stops = stops
            self.failure = failure
        }
    }

    /// The formulas a panel shows as tiles.
    public static let tileFormulas: [KPIFormula] = [.oee, .availability, .effectiveness, .qualityRatio]

    /// The panel of `elements` with the governed `readings` (the first for each formula is shown; a formula with
    /// no definition shows its figure as a percentage, marked ungoverned).
    public init(elements: KPIElements, readings: [KPIReading], downtime: [ReasonTime], format: PageFormat) {
        tiles = Self.tileFormulas.map { formula in
            KPITile(formula: formula, reading: readings.first { $0.formula == formula }, elements: elements, format: format)
        }
        if let waterfall = OEEWaterfall(elements) {
            self.waterfall = SVGChart.waterfall("OEE waterfall: planned busy time and its losses", waterfall, format: format)
        } else if elements.plannedBusyTime <= 0 {
            waterfallMissing = "No waterfall: no planned busy time in this window."
        } else {
            waterfallMissing = "No waterfall: \(format.quantity(elements.unratedQuantity)) units were produced without a planned rate, so the performance loss cannot be computed."
        }
        let sorted = downtime.filter { $0.seconds > 0 }.sorted { ($1.seconds, $0.reason) < ($0.seconds, $1.reason) }
        reasons = sorted.map {
            ReasonRow(reason: $0.reason.isEmpty ? "(no reason given)" : $0.reason, hours: format.hours($0.seconds), stops: String($0.stops), failure: $0.failure)
        }
        hasReasons = !sorted.isEmpty
        pareto = sorted.isEmpty ? nil : SVGChart.pareto(
            "Downtime by reason (Pareto)", bars: sorted.map { SVGChart.Bar(label: $0.reason.isEmpty ? "(none)" : $0.reason, value: $0.seconds) },
            format: format)
        figures = [
            FigureRow(name: "Planned busy time (PBT)", value: format.hours(elements.plannedBusyTime)),
            FigureRow(name: "Running (APT)", value: format.hours(elements.actualProductionTime)),
            FigureRow(name: "Setup", value: format.hours(elements.setupTime)),
            FigureRow(name: "Idle", value: format.hours(elements.delayTime)),
            FigureRow(name: "Down", value: format.hours(elements.downTime)),
            FigureRow(name: "Planned stop", value: format.hours(elements.plannedStopTime)),
            FigureRow(name: "No signal (unknown)", value: format.hours(elements.unknownTime)),
            FigureRow(name: "Good", value: format.quantity(elements.good)),
            FigureRow(name: "Scrap", value: format.quantity(elements.scrap)),
            FigureRow(name: "Rework", value: format.quantity(elements.rework)),
            FigureRow(name: "Produced without a planned rate", value: format.quantity(elements.unratedQuantity)),
            FigureRow(name: "Failures", value: String(elements.failures)),
        ]
    }
}

/// One KPI tile: the figure (or why there is none), the governed target with its direction and the
/// definition's version, and whether the figure is on the wrong side of the target.
public struct KPITile: Sendable {
    public var name: String
    /// The formula's master name (`oee`), for tests and styling.
    public var formula: String
    public var figure: String?
    public var noValue: String?
    public var target: String?
    public var direction: String?
    public var version: String?
    public var flagged: Bool
    public var status: String

    init(formula: KPIFormula, reading: KPIReading?, elements: KPIElements, format: PageFormat) {
        self.formula = formula.rawValue
        let value: Double?
        if let reading {
            name = reading.name
            value = reading.value
            figure = reading.value.map { format.figure($0, unit: reading.unit) }
            target = reading.target.map { format.target($0, unit: reading.unit) }
            direction = reading.higherIsBetter ? "higher is better" : "lower is better"
            version = "definition v\(reading.version)"
            flagged = reading.flagged
            status = switch reading.status {
            case .onTarget: "on target"
            case .offTarget: "off target"
            case .noTarget: "no target"
            case .noValue: "no value"
            }
        } else {
            name = Self.names[formula] ?? formula.rawValue
            value = elements.value(formula)
            figure = format.percent(value)
            flagged = false
            status = "no governed definition"
        }
        noValue = value == nil ? Self.whyNoValue(formula, elements, format: format) : nil
    }

    static let names: [KPIFormula: String] = [
        .oee: "OEE", .availability: "Availability", .effectiveness: "Effectiveness", .qualityRatio: "Quality ratio",
    ]

    /// Why the engine gave no figure, in words for the page.
    static func whyNoValue(_ formula: KPIFormula, _ elements: KPIElements, format: PageFormat) -> String {
        let unrated = elements.unratedQuantity > .zero
            ? "cannot be computed: \(format.quantity(elements.unratedQuantity)) units have no planned rate" : nil
        switch formula {
        case .availability: return "no planned busy time in this window"
        case .qualityRatio: return "nothing produced in this window"
        case .effectiveness: return unrated ?? "no running time in this window"
        default:
            if elements.plannedBusyTime <= 0 { return "no planned busy time in this window" }
            return unrated ?? "needs availability, effectiveness and quality ratio"
        }
    }
}
