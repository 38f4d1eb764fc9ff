import Foundation
import GantryTestSupport
@testable import GantryAgent
import GantryCore
import GRDB
import Testing

/// The log's position (head, backlog bytes, oldest unsynced event) is read before every sync batch and on every
/// status request: it must cost the same after weeks offline as on the first day (docs/reliability.md,
/// "35 days offline").
@Suite struct LogPositionCostTests {
    @Test func thePositionReadsAFewRowsWhateverTheLogsLength() async throws {
        try await withTemporaryDirectory { dir in
            let path = "\(dir)/agent.sqlite"
            let store = try SQLitePlantStore(path: path, plantID: "ACME-BER")
            let receipt = try await store.recordScan(ScanRecorded(scanID: UUID(), device: "dock-1", data: "S1"), occurredAt: Date())
            let payloadBytes = try await store.position().backlogBytes
            #expect(receipt.sequence == 1 && payloadBytes > 0)

            // 20,000 more events of 10 payload bytes each behind the scan, written as the log's rows are
            // (gap-free sequences, running byte totals).
            let queue = try DatabaseQueue(path: path)
            try await queue.write { db in
                try db.execute(sql: """
                    WITH RECURSIVE n(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM n WHERE i < 20001)
                    INSERT INTO events (seq, event_id, type, schema_version, occurred_at, recorded_at, payload, log_bytes)
                    SELECT i, 'E' || i, 'Probe', 1, '2026-12-01T00:00:00.000000Z', '2026-12-01T00:00:00.000000Z',
                           '{"n":1234}', ? + (i - 1) * 10 FROM n
                    """, arguments: [payloadBytes])
            }

            // The same answer as the running totals say: 20,001 events, the scan's bytes and 20,000 x 10 pending.
            try await store.recordAcknowledgement(through: 1)
            let position = try await store.position()
            #expect(position.head == 20_001 && position.acknowledged == 1)
            #expect(position.backlogBytes == 200_000)

            // SQLite's own count of the statement's virtual machine steps: reading the whole log (the old
            // max(log_bytes)) takes more than one step per event; a lookup by sequence a few dozen.
            let steps = try await queue.read { db in
                let statement = try db.cachedStatement(sql: SQLitePlantStore.positionSQL)
                _ = try Row.fetchOne(statement, arguments: [1, 1])
                return try Int.fetchOne(db, sql: "SELECT max(nstep) FROM sqlite_stmt WHERE sql LIKE ?", arguments: ["%AS total_bytes%"])
            }
            let counted = try #require(steps)
            #expect(counted > 0 && counted < 500, "\(counted) steps for a log of 20,001 events")
        }
    }
}
