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

    /// `lines` with their receipts, oldest first.
    static func performance(
        lines: [SupplierLineRecord], receipts: [Receipt], nonconformances: [SupplierNonconformanceRecord]
    ) -> SupplierPerformance {
        var byLine: [String: [SupplierLineRecord.Receipt]] = [:]
        for row in receipts { byLine["\(row.plant)\u{1F}\(row.order)\u{1F}\(row.line)", default: []].append(row.receipt) }
        let complete = lines.map { line in
            var line = line
            line.receipts = (byLine["\(line.plant)\u{1F}\(line.order)\u{1F}\(line.line)"] ?? []).sorted { $0.at < $1.at }
            return line
        }
        return SupplierPerformance(lines: complete, nonconformances: nonconformances)
    }
}
