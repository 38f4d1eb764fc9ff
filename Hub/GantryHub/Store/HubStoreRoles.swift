import Foundation
import GantryCore

/// Enrolled plants and their tokens.
public protocol PlantRegistry: Sendable {
    /// Enrols a plant with the hash of its token; fails if the company already has that plant code.
    func enrolPlant(_ identity: PlantIdentity, timeZone: String, tokenHash: String, audit: AuditDraft) async throws -> PlantRecord
    /// Replaces a plant's token hash; the old token stops working at once.
    func replacePlantToken(plantID: String, tokenHash: String, audit: AuditDraft) async throws
    /// Every enrolled plant.
    func plants() async throws -> [PlantRecord]
    /// The plant a token hash belongs to.
    func plant(tokenHash: String) async throws -> PlantRecord?
}

/// Takes plants' batches of events (docs/sync-protocol.md).
public protocol BatchApplier: Sendable {
    /// Applies a plant's batch exactly once (see `SyncBatch.plan`).
    func applyBatch(_ batch: SyncBatch, receivedAt: Date) async throws -> BatchOutcome
}

/// People and services with tokens (see PrincipalRecord).
public protocol PrincipalStore: Sendable {
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
}

/// Versioned master data (docs/masters.md).
public protocol MasterStore: Sendable {
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
}

/// Plants' stock and genealogy as their events report it (docs/inventory.md).
public protocol InventoryReports: Sendable {
    /// Stock per plant, item and lot as the sum of the plants' move deltas, within `scope`'s companies.
    func stockBalances(plantID: String?, item: String?, lot: String?, scope: CompanyScope) async throws -> [StockBalance]
    /// Genealogy links one step from `units` (by item and lot, across plants): into them (`forward == false`)
    /// or out of them, within `scope`'s companies.
    func lotLinks(of units: [StockUnit], forward: Bool, scope: CompanyScope) async throws -> [PlantLotLink]
}

/// Instructions to plants and requests for approval (docs/approvals.md).
public protocol InstructionStore: Sendable {
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
}

/// Supplier scorecards' facts (docs/sourcing.md).
public protocol SourcingReports: Sendable {
    /// For a scorecard window `[from, to)`: plants' purchase order lines due in the window, whenever they were
    /// entered, and the lines ordered before `to` (the history anomalies are judged against), with all their
    /// receipts, and nonconformances against suppliers opened before `to`, within `scope`'s companies (and only
    /// `company`'s when given). Core picks each figure's lines by their due date (`SupplierPerformance.scorecards`).
    func supplierPerformance(company: String?, from: Date, to: Date, scope: CompanyScope) async throws -> SupplierPerformance
}

/// The hash-chained audit trail.
public protocol AuditLog: Sendable {
    /// Audit entries after `sequence`, oldest first; only those of `scope`'s companies and hub-wide ones.
    func auditEntries(after sequence: Int64, limit: Int, scope: CompanyScope) async throws -> [AuditEntry]
}

/// Where each plant's log stands at the hub.
public protocol SyncReports: Sendable {
    /// Per plant: what arrived, where its log stands, when it was last heard from; lag is measured at `now`.
    func syncReport(now: Date) async throws -> [PlantSyncReport]
    /// A plant's applied events after `sequence`, oldest first.
    func events(plantID: String, after sequence: Int64, limit: Int) async throws -> [EventEnvelope]
    /// Fails when the database cannot be read (for health checks).
    func checkReadable() async throws
}

/// Machine time from the plants' machine signals.
public protocol MachineReports: Sendable {
    /// Per machine of `plantID` (or of every plant): seconds per state, downtime by reason and counts in `[from, to)`.
    func machineTime(plantID: String?, from: Date, to: Date) async throws -> [MachineTimeReport]
}

/// The hub's ledger: postings held, fiscal periods, journal and trial balance (docs/http-api.md, "Ledger"). Postings
/// themselves are written by `applyBatch`, in the batch's transaction.
public protocol LedgerStore: Sendable {
    /// Events applied but not posted, of `company` (or every company of `scope`), in plant and sequence order.
    func heldPostings(company: String?, scope: CompanyScope) async throws -> [HeldPostingRecord]
    /// Posts the held events of `company` (or of `scope`) again from their stored payloads, in plant and sequence
    /// order, against the masters as they are now; what still cannot post stays held with its current reason.
    func retryHeldPostings(company: String?, scope: CompanyScope, at: Date) async throws -> LedgerRetryOutcome
    /// A company's fiscal periods, open or closed, by start.
    func fiscalPeriods(company: String) async throws -> [FiscalPeriodStatus]
    /// Closes a period with its audit entry, unless a plant of the company may still owe events for it
    /// (`PeriodClose`): refused with `period-not-closable`.
    func closePeriod(company: String, period: String, at: Date, audit: AuditDraft) async throws -> FiscalPeriodStatus
    /// A page of a company's journal entries with their lines.
    func journalEntries(_ query: JournalQuery) async throws -> JournalPage
    /// A company's trial balance over the periods `from` through `to`, from the balances kept on apply.
    func trialBalance(company: String, from: String, to: String) async throws -> TrialBalanceReport
}

/// Supplier invoices (docs/consolidation.md, "Supplier invoices"): each matched against its purchase order lines in
/// the transaction that stores it, posted or held; released; the GRNI ageing.
public protocol InvoiceStore: Sendable {
    /// Stores `requests` in one transaction, each matched (and, matched, posted) or held with every reason; an
    /// invoice stored before with the same content is answered as stored, with other content refused 409.
    func submitInvoices(_ requests: [SupplierInvoiceRequest], enteredBy: String, at: Date) async throws -> [InvoiceSubmission]
    /// One invoice of `company`, with its reasons and postings, or nil.
    func supplierInvoice(company: String, supplier: String, number: String) async throws -> SupplierInvoiceRecord?
    /// The invoices of `company` (of `status` when given), by date, supplier and number.
    func supplierInvoices(company: String, status: String?) async throws -> [SupplierInvoiceRecord]
    /// Posts an invoice held for its price, released by `audit.actor` (never who entered it), with the audit entry.
    func releaseInvoice(company: String, supplier: String, number: String, at: Date, audit: AuditDraft) async throws -> SupplierInvoiceRecord
    /// Received and not invoiced per purchase order line of `company` on the day `at`, aged.
    func grniAgeing(company: String, at: String) async throws -> GRNIAgeingReport
}
