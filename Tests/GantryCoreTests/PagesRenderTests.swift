import Foundation
import GantryCore
import GantryPages
import Testing

/// Whole pages rendered from their view models: the figures in the tiles, what the page says when E cannot be
/// computed, governed targets with direction and version, and hostile names escaped everywhere.
@Suite struct PagesRenderTests {
    let format = PageFormat(locale: Locale(identifier: "de_DE"), timeZone: TimeZone(identifier: "Europe/Berlin")!)
    let window = KPIWindow(
        kind: .day, label: "2026-03-10", start: Date(timeIntervalSince1970: 1_773_097_200), end: Date(timeIntervalSince1970: 1_773_183_600))
    let hostile = "<script>alert('x')</script>"

    func frame(title: String) -> PageFrame {
        PageFrame(lang: "de", title: title, user: "ana", csrf: "token-123", signOut: "/dashboards/sign-out", server: "Gantry hub")
    }

    func page(_ elements: KPIElements, readings: [KPIReading] = [], downtime: [KPIPanel.ReasonTime] = []) throws -> String {
        let panel = KPIPanel(elements: elements, readings: readings, downtime: downtime, format: format)
        let view = DashboardView(
            frame: frame(title: hostile), crumbs: [.init(name: "Group", link: "/dashboards"), .init(name: hostile, link: nil)],
            windows: [.init(name: "Day", link: "/dashboards?window=day", selected: true)], window: window, panel: panel,
            children: .init(heading: "Machine", rows: [.init(name: hostile, link: "/dashboards/x?a=1&b=2", panel: panel)]),
            trend: nil, intervals: nil, notice: nil, format: format)
        return try PageTemplates.renderer().render(view, template: "dashboard")
    }

    /// The figure shown in the tile of `formula`.
    func tile(_ html: String, _ formula: String) -> String? {
        html.components(separatedBy: "data-figure=\"\(formula)\">").dropFirst().first?.components(separatedBy: "<").first
    }

    @Test func machineWithoutARateSaysWhyEHasNoFigure() throws {
        // Running 6 h, down 2 h: A = 0.75. 270 good and 30 scrap counted without a rate: QR = 0.9, no E, no OEE.
        let html = try page(
            KPIElements(actualProductionTime: 21_600, downTime: 7_200, good: Quantity(270), scrap: Quantity(30), unratedQuantity: Quantity(300)),
            downtime: [.init(reason: "jam", seconds: 5_400, stops: 2, failure: true), .init(reason: "material", seconds: 1_800, stops: 1, failure: false)])
        #expect(tile(html, "availability") == "75,0 %")
        #expect(tile(html, "quality-ratio") == "90,0 %")
        #expect(tile(html, "effectiveness") == "n/a")
        #expect(tile(html, "oee") == "n/a")
        #expect(html.contains("cannot be computed: 300 units have no planned rate"))
        #expect(html.contains("No waterfall: 300 units were produced without a planned rate"))
        #expect(html.contains("<th scope=\"row\">jam</th><td class=\"num\">1,5 h</td><td class=\"num\">2</td><td>yes</td>"))
        #expect(html.contains("<html lang=\"de\">"))
        #expect(html.contains("name=\"csrf\" value=\"token-123\""))
    }

    @Test func governedTargetWithDirectionVersionAndFlag() throws {
        let oee = KPIDefinition(key: "oee", name: "OEE", formula: .oee, unit: "%", target: 60, higherIsBetter: true, version: 7)
        let elements = KPIElements(actualProductionTime: 21_600, downTime: 7_200, plannedRunTime: 18_000, good: Quantity(270), scrap: Quantity(30))
        // OEE = 0.5625 = 56.25 % against 60 %, higher is better: flagged.
        let html = try page(elements, readings: [oee.reading(elements)])
        #expect(tile(html, "oee") == "56,3 %")
        #expect(html.contains("Target 60,0 %, higher is better"))
        #expect(html.contains("off target · definition v7"))
        #expect(html.contains("class=\"tile flagged\" data-kpi=\"oee\""))
        #expect(html.contains("class=\"chart\""))  // the waterfall is drawn
    }

    @Test func hostileNamesAreEscapedInTextLinksAndCharts() throws {
        let html = try page(KPIElements(actualProductionTime: 3_600, downTime: 600), downtime: [.init(reason: hostile, seconds: 600, stops: 1, failure: true)])
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
        #expect(html.contains("href=\"/dashboards/x?a=1&amp;b=2\""))
    }

    @Test func signInAndProblemPagesRender() throws {
        let renderer = try PageTemplates.renderer()
        let signIn = try renderer.render(
            SignInView(frame: PageFrame(lang: "en", title: "Sign in", user: nil, csrf: nil, signOut: "/x", server: "Gantry hub"),
                       action: "/dashboards/sign-in", error: "That token is not valid.", next: "/dashboards/plants/ACME-01", tokenLabel: "API token"),
            template: "sign-in")
        #expect(signIn.contains("<label for=\"token\">API token</label>"))
        #expect(signIn.contains("That token is not valid."))
        #expect(!signIn.contains("Sign out"))
        let problem = try renderer.render(
            ProblemView(frame: frame(title: "Forbidden"), status: 403, heading: "Not your company", detail: "ACME-01 is outside your companies.", back: "/dashboards"),
            template: "problem")
        #expect(problem.contains("data-status=\"403\""))
    }
}
