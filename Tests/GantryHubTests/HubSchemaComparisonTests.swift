import Foundation
import GantryCore
@testable import GantryHub
import GantryTestSupport
import GRDB
import Testing

/// Both databases migrated from empty end with the same schema: tables, columns (types normalised to SQLite's
/// storage classes), primary keys, unique and foreign keys, checks, indexes and triggers. What may differ is
/// listed here, with the reason; anything else is a migration written differently for one database.
@Suite struct HubSchemaComparisonTests {
    /// PostgreSQL's column types and the SQLite type each is stored as on SQLite.
    static let typeCounterparts: [String: String] = [
        "text": "text",
        "bigint": "integer",
        "integer": "integer",
        // Booleans are 0 and 1 on SQLite.
        "boolean": "integer",
        // Sums of exact decimals (a day's planned run time) are numeric on PostgreSQL; SQLite has no decimal type
        // and sums them as binary floating point, read back to the microsecond (`KPIDayRollup`).
        "numeric": "real",
        // Times are ISO 8601 text on SQLite (`Timestamp.format`), timestamptz on PostgreSQL.
        "timestamp with time zone": "text",
        // Event and scan ids are their canonical text on SQLite.
        "uuid": "text",
        // Payloads, instruction bodies and answers are canonical JSON text on SQLite, jsonb on PostgreSQL.
        "jsonb": "text",
    ]

    /// On SQLite only: an applied event and a scan reference their plant and event. PostgreSQL leaves these foreign keys
    /// out on purpose: rows reach those tables only through a batch holding its plant's row lock, and a week's catch-up
    /// pays for no per-row trigger.
    static let sqliteOnly: Set<String> = [
        "events FOREIGN KEY (plant_id) REFERENCES plants(plant_id)",
        "scans FOREIGN KEY (plant_id, seq) REFERENCES events(plant_id, seq)",
        // PostgreSQL partitions the events by the month received, and a partitioned table's key holds its partition key.
        "events PRIMARY KEY (plant_id, seq)",
    ]

    /// On PostgreSQL only: TRUNCATE, which SQLite does not have, is refused on the immutable tables too.
    static let postgresOnly: Set<String> = [
        "events BEFORE TRUNCATE",
        "audit_log BEFORE TRUNCATE",
        "events PRIMARY KEY (plant_id, seq, received_at)",
    ]

    @Test func bothDatabasesMigrateFromEmptyToTheSameSchema() async throws {
        let sqlite = try await withTemporaryDirectory { dir in
            _ = try SQLiteHubStore(path: "\(dir)/hub.sqlite")
            return try Self.sqliteSchema(path: "\(dir)/hub.sqlite")
        }
        let url = try PostgresServer.shared.createDatabase()
        _ = try await PostgresHubStore.open(url, poolSize: 1, logger: HubBackend.quiet)
        let postgres = try Self.postgresSchema(database: url.database)

        #expect(sqlite.contains("plants.scans integer not null default 0"), "the comparison reads columns")
        #expect(sqlite.contains("principals_name_folded UNIQUE ON principals (lower(name))"), "and expression indexes")
        #expect(sqlite.subtracting(postgres).sorted() == Self.sqliteOnly.sorted())
        #expect(postgres.subtracting(sqlite).sorted() == Self.postgresOnly.sorted())
    }

    @Test func bothDatabasesRecordTheSameMigrations() async throws {
        let sqlite = try await withTemporaryDirectory { dir in
            _ = try SQLiteHubStore(path: "\(dir)/hub.sqlite")
            return try DatabaseQueue(path: "\(dir)/hub.sqlite").read { db in
                try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid")
            }
        }
        let url = try PostgresServer.shared.createDatabase()
        _ = try await PostgresHubStore.open(url, poolSize: 1, logger: HubBackend.quiet)
        let postgres = try PostgresServer.shared.psql(url.database, "SELECT name FROM gantry_schema ORDER BY version")
        #expect(sqlite == HubMigration.all.map(\.identifier))
        #expect(postgres.split(separator: "\n").map(String.init) == sqlite)
        #expect(HubMigration.all.map(\.number) == Array(1...HubMigration.all.count))
    }

    // MARK: Reading a schema

    /// SQLite's schema as lines (see `postgresSchema` for the same lines from PostgreSQL).
    static func sqliteSchema(path: String) throws -> Set<String> {
        let tables = "m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> 'grdb_migrations'"
        return try DatabaseQueue(path: path).read { db in
            var lines = Set<String>()
            lines.formUnion(try String.fetchAll(db, sql: """
                SELECT m.name || '.' || p.name || ' ' || lower(p.type)
                    || CASE WHEN p."notnull" = 1 OR p.pk > 0 THEN ' not null' ELSE '' END
                    || coalesce(' default ' || p.dflt_value, '')
                FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE \(tables)
                """))
            lines.formUnion(try String.fetchAll(db, sql: """
                SELECT m.name || ' PRIMARY KEY (' || (SELECT group_concat(name, ', ') FROM
                    (SELECT name FROM pragma_table_info(m.name) WHERE pk > 0 ORDER BY pk)) || ')'
                FROM sqlite_master m WHERE \(tables) AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) WHERE pk > 0)
                """))
            lines.formUnion(try String.fetchAll(db, sql: """
                SELECT m.name || ' UNIQUE (' || (SELECT group_concat(name, ', ') FROM
                    (SELECT name FROM pragma_index_info(i.name) ORDER BY seqno)) || ')'
                FROM sqlite_master m JOIN pragma_index_list(m.name) i WHERE \(tables) AND i.origin = 'u'
                """))
            lines.formUnion(try String.fetchAll(db, sql: """
                SELECT m.name || ' FOREIGN KEY (' || group_concat(f."from", ', ') || ') REFERENCES ' || f."table"
                    || '(' || group_concat(f."to", ', ') || ')'
                FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f WHERE \(tables) GROUP BY m.name, f.id
                """))
            for (table, sql) in try Self.pairs(db, "SELECT m.name, m.sql FROM sqlite_master m WHERE \(tables)") {
                lines.formUnion(Self.sqliteChecks(table: table, sql: sql))
            }
            for (name, sql) in try Self.pairs(db, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL") {
                lines.insert(try Self.index(name: name, definition: sql))
            }
            for (table, sql) in try Self.pairs(db, "SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger'") {
                lines.formUnion(try Self.triggers(table: table, definition: sql))
            }
            return lines
        }
    }

