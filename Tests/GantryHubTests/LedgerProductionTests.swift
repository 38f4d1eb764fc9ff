import Foundation
import GantryCore
@testable import GantryHub
import GantryTestSupport
import Testing

/// A work order's costs at the hub, on both backends: material issued into WIP at standard, output out of it at
/// standard, and at completion the conversion absorbed from the plant's routing and the work centre's rate, the
/// material usage variance from the plant's bill of materials, and what remains as the production variance.
@Suite struct LedgerProductionTests {
    let ledger = LedgerContractTests()

    func books(_ store: any HubStore) async throws {
        var records = [
            #"{"kind":"company","key":"ACME","data":{"legalName":"Acme GmbH","currency":"EUR"}}"#,
            #"{"kind":"item","key":"COMP","data":{"description":"Component","uom":"EA","tracking":"none"}}"#,
            #"{"kind":"item","key":"FG","data":{"description":"Finished good","uom":"EA","tracking":"none"}}"#,
            #"{"kind":"item-cost","company":"ACME","key":"COMP","data":{"standardCost":{"amount":"2.00","currency":"EUR"}}}"#,
            #"{"kind":"item-cost","company":"ACME","key":"FG","data":{"standardCost":{"amount":"10.00","currency":"EUR"}}}"#,
            #"{"kind":"work-centre-rate","company":"ACME","key":"ACME-BER.WC1","data":{"labourPerHour":{"amount":"50.00","currency":"EUR"}}}"#,
            #"{"kind":"fiscal-period","company":"ACME","key":"2026-01","data":{"start":"2026-01-01","end":"2026-01-31","fiscalYear":"FY2026"}}"#,
        ]
        for (code, name, type) in [("1400", "Raw materials", "asset"), ("1410", "Work in progress", "asset"),
                                   ("1420", "Finished goods", "asset"), ("5210", "Material usage variance", "expense"),
                                   ("5220", "Production variance", "expense"), ("5900", "Conversion absorbed", "expense")] {
            records.append(#"{"kind":"account","company":"ACME","key":"\#(code)","data":{"name":"\#(name)","type":"\#(type)"}}"#)
        }
        for (kind, debit, credit) in [("issue-to-production", "1410", "1400"), ("production-output", "1420", "1410"),
                                      ("material-usage-variance", "5210", "1410"), ("production-variance", "5220", "1410"),
                                      ("conversion-absorption", "1410", "5900")] {
            records.append(#"{"kind":"account-mapping","company":"ACME","key":"\#(kind)","data":{"debit":"\#(debit)","credit":"\#(credit)"}}"#)
        }
        try await ledger.commit(store, records)
    }

    func move(_ sequence: Int64, _ kind: MoveKind, _ item: String, _ quantity: Int64) -> EventEnvelope {
        ledger.event(sequence, "2026-01-20T1\(sequence):00:00Z", StockMoved(
            moveId: UUID(), kind: kind, item: item, lot: nil, serial: nil, expiry: nil, quantity: Quantity(quantity), uom: "EA",
            from: kind == .issue ? "STOR" : nil, to: kind == .output ? "FGS" : nil, reference: MoveReference(kind: .workOrder, id: "WO-1"),
            scan: nil, reason: nil))
    }

    @Test(arguments: HubBackend.allCases) func aWorkOrderClosesItsWIPToZeroThroughAbsorptionAndVariances(backend: HubBackend) async throws {
        try await backend.withStore { store in
            try await ledger.enrol(store)
            try await books(store)
            let at = Timestamp.parse("2026-01-20T18:00:00Z")!
            let events = [
                ledger.event(1, "2026-01-19T08:00:00Z", BOMDefined(item: "FG", lines: [BOMDefined.Line(component: "COMP", quantity: Quantity(1))])),
                ledger.event(2, "2026-01-19T08:00:00Z", RoutingDefined(item: "FG", operations: [
                    RoutingOperation(sequence: 10, workCentre: "WC1", setupMinutes: Quantity(30), runMinutesPerUnit: Quantity(6)),
                ])),
                move(3, .issue, "COMP", 10), move(4, .output, "FG", 8),
                ledger.event(5, "2026-01-20T16:00:00Z", WorkOrderCompleted(
                    workOrder: "WO-1", item: "FG", plannedQuantity: Quantity(8), good: Quantity(8), scrap: .zero, rework: .zero,
                    plannedStart: at, plannedFinish: at, actualStart: at, actualFinish: at)),
            ]
            // Sent in two batches: the definitions are read back from the ledger's own table at completion.
            _ = try await store.applyBatch(SyncBatch(plant: "ACME-BER", agentHead: 5, events: Array(events[0..<4])), receivedAt: at)
            _ = try await store.applyBatch(SyncBatch(plant: "ACME-BER", agentHead: 5, events: events), receivedAt: at)
            #expect(try await store.heldPostings(company: "ACME", scope: .all).isEmpty)
            let kinds = try await ledger.entries(store).map(\.kind)
            #expect(kinds.sorted() == ["conversion-absorption", "issue-to-production", "material-usage-variance", "production-output",
                                       "production-variance"])
            // Issue 10 × 2.00 = 20.00 into WIP; output 8 × 10.00 = 80.00 out of it; absorbed (30 + 6 × 8) min / 60 × 50.00
            // = 65.00 into it; usage (10 − 1 × 8) × 2.00 = 4.00 out of it; what remains, 20 + 65 − 80 − 4 = 1.00, is the
            // production variance, and WIP ends at 0.
            let trial = try await store.trialBalance(company: "ACME", from: "2026-01", to: "2026-01")
            let balances = Dictionary(uniqueKeysWithValues: trial.lines.map { ($0.account, $0.balance) })
            #expect(balances == ["1400": -2_000, "1410": 0, "1420": 8_000, "5210": 400, "5220": 100, "5900": -6_500])
            #expect(trial.totalDebit == trial.totalCredit)
        }
    }
}
