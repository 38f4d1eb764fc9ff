import Foundation

/// A purchase price or lead time far from its history, with everything that made it an outlier.
public struct SupplierAnomaly: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        /// The unit price a line was placed at.
        case price
        /// Days from the order to the receipt completing the line.
        case leadTime = "lead-time"
    }

    /// Whose history the value was judged against.
    public enum Basis: String, Sendable, Codable {
        /// Earlier lines of the same supplier and item.
        case supplierItem = "supplier-item"
        /// Earlier lines of the item from every supplier (the supplier's own history was too short).
        case item
    }

    /// One earlier value the verdict was computed from.
    public struct HistoryEntry: Sendable, Equatable, Codable {
        public var plant: String
        public var order: String
        public var line: Int
        public var supplier: String
        /// When the line was ordered (price) or received in full (lead time).
        public var at: Date
        public var value: Decimal
    }

    public var kind: Kind
    public var company: String
    public var supplier: String
    public var item: String
    public var plant: String
    public var order: String
    public var line: Int
    public var at: Date
    /// For prices: the currency of the value and of its whole history.
    public var currency: String?
    public var basis: Basis
    public var test: OutlierTest
    /// Oldest first; at most `SupplierPerformance.historyLimit` of the latest earlier lines.
    public var history: [HistoryEntry]
    public var explanation: String
}

extension SupplierPerformance {
    /// The most recent earlier lines a value is judged against.
    public static let historyLimit = 50

    private struct Point {
        var line: SupplierLineRecord
        var at: Date
        var value: Decimal
    }

    /// Prices of lines ordered in `[from, to)` and lead times of lines received in full in it that lie beyond
    /// the threshold from their history (see `RobustStatistics.judge`). A history is the same company's
    /// earlier lines of the same supplier and item (prices: in the same currency), or of the item from every
    /// supplier when the supplier's own are fewer than `RobustStatistics.minimumHistory`.
    public func anomalies(from: Date, to: Date) -> [SupplierAnomaly] {
        let prices = lines.compactMap { line in line.price.map { Point(line: line, at: line.orderedAt, value: $0) } }
        let leadTimes = lines.compactMap { line -> Point? in
            guard let completed = line.completedAt, let days = line.actualLeadTimeDays else { return nil }
            return Point(line: line, at: completed, value: Decimal(days))
        }
        let flags = Self.flags(.price, prices, from: from, to: to) + Self.flags(.leadTime, leadTimes, from: from, to: to)
        return flags.sorted { ($0.company, $0.supplier, $0.item, $0.at, $0.kind.rawValue) < ($1.company, $1.supplier, $1.item, $1.at, $1.kind.rawValue) }
    }

    private static func flags(_ kind: SupplierAnomaly.Kind, _ points: [Point], from: Date, to: Date) -> [SupplierAnomaly] {
        // Per company, item and (for prices) currency: histories never cross a company or mix currencies.
        let groups = Dictionary(grouping: points) { "\($0.line.company)\u{1F}\($0.line.item)\u{1F}\(kind == .price ? $0.line.currency ?? "" : "")" }
        var flagged: [SupplierAnomaly] = []
        for group in groups.values {
            let ordered = group.sorted { ($0.at, $0.line.plant, $0.line.order, $0.line.line) < ($1.at, $1.line.plant, $1.line.order, $1.line.line) }
            let bySupplier = Dictionary(grouping: ordered) { $0.line.supplier }
            for point in ordered where point.at >= from && point.at < to {
                // Sorted by time, so the earlier lines are a prefix: found by bisection, not by a scan per line.
                var basis = SupplierAnomaly.Basis.supplierItem
                let own = bySupplier[point.line.supplier] ?? []
                var history = Array(own[..<earlierCount(own, before: point.at)].suffix(historyLimit))
                if history.count < RobustStatistics.minimumHistory {
                    basis = .item
                    history = Array(ordered[..<earlierCount(ordered, before: point.at)].suffix(historyLimit))
                }
                guard let test = RobustStatistics.judge(point.value, against: history.map(\.value)), test.isOutlier else { continue }
                flagged.append(anomaly(kind, point, basis: basis, test: test, history: history))
            }
        }
        return flagged
    }

    /// How many of `points` (sorted by time) are strictly before `instant`.
    private static func earlierCount(_ points: [Point], before instant: Date) -> Int {
        var low = 0, high = points.count
        while low < high {
            let middle = (low + high) / 2
            if points[middle].at < instant { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private static func anomaly(
        _ kind: SupplierAnomaly.Kind, _ point: Point, basis: SupplierAnomaly.Basis, test: OutlierTest, history: [Point]
    ) -> SupplierAnomaly {
        let line = point.line
        let currency = kind == .price ? line.currency : nil
        let unit = kind == .price ? (currency.map { " \($0)" } ?? "") : " days"
        let whose = basis == .supplierItem ? "\(line.supplier)'s" : "every supplier's"
        let what = "\(kind == .price ? "price" : "lead time") \(point.value)\(unit) of \(line.plant) order \(line.order) line \(line.line)"
        let against = "the \(history.count) earlier lines of \(whose) \(line.item)"
        let explanation = switch test.method {
        case .constantHistory:
            "\(what) differs from \(against), which were all \(test.median)\(unit)"
        case .mad, .meanAbsoluteDeviation:
            "\(what) scores \(test.score ?? 0) against \(against): |value − median \(test.median)| / spread \(test.spread) "
                + "(\(test.method == .mad ? "1.4826 × MAD \(test.mad)" : "1.253314 × mean absolute deviation, the MAD being 0")) "
                + "is above \(test.threshold)"
        }
        return SupplierAnomaly(
            kind: kind, company: line.company, supplier: line.supplier, item: line.item, plant: line.plant, order: line.order,
            line: line.line, at: point.at, currency: currency, basis: basis, test: test,
            history: history.map {
                .init(plant: $0.line.plant, order: $0.line.order, line: $0.line.line, supplier: $0.line.supplier, at: $0.at, value: $0.value)
            },
            explanation: explanation)
    }
}
