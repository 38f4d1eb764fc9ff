import Foundation
import GantryCore
@testable import GantryHub
import GantryTestSupport
import Testing

/// The hub's ledger on both backends: receipts post once in the batch's transaction, held postings post once their
/// masters arrive, periods close only when no plant owes events for them, and the trial balance sums the kept balances.
@Suite struct LedgerContractTests {
    func event(_ sequence: Int64, _ at: String, _ payload: some PlantEvent) -> EventEnvelope {
        let when = Timestamp.parse(at)!
        return EventEnvelope(
            sequence: sequence, id: UUID(), type: type(of: payload).eventType, schemaVersion: 1, occurredAt: when, recordedAt: when,
            payload: try! JSONValue.parse(try! payload.payloadJSON()))
    }

    func placed(_ sequence: Int64, _ at: String, _ order: String, price: String, currency: String = "EUR") -> EventEnvelope {
        event(sequence, at, PurchaseOrderPlaced(order: order, supplier: "S1", lines: [
            PurchaseOrderLine(line: 1, item: "BOLT", quantity: Quantity(1000), tolerancePercent: .zero, due: "2026-01-31", price: price,
                              currency: currency),
        ]))
    }

    func receipt(_ sequence: Int64, _ at: String, _ order: String, _ quantity: Int64) -> EventEnvelope {
        event(sequence, at, StockMoved(
            moveId: UUID(), kind: .receipt, item: "BOLT", lot: "L\(sequence)", serial: nil, expiry: nil, quantity: Quantity(quantity),
            uom: "EA", from: nil, to: "RECV", reference: MoveReference(kind: .purchaseOrderLine, id: "\(order)/1"), scan: nil, reason: nil))
    }

    /// Company ACME (EUR, moving average: a receipt is valued at its PO price) with inventory and GRNI accounts, January and February 2026, and (unless left out) the
    /// receipt's mapping; OTHER (GBP) with its own books.
    func commitBooks(_ store: any HubStore, mapping: Bool = true) async throws {
        var records = [
            #"{"kind":"company","key":"ACME","data":{"legalName":"Acme GmbH","currency":"EUR","valuation":"moving-average"}}"#,
            #"{"kind":"company","key":"OTHER","data":{"legalName":"Other Ltd","currency":"GBP"}}"#,
            #"{"kind":"item","key":"BOLT","data":{"description":"Bolt","uom":"EA","tracking":"lot"}}"#,
            #"{"kind":"account","company":"ACME","key":"1400","data":{"name":"Inventory","type":"asset"}}"#,
            #"{"kind":"account","company":"ACME","key":"2100","data":{"name":"Goods received not invoiced","type":"liability"}}"#,
            #"{"kind":"fiscal-period","company":"ACME","key":"2026-01","data":{"start":"2026-01-01","end":"2026-01-31","fiscalYear":"FY2026"}}"#,
            #"{"kind":"fiscal-period","company":"ACME","key":"2026-02","data":{"start":"2026-02-01","end":"2026-02-28","fiscalYear":"FY2026"}}"#,
        ]
        if mapping { records.append(Self.receiptMapping) }
        try await commit(store, records)
    }

    static let receiptMapping = #"{"kind":"account-mapping","company":"ACME","key":"receipt","data":{"debit":"1400","credit":"2100"}}"#

