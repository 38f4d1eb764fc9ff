import Foundation
import GantryCore
@testable import GantryHub
import GantryTestSupport
import GRDB
import Testing

/// The sums the group consolidation reads, kept on apply (`LedgerConsolidationSums`, migration 12): after the group
/// scenario sent twice they are what its journal lines sum to, each entry counted once, and migration 12 builds the
/// same from the lines of a ledger posted before it; each elimination's sources drill down to its entries.
@Suite struct ConsolidationSumsTests {
    typealias Scenario = ConsolidationScenarioTests

    static let intercompany = """
        SELECT company || '|' || period || '|' || partner || '|' || kind || '|' || account || '|' || item || '|' || amount || '|'
               || quantity || '|' || quantity_lines || '|' || entries FROM ledger_intercompany
        """
    static let entries = """
        SELECT company || '|' || partner || '|' || kind || '|' || account || '|' || item || '|' || period || '|' || source_key || '|'
               || posting_date FROM ledger_intercompany_entries
        """
    static let first = "SELECT company || '|' || account || '|' || posting_date FROM ledger_first_postings"
    static let stock = "SELECT company || '|' || account || '|' || item || '|' || posting_date || '|' || quantity FROM ledger_stock"

    static func rows(_ sql: String, _ backend: HubBackend, _ store: any HubStore) throws -> [String] {
        switch backend {
        case .sqlite:
            return try DatabaseQueue(path: (store as! SQLiteHubStore).pool.path).read { try String.fetchAll($0, sql: sql) }.sorted()
        case .postgres:
            return try PostgresServer.shared.psql((store as! PostgresHubStore).url.database, sql).split(separator: "\n").map(String.init).sorted()
        }
    }

    static func kept(_ backend: HubBackend, _ store: any HubStore) throws -> [[String]] {
        try [intercompany, entries, first, stock].map { try rows($0, backend, store) }
    }

    /// By hand, from the scenario (quantities in millionths; PAR in EUR cents, SUB in PLN grosze). The dispatch of 10
    /// WIDGET on 2026-03-10 posts PAR's cost of sales (Dr 5100 90.00 / Cr 1400 90.00 and −10 WIDGET) and sale (Dr 1200
    /// 150.00 / Cr 4100 150.00, the revenue line taking the 10 shipped), and SUB's purchase (Dr 1500 600.00 PLN and 10
    /// WIDGET / Cr 2200), every line naming the other company; one entry each, however often the events were sent.
    static let intercompanyByHand = [
        "PAR|2026-03|SUB|intercompany-cost-of-sales|1400|WIDGET|-9000|-10000000|1|1",
        "PAR|2026-03|SUB|intercompany-cost-of-sales|5100|WIDGET|9000|0|0|1",
        "PAR|2026-03|SUB|intercompany-sale|1200||15000|0|0|1",
        "PAR|2026-03|SUB|intercompany-sale|4100|WIDGET|-15000|10000000|1|1",
        "SUB|2026-03|PAR|intercompany-purchase|1500|WIDGET|60000|10000000|1|1",
        "SUB|2026-03|PAR|intercompany-purchase|2200||-60000|0|0|1",
    ]
    /// SUB's WIDGET: 10 into transit at the dispatch, 6 of them received on 2026-03-12, 1 scrapped on 2026-03-20.
    static let subsidiaryStockByHand = [
        "SUB|1400|WIDGET|2026-03-12|6000000", "SUB|1400|WIDGET|2026-03-20|-1000000",
        "SUB|1500|WIDGET|2026-03-10|10000000", "SUB|1500|WIDGET|2026-03-12|-6000000",
    ]

