import Foundation
import GantryCore
import GRDB

/// Writes a plant's new events and their projections (see `EventProjection`) inside the batch's transaction.
struct EventApplier {
    let db: Database
    let plant: String
    let receivedAt: String

    func apply(_ projection: EventProjection) throws {
        let insertEvent = try db.cachedStatement(sql: """
            INSERT INTO events (plant_id, seq, event_id, type, schema_version, occurred_at, recorded_at,
                                received_at, payload, status, status_reason)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for stored in projection.events {
            let event = stored.envelope
            try insertEvent.execute(arguments: [
                plant, event.sequence, SyncBatchReader.text(event.id), event.type, event.schemaVersion,
                Timestamp.format(event.occurredAt), Timestamp.format(event.recordedAt), receivedAt,
                stored.payload, stored.status.rawValue, stored.reason,
            ])
        }
        let insertScan = try db.cachedStatement(sql: """
            INSERT INTO scans (plant_id, seq, scan_id, device, data, occurred_at) VALUES (?, ?, ?, ?, ?, ?)
            """)
        for scan in projection.scans {
            try insertScan.execute(arguments: [
                plant, scan.sequence, SyncBatchReader.text(scan.scanID), scan.device, scan.data, Timestamp.format(scan.occurredAt),
            ])
        }
        // The agent already dropped repeats; OR IGNORE keeps a replayed log harmless too.
        let insertState = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO machine_states (plant_id, line, machine, at, state, reason) VALUES (?, ?, ?, ?, ?, ?)
            """)
        for change in projection.states {
            try insertState.execute(arguments: [
                plant, change.line, change.machine, Timestamp.format(change.at), change.state.rawValue, change.reason,
            ])
        }
        let insertCount = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO machine_counts (plant_id, line, machine, at, good, scrap) VALUES (?, ?, ?, ?, ?, ?)
            """)
        for count in projection.counts {
            try insertCount.execute(arguments: [
                plant, count.line, count.machine, Timestamp.format(count.at), count.good, count.scrap,
            ])
        }
        let insertGap = try db.cachedStatement(sql: "INSERT INTO machine_signal_gaps (plant_id, at, cause) VALUES (?, ?, ?)")
        for gap in projection.gaps {
            try insertGap.execute(arguments: [plant, Timestamp.format(gap.at), gap.cause])
        }
        // Stock is the sum of the plant's move deltas, never a quantity written over another.
        let addStock = try db.cachedStatement(sql: """
            INSERT INTO stock_balances (plant_id, item, lot, quantity) VALUES (?, ?, ?, ?)
            ON CONFLICT (plant_id, item, lot) DO UPDATE SET quantity = quantity + excluded.quantity
            """)
        for change in projection.stockDeltas {
            try addStock.execute(arguments: [plant, change.item, change.lot, change.delta])
        }
        let insertLink = try db.cachedStatement(sql: """
            INSERT INTO lot_links (plant_id, seq, work_order, output_item, output_lot, output_serial, input_item, input_lot,
                                   input_serial, quantity)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for link in projection.links {
            try insertLink.execute(arguments: [
                plant, link.sequence, link.workOrder, link.output.item, link.output.lot ?? "", link.output.serial ?? "",
                link.input.item, link.input.lot ?? "", link.input.serial ?? "", link.quantity,
            ])
        }
        let insertApproval = try db.cachedStatement(sql: """
            INSERT INTO approval_requests (plant_id, approval_id, request, state, requested_at) VALUES (?, ?, ?, 'pending', ?)
            ON CONFLICT (plant_id, approval_id) DO NOTHING
            """)
        for kept in projection.approvalRequests {
            try insertApproval.execute(arguments: [plant, kept.event.approval, kept.payload, Timestamp.format(kept.at)])
        }
        // Only plants' own decisions come here (EventProjection). One settles a request only if it was the plant's
        // to decide, by an approving role other than the requester: the hub holds plants to its own rules.
        let decide = try db.cachedStatement(sql: """
            UPDATE approval_requests SET state = ?, decision = ?, decided_at = ?
            WHERE plant_id = ? AND approval_id = ? AND state = 'pending' AND json_extract(request, '$.route') = ?
              AND EXISTS (SELECT 1 FROM json_each(request, '$.approvingRoles') WHERE value = ?)
              AND lower(json_extract(request, '$.requestedBy')) <> lower(?)
            """)
        for kept in projection.approvalDecisions {
            try decide.execute(arguments: [
                kept.event.verdict.rawValue, kept.payload, Timestamp.format(kept.event.decidedAt), plant, kept.event.approval,
                kept.event.place.rawValue, kept.event.role.rawValue, kept.event.decidedBy,
            ])
        }
        let answer = try db.cachedStatement(sql: """
            UPDATE plant_instructions SET answer = ?, answered_at = ? WHERE plant_id = ? AND seq = ? AND kind = 'demand' AND reference = ?
            """)
        for kept in projection.demandAnswers {
            try answer.execute(arguments: [kept.payload, Timestamp.format(kept.at), plant, kept.event.instruction, kept.event.reference])
        }
        try apply(projection.sourcing)
        try apply(projection.shipping)
        try SQLiteKPIRollupWriter(db: db, plant: plant).apply(KPIRollup.Changes(projection))
        try SQLiteOperationsRollupWriter(db: db, plant: plant).add(OperationsRollup.rows(projection.operations.map(\.fact)))
    }
}
