import Foundation
import GantryCore
import GRDB

/// The consolidation's sums kept on apply, on SQLite (`LedgerConsolidationSums` says what they are): additive
/// upserts in key order like the balances'.
extension SQLiteHubStore {
    static func keepConsolidationSums(_ write: LedgerWrite, in db: Database) throws {
        let sums = LedgerConsolidationSums(write)
        guard !sums.isEmpty else { return }
        let intercompany = try db.cachedStatement(sql: """
            INSERT INTO ledger_intercompany (company, period, partner, kind, account, item, amount, quantity, quantity_lines, entries)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (company, period, partner, kind, account, item) DO UPDATE SET
                amount = amount + excluded.amount, quantity = quantity + excluded.quantity,
                quantity_lines = quantity_lines + excluded.quantity_lines, entries = entries + excluded.entries
            """)
        let entry = try db.cachedStatement(sql: """
            INSERT INTO ledger_intercompany_entries (company, partner, kind, account, item, period, source_key, posting_date)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
            """)
        for sum in sums.intercompany {
            let key = sum.key
            try intercompany.execute(arguments: [
                key.company, key.period, key.partner, key.kind, key.account, key.item, sum.amount, sum.quantity, sum.quantityLines,
                sum.entries.count,
            ])
            for source in sum.entries {
                try entry.execute(arguments: [
                    key.company, key.partner, key.kind, key.account, key.item, key.period, source.sourceKey, source.postingDate,
                ])
            }
        }
        let first = try db.cachedStatement(sql: """
            INSERT INTO ledger_first_postings (company, account, posting_date) VALUES (?, ?, ?)
            ON CONFLICT (company, account) DO UPDATE SET posting_date = excluded.posting_date WHERE excluded.posting_date < posting_date
            """)
        for row in sums.firstPostings {
            try first.execute(arguments: [row.company, row.account, row.day])
        }
        let stock = try db.cachedStatement(sql: """
            INSERT INTO ledger_stock (company, account, item, posting_date, quantity) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (company, account, item, posting_date) DO UPDATE SET quantity = quantity + excluded.quantity
            """)
        for (key, quantity) in sums.stock {
            try stock.execute(arguments: [key.company, key.account, key.item, key.day, quantity])
        }
    }
}
