import Foundation
import GantryCore
@testable import GantryHub
import GantryTestSupport
import Testing

/// Supplier invoices on both backends: matched invoices post GRNI/AP and their price variance once, resent they are
/// answered as stored; invoices over the tolerance or beyond what was received are held with the reason; a price
/// hold is released by another principal only; landed costs split exactly; the GRNI ageing by receipt day.
@Suite struct InvoiceContractTests {
    func event(_ sequence: Int64, _ at: String, _ payload: some PlantEvent) -> EventEnvelope {
        let when = Timestamp.parse(at)!
        return EventEnvelope(
            sequence: sequence, id: UUID(), type: type(of: payload).eventType, schemaVersion: 1, occurredAt: when, recordedAt: when,
            payload: try! JSONValue.parse(try! payload.payloadJSON()))
    }

    /// PO-1: `lines` lines of 1000 BOLT at 2.50 (`currency`) from S1.
    func placed(_ sequence: Int64, lines: Int = 1, currency: String = "EUR") -> EventEnvelope {
        event(sequence, "2025-09-01T08:00:00Z", PurchaseOrderPlaced(order: "PO-1", supplier: "S1", lines: (1...lines).map {
            PurchaseOrderLine(line: $0, item: "BOLT", quantity: Quantity(1000), tolerancePercent: .zero, due: "2026-01-31", price: "2.50",
                              currency: currency)
        }))
    }

    func receipt(_ sequence: Int64, _ at: String, line: Int = 1, _ quantity: Int64) -> EventEnvelope {
        event(sequence, at, StockMoved(
            moveId: UUID(), kind: .receipt, item: "BOLT", lot: "L\(sequence)", serial: nil, expiry: nil, quantity: Quantity(quantity),
            uom: "EA", from: nil, to: "RECV", reference: MoveReference(kind: .purchaseOrderLine, id: "PO-1/\(line)"), scan: nil, reason: nil))
    }

