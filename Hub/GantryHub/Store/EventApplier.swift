import Foundation
import GantryCore
import GRDB

/// Stores a plant's new events and projects each into the hub's state, inside the batch's transaction.
/// An event the hub cannot read is kept and quarantined rather than blocking the plant's log; an event of
/// a type or schema version this hub does not know yet is kept for a later version to project.
struct EventApplier {
    let db: Database
    let plant: String
    let receivedAt: String

    func apply(_ events: ArraySlice<EventEnvelope>) throws {
        let encoder = WireFormat.encoder()
        let insertEvent = try db.cachedStatement(sql: """
            INSERT INTO events (plant_id, seq, event_id, type, schema_version, occurred_at, recorded_at,
                                received_at, payload, status, status_reason)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for event in events {
            let projection = project(event)
            try insertEvent.execute(arguments: [
                plant, event.sequence, event.id.uuidString, event.type, event.schemaVersion,
                Timestamp.format(event.occurredAt), Timestamp.format(event.recordedAt), receivedAt,
                String(decoding: try encoder.encode(event.payload), as: UTF8.self),
                projection.status, projection.reason,
            ])
            try projection.write?(db)
        }
    }

    private struct Projection {
        var status: String
        var reason: String?
        var write: ((Database) throws -> Void)?
    }

    private func project(_ event: EventEnvelope) -> Projection {
        switch event.type {
        case ScanRecorded.eventType:
            return typed(ScanRecorded.self, event) { scan, db in
                try db.cachedStatement(sql: """
                    INSERT INTO scans (plant_id, seq, scan_id, device, data, occurred_at) VALUES (?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [
                        plant, event.sequence, scan.scanID.uuidString, scan.device, scan.data,
                        Timestamp.format(event.occurredAt),
                    ])
            }
        case MachineStateChanged.eventType:
            return typed(MachineStateChanged.self, event) { change, db in
                // The agent already dropped repeats; OR IGNORE keeps a replayed log harmless too.
                try db.cachedStatement(sql: """
                    INSERT OR IGNORE INTO machine_states (plant_id, line, machine, at, state, reason) VALUES (?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [plant, change.line, change.machine, Timestamp.format(change.at), change.state.rawValue, change.reason])
            }
        case MachineCountReported.eventType:
            return typed(MachineCountReported.self, event) { count, db in
                try db.cachedStatement(sql: """
                    INSERT OR IGNORE INTO machine_counts (plant_id, line, machine, at, good, scrap) VALUES (?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [plant, count.line, count.machine, Timestamp.format(count.at), count.good, count.scrap])
            }
        case MachineSignalLost.eventType:
            return typed(MachineSignalLost.self, event) { lost, db in
                try db.cachedStatement(sql: "INSERT INTO machine_signal_gaps (plant_id, at, cause) VALUES (?, ?, ?)")
                    .execute(arguments: [plant, Timestamp.format(lost.at), lost.cause])
            }
        default:
            return Projection(status: "unprojected", reason: "event type \(event.type) is not known to this hub version")
        }
    }

    private func typed<E: PlantEvent>(
        _ type: E.Type, _ event: EventEnvelope, write: @escaping (E, Database) throws -> Void
    ) -> Projection {
        guard event.schemaVersion <= E.schemaVersion else {
            return Projection(
                status: "unprojected",
                reason: "\(event.type) schema version \(event.schemaVersion) is newer than this hub's \(E.schemaVersion)")
        }
        do {
            let typed = try E.decode(type: event.type, schemaVersion: event.schemaVersion, payload: event.payload)
            return Projection(status: "applied", reason: nil) { db in try write(typed, db) }
        } catch {
            return Projection(status: "quarantined", reason: "\(error)")
        }
    }
}
