import CSQLite3
import Foundation
import GRDB

/// One of GRDB's cached statements, bound and stepped through SQLite's C API. For the few statements the MQTT
/// inbox projection runs per message: there, boxing arguments into GRDB's `StatementArguments` and rows into
/// `Row` cost more than SQLite's own work. Use inside a GRDB write intent only; the statement stays GRDB's
/// (prepared and finalized by it), and is left reset with its bindings cleared. Statements run once per
/// message are best looked up once per transaction and passed in: GRDB's cache hashes the SQL text per lookup.
struct BoundStatement {
    private let statement: OpaquePointer

    /// A value to bind.
    enum Value {
        case integer(Int64)
        case text(String?)
    }

    private let values: [Value]
    private static let empty: StaticString = ""

    /// GRDB's cached statement for `sql`, with `values` to bind to its parameters in order.
    init(_ db: Database, _ sql: String, _ values: Value...) throws {
        statement = try db.cachedStatement(sql: sql).sqliteStatement
        self.values = values
    }

    /// `statement`, with `values` to bind to its parameters in order.
    init(_ statement: Statement, _ values: Value...) {
        self.statement = statement.sqliteStatement
        self.values = values
    }

    /// Runs a statement that returns nothing.
    func run() throws {
        try bound {
            guard sqlite3_step(statement) == SQLITE_DONE else { throw failure() }
        }
    }

    /// Runs a query for its first row and reads it with `read`; `nil` without a row.
    func first<T>(_ read: (Row) -> T) throws -> T? {
        try bound {
            switch sqlite3_step(statement) {
            case SQLITE_ROW: return read(Row(statement: statement))
            case SQLITE_DONE: return nil
            default: throw failure()
            }
        }
    }

    /// Runs `body` with the values bound, then resets the statement and clears its bindings. Texts are
    /// copied into one buffer and bound where it keeps them, with SQLITE_STATIC: SQLite reads them in place
    /// rather than allocating a copy of each (which was a tenth of the projection's cost), so the statement
    /// runs inside the buffer's scope and is cleared before it ends.
    private func bound<T>(_ body: () throws -> T) throws -> T {
        var size = 0
        for case .text(let text?) in values { size += text.utf8.count }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(size)
        for case .text(let text?) in values { buffer.append(contentsOf: text.utf8) }
        return try buffer.withUnsafeBufferPointer { texts in
            defer {
                sqlite3_reset(statement)
                sqlite3_clear_bindings(statement)
            }
            var offset = 0
            for (index, value) in values.enumerated() {
                let parameter = Int32(index + 1)
                switch value {
                case .integer(let value):
                    sqlite3_bind_int64(statement, parameter, value)
                case .text(nil):
                    sqlite3_bind_null(statement, parameter)
                case .text(let text?):
                    let count = text.utf8.count
                    // An empty text still needs a pointer: a null one would bind NULL.
                    let start = count == 0 ? Self.empty.utf8Start : texts.baseAddress! + offset
                    sqlite3_bind_text(
                        statement, parameter, UnsafeRawPointer(start).assumingMemoryBound(to: CChar.self), Int32(count),
                        gantry_sqlite_static())
                    offset += count
                }
            }
            return try body()
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

    /// The same error GRDB would throw, so callers and logs see one kind.
    private func failure() -> DatabaseError {
        let db = sqlite3_db_handle(statement)
        return DatabaseError(
            resultCode: ResultCode(rawValue: sqlite3_extended_errcode(db)), message: String(cString: sqlite3_errmsg(db)),
            sql: String(cString: sqlite3_sql(statement)))
    }
}