    /// ACME (EUR, moving average, 2 % tolerance) with inventory, GRNI, AP and price-variance accounts and their
    /// mappings, January and February 2026; OTHER (GBP) without books for invoices.
    func setUp(_ store: any HubStore) async throws {
        for (company, code) in [("ACME", "BER"), ("OTHER", "LON")] {
            _ = try await store.enrolPlant(try PlantIdentity(company: company, code: code), timeZone: "UTC", tokenHash: code, audit: .test)
        }
        let records = [
            #"{"kind":"company","key":"ACME","data":{"legalName":"Acme GmbH","currency":"EUR","valuation":"moving-average","matchTolerancePercent":"2"}}"#,
            #"{"kind":"company","key":"OTHER","data":{"legalName":"Other Ltd","currency":"GBP"}}"#,
            #"{"kind":"item","key":"BOLT","data":{"description":"Bolt","uom":"EA","tracking":"lot"}}"#,
            #"{"kind":"account","company":"ACME","key":"1400","data":{"name":"Inventory","type":"asset"}}"#,
            #"{"kind":"account","company":"ACME","key":"2000","data":{"name":"Accounts payable","type":"liability"}}"#,
            #"{"kind":"account","company":"ACME","key":"2100","data":{"name":"Goods received not invoiced","type":"liability"}}"#,
            #"{"kind":"account","company":"ACME","key":"5200","data":{"name":"Invoice price variance","type":"expense"}}"#,
            #"{"kind":"account-mapping","company":"ACME","key":"receipt","data":{"debit":"1400","credit":"2100"}}"#,
            #"{"kind":"account-mapping","company":"ACME","key":"supplier-invoice","data":{"debit":"2100","credit":"2000"}}"#,
            #"{"kind":"account-mapping","company":"ACME","key":"invoice-price-variance","data":{"debit":"5200","credit":"2000"}}"#,
            #"{"kind":"account-mapping","company":"ACME","key":"landed-cost","data":{"debit":"1400","credit":"2000"}}"#,
            #"{"kind":"fiscal-period","company":"ACME","key":"2026-01","data":{"start":"2026-01-01","end":"2026-01-31","fiscalYear":"FY2026"}}"#,
            #"{"kind":"fiscal-period","company":"ACME","key":"2026-02","data":{"start":"2026-02-01","end":"2026-02-28","fiscalYear":"FY2026"}}"#,
        ]
        let changes = try MasterChangeSet.read(Data(#"{"records":[\#(records.joined(separator: ","))]}"#.utf8))
        _ = try await MasterService(store: store).commit(changes.records, by: .local(), summary: "books")
    }

    func apply(_ store: any HubStore, _ events: [EventEnvelope]) async throws {
        _ = try await store.applyBatch(SyncBatch(plant: "ACME-BER", agentHead: events.last!.sequence, events: events),
                                       receivedAt: Timestamp.parse("2026-01-21T00:00:00Z")!)
    }

    func invoice(_ number: String, date: String = "2026-01-25", _ lines: [(line: Int, quantity: String, price: String)],
                 charges: [SupplierInvoiceRequest.Charge] = []) -> SupplierInvoiceRequest {
        SupplierInvoiceRequest(
            company: "ACME", supplier: "S1", number: number, date: date, currency: "EUR",
            lines: lines.map { SupplierInvoiceRequest.Line(plant: "ACME-BER", orderLine: "PO-1/\($0.line)", quantity: $0.quantity, unitPrice: $0.price) },
            charges: charges)
    }

    func submit(_ store: any HubStore, _ request: SupplierInvoiceRequest, by: String = "buyer:bob") async throws -> InvoiceSubmission {
        try await store.submitInvoices([request], enteredBy: by, at: Timestamp.parse("2026-01-26T10:00:00Z")!)[0]
    }

    func status(_ body: () async throws -> Void) async -> Int? {
        do {
            try await body()
            return nil
        } catch {
            return (error as? any ProblemReporting)?.problem.status
        }
    }

    func invoiceEntries(_ store: any HubStore) async throws -> [JournalEntryRecord] {
        try await store.journalEntries(JournalQuery(company: "ACME", from: nil, to: nil, account: nil, offset: 0, limit: 1000)).entries
            .filter { $0.sourceKey.hasPrefix("invoice:") }
    }

    @Test(arguments: HubBackend.allCases) func aMatchedInvoicePostsGRNIAndThePriceVarianceOnceAndIsIdempotent(backend: HubBackend) async throws {
        try await backend.withStore { store in
            try await setUp(store)
            try await apply(store, [placed(1), receipt(2, "2026-01-20T12:00:00Z", 40)])
            // 40 × 2.55 = 102.00 against 40 × 2.50 = 100.00: 2 % above, within the tolerance.
            let first = try await submit(store, invoice("INV-1", [(1, "40", "2.55")]))
            #expect(first.created)
            #expect(first.invoice.status == "posted")
            #expect(first.invoice.amount == "102.00")
            #expect(first.invoice.reasons.isEmpty)
            #expect(first.invoice.postings.map(\.kind) == ["supplier-invoice", "invoice-price-variance"])
            #expect(first.invoice.postings.map { $0.lines.map(\.account) } == [["2100", "2000"], ["5200", "2000"]])
            #expect(first.invoice.postings.map { $0.lines.map(\.amount) } == [[10_000, -10_000], [200, -200]])
            let again = try await submit(store, invoice("INV-1", [(1, "40.0", "2.550")]))
            #expect(!again.created, "the same invoice, the same figures written otherwise")
            #expect(again.invoice == first.invoice)
            #expect(try await invoiceEntries(store).count == 2)
            #expect(await status { _ = try await submit(store, invoice("INV-1", [(1, "39", "2.55")])) } == 409)
            let balance = try await store.trialBalance(company: "ACME", from: "2026-01", to: "2026-01")
            // AP: 102.00 credited; GRNI: 100.00 credited on receipt, 100.00 debited on the invoice.
            #expect(balance.lines.first { $0.account == "2000" }?.credit == 10_200)
            #expect(balance.lines.first { $0.account == "2100" }?.balance == 0)
            #expect(balance.lines.first { $0.account == "5200" }?.debit == 200)
            #expect(try await store.supplierInvoices(company: "ACME", status: "posted").map(\.number) == ["INV-1"])
            #expect(try await store.supplierInvoices(company: "OTHER", status: nil).isEmpty, "another company holds none of it")
            #expect(try await store.supplierInvoice(company: "OTHER", supplier: "S1", number: "INV-1") == nil)
        }
    }

    @Test(arguments: HubBackend.allCases) func anInvoiceOverTheToleranceIsHeldAndPostsOnReleaseByAnotherPrincipalOnly(backend: HubBackend) async throws {
        try await backend.withStore { store in
            try await setUp(store)
            try await apply(store, [placed(1), receipt(2, "2026-01-20T12:00:00Z", 40)])
            // 40 × 2.60 = 104.00 is above 100.00 × 1.02 = 102.00.
            let held = try await submit(store, invoice("INV-2", [(1, "40", "2.60")]))
            #expect(held.invoice.status == "held")
            #expect(held.invoice.reasons.map(\.code) == [.priceOverTolerance])
            #expect(held.invoice.reasons.map(\.line) == ["PO-1/1"])
            #expect(held.invoice.postings.isEmpty)
            #expect(try await invoiceEntries(store).isEmpty)
            let release = { (who: String) in
                try await store.releaseInvoice(
                    company: "ACME", supplier: "S1", number: "INV-2", at: Timestamp.parse("2026-01-27T09:00:00Z")!,
                    audit: AuditDraft(actor: who, action: "invoice.released", subject: "invoice ACME/S1/INV-2", company: "ACME",
                                      before: "held", after: "posted"))
            }
            #expect(await status { _ = try await release("buyer:bob") } == 403, "who entered it may not release it")
            #expect(try await invoiceEntries(store).isEmpty)
            let released = try await release("controller:anna")
            #expect(released.status == "posted" && released.releasedBy == "controller:anna")
            #expect(released.postings.map { $0.lines.map(\.amount) } == [[10_000, -10_000], [400, -400]])
            #expect(released.postings.first?.note?.contains("released by controller:anna") == true)
            #expect(await status { _ = try await release("controller:carl") } == 409, "posted already")
            let audit = try await store.auditEntries(after: 0, limit: 1000, scope: .all)
            #expect(audit.filter { $0.action == "invoice.released" }.map(\.actor) == ["controller:anna"])
        }
    }

    @Test(arguments: HubBackend.allCases) func moreThanWasReceivedIsHeldAndCannotBeReleased(backend: HubBackend) async throws {
        try await backend.withStore { store in
            try await setUp(store)
            try await apply(store, [placed(1), receipt(2, "2026-01-20T12:00:00Z", 40)])
            let posted = try await submit(store, invoice("INV-1", [(1, "30", "2.50")]))
            #expect(posted.invoice.status == "posted")
            // 40 received, 30 invoiced: 11 more is beyond the 10 left.
            let held = try await submit(store, invoice("INV-3", [(1, "11", "2.50")]))
            #expect(held.invoice.reasons.map(\.code) == [.quantityBeyondReceived])
            // A line that is not the company's purchase order line is unknown.
            let unknown = try await submit(store, invoice("INV-4", [(7, "1", "2.50")]))
            #expect(unknown.invoice.reasons.map(\.code) == [.unknownOrderLine])
            #expect(await status {
                _ = try await store.releaseInvoice(
                    company: "ACME", supplier: "S1", number: "INV-3", at: Timestamp.parse("2026-01-27T09:00:00Z")!,
                    audit: AuditDraft(actor: "controller:anna", action: "invoice.released", subject: "", company: "ACME", before: nil, after: nil))
            } == 409)
            #expect(try await invoiceEntries(store).count == 1)
            #expect(try await store.supplierInvoices(company: "ACME", status: "held").map(\.number) == ["INV-3", "INV-4"])
        }
    }

