import CSQLite3
import Foundation
import GRDB

/// One of GRDB's cached statements, bound and stepped through SQLite's C API. For the few statements the MQTT
/// inbox projection runs per message: there, boxing arguments into GRDB's `StatementArguments` and rows into
/// `Row` cost more than SQLite's own work. Use inside a GRDB write intent only; the statement stays GRDB's
/// (prepared and finalized by it), and is left reset with its bindings cleared.
struct BoundStatement {
    private let statement: OpaquePointer

    /// A value to bind.
    enum Value {
        case integer(Int64)
        case text(String?)
    }

    /// GRDB's cached statement for `sql`, with `values` bound to its parameters in order.
    init(_ db: Database, _ sql: String, _ values: Value...) throws {
        statement = try db.cachedStatement(sql: sql).sqliteStatement
        for (index, value) in zip(Int32(1)..., values) {
            switch value {
            case .integer(let value):
                sqlite3_bind_int64(statement, index, value)
            case .text(let value?):
                // SQLITE_TRANSIENT: SQLite copies the text, so the Swift string need not outlive the call.
                sqlite3_bind_text(statement, index, value, -1, gantry_sqlite_transient())
            case .text(nil):
                sqlite3_bind_null(statement, index)
            }
        }
    }

    /// Runs a statement that returns nothing.
    func run() throws {
        defer { clear() }
        guard sqlite3_step(statement) == SQLITE_DONE else { throw failure() }
    }

    /// Runs a query for its first row and reads it with `read`; `nil` without a row.
    func first<T>(_ read: (Row) -> T) throws -> T? {
        defer { clear() }
        switch sqlite3_step(statement) {
        case SQLITE_ROW: return read(Row(statement: statement))
        case SQLITE_DONE: return nil
        default: throw failure()
        }
    }

    /// A row of a query, read by column index.
    struct Row {
        fileprivate let statement: OpaquePointer

        func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }

        func string(_ column: Int32) -> String? {
            guard let text = sqlite3_column_text(statement, column) else { return nil }
            return String(decoding: UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(statement, column))), as: UTF8.self)
        }
    }

    private func clear() {
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
    }

    /// The same error GRDB would throw, so callers and logs see one kind.
    private func failure() -> DatabaseError {
        let db = sqlite3_db_handle(statement)
        return DatabaseError(
            resultCode: ResultCode(rawValue: sqlite3_extended_errcode(db)), message: String(cString: sqlite3_errmsg(db)),
            sql: String(cString: sqlite3_sql(statement)))
    }
}
