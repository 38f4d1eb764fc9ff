import Foundation
import GantryCore
import GRDB

/// `gantry-hub backup`: a consistent copy of the hub's SQLite store while the hub serves, or, on PostgreSQL,
/// the `pg_dump` command that backs it up (PostgreSQL's own tools do that better than a copy made here could).
public enum HubBackup {
    /// What a backup holds, read from the copy itself.
    public struct Summary: Sendable {
        /// The copy's path and size.
        public var path: String
        public var bytes: Int64
        /// The last migration applied to the copy, e.g. `12-…`, and how many are.
        public var schema: String
        public var migrations: Int
        /// Each plant's last applied sequence in the copy: what the plants resend after it from, if restored.
        public var plantHeads: [(plant: String, lastSequence: Int64)]

        /// The lines `gantry-hub backup` prints.
        public var text: String {
            var lines = [
                "backup written: \(path)", "bytes: \(bytes)", "schema: \(schema) (\(migrations) migrations)",
                "plants: \(plantHeads.count)",
            ]
            lines += plantHeads.map { "  \($0.plant) through sequence \($0.lastSequence)" }
            return lines.joined(separator: "\n")
        }
    }

    /// Backs up the store `configuration` names to `destination`; refuses an existing file unless `force`, and a
    /// PostgreSQL store with the `pg_dump` command to use instead.
    public static func run(_ configuration: HubConfiguration, to destination: String, force: Bool) throws -> Summary {
        if let url = configuration.storeURL {
            throw CommandLineError(
                "the hub's store is PostgreSQL (store.url): back it up with PostgreSQL's tools, e.g. "
                    + "`\(pgDumpCommand(url, to: destination))` (the password from PGPASSWORD or ~/.pgpass), "
                    + "and restore with `pg_restore --clean --if-exists -d \(url.database) \(destination)`; "
                    + "for point-in-time recovery see docs/operations.md, Backups")
        }
        let backup = SQLiteFileBackup(source: configuration.storePath, destination: destination, force: force)
        let (bytes, summary) = try backup.run { db in
            let applied = try SQLiteHubStore.migrator.appliedIdentifiers(db)
            guard !applied.isEmpty, try db.tableExists("plants") else {
                throw CommandLineError("\(configuration.storePath) is not a Gantry hub store")
            }
            let heads = try PlantHead.fetchAll(db, sql: "SELECT plant_id, last_sequence FROM plants ORDER BY plant_id")
            let last = HubMigration.all.last { applied.contains($0.identifier) }?.identifier ?? applied.sorted().last!
            return (schema: last, migrations: applied.count, heads: heads.map { (plant: $0.plantID, lastSequence: $0.lastSequence) })
        }
        return Summary(
            path: destination, bytes: bytes, schema: summary.schema, migrations: summary.migrations, plantHeads: summary.heads)
    }

    /// The `pg_dump` command line for the database `url` names (never its password).
    static func pgDumpCommand(_ url: DatabaseURL, to destination: String) -> String {
        "pg_dump -Fc -h \(url.host) -p \(url.port) -U \(url.user) -d \(url.database) -f \(destination)"
    }

    /// A plant's position in the copy.
    struct PlantHead: Decodable, FetchableRecord {
        var plantID: String
        var lastSequence: Int64

        enum CodingKeys: String, CodingKey {
            case plantID = "plant_id"
            case lastSequence = "last_sequence"
        }
    }
}
