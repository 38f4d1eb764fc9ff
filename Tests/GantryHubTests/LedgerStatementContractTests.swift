import Foundation
import GantryCore
@testable import GantryHub
import GantryTestSupport
import Testing

/// A company's statements, working capital, margin, reconciliation and export from a small posted scenario, on both
/// backends, every figure worked out by hand.
///
/// ACME (EUR, standard cost: RM 3.00, FG 15.00), plant ACME-BER. January: 40 RM received at 3.00 (120.00 Dr 1400 /
/// Cr 2100), 20 RM issued to WO-1 (60.00 Dr 1300 / Cr 1400), 4 FG output (60.00 Dr 1410 / Cr 1300). February: 1 FG
/// shipped to CUST1 at 25.00: cost of sales 15.00 (Dr 5000 / Cr 1410), revenue 25.00 (Dr 1200 / Cr 4000).
@Suite struct LedgerStatementContractTests {
    static func event(_ sequence: Int64, _ at: String, _ payload: some PlantEvent) -> EventEnvelope {
        let when = Timestamp.parse(at)!
        return EventEnvelope(
            sequence: sequence, id: UUID(), type: type(of: payload).eventType, schemaVersion: 1, occurredAt: when, recordedAt: when,
            payload: try! JSONValue.parse(try! payload.payloadJSON()))
    }

    static func move(_ sequence: Int64, _ at: String, _ kind: MoveKind, _ item: String, _ quantity: Int64, from: String? = nil,
                     to: String? = nil, reference: MoveReference?) -> EventEnvelope {
        event(sequence, at, StockMoved(
            moveId: UUID(), kind: kind, item: item, lot: nil, serial: nil, expiry: nil, quantity: Quantity(quantity), uom: "EA",
            from: from, to: to, reference: reference, scan: nil, reason: nil))
    }

    static func placed(_ sequence: Int64, _ order: String, quantity: Int64, currency: String) -> EventEnvelope {
        event(sequence, "2026-01-05T08:00:00Z", PurchaseOrderPlaced(order: order, supplier: "S1", lines: [
            PurchaseOrderLine(line: 1, item: "RM", quantity: Quantity(quantity), tolerancePercent: .zero, due: "2026-02-28", price: "3.00",
                              currency: currency),
        ]))
    }

    static let workOrder = MoveReference(kind: .workOrder, id: "WO-1")

    /// The scenario's events, sequences 1 to 6.
    static var scenario: [EventEnvelope] {
        [
            placed(1, "PO-1", quantity: 100, currency: "EUR"),
            move(2, "2026-01-10T09:00:00Z", .receipt, "RM", 40, to: "A1", reference: MoveReference(kind: .purchaseOrderLine, id: "PO-1/1")),
            move(3, "2026-01-12T09:00:00Z", .issue, "RM", 20, from: "A1", reference: workOrder),
            move(4, "2026-01-15T09:00:00Z", .output, "FG", 4, to: "A2", reference: workOrder),
            move(5, "2026-02-03T09:00:00Z", .shipment, "FG", 1, from: "A2", reference: nil),
            event(6, "2026-02-03T09:00:00Z", ShipmentDispatched(
                shipment: "SH-1", kind: .customerOrder, order: "SO-1", customer: "CUST1", toPlant: nil, company: "ACME", tradingPartner: nil,
                carrier: "DHL", trackingReference: "1Z", units: [],
                lines: [ShipmentDispatched.Line(line: 1, item: "FG", quantity: Quantity(1), price: Money(amount: 25, currency: .EUR))],
                backorders: [])),
        ]
    }

