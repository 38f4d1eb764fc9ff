import Foundation
@testable import GantryCore
import Testing

/// The three-way match of supplier invoices: what a matched invoice posts, every hold reason, the release with
/// segregation of duties, and the refusals.
@Suite struct InvoiceMatchTests {
    private static func period(_ key: String, _ start: String, _ end: String) -> FiscalPeriodMaster {
        FiscalPeriodMaster(key: key, start: start, end: end, fiscalYear: "FY2026")
    }

    private static func snapshot(functional: CurrencyCode = .EUR, closed: Set<String> = ["2026-10"], rate: AppliedRate? = nil,
                                 mapping: [PostingKind: CompanyBooks.AccountPair]? = nil) -> InvoiceMatch.Snapshot {
        let books = CompanyBooks(
            company: "B", functionalCurrency: functional, valuation: .standard,
            mapping: mapping ?? [.supplierInvoice: .init(debit: "2100", credit: "2000"), .invoicePriceVariance: .init(debit: "5400", credit: "2000"),
                                 .landedCost: .init(debit: "1410", credit: "2000")],
            periods: [period("2026-10", "2026-10-01", "2026-10-31"), period("2026-11", "2026-11-01", "2026-11-30"),
                      period("2026-12", "2026-12-01", "2026-12-31")],
            closedPeriods: closed)
        return InvoiceMatch.Snapshot(books: books, tolerancePercent: 1, orderLines: [
            "PO1/1": .init(line: "PO1/1", supplier: "ACME", item: "RAW", ordered: 1_000, price: Money(amount: 12, currency: .EUR),
                           receivedNotInvoiced: 600, unitWeight: Decimal(string: "2.5")),
            "PO1/2": .init(line: "PO1/2", supplier: "ACME", item: "BOLT", ordered: 500, price: Money(amount: Decimal(string: "0.40")!, currency: .EUR),
                           receivedNotInvoiced: 500, unitWeight: Decimal(string: "0.1")),
        ], rate: rate)
    }

    private static func invoice(_ lines: [InvoiceMatch.Invoice.Line] = [.init(orderLine: "PO1/1", quantity: 600, unitPrice: Decimal(string: "12.10")!),
                                                                        .init(orderLine: "PO1/2", quantity: 500, unitPrice: Decimal(string: "0.40")!)],
                                charges: [LandedCost.Charge] = [], supplier: String = "ACME", currency: CurrencyCode = .EUR,
                                date: String = "2026-11-15") -> InvoiceMatch.Invoice {
        InvoiceMatch.Invoice(id: "INV-7", company: "B", supplier: supplier, number: "A-1001", date: date, currency: currency, lines: lines, charges: charges)
    }

    private static func entries(_ decision: InvoiceMatch.Decision) -> [JournalEntry] {
        if case .matched(let entries) = decision { return entries }
        Issue.record("held: \(decision)")
        return []
    }

    @Test func aMatchedInvoicePostsGRNIAtThePOPriceAndTheVarianceAndSplitsItsCharges() throws {
        // 600 at 12.10 against 12.00: 0.83 % over, within 1 %.
        let charges = [LandedCost.Charge(kind: .freight, amount: 100, rule: .weight),
                       LandedCost.Charge(kind: .duty, amount: Decimal(string: "33.33")!, rule: .value)]
        let entries = Self.entries(try InvoiceMatch.decide(Self.invoice(charges: charges), snapshot: Self.snapshot()))
        #expect(entries.map(\.kind) == [.supplierInvoice, .invoicePriceVariance, .landedCost, .landedCost])
        #expect(entries.map(\.source.key) == ["invoice:INV-7:0", "invoice:INV-7:1", "invoice:INV-7:2", "invoice:INV-7:3"])
        #expect(entries.allSatisfy { $0.isBalanced && $0.period == "2026-11" && $0.postingDate == "2026-11-15" })
        // GRNI at PO price: 600 × 12.00 = 7,200.00 and 500 × 0.40 = 200.00.
        #expect(entries[0].lines.map(\.amount) == [720_000, 20_000, -740_000])
        #expect(entries[0].lines.map(\.account) == ["2100", "2100", "2000"])
        #expect(entries[0].lines[0].quantity == 600_000_000 && entries[0].lines[0].item == "RAW")
        // The invoice is 60.00 over: 600 × 0.10.
        #expect(entries[1].lines.map(\.amount) == [6_000, -6_000] && entries[1].lines[0].account == "5400")
        // Freight 100.00 by weight: 1,500 kg and 50 kg → 96.77 and 3.23. Duty 33.33 by value: 7,200 and 200 → 32.43 and 0.90.
        #expect(entries[2].lines.map(\.amount) == [9_677, 323, -10_000] && entries[2].lines.map(\.account) == ["1410", "1410", "2000"])
        #expect(entries[3].lines.map(\.amount) == [3_243, 90, -3_333])
        #expect(entries[2].note == "freight on invoice A-1001")
    }