    @Test(arguments: HubBackend.allCases) func landedCostsAreCapitalisedToInventorySplitExactly(backend: HubBackend) async throws {
        try await backend.withStore { store in
            try await setUp(store)
            try await apply(store, [
                placed(1, lines: 3), receipt(2, "2026-01-20T12:00:00Z", line: 1, 1), receipt(3, "2026-01-20T12:00:00Z", line: 2, 1),
                receipt(4, "2026-01-20T12:00:00Z", line: 3, 1),
            ])
            let posted = try await submit(store, invoice(
                "INV-5", [(1, "1", "2.50"), (2, "1", "2.50"), (3, "1", "2.50")],
                charges: [SupplierInvoiceRequest.Charge(kind: "freight", amount: "10.00", rule: "quantity")]))
            #expect(posted.invoice.status == "posted")
            #expect(posted.invoice.amount == "17.50")
            // 10.00 over three equal quantities: 3.33 each and the cent left over to the first line.
            let landed = posted.invoice.postings.first { $0.kind == "landed-cost" }
            #expect(landed?.lines.map(\.account) == ["1400", "1400", "1400", "2000"])
            #expect(landed?.lines.map(\.amount) == [334, 333, 333, -1_000])
            #expect(landed?.lines.map(\.functionalAmount) == [334, 333, 333, -1_000])
        }
    }

