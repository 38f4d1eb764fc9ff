import Foundation
import Logging
import PostgresNIO

extension PostgresHubStore {
    /// Brings the schema up to date under an advisory lock, so hubs started together migrate once; refuses a
    /// database whose schema is newer than this hub knows.
    static func migrate(_ connection: PostgresConnection, logger: Logger) async throws {
        try await inTransaction(connection, logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(7461112201)", logger: logger)
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS gantry_schema (
                    version integer PRIMARY KEY,
                    name text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """, logger: logger)
            try await renumberFirstMigrations(connection, logger: logger)
            var current = 0
            for try await version in try await connection.query(
                "SELECT coalesce(max(version), 0)::bigint FROM gantry_schema", logger: logger
            ).decode(Int64.self) {
                current = Int(version)
            }
            let migrations = HubMigration.all
            guard current <= migrations.count else {
                throw HubStoreError(.newerSchema, """
                    the database is at schema version \(current), written by a newer gantry-hub (this one knows \
                    \(migrations.count)); upgrade this hub, or restore a backup taken before the upgrade
                    """)
            }
            for migration in migrations.dropFirst(current) {
                for statement in migration.postgres {
                    try await connection.query(statement, logger: logger)
                }
                // A new projection starts with what the hub already kept, as on SQLite.
                if migration.projectsKeptSourcing { try await projectKeptSourcing(connection, logger: logger) }
                if migration.backfillsKPIRollups { try await PostgresKPIRollupWriter.backfill(connection, logger: logger) }
                if migration.backfillsOperationsRollups { try await PostgresOperationsRollupWriter.backfill(connection, logger: logger) }
                if migration.backfillsStockDays { try await backfillStockDays(connection, logger: logger) }
                try await connection.query(
                    "INSERT INTO gantry_schema (version, name) VALUES (\(migration.number), \(migration.identifier))", logger: logger)
            }
        }
    }

    /// Rewrites the versions recorded by a hub from before both databases shared migration numbers into today's
    /// (`HubMigration.postgresFirstNumbering`), keeping when each was applied; nothing else changes, as the schema
    /// it describes is the same. Runs in the migration's transaction, under its lock.
    static func renumberFirstMigrations(_ connection: PostgresConnection, logger: Logger) async throws {
        let numbering = HubMigration.postgresFirstNumbering
        var recorded: [(version: Int, appliedAt: Date)] = []
        var marked = false
        for try await (version, name, appliedAt) in try await connection.query(
            "SELECT version, name, applied_at FROM gantry_schema ORDER BY version", logger: logger
        ).decode((Int32, String, Date).self) {
            recorded.append((Int(version), appliedAt))
            if version == 2 && name == numbering.marker { marked = true }
        }
        // A version the old numbering never had would be a newer hub's: left for the check that refuses it.
        guard marked, recorded.allSatisfy({ numbering.versions[$0.version] != nil }) else { return }
        try await connection.query("DELETE FROM gantry_schema", logger: logger)
        for (old, appliedAt) in recorded {
            for number in numbering.versions[old] ?? [] {
                try await connection.query("""
                    INSERT INTO gantry_schema (version, name, applied_at)
                    VALUES (\(number), \(HubMigration.all[number - 1].identifier), \(appliedAt))
                    """, logger: logger)
            }
        }
        logger.notice("renumbered the schema versions to those shared with SQLite", metadata: ["versions": "\(recorded.count)"])
    }
}
