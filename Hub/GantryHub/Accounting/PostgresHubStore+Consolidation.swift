import Foundation
import GantryCore
import PostgresNIO

/// A group's consolidation on PostgreSQL (`LedgerConsolidation` decides; this reads only kept sums).
extension PostgresHubStore {
    public func groupConsolidation(group: String, from: String, to: String, scope: CompanyScope) async throws -> GroupConsolidation {
        try await run { [logger] connection in
            let (masters, plan) = try await self.consolidationPlan(group, from: from, to: to, scope: scope, in: connection, logger: logger)
            var facts = LedgerConsolidation.Facts()
            for company in plan.periods.keys.sorted() {
                let periods = plan.through(company)
                var sums: [LedgerStatementFacts.PeriodSum] = []
                for try await (period, account, debit, credit) in try await connection.query("""
                    SELECT period, account, sum(debit)::bigint, sum(credit)::bigint FROM ledger_balances
                    WHERE company = \(company) AND period = ANY(\(periods)) GROUP BY period, account
                    ORDER BY period COLLATE "C", account COLLATE "C"
                    """, logger: logger).decode((String, String, Int64, Int64).self) {
                    sums.append(LedgerStatementFacts.PeriodSum(period: period, account: account, debit: debit, credit: credit))
                }
                facts.sums[company] = sums
                var intercompany: [LedgerConsolidation.PeriodIntercompany] = []
                for try await (period, partner, kind, account, item, amount, quantity, lines) in try await connection.query("""
                    SELECT period, partner, kind, account, item, sum(amount)::bigint, sum(quantity)::bigint, sum(quantity_lines)::bigint
                    FROM ledger_intercompany WHERE company = \(company) AND period = ANY(\(periods))
                    GROUP BY period, partner, kind, account, item
                    ORDER BY period COLLATE "C", partner COLLATE "C", kind COLLATE "C", account COLLATE "C", item COLLATE "C"
                    """, logger: logger).decode((String, String, String, String, String, Int64, Int64, Int64).self) {
                    if let sum = LedgerConsolidation.intercompanySum(
                        company: company, partner: partner, kind: kind, account: account, item: item, amount: amount, quantity: quantity,
                        quantityLines: lines) {
                        intercompany.append(LedgerConsolidation.PeriodIntercompany(period: period, sum: sum))
                    }
                }
                facts.intercompany[company] = intercompany
            }
            let equity = LedgerConsolidation.equityNeeds(plan, masters: masters, facts: facts)
            for company in Set(equity.map(\.company)) {
                let accounts = equity.filter { $0.company == company }.map(\.account)
                for try await (account, day) in try await connection.query("""
                    SELECT account, posting_date FROM ledger_first_postings WHERE company = \(company) AND account = ANY(\(accounts))
                    """, logger: logger).decode((String, String).self) {
                    facts.firstPosted[LedgerConsolidation.CompanyAccount(company: company, account: account)] = day
                }
            }
            for key in LedgerConsolidation.stockNeeds(plan, masters: masters, facts: facts) {
                for try await (closing, opening) in try await connection.query("""
                    SELECT coalesce(sum(quantity), 0)::bigint, coalesce(sum(quantity) FILTER (WHERE posting_date < \(plan.start)), 0)::bigint
                    FROM ledger_stock
                    WHERE company = \(key.company) AND account = \(key.account) AND item = \(key.item) AND posting_date <= \(plan.end)
                    """, logger: logger).decode((Int64, Int64).self) {
                    facts.quantities[key] = closing
                    facts.openingQuantities[key] = opening
                }
            }
            return try LedgerConsolidation.consolidate(plan, masters: masters, facts: facts)
        }
    }

