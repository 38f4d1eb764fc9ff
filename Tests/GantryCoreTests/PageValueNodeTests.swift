import Foundation
import GantryCore
@testable import GantryPages
import Testing

/// Pages rendered through `PageValueNode` (each value reflected once) are the pages Mustache renders reflecting the
/// values on every lookup: the reference is the library's own rendering of the same values in the same test.
@Suite struct PageValueNodeTests {
    enum Shade: String { case light, dark }

    final class Owner {
        let name = "Ana"
        let badge: String? = nil
    }

    struct Cell {
        var text: String
        var note: String?
        var flagged: Bool
    }

    struct Row {
        var name: String
        var cells: [Cell]
        var shade: Shade
        var title: String?
    }

    struct Page {
        var title: String
        var badge: String
        var owner: Owner
        var rows: [Row]
        var tags: [String]
        var empty: [Row]
        var at: Date
        var count: Int
        var ratio: Double
        var missing: String?
    }

    static let template = """
        <h1>{{title}} {{owner.name}} {{owner.badge}}{{#owner}}[{{badge}}]{{/owner}}</h1>
        {{#rows}}<tr class="{{shade}}"><th>{{name}} {{title}}</th>{{#cells}}<td>{{text}}{{#note}} ({{.}}){{/note}}\
        {{^note}} -{{/note}}{{#flagged}}!{{/flagged}}</td>{{/cells}}</tr>
        {{/rows}}{{^empty}}no rows{{/empty}} {{#tags}}<{{.}}>{{/tags}} {{count(rows)}} {{at}} {{count}} {{ratio}}
        {{missing}}{{^missing}}nothing missing{{/missing}} {{{title}}}
        """

    static var page: Page {
        Page(
        title: "Line <1> & co", badge: "outer", owner: Owner(),
        rows: [
            Row(name: "press", cells: [Cell(text: "75 %", note: "target 90 %", flagged: true), Cell(text: "3", note: nil, flagged: false)],
                shade: .dark, title: nil),
            Row(name: "lathe", cells: [], shade: .light, title: "its own"),
        ],
        tags: ["a", "b"], empty: [], at: Date(timeIntervalSince1970: 1_800_000_000), count: 2, ratio: 0.25, missing: nil)
    }

    @Test func aTemplateOfEveryKindOfLookupRendersAsMustacheReflectingEachTime() throws {
        let renderer = try PageRenderer(templates: ["page": Self.template])
        let html = try renderer.render(Self.page, template: "page")
        #expect(html == renderer.renderReflectingEveryLookup(Self.page, template: "page"))
        // A nil field climbs the stack to the page's own (the owner has no badge, the lathe's row a title).
        #expect(html.contains("Ana [outer]") && html.contains("press Line &lt;1&gt; &amp; co") && html.contains("lathe its own"))
        #expect(html.contains("class=\"dark\"") && html.contains("<td>75 % (target 90 %)!</td><td>3 -</td>"))
    }

    @Test func theDashboardAndLayerPagesRenderAsMustacheReflectingEachTime() throws {
        let renderer = try PageTemplates.renderer()
        let format = PageFormat(locale: Locale(identifier: "de_DE"), timeZone: TimeZone(identifier: "Europe/Berlin")!)
        let window = KPIWindow(kind: .day, label: "2026-03-10", start: Date(timeIntervalSince1970: 1_773_097_200), end: Date(timeIntervalSince1970: 1_773_183_600))
        let elements = KPIElements(actualProductionTime: 1800, downTime: 600, good: Quantity(40), scrap: Quantity(2), unratedQuantity: Quantity(42))
        let panel = KPIPanel(
            elements: elements, readings: [],
            downtime: [KPIPanel.ReasonTime(reason: "JAM", seconds: 600, stops: 1, failure: true)], format: format)
        let frame = PageFrame(lang: "de", title: "<b>", user: "ana", csrf: "c", signOut: "/dashboards/sign-out", server: "Gantry hub")
        let view = DashboardView(
            frame: frame, crumbs: [.init(name: "Group", link: "/dashboards"), .init(name: "ACME", link: nil)],
            windows: [.init(name: "Day", link: "/dashboards?window=day", selected: true)], window: window, panel: panel,
            children: .init(heading: "Machine", rows: [.init(name: "press", link: "/dashboards/x?a=1&b=2", panel: panel)]),
            trend: nil, intervals: nil, notice: "a notice", format: format)
        let html = try renderer.render(view, template: "dashboard")
        #expect(html == renderer.renderReflectingEveryLookup(view, template: "dashboard"))
        #expect(html.contains("JAM"))
        let signIn = SignInView(frame: frame, action: "/dashboards/sign-in", error: "no", next: "/dashboards", tokenLabel: "Token")
        #expect(try renderer.render(signIn, template: "sign-in") == renderer.renderReflectingEveryLookup(signIn, template: "sign-in"))
    }
}