    @Test func anInvoiceInAnotherCurrencyPostsFunctionalAmountsAtTheDaysRate() throws {
        let rate = AppliedRate(from: .EUR, to: .PLN, kind: .daily, on: "2026-11-15", rate: Decimal(string: "4.3")!, source: "NBP")
        let entries = Self.entries(try InvoiceMatch.decide(Self.invoice(), snapshot: Self.snapshot(functional: .PLN, rate: rate)))
        // 7,200.00 × 4.3 = 30,960.00; 200.00 × 4.3 = 860.00; the variance 60.00 × 4.3 = 258.00.
        #expect(entries[0].lines.map(\.functionalAmount) == [3_096_000, 86_000, -3_182_000])
        #expect(entries[1].lines.map(\.functionalAmount) == [25_800, -25_800])
        #expect(entries.allSatisfy { $0.isBalanced && $0.transactionCurrency == .EUR && $0.functionalCurrency == .PLN })
    }

    @Test func anInvoiceDatedInAClosedPeriodPostsToTheFirstOpenOneKeepingItsDate() throws {
        let entries = Self.entries(try InvoiceMatch.decide(Self.invoice(date: "2026-10-20"), snapshot: Self.snapshot()))
        #expect(entries.allSatisfy { $0.period == "2026-11" && $0.postingDate == "2026-11-01" && $0.originalDate == "2026-10-20" })
        #expect(entries[0].note?.contains("closed period") == true)
    }

    /// Each reason an invoice is held for, and the line it names.
    @Test(arguments: [
        ("price over tolerance", InvoiceMatch.HoldReason.Code.priceOverTolerance, "PO1/1"),
        ("beyond received", .quantityBeyondReceived, "PO1/1"),
        ("unknown line", .unknownOrderLine, "PO9/1"),
        ("other supplier", .otherSupplier, "PO1/1"),
        ("other currency", .currencyDiffers, "PO1/1"),
        ("no weight", .missingWeight, "PO1/2"),
    ])
    func anInvoiceOutsideTheMatchIsHeldWithItsReason(kase: String, code: InvoiceMatch.HoldReason.Code, line: String) throws {
        var snapshot = Self.snapshot()
        var invoice = Self.invoice()
        switch kase {
        case "price over tolerance": invoice.lines[0].unitPrice = Decimal(string: "12.13")!   // 1.08 % over
        case "beyond received": invoice.lines[0].quantity = 601
        case "unknown line": invoice.lines.append(.init(orderLine: "PO9/1", quantity: 1, unitPrice: 1))
        case "other supplier": snapshot.orderLines["PO1/1"]!.supplier = "OTHER"
        case "other currency": snapshot.orderLines["PO1/1"]!.price = Money(amount: 12, currency: .USD)
        default:
            snapshot.orderLines["PO1/2"]!.unitWeight = nil
            invoice.charges = [LandedCost.Charge(kind: .freight, amount: 10, rule: .weight)]
        }
        guard case .held(let reasons) = try InvoiceMatch.decide(invoice, snapshot: snapshot) else {
            Issue.record("\(kase) matched")
            return
        }
        #expect(reasons.map(\.code) == [code])
        #expect(reasons.first?.line == line)
    }

