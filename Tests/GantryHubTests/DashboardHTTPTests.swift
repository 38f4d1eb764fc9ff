import Foundation
import GantryCore
import GantryPages
import GantryTestSupport
@testable import GantryHub
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The hub's dashboard pages over real loopback HTTP: sign-in into a session cookie and its flags, redirects
/// without a session, expiry, CSRF on every form, company scoping, and the figures on the pages.
///
/// Scenario (KPIQueryContractTests), plant ACME-BER in Europe/Berlin, the hub's clock at 10:00 UTC on 2027-01-15:
/// press runs 08:00–09:00, is down (JAM) 09:00–09:30 and runs to now: A = 5 400 / 7 200 = 75 %; 90 good and
/// 10 scrap: QR = 90 %; counts carry no planned rate, so E and OEE cannot be computed. saw is on planned stop
/// 08:00–09:30 and runs to now: A = 1 800 / 1 800 = 100 %. Line L1 and the plant: 7 200 / 9 000 = 80 %.
@Suite struct DashboardHTTPTests {
    typealias Web = HubShippingHTTPTests
    typealias Fixture = KPIRollupContractTests

    typealias Browser = PageClient

    /// A hub with the scenario applied, and a browser on it.
    func withScenario(_ body: (Web.Hub, Browser) async throws -> Void) async throws {
        try await Web.withHub(now: Fixture.hour(2)) { hub in
            _ = try await Fixture().apply(hub.store, try KPIQueryContractTests.events())
            try await body(hub, Browser(hub.url))
        }
    }

    /// The figure in a page's tile of `formula` (the first one: the page's own node).
    static func tile(_ text: String, _ formula: String) -> String? {
        text.components(separatedBy: "data-figure=\"\(formula)\">").dropFirst().first?.components(separatedBy: "<").first
    }

    @Test func withoutASessionEveryPageRedirectsToTheSignIn() async throws {
        try await withScenario { _, browser in
            for path in ["/dashboards", "/dashboards/plants/ACME-BER", "/dashboards/plants/ACME-BER/lines/L1/machines/press"] {
                let page = try await browser.get(path)
                #expect(page.status == 303, "\(path)")
                #expect(page.header("Location")?.hasPrefix("/dashboards/sign-in?next=%2Fdashboards") == true, "\(path)")
            }
            browser.cookie = "made-up"
            #expect(try await browser.get("/dashboards").status == 303)
            let form = try await browser.get("/dashboards/sign-in?next=/dashboards/plants/ACME-BER")
            #expect(form.status == 200 && form.text.contains("<label for=\"token\">"))
            #expect(form.text.contains("name=\"next\" value=\"/dashboards/plants/ACME-BER\""))
        }
    }

    @Test func signInSetsAStrictHttpOnlyCookieKeptOnlyAsAHash() async throws {
        try await withScenario { hub, browser in
            let refused = try await browser.signIn("gut_wrong")
            #expect(refused.status == 401 && refused.text.contains("That token does not sign in"))
            #expect(refused.header("Set-Cookie") == nil)
            let buyer = try await browser.signIn(hub.tokens["buyer"]!)  // a buyer's role lacks reports:read
            #expect(buyer.status == 401 && buyer.header("Set-Cookie") == nil)

            let page = try await browser.signIn(hub.tokens["acme-planner"]!, next: "/dashboards/plants/ACME-BER")
            #expect(page.status == 303 && page.header("Location") == "/dashboards/plants/ACME-BER")
            let cookie = try #require(page.header("Set-Cookie"))
            let parts = Set(cookie.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) })
            #expect(parts.contains("HttpOnly") && parts.contains("SameSite=Strict") && parts.contains("Path=/") && !parts.contains("Secure"))
            let id = try #require(browser.cookie)
            #expect(id.count >= 43)  // 256 bits
            #expect(try await hub.store.dashboardSession(idHash: SecretToken.hash(id))?.principal == "acme-planner")
            #expect(try await hub.store.dashboardSession(idHash: id) == nil)

