import Foundation
import GantryCore
@testable import GantryHub
import GantryTestSupport
import Testing

/// Settling a short or damaged intercompany receipt through the hub's HTTP API posts what the settlement decides, once,
/// on both backends (docs/accounting.md, "Settled transfer discrepancies"); figures by hand.
///
/// ACME (EUR, standard 30.00) sends 10 PUMP to BETA (NOK, moving average) at 40.00 EUR, EUR→NOK 11.00 on the day.
/// ACME: IC cost of sales 10 × 30.00 = 300.00 (Dr 5100 / Cr 1400), sale 400.00 (Dr 1200 / Cr 4100). BETA: 400.00 EUR ×
/// 11 = 4,400.00 NOK Dr 1500 / Cr 2200. BETA receives the unit of 7 at the in-transit unit value 440.00: 3,080.00 Dr
/// 1400 / Cr 1500, and records the other 3 short (TR-1/1): 1,320.00 NOK still in transit.
@Suite struct DiscrepancySettlementPostingTests {
    typealias Fixture = HubShippingContractTests
    typealias HTTP = HubShippingHTTPTests

    static let masters = #"""
        {"summary": "books of a transfer", "records": [
          {"kind": "company", "key": "ACME", "data": {"legalName": "Acme GmbH", "currency": "EUR", "valuation": "standard"}},
          {"kind": "company", "key": "BETA", "data": {"legalName": "Beta AS", "currency": "NOK", "valuation": "moving-average"}},
          {"kind": "item", "key": "PUMP", "data": {"description": "Pump", "uom": "EA", "tracking": "lot"}},
          {"kind": "item-cost", "company": "ACME", "key": "PUMP", "data": {"standardCost": {"amount": "30.00", "currency": "EUR"}}},
          {"kind": "intercompany-price", "company": "ACME", "key": "BETA:PUMP",
           "data": {"buyer": "BETA", "item": "PUMP", "price": {"amount": "40.00", "currency": "EUR"}}},
          {"kind": "fiscal-period", "company": "ACME", "key": "2027-01", "data": {"start": "2027-01-01", "end": "2027-01-31", "fiscalYear": "FY2027"}},
          {"kind": "fiscal-period", "company": "BETA", "key": "2027-01", "data": {"start": "2027-01-01", "end": "2027-01-31", "fiscalYear": "FY2027"}},
          {"kind": "exchange-rate", "key": "EUR.NOK.daily.2027-01-15",
           "data": {"from": "EUR", "to": "NOK", "kind": "daily", "on": "2027-01-15", "rate": "11.00", "source": "ECB"}},
          {"kind": "exchange-rate", "key": "EUR.NOK.average.2027-01-01",
           "data": {"from": "EUR", "to": "NOK", "kind": "average", "on": "2027-01-01", "through": "2027-01-31", "rate": "11.00", "source": "ECB"}},
          {"kind": "exchange-rate", "key": "EUR.NOK.closing.2027-01-31",
           "data": {"from": "EUR", "to": "NOK", "kind": "closing", "on": "2027-01-31", "rate": "11.00", "source": "ECB"}},
          {"kind": "group", "key": "GRP", "data": {"name": "Group", "presentationCurrency": "EUR", "parent": "ACME",
           "members": [{"company": "ACME"}, {"company": "BETA"}]}},
          {"kind": "account", "company": "ACME", "key": "5000", "data": {"name": "Cost of sales", "type": "expense"}},
          {"kind": "account-mapping", "company": "ACME", "key": "cost-of-sales", "data": {"debit": "5000", "credit": "1400"}},
          {"kind": "account", "company": "ACME", "key": "1200", "data": {"name": "IC receivable", "type": "asset"}},
          {"kind": "account", "company": "ACME", "key": "1400", "data": {"name": "Inventory", "type": "asset"}},
          {"kind": "account", "company": "ACME", "key": "4100", "data": {"name": "IC revenue", "type": "revenue"}},
          {"kind": "account", "company": "ACME", "key": "5100", "data": {"name": "IC cost of sales", "type": "expense"}},
          {"kind": "account", "company": "ACME", "key": "5300", "data": {"name": "Transit loss", "type": "expense"}},
          {"kind": "account", "company": "BETA", "key": "1400", "data": {"name": "Inventory", "type": "asset"}},
          {"kind": "account", "company": "BETA", "key": "1500", "data": {"name": "In transit", "type": "asset"}},
          {"kind": "account", "company": "BETA", "key": "2200", "data": {"name": "IC payable", "type": "liability"}},
          {"kind": "account", "company": "BETA", "key": "5300", "data": {"name": "Transit loss", "type": "expense"}},
          {"kind": "account-mapping", "company": "ACME", "key": "intercompany-cost-of-sales", "data": {"debit": "5100", "credit": "1400"}},
          {"kind": "account-mapping", "company": "ACME", "key": "intercompany-sale", "data": {"debit": "1200", "credit": "4100"}},
          {"kind": "account-mapping", "company": "ACME", "key": "transit-loss", "data": {"debit": "5300", "credit": "1400"}},
          {"kind": "account-mapping", "company": "BETA", "key": "intercompany-purchase", "data": {"debit": "1500", "credit": "2200"}},
          {"kind": "account-mapping", "company": "BETA", "key": "transit-receipt", "data": {"debit": "1400", "credit": "1500"}},
          {"kind": "account-mapping", "company": "BETA", "key": "transit-loss", "data": {"debit": "5300", "credit": "1500"}}
        ]}
        """#

    /// The sending plant's dispatch, and the receiving plant's receipt of the unit of 7 and its discrepancy TR-1/1.
    static func batches() throws -> [SyncBatch] {
        let eur = try CurrencyCode("EUR")
        return [SyncBatch(plant: "ACME-BER", agentHead: 1, events: [
            try Fixture.envelope(1, ShipmentDispatched(
                shipment: "SHP-7", kind: .transfer, order: "TR-1", customer: nil, toPlant: "BETA-OSL", company: "ACME", tradingPartner: "BETA",
                carrier: "DSV", trackingReference: "DSV-1",
                units: [try Fixture.unit(11, [(1, "PUMP", "L1", 7)]), try Fixture.unit(12, [(1, "PUMP", "L1", 3)])],
                lines: [.init(line: 1, item: "PUMP", quantity: Quantity(10), price: Money(text: "40.00", currency: eur))], backorders: [])),
        ]), SyncBatch(plant: "BETA-OSL", agentHead: 2, events: [
            try Fixture.envelope(1, TransferUnitReceived(
                transfer: "TR-1", shipment: "SHP-7", sscc: try Fixture.sscc(11), fromPlant: "ACME-BER", company: "BETA", tradingPartner: "ACME",
                location: "RECV", contents: [.init(line: 1, item: "PUMP", lot: "L1", serial: nil, shipped: Quantity(7), received: Quantity(7),
                                                   damaged: .zero)],
                receivedBy: "kim")),
            try Fixture.envelope(2, TransferDiscrepancyRecorded(
                discrepancy: "TR-1/1", transfer: "TR-1", sscc: try Fixture.sscc(12), kind: .short, line: 1, item: "PUMP", lot: "L1",
                serial: nil, quantity: Quantity(3), reason: "not on the truck", recordedBy: "kim", company: "BETA", tradingPartner: "ACME")),
        ])]
    }

    /// As `batches`, but BETA receives both units: of the 7, 5 good and 2 damaged (TR-1/1), taken out of transit at
    /// 4,400.00 × 5 / 10 = 2,200.00 and 2,200.00 × 2 / 5 = 880.00 (Dr 5300 / Cr 1500); the 3 at the 1,320.00 left.
    static func damagedBatches() throws -> [SyncBatch] {
        var batches = try batches()
        let received = { (sscc: Int64, good: Int64, damaged: Int64) throws -> TransferUnitReceived in
            TransferUnitReceived(
                transfer: "TR-1", shipment: "SHP-7", sscc: try Fixture.sscc(sscc), fromPlant: "ACME-BER", company: "BETA", tradingPartner: "ACME",
                location: "RECV", contents: [.init(line: 1, item: "PUMP", lot: "L1", serial: nil, shipped: Quantity(good + damaged),
                                                   received: Quantity(good), damaged: Quantity(damaged))],
                receivedBy: "kim")
        }
        batches[1] = SyncBatch(plant: "BETA-OSL", agentHead: 3, events: [
            try Fixture.envelope(1, try received(11, 5, 2)),
            try Fixture.envelope(2, TransferDiscrepancyRecorded(
                discrepancy: "TR-1/1", transfer: "TR-1", sscc: try Fixture.sscc(11), kind: .damaged, line: 1, item: "PUMP", lot: "L1",
                serial: nil, quantity: Quantity(2), reason: "crushed", recordedBy: "kim", company: "BETA", tradingPartner: "ACME")),
            try Fixture.envelope(3, try received(12, 3, 0)),
        ])
        return batches
    }

    static func send(_ batches: [SyncBatch], to store: any HubStore) async throws {
        for batch in batches { _ = try await store.applyBatch(batch, receivedAt: Fixture.start) }
    }

    /// Each account's balance (debit − credit) in the company's trial balance of January 2027, zeros left out.
    static func balances(_ store: any HubStore, _ company: String) async throws -> [String: Int64] {
        let lines = try await store.trialBalance(company: company, from: "2027-01", to: "2027-01").lines
        return Dictionary(uniqueKeysWithValues: lines.filter { $0.balance != 0 }.map { ($0.account, $0.balance) })
    }

    /// The entries the settlement posted, as `COMPANY KIND DATE PERIOD account:amount/functional/partner …`.
    static func settlementEntries(_ store: any HubStore) async throws -> [String] {
        var entries: [String] = []
        for company in ["BETA", "ACME"] {
            let page = try await store.journalEntries(JournalQuery(company: company, from: nil, to: nil, account: nil, offset: 0, limit: 100))
            for entry in page.entries where entry.sourceKey.hasPrefix("settlement:") {
                entries.append("\(entry.company) \(entry.sourceKey) \(entry.kind) \(entry.postingDate) \(entry.period) "
                    + entry.lines.map { "\($0.account):\($0.amount)/\($0.functionalAmount)/\($0.tradingPartner ?? "-")" }.joined(separator: " "))
            }
        }
        return entries
    }

    /// Ships, receives 7 and settles the 3 short with `resolution` (`damaged`: receives all 10 and settles the 2
    /// damaged); checks the in-transit line before and after, that a second settlement and resent events post nothing
    /// more, and returns the settlement's entries, the balances and the group's consolidation.
    func settle(_ resolution: String, damaged: Bool = false, backend: HubBackend) async throws
        -> (entries: [String], acme: [String: Int64], beta: [String: Int64], group: GroupConsolidation) {
        try await HTTP.withHub(now: Fixture.start, backend: backend) { hub in
            #expect(try await hub.call("POST", "/v1/masters", as: "admin", json: Self.masters).status == 200)
            let transfer = #"{"transfer": "TR-1", "fromPlant": "ACME-BER", "toPlant": "BETA-OSL", "requested": "2027-01-20", "lines": [{"line": 1, "item": "PUMP", "quantity": "10"}]}"#
            #expect(try await hub.call("POST", "/v1/transfers", as: "planner", json: transfer).status == 201)
            let batches = damaged ? try Self.damagedBatches() : try Self.batches()
            try await Self.send(batches, to: hub.store)
            #expect(try await hub.store.heldPostings(company: nil, scope: .all).isEmpty)
            let before = try await hub.store.inventoryReconciliation(company: "BETA", at: "2027-01")
            #expect(before.inTransit.map(\.value) == (damaged ? [] : [132_000]))
            #expect(before.inTransit.map(\.quantity) == (damaged ? [] : [Quantity(3)]))
            if damaged { #expect(try await Self.balances(hub.store, "BETA") == ["1400": 352_000, "2200": -440_000, "5300": 88_000]) }

            let body = #"{"resolution": "\#(resolution)", "note": "never loaded"}"#
            let settled = try await hub.call("POST", "/v1/transfers/TR-1/discrepancies/1/settle", as: "controller", json: body)
            #expect(settled.status == 200, "\(settled.text)")
            let after = try await hub.store.inventoryReconciliation(company: "BETA", at: "2027-01")
            #expect(after.inTransit.isEmpty && after.inTransitValue == 0)
            let entries = try await Self.settlementEntries(hub.store)
            let (acme, beta) = (try await Self.balances(hub.store, "ACME"), try await Self.balances(hub.store, "BETA"))

            let export = try await hub.call("GET", "/v1/ledger/export.beancount?company=BETA&from=2027-01&to=2027-01", as: "controller")
            #expect(export.status == 200 && export.text.contains(#"source: "settlement:TR-1/1:0""#) == !entries.isEmpty, "\(export.text)")
            let csv = try await hub.call("GET", "/v1/ledger/export.csv?company=BETA&from=2027-01&to=2027-01", as: "controller")
            #expect(csv.text.split(whereSeparator: \.isNewline).filter { $0.contains("settlement:TR-1/1:0") }.count == (entries.isEmpty ? 0 : 2))

            let again = try await hub.call("POST", "/v1/transfers/TR-1/discrepancies/1/settle", as: "admin", json: body)
            #expect(again.status == 409 && again.code == "settled-already")
            try await Self.send(batches, to: hub.store)
            #expect(try await Self.settlementEntries(hub.store) == entries, "settled once, resent events post nothing twice")
            let (acmeAgain, betaAgain) = (try await Self.balances(hub.store, "ACME"), try await Self.balances(hub.store, "BETA"))
            #expect(acmeAgain == acme && betaAgain == beta)
            return (entries, acme, beta, try await hub.store.groupConsolidation(group: "GRP", from: "2027-01", to: "2027-01", scope: .all))
        }
    }

    /// Without the transit-loss mapping the settlement cannot post: refused, nothing recorded, the discrepancy still
    /// open; with the mapping committed it settles and posts. The short quantity written off needs BETA's; the damaged
    /// one credited needs ACME's (its cost moves to transit loss), BETA's loss at receipt staying as it was.
    @Test(arguments: HubBackend.allCases, [false, true])
    func aSettlementTheLedgerCannotPostIsRefusedAndRecordsNothing(backend: HubBackend, damaged: Bool) async throws {
        try await HTTP.withHub(now: Fixture.start, backend: backend) { hub in
            let mapping = damaged
                ? #"{"kind": "account-mapping", "company": "ACME", "key": "transit-loss", "data": {"debit": "5300", "credit": "1400"}}"#
                : #"{"kind": "account-mapping", "company": "BETA", "key": "transit-loss", "data": {"debit": "5300", "credit": "1500"}}"#
            let unmapped = Self.masters.replacingOccurrences(of: ",\n  " + mapping, with: "").replacingOccurrences(of: mapping + ",\n  ", with: "")
            #expect(unmapped != Self.masters)
            #expect(try await hub.call("POST", "/v1/masters", as: "admin", json: unmapped).status == 200)
            let transfer = #"{"transfer": "TR-1", "fromPlant": "ACME-BER", "toPlant": "BETA-OSL", "requested": "2027-01-20", "lines": [{"line": 1, "item": "PUMP", "quantity": "10"}]}"#
            #expect(try await hub.call("POST", "/v1/transfers", as: "planner", json: transfer).status == 201)
            try await Self.send(damaged ? try Self.damagedBatches() : try Self.batches(), to: hub.store)
            let beta = try await Self.balances(hub.store, "BETA")
            let body = #"{"resolution": "\#(damaged ? "credited" : "written-off")", "note": "never loaded"}"#
            let refused = try await hub.call("POST", "/v1/transfers/TR-1/discrepancies/1/settle", as: "controller", json: body)
            #expect(refused.status == 409 && refused.code == "missing-mapping", "\(refused.text)")
            #expect(try await Self.settlementEntries(hub.store).isEmpty)
            #expect(try await hub.store.inventoryReconciliation(company: "BETA", at: "2027-01").inTransit.map(\.value) == (damaged ? [] : [132_000]))
            #expect(try await Self.balances(hub.store, "BETA") == beta)
            #expect(beta["5300"] == (damaged ? 88_000 : nil))

            let mapped = #"{"summary": "transit loss", "records": [\#(mapping)]}"#
            #expect(try await hub.call("POST", "/v1/masters", as: "admin", json: mapped).status == 200)
            let settled = try await hub.call("POST", "/v1/transfers/TR-1/discrepancies/1/settle", as: "controller", json: body)
            #expect(settled.status == 200, "\(settled.text)")
            #expect(try await Self.settlementEntries(hub.store).count == (damaged ? 3 : 1))
        }
    }

    /// Written off: BETA Dr 5300 / Cr 1500 1,320.00 NOK, the in-transit value of the 3 short; ACME's books unchanged.
    @Test(arguments: HubBackend.allCases) func aShortQuantityWrittenOffLeavesTransitAsALoss(backend: HubBackend) async throws {
        let (entries, acme, beta, _) = try await settle("written-off", backend: backend)
        #expect(entries == ["BETA settlement:TR-1/1:0 transit-loss 2027-01-15 2027-01 5300:132000/132000/- 1500:-132000/-132000/-"])
        #expect(beta == ["1400": 308_000, "2200": -440_000, "5300": 132_000])
        #expect(acme == ["1200": 40_000, "1400": -30_000, "4100": -40_000, "5100": 30_000])
    }

    /// Credited: BETA Dr 2200 120.00 EUR = 1,320.00 NOK / Cr 1500 the same; ACME Dr 4100 / Cr 1200 120.00 and Dr 5300 /
    /// Cr 5100 90.00 (3 × 30.00). Receivable 280.00 EUR and payable 3,080.00 NOK (= 280.00 × 11) still match.
    @Test(arguments: HubBackend.allCases) func aShortQuantityCreditedReversesBothCompaniesSides(backend: HubBackend) async throws {
        let (entries, acme, beta, group) = try await settle("credited", backend: backend)
        #expect(entries == [
            "BETA settlement:TR-1/1:0 intercompany-purchase 2027-01-15 2027-01 2200:12000/132000/ACME 1500:-12000/-132000/ACME",
            "ACME settlement:TR-1/1:1 intercompany-sale 2027-01-15 2027-01 4100:12000/12000/BETA 1200:-12000/-12000/BETA",
            "ACME settlement:TR-1/1:2 intercompany-cost-of-sales 2027-01-15 2027-01 5300:9000/9000/- 5100:-9000/-9000/BETA",
        ])
        #expect(beta == ["1400": 308_000, "2200": -308_000])
        #expect(acme == ["1200": 28_000, "1400": -30_000, "4100": -28_000, "5100": 21_000, "5300": 9_000])
        // The group (EUR; NOK at 11.00 closing and average): BETA's payable 3,080.00 NOK = 280.00 against ACME's
        // receivable 280.00, no difference; the sale 280.00 at a cost 210.00, margin 70.00; all 7 still sold are held
        // in BETA's inventory (3,080.00 NOK = 280.00), so the whole 70.00 is unrealised. Group inventory: ACME −300.00 +
        // BETA 280.00 − 70.00 = −90.00; cost of sales −70.00 + 70.00 = 0; the 3 lost are the transit loss 90.00.
        Self.expectEliminations(group, receivable: 28_000, cost: 21_000, margin: 7_000, lost: 9_000)
    }

    /// The 2 damaged credited: BETA Dr 2200 80.00 EUR = 880.00 NOK (at the dispatch's 11.00) / Cr 5300 the same, its
    /// transit loss back to 0; ACME Dr 4100 / Cr 1200 80.00 and Dr 5300 / Cr 5100 60.00 (2 × 30.00). Receivable 320.00
    /// EUR and payable 3,520.00 NOK (= 320.00 × 11) still match.
    @Test(arguments: HubBackend.allCases) func aDamagedQuantityCreditedMovesTheLossToTheSeller(backend: HubBackend) async throws {
        let (entries, acme, beta, group) = try await settle("credited", damaged: true, backend: backend)
        #expect(entries == [
            "BETA settlement:TR-1/1:0 intercompany-purchase 2027-01-15 2027-01 2200:8000/88000/ACME 5300:-8000/-88000/-",
            "ACME settlement:TR-1/1:1 intercompany-sale 2027-01-15 2027-01 4100:8000/8000/BETA 1200:-8000/-8000/BETA",
            "ACME settlement:TR-1/1:2 intercompany-cost-of-sales 2027-01-15 2027-01 5300:6000/6000/- 5100:-6000/-6000/BETA",
        ])
        #expect(beta == ["1400": 352_000, "2200": -352_000], "BETA's transit loss of the 2 is reversed")
        #expect(acme == ["1200": 32_000, "1400": -30_000, "4100": -32_000, "5100": 24_000, "5300": 6_000])
        // The group (EUR; NOK at 11.00): BETA's payable 3,520.00 NOK = 320.00 against ACME's receivable 320.00; the sale
        // 320.00 at a cost 240.00, margin 80.00, all of it on the 8 held in BETA's inventory (3,520.00 NOK = 320.00).
        // Group inventory: ACME −300.00 + BETA 320.00 − 80.00 = −60.00; the 2 lost are ACME's transit loss 60.00.
        Self.expectEliminations(group, receivable: 32_000, cost: 24_000, margin: 8_000, lost: 6_000)
    }

    /// A damaged quantity written off stays the buyer's transit loss: nothing posts.
    @Test(arguments: HubBackend.allCases) func aDamagedQuantityWrittenOffPostsNothing(backend: HubBackend) async throws {
        let (entries, acme, beta, _) = try await settle("written-off", damaged: true, backend: backend)
        #expect(entries.isEmpty)
        #expect(beta == ["1400": 352_000, "2200": -440_000, "5300": 88_000])
        #expect(acme == ["1200": 40_000, "1400": -30_000, "4100": -40_000, "5100": 30_000])
    }

    /// The group's eliminations after a credit, all balanced, no difference: ACME's receivable against BETA's payable
    /// (`receivable`, in EUR cents), the sale at `receivable` against its `cost` with the `margin` to group cost of
    /// sales, all of it unrealised in BETA's inventory; the group left with inventory −`lost` and transit loss `lost`.
    static func expectEliminations(_ group: GroupConsolidation, receivable: Int64, cost: Int64, margin: Int64, lost: Int64,
                                   sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(group.eliminations.map(\.kind) == [.receivablesPayables, .salesCostOfSales, .unrealisedProfit], sourceLocation: sourceLocation)
        #expect(group.eliminations.allSatisfy(\.isBalanced) && group.differences.isEmpty, sourceLocation: sourceLocation)
        guard group.eliminations.count == 3 else { return }
        #expect(group.eliminations[0].lines == [
            .init(company: "ACME", account: "1200", amount: -receivable), .init(company: "BETA", account: "2200", amount: receivable),
        ], sourceLocation: sourceLocation)
        #expect(group.eliminations[1].lines == [
            .init(company: "ACME", account: "4100", amount: receivable), .init(company: "ACME", account: "5100", amount: -cost),
            .init(company: nil, account: "5000", amount: -margin),
        ], sourceLocation: sourceLocation)
        #expect(group.eliminations[2].lines == [
            .init(company: nil, account: "5000", amount: margin), .init(company: "BETA", account: "1400", amount: -margin),
        ], sourceLocation: sourceLocation)
        let balances = Dictionary(uniqueKeysWithValues: group.balances.filter { $0.amount != 0 }.map { ($0.account, $0.amount) })
        #expect(balances == ["1400": -lost, "5300": lost], sourceLocation: sourceLocation)
    }
}
