import Foundation
import GantryCore

/// Puts the rows both backends read for supplier scorecards together the same way.
enum SupplierRows {
    /// A receipt row with the line it belongs to.
    struct Receipt {
        var plant: String
        var order: String
        var line: Int
        var receipt: SupplierLineRecord.Receipt
    }

    /// The due dates (`YYYY-MM-DD`) a line due in `[from, to)` can have in any plant's time zone: a plant's day
    /// starts between 14 hours before and 12 hours after the UTC day of the same date, so one UTC day either side
    /// covers every zone. The rows are only narrowed by it; Core decides exactly in the plant's zone.
    static func dueDays(from: Date, to: Date) -> (first: String, last: String) {
        let day: TimeInterval = 86_400  // UTC days: no clock changes
        return (String(Timestamp.format(from - day).prefix(10)), String(Timestamp.format(to + day).prefix(10)))
    }

    /// `lines` with their receipts and returns (rows of a negative quantity), oldest first.
    static func performance(
        lines: [SupplierLineRecord], receipts: [Receipt], nonconformances: [SupplierNonconformanceRecord]
    ) -> SupplierPerformance {
        var byLine: [String: [SupplierLineRecord.Receipt]] = [:], returnsByLine: [String: [SupplierLineRecord.Receipt]] = [:]
        for row in receipts {
            let key = "\(row.plant)\u{1F}\(row.order)\u{1F}\(row.line)"
            if row.receipt.quantity < .zero {
                returnsByLine[key, default: []].append(.init(at: row.receipt.at, quantity: .zero - row.receipt.quantity))
            } else {
                byLine[key, default: []].append(row.receipt)
            }
        }
        let complete = lines.map { line in
            var line = line
            let key = "\(line.plant)\u{1F}\(line.order)\u{1F}\(line.line)"
            line.receipts = (byLine[key] ?? []).sorted { $0.at < $1.at }
            line.returns = (returnsByLine[key] ?? []).sorted { $0.at < $1.at }
            return line
        }
        return SupplierPerformance(lines: complete, nonconformances: nonconformances)
    }
}