    @Test func anInvoiceWithinToleranceToTheCentMatches() throws {
        // 600 × 12.12 = 7,272.00 is exactly 1 % over 7,200.00: still within.
        var invoice = Self.invoice()
        invoice.lines[0].unitPrice = Decimal(string: "12.12")!
        #expect(Self.entries(try InvoiceMatch.decide(invoice, snapshot: Self.snapshot())).count == 2)
    }

    @Test func aHeldInvoiceIsReleasedOnlyBySomeoneElseAndOnlyForItsPrice() throws {
        var invoice = Self.invoice()
        invoice.lines[0].unitPrice = 13
        #expect(throws: InvoiceMatchReleaseError.refused(InvoiceMatchRefusal(.sameUser, "ann entered the invoice and may not release it too"))) {
            try InvoiceMatch.release(invoice, snapshot: Self.snapshot(), enteredBy: "ann", releasedBy: "ann")
        }
        #expect(InvoiceMatchRefusal(.sameUser, "").problem.status == 403)
        let entries = try InvoiceMatch.release(invoice, snapshot: Self.snapshot(), enteredBy: "ann", releasedBy: "bob")
        // 600 × 1.00 over: 600.00 to the variance.
        #expect(entries.map(\.kind) == [.supplierInvoice, .invoicePriceVariance] && entries[1].lines[0].amount == 60_000)
        #expect(entries[0].note?.hasPrefix("released by bob") == true)

        invoice.lines[0].quantity = 700
        #expect(throws: InvoiceMatchReleaseError.self) {
            do throws(InvoiceMatchReleaseError) {
                _ = try InvoiceMatch.release(invoice, snapshot: Self.snapshot(), enteredBy: "ann", releasedBy: "bob")
            } catch {
                #expect(error.problem.code == InvoiceMatchRefusal.Code.notReleasable.rawValue && error.problem.status == 409)
                throw error
            }
        }
        #expect(throws: InvoiceMatchReleaseError.self) {
            try InvoiceMatch.release(Self.invoice(), snapshot: Self.snapshot(), enteredBy: "ann", releasedBy: "bob")
        }
    }

    /// What the books cannot post, and its refusal code.
    @Test(arguments: [
        ("no lines", AccountingRefusal.Code.invalid), ("zero quantity", .invalid), ("seven decimals", .invalid),
        ("negative charge", .invalid), ("no variance mapping", .missingMapping), ("no rate", .missingRate),
        ("no open period", .noOpenPeriod), ("beyond the ledger", .outOfRange),
    ])
    func whatCannotPostIsRefused(kase: String, code: AccountingRefusal.Code) {
        var invoice = Self.invoice()
        var snapshot = Self.snapshot()
        switch kase {
        case "no lines": invoice.lines = []
        case "zero quantity": invoice.lines[0].quantity = 0
        case "seven decimals": invoice.lines[0].quantity = Decimal(string: "0.0000001")!
        case "negative charge": invoice.charges = [LandedCost.Charge(kind: .duty, amount: -1, rule: .value)]
        case "no variance mapping": snapshot.books.mapping[.invoicePriceVariance] = nil
        case "no rate": snapshot.books.functionalCurrency = .PLN
        case "no open period": snapshot.books.closedPeriods = ["2026-11", "2026-12"]
        default:
            // 600 × 10^17 EUR is more cents than an Int64 holds.
            snapshot.orderLines["PO1/1"]!.price = Money(amount: Decimal(string: "1e17")!, currency: .EUR)
            invoice.lines[0].unitPrice = Decimal(string: "1e17")!
        }
        #expect(throws: AccountingRefusal.self) {
            do throws(AccountingRefusal) {
                _ = try InvoiceMatch.decide(invoice, snapshot: snapshot)
            } catch {
                #expect(error.code == code, "\(kase): \(error.detail)")
                throw error
            }
        }
    }
}
