import Foundation
import GantryCore
@testable import GantryHub
import GantryTestSupport
import Testing

/// The KPI routes over real loopback HTTP: figures from the rollups, the drill-down, scopes and refusals.
@Suite struct KPIHTTPTests {
    typealias Web = HubShippingHTTPTests
    typealias Fixture = KPIRollupContractTests

    static let window = "from=2027-01-15T08:00:00Z&to=2027-01-15T10:00:00Z"

    @Test func theRoutesAnswerFromTheRollupsWithinThePrincipalsCompanies() async throws {
        try await Web.withHub(now: Fixture.hour(2)) { hub in
            _ = try await Fixture().apply(hub.store, try KPIQueryContractTests.events())
            let machines = try await hub.call("GET", "/v1/kpis?\(Self.window)&plant=ACME-BER&level=machine", as: "admin")
            #expect(machines.status == 200, "\(machines.text)")
            let body = try WireFormat.decoder().decode(KPIReportBody.self, from: Data(machines.text.utf8))
            // press 5400 s running of 7200 planned busy; saw 1800 of 1800 (see KPIQueryContractTests).
            #expect(body.level == .machine && body.nodes.map(\.machine) == ["press", "saw"])
            #expect(body.nodes.map(\.elements.availability) == [0.75, 1.0])
            let plant = try await hub.call("GET", "/v1/kpis?\(Self.window)", as: "acme-planner")
            let plantBody = try WireFormat.decoder().decode(KPIReportBody.self, from: Data(plant.text.utf8))
            #expect(plantBody.nodes.map(\.plant) == ["ACME-BER"] && plantBody.nodes.first?.elements.availability == 0.8)

            let csv = try await hub.call("GET", "/v1/kpis.csv?\(Self.window)&level=line", as: "admin")
            #expect(csv.status == 200 && csv.text.hasPrefix("company,plant,line,machine,planned_busy_s"))
            #expect(csv.text.contains("ACME,ACME-BER,L1,,9000.0,7200.0"))

            let down = try await hub.call("GET", "/v1/kpis/downtime?plant=ACME-BER&line=L1&machine=press&\(Self.window)", as: "admin")
            let downBody = try WireFormat.decoder().decode(KPIDowntimeBody.self, from: Data(down.text.utf8))
            #expect(downBody.intervals.map(\.reason) == ["JAM"] && downBody.intervals.map(\.seconds) == [1800] && !downBody.truncated)

            // Another company's principal: ACME's plant is refused, and the unfiltered query holds nothing of ACME.
            #expect(try await hub.call("GET", "/v1/kpis?\(Self.window)&plant=ACME-BER", as: "gamma").status == 403)
            let gamma = try await hub.call("GET", "/v1/kpis?\(Self.window)&level=machine", as: "gamma")
            #expect(try WireFormat.decoder().decode(KPIReportBody.self, from: Data(gamma.text.utf8)).nodes.isEmpty)
            #expect(try await hub.call("GET", "/v1/kpis/downtime?plant=ACME-BER&line=L1&machine=press&\(Self.window)", as: "gamma")
                .status == 403)
        }
    }

    /// The operations batch of `OperationsRollupContractTests`: 2 work orders (1 on time and in full), 4 count lines
    /// (3 exact), 1 corrective request; lines 1 (due the 14th) and 2 (confirmed) owed at 10:00 UTC on the 15th.
    @Test func operationsKPIsAnswerPerPlantAndGroupWithinThePrincipalsCompanies() async throws {
        try await Web.withHub(now: Fixture.hour(2)) { hub in
            _ = try await Fixture().apply(hub.store, try OperationsRollupContractTests.batch())
            let plants = try await hub.call("GET", "/v1/kpis/operations?\(Self.window)", as: "acme-planner")
            #expect(plants.status == 200, "\(plants.text)")
            let body = try WireFormat.decoder().decode(OperationsReportBody.self, from: Data(plants.text.utf8))
            #expect(body.level == .plant && body.nodes.map(\.plant) == ["ACME-BER"])
            let elements = try #require(body.nodes.first?.elements)
            #expect(elements.scheduleAdherence == 0.5 && elements.orderCompletionReliability == 0.5)
            #expect(elements.cycleCountAccuracy == 0.75 && elements.maintenanceInterruptions == 1)
            #expect(elements.purchaseLinesOpen == 2 && elements.purchaseLinesConfirmed == 1 && elements.purchaseLinesOverdue == 1)
            let group = try await hub.call("GET", "/v1/kpis/operations?\(Self.window)&level=group", as: "admin")
            let groupBody = try WireFormat.decoder().decode(OperationsReportBody.self, from: Data(group.text.utf8))
            #expect(groupBody.nodes.count == 1 && groupBody.nodes.first?.company == nil)
            #expect(groupBody.nodes.first?.elements.workOrdersCompleted == 2)
            #expect(try await hub.call("GET", "/v1/kpis/operations?\(Self.window)&plant=ACME-BER", as: "gamma").status == 403)
            let gamma = try await hub.call("GET", "/v1/kpis/operations?\(Self.window)", as: "gamma")
            let gammaBody = try WireFormat.decoder().decode(OperationsReportBody.self, from: Data(gamma.text.utf8))
            #expect(!gammaBody.nodes.contains { $0.plant == "ACME-BER" })
            let odd = try await hub.call("GET", "/v1/kpis/operations?\(Self.window)&level=machine", as: "admin")
            #expect(odd.status == 400 && odd["field"] == .string("level"))
        }
    }

    @Test(arguments: [
        ("/v1/kpis?from=2027-01-15T08:30:00Z&to=2027-01-15T10:00:00Z", "from"),
        ("/v1/kpis?from=2027-01-15T08:00:00Z&to=2027-01-15T09:00:01Z", "to"),
        ("/v1/kpis?from=2027-01-15T08:00:00Z", "to"),
        ("/v1/kpis?\(window)&level=site", "level"),
        ("/v1/kpis?\(window)&plant=nonsense", "plant"),
        ("/v1/kpis?\(window)&line=a%20b", "line"),
        ("/v1/kpis/downtime?plant=ACME-BER&machine=press&\(window)", "line"),
        ("/v1/kpis/downtime?plant=ACME-BER&line=L1&machine=press&from=2026-11-01T00:00:00Z&to=2027-01-15T09:00:00Z", "to"),
    ])
    func aBadQueryIsAProblemNamingTheField(path: String, field: String) async throws {
        try await Web.withHub(now: Fixture.hour(2)) { hub in
            let answer = try await hub.call("GET", path, as: "admin")
            #expect(answer.status == 400 && answer.code == "invalid-query", "\(path): \(answer.status) \(answer.text)")
            #expect(answer["field"] == .string(field), "\(path): \(answer.text)")
        }
    }
}
