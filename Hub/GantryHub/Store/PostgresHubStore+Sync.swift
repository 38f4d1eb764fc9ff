import Foundation
import GantryCore
import PostgresNIO

/// Plants' batches and where each plant's log stands (the flow is `BatchFlow`'s; this is its SQL).
extension PostgresHubStore {
    public func applyBatch(_ batch: SyncBatch, receivedAt: Date) async throws -> BatchOutcome {
        let flow = BatchFlow(batch, receivedAt: receivedAt)
        try await makeEventPartitions(around: receivedAt)
        return try await transaction { [logger, self] connection in
            var lastApplied: Int64?
            // NO KEY UPDATE, not UPDATE: the plant's batches queue here, while rows that only refer to the plant (an
            // instruction another plant's batch hands it, with its foreign key) are not held up by them.
            for try await sequence in try await connection.query(
                "SELECT last_sequence FROM plants WHERE plant_id = \(batch.plant) FOR NO KEY UPDATE", logger: logger
            ).decode(Int64.self) {
                lastApplied = sequence
            }
            let plan = try flow.plan(lastApplied: lastApplied)
            let decision = try plan.decide(
                stored: try await Self.storedEventIDs(plant: batch.plant, plan.resentSequences, in: connection, logger: logger))
            try await Self.write(decision, into: connection, logger: logger)
            if let fresh = decision.fresh {
                try await addStockDays(fresh.projection, plant: batch.plant, in: connection, logger: logger)
                try await postLedger(fresh.projection, plant: batch.plant, at: receivedAt, in: connection, logger: logger)
            }
            return decision.outcome
        }
    }

    /// The ids of the events the hub holds for `plant` at `sequences`.
    private static func storedEventIDs(
        plant: String, _ sequences: ClosedRange<Int64>?, in connection: PostgresConnection, logger: Logger
    ) async throws -> [Int64: UUID] {
        guard let sequences else { return [:] }
        var stored: [Int64: UUID] = [:]
        for try await (sequence, id) in try await connection.query("""
            SELECT seq, event_id FROM events WHERE plant_id = \(plant) AND seq BETWEEN \(sequences.lowerBound) AND \(sequences.upperBound)
            """, logger: logger).decode((Int64, UUID).self) {
            stored[sequence] = id
        }
        return stored
    }

    private static func write(_ decision: BatchDecision, into connection: PostgresConnection, logger: Logger) async throws {
        let touch = decision.touch
        if let fresh = decision.fresh {
            let advance = fresh.advance
            try await write(fresh.projection, plant: advance.plant, receivedAt: touch.seenAt, into: connection, logger: logger)
            try await connection.query("""
                UPDATE plants SET last_sequence = \(advance.lastSequence), events_received = events_received + \(advance.applied),
                    last_event_recorded_at = \(advance.lastRecordedAt), scans = scans + \(advance.scans),
                    quarantined_events = quarantined_events + \(advance.quarantined),
                    unprojected_events = unprojected_events + \(advance.unprojected)
                WHERE plant_id = \(advance.plant)
                """, logger: logger)
        }
        try await connection.query(
            "UPDATE plants SET last_seen_at = \(touch.seenAt), agent_head = \(touch.agentHead) WHERE plant_id = \(touch.plant)",
            logger: logger)
    }