            // Another site's page is never a place to go after sign-in.
            let elsewhere = try await Browser(hub.url).signIn(hub.tokens["admin"]!, next: "//evil.example/dashboards")
            #expect(elsewhere.header("Location") == "/dashboards")
        }
    }

    @Test func pagesShowTheFiguresWorkedOutByHandAndDrillDownToTheDowntime() async throws {
        try await withScenario { hub, browser in
            try await browser.signIn(hub.tokens["admin"]!)
            let group = try await browser.get("/dashboards")
            #expect(group.status == 200, "\(group.text)")
            #expect(group.text.contains("<html lang=\"en\">") && group.text.contains("Group overview"))
            #expect(Self.tile(group.text, "availability") == "80.0 %")
            #expect(group.text.contains("<a href=\"/dashboards/companies/ACME?window=day&amp;at=2027-01-14T23:00:00.000000Z\">ACME</a>"))

            let plant = try await browser.get("/dashboards/plants/ACME-BER")
            #expect(Self.tile(plant.text, "availability") == "80.0 %")
            #expect(Self.tile(plant.text, "quality-ratio") == "89.2 %")  // 91 good of 102 produced: 89.22 %
            #expect(Self.tile(plant.text, "effectiveness") == "n/a" && Self.tile(plant.text, "oee") == "n/a")
            #expect(plant.text.contains("units have no planned rate"))
            // The Pareto: JAM, 30 min = 0.5 h, one stop begun, a failure (not a classified reason).
            #expect(plant.text.contains("<th scope=\"row\">JAM</th><td class=\"num\">0.5 h</td><td class=\"num\">1</td><td>yes</td>"))
            #expect(plant.text.contains("data-label=\"JAM\" data-value=\"1800\""))
            // OEE has no value in any hour, so the trend shows availability, and says so.
            #expect(plant.text.contains("<h2>Availability trend (OEE has no value in this window)</h2>"))
            #expect(plant.text.contains("Window <strong>2027-01-15</strong>: 2027-01-15 00:00 – 2027-01-16 00:00 (Europe/Berlin)"))

            let line = try await browser.get("/dashboards/plants/ACME-BER/lines/L1")
            #expect(line.text.contains(">press</a></th><td class=\"num\">n/a"))
            #expect(line.text.contains("<td class=\"num\">75.0 %</td><td class=\"num\">n/a"))

            let machine = try await browser.get("/dashboards/plants/ACME-BER/lines/L1/machines/press")
            #expect(Self.tile(machine.text, "availability") == "75.0 %")
            #expect(Self.tile(machine.text, "quality-ratio") == "90.0 %")
            // 09:00–09:30 UTC is 10:00–10:30 in Berlin.
            #expect(machine.text.contains("<tr><td>L1/press</td><td>2027-01-15 10:00</td><td>2027-01-15 10:30</td><td class=\"num\">30 min</td><td>JAM</td><td>yes</td></tr>"))

            let week = try await browser.get("/dashboards/plants/ACME-BER?window=week&at=2027-01-15")
            #expect(week.text.contains("Window <strong>2027-W02</strong>") && Self.tile(week.text, "availability") == "80.0 %")
            let bad = try await browser.get("/dashboards/plants/ACME-BER?window=year")
            #expect(bad.status == 400 && bad.text.contains("window is one of"))
            #expect(try await browser.get("/dashboards/plants/ACME-XYZ").status == 404)
        }
    }

    /// The operations batch of `OperationsRollupContractTests` at ACME-BER, on Berlin's 15th: 2 lines owed (1
    /// confirmed, 1 overdue), 2 work orders completed (1 on time and in full), 4 count lines (3 exact), 1 corrective
    /// request; no machine data, so scrap and MTTR have no value.
    @Test func theLayersPageShowsBuyersPlannersAndPlantManagersFiguresPerPlant() async throws {
        try await Web.withHub(now: Fixture.hour(2)) { hub in
            _ = try await Fixture().apply(hub.store, try OperationsRollupContractTests.batch())
            let browser = Browser(hub.url)
            try await browser.signIn(hub.tokens["admin"]!)
            let page = try await browser.get("/dashboards/operations")
            #expect(page.status == 200, "\(page.text)")
            let plant = "<th scope=\"row\"><a href=\"/dashboards/plants/ACME-BER?window=day&amp;at=2027-01-14T23:00:00.000000Z\">ACME-BER</a></th>"
            func row(_ table: String) -> String? {
                page.text.components(separatedBy: "<table id=\"\(table)\">").dropFirst().first?
                    .components(separatedBy: plant).dropFirst().first?.components(separatedBy: "</tr>").first
            }
            #expect(row("buyer") == "<td class=\"num\">2</td><td class=\"num\">50.0 %</td><td class=\"num\">1</td>")
            #expect(row("planner") == "<td class=\"num\">2</td><td class=\"num\">50.0 %</td><td class=\"num\">1</td>")
            #expect(row("plant-manager") == "<td class=\"num\">50.0 %</td><td class=\"num\">75.0 %</td><td class=\"num\">1</td>"
                + "<td class=\"num\">n/a</td><td class=\"num\">n/a</td>")
            #expect(page.text.contains("<a href=\"/dashboards/operations\">"))

            let gamma = Browser(hub.url)
            try await gamma.signIn(hub.tokens["gamma"]!)
            let theirs = try await gamma.get("/dashboards/operations")
            #expect(theirs.status == 200 && !theirs.text.contains("ACME-BER"))
        }
    }

    /// The group scenario of `ConsolidationScenarioTests`, March 2026. PAR (EUR): intercompany revenue 150.00, cost
    /// of sales 90.00, so a gross margin of 60.00 = 40.0 %; inventory 100.00, GRNI 200.00, receivable 150.00: working
    /// capital 100.00 + 150.00 − 200.00 = 50.00; turns 90.00 ÷ 100.00 × 365 ÷ 31 = 10.6. SUB (PLN): no revenue;
    /// inventory 300.00, in transit 240.00, payable 600.00: working capital −60.00; no cost of sales, so 0.0 turns.
    @Test func theExecutivesPageShowsEachCompanysBooksInItsCurrency() async throws {
        try await Web.withHub(now: Timestamp.parse("2026-03-25T12:00:00Z")!) { hub in
            typealias Group = ConsolidationScenarioTests
            try await Group.setUp(hub.store, tokens: "group-")
            try await Group.send(hub.store, "PAR-BER", Group.parentEvents, batchSize: 50)
            try await Group.send(hub.store, "SUB-WAW", Group.subsidiaryEvents, batchSize: 50)
            let browser = Browser(hub.url)
            try await browser.signIn(hub.tokens["admin"]!)
            let page = try await browser.get("/dashboards/executive")
            #expect(page.status == 200, "\(page.text)")
            func row(_ name: String) -> [String] {
                let tail = page.text.components(separatedBy: ">\(name)</a></th>").dropFirst().first?.components(separatedBy: "</tr>").first ?? ""
                return tail.components(separatedBy: "<td class=\"num\">").dropFirst().map { $0.components(separatedBy: "<").first ?? "" }
            }
            #expect(Array(row("PAR (2026-03)").dropFirst()) == ["150.00 EUR", "40.0 %", "50.00 EUR", "100.00 EUR", "10.6"])
            #expect(Array(row("SUB (2026-03)").dropFirst()) == ["0.00 PLN", "n/a", "-60.00 PLN", "300.00 PLN", "0.0"])
            #expect(page.text.contains("no revenue in the period"))
            // A company without books says why rather than showing a number.
            #expect(row("ACME").count == 6 && row("ACME").last == "n/a")
        }
    }

    @Test func aViewerSeesOnlyTheirCompanies() async throws {
        try await withScenario { hub, browser in
            try await browser.signIn(hub.tokens["gamma"]!)
            let group = try await browser.get("/dashboards")
            #expect(group.status == 200 && group.text.contains(">GAMMA</a>") && !group.text.contains("ACME"))
            for path in ["/dashboards/plants/ACME-BER", "/dashboards/companies/ACME", "/dashboards/plants/ACME-BER/lines/L1/machines/press"] {
                let refused = try await browser.get(path)
                #expect(refused.status == 403 && refused.text.contains("outside the companies gamma may see"), "\(path)")
                #expect(!refused.text.contains("75.0 %"))
            }
        }
    }

    @Test func signOutNeedsTheSessionsCSRFTokenAndEndsTheSession() async throws {
        try await withScenario { hub, browser in
            try await browser.signIn(hub.tokens["admin"]!)
            let page = try await browser.get("/dashboards")
            let csrf = try #require(browser.csrf(on: page))
            let id = try #require(browser.cookie)
            #expect(try await browser.post("/dashboards/sign-out", form: [:]).status == 403)
            #expect(try await browser.post("/dashboards/sign-out", form: ["csrf": String(csrf.reversed())]).status == 403)
            #expect(try await hub.store.dashboardSession(idHash: SecretToken.hash(id)) != nil)
            let out = try await browser.post("/dashboards/sign-out", form: ["csrf": csrf])
            #expect(out.status == 303 && out.header("Set-Cookie")?.contains("Max-Age=0") == true)
            #expect(try await hub.store.dashboardSession(idHash: SecretToken.hash(id)) == nil)
            #expect(try await browser.get("/dashboards").status == 303)
        }
    }

    @Test(arguments: [
        ("/dashboards/companies/%3Cscript%3E", 404), ("/dashboards/plants/%ZZ", 404), ("/dashboards/plants/ACME-BER?at=nonsense", 400),
        ("/dashboards/plants/ACME-BER?window=day&at=2027-02-30", 400), ("/dashboards/plants/ACME-BER/lines/L9/machines/none", 200),
    ])
    func oddPathsAndQueriesArePagesWithAStatusNeverAFailure(path: String, status: Int) async throws {
        try await withScenario { hub, browser in
            try await browser.signIn(hub.tokens["admin"]!)
            let page = try await browser.get(path)
            #expect(page.status == status, "\(path): \(page.text)")
            #expect(page.header("Content-Type")?.hasPrefix("text/html") == true && !page.text.contains("<script>"))
        }
    }

    @Test func manyFailedSignInsAreRefusedForAMinute() async throws {
        try await withScenario { hub, browser in
            for _ in 0..<30 { #expect(try await browser.signIn("gut_guess").status == 401) }
            // The 31st try, even with a good token, waits: the hub's clock stands still, so a whole minute.
            let refused = try await browser.signIn(hub.tokens["admin"]!)
            #expect(refused.status == 429 && refused.header("Retry-After") == "60" && browser.cookie == nil)
        }
    }

    @Test func idleAndAbsoluteExpiryEndSessions() async throws {
        try await withScenario { hub, browser in
            let now = Fixture.hour(2)
            let idle = DashboardSession(
                idHash: SecretToken.hash("idle-id"), principal: "admin", createdAt: now.addingTimeInterval(-7_200),
                lastSeenAt: now.addingTimeInterval(-1_800), expiresAt: now.addingTimeInterval(36_000))
            let old = DashboardSession(
                idHash: SecretToken.hash("old-id"), principal: "admin", createdAt: now.addingTimeInterval(-43_200),
                lastSeenAt: now.addingTimeInterval(-60), expiresAt: now)
            let live = DashboardSession(
                idHash: SecretToken.hash("live-id"), principal: "admin", createdAt: now.addingTimeInterval(-600),
                lastSeenAt: now.addingTimeInterval(-1_799), expiresAt: now.addingTimeInterval(42_600))
            for session in [idle, old, live] { try await hub.store.addDashboardSession(session) }
            for (id, status) in [("idle-id", 303), ("old-id", 303), ("live-id", 200)] {
                browser.cookie = id
                #expect(try await browser.get("/dashboards").status == status, "\(id)")
            }
            #expect(try await hub.store.dashboardSession(idHash: idle.idHash) == nil)
            #expect(try await hub.store.dashboardSession(idHash: old.idHash) == nil)
            #expect(try await hub.store.dashboardSession(idHash: live.idHash)?.lastSeenAt == now)  // touched
        }
    }
}
