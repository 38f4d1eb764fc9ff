import Foundation
import GantryCore
import PostgresNIO

/// Posting on apply, on PostgreSQL (the flow is `LedgerPosting`'s; this is its SQL). Runs inside the batch's
/// transaction, after the events and their projections are written, whichever hub applies the batch.
///
/// Posting carries positions, WIP and transit as absolute values from what it read, so what it reads must not change
/// until it commits. Positions and WIP are the plant's own (the valuation area is the plant), held by the plant's row
/// lock, which the batch already holds (a retry of held postings takes it for each plant it posts for). A transfer
/// line's value in transit is shared by its two plants: it is held by a lock per transfer, taken in a fixed order.
/// The company's ledger lock is taken shared, so the plants of one company post side by side; closing a period and
/// storing or releasing an invoice take it exclusively. Lock order: plant rows, companies, transfers.
extension PostgresHubStore {
    /// The advisory lock class of a company's ledger (its second key is the company's `hashtext`).
    static let ledgerLock: Int32 = 0x4C45_4447

    /// The advisory lock key of a transfer's value in transit.
    static func transitLock(_ transfer: String) -> String { "gantry-transit:" + transfer }

    /// Posts what `projection`'s applied events post, for `plant`, stamped `at` (the batch's receive time).
    func postLedger(_ projection: EventProjection, plant: String, at: Date, in connection: PostgresConnection, logger: Logger) async throws {
        let locations = LedgerPosting.locations(projection)
        if !locations.isEmpty {
            try await connection.query("""
                INSERT INTO ledger_locations (plant_id, location, type)
                SELECT \(plant), * FROM unnest(\(locations.map { $0.location }), \(locations.map { $0.type }))
                ON CONFLICT (plant_id, location) DO UPDATE SET type = excluded.type
                """, logger: logger)
        }
        let definitions = LedgerPosting.definitions(projection)
        if !definitions.isEmpty {
            try await connection.query("""
                INSERT INTO ledger_definitions (plant_id, item, type, payload)
                SELECT \(plant), * FROM unnest(\(definitions.map(\.item)), \(definitions.map(\.type)), \(definitions.map(\.payload)))
                ON CONFLICT (plant_id, item, type) DO UPDATE SET payload = excluded.payload
                """, logger: logger)
        }
        guard !projection.postings.isEmpty else { return }
        guard let books = try await Self.plantBooks([plant], in: connection, logger: logger)[plant] else { return }
        let masters = try await ledgerMasters(in: connection, logger: logger)
        let sources = LedgerPosting.sources(projection, plant: books, masters: masters)
        _ = try await post(sources, masters: masters, at: at, in: connection, logger: logger)
    }

    /// Posts `sources` in order and writes the outcome.
    func post(
        _ sources: [PostingSource], masters: LedgerMasters, at: Date, in connection: PostgresConnection, logger: Logger
    ) async throws -> PostingOutcome {
        guard !sources.isEmpty else { return PostingOutcome() }
        let needs = PostingEngine.needs(sources)
        try await Self.lockLedger(needs, in: connection, logger: logger)
        let reads = try await Self.reads(needs, in: connection, logger: logger)
        let outcome = PostingEngine.post(sources, snapshot: LedgerPosting.snapshot(needs, masters: masters, reads: reads))
        try await Self.write(LedgerWrite(outcome), at: at, in: connection, logger: logger)
        return outcome
    }

    /// Takes the locks posting for `needs` holds until it commits: its companies' ledgers shared, then its transfers'
    /// values in transit, each in a fixed order.
    static func lockLedger(_ needs: PostingNeeds, in connection: PostgresConnection, logger: Logger) async throws {
        for company in needs.companies.sorted() {
            try await connection.query("SELECT pg_advisory_xact_lock_shared(\(Self.ledgerLock), hashtext(\(company)))", logger: logger)
        }
        for transfer in Set(needs.transitLines.map(\.transfer)).sorted() {
            try await connection.query(
                "SELECT pg_advisory_xact_lock(hashtextextended(\(Self.transitLock(transfer)), 0))", logger: logger)
        }
    }

    static func plantBooks(_ plants: [String], in connection: PostgresConnection, logger: Logger) async throws -> [String: LedgerPosting.PlantBooks] {
        var books: [String: LedgerPosting.PlantBooks] = [:]
        for try await (plant, company, zone) in try await connection.query(
            "SELECT plant_id, company, time_zone FROM plants WHERE plant_id = ANY(\(plants))", logger: logger
        ).decode((String, String, String).self) {
            books[plant] = LedgerPosting.PlantBooks(plant: plant, company: company, timeZone: zone)
        }
        return books
    }

    /// The masters posting reads, decoded once per master version.
    func ledgerMasters(in connection: PostgresConnection, logger: Logger) async throws -> LedgerMasters {
        var version: Int64 = 0
        for try await latest in try await connection.query(
            "SELECT coalesce(max(version), 0)::bigint FROM master_versions", logger: logger
        ).decode(Int64.self) {
            version = latest
        }
        return try await ledgerMasterCache.masters(version: version, fetch: {
            var records: [MasterRecord] = []
            for try await (kind, company, key, active, data) in try await connection.query("""
                SELECT kind, company, key, active, data::text FROM masters WHERE kind = ANY(\(LedgerMasters.kinds.map(\.rawValue)))
                """, logger: logger).decode((String, String, String, Bool, String).self) {
                if let record = LedgerMasterRow(kind: kind, company: company, key: key, active: active, data: data).record {
                    records.append(record)
                }
            }
            return records
        })
    }

