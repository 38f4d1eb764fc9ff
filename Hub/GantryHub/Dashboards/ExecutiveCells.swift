import Foundation
import GantryCore
import GantryPages

/// The executives' figures as page cells: amounts in the company's functional currency, ratios as percent, turns
/// annualised by the period's length.
enum ExecutiveCells {
    static let columns = ["Service level (OTIF)", "Revenue", "Gross margin", "Working capital", "Inventory", "Inventory turns"]

    static func section(_ rows: [OperationsView.Row]) -> OperationsView.Section {
        OperationsView.Section(
            id: "executive", title: "Executives", question: "What do operations mean for service and money?", rowHeading: "Company",
            columns: columns, rows: rows,
            footnote: "Each company in its functional currency, for its fiscal period holding the window's end. Service level: "
                + "customer order lines due so far, on time and in full against the requested date. Inventory turns: cost of sales "
                + "÷ closing inventory, annualised by the period's length. The group in one currency: GET /v1/consolidation.")
    }

    static func service(_ summary: ServiceLevel.Summary?, format: PageFormat) -> DashboardView.Cell {
        guard let percent = summary?.otifPercent else {
            return DashboardView.Cell(text: "n/a", note: "no customer order line due yet", flagged: false)
        }
        return DashboardView.Cell(text: format.number(NSDecimalNumber(decimal: percent).doubleValue) + " %", note: nil, flagged: false)
    }

    static func books(margin: MarginReport, capital: WorkingCapitalReport, days: Double, format: PageFormat) -> [DashboardView.Cell] {
        let currency = capital.currency
        func amount(_ minor: Int64) -> DashboardView.Cell {
            DashboardView.Cell(text: format.money(minor, currency: currency), note: nil, flagged: false)
        }
        let grossMargin = margin.revenue > 0 ? Double(margin.margin) / Double(margin.revenue) : nil
        let inventory = capital.inventory.amount
        let turns = inventory > 0 && days > 0 ? Double(margin.costOfSales) / Double(inventory) * 365 / days : nil
        return [
            amount(margin.revenue),
            DashboardView.Cell(text: format.percent(grossMargin) ?? "n/a", note: grossMargin == nil ? "no revenue in the period" : nil, flagged: false),
            amount(capital.workingCapital),
            amount(inventory),
            DashboardView.Cell(text: turns.map { format.number($0) } ?? "n/a", note: turns == nil ? "no inventory at the period's end" : nil, flagged: false),
        ]
    }

    /// Five cells saying why the books give no figure.
    static func missing(_ reason: String) -> [DashboardView.Cell] {
        (0..<5).map { index in DashboardView.Cell(text: "n/a", note: index == 0 ? reason : nil, flagged: false) }
    }
}
