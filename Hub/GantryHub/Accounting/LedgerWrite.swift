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
    /// GRNI changes summed per purchase order line (`ledger_grni`, added to what is kept), in key order.
    var grni: [GRNIRow] = []
    /// Position changes summed per position and period (`ledger_position_periods`, added to what is kept), in key order.
    var positionPeriods: [PositionChange] = []
    /// Transit changes summed per transfer line and period (`ledger_transit_periods`), in key order.
    var transitPeriods: [TransitChange] = []
    var held: [HeldPosting]

    struct GRNIRow: Sendable {
        var plant, order: String
        var line: Int
        var company: String
        var change: GRNIBalance
    }

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
        grni = Self.grniRows(outcome.grni)
        positionPeriods = Self.positionPeriods(outcome.positionChanges)
        transitPeriods = Self.transitPeriods(outcome.transitChanges)
        held = outcome.held
    }

    /// One change per position and period, its changes summed (zero sums left out), so PostgreSQL's `ON CONFLICT`
    /// meets each row once.
    static func positionPeriods(_ changes: [PositionChange]) -> [PositionChange] {
        summed(changes, by: { "\($0.key.company)\u{1F}\($0.key.plant)\u{1F}\($0.key.item)\u{1F}\($0.period)" }) {
            $0.quantity += $1.quantity
            $0.value += $1.value
        }.filter { $0.quantity != 0 || $0.value != 0 }.sorted { ($0.key, $0.period) < ($1.key, $1.period) }
    }

    /// One change per transfer line and period, summed as `positionPeriods` are.
    static func transitPeriods(_ changes: [TransitChange]) -> [TransitChange] {
        summed(changes, by: { "\($0.line.transfer)\u{1F}\($0.line.line)\u{1F}\($0.period)" }) {
            $0.company = $1.company
            $0.quantity += $1.quantity
            $0.value += $1.value
        }.filter { $0.quantity != 0 || $0.value != 0 }.sorted { ($0.line, $0.period) < ($1.line, $1.period) }
    }

    /// `changes` summed per `key`, each sum starting from the key's first change.
    private static func summed<Change>(
        _ changes: [Change], by key: (Change) -> String, adding add: (inout Change, Change) -> Void
    ) -> [Change] {
        var sums: [String: Change] = [:]
        for change in changes {
            let name = key(change)
            if var sum = sums[name] {
                add(&sum, change)
                sums[name] = sum
            } else {
                sums[name] = change
            }
        }
        return Array(sums.values)
    }

    /// One row per purchase order line, its changes summed (a line that is not `ORDER/LINE` is not kept), keyed as
    /// stored, so two spellings of one line (`PO/1`, `PO/01`) meet PostgreSQL's `ON CONFLICT` once.
    static func grniRows(_ changes: [GRNIChange]) -> [GRNIRow] {
        var rows: [String: GRNIRow] = [:]
        for change in changes {
            guard let split = LedgerPosting.orderLine(change.line) else { continue }
            let key = "\(change.line.plant)\u{1F}\(split.order)\u{1F}\(split.line)"
            var row = rows[key] ?? GRNIRow(plant: change.line.plant, order: split.order, line: split.line, company: change.company, change: GRNIBalance())
            row.change = row.change + change.change
            rows[key] = row
        }
        return rows.sorted { $0.key < $1.key }.map(\.value)
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
