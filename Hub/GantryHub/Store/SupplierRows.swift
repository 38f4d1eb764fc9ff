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
