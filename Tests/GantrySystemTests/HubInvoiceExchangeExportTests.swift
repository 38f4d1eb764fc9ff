import Foundation
import GantryCore
@testable import GantryHub
import Testing

/// A supplier invoice in USD at ACME (EUR) with an exchange loss: the beancount export over HTTP passes the real
/// `bean-check`, and GRNI is 0 in the trial balance.
@Suite struct HubInvoiceExchangeExportTests {
    @Test func anInvoicesExchangeDifferenceExportsAndPassesBeanCheck() async throws {
        try await withHub { hub in
            try await HubAccessTests.seed(hub)
            let books = [
                #"{"kind":"item-cost","company":"ACME","key":"BOLT","data":{"standardCost":{"amount":"2.25","currency":"EUR"}}}"#,
                #"{"kind":"account","company":"ACME","key":"2000","data":{"name":"AP","type":"liability"}}"#,
                #"{"kind":"account","company":"ACME","key":"2100","data":{"name":"GRNI","type":"liability"}}"#,
                #"{"kind":"account","company":"ACME","key":"7800","data":{"name":"Exchange gains","type":"revenue"}}"#,
                #"{"kind":"account","company":"ACME","key":"7900","data":{"name":"Exchange losses","type":"expense"}}"#,
                #"{"kind":"account-mapping","company":"ACME","key":"receipt","data":{"debit":"1400","credit":"2100"}}"#,
                #"{"kind":"account-mapping","company":"ACME","key":"supplier-invoice","data":{"debit":"2100","credit":"2000"}}"#,
                #"{"kind":"account-mapping","company":"ACME","key":"exchange-difference","data":{"debit":"7900","credit":"7800"}}"#,
                #"{"kind":"exchange-rate","key":"USD.EUR.daily.2026-01-20","data":{"from":"USD","to":"EUR","kind":"daily","on":"2026-01-20","rate":"0.90","source":"ECB"}}"#,
                #"{"kind":"exchange-rate","key":"USD.EUR.daily.2026-01-25","data":{"from":"USD","to":"EUR","kind":"daily","on":"2026-01-25","rate":"0.92","source":"ECB"}}"#,
                #"{"kind":"fiscal-period","company":"ACME","key":"2026-01","data":{"start":"2026-01-01","end":"2026-01-31","fiscalYear":"FY2026"}}"#,
            ]
            let changes = try MasterChangeSet.read(Data(#"{"records":[\#(books.joined(separator: ","))]}"#.utf8))
            _ = try await MasterService(store: hub.store).commit(changes.records, by: .local(), summary: "books")
            // 40 at 2.50 USD when 0.90: Cr GRNI 100.00 USD, 90.00 EUR; inventory 40 × 2.25 = 90.00 EUR, no variance.
            try await HubAccessTests.receiveOrder(
                hub, plant: "FX", order: "PO-7", quantity: 40, price: "2.50", currency: "USD", at: Timestamp.parse("2026-01-20T12:00:00Z")!)
            #expect(try await hub.store.heldPostings(company: "ACME", scope: .all).isEmpty)
            let invoice = SupplierInvoiceRequest(
                company: "ACME", supplier: "S1", number: "FX-1", date: "2026-01-25", currency: "USD",
                lines: [SupplierInvoiceRequest.Line(plant: "ACME-FX", orderLine: "PO-7/1", quantity: "40", unitPrice: "2.50")], charges: [])
            let posted = try await hub.store.submitInvoices([invoice], enteredBy: "buyer:bob", at: Timestamp.parse("2026-01-26T10:00:00Z")!)
            // AP 100.00 USD at 0.92 = 92.00 EUR; GRNI cleared 90.00; loss 2.00.
            #expect(posted.first?.invoice.postings.first?.lines.map(\.functionalAmount) == [9_000, -9_200, 200])
            let auditor = try await hub.administration.addPrincipal(name: "aud", role: .auditor, companies: .only(["ACME"]))
            let export = try await HTTP.request("GET", "\(hub.url)/v1/ledger/export.beancount?company=ACME&from=2026-01&to=2026-01", token: auditor)
            #expect(export.status == 200, "\(export.text)")
            #expect(export.text.contains("Expenses:7900  2.00 EUR") && export.text.contains("Liabilities:2000  -92.00 EUR"), "\(export.text)")
            try HubLedgerExportTests.beanCheck(export.text)
            let balance = try await hub.store.trialBalance(company: "ACME", from: "2026-01", to: "2026-01")
            #expect(balance.lines.first { $0.account == "2100" }?.balance == 0)
        }
    }
}
