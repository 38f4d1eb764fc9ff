import Foundation
import GantryCore
import PostgresNIO

/// Held postings, periods, the journal and the trial balance on PostgreSQL.
extension PostgresHubStore {
    public func heldPostings(company: String?, scope: CompanyScope) async throws -> [HeldPostingRecord] {
        try await run { [logger] client in try await Self.held(company: company, scope: scope, in: client, logger: logger) }
    }

    private static func held(
        company: String?, scope: CompanyScope, in connection: PostgresConnection, logger: Logger
    ) async throws -> [HeldPostingRecord] {
        let filter = PostgresCompanyFilter(scope)
        var held: [HeldPostingRecord] = []
        for try await (plant, sequence, id, owner, code, detail, at) in try await connection.query("""
            SELECT plant_id, seq, event_id, company, code, detail, held_at FROM ledger_held
            WHERE (\(company)::text IS NULL OR company = \(company))
              AND (\(filter.everyCompany) OR company = ANY(\(filter.companies)))
            ORDER BY plant_id COLLATE "C", seq
            """, logger: logger).decode((String, Int64, UUID, String, String, String, Date).self) {
            held.append(HeldPostingRecord(plant: plant, sequence: sequence, eventID: id, company: owner, code: code, detail: detail, heldAt: at))
        }
        return held
    }

    public func retryHeldPostings(company: String?, scope: CompanyScope, at: Date) async throws -> LedgerRetryOutcome {
        try await transaction { [logger] connection in
            let held = try await Self.held(company: company, scope: scope, in: connection, logger: logger)
            let masters = try await self.ledgerMasters(in: connection, logger: logger)
            let plantIDs = Array(Set(held.map(\.plant))).sorted()
            // The plants' own positions and WIP are held by their rows, as a batch of theirs holds them.
            try await connection.query(
                "SELECT plant_id FROM plants WHERE plant_id = ANY(\(plantIDs)) ORDER BY plant_id FOR NO KEY UPDATE", logger: logger)
            let plants = try await Self.plantBooks(plantIDs, in: connection, logger: logger)
            var sources: [PostingSource] = []
            for row in held {
                guard let books = plants[row.plant] else { continue }
                let events = try await Self.envelopes(connection.query("""
                    SELECT seq, event_id::text, type, schema_version, occurred_at, recorded_at, payload::text
                    FROM events WHERE plant_id = \(row.plant) AND seq = \(row.sequence)
                    """, logger: logger))
                sources += LedgerPosting.sources(events, plant: books, masters: masters)
            }
            let outcome = try await self.post(sources, masters: masters, at: at, in: connection, logger: logger)
            let posted = LedgerPeriods.posted(held.map { (plant: $0.plant, sequence: $0.sequence) }, stillHeld: outcome.held)
            if !posted.isEmpty {
                try await connection.query("""
                    DELETE FROM ledger_held h USING unnest(\(posted.map(\.plant)), \(posted.map(\.sequence))) AS u(plant, seq)
                    WHERE h.plant_id = u.plant AND h.seq = u.seq
                    """, logger: logger)
            }
            let remaining = try await Self.held(company: company, scope: scope, in: connection, logger: logger)
            return LedgerRetryOutcome(posted: held.count - remaining.count, held: remaining)
        }
    }

    public func fiscalPeriods(company: String) async throws -> [FiscalPeriodStatus] {
        try await run { [logger] connection in
            let masters = try await self.ledgerMasters(in: connection, logger: logger)
            return LedgerPeriods.statuses(masters, company: company, closed: try await Self.closed(company, in: connection, logger: logger))
        }
    }

    private static func closed(
        _ company: String, in connection: PostgresConnection, logger: Logger
    ) async throws -> [String: (at: Date, by: String)] {
        var closed: [String: (at: Date, by: String)] = [:]
        for try await (period, at, by) in try await connection.query(
            "SELECT period, closed_at, closed_by FROM ledger_periods WHERE company = \(company)", logger: logger
        ).decode((String, Date, String).self) {
            closed[period] = (at, by)
        }
        return closed
    }