    /// One statement per table, whatever the batch's size: arrays bound as parameters and unnested.
    private static func write(
        _ projection: EventProjection, plant: String, receivedAt: Date, into connection: PostgresConnection, logger: Logger
    ) async throws {
        let events = projection.events
        try await connection.query("""
            INSERT INTO events (plant_id, seq, event_id, type, schema_version, occurred_at, recorded_at, received_at,
                                payload, status, status_reason)
            SELECT \(plant), seq, id, type, version, occurred, recorded, \(receivedAt), payload::jsonb, status, NULLIF(reason, '')
            FROM unnest(\(events.map(\.envelope.sequence)), \(events.map(\.envelope.id)), \(events.map(\.envelope.type)),
                        \(events.map { Int32($0.envelope.schemaVersion) }), \(events.map(\.envelope.occurredAt)),
                        \(events.map(\.envelope.recordedAt)), \(events.map(\.payload)), \(events.map(\.status.rawValue)),
                        \(events.map { $0.reason ?? "" }))
                AS u(seq, id, type, version, occurred, recorded, payload, status, reason)
            """, logger: logger)
        let scans = projection.scans
        if !scans.isEmpty {
            try await connection.query("""
                INSERT INTO scans (plant_id, seq, scan_id, device, data, occurred_at)
                SELECT \(plant), * FROM unnest(\(scans.map(\.sequence)), \(scans.map(\.scanID)), \(scans.map(\.device)),
                                               \(scans.map(\.data)), \(scans.map(\.occurredAt)))
                """, logger: logger)
        }
        let states = projection.states
        if !states.isEmpty {
            // The agent already dropped repeats; DO NOTHING keeps a replayed log harmless too.
            try await connection.query("""
                INSERT INTO machine_states (plant_id, line, machine, at, state, reason)
                SELECT \(plant), line, machine, at, state, NULLIF(reason, '')
                FROM unnest(\(states.map(\.line)), \(states.map(\.machine)), \(states.map(\.at)),
                            \(states.map(\.state.rawValue)), \(states.map { $0.reason ?? "" }))
                    AS u(line, machine, at, state, reason)
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
        let counts = projection.counts
        if !counts.isEmpty {
            try await connection.query("""
                INSERT INTO machine_counts (plant_id, line, machine, at, good, scrap)
                SELECT \(plant), * FROM unnest(\(counts.map(\.line)), \(counts.map(\.machine)), \(counts.map(\.at)),
                                               \(counts.map(\.good)), \(counts.map(\.scrap)))
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
        let deltas = projection.stockDeltas
        if !deltas.isEmpty {
            // One row per item and lot per batch (summed beforehand), so ON CONFLICT meets each row once.
            try await connection.query("""
                INSERT INTO stock_balances (plant_id, item, lot, quantity)
                SELECT \(plant), * FROM unnest(\(deltas.map(\.item)), \(deltas.map(\.lot)), \(deltas.map(\.delta)))
                ON CONFLICT (plant_id, item, lot) DO UPDATE SET quantity = stock_balances.quantity + excluded.quantity
                """, logger: logger)
        }
        let links = projection.links
        if !links.isEmpty {
            try await connection.query("""
                INSERT INTO lot_links (plant_id, seq, work_order, output_item, output_lot, output_serial, input_item, input_lot,
                                       input_serial, quantity)
                SELECT \(plant), * FROM unnest(\(links.map(\.sequence)), \(links.map(\.workOrder)), \(links.map(\.output.item)),
                    \(links.map { $0.output.lot ?? "" }), \(links.map { $0.output.serial ?? "" }), \(links.map(\.input.item)),
                    \(links.map { $0.input.lot ?? "" }), \(links.map { $0.input.serial ?? "" }), \(links.map(\.quantity)))
                """, logger: logger)
        }
        let requests = projection.approvalRequests
        if !requests.isEmpty {
            try await connection.query("""
                INSERT INTO approval_requests (plant_id, approval_id, request, state, requested_at)
                SELECT \(plant), id, request::jsonb, 'pending', at
                FROM unnest(\(requests.map(\.event.approval)), \(requests.map(\.payload)), \(requests.map(\.at))) AS u(id, request, at)
                ON CONFLICT (plant_id, approval_id) DO NOTHING
                """, logger: logger)
        }
        // Only plants' own decisions come here (EventProjection). One settles a request only if it was the plant's
        // to decide, by an approving role other than the requester: the hub holds plants to its own rules.
        for kept in projection.approvalDecisions {
            try await connection.query("""
                UPDATE approval_requests SET state = \(kept.event.verdict.rawValue), decision = \(kept.payload)::jsonb,
                    decided_at = \(kept.event.decidedAt)
                WHERE plant_id = \(plant) AND approval_id = \(kept.event.approval) AND state = 'pending'
                  AND request->>'route' = \(kept.event.place.rawValue)
                  AND jsonb_exists(request->'approvingRoles', \(kept.event.role.rawValue))
                  AND lower(request->>'requestedBy') <> lower(\(kept.event.decidedBy))
                """, logger: logger)
        }
        for kept in projection.demandAnswers {
            try await connection.query("""
                UPDATE plant_instructions SET answer = \(kept.payload)::jsonb, answered_at = \(kept.at)
                WHERE plant_id = \(plant) AND seq = \(kept.event.instruction) AND kind = 'demand' AND reference = \(kept.event.reference)
                """, logger: logger)
        }
        let gaps = projection.gaps
        if !gaps.isEmpty {
            try await connection.query("""
                INSERT INTO machine_signal_gaps (plant_id, at, cause)
                SELECT \(plant), * FROM unnest(\(gaps.map(\.at)), \(gaps.map(\.cause)))
                """, logger: logger)
        }
        try await write(projection.sourcing, plant: plant, into: connection, logger: logger)
        try await write(projection.shipping, plant: plant, receivedAt: receivedAt, into: connection, logger: logger)
        try await PostgresKPIRollupWriter(connection: connection, plant: plant, logger: logger).apply(KPIRollup.Changes(projection))
        try await PostgresOperationsRollupWriter(connection: connection, plant: plant, logger: logger)
            .add(OperationsRollup.rows(projection.operations.map(\.fact)))
    }

    // MARK: Reports

    public func checkReadable() async throws {
        _ = try await run { [logger] client in try await Self.count(client.query("SELECT 1", logger: logger)) }
    }

    public func syncReport(now: Date) async throws -> [PlantSyncReport] {
        try await run { [logger] client in
            var reports: [PlantSyncReport] = []
            let rows = try await client.query("""
                SELECT plant_id, company, time_zone, events_received, last_sequence, agent_head, last_seen_at,
                       last_event_recorded_at, scans, quarantined_events, unprojected_events
                FROM plants ORDER BY plant_id
                """, logger: logger)
            for try await (plant, company, zone, received, last, head, seen, newest, scans, quarantined, unprojected) in rows
                .decode((String, String, String, Int64, Int64, Int64, Date?, Date?, Int64, Int64, Int64).self) {
                reports.append(PlantSyncFacts(
                    plant: plant, company: company, timeZone: zone, eventsReceived: received, lastSequence: last, agentHead: head,
                    lastSeenAt: seen, lastEventRecordedAt: newest, scans: scans, quarantinedEvents: quarantined,
                    unprojectedEvents: unprojected
                ).report(now: now))
            }
            return reports
        }
    }

    public func events(plantID: String, after sequence: Int64, limit: Int) async throws -> [EventEnvelope] {
        try await run { [logger] client in
            try await Self.envelopes(client.query("""
                SELECT seq, event_id::text, type, schema_version, occurred_at, recorded_at, payload::text
                FROM events WHERE plant_id = \(plantID) AND seq > \(sequence) ORDER BY seq LIMIT \(limit)
                """, logger: logger))
        }
    }

    /// Events from rows of `seq, event_id::text, type, schema_version, occurred_at, recorded_at, payload::text`.
    static func envelopes(_ rows: PostgresRowSequence) async throws -> [EventEnvelope] {
        var events: [EventEnvelope] = []
        for try await (seq, id, type, version, occurred, recorded, payload) in rows.decode((Int64, String, String, Int32, Date, Date, String).self) {
            events.append(try EventEnvelope(
                sequence: seq, storedID: id, type: type, schemaVersion: Int(version),
                occurredAt: Timestamp.format(occurred), recordedAt: Timestamp.format(recorded), payload: payload))
        }
        return events
    }

    static func count(_ rows: PostgresRowSequence) async throws -> Int {
        var count = 0
        for try await _ in rows { count += 1 }
        return count
    }
}
