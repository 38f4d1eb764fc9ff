import Foundation
import GantryCore
@testable import GantryPages
import Testing

/// The layers' page values: each layer's cells from the summed elements, flagged against governed targets, in the
/// page's locale, "n/a" where a ratio has nothing to measure.
@Suite struct PagesOperationsTests {
    static let german = PageFormat(locale: Locale(identifier: "de_DE"), timeZone: TimeZone(identifier: "Europe/Berlin")!)

    @Test func cellsFollowTheElementsAndTheGovernedTargets() throws {
        // 8 owed, 6 confirmed (75 %), 3 overdue; 4 completed, 3 on time; 40 count lines, 39 exact (97.5 %).
        let elements = OperationsElements(
            workOrdersCompleted: 4, workOrdersOnTime: 3, workOrdersInFull: 4, workOrdersOnTimeInFull: 3, countLines: 40,
            countLinesExact: 39, maintenanceInterruptions: 2, purchaseLinesOpen: 8, purchaseLinesConfirmed: 6, purchaseLinesOverdue: 3)
        let confirmation = KPIDefinition(
            key: "CONF", name: "Confirmed", formula: .supplierConfirmationRate, unit: "%", target: 90, higherIsBetter: true, version: 2)
        let overdue = KPIDefinition(key: "LATE", name: "Overdue", formula: .overduePurchaseLines, unit: "lines", target: 5, higherIsBetter: false, version: 2)
        let machines = KPIElements(actualProductionTime: 3600, good: Quantity(95), scrap: Quantity(5), failures: 2, repairTime: 1800)
        let source = OperationsView.Source(
            name: "ACME-BER", link: "/dashboards/plants/ACME-BER", elements: elements,
            readings: [confirmation.reading(elements), overdue.reading(elements)], machines: machines)
        let empty = OperationsView.Source(name: "ACME-HAM", link: nil, elements: .zero, readings: [], machines: .zero)
        let window = KPIWindow(kind: .day, label: "2027-01-15", start: Date(timeIntervalSince1970: 1_799_967_600), end: Date(timeIntervalSince1970: 1_800_054_000))
        let view = OperationsView(
            frame: PageFrame(lang: "de", title: "Layers", user: "admin", csrf: "c", signOut: "/s", server: "Gantry hub"), crumbs: [],
            windows: [], window: window, notice: nil, rows: [source, empty], format: Self.german)
        #expect(view.sections.map(\.id) == ["buyer", "planner", "plant-manager"])
        let buyer = view.sections[0].rows[0].cells
        #expect(buyer.map(\.text) == ["8", "75,0 %", "3"])
        #expect(buyer[1].flagged && buyer[1].note == "target 90,0 %")
        #expect(!buyer[2].flagged)
        #expect(view.sections[1].rows[0].cells.map(\.text) == ["4", "75,0 %", "3"])
        // Scrap 5 of 100; MTTR 1 800 s over 2 failures = 0.25 h.
        #expect(view.sections[2].rows[0].cells.map(\.text) == ["75,0 %", "97,5 %", "2", "5,0 %", "0,3 h"])
        #expect(view.sections[2].rows[1].cells.map(\.text) == ["n/a", "n/a", "0", "n/a", "n/a"])
        #expect(view.sections[2].rows[1].cells[0].note == "nothing to measure")

        let html = try PageTemplates.renderer().render(view, template: "operations")
        #expect(html.contains("<table id=\"buyer\">") && html.contains("75,0 %<br><small>target 90,0 %</small> <span class=\"flag\">off target</span>"))
    }
}