    public func consolidationSources(group: String, from: String, to: String, source: String, offset: Int, limit: Int,
                                     scope: CompanyScope) async throws -> ConsolidationSources {
        try await run { [logger] connection in
            let (masters, plan) = try await self.consolidationPlan(group, from: from, to: to, scope: scope, in: connection, logger: logger)
            let sum = try LedgerConsolidation.source(source, plan: plan, masters: masters)
            let kind = sum.kind ?? ""
            var total: Int64 = 0
            for try await count in try await connection.query("""
                SELECT coalesce(sum(entries), 0)::bigint FROM ledger_intercompany
                WHERE company = \(sum.company) AND partner = \(sum.partner) AND kind = \(kind) AND account = \(sum.account)
                  AND item = \(sum.item) AND period = ANY(\(sum.periods))
                """, logger: logger).decode(Int64.self) {
                total = count
            }
            var keys: [String] = []
            for try await key in try await connection.query("""
                SELECT source_key FROM ledger_intercompany_entries
                WHERE company = \(sum.company) AND partner = \(sum.partner) AND kind = \(kind) AND account = \(sum.account)
                  AND item = \(sum.item) AND period = ANY(\(sum.periods))
                ORDER BY posting_date COLLATE "C", source_key COLLATE "C" LIMIT \(Int64(limit + 1)) OFFSET \(Int64(offset))
                """, logger: logger).decode(String.self) {
                keys.append(key)
            }
            let page = Array(keys.prefix(limit))
            let entries = try await Self.journalEntries(sum.company, keys: page, in: connection, logger: logger)
            return ConsolidationSources(
                group: group, from: from, to: to, source: source, company: sum.company, tradingPartner: sum.partner, account: sum.account,
                item: sum.item.isEmpty ? nil : sum.item, total: total, entries: entries, offset: offset,
                next: keys.count > limit ? offset + limit : nil)
        }
    }

    /// The masters and the plan of a group's consolidation (a group the principal may not see all of is not found).
    private func consolidationPlan(_ group: String, from: String, to: String, scope: CompanyScope, in connection: PostgresConnection,
                                   logger: Logger) async throws -> (LedgerMasters, LedgerConsolidation.Plan) {
        let masters = try await ledgerMasters(in: connection, logger: logger)
        var record: MasterRecord?
        for try await (kind, company, key, active, data) in try await connection.query("""
            SELECT kind, company, key, active, data::text FROM masters WHERE kind = \(MasterKind.group.rawValue) AND key = \(group)
            """, logger: logger).decode((String, String, String, Bool, String).self) {
            record = LedgerMasterRow(kind: kind, company: company, key: key, active: active, data: data).record
        }
        return (masters, try LedgerConsolidation.plan(record, masters: masters, from: from, to: to, scope: scope))
    }

    /// A company's entries by key, with all their lines, in the order of `keys`.
    private static func journalEntries(_ company: String, keys: [String], in connection: PostgresConnection,
                                       logger: Logger) async throws -> [JournalEntryRecord] {
        guard !keys.isEmpty else { return [] }
        var entries: [String: JournalEntryRecord] = [:]
        for try await (key, kind, plant, seq, date, period, original, note, currency, functional, posted) in try await connection.query("""
            SELECT source_key, kind, plant_id, seq, posting_date, period, original_date, note, transaction_currency, functional_currency, posted_at
            FROM journal_entries WHERE company = \(company) AND source_key = ANY(\(keys))
            """, logger: logger).decode((String, String, String?, Int64?, String, String, String?, String?, String, String, Date).self) {
            entries[key] = JournalEntryRecord(
                company: company, sourceKey: key, kind: kind, plant: plant, sequence: seq, postingDate: date, period: period,
                originalDate: original, note: note, transactionCurrency: currency, functionalCurrency: functional, postedAt: posted, lines: [])
        }
        for try await (key, account, amount, functional, item, quantity, partner, customer) in try await connection.query("""
            SELECT source_key, account, amount, functional_amount, item, quantity, trading_partner, customer FROM journal_lines
            WHERE company = \(company) AND source_key = ANY(\(keys)) ORDER BY source_key, line_no
            """, logger: logger).decode((String, String, Int64, Int64, String?, Int64?, String?, String?).self) {
            entries[key]?.lines.append(JournalLine(
                account: account, amount: amount, functionalAmount: functional, item: item, quantity: quantity, tradingPartner: partner,
                customer: customer))
        }
        return keys.compactMap { entries[$0] }
    }
}
