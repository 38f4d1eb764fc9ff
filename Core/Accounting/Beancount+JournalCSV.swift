import Foundation

extension Beancount {
    /// The header of `journalLinesCSV`.
    public static let journalCSVHeader = [
        "company", "source", "kind", "posting_date", "period", "original_date", "account", "amount", "currency",
        "functional_amount", "functional_currency", "item", "quantity", "trading_partner", "customer", "note",
    ]

    /// The journal as CSV lines (the sibling of the beancount file): the header, then one row per line of every
    /// entry, amounts as decimal text in their currency's places, quantities in base units.
    public static func journalLinesCSV(_ entries: [JournalEntry]) -> String {
        var text = CSV.line(journalCSVHeader)
        for entry in entries {
            for line in entry.lines {
                text += CSV.line([
                    entry.company, entry.source.key, entry.kind.rawValue, entry.postingDate, entry.period, entry.originalDate ?? "",
                    line.account, Money(minorUnits: line.amount, currency: entry.transactionCurrency).amountText, entry.transactionCurrency.code,
                    Money(minorUnits: line.functionalAmount, currency: entry.functionalCurrency).amountText, entry.functionalCurrency.code,
                    line.item ?? "", line.quantity.map { Quantity(micro: $0).description } ?? "", line.tradingPartner ?? "",
                    line.customer ?? "", entry.note ?? "",
                ])
            }
        }
        return text
    }
}
