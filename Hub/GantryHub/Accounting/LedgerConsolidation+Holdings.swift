import Foundation
import GantryCore

/// The intercompany stock a consolidation eliminates the unrealised profit of (`LedgerConsolidation`'s rules).
extension LedgerConsolidation {
    /// The accounts and items whose quantity at the end of the range (and before its start) the holdings need.
    static func stockNeeds(_ plan: Plan, masters: LedgerMasters, facts: Facts) -> [StockKey] {
        var keys: Set<StockKey> = []
        for (buyer, sums) in facts.intercompany {
            for kept in sums where kept.sum.kind == .intercompanyPurchase {
                guard let item = kept.sum.item else { continue }
                for account in holdingAccounts(buyer, masters) { keys.insert(StockKey(company: buyer, account: account, item: item)) }
            }
        }
        return keys.sorted { ($0.company, $0.account, $0.item) < ($1.company, $1.account, $1.item) }
    }

    /// The buyer's in-transit and inventory accounts for intercompany goods.
    static func holdingAccounts(_ buyer: String, _ masters: LedgerMasters) -> [String] {
        [masters.mappings[buyer]?[.intercompanyPurchase]?.debit, masters.mappings[buyer]?[.transitReceipt]?.debit].compactMap { $0 }
    }

    /// Per buyer, item and seller, the quantity the buyer bought from the seller in its periods through the range
    /// (`periods` nil), or in `periods` only (those before the range).
    static func bought(_ facts: Facts, in periods: [String: [String]]?) -> [String: [String: [String: Int64]]] {
        var bought: [String: [String: [String: Int64]]] = [:]
        for (buyer, sums) in facts.intercompany {
            let wanted = periods.map { Set($0[buyer] ?? []) }
            for kept in sums where kept.sum.kind == .intercompanyPurchase && wanted?.contains(kept.period) != false {
                guard let item = kept.sum.item, let quantity = kept.sum.quantity else { continue }
                bought[buyer, default: [:]][item, default: [:]][kept.sum.tradingPartner, default: 0] += quantity
            }
        }
        return bought
    }

    /// Per buyer, seller and item: what is still on the buyer's in-transit account, then its inventory (`quantities`),
    /// at most what it `bought` from the seller.
    static func holdings(_ bought: [String: [String: [String: Int64]]], _ quantities: [StockKey: Int64],
                         masters: LedgerMasters) -> [IntragroupHolding] {
        var holdings: [IntragroupHolding] = []
        for buyer in bought.keys.sorted() {
            for item in bought[buyer]!.keys.sorted() {
                var remaining = holdingAccounts(buyer, masters).map { ($0, max(quantities[StockKey(company: buyer, account: $0, item: item)] ?? 0, 0)) }
                for seller in bought[buyer]![item]!.keys.sorted() {
                    var left = bought[buyer]![item]![seller]!
                    for index in remaining.indices where left > 0 {
                        let held = min(left, remaining[index].1)
                        guard held > 0 else { continue }
                        holdings.append(IntragroupHolding(seller: seller, buyer: buyer, item: item, account: remaining[index].0, quantity: held))
                        remaining[index].1 -= held
                        left -= held
                    }
                }
            }
        }
        return holdings
    }
}
