import Foundation
import GantryCore

/// The hub's durable state. Every method is one transaction; all SQL stays behind this protocol.
public protocol HubStore: Sendable {
    /// Enrols a plant with the hash of its token; fails if the company already has that plant code.
    func enrolPlant(_ identity: PlantIdentity, timeZone: String, tokenHash: String) async throws -> PlantRecord
    /// Replaces a plant's token hash; the old token stops working at once.
    func replacePlantToken(plantID: String, tokenHash: String) async throws
    /// Every enrolled plant.
    func plants() async throws -> [PlantRecord]
    /// The plant a token hash belongs to.
    func plant(tokenHash: String) async throws -> PlantRecord?

    /// Applies a plant's batch exactly once (see `SyncBatch.plan`).
    func applyBatch(_ batch: SyncBatch, receivedAt: Date) async throws -> BatchOutcome

    /// Adds an administrator token under a unique name.
    func addAdminToken(name: String, tokenHash: String) async throws
    /// Revokes a named administrator token; false when no active token has that name.
    func revokeAdminToken(name: String) async throws -> Bool
    /// The active administrator token a hash belongs to, by name.
    func adminTokenName(tokenHash: String) async throws -> String?
    /// Every administrator token, active or revoked.
    func adminTokens() async throws -> [AdminTokenRecord]

    /// Per plant: what arrived, where its log stands, when it was last heard from.
    func syncReport(now: Date) async throws -> [PlantSyncReport]
    /// A plant's applied events after `sequence`, oldest first.
    func events(plantID: String, after sequence: Int64, limit: Int) async throws -> [EventEnvelope]
    /// Fails when the database cannot be read (for health checks).
    func checkReadable() async throws
    /// Per machine of `plantID` (or of every plant): seconds per state, downtime by reason and counts in `[from, to)`.
    func machineTime(plantID: String?, from: Date, to: Date) async throws -> [MachineTimeReport]
    /// Releases the store's connections; the store is unusable afterwards.
    func close() async
}

extension HubStore {
    public func close() async {}
}

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

/// An administrator token's public facts.
public struct AdminTokenRecord: Sendable, Equatable, Codable {
    public var name: String
    public var createdAt: Date
    public var revokedAt: Date?
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
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
