import Foundation

/// The ledger written for plain-text accounting: a beancount file `bean-check` accepts, and CSV journal lines.
/// One file holds one company's entries (one functional currency). docs/consolidation.md shows an example.
public enum Beancount {
    /// `entries` of one company as a beancount file: `option "operating_currency"`, an `open` directive for every
    /// account used (dated on the first entry's day), then one transaction per entry, in posting order, its lines
    /// in the functional currency and its source, kind, period and company as metadata. Accounts go under the
    /// root of their type (`Assets:`, `Liabilities:`, `Equity:`, `Income:`, `Expenses:`) by `chart`; an account
    /// the chart lacks, or entries in more than one functional currency, are refused by name.
    public static func file(_ entries: [JournalEntry], chart: [StatementAccount], title: String? = nil) throws(AccountingRefusal) -> String {
        let currencies = Set(entries.map(\.functionalCurrency))
        guard currencies.count <= 1 else {
            throw AccountingRefusal(.invalid, "one beancount file holds one functional currency; got \(currencies.map(\.code).sorted().joined(separator: ", "))")
        }
        let names = try BeancountNames(entries: entries, chart: chart)
        let ordered = entries.enumerated().sorted { ($0.element.postingDate, $0.offset) < ($1.element.postingDate, $1.offset) }.map(\.element)
        var text = ""
        if let title { text += "option \"title\" \(quoted(title))\n" }
        if let currency = currencies.first { text += "option \"operating_currency\" \"\(currency.code)\"\n" }
        if let first = ordered.first {
            text += "\n"
            for account in names.used { text += "\(first.postingDate) open \(names.name(of: account))\n" }
        }
        for entry in ordered { text += "\n" + transaction(entry, names) }
        return text
    }

    private static func transaction(_ entry: JournalEntry, _ names: BeancountNames) -> String {
        var narration = "\(entry.kind.rawValue) \(entry.source.key)"
        if let note = entry.note { narration += ": \(note)" }
        var text = "\(entry.postingDate) * \(quoted(narration))\n"
        var metadata: [(String, String)] = [("source", entry.source.key), ("kind", entry.kind.rawValue), ("company", entry.company),
                                            ("period", entry.period)]
        if let plant = entry.source.plant { metadata.append(("plant", plant)) }
        if let sequence = entry.source.sequence { metadata.append(("sequence", "\(sequence)")) }
        if let original = entry.originalDate { metadata.append(("original-date", original)) }
        if entry.transactionCurrency != entry.functionalCurrency { metadata.append(("transaction-currency", entry.transactionCurrency.code)) }
        for (key, value) in metadata { text += "  \(key): \(quoted(value))\n" }
        for line in entry.lines {
            let amount = Money(minorUnits: line.functionalAmount, currency: entry.functionalCurrency)
            text += "  \(names.name(of: line.account))  \(amount.amountText) \(entry.functionalCurrency.code)\n"
        }
        return text
    }

    /// A beancount string: backslashes and quotes escaped, line breaks as spaces.
    static func quoted(_ text: String) -> String {
        let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
        return "\"\(escaped)\""
    }
}
