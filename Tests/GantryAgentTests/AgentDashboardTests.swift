import Foundation
import GantryCore
import GantryPages
import GantryTestSupport
@testable import GantryAgent
import Hummingbird
import Logging
import ServiceLifecycle
import Testing

/// The agent's dashboard pages over real loopback HTTP from a real store file, with no hub anywhere: plant users
/// sign in with their token, the plant page and a machine page show the figures worked out by hand, forms need
/// the session's CSRF token, and a user removed from `users.file` is signed out.
///
/// Scenario (UTC: the agent holds no plant master, so its zone is UTC), the early shift 06:00–14:00 of 2027-01-15:
/// press runs from 06:00, is down JAM 08:00–08:30 and MATERIAL 11:00–12:30: running 6 h of 8: A = 75.0 %; 270
/// good and 30 scrap: QR = 90.0 %. No rate: E and OEE are n/a.
@Suite struct AgentDashboardTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000 - 7200)  // 2027-01-15T06:00:00Z
    static func at(_ hours: Double) -> Date { t0.addingTimeInterval(hours * 3600) }
    static let quiet = Logger(label: "gantry-test") { _ in SwiftLogNoOpLogHandler() }

    func withPages(_ body: (PageClient, SQLitePlantStore, String, String) async throws -> Void) async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLitePlantStore(path: "\(dir)/agent.sqlite", plantID: "ACME-BER", now: { Self.at(8) })
            func state(_ state: MachineState, _ hours: Double, _ reason: String? = nil) throws {
                let signal = MachineSignal.state(MachineStateChanged(line: "L1", machine: "press", state: state, reason: reason, at: Self.at(hours)))
                _ = try store.recordMachineSignalNow(signal, topic: "gantry/ACME-BER/L1/press/state", payload: [], receivedAt: Self.at(hours))
            }
            try state(.running, 0)
            try state(.down, 2, "JAM")
            try state(.running, 2.5)
            _ = try store.recordMachineSignalNow(
                .count(MachineCountReported(line: "L1", machine: "press", good: 270, scrap: 30, at: Self.at(4))),
                topic: "gantry/ACME-BER/L1/press/count", payload: [], receivedAt: Self.at(4))
            try state(.down, 5, "MATERIAL")
            try state(.running, 6.5)
            let user = try PlantUsers.enrol(name: "pm", role: .planner)
            try (user.line + "\n").write(toFile: "\(dir)/users", atomically: true, encoding: .utf8)

            let router = Router()
            AgentDashboards.add(
                to: router, store: store, users: PlantUsers(path: "\(dir)/users"), reasons: DowntimeReasons(), now: { Self.at(8) }, logger: Self.quiet)
            let (ports, announce) = AsyncStream.makeStream(of: Int.self)
            let app = Application(
                router: router, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
                onServerRunning: { announce.yield($0.localAddress?.port ?? 0) }, logger: Self.quiet)
            let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: Self.quiet)
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                var iterator = ports.makeAsyncIterator()
                let port = await iterator.next()!
                let outcome: Result<Void, any Error>
                do { outcome = .success(try await body(PageClient("http://127.0.0.1:\(port)"), store, user.token, dir)) } catch { outcome = .failure(error) }
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                try outcome.get()
            }
        }
    }

    static func tile(_ text: String, _ formula: String) -> String? {
        text.components(separatedBy: "data-figure=\"\(formula)\">").dropFirst().first?.components(separatedBy: "<").first
    }

    @Test func plantUsersSignInAndSeeTheirPlantFromTheLocalStore() async throws {
        try await withPages { browser, store, token, _ in
            #expect(try await browser.get("/dashboards").status == 303)
            #expect(try await browser.signIn("gpu_wrong").status == 401)
            let signedIn = try await browser.signIn(token)
            #expect(signedIn.status == 303 && signedIn.header("Set-Cookie")?.contains("HttpOnly; SameSite=Strict") == true)
            let id = try #require(browser.cookie)
            #expect(try await store.dashboardSession(idHash: PlantUsers.hash(id))?.principal == "pm")

            // The current shift by default: at 14:00 the late one has just begun, with nothing in it yet.
            let current = try await browser.get("/dashboards")
            #expect(current.status == 200, "\(current.text)")
            #expect(current.text.contains("Window <strong>2027-01-15 late</strong>") && Self.tile(current.text, "availability") == "n/a")
            let plant = try await browser.get("/dashboards?window=shift&at=2027-01-15T10:00:00.000000Z")
            #expect(plant.text.contains("Window <strong>2027-01-15 early</strong>"))
            #expect(Self.tile(plant.text, "availability") == "75.0 %" && Self.tile(plant.text, "quality-ratio") == "90.0 %")
            #expect(Self.tile(plant.text, "effectiveness") == "n/a" && Self.tile(plant.text, "oee") == "n/a")
            #expect(plant.text.contains("<th scope=\"row\">MATERIAL</th><td class=\"num\">1.5 h</td>"))
            #expect(plant.text.range(of: "MATERIAL</th>")!.lowerBound < plant.text.range(of: "JAM</th>")!.lowerBound)
            #expect(plant.text.contains("<a href=\"/dashboards/lines/L1/machines/press?window=shift&amp;at=2027-01-15T06:00:00.000000Z\">L1/press</a>"))

            let machine = try await browser.get("/dashboards/lines/L1/machines/press?window=day&at=2027-01-15")
            #expect(Self.tile(machine.text, "availability") == "75.0 %")
            #expect(machine.text.contains("<tr><td>L1/press</td><td>2027-01-15 11:00</td><td>2027-01-15 12:30</td><td class=\"num\">1 h 30 min</td><td>MATERIAL</td><td>yes</td></tr>"))
            #expect(try await browser.get("/dashboards?window=fortnight").status == 400)
        }
    }

    /// With the press rated 57.6 s a unit (a `machine-rate` master pulled from the hub), the early shift's 300 units
    /// are 300 × 57.6 = 17 280 s of planned run time over 6 h (21 600 s) running: E = 80.0 %, and OEE = 75 % × 80 % ×
    /// 90 % = 54.0 %.
    @Test func aGovernedMachineRateGivesEffectivenessAndOEE() async throws {
        try await withPages { browser, store, token, _ in
            let rate = MasterRecord(
                kind: .machineRate, company: "ACME", key: "ACME-BER.L1.press", active: true, plants: [],
                data: try JSONValue.parse(#"{"secondsPerUnit":"57.6"}"#), version: 1, updatedAt: Self.at(7), updatedBy: "tests")
            try await store.applyMasters(
                MasterChanges(plant: "ACME-BER", since: 0, through: 1, records: [rate], removed: [], more: false), at: Self.at(7))
            try await browser.signIn(token)
            let plant = try await browser.get("/dashboards?window=shift&at=2027-01-15T10:00:00.000000Z")
            #expect(Self.tile(plant.text, "availability") == "75.0 %" && Self.tile(plant.text, "quality-ratio") == "90.0 %")
            #expect(Self.tile(plant.text, "effectiveness") == "80.0 %" && Self.tile(plant.text, "oee") == "54.0 %", "\(plant.text)")
        }
    }

    /// The planner's page over the early shift: no open work order; no owed line; the press's 300 produced with 30
    /// scrap is 10.0 %, and its two stops (JAM 0.5 h, MATERIAL 1.5 h, failures as no reason is classified) make
    /// an MTTR of 2 h / 2 = 1.0 h.
    @Test func thePlannersPageShowsReadinessAndThePlantsFiguresFromTheLocalStore() async throws {
        try await withPages { browser, _, token, _ in
            try await browser.signIn(token)
            let page = try await browser.get("/dashboards/planner?window=shift&at=2027-01-15T10:00:00.000000Z")
            #expect(page.status == 200, "\(page.text)")
            #expect(page.text.contains("<table id=\"readiness\">") && page.text.contains("No planned or released work order."))
            let plantManager = page.text.components(separatedBy: "<table id=\"plant-manager\">").dropFirst().first?
                .components(separatedBy: "<th scope=\"row\">ACME-BER</th>").dropFirst().first?.components(separatedBy: "</tr>").first
            #expect(plantManager?.hasSuffix("<td class=\"num\">10.0 %</td><td class=\"num\">1.0 h</td>") == true, "\(plantManager ?? page.text)")
            let buyer = page.text.components(separatedBy: "<table id=\"buyer\">").dropFirst().first?
                .components(separatedBy: "<th scope=\"row\">ACME-BER</th>").dropFirst().first?.components(separatedBy: "</tr>").first
            #expect(buyer == "<td class=\"num\">0</td><td class=\"num\">n/a<br><small>nothing to measure</small></td><td class=\"num\">0</td>")
            #expect(page.text.contains("<a href=\"/dashboards/planner\">Planner</a>"))
        }
    }

    @Test func signOutNeedsTheCSRFTokenAndARemovedUserIsSignedOut() async throws {
        try await withPages { browser, store, token, dir in
            try await browser.signIn(token)
            let page = try await browser.get("/dashboards")
            let csrf = try #require(browser.csrf(on: page))
            #expect(try await browser.post("/dashboards/sign-out", form: ["csrf": "forged"]).status == 403)
            #expect(try await browser.post("/dashboards/sign-out", form: ["csrf": csrf]).status == 303)
            #expect(try await browser.get("/dashboards").status == 303)

            try await browser.signIn(token)
            #expect(try await browser.get("/dashboards").status == 200)
            try "".write(toFile: "\(dir)/users", atomically: true, encoding: .utf8)
            #expect(try await browser.get("/dashboards").status == 303)
            #expect(try await store.dashboardSession(idHash: PlantUsers.hash(browser.cookie ?? "")) == nil)
        }
    }

    @Test func manyFailedSignInsAreRefusedForAMinuteAsAtTheHub() async throws {
        try await withPages { browser, _, token, _ in
            for _ in 0..<30 { #expect(try await browser.signIn("gpu_guess").status == 401) }
            // The 31st try, even with a good token, waits: the agent's clock stands still, so a whole minute.
            let refused = try await browser.signIn(token)
            #expect(refused.status == 429 && refused.header("Retry-After") == "60" && browser.cookie == nil)
            #expect(try await browser.get("/dashboards").status == 303)
        }
    }
}
