import Foundation
import GantryCore

/// The invoice reports, computed alike from what either database read: GRNI ageing and open invoices.
enum InvoiceReports {
    /// A receipt (or, negative, a return) against a purchase order line of the company, with the line's terms.
    struct ReceiptRow: Sendable {
        var plant: String
        var order: String
        var line: Int
        var supplier: String
        var item: String
        var price: String?
        var currency: String?
        var quantity: Int64
        var receivedAt: Date
        var timeZone: String
    }

    /// What of a line is invoiced on posted invoices dated on or before the report's day, in millionths.
    struct InvoicedRow: Sendable {
        var plant: String
        var order: String
        var line: Int
        var quantity: Int64
    }

    /// Received and not invoiced per line at `at`: invoiced quantities and returns are matched against the oldest
    /// receipts first (first in, first out); what is left of each receipt is valued at the PO price, converted at
    /// the daily rate of its receipt day (as the receipt posted), and aged from that day: 0-30, 31-60, 61-90, over 90.
    static func grniAgeing(company: String, at: String, receipts: [ReceiptRow], invoiced: [InvoicedRow],
                           masters: LedgerMasters) throws -> GRNIAgeingReport {
        guard let functional = masters.companies[company]?.currency else {
            throw AccountingRefusal(.unknownCompany, "company \(company) keeps no books at the hub (no company master or no fiscal period)")
        }
        guard let atDay = DemandInstruction.day(at) else { throw AccountingRefusal(.invalid, "at is a date YYYY-MM-DD, got \"\(at)\"") }
        struct Key: Hashable, Comparable {
            var plant, order: String
            var line: Int
            static func < (lhs: Self, rhs: Self) -> Bool { (lhs.plant, lhs.order, lhs.line) < (rhs.plant, rhs.order, rhs.line) }
        }
        var consumed: [Key: Int64] = [:]
        for row in invoiced { consumed[Key(plant: row.plant, order: row.order, line: row.line), default: 0] += row.quantity }
        var byLine: [Key: [(row: ReceiptRow, day: String)]] = [:]
        for row in receipts {
            let day = Self.day(row.receivedAt, zone: masters.timeZone(of: row.plant, enrolled: row.timeZone))
            guard day <= at else { continue }
            let key = Key(plant: row.plant, order: row.order, line: row.line)
            if row.quantity < 0 { consumed[key, default: 0] -= row.quantity } else { byLine[key, default: []].append((row, day)) }
        }
        var lines: [GRNIAgeingReport.Line] = []
        var total = [Int64](repeating: 0, count: 4)
        for key in byLine.keys.sorted() {
            var left = consumed[key] ?? 0
            var buckets = [Int64](repeating: 0, count: 4), quantity: Int64 = 0, oldest: String?
            for (row, day) in byLine[key]!.sorted(by: { $0.row.receivedAt < $1.row.receivedAt }) {
                let taken = min(left, row.quantity)
                left -= taken
                let open = row.quantity - taken
                guard open > 0 else { continue }
                guard let price = LedgerPosting.price(row.price, currency: row.currency) else {
                    throw AccountingRefusal(.missingPrice, "purchase order line \(row.order)/\(row.line) at \(row.plant) has no price")
                }
                let value = Money(amount: price.amount * Quantity(micro: open).decimal, currency: price.currency).roundedToMinorUnit()
                guard let minor = value.minorUnits else { throw AccountingRefusal(.outOfRange, "\(value.amount) is beyond the ledger") }
                var converted = minor
                if price.currency != functional {
                    let rate = try masters.rates.daily(from: price.currency, to: functional, on: day)
                    let exchanged = Money(amount: value.amount * rate.rate, currency: functional).roundedToMinorUnit()
                    guard let amount = exchanged.minorUnits else { throw AccountingRefusal(.outOfRange, "\(exchanged.amount) is beyond the ledger") }
                    converted = amount
                }
                let age = Int((atDay.timeIntervalSince(DemandInstruction.day(day) ?? atDay) / 86_400).rounded())
                let bucket = age <= 30 ? 0 : age <= 60 ? 1 : age <= 90 ? 2 : 3
                buckets[bucket] += converted
                quantity += open
                oldest = oldest ?? day
            }
            guard quantity > 0, let first = byLine[key]?.first?.row else { continue }
            for index in 0..<4 { total[index] += buckets[index] }
            lines.append(GRNIAgeingReport.Line(
                plant: key.plant, orderLine: "\(key.order)/\(key.line)", supplier: first.supplier, item: first.item,
                quantity: "\(Quantity(micro: quantity).decimal)", oldestReceipt: oldest ?? at, value: Self.buckets(buckets, functional)))
        }
        return GRNIAgeingReport(company: company, at: at, currency: functional.code, lines: lines, total: Self.buckets(total, functional))
    }

    /// The posted invoices, each open (no payments are recorded yet), due on their date.
    static func openInvoices(company: String, posted: [SupplierInvoiceRecord]) -> OpenInvoicesReport {
        OpenInvoicesReport(company: company, invoices: posted.filter { $0.status == InvoiceFlow.posted }.map {
            OpenInvoicesReport.Line(supplier: $0.supplier, number: $0.number, date: $0.date, dueDate: $0.dueDate, amount: $0.amount,
                                    currency: $0.currency)
        })
    }

    private static func buckets(_ values: [Int64], _ currency: CurrencyCode) -> GRNIAgeingReport.Buckets {
        let exponent = currency.minorUnitExponent
        return GRNIAgeingReport.Buckets(
            days0to30: MinorUnits.major(values[0], exponent), days31to60: MinorUnits.major(values[1], exponent),
            days61to90: MinorUnits.major(values[2], exponent), over90: MinorUnits.major(values[3], exponent),
            total: MinorUnits.major(values.reduce(0, +), exponent))
    }

    /// The `YYYY-MM-DD` day of `date` in `zone` (UTC when the zone is unknown).
    static func day(_ date: Date, zone: String) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: zone) ?? TimeZone(secondsFromGMT: 0)!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04ld-%02ld-%02ld", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }
}
