import Foundation
import GantryCore

/// The apply-batch flow, written once for both databases: plan against the plant's last applied sequence,
/// verify what the batch resends, project what is new, advance the plant. Each dialect reads the two facts the
/// flow asks for inside its write transaction (the plant's position under the plant's lock, then the ids it holds
/// for the resent sequences) and writes the `BatchDecision` it gets back; only the SQL differs between them.
///
/// The flow is a value rather than a function over a transaction protocol because the two transactions cannot
/// share one: GRDB's write closure is synchronous, postgres-nio's calls are asynchronous.
struct BatchFlow {
    let batch: SyncBatch
    let receivedAt: Date
    /// Worked out before the transaction, so the writer (SQLite) or the plant's row lock (PostgreSQL) is held only
    /// for the writes.
    let projection: EventProjection

    init(_ batch: SyncBatch, receivedAt: Date) {
        self.batch = batch
        self.receivedAt = receivedAt
        projection = EventProjection(batch.events)
    }

    /// What to check once the plant's last applied sequence is known (nil: no such plant).
    func plan(lastApplied: Int64?) throws -> BatchPlan {
        guard let lastApplied else { throw HubStoreError(.notFound, "no plant \(batch.plant)") }
        try batch.checkHeadNotBehind(lastApplied: lastApplied)
        return BatchPlan(flow: self, lastApplied: lastApplied, plan: batch.plan(lastApplied: lastApplied))
    }
}

/// The flow once the plant's position is known: which resent events to verify.
struct BatchPlan {
    let flow: BatchFlow
    let lastApplied: Int64
    let plan: SyncBatchPlan

    /// The events the batch repeats, which must be the very events the hub holds at their sequences.
    var resent: ArraySlice<EventEnvelope> {
        switch plan {
        case .refuse: return []
        case .nothingNew: return flow.batch.events[...]
        case .apply(let alreadyApplied): return flow.batch.events[..<alreadyApplied]
        }
    }

    /// The sequences to read the stored event ids of (nil: nothing to verify).
    var resentSequences: ClosedRange<Int64>? {
        guard let first = resent.first, let last = resent.last else { return nil }
        return first.sequence...last.sequence
    }

    /// What to write, given the ids the hub holds for `resentSequences`. A resent event must be the very event the
    /// hub holds at that sequence; anything else means the agent's log is not the one the hub applied (a replaced or
    /// restored store), and taking it as a resend would silently drop a new fact.
    func decide(stored: [Int64: UUID]) throws -> BatchDecision {
        for event in resent where stored[event.sequence] != event.id {
            throw SyncBatchError(
                code: .sequenceConflict,
                detail: "sequence \(event.sequence) is event \(stored[event.sequence].map(\.uuidString) ?? "none") at the hub, not \(event.id)")
        }
        let batch = flow.batch
        let touch = PlantTouch(plant: batch.plant, seenAt: flow.receivedAt, agentHead: batch.agentHead)
        switch plan {
        case .refuse(let expected):
            return BatchDecision(touch: touch, fresh: nil, outcome: .refused(expected: expected))
        case .nothingNew:
            return BatchDecision(touch: touch, fresh: nil, outcome: .acknowledged(
                SyncAcknowledgement(plant: batch.plant, acknowledgedThrough: lastApplied, applied: 0)))
        case .apply:
            let fresh = flow.projection.after(lastApplied)
            let advance = PlantAdvance(plant: batch.plant, fresh)
            return BatchDecision(touch: touch, fresh: (fresh, advance), outcome: .acknowledged(
                SyncAcknowledgement(plant: batch.plant, acknowledgedThrough: advance.lastSequence, applied: advance.applied)))
        }
    }
}

/// What a batch writes: the plant's last contact always; new events, their projections and the plant's advance
/// when there are any; and the answer.
struct BatchDecision {
    var touch: PlantTouch
    var fresh: (projection: EventProjection, advance: PlantAdvance)?
    var outcome: BatchOutcome
}

/// A plant's last contact: when, and the head of its log it reported.
struct PlantTouch {
    var plant: String
    var seenAt: Date
    var agentHead: Int64
}

/// How a plant's row moves when new events are applied: its position and the counters the sync report reads.
struct PlantAdvance {
    var plant: String
    var lastSequence: Int64
    var lastRecordedAt: Date
    var applied: Int
    var scans: Int
    var quarantined: Int
    var unprojected: Int

    init(plant: String, _ fresh: EventProjection) {
        let last = fresh.events.last!.envelope
        self.plant = plant
        lastSequence = last.sequence
        lastRecordedAt = last.recordedAt
        applied = fresh.events.count
        scans = fresh.scans.count
        quarantined = fresh.events.count { $0.status == .quarantined }
        unprojected = fresh.events.count { $0.status == .unprojected }
    }
}
