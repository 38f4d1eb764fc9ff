import Foundation
import GantryCore
import PostgresNIO

/// The consolidation's sums kept on apply, on PostgreSQL (`LedgerConsolidationSums` says what they are): one
/// statement per table, arrays bound and unnested, additive upserts in key order like the balances'.
extension PostgresHubStore {
    static func keepConsolidationSums(_ write: LedgerWrite, in connection: PostgresConnection, logger: Logger) async throws {
        let sums = LedgerConsolidationSums(write)
        let intercompany = sums.intercompany, keys = intercompany.map(\.key)
        if !intercompany.isEmpty {
            try await connection.query("""
                INSERT INTO ledger_intercompany (company, period, partner, kind, account, item, amount, quantity, quantity_lines, entries)
                SELECT * FROM unnest(\(keys.map(\.company)), \(keys.map(\.period)), \(keys.map(\.partner)), \(keys.map(\.kind)),
                                     \(keys.map(\.account)), \(keys.map(\.item)), \(intercompany.map(\.amount)), \(intercompany.map(\.quantity)),
                                     \(intercompany.map(\.quantityLines)), \(intercompany.map { Int64($0.entries.count) }))
                ON CONFLICT (company, period, partner, kind, account, item) DO UPDATE SET
                    amount = ledger_intercompany.amount + excluded.amount, quantity = ledger_intercompany.quantity + excluded.quantity,
                    quantity_lines = ledger_intercompany.quantity_lines + excluded.quantity_lines,
                    entries = ledger_intercompany.entries + excluded.entries
                """, logger: logger)
            let rows = intercompany.flatMap { sum in sum.entries.map { (key: sum.key, entry: $0) } }
            try await connection.query("""
                INSERT INTO ledger_intercompany_entries (company, partner, kind, account, item, period, source_key, posting_date)
                SELECT * FROM unnest(\(rows.map { $0.key.company }), \(rows.map { $0.key.partner }), \(rows.map { $0.key.kind }), \(rows.map { $0.key.account }),
                                     \(rows.map { $0.key.item }), \(rows.map { $0.key.period }), \(rows.map { $0.entry.sourceKey }),
                                     \(rows.map { $0.entry.postingDate }))
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
        let first = sums.firstPostings
        if !first.isEmpty {
            try await connection.query("""
                INSERT INTO ledger_first_postings (company, account, posting_date)
                SELECT * FROM unnest(\(first.map { $0.company }), \(first.map { $0.account }), \(first.map { $0.day }))
                ON CONFLICT (company, account) DO UPDATE SET posting_date = excluded.posting_date
                WHERE excluded.posting_date COLLATE "C" < ledger_first_postings.posting_date COLLATE "C"
                """, logger: logger)
        }
        let stock = sums.stock
        if !stock.isEmpty {
            try await connection.query("""
                INSERT INTO ledger_stock (company, account, item, posting_date, quantity)
                SELECT * FROM unnest(\(stock.map { $0.key.company }), \(stock.map { $0.key.account }), \(stock.map { $0.key.item }),
                                     \(stock.map { $0.key.day }), \(stock.map { $0.quantity }))
                ON CONFLICT (company, account, item, posting_date) DO UPDATE SET quantity = ledger_stock.quantity + excluded.quantity
                """, logger: logger)
        }
    }
}
