import Foundation
import GantryCore
@testable import GantryHub
import Testing

extension HubAccessTests {
    /// Company LEDG, without plants, with a fiscal period per role: each role permitted to close one may.
    static func seedLedger(_ hub: HubFixture) async throws {
        let periods = Role.allCases.map {
            #"{"kind":"fiscal-period","company":"LEDG","key":"P-\#($0.rawValue)","data":{"start":"2026-01-01","end":"2026-01-31","fiscalYear":"FY2026"}}"#
        }
        let changes = try MasterChangeSet.read(Data("""
            {"records":[{"kind":"company","key":"LEDG","data":{"legalName":"Ledger AG","currency":"EUR"}},\(periods.joined(separator: ","))]}
            """.utf8))
        _ = try await MasterService(store: hub.store).commit(changes.records, by: .local(), summary: "ledger")
    }

    func ledgerSamples(for role: Role) -> [Sample] {
        let period = "P-\(role.rawValue)"
        return [
            Sample(endpoint: .ledgerEntries, method: "GET", path: "/v1/ledger/entries?company=ACME&from=2026-01-01&to=2026-01-31"),
            Sample(endpoint: .ledgerEntriesCSV, method: "GET", path: "/v1/ledger/entries.csv?company=ACME&account=1400"),
            Sample(endpoint: .trialBalance, method: "GET", path: "/v1/ledger/trial-balance?company=LEDG&from=\(period)&to=\(period)"),
            Sample(endpoint: .trialBalanceCSV, method: "GET", path: "/v1/ledger/trial-balance.csv?company=LEDG&from=\(period)&to=\(period)"),
            Sample(endpoint: .heldPostings, method: "GET", path: "/v1/ledger/held"),
            Sample(endpoint: .heldRetry, method: "POST", path: "/v1/ledger/held/retry?company=ACME"),
            Sample(endpoint: .periodList, method: "GET", path: "/v1/ledger/periods?company=LEDG"),
            Sample(endpoint: .periodClose, method: "POST", path: "/v1/ledger/periods/LEDG/\(period)/close"),
        ]
    }
}

/// The ledger's routes keep to the principal's companies and answer bad input with a problem.
@Suite struct HubLedgerAccessTests {
    @Test func aPrincipalSeesOnlyItsCompaniesLedgersAndBadInputIsAProblem() async throws {
        try await withHub { hub in
            try await HubAccessTests.seed(hub)
            try await HubAccessTests.seedLedger(hub)
            let controller = try await hub.administration.addPrincipal(name: "ctl", role: .controller, companies: .only(["ACME"]))
            for path in [
                "/v1/ledger/trial-balance?company=LEDG&from=P-controller&to=P-controller", "/v1/ledger/entries?company=OTHER",
                "/v1/ledger/entries.csv?company=OTHER", "/v1/ledger/held?company=OTHER", "/v1/ledger/periods?company=LEDG",
            ] {
                let answer = try await HTTP.request("GET", hub.url + path, token: controller)
                #expect(answer.status == 404, "\(path): \(answer.status) \(answer.text)")
                #expect(answer.contentType == "application/problem+json")
            }
            let close = try await HTTP.request("POST", "\(hub.url)/v1/ledger/periods/LEDG/P-controller/close", token: controller)
            #expect(close.status == 404, "\(close.text)")
            let retry = try await HTTP.request("POST", "\(hub.url)/v1/ledger/held/retry?company=OTHER", token: controller)
            #expect(retry.status == 404, "\(retry.text)")
            #expect(try await hub.store.fiscalPeriods(company: "LEDG").allSatisfy { !$0.closed }, "nothing closed by the refused call")
            for (path, status) in [
                ("/v1/ledger/entries?company=ACME&from=2026-13-99", 400), ("/v1/ledger/entries", 400),
                ("/v1/ledger/entries?company=ACME&limit=0", 400), ("/v1/ledger/trial-balance?company=ACME", 400),
                ("/v1/ledger/trial-balance?company=ACME&from=2026-01&to=2026-01", 422), ("/v1/ledger/periods?company=acme!", 400),
            ] {
                let answer = try await HTTP.request("GET", hub.url + path, token: controller)
                #expect(answer.status == status, "\(path): \(answer.status) \(answer.text)")
                #expect(answer.contentType == "application/problem+json", "\(path)")
            }
            let unknown = try await HTTP.request("POST", "\(hub.url)/v1/ledger/periods/ACME/NOPE/close", token: controller)
            #expect(unknown.status == 404, "\(unknown.text)")
        }
    }