    /// Exactly what `needs` names, as the ledger holds it now: one statement per table, the keys bound as arrays.
    static func reads(_ needs: PostingNeeds, in connection: PostgresConnection, logger: Logger) async throws -> LedgerPosting.Reads {
        var reads = LedgerPosting.Reads()
        for company in needs.companies { reads.closed[company] = [] }
        for try await (company, period) in try await connection.query(
            "SELECT company, period FROM ledger_periods WHERE company = ANY(\(needs.companies.sorted()))", logger: logger
        ).decode((String, String).self) {
            reads.closed[company, default: []].insert(period)
        }
        for try await (plant, location, type) in try await connection.query(
            "SELECT plant_id, location, type FROM ledger_locations WHERE plant_id = ANY(\(needs.plants.sorted()))", logger: logger
        ).decode((String, String, String).self) {
            if let type = LocationType(rawValue: type) { reads.locationTypes[plant, default: [:]][location] = type }
        }
        let produced = needs.productionItems.sorted { ($0.plant, $0.item) < ($1.plant, $1.item) }
        if !produced.isEmpty {
            for try await (plant, item, type, payload) in try await connection.query("""
                SELECT d.plant_id, d.item, d.type, d.payload FROM ledger_definitions d
                JOIN unnest(\(produced.map(\.plant)), \(produced.map(\.item))) AS u(plant_id, item)
                  ON d.plant_id = u.plant_id AND d.item = u.item
                """, logger: logger).decode((String, String, String, String).self) {
                LedgerPosting.define(&reads, plant: plant, item: item, type: type, payload: payload)
            }
        }
        let positions = needs.positions.sorted()
        if !positions.isEmpty {
            for try await (company, plant, item, quantity, value) in try await connection.query("""
                SELECT p.company, p.plant_id, p.item, p.quantity, p.value FROM ledger_positions p
                JOIN unnest(\(positions.map(\.company)), \(positions.map(\.plant)), \(positions.map(\.item))) AS u(company, plant_id, item)
                  ON p.company = u.company AND p.plant_id = u.plant_id AND p.item = u.item
                """, logger: logger).decode((String, String, String, Int64, Int64).self) {
                reads.positions[ValuationKey(company: company, plant: plant, item: item)] = StockPosition(quantity: quantity, value: value)
            }
        }
        let lines = needs.orderLines.compactMap { line in LedgerPosting.orderLine(line).map { (line, $0.order, $0.line) } }
        if !lines.isEmpty {
            for try await (plant, order, number, price, currency) in try await connection.query("""
                SELECT s.plant_id, s.purchase_order, s.line, s.price, s.currency FROM supplier_order_lines s
                JOIN unnest(\(lines.map { $0.0.plant }), \(lines.map { $0.1 }), \(lines.map { Int64($0.2) })) AS u(plant_id, purchase_order, line)
                  ON s.plant_id = u.plant_id AND s.purchase_order = u.purchase_order AND s.line = u.line
                """, logger: logger).decode((String, String, Int32, String?, String?).self) {
                if let money = LedgerPosting.price(price, currency: currency) {
                    reads.orderLinePrices[PlantOrderLine(plant: plant, line: "\(order)/\(number)")] = money
                }
            }
        }
        let orders = needs.workOrders.sorted()
        if !orders.isEmpty {
            for try await (plant, order, company, value, issued, closed) in try await connection.query("""
                SELECT w.plant_id, w.work_order, w.company, w.value, w.issued::text, w.closed FROM ledger_wip w
                JOIN unnest(\(orders.map(\.plant)), \(orders.map(\.workOrder))) AS u(plant_id, work_order)
                  ON w.plant_id = u.plant_id AND w.work_order = u.work_order
                """, logger: logger).decode((String, String, String, Int64, String, Bool).self) {
                reads.workInProgress[PlantWorkOrder(plant: plant, workOrder: order)] = WorkInProgress(
                    company: company, value: value, issued: LedgerWrite.issued(issued), closed: closed)
            }
        }
        let transit = needs.transitLines.sorted()
        if !transit.isEmpty {
            for try await (transfer, line, company, quantity, value) in try await connection.query("""
                SELECT t.transfer, t.line, t.company, t.quantity, t.value FROM ledger_in_transit t
                JOIN unnest(\(transit.map(\.transfer)), \(transit.map { Int64($0.line) })) AS u(transfer, line)
                  ON t.transfer = u.transfer AND t.line = u.line
                """, logger: logger).decode((String, Int32, String, Int64, Int64).self) {
                reads.inTransit[TransitLine(transfer: transfer, line: Int(line))] = TransitValue(company: company, quantity: quantity, value: value)
            }
        }
        return reads
    }
}
