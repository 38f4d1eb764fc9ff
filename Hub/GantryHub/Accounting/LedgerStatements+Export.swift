import Foundation
import GantryCore

extension LedgerStatements {
    /// The entries posted on the days of the periods `from` through `to`, read a page at a time by `page`, as Core's
    /// entries, with the company's chart.
    func export(from: String, to: String, page: (JournalQuery) async throws -> JournalPage) async throws -> LedgerExport {
        let range = try LedgerReports.range(facts.masters, company: company, from: from, to: to)
        let periods = (facts.masters.periods[company] ?? []).filter { range.periods.contains($0.key) }
        var query = JournalQuery(company: company, from: periods.first?.start, to: periods.last?.end, account: nil, offset: 0, limit: 1000)
        var entries: [JournalEntry] = []
        while true {
            let next = try await page(query)
            entries += try next.entries.map(Self.entry)
            guard let offset = next.next else { break }
            query.offset = offset
        }
        let chart = (facts.masters.accounts[company] ?? [:]).values.map(StatementAccount.init).sorted { $0.account < $1.account }
        return LedgerExport(company: company, entries: entries, chart: chart)
    }

    /// A stored entry as Core's: its source from the key (`kind:reference:part`, the reference of a reversal being
    /// the reversed entry's key).
    static func entry(_ record: JournalEntryRecord) throws -> JournalEntry {
        let parts = record.sourceKey.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 3, let kind = EntrySource.Kind(rawValue: parts[0]), let part = Int(parts[parts.count - 1]),
              let posting = PostingKind(rawValue: record.kind), let transaction = CurrencyCode(code: record.transactionCurrency),
              let functional = CurrencyCode(code: record.functionalCurrency) else {
            throw HubStoreError(.unusable, "journal entry \(record.sourceKey) of \(record.company) is not one this hub reads")
        }
        return JournalEntry(
            company: record.company,
            source: EntrySource(kind: kind, reference: parts[1..<(parts.count - 1)].joined(separator: ":"), plant: record.plant,
                                sequence: record.sequence, part: part),
            kind: posting, postingDate: record.postingDate, period: record.period, originalDate: record.originalDate, note: record.note,
            transactionCurrency: transaction, functionalCurrency: functional, lines: record.lines)
    }
}