    public func closePeriod(company: String, period: String, at: Date, audit: AuditDraft) async throws -> FiscalPeriodStatus {
        try await transaction { [logger] connection in
            // Serialised with the company's postings: no batch of its plants applies between the check and the close.
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.ledgerLock), hashtext(\(company)))", logger: logger)
            let masters = try await self.ledgerMasters(in: connection, logger: logger)
            var plants: [PeriodClose.PlantPosition] = []
            for try await (plant, zone, last, head, seen, recorded) in try await connection.query("""
                SELECT plant_id, time_zone, last_sequence, agent_head, last_seen_at, last_event_recorded_at FROM plants
                WHERE company = \(company) ORDER BY plant_id
                """, logger: logger).decode((String, String, Int64, Int64, Date?, Date?).self) {
                plants.append(PeriodClose.PlantPosition(
                    plant: plant, lastSequence: last, agentHead: head, lastSeenAt: seen, lastEventRecordedAt: recorded,
                    timeZone: masters.timeZone(of: plant, enrolled: zone)))
            }
            let decided = try PeriodClose.decide(
                masters.period(period, of: company), code: period, company: company,
                closed: Set(try await Self.closed(company, in: connection, logger: logger).keys), plants: plants)
            try await connection.query("""
                INSERT INTO ledger_periods (company, period, closed_at, closed_by) VALUES (\(company), \(decided.key), \(at), \(audit.actor))
                """, logger: logger)
            let status = FiscalPeriodStatus(
                company: company, period: decided.key, start: decided.start, end: decided.end, fiscalYear: decided.fiscalYear, closed: true,
                closedAt: at, closedBy: audit.actor)
            try await Self.appendAudit(LedgerPeriods.audit(audit, status), at: at, in: connection, logger: logger)
            return status
        }
    }

    public func journalEntries(_ query: JournalQuery) async throws -> JournalPage {
        try await run { [logger] connection in
            var entries: [JournalEntryRecord] = []
            for try await (company, key, kind, plant, seq, date, period, original, note, currency, functional, posted) in try await connection.query("""
                SELECT company, source_key, kind, plant_id, seq, posting_date, period, original_date, note, transaction_currency,
                       functional_currency, posted_at
                FROM journal_entries e
                WHERE company = \(query.company) AND (\(query.from)::text IS NULL OR posting_date >= \(query.from))
                  AND (\(query.to)::text IS NULL OR posting_date <= \(query.to))
                  AND (\(query.account)::text IS NULL OR EXISTS (SELECT 1 FROM journal_lines l
                       WHERE l.company = e.company AND l.source_key = e.source_key AND l.account = \(query.account)))
                ORDER BY posting_date, coalesce(plant_id, '') COLLATE "C", coalesce(seq, 0), source_key COLLATE "C"
                LIMIT \(Int64(query.limit + 1)) OFFSET \(Int64(query.offset))
                """, logger: logger).decode((String, String, String, String?, Int64?, String, String, String?, String?, String, String, Date).self) {
                entries.append(JournalEntryRecord(
                    company: company, sourceKey: key, kind: kind, plant: plant, sequence: seq, postingDate: date, period: period,
                    originalDate: original, note: note, transactionCurrency: currency, functionalCurrency: functional, postedAt: posted,
                    lines: []))
            }
            let more = entries.count > query.limit
            entries = Array(entries.prefix(query.limit))
            var lines: [String: [JournalLine]] = [:]
            if !entries.isEmpty {
                for try await (key, account, amount, functional, item, quantity, partner, customer) in try await connection.query("""
                    SELECT source_key, account, amount, functional_amount, item, quantity, trading_partner, customer FROM journal_lines
                    WHERE company = \(query.company) AND source_key = ANY(\(entries.map(\.sourceKey))) ORDER BY source_key, line_no
                    """, logger: logger).decode((String, String, Int64, Int64, String?, Int64?, String?, String?).self) {
                    lines[key, default: []].append(JournalLine(
                        account: account, amount: amount, functionalAmount: functional, item: item, quantity: quantity,
                        tradingPartner: partner, customer: customer))
                }
            }
            for index in entries.indices { entries[index].lines = lines[entries[index].sourceKey] ?? [] }
            return JournalPage(entries: entries, offset: query.offset, next: more ? query.offset + query.limit : nil)
        }
    }

    public func trialBalance(company: String, from: String, to: String) async throws -> TrialBalanceReport {
        try await run { [logger] connection in
            let masters = try await self.ledgerMasters(in: connection, logger: logger)
            let (periods, currency) = try LedgerReports.range(masters, company: company, from: from, to: to)
            var sums: [(account: String, debit: Int64, credit: Int64)] = []
            for try await (account, debit, credit) in try await connection.query("""
                SELECT account, sum(debit)::bigint, sum(credit)::bigint FROM ledger_balances
                WHERE company = \(company) AND period = ANY(\(periods)) GROUP BY account
                """, logger: logger).decode((String, Int64, Int64).self) {
                sums.append((account, debit, credit))
            }
            return TrialBalanceReport(company: company, currency: currency, from: from, to: to, sums: sums, accounts: masters.accounts[company] ?? [:])
        }
    }
}
