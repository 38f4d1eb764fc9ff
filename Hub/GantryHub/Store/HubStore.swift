import Foundation
import GantryCore

/// The hub's durable state. Every method is one transaction; all SQL stays behind this protocol.
public protocol HubStore: Sendable {
    /// Enrols a plant with the hash of its token; fails if the company already has that plant code.
    func enrolPlant(_ identity: PlantIdentity, timeZone: String, tokenHash: String, audit: AuditDraft) async throws -> PlantRecord
    /// Replaces a plant's token hash; the old token stops working at once.
    func replacePlantToken(plantID: String, tokenHash: String, audit: AuditDraft) async throws
    /// Every enrolled plant.
    func plants() async throws -> [PlantRecord]
    /// The plant a token hash belongs to.
    func plant(tokenHash: String) async throws -> PlantRecord?

    /// Applies a plant's batch exactly once (see `SyncBatch.plan`).
    func applyBatch(_ batch: SyncBatch, receivedAt: Date) async throws -> BatchOutcome

    // MARK: Principals (see PrincipalRecord)

    /// Adds a principal with the hash of its token; fails if the name is taken.
    func addPrincipal(_ principal: PrincipalRecord, tokenHash: String, audit: AuditDraft) async throws
    /// The principal a token hash belongs to, revoked and expired ones included (the caller decides).
    func principal(tokenHash: String) async throws -> PrincipalRecord?
    /// Every principal, by name.
    func principals() async throws -> [PrincipalRecord]
    /// Revokes a principal's token; false when no active principal has that name.
    func revokePrincipal(name: String, at: Date, audit: AuditDraft) async throws -> Bool
    /// Gives an active principal a new token (the old one stops working) and a new expiry.
    func replacePrincipalToken(name: String, tokenHash: String, expiresAt: Date?, audit: AuditDraft) async throws

    // MARK: Masters (see docs/masters.md)

    /// Which of `identities` exist (active or not). Records are never deleted, so what exists stays.
    func existingMasters(_ identities: Set<MasterIdentity>) async throws -> Set<MasterIdentity>
    /// Writes the records that differ from what the hub holds as one new master version, each with its audit
    /// entry; records equal to the stored ones are left alone, and nothing changes when none differs.
    /// Fails with `MasterVersionConflict` if a record's `expectedVersion` no longer holds.
    func commitMasters(_ drafts: [MasterDraft], actor: String, summary: String, at: Date) async throws -> MasterCommit
    /// Current records of `kind` (or every kind) visible to `scope`, optionally one company's or one key.
    func masters(kind: MasterKind?, key: String?, company: String??, scope: CompanyScope) async throws -> [MasterRecord]
    /// Master versions after `version`, oldest first.
    func masterVersions(after version: Int64, limit: Int) async throws -> [MasterVersion]
    /// Revisions in versions `(after, through]` of shared records and `company`'s, oldest first.
    func masterRevisions(company: String, after: Int64, through: Int64) async throws -> [MasterRecord]
    /// The revision of a record in force at `version` (the latest at or before it).
    func masterRevision(_ identity: MasterIdentity, atOrBefore version: Int64) async throws -> MasterRecord?

    // MARK: Inventory (docs/inventory.md)

    /// Stock per plant, item and lot as the sum of the plants' move deltas, within `scope`'s companies.
    func stockBalances(plantID: String?, item: String?, lot: String?, scope: CompanyScope) async throws -> [StockBalance]
    /// Genealogy links one step from `units` (by item and lot, across plants): into them (`forward == false`)
    /// or out of them, within `scope`'s companies.
    func lotLinks(of units: [StockUnit], forward: Bool, scope: CompanyScope) async throws -> [PlantLotLink]

    // MARK: Instructions and approvals (docs/approvals.md)

    /// Hands an instruction to its plant at the plant's next number, with its audit entry, in one transaction.
    /// One of the same kind and reference held already is answered instead (`created == false`), unchanged.
    func issueInstruction(_ draft: InstructionDraft, audit: AuditDraft) async throws -> (instruction: PlantInstruction, created: Bool)
    /// A plant's instructions after `after` (of one kind, or all), oldest first, each with the plant's answer if any.
    func instructions(plantID: String, kind: PlantInstruction.Kind?, after: Int64, limit: Int) async throws -> [PlantInstruction]
    /// The highest instruction number handed to `plantID` (0 for none).
    func latestInstruction(plantID: String) async throws -> Int64
    /// Requests for approval from plants of `scope`'s companies, newest first.
    func approvals(plantID: String?, state: String?, scope: CompanyScope) async throws -> [ApprovalRecord]
    /// Decides a pending request of `plantID` at the hub: `check` sees the request and its state under the
    /// transaction's lock and throws to refuse; then the decision, the instruction carrying it to the plant and
    /// the audit entry are written together.
    func decideApproval(
        plantID: String, approval: String, decision: ApprovalDecisionInstruction,
        check: @escaping @Sendable (ApprovalRequested, String) throws -> Void, audit: AuditDraft
    ) async throws -> PlantInstruction

    // MARK: Sourcing (docs/sourcing.md)

    /// For a scorecard window `[from, to)`: plants' purchase order lines due in the window, whenever they were
    /// entered, and the lines ordered before `to` (the history anomalies are judged against), with all their
    /// receipts, and nonconformances against suppliers opened before `to`, within `scope`'s companies (and only
    /// `company`'s when given). Core picks each figure's lines by their due date (`SupplierPerformance.scorecards`).
    func supplierPerformance(company: String?, from: Date, to: Date, scope: CompanyScope) async throws -> SupplierPerformance

    // MARK: Audit

    /// Audit entries after `sequence`, oldest first; only those of `scope`'s companies and hub-wide ones.
    func auditEntries(after sequence: Int64, limit: Int, scope: CompanyScope) async throws -> [AuditEntry]

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

/// What a commit of master drafts changes, decided the same way by every backend: drafts equal to the stored
/// record are left out, and a draft whose `expectedVersion` no longer holds refuses the whole commit.
enum MasterChangePlan {
    static func changed(_ drafts: [MasterDraft], stored: [MasterRecord?]) throws -> [(draft: MasterDraft, before: MasterRecord?)] {
        var changed: [(draft: MasterDraft, before: MasterRecord?)] = []
        for (draft, before) in zip(drafts, stored) {
            if let expected = draft.expectedVersion, expected != (before?.version ?? 0) {
                throw HubStoreError(
                    .versionConflict,
                    "\(draft.identity) is at version \(before?.version ?? 0), not \(expected): read it again and reapply the change")
            }
            if let before, before.active == draft.active, before.plants == draft.plants, before.data == draft.data { continue }
            changed.append((draft, before))
        }
        return changed
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
