import Foundation
import GantryCore

/// The hub's durable state: every role the hub's routes and services use, one transaction per method; all SQL
/// stays behind it. A route or service takes only the roles it needs (see HubStoreRoles.swift).
public protocol HubStore:
    PlantRegistry, BatchApplier, PrincipalStore, MasterStore, InventoryReports, InstructionStore, SourcingReports, AuditLog,
    SyncReports, MachineReports, OutboundOrders, ShippingReports, Traceability, LedgerStore, InvoiceStore,
    LedgerStatementReports, ConsolidationStore, KPIRollupStore, OperationsRollupStore, HubDashboardSessions,
    PlantClockStore
{}

/// What became of a batch.
public enum BatchOutcome: Sendable, Equatable {
    /// Applied (or already applied): everything through the acknowledgement is at the hub once.
    case acknowledged(SyncAcknowledgement)
    /// The batch starts past the next expected sequence; the agent must resend from `expected`.
    case refused(expected: Int64)
}

/// A plant as enrolled.
public struct PlantRecord: Sendable, Equatable, Codable {
    public var plantID: String
    public var company: String
    public var code: String
    public var timeZone: String
    public var enrolledAt: Date

    enum CodingKeys: String, CodingKey {
        case plantID = "plant", company, code, timeZone, enrolledAt
    }
}

/// One plant's line in `GET /v1/reports/sync`.
public struct PlantSyncReport: Sendable, Equatable, Codable {
    public var plant: String
    public var company: String
    public var timeZone: String
    /// Events applied at the hub (each exactly once).
    public var eventsReceived: Int64
    /// The plant's last applied sequence.
    public var lastSequence: Int64
    /// The plant's newest sequence as it reported at its last contact.
    public var agentHead: Int64
    /// Events the plant reported and the hub has not applied yet.
    public var pendingEvents: Int64
    /// When the plant last contacted the hub.
    public var lastSeenAt: Date?
    /// How far behind the plant the hub is, in seconds: 0 when the plant reported nothing pending at its
    /// last contact, else the age of the newest event the hub has from it.
    public var lagSeconds: Double
    /// Scans among the events.
    public var scans: Int64
    /// Events the hub kept but could not read (bad payload): counted, not applied.
    public var quarantinedEvents: Int64
    /// Events of types or schema versions this hub version does not know yet: kept for a later upgrade.
    public var unprojectedEvents: Int64
    /// The plant's clock minus the hub's, in seconds, at its last sync request that told its time; nil before one.
    public var clockSkewSeconds: Double? = nil
    /// When the hub measured `clockSkewSeconds`, on the hub's clock.
    public var clockMeasuredAt: Date? = nil
    /// Raised alarms: `clock-skew` while the skew is beyond `sync.clock_skew_alarm`.
    public var alarms: [String] = []
}

/// A refused operation of the store, with a message for the operator.
public struct HubStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case duplicate, notFound = "not-found", newerSchema = "newer-schema", unusable
        /// The database server cannot be reached (at start).
        case unreachable
        /// The database refused the hub's credentials (at start).
        case credentials
        /// The database went away or did not answer in time; the request may be retried.
        case unavailable
        /// A record changed since the version the writer based its change on.
        case versionConflict = "version-conflict"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

extension Optional {
    /// The value, or a store error saying the stored data is not what this hub understands.
    func orThrow(_ message: @autoclosure () -> String) throws -> Wrapped {
        guard let self else { throw HubStoreError(.unusable, message()) }
        return self
    }
}

/// A plant's stock of an item and lot at the hub.
public struct StockBalance: Sendable, Equatable, Codable {
    public var plant: String
    public var item: String
    public var lot: String?
    public var quantity: Quantity

    public init(plant: String, item: String, lot: String?, quantity: Quantity) {
        self.plant = plant
        self.item = item
        self.lot = lot
        self.quantity = quantity
    }
}

/// A genealogy link as a plant reported it.
public struct PlantLotLink: Sendable, Equatable, Codable {
    public var plant: String
    public var workOrder: String
    public var output: StockUnit
    public var input: StockUnit
    public var quantity: Quantity
    /// Filled in by a trace: 1 for a direct link.
    public var depth: Int

    public init(plant: String, workOrder: String, output: StockUnit, input: StockUnit, quantity: Quantity, depth: Int = 0) {
        self.plant = plant
        self.workOrder = workOrder
        self.output = output
        self.input = input
        self.quantity = quantity
        self.depth = depth
    }
}

/// One master version: when, by whom, how many records it changed.
public struct MasterVersion: Sendable, Equatable, Codable {
    public var version: Int64
    public var committedAt: Date
    public var actor: String
    public var summary: String
    public var records: Int

    public init(version: Int64, committedAt: Date, actor: String, summary: String, records: Int) {
        self.version = version
        self.committedAt = committedAt
        self.actor = actor
        self.summary = summary
        self.records = records
    }
}

/// What a commit of masters did.
public struct MasterCommit: Sendable, Equatable, Codable {
    /// The new version, or the current one when nothing changed.
    public var version: Int64
    public var changed: Int
    public var unchanged: Int
}
