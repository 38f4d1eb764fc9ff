import Foundation
import GantryCore
import GRDB

/// Posting on apply, on SQLite (the flow is `LedgerPosting`'s; this is its SQL). Runs inside the batch's write
/// transaction, after the events and their projections are written.
extension SQLiteHubStore {
    /// Posts what `projection`'s applied events post, for `plant`, stamped `at` (the batch's receive time).
    func postLedger(_ projection: EventProjection, plant: String, at: Date, in db: Database) throws {
        let location = try db.cachedStatement(sql: """
            INSERT INTO ledger_locations (plant_id, location, type) VALUES (?, ?, ?)
            ON CONFLICT (plant_id, location) DO UPDATE SET type = excluded.type
            """)
        for defined in LedgerPosting.locations(projection) {
            try location.execute(arguments: [plant, defined.location, defined.type])
        }
        let definition = try db.cachedStatement(sql: """
            INSERT INTO ledger_definitions (plant_id, item, type, payload) VALUES (?, ?, ?, ?)
            ON CONFLICT (plant_id, item, type) DO UPDATE SET payload = excluded.payload
            """)
        for defined in LedgerPosting.definitions(projection) {
            try definition.execute(arguments: [plant, defined.item, defined.type, defined.payload])
        }
        guard !projection.postings.isEmpty else { return }
        guard let books = try LedgerPlantRow.fetchOne(
            db, sql: "SELECT plant_id, company, time_zone FROM plants WHERE plant_id = ?", arguments: [plant]) else { return }
        let masters = try ledgerMasters(in: db)
        _ = try post(LedgerPosting.sources(projection, plant: books.books, masters: masters), masters: masters, at: at, in: db)
    }

    /// Posts `sources` in order and writes the outcome.
    func post(_ sources: [PostingSource], masters: LedgerMasters, at: Date, in db: Database) throws -> PostingOutcome {
        guard !sources.isEmpty else { return PostingOutcome() }
        let needs = PostingEngine.needs(sources)
        let outcome = PostingEngine.post(sources, snapshot: LedgerPosting.snapshot(needs, masters: masters, reads: try Self.reads(needs, in: db)))
        try Self.write(LedgerWrite(outcome), at: at, in: db)
        return outcome
    }

    /// The masters posting reads, decoded once per master version.
    func ledgerMasters(in db: Database) throws -> LedgerMasters {
        let version = try Int64.fetchOne(db, sql: "SELECT coalesce(max(version), 0) FROM master_versions") ?? 0
        return try ledgerMasterCache.masters(version: version) {
            let kinds = LedgerMasters.kinds.map(\.rawValue)
            return try LedgerMasterRow.fetchAll(
                db, sql: "SELECT kind, company, key, active, data FROM masters WHERE kind IN (\(databaseQuestionMarks(count: kinds.count)))",
                arguments: StatementArguments(kinds)
            ).compactMap(\.record)
        }
    }

    /// Exactly what `needs` names, as the ledger holds it now.
    static func reads(_ needs: PostingNeeds, in db: Database) throws -> LedgerPosting.Reads {
        var reads = LedgerPosting.Reads()
        for company in needs.companies {
            reads.closed[company] = Set(try String.fetchAll(db, sql: "SELECT period FROM ledger_periods WHERE company = ?", arguments: [company]))
        }
        for plant in needs.plants {
            for row in try LedgerLocationRow.fetchAll(db, sql: "SELECT location, type FROM ledger_locations WHERE plant_id = ?", arguments: [plant]) {
                if let type = LocationType(rawValue: row.type) { reads.locationTypes[plant, default: [:]][row.location] = type }
            }
        }
        let definition = try db.cachedStatement(sql: "SELECT type, payload FROM ledger_definitions WHERE plant_id = ? AND item = ?")
        for produced in needs.productionItems {
            for row in try LedgerDefinitionRow.fetchAll(definition, arguments: [produced.plant, produced.item]) {
                LedgerPosting.define(&reads, plant: produced.plant, item: produced.item, type: row.type, payload: row.payload)
            }
        }
        let position = try db.cachedStatement(
            sql: "SELECT quantity, value FROM ledger_positions WHERE company = ? AND plant_id = ? AND item = ?")
        for key in needs.positions {
            if let row = try LedgerAmountsRow.fetchOne(position, arguments: [key.company, key.plant, key.item]) {
                reads.positions[key] = StockPosition(quantity: row.quantity, value: row.value)
            }
        }
        let price = try db.cachedStatement(
            sql: "SELECT price, currency FROM supplier_order_lines WHERE plant_id = ? AND purchase_order = ? AND line = ?")
        for line in needs.orderLines {
            guard let split = LedgerPosting.orderLine(line) else { continue }
            if let row = try LedgerPriceRow.fetchOne(price, arguments: [line.plant, split.order, split.line]),
               let money = LedgerPosting.price(row.price, currency: row.currency) {
                reads.orderLinePrices[line] = money
            }
        }
        let wip = try db.cachedStatement(sql: "SELECT company, value, issued, closed FROM ledger_wip WHERE plant_id = ? AND work_order = ?")
        for order in needs.workOrders {
            if let row = try LedgerWIPRow.fetchOne(wip, arguments: [order.plant, order.workOrder]) {
                reads.workInProgress[order] = WorkInProgress(
                    company: row.company, value: row.value, issued: LedgerWrite.issued(row.issued), closed: row.closed)
            }
        }
        let transit = try db.cachedStatement(sql: "SELECT company, quantity, value FROM ledger_in_transit WHERE transfer = ? AND line = ?")
        for line in needs.transitLines {
            if let row = try LedgerTransitRow.fetchOne(transit, arguments: [line.transfer, line.line]) {
                reads.inTransit[line] = TransitValue(company: row.company, quantity: row.quantity, value: row.value)
            }
        }
        return reads
    }

