import Foundation

/// Freight, duty and insurance on a supplier invoice, capitalised into the inventory of the receipt lines it is
/// invoiced with, split by a stated rule so the parts sum exactly to the charge.
public enum LandedCost {
    public enum Kind: String, Sendable, Codable, CaseIterable { case freight, duty, insurance }

    /// How a charge is split over the invoice's lines: by quantity, by PO value (quantity × PO price), or by
    /// weight (quantity × the item's unit weight).
    public enum Rule: String, Sendable, Codable, CaseIterable { case quantity, value, weight }

    /// One charge on an invoice, in the invoice's currency.
    public struct Charge: Sendable, Equatable, Codable {
        public var kind: Kind
        public var amount: Decimal
        public var rule: Rule

        public init(kind: Kind, amount: Decimal, rule: Rule) {
            self.kind = kind
            self.amount = amount
            self.rule = rule
        }
    }

    /// `amount` minor units split over `weights` in proportion, by largest remainder: each part is the whole
    /// minor units of its exact share, and the units left over go one each to the largest remainders (the
    /// earlier line first on a tie), so the parts sum to `amount` exactly. A negative amount splits as its
    /// magnitude, negated. Weights must be zero or more with a positive sum.
    public static func allocate(_ amount: Int64, over weights: [Decimal]) throws(AccountingRefusal) -> [Int64] {
        let total = weights.reduce(Decimal(0), +)
        guard !weights.isEmpty, weights.allSatisfy({ $0 >= 0 }), total > 0 else {
            throw AccountingRefusal(.invalid, "a charge is split over weights of zero or more that sum above zero; got \(weights)")
        }
        let magnitude = amount.magnitude
        var parts: [Int64] = [], remainders: [(Decimal, Int)] = []
        for (index, weight) in weights.enumerated() {
            var exact = Decimal(magnitude) * weight / total, whole = Decimal()
            NSDecimalRound(&whole, &exact, 0, .down)
            parts.append(NSDecimalNumber(decimal: whole).int64Value)
            remainders.append((exact - whole, index))
        }
        var left = Int64(magnitude) - parts.reduce(0, +)
        for (_, index) in remainders.sorted(by: { $0.0 > $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }) where left > 0 {
            parts[index] += 1
            left -= 1
        }
        return amount < 0 ? parts.map { -$0 } : parts
    }
}
