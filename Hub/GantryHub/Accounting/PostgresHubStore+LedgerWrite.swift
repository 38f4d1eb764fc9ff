import Foundation
import GantryCore
import PostgresNIO

/// The ledger's writes on PostgreSQL: one statement per table, whatever the batch's size, arrays bound and unnested.
/// Absent optional values travel as '' (text) or `Int64.min` (numbers) and are turned back into NULL.
extension PostgresHubStore {
    static func write(_ write: LedgerWrite, at: Date, in connection: PostgresConnection, logger: Logger) async throws {
        let entries = write.entries
        if !entries.isEmpty {
            try await connection.query("""
                INSERT INTO journal_entries (company, source_key, source_kind, reference, plant_id, seq, kind, posting_date, period,
                                             original_date, note, transaction_currency, functional_currency, posted_at)
                SELECT company, key, source_kind, reference, NULLIF(plant, ''), NULLIF(seq, \(Int64.min)), kind, posting_date, period,
                       NULLIF(original_date, ''), NULLIF(note, ''), transaction_currency, functional_currency, \(at)
                FROM unnest(\(entries.map(\.company)), \(entries.map(\.sourceKey)), \(entries.map(\.sourceKind)), \(entries.map(\.reference)),
                            \(entries.map { $0.plant ?? "" }), \(entries.map { $0.sequence ?? Int64.min }), \(entries.map(\.kind)),
                            \(entries.map(\.postingDate)), \(entries.map(\.period)), \(entries.map { $0.originalDate ?? "" }),
                            \(entries.map { $0.note ?? "" }), \(entries.map(\.transactionCurrency)), \(entries.map(\.functionalCurrency)))
                    AS u(company, key, source_kind, reference, plant, seq, kind, posting_date, period, original_date, note,
                         transaction_currency, functional_currency)
                """, logger: logger)
        }
        let lines = write.lines
        if !lines.isEmpty {
            try await connection.query("""
                INSERT INTO journal_lines (company, source_key, line_no, account, amount, functional_amount, item, quantity, trading_partner,
                                           customer)
                SELECT company, key, line_no, account, amount, functional_amount, NULLIF(item, ''), NULLIF(quantity, \(Int64.min)),
                       NULLIF(partner, ''), NULLIF(customer, '')
                FROM unnest(\(lines.map(\.company)), \(lines.map(\.sourceKey)), \(lines.map { Int64($0.number) }),
                            \(lines.map(\.line.account)), \(lines.map(\.line.amount)), \(lines.map(\.line.functionalAmount)),
                            \(lines.map { $0.line.item ?? "" }), \(lines.map { $0.line.quantity ?? Int64.min }),
                            \(lines.map { $0.line.tradingPartner ?? "" }), \(lines.map { $0.line.customer ?? "" }))
                    AS u(company, key, line_no, account, amount, functional_amount, item, quantity, partner, customer)
                """, logger: logger)
        }
        let positions = write.positions
        if !positions.isEmpty {
            try await connection.query("""
                INSERT INTO ledger_positions (company, plant_id, item, quantity, value)
                SELECT * FROM unnest(\(positions.map { $0.key.company }), \(positions.map { $0.key.plant }), \(positions.map { $0.key.item }),
                                     \(positions.map { $0.value.quantity }), \(positions.map { $0.value.value }))
                ON CONFLICT (company, plant_id, item) DO UPDATE SET quantity = excluded.quantity, value = excluded.value
                """, logger: logger)
        }
        let changes = write.positionPeriods
        if !changes.isEmpty {
            try await connection.query("""
                INSERT INTO ledger_position_periods (company, plant_id, item, period, quantity, value)
                SELECT * FROM unnest(\(changes.map(\.key.company)), \(changes.map(\.key.plant)), \(changes.map(\.key.item)),
                                     \(changes.map(\.period)), \(changes.map(\.quantity)), \(changes.map(\.value)))
                ON CONFLICT (company, plant_id, item, period) DO UPDATE SET quantity = ledger_position_periods.quantity + excluded.quantity,
                    value = ledger_position_periods.value + excluded.value
                """, logger: logger)
        }
        let transitChanges = write.transitPeriods
        if !transitChanges.isEmpty {
            try await connection.query("""
                INSERT INTO ledger_transit_periods (transfer, line, period, company, quantity, value)
                SELECT * FROM unnest(\(transitChanges.map(\.line.transfer)), \(transitChanges.map { Int32($0.line.line) }),
                                     \(transitChanges.map(\.period)), \(transitChanges.map(\.company)), \(transitChanges.map(\.quantity)),
                                     \(transitChanges.map(\.value)))
                ON CONFLICT (transfer, line, period) DO UPDATE SET company = excluded.company,
                    quantity = ledger_transit_periods.quantity + excluded.quantity, value = ledger_transit_periods.value + excluded.value
                """, logger: logger)
        }
        let orders = write.workInProgress
        if !orders.isEmpty {
            try await connection.query("""
                INSERT INTO ledger_wip (plant_id, work_order, company, value, issued, closed)
                SELECT plant, work_order, company, value, issued::jsonb, closed
                FROM unnest(\(orders.map { $0.key.plant }), \(orders.map { $0.key.workOrder }), \(orders.map { $0.value.company }),
                            \(orders.map { $0.value.value }), \(orders.map { LedgerWrite.issuedText($0.value.issued) }),
                            \(orders.map { $0.value.closed }))
                    AS u(plant, work_order, company, value, issued, closed)
                ON CONFLICT (plant_id, work_order) DO UPDATE SET company = excluded.company, value = excluded.value,
                    issued = excluded.issued, closed = excluded.closed
                """, logger: logger)
        }
        let transit = write.inTransit
        if !transit.isEmpty {
            try await connection.query("""
                INSERT INTO ledger_in_transit (transfer, line, company, quantity, value)
                SELECT * FROM unnest(\(transit.map { $0.key.transfer }), \(transit.map { Int32($0.key.line) }), \(transit.map { $0.value.company }),
                                     \(transit.map { $0.value.quantity }), \(transit.map { $0.value.value }))
                ON CONFLICT (transfer, line) DO UPDATE SET company = excluded.company, quantity = excluded.quantity, value = excluded.value
                """, logger: logger)
        }
        let grni = write.grni
        if !grni.isEmpty {
            try await connection.query("""
                INSERT INTO ledger_grni (plant_id, purchase_order, line, company, quantity, amount, functional_amount)
                SELECT * FROM unnest(\(grni.map(\.plant)), \(grni.map(\.order)), \(grni.map { Int32($0.line) }), \(grni.map(\.company)),
                                     \(grni.map(\.change.quantity)), \(grni.map(\.change.amount)), \(grni.map(\.change.functional)))
                ON CONFLICT (plant_id, purchase_order, line) DO UPDATE SET quantity = ledger_grni.quantity + excluded.quantity,
                    amount = ledger_grni.amount + excluded.amount, functional_amount = ledger_grni.functional_amount + excluded.functional_amount
                """, logger: logger)
        }
        let held = write.held
        if !held.isEmpty {
            try await connection.query("""
                INSERT INTO ledger_held (plant_id, seq, event_id, company, code, detail, held_at)
                SELECT plant, seq, id, company, code, detail, \(at)
                FROM unnest(\(held.map(\.plant)), \(held.map(\.sequence)), \(held.map(\.eventID)), \(held.map(\.company)),
                            \(held.map(\.refusal.code.rawValue)), \(held.map(\.refusal.detail))) AS u(plant, seq, id, company, code, detail)
                ON CONFLICT (plant_id, seq) DO UPDATE SET code = excluded.code, detail = excluded.detail
                """, logger: logger)
        }
        try await keepConsolidationSums(write, in: connection, logger: logger)
        let balances = write.balances
        if !balances.isEmpty {
            // One row per key (summed beforehand), so ON CONFLICT meets each row once; in key order, and last with the
            // consolidation's sums, so the plants of a company posting side by side wait on each other's rows only
            // until they commit.
            try await connection.query("""
                INSERT INTO ledger_balances (company, period, account, currency, debit, credit, transaction_debit, transaction_credit)
                SELECT * FROM unnest(\(balances.map(\.key.company)), \(balances.map(\.key.period)), \(balances.map(\.key.account)),
                                     \(balances.map(\.key.currency)), \(balances.map(\.debit)), \(balances.map(\.credit)),
                                     \(balances.map(\.transactionDebit)), \(balances.map(\.transactionCredit)))
                ON CONFLICT (company, period, account, currency) DO UPDATE SET
                    debit = ledger_balances.debit + excluded.debit, credit = ledger_balances.credit + excluded.credit,
                    transaction_debit = ledger_balances.transaction_debit + excluded.transaction_debit,
                    transaction_credit = ledger_balances.transaction_credit + excluded.transaction_credit
                """, logger: logger)
        }
    }
}
