import CSQLite3
import Foundation

/// One SQLite connection through the C API, with its prepared statements: the raw pointers live here and
/// every failing return code becomes a `StoreError` here, once. Not thread-safe: its owner serialises use.
final class SQLiteConnection {
    private let db: OpaquePointer
    private var statements: [OpaquePointer] = []
    private let name: String

    /// Opens (creating if needed) the database at `path`; `name` says what it is in error messages.
    init(path: String, name: String) throws {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        guard sqlite3_open_v2(path, &handle, flags, nil) == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            throw StoreError(.unusable, "cannot open \(name) \(path): \(message)")
        }
        db = handle
        self.name = name
        // Another connection may hold the write lock (or run a checkpoint) for a moment: wait in short steps
        // (sqlite3_busy_timeout would sleep whole milliseconds), up to ~10 s.
        sqlite3_busy_handler(handle, { _, attempts in
            usleep(20)
            return attempts < 200_000 ? 1 : 0
        }, nil)
    }

    deinit {
        statements.forEach { sqlite3_finalize($0) }
        sqlite3_close_v2(db)
    }

    /// Runs SQL text that takes no arguments (pragmas, schema).
    func execute(_ sql: String) throws {
        guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else { throw error("cannot run \(sql)") }
    }

    /// A statement prepared once, finalized with the connection.
    func prepare(_ sql: String) throws -> OpaquePointer {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK, let statement else {
            throw error("cannot prepare \(sql)")
        }
        statements.append(statement)
        return statement
    }

    /// Steps a statement that returns no rows to completion, then resets it.
    func run(_ statement: OpaquePointer) throws {
        defer { sqlite3_reset(statement) }
        guard sqlite3_step(statement) == SQLITE_DONE else { throw error("could not be written") }
    }

    /// Steps a query: true while it has a row. Reset it when done.
    func step(_ statement: OpaquePointer) throws -> Bool {
        switch sqlite3_step(statement) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw error("could not be read")
        }
    }

    /// Copies what a write-ahead log holds into the database file, without waiting for anyone
    /// (`SQLITE_CHECKPOINT_PASSIVE`); the log then starts over once nobody reads it.
    func checkpoint() throws {
        let code = sqlite3_wal_checkpoint_v2(db, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
        guard code == SQLITE_OK || code == SQLITE_BUSY else { throw error("could not be checkpointed") }
    }

    private func error(_ what: String) -> StoreError {
        StoreError(.unusable, "\(name) \(what): \(String(cString: sqlite3_errmsg(db))) (\(sqlite3_extended_errcode(db)))")
    }
}
