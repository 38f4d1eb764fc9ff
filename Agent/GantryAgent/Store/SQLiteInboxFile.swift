import CSQLite3
import Foundation

/// The MQTT inbox of earlier agents: a SQLite file, `{store.path}-inbox`, with a table `mqtt_inbox`. An
/// upgraded agent carries the entries it still holds into the inbox log, keeping their ids, and then deletes
/// the file. Entries the log already has (a crash came before the deletion) are not carried again.
enum SQLiteInboxFile {
    static func carryOver(_ path: String, into log: InboxLog) throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        do {
            let connection = try SQLiteConnection(path: path, name: "the MQTT inbox of an earlier version")
            let select = try connection.prepare("""
                SELECT id, received_at, qos, topic, payload, payload_bytes, lost_cause FROM mqtt_inbox
                WHERE id >= ? ORDER BY id LIMIT 10000
                """)
            while true {
                sqlite3_bind_int64(select, 1, log.nextID)
                var entries: [InboxLog.Stored] = []
                while try connection.step(select) {
                    entries.append(InboxLog.Stored(id: sqlite3_column_int64(select, 0), entry: entry(select)))
                }
                sqlite3_reset(select)
                guard !entries.isEmpty else { break }
                try log.carryOver(entries)
            }
        }
        for suffix in ["", "-wal", "-shm", "-journal"] { unlink(path + suffix) }
    }

    private static func entry(_ row: OpaquePointer) -> InboxEntry {
        let receivedAt = Date(timeIntervalSince1970: Double(sqlite3_column_int64(row, 1)) / 1_000_000)
        if sqlite3_column_type(row, 6) != SQLITE_NULL {
            return InboxEntry(.signalLost(cause: text(row, 6)), receivedAt: receivedAt)
        }
        let count = Int(sqlite3_column_bytes(row, 4))
        let payload = count == 0 ? [] : Array(UnsafeRawBufferPointer(start: sqlite3_column_blob(row, 4), count: count))
        return InboxEntry(
            .message(topic: text(row, 3), payload: payload, payloadBytes: Int(sqlite3_column_int64(row, 5)),
                     qos: sqlite3_column_int(row, 2)),
            receivedAt: receivedAt)
    }

    private static func text(_ row: OpaquePointer, _ column: Int32) -> String {
        guard let text = sqlite3_column_text(row, column) else { return "" }
        return String(decoding: UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(row, column))), as: UTF8.self)
    }
}
