import Foundation
import GantryCore

/// The plant's durable state and its event log. Every intent is one transaction that changes state and
/// appends the events describing the change, so the log (the outbox) and the state never disagree.
///
/// The store is reached through its roles, one per domain; a route or service asks for the roles it uses.
public protocol PlantStore:
    PlantEventLog, MachineSignalStore, MasterCache, StockLedger, StockMovements, StockReservations,
    ProductionDefinitions, WorkOrderStore, QualityStore, SourcingStore, ReorderStore, ApprovalStore,
    MaintenanceStore, PurchaseOrders, ShippingStore, PlantDashboardSessions, OperationsFigures
{}

/// The event log (the outbox) and the scans that feed it (docs/sync.md).
public protocol PlantEventLog: Sendable {
    /// The plant this store belongs to.
    var plantID: String { get }

    /// Records a scan and its `ScanRecorded` event; returns once both are durable. The same `scanID`
    /// with the same device and data returns the first receipt again, marked as a duplicate.
    func recordScan(_ scan: ScanRecorded, occurredAt: Date) async throws -> ScanReceipt

    /// Up to `maxEvents` consecutive events from `sequence` as stored, stopping before `maxBytes` of payload
    /// (at least one event when there is one): what sync sends (`SyncBatch.body`).
    func storedEvents(from sequence: Int64, maxEvents: Int, maxBytes: Int) async throws -> [StoredEvent]

    /// Remembers that the hub has applied everything through `sequence` (it may move backwards when the
    /// hub restored an older database and asks for a resend).
    func recordAcknowledgement(through sequence: Int64) async throws

    /// Where the log stands: newest sequence, acknowledged sequence and the unsynced backlog.
    func position() async throws -> LogPosition

    /// Waits until the log's head passes `sequence`, or `timeout` elapses; returns the head then.
    func waitForEvents(after sequence: Int64, timeout: Duration) async -> Int64
}

/// Machine signals from MQTT: the inbox, its projection and what it shows (docs/mqtt.md).
public protocol MachineSignalStore: Sendable {

    /// Opens the inbox that makes machine messages durable as they arrive, on a connection of its own.
    /// `committed` runs after each commit with the entries it made durable, `failed` when queued entries
    /// could not be stored.
    func openMachineInbox(
        committed: @escaping @Sendable ([InboxEntry]) -> Void, failed: @escaping @Sendable (Int, any Error) -> Void
    ) async throws -> any MachineInbox
    /// Projects up to `limit` inbox entries, oldest first, into states, counts, events, dead letters and lost
    /// signals in one transaction, which also records how far the inbox has been projected (call
    /// `openMachineInbox` first).
    func projectMachineInbox(limit: Int, read: @escaping MachineMessageReader) async throws -> InboxProjection
    /// The same, blocking the calling thread (a thread of its own, outside Swift concurrency).
    func projectMachineInboxNow(limit: Int, read: MachineMessageReader) throws -> InboxProjection
    /// How many entries wait in the inbox.
    func machineInboxBacklog() async throws -> Int
    /// Records a machine message and its event, blocking until durable; a repeat changes nothing.
    /// A message that contradicts a stored one is kept as a dead letter in the same transaction.
    func recordMachineSignalNow(_ signal: MachineSignal, topic: String, payload: [UInt8], receivedAt: Date) throws -> MachineSignalOutcome
    /// Marks that machines went unheard from `at` (never before a state already stored), blocking until durable.
    func recordSignalLostNow(cause: String, at: Date) throws
    /// The same, for callers in Swift concurrency.
    func recordSignalLost(cause: String, at: Date) async throws
    /// Notes the ingest alive at `at` (or stopped cleanly, with `nil`); returns the previous note.
    @discardableResult func recordAlive(at: Date?) async throws -> Date?
    /// How many dead letters are kept, and the newest of them.
    func deadLetterCount() async throws -> Int
    func deadLetters(limit: Int) async throws -> [DeadLetter]
    /// The machines' timelines up to `to` and their counts within `[from, to)`.
    func machineHistory(from: Date, to: Date) async throws -> MachineHistory
}

/// The answer to a recorded scan.
public struct ScanReceipt: Sendable, Equatable, Codable {
    /// The scan's idempotency key.
    public var scanID: UUID
    /// The `ScanRecorded` event's position in the log.
    public var sequence: Int64
    /// The `ScanRecorded` event's id.
    public var eventID: UUID
    /// When the agent recorded it.
    public var recordedAt: Date
    /// True when the scan had been recorded before under the same key.
    public var duplicate: Bool

    enum CodingKeys: String, CodingKey {
        case scanID = "scanId", sequence, eventID = "eventId", recordedAt, duplicate
    }
}

/// The log's state as the sync and status views need it.
public struct LogPosition: Sendable, Equatable {
    /// Newest sequence written (0 for an empty log).
    public var head: Int64
    /// Newest sequence the hub has acknowledged.
    public var acknowledged: Int64
    /// Payload bytes of the events not yet acknowledged.
    public var backlogBytes: Int64
    /// When the oldest unacknowledged event was recorded, if there is one.
    public var oldestUnsyncedAt: Date?

    /// Events not yet acknowledged.
    public var backlogEvents: Int64 { head - acknowledged }
}
