import Foundation
import GantryCore
import GRDB

/// Held postings, periods, the journal and the trial balance on SQLite.
extension SQLiteHubStore {
    public func heldPostings(company: String?, scope: CompanyScope) async throws -> [HeldPostingRecord] {
        try await pool.read { db in try Self.held(company: company, scope: scope, in: db).map(\.record) }
    }

    private static func held(company: String?, scope: CompanyScope, in db: Database) throws -> [LedgerHeldRow] {
        let filter = SQLiteCompanyFilter(scope, column: "company")
        var arguments: StatementArguments = [company, company]
        arguments += filter.arguments
        return try LedgerHeldRow.fetchAll(db, sql: """
            SELECT \(LedgerHeldRow.columns) FROM ledger_held WHERE (? IS NULL OR company = ?)\(filter.and) ORDER BY plant_id, seq
            """, arguments: arguments)
    }

    public func retryHeldPostings(company: String?, scope: CompanyScope, at: Date) async throws -> LedgerRetryOutcome {
        try await pool.write { db in
            let held = try Self.held(company: company, scope: scope, in: db)
            let masters = try self.ledgerMasters(in: db)
            var sources: [PostingSource] = []
            var plants: [String: LedgerPosting.PlantBooks] = [:]
            for row in held {
                if plants[row.plantID] == nil {
                    plants[row.plantID] = try LedgerPlantRow.fetchOne(
                        db, sql: "SELECT plant_id, company, time_zone FROM plants WHERE plant_id = ?", arguments: [row.plantID])?.books
                }
                guard let books = plants[row.plantID], let event = try EventRow.fetchOne(db, sql: """
                    SELECT seq, event_id, type, schema_version, occurred_at, recorded_at, payload FROM events WHERE plant_id = ? AND seq = ?
                    """, arguments: [row.plantID, row.seq]) else { continue }
                sources += LedgerPosting.sources([try event.envelope()], plant: books, masters: masters)
            }
            let outcome = try self.post(sources, masters: masters, at: at, in: db)
            let delete = try db.cachedStatement(sql: "DELETE FROM ledger_held WHERE plant_id = ? AND seq = ?")
            for posted in LedgerPeriods.posted(held.map { (plant: $0.plantID, sequence: $0.seq) }, stillHeld: outcome.held) {
                try delete.execute(arguments: [posted.plant, posted.sequence])
            }
            let remaining = try Self.held(company: company, scope: scope, in: db).map(\.record)
            return LedgerRetryOutcome(posted: held.count - remaining.count, held: remaining)
        }
    }

    public func fiscalPeriods(company: String) async throws -> [FiscalPeriodStatus] {
        try await pool.read { db in
            let masters = try self.ledgerMasters(in: db)
            return LedgerPeriods.statuses(masters, company: company, closed: try Self.closed(company, in: db))
        }
    }

    private static func closed(_ company: String, in db: Database) throws -> [String: (at: Date, by: String)] {
        var closed: [String: (at: Date, by: String)] = [:]
        for row in try LedgerClosedRow.fetchAll(
            db, sql: "SELECT period, closed_at, closed_by FROM ledger_periods WHERE company = ?", arguments: [company]) {
            closed[row.period] = (Timestamp.parse(row.closedAt) ?? .distantPast, row.closedBy)
        }
        return closed
    }

    public func closePeriod(company: String, period: String, at: Date, audit: AuditDraft) async throws -> FiscalPeriodStatus {
        try await pool.write { db in
            let masters = try self.ledgerMasters(in: db)
            let plants = try PlantRow.fetchAll(db, sql: "SELECT \(PlantRow.columns) FROM plants WHERE company = ?", arguments: [company])
            let decided = try PeriodClose.decide(
                masters.period(period, of: company), code: period, company: company, closed: Set(try Self.closed(company, in: db).keys),
                plants: plants.map { LedgerPeriods.position($0.syncFacts, masters: masters) })
            try db.execute(
                sql: "INSERT INTO ledger_periods (company, period, closed_at, closed_by) VALUES (?, ?, ?, ?)",
                arguments: [company, decided.key, Timestamp.format(at), audit.actor])
            let status = FiscalPeriodStatus(
                company: company, period: decided.key, start: decided.start, end: decided.end, fiscalYear: decided.fiscalYear, closed: true,
                closedAt: at, closedBy: audit.actor)
            try Self.appendAudit(LedgerPeriods.audit(audit, status), at: at, in: db)
            return status
        }
    }

    public func journalEntries(_ query: JournalQuery) async throws -> JournalPage {
        try await pool.read { db in
            let rows = try LedgerEntryRow.fetchAll(db, sql: """
                SELECT \(LedgerEntryRow.columns) FROM journal_entries e
                WHERE company = ? AND (? IS NULL OR posting_date >= ?) AND (? IS NULL OR posting_date <= ?)
                  AND (? IS NULL OR EXISTS (SELECT 1 FROM journal_lines l
                                            WHERE l.company = e.company AND l.source_key = e.source_key AND l.account = ?))
                ORDER BY posting_date, coalesce(plant_id, ''), coalesce(seq, 0), source_key LIMIT ? OFFSET ?
                """, arguments: [
                    query.company, query.from, query.from, query.to, query.to, query.account, query.account, query.limit + 1, query.offset,
                ])
            let page = rows.prefix(query.limit)
            var lines: [String: [JournalLine]] = [:]
            let statement = try db.cachedStatement(sql: """
                SELECT \(LedgerLineRow.columns) FROM journal_lines WHERE company = ? AND source_key = ? ORDER BY line_no
                """)
            for row in page {
                lines[row.sourceKey] = try LedgerLineRow.fetchAll(statement, arguments: [query.company, row.sourceKey]).map(\.line)
            }
            return JournalPage(
                entries: page.map { $0.record(lines: lines[$0.sourceKey] ?? []) }, offset: query.offset,
                next: rows.count > query.limit ? query.offset + query.limit : nil)
        }
    }

    public func trialBalance(company: String, from: String, to: String) async throws -> TrialBalanceReport {
        try await pool.read { db in
            let masters = try self.ledgerMasters(in: db)
            let (periods, currency) = try LedgerReports.range(masters, company: company, from: from, to: to)
            var arguments: StatementArguments = [company]
            arguments += StatementArguments(periods)
            let sums = try LedgerSumRow.fetchAll(db, sql: """
                SELECT account, sum(debit) AS debit, sum(credit) AS credit FROM ledger_balances
                WHERE company = ? AND period IN (\(databaseQuestionMarks(count: periods.count))) GROUP BY account
                """, arguments: arguments)
            return TrialBalanceReport(
                company: company, currency: currency, from: from, to: to, sums: sums.map { ($0.account, $0.debit, $0.credit) },
                accounts: masters.accounts[company] ?? [:])
        }
    }
}