    /// A charge split by weight follows the items' `unitWeightKg`; an item without one holds the invoice.
    @Test(arguments: HubBackend.allCases) func aChargeByWeightFollowsTheItemsUnitWeights(backend: HubBackend) async throws {
        try await backend.withStore { store in
            try await setUp(store)
            let items = [
                #"{"kind":"item","key":"BOLT","data":{"description":"Bolt","uom":"EA","tracking":"lot","unitWeightKg":"0.05"}}"#,
                #"{"kind":"item","key":"NUT","data":{"description":"Nut","uom":"EA","tracking":"lot","unitWeightKg":"0.01"}}"#,
                #"{"kind":"item","key":"PIN","data":{"description":"Pin","uom":"EA","tracking":"lot"}}"#,
            ]
            let changes = try MasterChangeSet.read(Data(#"{"records":[\#(items.joined(separator: ","))]}"#.utf8))
            _ = try await MasterService(store: store).commit(changes.records, by: .local(), summary: "weights")
            var lines: [PurchaseOrderLine] = []
            for (index, item) in ["BOLT", "NUT", "PIN"].enumerated() {
                lines.append(PurchaseOrderLine(line: index + 1, item: item, quantity: Quantity(1000), tolerancePercent: .zero, due: "2026-01-31",
                                               price: "1.00", currency: "EUR"))
            }
            let order = event(1, "2025-09-01T08:00:00Z", PurchaseOrderPlaced(order: "PO-1", supplier: "S1", lines: lines))
            let receipts = ["BOLT", "NUT", "PIN"].enumerated().map { index, item in
                event(Int64(index + 2), "2026-01-20T12:00:00Z", StockMoved(
                    moveId: UUID(), kind: .receipt, item: item, lot: "L\(index)", serial: nil, expiry: nil, quantity: Quantity(100), uom: "EA",
                    from: nil, to: "RECV", reference: MoveReference(kind: .purchaseOrderLine, id: "PO-1/\(index + 1)"), scan: nil, reason: nil))
            }
            try await apply(store, [order] + receipts)
            // 100 BOLT × 0.05 kg = 5 kg and 100 NUT × 0.01 kg = 1 kg: 12.00 of freight is 10.00 and 2.00.
            let posted = try await submit(store, invoice(
                "INV-W", [(1, "100", "1.00"), (2, "100", "1.00")], charges: [SupplierInvoiceRequest.Charge(kind: "freight", amount: "12.00", rule: "weight")]))
            #expect(posted.invoice.status == "posted")
            let landed = posted.invoice.postings.first { $0.kind == "landed-cost" }
            #expect(landed?.lines.map(\.amount) == [1_000, 200, -1_200])
            // PIN has no unit weight: a charge by weight over it holds the invoice, naming the line.
            let held = try await submit(store, invoice(
                "INV-P", [(3, "100", "1.00")], charges: [SupplierInvoiceRequest.Charge(kind: "freight", amount: "5.00", rule: "weight")]))
            #expect(held.invoice.status == "held")
            #expect(held.invoice.reasons.map(\.code) == [.missingWeight])
            #expect(held.invoice.reasons.map(\.line) == ["PO-1/3"])
        }
    }

    @Test(arguments: HubBackend.allCases) func theGRNIAgeingAgesWhatIsReceivedAndNotInvoicedByReceiptDay(backend: HubBackend) async throws {
        try await backend.withStore { store in
            try await setUp(store)
            try await apply(store, [
                placed(1), receipt(2, "2025-10-01T12:00:00Z", 40), receipt(3, "2025-11-15T12:00:00Z", 8),
                receipt(4, "2025-12-15T12:00:00Z", 20), receipt(5, "2026-01-20T12:00:00Z", 10),
            ])
            // Before the invoice: at 24 January, 1 October is 115 days old, 15 November 70, 15 December 40, 20 January 4.
            let before = try await store.grniAgeing(company: "ACME", at: "2026-01-24")
            #expect(before.currency == "EUR")
            #expect(before.lines.map(\.orderLine) == ["PO-1/1"])
            #expect(before.lines.first?.quantity == "78")
            #expect(before.total == GRNIAgeingReport.Buckets(days0to30: "25.00", days31to60: "50.00", days61to90: "20.00", over90: "100.00",
                                                             total: "195.00"))
            _ = try await submit(store, invoice("INV-1", [(1, "50", "2.50")]))
            // 50 invoiced on 25 January takes the oldest first: all of October (40) and November (8), 2 of December.
            // At 31 January: 18 of 15 December (47 days) = 45.00, 10 of 20 January (11 days) = 25.00.
            let after = try await store.grniAgeing(company: "ACME", at: "2026-01-31")
            #expect(after.lines.first?.quantity == "28")
            #expect(after.lines.first?.oldestReceipt == "2025-12-15")
            #expect(after.total == GRNIAgeingReport.Buckets(days0to30: "25.00", days31to60: "45.00", days61to90: "0.00", over90: "0.00",
                                                            total: "70.00"))
            #expect(after.csv().contains("total,,,,,,25.00,45.00,0.00,0.00,70.00,EUR"))
            #expect(try await store.grniAgeing(company: "OTHER", at: "2026-01-31").lines.isEmpty)
        }
    }

    @Test(arguments: HubBackend.allCases) func anInvoiceInAnotherCurrencyNeedsTheDaysRateAndStoresNothingWithoutIt(backend: HubBackend) async throws {
        try await backend.withStore { store in
            try await setUp(store)
            try await apply(store, [placed(1, currency: "USD"), receipt(2, "2026-01-20T12:00:00Z", 40)])
            var usd = invoice("INV-6", [(1, "40", "2.50")])
            usd.currency = "USD"
            #expect(await status { _ = try await submit(store, usd) } == 409, "no USD/EUR rate on 2026-01-25")
            #expect(try await store.supplierInvoice(company: "ACME", supplier: "S1", number: "INV-6") == nil, "nothing stored")
            let rate = #"{"kind":"exchange-rate","key":"USD.EUR.daily.2026-01-25","data":{"from":"USD","to":"EUR","kind":"daily","on":"2026-01-25","rate":"0.9","source":"ECB"}}"#
            let changes = try MasterChangeSet.read(Data(#"{"records":[\#(rate)]}"#.utf8))
            _ = try await MasterService(store: store).commit(changes.records, by: .local(), summary: "rate")
            let posted = try await submit(store, usd)
            // 40 × 2.50 USD = 100.00 USD at 0.9 = 90.00 EUR.
            #expect(posted.invoice.status == "posted")
            #expect(posted.invoice.postings.map(\.transactionCurrency) == ["USD"])
            #expect(posted.invoice.postings.first?.lines.map(\.amount) == [10_000, -10_000])
            #expect(posted.invoice.postings.first?.lines.map(\.functionalAmount) == [9_000, -9_000])
            // An invoice in EUR against the USD order is held: the order's currency differs.
            let euro = try await submit(store, invoice("INV-7", [(1, "1", "2.50")]))
            #expect(euro.invoice.reasons.map(\.code) == [.currencyDiffers])
        }
    }
}