    /// Writes entries, lines, balance changes, positions, WIP, transit and held postings.
    static func write(_ write: LedgerWrite, at: Date, in db: Database) throws {
        let stamp = Timestamp.format(at)
        let entry = try db.cachedStatement(sql: """
            INSERT INTO journal_entries (company, source_key, source_kind, reference, plant_id, seq, kind, posting_date, period,
                                         original_date, note, transaction_currency, functional_currency, posted_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for row in write.entries {
            try entry.execute(arguments: [
                row.company, row.sourceKey, row.sourceKind, row.reference, row.plant, row.sequence, row.kind, row.postingDate, row.period,
                row.originalDate, row.note, row.transactionCurrency, row.functionalCurrency, stamp,
            ])
        }
        let line = try db.cachedStatement(sql: """
            INSERT INTO journal_lines (company, source_key, line_no, account, amount, functional_amount, item, quantity, trading_partner,
                                       customer)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for row in write.lines {
            let value = row.line
            try line.execute(arguments: [
                row.company, row.sourceKey, row.number, value.account, value.amount, value.functionalAmount, value.item, value.quantity,
                value.tradingPartner, value.customer,
            ])
        }
        let balance = try db.cachedStatement(sql: """
            INSERT INTO ledger_balances (company, period, account, currency, debit, credit, transaction_debit, transaction_credit)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (company, period, account, currency) DO UPDATE SET
                debit = debit + excluded.debit, credit = credit + excluded.credit,
                transaction_debit = transaction_debit + excluded.transaction_debit,
                transaction_credit = transaction_credit + excluded.transaction_credit
            """)
        for change in write.balances {
            let key = change.key
            try balance.execute(arguments: [
                key.company, key.period, key.account, key.currency, change.debit, change.credit, change.transactionDebit,
                change.transactionCredit,
            ])
        }
        let position = try db.cachedStatement(sql: """
            INSERT INTO ledger_positions (company, plant_id, item, quantity, value) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (company, plant_id, item) DO UPDATE SET quantity = excluded.quantity, value = excluded.value
            """)
        for (key, value) in write.positions {
            try position.execute(arguments: [key.company, key.plant, key.item, value.quantity, value.value])
        }
        let change = try db.cachedStatement(sql: """
            INSERT INTO ledger_position_periods (company, plant_id, item, period, quantity, value) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (company, plant_id, item, period) DO UPDATE SET quantity = quantity + excluded.quantity, value = value + excluded.value
            """)
        for row in write.positionPeriods {
            try change.execute(arguments: [row.key.company, row.key.plant, row.key.item, row.period, row.quantity, row.value])
        }
        let transitChange = try db.cachedStatement(sql: """
            INSERT INTO ledger_transit_periods (transfer, line, period, company, quantity, value) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (transfer, line, period) DO UPDATE SET company = excluded.company, quantity = quantity + excluded.quantity,
                value = value + excluded.value
            """)
        for row in write.transitPeriods {
            try transitChange.execute(arguments: [row.line.transfer, row.line.line, row.period, row.company, row.quantity, row.value])
        }
        let wip = try db.cachedStatement(sql: """
            INSERT INTO ledger_wip (plant_id, work_order, company, value, issued, closed) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (plant_id, work_order) DO UPDATE SET company = excluded.company, value = excluded.value,
                issued = excluded.issued, closed = excluded.closed
            """)
        for (key, value) in write.workInProgress {
            try wip.execute(arguments: [key.plant, key.workOrder, value.company, value.value, LedgerWrite.issuedText(value.issued), value.closed])
        }
        let transit = try db.cachedStatement(sql: """
            INSERT INTO ledger_in_transit (transfer, line, company, quantity, value) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (transfer, line) DO UPDATE SET company = excluded.company, quantity = excluded.quantity, value = excluded.value
            """)
        for (key, value) in write.inTransit {
            try transit.execute(arguments: [key.transfer, key.line, value.company, value.quantity, value.value])
        }
        let grni = try db.cachedStatement(sql: """
            INSERT INTO ledger_grni (plant_id, purchase_order, line, company, quantity, amount, functional_amount) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (plant_id, purchase_order, line) DO UPDATE SET quantity = quantity + excluded.quantity,
                amount = amount + excluded.amount, functional_amount = functional_amount + excluded.functional_amount
            """)
        for row in write.grni {
            try grni.execute(arguments: [row.plant, row.order, row.line, row.company, row.change.quantity, row.change.amount, row.change.functional])
        }
        let held = try db.cachedStatement(sql: """
            INSERT INTO ledger_held (plant_id, seq, event_id, company, code, detail, held_at) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (plant_id, seq) DO UPDATE SET code = excluded.code, detail = excluded.detail
            """)
        for posting in write.held {
            try held.execute(arguments: [
                posting.plant, posting.sequence, posting.eventID.uuidString, posting.company, posting.refusal.code.rawValue,
                posting.refusal.detail, stamp,
            ])
        }
        try keepConsolidationSums(write, in: db)
    }
}
