import Foundation
import GantryCore
@testable import GantryHub
import Testing

extension HubAccessTests {
    /// Group LGRP of the ledger's company LEDG alone (EUR into EUR: no rates needed).
    static func seedGroup(_ hub: HubFixture) async throws {
        let changes = try MasterChangeSet.read(Data("""
            {"records":[{"kind":"group","key":"LGRP","data":{"name":"Ledger group","presentationCurrency":"EUR","parent":"LEDG","members":[{"company":"LEDG"}]}}]}
            """.utf8))
        _ = try await MasterService(store: hub.store).commit(changes.records, by: .local(), summary: "group")
    }

    func groupSamples(for role: Role) -> [Sample] {
        let period = "P-\(role.rawValue)"
        return [
            Sample(endpoint: .groupConsolidation, method: "GET", path: "/v1/groups/LGRP/consolidation?from=\(period)&to=\(period)"),
            Sample(endpoint: .groupConsolidationCSV, method: "GET", path: "/v1/groups/LGRP/consolidation.csv?from=\(period)&to=\(period)"),
            Sample(endpoint: .groupConsolidationSources, method: "GET",
                   path: "/v1/groups/LGRP/consolidation/sources?from=\(period)&to=\(period)&source=LEDG/LEDG/1200"),
        ]
    }
}

/// The group consolidation route: only for a principal who sees every member, bad input a problem.
@Suite struct GroupScenarioHTTPTests {
    @Test func theConsolidationIsForWhoSeesEveryMemberAndBadInputIsAProblem() async throws {
        try await withHub { hub in
            try await HubAccessTests.seed(hub)
            try await HubAccessTests.seedLedger(hub)
            try await HubAccessTests.seedGroup(hub)
            let all = try await hub.administration.addPrincipal(name: "ctl-all", role: .controller)
            let acme = try await hub.administration.addPrincipal(name: "ctl-acme", role: .controller, companies: .only(["ACME"]))
            let path = "/v1/groups/LGRP/consolidation?from=P-controller&to=P-controller"
            let answer = try await HTTP.request("GET", hub.url + path, token: all)
            #expect(answer.status == 200, "\(answer.text)")
            let group = try JSONDecoder().decode(GroupConsolidation.self, from: Data(answer.text.utf8))
            #expect(group.group == "LGRP" && group.members.map(\.company) == ["LEDG"] && group.presentationCurrency == "EUR")
            let csv = try await HTTP.request("GET", hub.url + "/v1/groups/LGRP/consolidation.csv?from=P-controller&to=P-controller", token: all)
            #expect(csv.status == 200 && csv.text.hasPrefix("account,type,LEDG,eliminations,group"), "\(csv.text)")
            let sources = "/v1/groups/LGRP/consolidation/sources?from=P-controller&to=P-controller"
            let drill = try await HTTP.request("GET", hub.url + sources + "&source=LEDG/ACME/1200&limit=5", token: all)
            #expect(drill.status == 200, "\(drill.text)")
            let page = try JSONDecoder().decode(ConsolidationSources.self, from: Data(drill.text.utf8))
            #expect(page.company == "LEDG" && page.tradingPartner == "ACME" && page.account == "1200" && page.entries.isEmpty && page.total == 0)
            for (token, path, status) in [
                (acme, path, 404), (all, "/v1/groups/NOPE/consolidation?from=P-controller&to=P-controller", 404),
                (all, "/v1/groups/LGRP/consolidation?from=P-controller", 400), (all, "/v1/groups/LGRP/consolidation?from=x!&to=P-controller", 400),
                (all, "/v1/groups/LGRP/consolidation?from=2030-01&to=2030-01", 422),
                (acme, sources + "&source=LEDG/ACME/1200", 404), (all, sources, 400), (all, sources + "&source=LEDG/1200", 400),
                (all, sources + "&source=ACME/LEDG/1200", 404), (all, sources + "&source=LEDG/ACME/1200&limit=0", 400),
            ] {
                let refused = try await HTTP.request("GET", hub.url + path, token: token)
                #expect(refused.status == status, "\(path): \(refused.status) \(refused.text)")
                #expect(refused.contentType == "application/problem+json", "\(path)")
            }
        }
    }
}