    /// PostgreSQL's schema as the same lines, its types turned into their SQLite counterparts. The partitions of a
    /// partitioned table (the events' months) repeat its definition and are left out.
    static func postgresSchema(database: String) throws -> Set<String> {
        let server = try PostgresServer.shared
        func rows(_ sql: String) throws -> [[String]] {
            try server.psql(database, sql).split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
        }
        var lines = Set<String>()
        for row in try rows("""
            SELECT table_name, column_name, data_type, is_nullable, coalesce(column_default, '')
            FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'gantry_schema'
              AND table_name NOT IN (SELECT relname FROM pg_class WHERE relispartition)
            """) {
            let type = try #require(typeCounterparts[row[2]], "PostgreSQL type \(row[2]) of \(row[0]).\(row[1]) has no SQLite counterpart")
            lines.insert("\(row[0]).\(row[1]) \(type)\(row[3] == "NO" ? " not null" : "")\(row[4].isEmpty ? "" : " default \(row[4])")")
        }
        for row in try rows("""
            SELECT conrelid::regclass::text, contype, pg_get_constraintdef(oid) FROM pg_constraint
            WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> 'gantry_schema'
              AND conrelid NOT IN (SELECT oid FROM pg_class WHERE relispartition)
            """) {
            lines.insert("\(row[0]) \(row[1] == "c" ? try postgresCheck(row[2]) : row[2])")
        }
        for row in try rows("""
            SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'
              AND indexname NOT IN (SELECT conname FROM pg_constraint) AND tablename <> 'gantry_schema'
              AND tablename NOT IN (SELECT relname FROM pg_class WHERE relispartition)
            """) {
            lines.insert(try index(name: row[0], definition: row[1]))
        }
        for row in try rows("""
            SELECT tgrelid::regclass::text, pg_get_triggerdef(oid) FROM pg_trigger
            WHERE NOT tgisinternal AND tgrelid NOT IN (SELECT oid FROM pg_class WHERE relispartition)
            """) {
            lines.formUnion(try triggers(table: row[0], definition: row[1]))
        }
        return lines
    }

    private static func pairs(_ db: Database, _ sql: String) throws -> [(String, String)] {
        try Pair.fetchAll(db, sql: sql).map { ($0.first, $0.second) }
    }

    /// Two text columns.
    private struct Pair: FetchableRecord {
        var first: String
        var second: String
        init(row: Row) throws {
            first = row[0]
            second = row[1]
        }
    }

    /// `name UNIQUE ON table (columns)` from a CREATE INDEX statement of either database.
    static func index(name: String, definition: String) throws -> String {
        let on = try #require(definition.range(of: " ON "))
        let rest = definition[on.upperBound...]
        let table = rest.prefix { $0 != " " }.replacingOccurrences(of: "public.", with: "")
        let open = try #require(rest.firstIndex(of: "("))
        let columns = rest[rest.index(after: open)..<rest.index(before: rest.endIndex)]
        let unique = definition.hasPrefix("CREATE UNIQUE") ? " UNIQUE" : ""
        return "\(name)\(unique) ON \(table) (\(columns))"
    }

    /// `table BEFORE EVENT` for each event a trigger fires on.
    static func triggers(table: String, definition: String) throws -> [String] {
        let before = try #require(definition.range(of: "BEFORE "))
        let on = try #require(definition.range(of: " ON ", range: before.upperBound..<definition.endIndex))
        return definition[before.upperBound..<on.lowerBound].components(separatedBy: " OR ").map { "\(table) BEFORE \($0)" }
    }

    /// SQLite's `column TEXT NOT NULL CHECK (column IN (…))` as `table CHECK (column IN (…))`.
    static func sqliteChecks(table: String, sql: String) -> [String] {
        sql.components(separatedBy: "CHECK (").dropFirst().map { rest in
            var depth = 1, end = rest.startIndex
            for index in rest.indices {
                if rest[index] == "(" { depth += 1 }
                if rest[index] == ")" { depth -= 1 }
                if depth == 0 { end = index; break }
            }
            return "\(table) CHECK (\(rest[..<end]))"
        }
    }

    /// PostgreSQL's `CHECK ((column = ANY (ARRAY['a'::text, …])))` as `CHECK (column IN ('a', …))`.
    static func postgresCheck(_ definition: String) throws -> String {
        let column = try #require(definition.range(of: "CHECK ((")).upperBound
        let equals = try #require(definition.range(of: " = ANY (ARRAY["))
        let close = try #require(definition.range(of: "])", options: .backwards))
        let values = definition[equals.upperBound..<close.lowerBound].replacingOccurrences(of: "::text", with: "")
        return "CHECK (\(definition[column..<equals.lowerBound]) IN (\(values)))"
    }
}