    func commit(_ store: any HubStore, _ records: [String]) async throws {
        let changes = try MasterChangeSet.read(Data(#"{"records":[\#(records.joined(separator: ","))]}"#.utf8))
        _ = try await MasterService(store: store).commit(changes.records, by: .local(), summary: "books")
    }

    func enrol(_ store: any HubStore) async throws {
        for (company, code) in [("ACME", "BER"), ("OTHER", "LON")] {
            _ = try await store.enrolPlant(try PlantIdentity(company: company, code: code), timeZone: "UTC", tokenHash: code, audit: .test)
        }
    }

    func entries(_ store: any HubStore, _ company: String = "ACME") async throws -> [JournalEntryRecord] {
        try await store.journalEntries(JournalQuery(company: company, from: nil, to: nil, account: nil, offset: 0, limit: 1000)).entries
    }

    let january = "2026-01-20T12:00:00Z"

    @Test(arguments: HubBackend.allCases) func aReceiptPostsOneBalancedEntryOnceHoweverOftenItIsSent(backend: HubBackend) async throws {
        try await backend.withStore { store in
            try await enrol(store)
            try await commitBooks(store)
            let batch = SyncBatch(plant: "ACME-BER", agentHead: 2, events: [
                placed(1, "2026-01-10T08:00:00Z", "PO-1", price: "2.50"), receipt(2, january, "PO-1", 40),
            ])
            _ = try await store.applyBatch(batch, receivedAt: Timestamp.parse(january)!)
            _ = try await store.applyBatch(batch, receivedAt: Timestamp.parse(january)!)
            let posted = try await entries(store)
            // 40 × 2.50 EUR = 100.00 EUR: Dr inventory, Cr GRNI, in both currencies.
            #expect(posted.count == 1)
            #expect(posted.first?.sourceKey == "event:\(batch.events[1].id.uuidString):0")
            #expect(posted.first?.postingDate == "2026-01-20")
            #expect(posted.first?.period == "2026-01")
            #expect(posted.first?.lines.map(\.account) == ["1400", "2100"])
            #expect(posted.first?.lines.map(\.amount) == [10_000, -10_000])
            #expect(posted.first?.lines.map(\.functionalAmount) == [10_000, -10_000])
            #expect(posted.first?.lines.first?.quantity == 40_000_000)
            #expect(try await store.heldPostings(company: nil, scope: .all).isEmpty)
            #expect(try await entries(store, "OTHER").isEmpty, "another company's journal holds none of it")
        }
    }

    @Test(arguments: HubBackend.allCases) func theTrialBalanceSumsTheKeptBalancesOverAPeriodRange(backend: HubBackend) async throws {
        try await backend.withStore { store in
            try await enrol(store)
            try await commitBooks(store)
            _ = try await store.applyBatch(SyncBatch(plant: "ACME-BER", agentHead: 4, events: [
                placed(1, "2026-01-10T08:00:00Z", "PO-1", price: "2.50"), receipt(2, january, "PO-1", 40),
                receipt(3, "2026-02-03T09:00:00Z", "PO-1", 20), receipt(4, "2026-02-04T09:00:00Z", "PO-1", 3),
            ]), receivedAt: Timestamp.parse("2026-02-05T00:00:00Z")!)
            // January: 100.00. February: 20 × 2.50 = 50.00 and 3 × 2.50 = 7.50.
            let january = try await store.trialBalance(company: "ACME", from: "2026-01", to: "2026-01")
            #expect(january.lines.map(\.account) == ["1400", "2100"])
            #expect(january.lines.map(\.debit) == [10_000, 0])
            #expect(january.lines.map(\.credit) == [0, 10_000])
            let both = try await store.trialBalance(company: "ACME", from: "2026-01", to: "2026-02")
            #expect(both.currency == "EUR")
            #expect(both.lines.map(\.balance) == [15_750, -15_750])
            #expect(both.lines.map(\.name) == ["Inventory", "Goods received not invoiced"])
            #expect(both.lines.map(\.type) == ["asset", "liability"])
            #expect(both.totalDebit == 15_750 && both.totalCredit == 15_750)
            #expect(both.csv().contains("1400,Inventory,asset,157.50,0.00,157.50"))
            await #expect(throws: AccountingRefusal.self) { try await store.trialBalance(company: "ACME", from: "2026-02", to: "2026-01") }
            let february = try await store.journalEntries(JournalQuery(
                company: "ACME", from: "2026-02-01", to: "2026-02-28", account: "1400", offset: 0, limit: 1))
            #expect(february.entries.map(\.postingDate) == ["2026-02-03"])
            #expect(february.next == 1)
        }
    }

    @Test(arguments: HubBackend.allCases) func aMissingMappingIsHeldAndPostsOnceTheMasterArrivesAndIsRetried(backend: HubBackend) async throws {
        try await backend.withStore { store in
            try await enrol(store)
            try await commitBooks(store, mapping: false)
            _ = try await store.applyBatch(SyncBatch(plant: "ACME-BER", agentHead: 2, events: [
                placed(1, "2026-01-10T08:00:00Z", "PO-1", price: "2.50"), receipt(2, january, "PO-1", 40),
            ]), receivedAt: Timestamp.parse(january)!)
            let held = try await store.heldPostings(company: "ACME", scope: .all)
            #expect(held.map(\.code) == ["missing-mapping"])
            #expect(held.map(\.sequence) == [2])
            #expect(try await entries(store).isEmpty)
            #expect(try await store.heldPostings(company: nil, scope: .only(["OTHER"])).isEmpty, "another company sees none of it")
            // Retried before the master is fixed, it stays with its reason.
            let early = try await store.retryHeldPostings(company: nil, scope: .all, at: Timestamp.parse(january)!)
            #expect(early.posted == 0)
            #expect(early.held.map(\.code) == ["missing-mapping"])
            try await commit(store, [Self.receiptMapping])
            let retried = try await store.retryHeldPostings(company: nil, scope: .all, at: Timestamp.parse(january)!)
            #expect(retried.posted == 1)
            #expect(retried.held.isEmpty)
            #expect(try await entries(store).map { $0.lines.map(\.amount) } == [[10_000, -10_000]])
            let again = try await store.retryHeldPostings(company: nil, scope: .all, at: Timestamp.parse(january)!)
            #expect(again.posted == 0)
            #expect(try await entries(store).count == 1)
        }
    }

    /// Accounting is taken up company by company: OTHER has a company master but no fiscal calendar, so its plant's
    /// receipts are applied and counted as stock but post nothing and hold nothing.
    @Test(arguments: HubBackend.allCases) func aCompanyWithoutAFiscalCalendarPostsAndHoldsNothing(backend: HubBackend) async throws {
        try await backend.withStore { store in
            try await enrol(store)
            try await commitBooks(store)
            let outcome = try await store.applyBatch(SyncBatch(plant: "OTHER-LON", agentHead: 2, events: [
                placed(1, "2026-01-10T08:00:00Z", "PO-9", price: "2.50", currency: "GBP"), receipt(2, january, "PO-9", 40),
            ]), receivedAt: Timestamp.parse(january)!)
            guard case .acknowledged(let acknowledgement) = outcome else { Issue.record("refused: \(outcome)"); return }
            #expect(acknowledgement.applied == 2)
            #expect(try await entries(store, "OTHER").isEmpty)
            #expect(try await store.heldPostings(company: nil, scope: .all).isEmpty)
        }
    }

    @Test(arguments: HubBackend.allCases) func aMissingRateIsHeldNamingThePairAndPostsOnceTheRateArrives(backend: HubBackend) async throws {
        try await backend.withStore { store in
            try await enrol(store)
            try await commitBooks(store)
            _ = try await store.applyBatch(SyncBatch(plant: "ACME-BER", agentHead: 2, events: [
                placed(1, "2026-01-10T08:00:00Z", "PO-1", price: "2.50", currency: "USD"), receipt(2, january, "PO-1", 40),
            ]), receivedAt: Timestamp.parse(january)!)
            let held = try await store.heldPostings(company: nil, scope: .all)
            #expect(held.map(\.code) == ["missing-rate"])
            #expect(held.first?.detail.contains("USD/EUR") == true)
            try await commit(store, [
                #"{"kind":"exchange-rate","key":"USD.EUR.daily.2026-01-20","data":{"from":"USD","to":"EUR","kind":"daily","on":"2026-01-20","rate":"0.9","source":"ECB"}}"#,
            ])
            #expect(try await store.retryHeldPostings(company: "ACME", scope: .all, at: Timestamp.parse(january)!).posted == 1)
            // 100.00 USD at 0.9 = 90.00 EUR.
            let posted = try await entries(store)
            #expect(posted.map(\.transactionCurrency) == ["USD"])
            #expect(posted.first?.lines.map(\.amount) == [10_000, -10_000])
            #expect(posted.first?.lines.map(\.functionalAmount) == [9_000, -9_000])
            #expect(try await store.trialBalance(company: "ACME", from: "2026-01", to: "2026-01").lines.map(\.debit) == [9_000, 0])
        }
    }

    /// The code of the accounting refusal `attempt` throws (nil when it succeeds or throws something else).
    static func refusal(_ attempt: () async throws -> Void) async -> AccountingRefusal.Code? {
        do {
            try await attempt()
            return nil
        } catch {
            return (error as? AccountingRefusal)?.code
        }
    }

    @Test(arguments: HubBackend.allCases) func aPeriodClosesOnlyOnceNoPlantOwesEventsForItAndTakesNoPostingsAfter(backend: HubBackend) async throws {
        try await backend.withStore { store in
            try await enrol(store)
            try await commitBooks(store)
            let close = AuditDraft(actor: "controller:anna", action: "period.closed", subject: "", company: nil, before: nil, after: nil)
            func closeJanuary(at: String) async throws -> FiscalPeriodStatus {
                try await store.closePeriod(company: "ACME", period: "2026-01", at: Timestamp.parse(at)!, audit: close)
            }
            func refusal(at: String) async -> AccountingRefusal.Code? {
                await Self.refusal { _ = try await closeJanuary(at: at) }
            }
            // The plant reports a head of 3 and sent 2: it owes.
            _ = try await store.applyBatch(SyncBatch(plant: "ACME-BER", agentHead: 3, events: [
                placed(1, "2026-01-10T08:00:00Z", "PO-1", price: "2.50"), receipt(2, january, "PO-1", 40),
            ]), receivedAt: Timestamp.parse(january)!)
            #expect(await refusal(at: "2026-02-10T00:00:00Z") == .periodNotClosable)
            // Everything sent, but its last contact is within the hour of grace after the period's end.
            _ = try await store.applyBatch(SyncBatch(plant: "ACME-BER", agentHead: 3, events: [receipt(3, "2026-01-31T22:00:00Z", "PO-1", 20)]),
                                           receivedAt: Timestamp.parse("2026-02-01T00:30:00Z")!)
            #expect(await refusal(at: "2026-02-10T00:00:00Z") == .periodNotClosable)
            // Heard from after the grace with nothing pending: it owes nothing.
            _ = try await store.applyBatch(SyncBatch(plant: "ACME-BER", agentHead: 3, events: []), receivedAt: Timestamp.parse("2026-02-01T02:00:00Z")!)
            // OTHER's plant never synced, but it is not ACME's.
            let closed = try await closeJanuary(at: "2026-02-10T00:00:00Z")
            #expect(closed.closed && closed.closedBy == "controller:anna")
            #expect(await refusal(at: "2026-02-11T00:00:00Z") == .periodClosed)
            #expect(try await store.fiscalPeriods(company: "ACME").map { "\($0.period):\($0.closed)" } == ["2026-01:true", "2026-02:false"])
            let audit = try await store.auditEntries(after: 0, limit: 1000, scope: .all)
            #expect(audit.contains { $0.action == "period.closed" && $0.subject == "period ACME/2026-01" && $0.company == "ACME" })
            // A receipt of January arriving late posts nothing into the closed period: it posts on February's first
            // day, keeping its own day and a note.
            _ = try await store.applyBatch(SyncBatch(plant: "ACME-BER", agentHead: 4, events: [receipt(4, "2026-01-25T10:00:00Z", "PO-1", 2)]),
                                           receivedAt: Timestamp.parse("2026-02-12T00:00:00Z")!)
            let posted = try await entries(store)
            #expect(posted.filter { $0.period == "2026-01" }.count == 2)
            let late = posted.filter { $0.sequence == 4 }
            #expect(try await store.heldPostings(company: "ACME", scope: .all).isEmpty)
            #expect(late.map(\.period) == ["2026-02"] && late.map(\.postingDate) == ["2026-02-01"])
            #expect(late.map(\.originalDate) == ["2026-01-25"] && late.first?.note?.contains("closed period 2026-01") == true)
            // 2 × 2.50 EUR.
            #expect(try await store.trialBalance(company: "ACME", from: "2026-02", to: "2026-02").totalDebit == 500)
            #expect(try await store.trialBalance(company: "ACME", from: "2026-01", to: "2026-01").totalDebit == 15_000)
        }
    }

    /// What the store reads for posting, on either backend.
    func reads(_ needs: PostingNeeds, _ store: any HubStore) async throws -> LedgerPosting.Reads {
        if let sqlite = store as? SQLiteHubStore { return try await sqlite.pool.read { try SQLiteHubStore.reads(needs, in: $0) } }
        let postgres = store as! PostgresHubStore
        return try await postgres.run { [logger = postgres.logger] in try await PostgresHubStore.reads(needs, in: $0, logger: logger) }
    }

    @Test(arguments: HubBackend.allCases) func postingReadsEachLocationsLatestTypeAndTheOrderLinesPrice(backend: HubBackend) async throws {
        try await backend.withStore { store in
            try await enrol(store)
            try await commitBooks(store)
            func defined(_ sequence: Int64, _ code: String, _ type: LocationType) -> EventEnvelope {
                event(sequence, january, LocationDefined(code: code, type: type, warehouse: "W1", zone: nil, bin: nil, active: true))
            }
            _ = try await store.applyBatch(SyncBatch(plant: "ACME-BER", agentHead: 2, events: [
                defined(1, "QC", .quarantine), defined(2, "A1", .storage),
            ]), receivedAt: Timestamp.parse(january)!)
            _ = try await store.applyBatch(SyncBatch(plant: "ACME-BER", agentHead: 5, events: [
                defined(3, "A1", .quarantine), placed(4, "2026-01-10T08:00:00Z", "PO-1", price: "2.50"), receipt(5, january, "PO-1", 40),
            ]), receivedAt: Timestamp.parse(january)!)
            var needs = PostingNeeds()
            needs.plants = ["ACME-BER", "OTHER-LON"]
            needs.companies = ["ACME"]
            needs.items = [CompanyItem(company: "ACME", item: "BOLT")]
            needs.orderLines = [PlantOrderLine(plant: "ACME-BER", line: "PO-1/1"), PlantOrderLine(plant: "ACME-BER", line: "PO-9/1")]
            let read = try await reads(needs, store)
            #expect(read.locationTypes == ["ACME-BER": ["QC": .quarantine, "A1": .quarantine]])
            #expect(read.orderLinePrices.mapValues { "\($0.amount) \($0.currency.code)" } == [PlantOrderLine(plant: "ACME-BER", line: "PO-1/1"): "2.5 EUR"])
            #expect(read.closed == ["ACME": []])
        }
    }
}