    @Test(arguments: HubBackend.allCases) func theKeptSumsAreTheLinesSumsOnceAndMigrationTwelveBuildsTheSame(backend: HubBackend) async throws {
        try await backend.withStore { store in
            try await Scenario.setUp(store)
            try await Scenario.send(store, "PAR-BER", Scenario.parentEvents, batchSize: 7)
            try await Scenario.send(store, "SUB-WAW", Scenario.subsidiaryEvents, batchSize: 2)
            let once = try Self.kept(backend, store)
            try await Scenario.send(store, "PAR-BER", Scenario.parentEvents, batchSize: 2)
            try await Scenario.send(store, "SUB-WAW", Scenario.subsidiaryEvents, batchSize: 1)
            let kept = try Self.kept(backend, store)
            #expect(kept == once, "resent, nothing is counted twice")

            #expect(kept[0] == Self.intercompanyByHand.sorted())
            let dispatch = Scenario.parentEvents[6].id.uuidString
            #expect(kept[1].count == 6 && kept[1].allSatisfy { $0.contains("|event:\(dispatch):") && $0.hasSuffix("|2026-03-10") })
            #expect(kept[2].contains("PAR|1400|2026-03-03") && kept[2].contains("PAR|1200|2026-03-10") && kept[2].contains("SUB|2200|2026-03-10"))
            #expect(kept[3].filter { $0.hasPrefix("SUB|") && $0.contains("|WIDGET|") } == Self.subsidiaryStockByHand)

            // A ledger posted before migration 12: its sums are gone and the migration runs again at open.
            try backend.executeDirectly("""
                DROP TABLE ledger_intercompany; DROP TABLE ledger_intercompany_entries; DROP TABLE ledger_first_postings;
                DROP TABLE ledger_stock;
                \(backend == .sqlite ? "DELETE FROM grdb_migrations WHERE identifier = '12-consolidation-sums'" : "DELETE FROM gantry_schema WHERE version >= 12");
                """, on: store)
            try await backend.reopen(store)
            #expect(try Self.kept(backend, store) == kept, "migration 12 sums the journal lines as apply kept them")
            Scenario.expectScenario(try await store.groupConsolidation(group: "GRP", from: Scenario.march, to: Scenario.march, scope: .all))
        }
    }

    @Test(arguments: HubBackend.allCases) func eachEliminationsSourcesDrillDownToItsEntries(backend: HubBackend) async throws {
        try await backend.withStore { store in
            try await Scenario.setUp(store)
            try await Scenario.send(store, "PAR-BER", Scenario.parentEvents, batchSize: 7)
            try await Scenario.send(store, "SUB-WAW", Scenario.subsidiaryEvents, batchSize: 2)
            let group = try await store.groupConsolidation(group: "GRP", from: Scenario.march, to: Scenario.march, scope: .all)
            let dispatch = Scenario.parentEvents[6].id.uuidString
            func entries(_ source: String) async throws -> ConsolidationSources {
                try await store.consolidationSources(
                    group: "GRP", from: Scenario.march, to: Scenario.march, source: source, offset: 0, limit: 100, scope: .all)
            }
            // (a) PAR's receivable against SUB's payable: PAR's sale (part 1 of the dispatch) and SUB's purchase.
            #expect(group.eliminations[0].sources == ["PAR/SUB/1200", "SUB/PAR/2200"])
            let receivable = try await entries("PAR/SUB/1200"), payable = try await entries("SUB/PAR/2200")
            #expect(receivable.entries.map(\.sourceKey) == ["event:\(dispatch):1"] && receivable.total == 1)
            #expect(receivable.entries[0].lines.contains { $0.account == "1200" && $0.tradingPartner == "SUB" && $0.functionalAmount == 15_000 })
            #expect(payable.company == "SUB" && payable.tradingPartner == "PAR" && payable.item == nil && payable.total == 1)
            #expect(payable.entries.map(\.kind) == ["intercompany-purchase"] && payable.entries[0].sourceKey.contains(dispatch))
            // (b) and (c): the sale's revenue and the cost of sales of the same dispatch, entries 1 and 0.
            for elimination in group.eliminations[1...] {
                #expect(elimination.sources == ["PAR/SUB/4100/WIDGET", "PAR/SUB/5100/WIDGET"])
            }
            #expect(try await entries("PAR/SUB/4100/WIDGET").entries.map(\.sourceKey) == ["event:\(dispatch):1"])
            let cost = try await entries("PAR/SUB/5100/WIDGET")
            #expect(cost.entries.map(\.sourceKey) == ["event:\(dispatch):0"] && cost.item == "WIDGET" && cost.next == nil)
            // Paged: one entry, so a second page is empty; the inventory line of the cost of sales eliminates nothing.
            let second = try await store.consolidationSources(
                group: "GRP", from: Scenario.march, to: Scenario.march, source: "PAR/SUB/5100/WIDGET", offset: 1, limit: 1, scope: .all)
            #expect(second.entries.isEmpty && second.next == nil && second.total == 1)
            #expect(try await entries("PAR/SUB/1400/WIDGET").entries.isEmpty)

            let malformed = await #expect(throws: ProblemDetails.self) { try await entries("PAR/SUB") }
            #expect(malformed?.status == 400 && malformed?.field == "source")
            let outsider = await #expect(throws: ProblemDetails.self) { try await entries("ELSE/SUB/1200") }
            #expect(outsider?.status == 404)
            let unseen = await #expect(throws: ProblemDetails.self) {
                try await store.consolidationSources(
                    group: "GRP", from: Scenario.march, to: Scenario.march, source: "PAR/SUB/1200", offset: 0, limit: 10, scope: .only(["PAR"]))
            }
            #expect(unseen?.status == 404)
        }
    }
}
