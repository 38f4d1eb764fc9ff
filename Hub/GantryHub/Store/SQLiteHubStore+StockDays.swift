import Foundation
import GantryCore
import GRDB

/// The plants' stock per plant-local day on SQLite (`stock_days`), kept in the transaction that applies the events.
extension SQLiteHubStore {
    /// Adds `projection`'s stock moves per item and day, the day in the plant's zone as posting takes it.
    func addStockDays(_ projection: EventProjection, plant: String, in db: Database) throws {
        guard !projection.moves.isEmpty else { return }
        let zone = try Self.plantZone(plant, masters: try ledgerMasters(in: db), in: db)
        try Self.addStockDays(projection.stockDays(timeZone: zone), plant: plant, in: db)
    }

    private static func addStockDays(_ days: [EventProjection.StockDay], plant: String, in db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO stock_days (plant_id, item, day, quantity) VALUES (?, ?, ?, ?)
            ON CONFLICT (plant_id, item, day) DO UPDATE SET quantity = quantity + excluded.quantity
            """)
        for day in days {
            try statement.execute(arguments: [plant, day.item, day.day, day.delta])
        }
    }

    /// A plant's time zone as posting takes it (`LedgerPosting.sources`): the plant master's, else the enrolment's.
    static func plantZone(_ plant: String, masters: LedgerMasters, in db: Database) throws -> String {
        if let zone = masters.timeZones[plant] { return zone }
        return try String.fetchOne(db, sql: "SELECT time_zone FROM plants WHERE plant_id = ?", arguments: [plant]) ?? "UTC"
    }

    /// The stock moves of every event the hub already applied, plant by plant (the migration's backfill).
    static func backfillStockDays(_ db: Database) throws {
        let masters = LedgerMasters(try LedgerMasterRow.fetchAll(
            db, sql: "SELECT kind, company, key, active, data FROM masters WHERE kind = ?", arguments: [MasterKind.plant.rawValue]
        ).compactMap(\.record))
        var zones: [String: String] = [:]
        try forEachKeptRun(db, types: [StockMoved.eventType], statuses: [EventProjection.Status.applied.rawValue]) { plant, run in
            let zone = try zones[plant] ?? plantZone(plant, masters: masters, in: db)
            zones[plant] = zone
            try addStockDays(EventProjection(run).stockDays(timeZone: zone), plant: plant, in: db)
        }
    }
}
