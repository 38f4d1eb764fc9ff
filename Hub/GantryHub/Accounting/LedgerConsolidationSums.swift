import Foundation
import GantryCore

/// What the group consolidation reads, kept on apply in the posting's transaction next to `ledger_balances`
/// (docs/consolidation.md, "At the hub"; migration 12), so it never reads journal lines:
/// - `ledger_intercompany`: per company, period, trading partner, entry kind, account and item ('' for none), the
///   functional amount and quantity of the lines carrying that partner, how many of them carry a quantity, and how
///   many entries they are in. An intercompany sale's revenue line carries no quantity: it takes the quantity of the
///   next inventory line of its item in the intercompany cost-of-sales entry of the same event (entries in key order,
///   lines in line order), as the consolidation always counted it.
/// - `ledger_intercompany_entries`: the entries behind each of those sums, for the drill-down.
/// - `ledger_first_postings`: per company and account, the first posting day (equity at historical rates).
/// - `ledger_stock`: per company, account, item and posting day, the net quantity of the lines (stock still held).
///
/// Each write sums its own rows once per key, in key order, so the upserts are additive like the balances'. The
/// migration's backfill and the benchmark's bulk load build the same rows from journal lines with `SQL` below.
struct LedgerConsolidationSums: Sendable {
    struct IntercompanyKey: Hashable, Comparable, Sendable {
        var company, period, partner, kind, account, item: String
        static func < (lhs: Self, rhs: Self) -> Bool {
            (lhs.company, lhs.period, lhs.partner, lhs.kind, lhs.account, lhs.item)
                < (rhs.company, rhs.period, rhs.partner, rhs.kind, rhs.account, rhs.item)
        }
    }

    struct Intercompany: Sendable {
        var key: IntercompanyKey
        var amount: Int64 = 0, quantity: Int64 = 0, quantityLines: Int64 = 0
        var entries: [(sourceKey: String, postingDate: String)] = []
    }

    struct DayKey: Hashable, Comparable, Sendable {
        var company, account, item, day: String
        static func < (lhs: Self, rhs: Self) -> Bool {
            (lhs.company, lhs.account, lhs.item, lhs.day) < (rhs.company, rhs.account, rhs.item, rhs.day)
        }
    }

    var intercompany: [Intercompany] = []
    /// Per company and account, the earliest posting day of this write.
    var firstPostings: [(company: String, account: String, day: String)] = []
    var stock: [(key: DayKey, quantity: Int64)] = []

    var isEmpty: Bool { intercompany.isEmpty && firstPostings.isEmpty && stock.isEmpty }

    init(_ write: LedgerWrite) {
        var entries: [String: LedgerWrite.Entry] = [:]
        for entry in write.entries { entries[entry.company + "\u{0}" + entry.sourceKey] = entry }
        let lines = write.lines.sorted { ($0.company, $0.sourceKey, $0.number) < ($1.company, $1.sourceKey, $1.number) }
        // The quantities shipped per company, event and item, in order, for the sale's revenue lines.
        var shipped: [String: [Int64]] = [:]
        for line in lines {
            guard let entry = entries[line.company + "\u{0}" + line.sourceKey], entry.kind == PostingKind.intercompanyCostOfSales.rawValue,
                  line.line.tradingPartner != nil, let item = line.line.item, let quantity = line.line.quantity else { continue }
            shipped[Self.queue(entry, item), default: []].append(-quantity)
        }
        var intercompany: [IntercompanyKey: Intercompany] = [:]
        var first: [String: (company: String, account: String, day: String)] = [:]
        var stock: [DayKey: Int64] = [:]
        for line in lines {
            guard let entry = entries[line.company + "\u{0}" + line.sourceKey] else { continue }
            let value = line.line
            let firstKey = line.company + "\u{0}" + value.account
            if first[firstKey].map({ entry.postingDate < $0.day }) ?? true { first[firstKey] = (line.company, value.account, entry.postingDate) }
            if let item = value.item, let quantity = value.quantity {
                stock[DayKey(company: line.company, account: value.account, item: item, day: entry.postingDate), default: 0] += quantity
            }
            guard let partner = value.tradingPartner else { continue }
            var quantity = value.quantity
            if quantity == nil, entry.kind == PostingKind.intercompanySale.rawValue, let item = value.item,
               let next = shipped[Self.queue(entry, item)]?.first {
                quantity = next
                shipped[Self.queue(entry, item)]?.removeFirst()
            }
            let key = IntercompanyKey(company: line.company, period: entry.period, partner: partner, kind: entry.kind, account: value.account,
                                      item: value.item ?? "")
            var sum = intercompany[key] ?? Intercompany(key: key)
            sum.amount += value.functionalAmount
            if let quantity {
                sum.quantity += quantity
                sum.quantityLines += 1
            }
            if sum.entries.last?.sourceKey != line.sourceKey { sum.entries.append((line.sourceKey, entry.postingDate)) }
            intercompany[key] = sum
        }
        self.intercompany = intercompany.values.sorted { $0.key < $1.key }
        firstPostings = first.values.sorted { ($0.company, $0.account) < ($1.company, $1.account) }
        self.stock = stock.keys.sorted().map { (key: $0, quantity: stock[$0]!) }
    }

    private static func queue(_ entry: LedgerWrite.Entry, _ item: String) -> String {
        entry.company + "\u{0}" + entry.reference + "\u{0}" + item
    }
}
