import Foundation
import GantryCore

/// The decision layers' page (template `operations`): for buyers, planners and plant managers, one table each with
/// a row per plant and one for all of them, over the chosen window. The figures are `OperationsElements` (summed,
/// then divided) and a plant's machine elements for scrap and MTTR, flagged against their governed targets.
public struct OperationsView: Sendable {
    public var frame: PageFrame
    public var crumbs: [DashboardView.Crumb]
    public var windows: [DashboardView.WindowChoice]
    public var windowLabel: String
    public var windowRange: String
    public var notice: String?
    public var sections: [Section]

    public init(
        frame: PageFrame, crumbs: [DashboardView.Crumb], windows: [DashboardView.WindowChoice], window: KPIWindow, notice: String?,
        rows: [Source], format: PageFormat
    ) {
        self.frame = frame
        self.crumbs = crumbs
        self.windows = windows
        windowLabel = window.label
        windowRange = "\(format.time(window.start)) – \(format.time(window.end)) (\(format.timeZone.identifier))"
        self.notice = notice
        sections = Self.sections(rows, format: format)
    }

    /// A page of sections made elsewhere (the executives' page).
    public init(
        frame: PageFrame, crumbs: [DashboardView.Crumb], windows: [DashboardView.WindowChoice], window: KPIWindow, notice: String?,
        sections: [Section], format: PageFormat
    ) {
        self.init(frame: frame, crumbs: crumbs, windows: windows, window: window, notice: notice, rows: [], format: format)
        self.sections = sections
    }

    /// One row's figures: a plant's (or all plants') operations elements, its governed operations readings, and
    /// its machines' elements.
    public struct Source: Sendable {
        public var name: String
        public var link: String?
        public var elements: OperationsElements
        public var readings: [KPIReading]
        public var machines: KPIElements

        public init(name: String, link: String?, elements: OperationsElements, readings: [KPIReading], machines: KPIElements) {
            self.name = name
            self.link = link
            self.elements = elements
            self.readings = readings
            self.machines = machines
        }
    }

    /// One layer's table.
    public struct Section: Sendable {
        public var id: String
        public var title: String
        public var question: String
        /// What a row is: `Plant`, `Company`.
        public var rowHeading: String
        public var columns: [String]
        public var rows: [Row]
        /// Said under the table. (Not `note`: Mustache would find it for a cell without a note of its own.)
        public var footnote: String?

        public init(id: String, title: String, question: String, rowHeading: String, columns: [String], rows: [Row], footnote: String?) {
            self.id = id
            self.title = title
            self.question = question
            self.rowHeading = rowHeading
            self.columns = columns
            self.rows = rows
            self.footnote = footnote
        }
    }

    /// One plant's (or the total's) cells, in the section's column order.
    public struct Row: Sendable {
        public var name: String
        public var link: String?
        public var cells: [DashboardView.Cell]

        public init(name: String, link: String?, cells: [DashboardView.Cell]) {
            self.name = name
            self.link = link
            self.cells = cells
        }
    }

    static func sections(_ sources: [Source], format: PageFormat) -> [Section] {
        func ratio(_ source: Source, _ formula: KPIFormula, _ value: Double?) -> DashboardView.Cell {
            let reading = source.readings.first { $0.formula == formula }
            return DashboardView.Cell(
                text: format.percent(value) ?? "n/a", note: value == nil ? "nothing to measure" : reading?.target.map { "target \(format.target($0, unit: reading?.unit ?? "%"))" },
                flagged: reading?.flagged ?? false)
        }
        func count(_ source: Source, _ formula: KPIFormula, _ value: Int64) -> DashboardView.Cell {
            let reading = source.readings.first { $0.formula == formula }
            return DashboardView.Cell(
                text: String(value), note: reading?.target.map { "target \(format.target($0, unit: reading?.unit ?? ""))" },
                flagged: reading?.flagged ?? false)
        }
        func plain(_ text: String) -> DashboardView.Cell { DashboardView.Cell(text: text, note: nil, flagged: false) }
        func rows(_ cells: (Source) -> [DashboardView.Cell]) -> [Row] {
            sources.map { Row(name: $0.name, link: $0.link, cells: cells($0)) }
        }
        return [
            Section(
                id: "buyer", title: "Buyers", question: "Which supplier lines are owed, unconfirmed or late now?", rowHeading: "Plant",
                columns: ["Purchase lines owed", "Confirmed by the supplier", "Overdue lines"],
                rows: rows { s in [
                    plain(String(s.elements.purchaseLinesOpen)),
                    ratio(s, .supplierConfirmationRate, s.elements.supplierConfirmationRate),
                    count(s, .overduePurchaseLines, s.elements.purchaseLinesOverdue),
                ] },
                footnote: "Owed lines are those received less than ordered, as of now; overdue when due before the plant's own today."),
            Section(
                id: "planner", title: "Planners", question: "Are work orders finishing when planned?", rowHeading: "Plant",
                columns: ["Work orders completed", "Schedule adherence", "On time and in full"],
                rows: rows { s in [
                    plain(String(s.elements.workOrdersCompleted)),
                    ratio(s, .scheduleAdherence, s.elements.scheduleAdherence),
                    plain(String(s.elements.workOrdersOnTimeInFull)),
                ] },
                footnote: "Material readiness, shortage risk per work order and capacity load need the plant's open work orders and "
                    + "reservations: each plant's own pages (its agent) show them."),
            Section(
                id: "plant-manager", title: "Plant managers", question: "Is the plant reliable, accurate and in control of scrap?", rowHeading: "Plant",
                columns: ["Order completion reliability", "Cycle-count accuracy", "Corrective maintenance requests", "Scrap ratio", "MTTR"],
                rows: rows { s in [
                    ratio(s, .orderCompletionReliability, s.elements.orderCompletionReliability),
                    ratio(s, .cycleCountAccuracy, s.elements.cycleCountAccuracy),
                    count(s, .maintenanceInterruptions, s.elements.maintenanceInterruptions),
                    DashboardView.Cell(text: format.percent(s.machines.scrapRatio) ?? "n/a", note: nil, flagged: false),
                    DashboardView.Cell(text: s.machines.mttrHours.map { format.figure($0, unit: "h") } ?? "n/a", note: nil, flagged: false),
                ] },
                footnote: nil),
        ]
    }
}
