import Foundation

/// Who may do what at the hub. Every principal has exactly one role; a role grants a fixed set of
/// permissions, the fewest its work needs (docs/access.md has the table).
public enum Role: String, Sendable, Codable, CaseIterable {
    case administrator
    case steward = "master-data-steward"
    case buyer
    case planner
    case controller
    case auditor
    /// What a Prometheus server scrapes with: `/metrics` and nothing else.
    case monitor
    case plantAgent = "plant-agent"

    public var permissions: Set<Permission> {
        switch self {
        case .administrator:
            return Set(Permission.allCases).subtracting([.syncEvents, .pullMasters, .pullInstructions])
        case .steward:
            return [.readMasters, .writeCatalogue, .readMasterHistory]
        case .buyer:
            return [.readMasters, .decideApprovals, .writeInvoices]
        case .planner:
            return [.readMasters, .readOperations, .sendDemand, .decideApprovals]
        case .controller:
            return [
                .readMasters, .writeFinance, .writePolicies, .readOperations, .readMasterHistory, .decideApprovals, .settleDiscrepancies,
                .readLedger, .postLedger, .closePeriods, .writeInvoices, .releaseInvoices,
            ]
        case .auditor:
            return [.readMasters, .readOperations, .readEvents, .readMasterHistory, .readAudit, .readLedger]
        case .monitor:
            return [.readMetrics]
        case .plantAgent:
            return [.syncEvents, .pullMasters, .pullInstructions]
        }
    }

    public func allows(_ permission: Permission) -> Bool { permissions.contains(permission) }
}

/// One thing a role may do.
public enum Permission: String, Sendable, Codable, CaseIterable {
    /// Read masters (within the principal's companies).
    case readMasters = "masters:read"
    /// The version log of masters.
    case readMasterHistory = "masters:history"
    /// Items, suppliers, supplier categories, supplier items, KPI definitions, downtime reasons, machine rates.
    case writeCatalogue = "masters:write-catalogue"
    /// Companies and plants.
    case writeOrganisation = "masters:write-organisation"
    /// Chart of accounts and account mapping.
    case writeFinance = "masters:write-finance"
    /// Approval policies.
    case writePolicies = "masters:write-policies"
    /// Sync and machine-time reports.
    case readOperations = "reports:read"
    /// The raw event feed of a plant.
    case readEvents = "events:read"
    /// Requests for approval: read them, and decide those an approval policy gives the role.
    case decideApprovals = "approvals:decide"
    /// Hand demand to a plant: work orders, customer orders, transfers between plants.
    case sendDemand = "demand:send"
    /// Settle a transfer's discrepancy (write it off, credit it, reship or find the goods): a decision on the
    /// group's money, not on its plans.
    case settleDiscrepancies = "transfers:settle"
    /// The ledger: journal entries, trial balance, fiscal periods and held postings.
    case readLedger = "ledger:read"
    /// Post held events again once their masters are fixed.
    case postLedger = "ledger:post"
    /// Close a fiscal period (audited).
    case closePeriods = "periods:close"
    /// Enter supplier invoices (JSON or CSV import) and read them with the GRNI ageing and open invoices.
    case writeInvoices = "invoices:write"
    /// Release a supplier invoice held for its price (audited; never the principal who entered it).
    case releaseInvoices = "invoices:release"
    /// The hub's Prometheus metrics (`GET /metrics`): plant names and volumes, within the principal's companies.
    case readMetrics = "metrics:read"
    /// The audit trail.
    case readAudit = "audit:read"
    /// Principals and tokens; plant enrolment.
    case manageAccess = "access:manage"
    /// A plant agent sending its own events.
    case syncEvents = "sync:events"
    /// A plant agent pulling the masters meant for it.
    case pullMasters = "sync:masters"
    /// A plant agent pulling the hub's instructions to it (demand, decisions).
    case pullInstructions = "sync:instructions"
}

/// The companies a principal may see and change: all of them, or a list.
public enum CompanyScope: Sendable, Equatable, Hashable, CustomStringConvertible {
    case all
    case only(Set<String>)

    /// `*` for all, else company codes separated by commas.
    public init(text: String) throws(IdentifierError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "*" { self = .all; return }
        var codes = Set<String>()
        for part in trimmed.split(separator: ",") {
            codes.insert(try PlantIdentity.validate(part.trimmingCharacters(in: .whitespaces), what: "company code"))
        }
        guard !codes.isEmpty else { throw IdentifierError(reason: "a company scope is `*` or company codes separated by commas") }
        self = .only(codes)
    }

    public var description: String {
        switch self {
        case .all: "*"
        case .only(let codes): codes.sorted().joined(separator: ",")
        }
    }

    /// Whether data of `company` may be seen; shared data (no company) is visible to every scope.
    public func covers(_ company: String?) -> Bool {
        guard let company, !company.isEmpty else { return true }
        switch self {
        case .all: return true
        case .only(let codes): return codes.contains(company)
        }
    }

    /// Whether data of `company` may be changed: shared data (no company) only by an unscoped principal.
    public func mayChange(_ company: String?) -> Bool {
        guard let company, !company.isEmpty else { return self == .all }
        return covers(company)
    }

    /// Whether every company of `other` is within this scope.
    public func contains(_ other: CompanyScope) -> Bool {
        switch (self, other) {
        case (.all, _): true
        case (.only, .all): false
        case (.only(let mine), .only(let theirs)): theirs.isSubset(of: mine)
        }
    }

    /// The one company of a scope of one, for filing audit entries by company.
    public var single: String? {
        if case .only(let codes) = self, codes.count == 1 { return codes.first }
        return nil
    }

    /// The company codes, or nil for all.
    public var companies: Set<String>? {
        if case .only(let codes) = self { return codes }
        return nil
    }
}
