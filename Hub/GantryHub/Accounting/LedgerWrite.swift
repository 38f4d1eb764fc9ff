import Foundation
import GantryCore

/// A posting outcome as rows: entries, their lines, the balance changes (summed per company, period, account and
/// currency, so each balance row is touched once), positions, WIP and transit as they now stand, and the held.
struct LedgerWrite: Sendable {
    struct Entry: Sendable {
        var company, sourceKey, sourceKind, reference: String
        var plant: String?
        var sequence: Int64?
        var kind, postingDate, period: String
        var originalDate, note: String?
        var transactionCurrency, functionalCurrency: String
    }

    struct Line: Sendable {
        var company, sourceKey: String
        var number: Int
        var line: JournalLine
    }

    struct BalanceKey: Hashable, Comparable, Sendable {
        var company, period, account, currency: String
        static func < (lhs: Self, rhs: Self) -> Bool {
            (lhs.company, lhs.period, lhs.account, lhs.currency) < (rhs.company, rhs.period, rhs.account, rhs.currency)
        }
    }

    struct BalanceChange: Sendable {
        var key: BalanceKey
        var debit: Int64 = 0, credit: Int64 = 0, transactionDebit: Int64 = 0, transactionCredit: Int64 = 0
    }

    var entries: [Entry] = []
    var lines: [Line] = []
    var balances: [BalanceChange] = []
    var positions: [(key: ValuationKey, value: StockPosition)]
    var workInProgress: [(key: PlantWorkOrder, value: WorkInProgress)]
    var inTransit: [(key: TransitLine, value: TransitValue)]
    var held: [HeldPosting]

    init(_ outcome: PostingOutcome) {
        var sums: [BalanceKey: BalanceChange] = [:]
        for entry in outcome.entries {
            let key = entry.source.key
            entries.append(Entry(
                company: entry.company, sourceKey: key, sourceKind: entry.source.kind.rawValue, reference: entry.source.reference,
                plant: entry.source.plant, sequence: entry.source.sequence, kind: entry.kind.rawValue, postingDate: entry.postingDate,
                period: entry.period, originalDate: entry.originalDate, note: entry.note,
                transactionCurrency: entry.transactionCurrency.code, functionalCurrency: entry.functionalCurrency.code))
            for (number, line) in entry.lines.enumerated() {
                lines.append(Line(company: entry.company, sourceKey: key, number: number + 1, line: line))
                let balance = BalanceKey(
                    company: entry.company, period: entry.period, account: line.account, currency: entry.transactionCurrency.code)
                var change = sums[balance] ?? BalanceChange(key: balance)
                if line.functionalAmount >= 0 { change.debit += line.functionalAmount } else { change.credit -= line.functionalAmount }
                if line.amount >= 0 { change.transactionDebit += line.amount } else { change.transactionCredit -= line.amount }
                sums[balance] = change
            }
        }
        balances = sums.values.sorted { $0.key < $1.key }
        positions = outcome.positions.sorted { $0.key < $1.key }
        workInProgress = outcome.workInProgress.sorted { $0.key < $1.key }
        inTransit = outcome.inTransit.sorted { $0.key < $1.key }
        held = outcome.held
    }

    /// A work order's issued material as stored: canonical JSON of millionths per item.
    static func issuedText(_ issued: [String: Int64]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(issued)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
    }

    static func issued(_ text: String) -> [String: Int64] {
        guard let data = text.data(using: .utf8), let issued = try? JSONDecoder().decode([String: Int64].self, from: data) else { return [:] }
        return issued
    }
}
