import Foundation
import GantryCore
@testable import GantryHub
import GantryTestSupport
import Testing

/// A supplier invoice in USD at ACME (EUR) on both backends: GRNI clears what the receipt credited at the receipt
/// day's rate, AP takes the invoice day's, and the difference is an exchange loss or gain in the income statement;
/// GRNI ends at 0 in both currencies once the receipt is fully invoiced. PO-1/1: 1000 BOLT at 2.50 USD; 40 received
/// on 20 January when USD/EUR is 0.90: Cr GRNI 100.00 USD, 90.00 EUR.
@Suite struct InvoiceExchangeContractTests {
    let base = InvoiceContractTests()

    func setUp(_ store: any HubStore, exchangeMapping: Bool = true) async throws {
        try await base.setUp(store)
        var records = [
            #"{"kind":"account","company":"ACME","key":"7800","data":{"name":"Exchange gains","type":"revenue"}}"#,
            #"{"kind":"account","company":"ACME","key":"7900","data":{"name":"Exchange losses","type":"expense"}}"#,
        ]
        for (day, rate) in [("2026-01-20", "0.90"), ("2026-01-25", "0.92"), ("2026-01-27", "0.80")] {
            records.append(#"{"kind":"exchange-rate","key":"USD.EUR.daily.\#(day)","data":{"from":"USD","to":"EUR","kind":"daily","on":"\#(day)","rate":"\#(rate)","source":"ECB"}}"#)
        }
        if exchangeMapping { records.append(Self.exchangeMapping) }
        try await commit(store, records)
        try await base.apply(store, [base.placed(1, currency: "USD"), base.receipt(2, "2026-01-20T12:00:00Z", 40)])
    }

    static let exchangeMapping = #"{"kind":"account-mapping","company":"ACME","key":"exchange-difference","data":{"debit":"7900","credit":"7800"}}"#

    func commit(_ store: any HubStore, _ records: [String]) async throws {
        let changes = try MasterChangeSet.read(Data(#"{"records":[\#(records.joined(separator: ","))]}"#.utf8))
        _ = try await MasterService(store: store).commit(changes.records, by: .local(), summary: "exchange")
    }

    func invoice(_ number: String, date: String, quantity: String, price: String) -> SupplierInvoiceRequest {
        SupplierInvoiceRequest(
            company: "ACME", supplier: "S1", number: number, date: date, currency: "USD",
            lines: [SupplierInvoiceRequest.Line(plant: "ACME-BER", orderLine: "PO-1/1", quantity: quantity, unitPrice: price)], charges: [])
    }

    /// GRNI's journal lines summed: (USD, EUR).
    func grni(_ store: any HubStore) async throws -> (Int64, Int64) {
        let lines = try await store.journalEntries(JournalQuery(company: "ACME", from: nil, to: nil, account: nil, offset: 0, limit: 1000))
            .entries.flatMap(\.lines).filter { $0.account == "2100" }
        return (lines.reduce(0) { $0 + $1.amount }, lines.reduce(0) { $0 + $1.functionalAmount })
    }

    @Test(arguments: HubBackend.allCases) func aFullyInvoicedReceiptLeavesGRNIAtZeroAndPostsTheExchangeLoss(backend: HubBackend) async throws {
        try await backend.withStore { store in
            try await setUp(store)
            #expect(try await grni(store) == (-10_000, -9_000))
            // 40 at 2.55 USD on 25 January, 0.92: price 40 × 0.05 = 2.00 USD → 1.84 EUR; rate 100.00 × (0.92 − 0.90) = 2.00 EUR.
            let posted = try await base.submit(store, invoice("FX-1", date: "2026-01-25", quantity: "40", price: "2.55")).invoice
            #expect(posted.status == "posted")
            #expect(posted.postings.map(\.kind) == ["supplier-invoice", "invoice-price-variance"])
            #expect(posted.postings[0].lines.map(\.account) == ["2100", "2000", "7900"])
            #expect(posted.postings[0].lines.map(\.amount) == [10_000, -10_000, 0])
            #expect(posted.postings[0].lines.map(\.functionalAmount) == [9_000, -9_200, 200])
            #expect(posted.postings[1].lines.map(\.functionalAmount) == [184, -184])
            #expect(try await grni(store) == (0, 0))
            let balance = try await store.trialBalance(company: "ACME", from: "2026-01", to: "2026-01")
            #expect(balance.lines.first { $0.account == "2100" }?.balance == 0)
            // AP: 102.00 USD at 0.92 = 93.84 EUR.
            #expect(balance.lines.first { $0.account == "2000" }?.credit == 9_384)
            let income = try await store.incomeStatement(company: "ACME", from: "2026-01", to: "2026-01")
            #expect(income.statement.expenses.map(\.account) == ["5200", "7900"] && income.totalExpenses == 384 && income.result == -384)
            let capital = try await store.workingCapital(company: "ACME", at: "2026-01")
            #expect(capital.goodsReceivedNotInvoiced.amount == 0)
            let export = try await store.ledgerExport(company: "ACME", from: "2026-01", to: "2026-01")
            let file = try Beancount.file(export.entries, chart: export.chart)
            #expect(file.contains("Expenses:7900  2.00 EUR"), "\(file)")
        }
    }

    @Test(arguments: HubBackend.allCases) func aPartialInvoiceClearsItsShareAndTheLastTheRest(backend: HubBackend) async throws {
        try await backend.withStore { store in
            try await setUp(store)
            // 10 of 40 at 0.92: a quarter of 90.00 = 22.50 cleared; AP 25.00 × 0.92 = 23.00; loss 0.50.
            let first = try await base.submit(store, invoice("FX-2", date: "2026-01-25", quantity: "10", price: "2.50")).invoice
            #expect(first.postings.map { $0.lines.map(\.functionalAmount) } == [[2_250, -2_300, 50]])
            #expect(try await grni(store) == (-7_500, -6_750))
            // The other 30 at 0.80: the 67.50 left; AP 75.00 × 0.80 = 60.00; gain 7.50 on the credit account.
            let last = try await base.submit(store, invoice("FX-3", date: "2026-01-27", quantity: "30", price: "2.50")).invoice
            #expect(last.postings.map { $0.lines.map(\.account) } == [["2100", "2000", "7800"]])
            #expect(last.postings.map { $0.lines.map(\.functionalAmount) } == [[6_750, -6_000, -750]])
            #expect(try await grni(store) == (0, 0))
            let income = try await store.incomeStatement(company: "ACME", from: "2026-01", to: "2026-01")
            #expect(income.result == 700, "gain 7.50 less loss 0.50")
        }
    }

    @Test(arguments: HubBackend.allCases) func withoutTheMappingTheInvoiceIsRefusedAndPostsOnceItIsThere(backend: HubBackend) async throws {
        try await backend.withStore { store in
            try await setUp(store, exchangeMapping: false)
            let request = invoice("FX-4", date: "2026-01-25", quantity: "40", price: "2.50")
            do {
                _ = try await base.submit(store, request)
                Issue.record("posted without an exchange-difference mapping")
            } catch let refusal as AccountingRefusal {
                #expect(refusal.code == .missingMapping && refusal.detail.contains("exchange-difference"))
            }
            #expect(try await store.supplierInvoices(company: "ACME", status: nil).isEmpty, "nothing stored")
            #expect(try await grni(store) == (-10_000, -9_000))
            try await commit(store, [Self.exchangeMapping])
            let posted = try await base.submit(store, request).invoice
            #expect(posted.status == "posted" && posted.postings[0].lines.map(\.functionalAmount) == [9_000, -9_200, 200])
        }
    }
}