    static func books(_ valuation: InventoryValuation) -> [String] {
        [#"{"kind":"company","key":"ACME","data":{"legalName":"Acme GmbH","currency":"EUR","valuation":"\#(valuation.rawValue)"}}"#] + books
    }

    static let books = [
        #"{"kind":"company","key":"OTHER","data":{"legalName":"Other Ltd","currency":"GBP"}}"#,
        #"{"kind":"item","key":"RM","data":{"description":"Raw","uom":"EA","tracking":"none"}}"#,
        #"{"kind":"item","key":"FG","data":{"description":"Finished","uom":"EA","tracking":"none"}}"#,
        #"{"kind":"item-cost","company":"ACME","key":"RM","data":{"standardCost":{"amount":"3.00","currency":"EUR"}}}"#,
        #"{"kind":"item-cost","company":"ACME","key":"FG","data":{"standardCost":{"amount":"15.00","currency":"EUR"}}}"#,
        #"{"kind":"account","company":"ACME","key":"1200","data":{"name":"Receivables","type":"asset"}}"#,
        #"{"kind":"account","company":"ACME","key":"1300","data":{"name":"WIP","type":"asset"}}"#,
        #"{"kind":"account","company":"ACME","key":"1400","data":{"name":"Inventory","type":"asset"}}"#,
        #"{"kind":"account","company":"ACME","key":"1410","data":{"name":"Finished goods","type":"asset","parent":"1400"}}"#,
        #"{"kind":"account","company":"ACME","key":"2100","data":{"name":"GRNI","type":"liability"}}"#,
        #"{"kind":"account","company":"ACME","key":"4000","data":{"name":"Revenue","type":"revenue"}}"#,
        #"{"kind":"account","company":"ACME","key":"5000","data":{"name":"Cost of sales","type":"expense"}}"#,
        #"{"kind":"account","company":"ACME","key":"5100","data":{"name":"Price variance","type":"expense"}}"#,
        #"{"kind":"account-mapping","company":"ACME","key":"receipt","data":{"debit":"1400","credit":"2100"}}"#,
        #"{"kind":"account-mapping","company":"ACME","key":"purchase-price-variance","data":{"debit":"5100","credit":"2100"}}"#,
        #"{"kind":"account-mapping","company":"ACME","key":"issue-to-production","data":{"debit":"1300","credit":"1400"}}"#,
        #"{"kind":"account-mapping","company":"ACME","key":"production-output","data":{"debit":"1410","credit":"1300"}}"#,
        #"{"kind":"account-mapping","company":"ACME","key":"cost-of-sales","data":{"debit":"5000","credit":"1410"}}"#,
        #"{"kind":"account-mapping","company":"ACME","key":"revenue","data":{"debit":"1200","credit":"4000"}}"#,
        #"{"kind":"fiscal-period","company":"ACME","key":"2026-01","data":{"start":"2026-01-01","end":"2026-01-31","fiscalYear":"FY2026"}}"#,
        #"{"kind":"fiscal-period","company":"ACME","key":"2026-02","data":{"start":"2026-02-01","end":"2026-02-28","fiscalYear":"FY2026"}}"#,
        #"{"kind":"fiscal-period","company":"ACME","key":"2027-01","data":{"start":"2027-01-01","end":"2027-01-31","fiscalYear":"FY2027"}}"#,
    ]

    /// ACME's books, its plant and OTHER's, and the scenario applied.
    /// Under moving average the figures are the same: RM enters at the PO price 3.00, FG at its item cost 15.00.
    @discardableResult static func posted(_ store: any HubStore, valuation: InventoryValuation = .standard) async throws -> [EventEnvelope] {
        for (company, code) in [("ACME", "BER"), ("OTHER", "LON")] {
            _ = try await store.enrolPlant(try PlantIdentity(company: company, code: code), timeZone: "UTC", tokenHash: code, audit: .test)
        }
        try await commit(store, books(valuation))
        let events = scenario
        _ = try await store.applyBatch(SyncBatch(plant: "ACME-BER", agentHead: 6, events: events),
                                       receivedAt: Timestamp.parse("2026-02-04T00:00:00Z")!)
        return events
    }

    static func commit(_ store: any HubStore, _ records: [String]) async throws {
        let changes = try MasterChangeSet.read(Data(#"{"records":[\#(records.joined(separator: ","))]}"#.utf8))
        _ = try await MasterService(store: store).commit(changes.records, by: .local(), summary: "books")
    }

    @Test(arguments: HubBackend.allCases) func theBalanceSheetBalancesWithCurrentAndRetainedEarnings(backend: HubBackend) async throws {
        try await backend.withStore { store in
            try await Self.posted(store)
            #expect(try await store.heldPostings(company: "ACME", scope: .all).isEmpty)
            // End of February: 1400 RM 120 − 60 = 60.00 with 1410 FG 60 − 15 = 45.00 under it (105.00), WIP 0, receivables
            // 25.00: 130.00 = GRNI 120.00 + current-year earnings 25 − 15 = 10.00.
            let february = try await store.balanceSheet(company: "ACME", at: "2026-02")
            #expect(february.currency == "EUR" && february.fiscalYear == "FY2026")
            #expect(february.statement.line("1400")?.amount == 6_000 && february.statement.line("1400")?.total == 10_500)
            #expect(february.statement.line("1400")?.children.map(\.account) == ["1410"])
            #expect(february.statement.line("1300")?.total == 0)
            #expect(february.statement.line("2100")?.total == 12_000)
            #expect(february.totalAssets == 13_000 && february.totalLiabilities == 12_000)
            #expect(february.statement.currentYearEarnings == 1_000 && february.retainedEarnings == 0 && february.totalEquity == 1_000)
            #expect(february.balanced)
            // End of January: nothing sold yet.
            let january = try await store.balanceSheet(company: "ACME", at: "2026-01")
            #expect(january.totalAssets == 12_000 && january.statement.currentYearEarnings == 0 && january.balanced)
            // The next fiscal year: FY2026's result is retained, the year's own is 0.
            let next = try await store.balanceSheet(company: "ACME", at: "2027-01")
            #expect(next.retainedEarnings == 1_000 && next.statement.currentYearEarnings == 0 && next.totalEquity == 1_000 && next.balanced)
            #expect(next.csv().contains("total,retained-earnings,,,,,10.00"), "\(next.csv())")
            #expect(february.csv().contains("assets,1410,asset,1400,1,45.00,45.00"), "\(february.csv())")
            await #expect(throws: AccountingRefusal.self) { try await store.balanceSheet(company: "ACME", at: "2025-12") }
            await #expect(throws: AccountingRefusal.self) { try await store.balanceSheet(company: "NOBOOKS", at: "2026-01") }
        }
    }

    @Test(arguments: HubBackend.allCases) func theIncomeStatementWorkingCapitalAndMarginComeFromThePostings(backend: HubBackend) async throws {
        try await backend.withStore { store in
            try await Self.posted(store)
            let income = try await store.incomeStatement(company: "ACME", from: "2026-01", to: "2026-02")
            #expect(income.statement.revenue.map(\.account) == ["4000"] && income.totalRevenue == 2_500)
            #expect(income.statement.expenses.map(\.account) == ["5000"] && income.totalExpenses == 1_500)
            #expect(income.result == 1_000)
            #expect(income.csv().contains("total,result,,,,,10.00"))
            #expect(try await store.incomeStatement(company: "ACME", from: "2026-01", to: "2026-01").result == 0)
            // Inventory 1400 + 1410 = 105.00, receivables 25.00, GRNI 120.00, no payables mapped: 10.00.
            let capital = try await store.workingCapital(company: "ACME", at: "2026-02")
            #expect(capital.inventory == WorkingCapitalReport.Figure(accounts: ["1400", "1410"], amount: 10_500))
            #expect(capital.receivables == WorkingCapitalReport.Figure(accounts: ["1200"], amount: 2_500))
            #expect(capital.goodsReceivedNotInvoiced == WorkingCapitalReport.Figure(accounts: ["2100"], amount: 12_000))
            #expect(capital.payables.amount == 0 && capital.workingCapital == 1_000)
            // One FG to CUST1: 25.00 − 15.00.
            for (by, key) in [(MarginReport.Dimension.item, "FG"), (.customer, "CUST1"), (.plant, "ACME-BER"), (.company, "ACME")] {
                let margin = try await store.margin(company: "ACME", from: "2026-02", to: "2026-02", by: by)
                #expect(margin.rows == [MarginReport.Row(key: key, intercompany: false, revenue: 2_500, costOfSales: 1_500, margin: 1_000)])
            }
            #expect(try await store.margin(company: "ACME", from: "2026-01", to: "2026-01", by: .item).rows.isEmpty)
            await #expect(throws: AccountingRefusal.self) { try await store.margin(company: "OTHER", from: "2026-01", to: "2026-01", by: .item) }
        }
    }

    @Test(arguments: HubBackend.allCases, InventoryValuation.allCases)
    func theStockMatchesTheInventoryAccountsUntilAHeldReceiptExplainsTheDifference(backend: HubBackend, valuation: InventoryValuation) async throws {
        try await backend.withStore { store in
            try await Self.posted(store, valuation: valuation)
            // RM 20 × 3.00 = 60.00, FG 3 × 15.00 = 45.00: 105.00 in stock and on 1400 and 1410.
            let matched = try await store.inventoryReconciliation(company: "ACME", at: "2026-02")
            #expect(matched.inventoryAccounts == ["1400", "1410"])
            #expect(matched.items.map(\.item) == ["FG", "RM"] && matched.items.map(\.value) == [4_500, 6_000])
            #expect(matched.stockValue == 10_500 && matched.ledgerValue == 10_500 && matched.difference == 0 && matched.matches)
            #expect(matched.items.map(\.valuation) == [valuation.rawValue, valuation.rawValue])
            if valuation == .movingAverage {
                // The positions: FG 4 − 1 = 3 at 45.00, RM 40 − 20 = 20 at 60.00.
                #expect(matched.items.map(\.ledgerQuantity) == [Quantity(3), Quantity(20)] && matched.items.map(\.ledgerValue) == [4_500, 6_000])
            }
            // 10 RM received against a USD order without a USD/EUR rate: held, in stock, not on the ledger.
            let held = Self.move(8, "2026-02-05T09:00:00Z", .receipt, "RM", 10, to: "A1",
                                 reference: MoveReference(kind: .purchaseOrderLine, id: "PO-2/1"))
            _ = try await store.applyBatch(SyncBatch(plant: "ACME-BER", agentHead: 8, events: [
                Self.placed(7, "PO-2", quantity: 10, currency: "USD"), held,
            ]), receivedAt: Timestamp.parse("2026-02-06T00:00:00Z")!)
            let short = try await store.inventoryReconciliation(company: "ACME", at: "2026-02")
            // RM 30 × 3.00 = 90.00 + 45.00 = 135.00 against 105.00: 30.00, the held receipt's 10 × 3.00.
            #expect(short.stockValue == 13_500 && short.ledgerValue == 10_500 && short.difference == 3_000 && !short.matches)
            #expect(short.held.map(\.eventID) == [held.id] && short.held.map(\.plant) == ["ACME-BER"])
            #expect(short.held.map(\.code) == ["missing-rate"])
            #expect(short.unvalued.isEmpty && short.inTransit.isEmpty)
            // At January's end the held receipt (5 February) is not yet in stock: RM 40 − 20 = 20 × 3.00 = 60.00 and FG 4 ×
            // 15.00 = 60.00, against 1400 120.00 − 60.00 and 1410 60.00.
            let january = try await store.inventoryReconciliation(company: "ACME", at: "2026-01")
            #expect(january.items.map(\.quantity) == [Quantity(4), Quantity(20)] && january.stockValue == 12_000 && january.ledgerValue == 12_000)
            #expect(january.held.isEmpty && january.late.isEmpty && january.matches)
        }
    }

    @Test(arguments: HubBackend.allCases) func theExportHoldsThePeriodsEntriesAsCoreEntriesWithTheChart(backend: HubBackend) async throws {
        try await backend.withStore { store in
            let events = try await Self.posted(store)
            let january = try await store.ledgerExport(company: "ACME", from: "2026-01", to: "2026-01")
            #expect(january.entries.map(\.kind) == [.receipt, .issueToProduction, .productionOutput])
            #expect(january.entries.allSatisfy { $0.isBalanced })
            #expect(january.entries.first?.source == EntrySource(kind: .event, reference: events[1].id.uuidString, plant: "ACME-BER", sequence: 2))
            let both = try await store.ledgerExport(company: "ACME", from: "2026-01", to: "2026-02")
            #expect(both.entries.map(\.kind) == [.receipt, .issueToProduction, .productionOutput, .costOfSales, .revenue])
            #expect(both.entries.last?.source.part == 1 && both.entries.last?.source.plant == "ACME-BER")
            #expect(both.chart.map(\.account) == ["1200", "1300", "1400", "1410", "2100", "4000", "5000", "5100"])
            let file = try Beancount.file(both.entries, chart: both.chart)
            #expect(file.contains("Assets:1410  -15.00 EUR"), "\(file)")
        }
    }
}