    @Test func aPostedReceiptIsInTheJournalCSVAndTheTrialBalanceOfItsCompany() async throws {
        try await withHub { hub in
            try await HubAccessTests.seed(hub)
            let books = try MasterChangeSet.read(Data("""
                {"records":[
                  {"kind":"account","company":"ACME","key":"2100","data":{"name":"GRNI","type":"liability"}},
                  {"kind":"account-mapping","company":"ACME","key":"receipt","data":{"debit":"1400","credit":"2100"}},
                  {"kind":"item-cost","company":"ACME","key":"BOLT","data":{"standardCost":{"amount":"1.25","currency":"EUR"}}},
                  {"kind":"fiscal-period","company":"ACME","key":"2026-01","data":{"start":"2026-01-01","end":"2026-01-31","fiscalYear":"FY2026"}}
                ]}
                """.utf8))
            _ = try await MasterService(store: hub.store).commit(books.records, by: .local(), summary: "books")
            _ = try await hub.enrol("BER")
            let at = Timestamp.parse("2026-01-20T10:00:00Z")!
            let placed = PurchaseOrderPlaced(order: "PO-1", supplier: "S1", lines: [
                PurchaseOrderLine(line: 1, item: "BOLT", quantity: Quantity(10), tolerancePercent: .zero, due: "2026-01-31", price: "1.25",
                                  currency: "EUR"),
            ])
            let received = StockMoved(
                moveId: UUID(), kind: .receipt, item: "BOLT", lot: "L1", serial: nil, expiry: nil, quantity: Quantity(3), uom: "EA",
                from: nil, to: "RECV", reference: MoveReference(kind: .purchaseOrderLine, id: "PO-1/1"), scan: nil, reason: nil)
            let events = try [placed as any PlantEvent, received].enumerated().map { index, event in
                EventEnvelope(
                    sequence: Int64(index + 1), id: UUID(), type: type(of: event).eventType, schemaVersion: 1, occurredAt: at, recordedAt: at,
                    payload: try JSONValue.parse(try event.payloadJSON()))
            }
            _ = try await hub.store.applyBatch(SyncBatch(plant: "ACME-BER", agentHead: 2, events: events), receivedAt: at)
            let auditor = try await hub.administration.addPrincipal(name: "aud", role: .auditor, companies: .only(["ACME"]))
            // 3 × 1.25 EUR = 3.75 EUR at the PO price and at the standard cost: no price variance.
            let csv = try await HTTP.request("GET", "\(hub.url)/v1/ledger/entries.csv?company=ACME", token: auditor)
            #expect(csv.status == 200)
            #expect(csv.text.contains(",1,1400,3.75,EUR,3.75,EUR,BOLT,3,"), "\(csv.text)")
            #expect(csv.text.contains(",2,2100,-3.75,EUR,-3.75,EUR,"), "\(csv.text)")
            let trial = try await HTTP.request("GET", "\(hub.url)/v1/ledger/trial-balance.csv?company=ACME&from=2026-01&to=2026-01", token: auditor)
            #expect(trial.text.contains("2100,GRNI,liability,0.00,3.75,-3.75"), "\(trial.text)")
            let other = try await hub.administration.addPrincipal(name: "oth", role: .auditor, companies: .only(["OTHER"]))
            #expect(try await HTTP.request("GET", "\(hub.url)/v1/ledger/entries?company=ACME", token: other).status == 404)
        }
    }
}
