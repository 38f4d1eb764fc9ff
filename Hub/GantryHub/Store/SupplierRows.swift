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
