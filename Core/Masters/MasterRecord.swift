import Foundation

/// The kinds of global masters the hub governs and hands to plants.
public enum MasterKind: String, Sendable, Codable, CaseIterable, Comparable {
    case company
    case plant
    case account
    case accountMapping = "account-mapping"
    case item
    case supplierCategory = "supplier-category"
    case supplier
    case supplierItem = "supplier-item"
    case kpi
    case downtimeReason = "downtime-reason"
    case approvalPolicy = "approval-policy"
    case customer
    case intercompanyPrice = "intercompany-price"
    case fiscalPeriod = "fiscal-period"
    case exchangeRate = "exchange-rate"
    case itemCost = "item-cost"
    case workCentreRate = "work-centre-rate"
    case group
    /// A machine's planned run time per unit (ideal cycle time), by item: the PRI of its KPIs.
    case machineRate = "machine-rate"
    /// The permission that changing records of this kind needs.
    public var writePermission: Permission {
        switch self {
        case .company, .plant: .writeOrganisation
        case .account, .accountMapping, .intercompanyPrice, .fiscalPeriod, .exchangeRate, .itemCost, .workCentreRate, .group:
            .writeFinance
        case .approvalPolicy: .writePolicies
        case .item, .supplierCategory, .supplier, .supplierItem, .kpi, .downtimeReason, .customer, .machineRate: .writeCatalogue
        }
    }

    /// Whether every record belongs to one company; other kinds may also be shared by all companies.
    public var requiresCompany: Bool {
        switch self {
        case .company, .plant, .account, .accountMapping, .approvalPolicy, .customer, .intercompanyPrice, .fiscalPeriod, .itemCost,
             .workCentreRate, .machineRate: true
        case .item, .supplierCategory, .supplier, .supplierItem, .kpi, .downtimeReason, .exchangeRate, .group: false
        }
    }

    /// Order of application within one version, so references resolve from earlier kinds.
    public static func < (lhs: MasterKind, rhs: MasterKind) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// What a writer submits for one master record: a new record or a new version of an existing one.
public struct MasterDraft: Sendable, Equatable {
    public var kind: MasterKind
    /// The owning company; nil for a record shared by every company.
    public var company: String?
    public var key: String
    /// Retired records stay (history and references keep working) but are marked inactive.
    public var active: Bool
    /// The plants the record is meant for; empty means every plant of its company (or every plant, if shared).
    public var plants: [String]
    /// The kind's fields (see docs/masters.md).
    public var data: JSONValue
    /// When set, the change applies only if the record is still at this version (0: does not exist yet).
    public var expectedVersion: Int64?

    public init(
        kind: MasterKind, company: String?, key: String, active: Bool = true, plants: [String] = [], data: JSONValue,
        expectedVersion: Int64? = nil
    ) {
        self.kind = kind
        self.company = company
        self.key = key
        self.active = active
        self.plants = plants
        self.data = data
        self.expectedVersion = expectedVersion
    }
}

/// A master record as the hub holds it.
public struct MasterRecord: Sendable, Equatable, Codable {
    public var kind: MasterKind
    public var company: String?
    public var key: String
    public var active: Bool
    public var plants: [String]
    public var data: JSONValue
    /// The master version that last changed this record.
    public var version: Int64
    public var updatedAt: Date
    public var updatedBy: String

    public init(
        kind: MasterKind, company: String?, key: String, active: Bool, plants: [String], data: JSONValue,
        version: Int64, updatedAt: Date, updatedBy: String
    ) {
        self.kind = kind
        self.company = company
        self.key = key
        self.active = active
        self.plants = plants
        self.data = data
        self.version = version
        self.updatedAt = updatedAt
        self.updatedBy = updatedBy
    }

    /// Whether a plant of `company` with id `plantID` is meant to have this record.
    public func isMeant(forPlant plantID: String, company plantCompany: String) -> Bool {
        if let company, company != plantCompany { return false }
        return plants.isEmpty || plants.contains(plantID)
    }

    /// The identity of the record: kind, company (empty when shared) and key.
    public var identity: MasterIdentity { MasterIdentity(kind: kind, company: company, key: key) }

    /// The record as audit trail text (`before` / `after`): canonical JSON of everything but the version stamp.
    public var auditText: String {
        var members: [String: JSONValue] = [
            "kind": .string(kind.rawValue), "key": .string(key), "active": .bool(active),
            "plants": .array(plants.map(JSONValue.string)), "data": data,
        ]
        if let company { members["company"] = .string(company) }
        return JSONValue.object(members).canonicalText
    }
}

/// Kind, company and key: what names one master record.
public struct MasterIdentity: Sendable, Hashable, CustomStringConvertible {
    public var kind: MasterKind
    public var company: String?
    public var key: String

    public init(kind: MasterKind, company: String?, key: String) {
        self.kind = kind
        self.company = company
        self.key = key
    }

    public var description: String { "\(kind.rawValue) \(company.map { "\($0)/" } ?? "")\(key)" }
}

/// What a plant receives when it asks for the masters changed since its version: every record meant for
/// it that changed in versions `(since, through]`, and the records that stopped being meant for it. A plant
/// applies the whole answer in one transaction and then holds version `through`.
public struct MasterChanges: Sendable, Equatable, Codable {
    public var plant: String
    public var since: Int64
    public var through: Int64
    public var records: [MasterRecord]
    public var removed: [Removed]
    /// More versions wait: ask again with `since = through`.
    public var more: Bool
    /// The hub holds no version `since` (it was restored from an older backup): the answer starts from nothing,
    /// and the plant drops its copy before applying it.
    public var reset: Bool

    public struct Removed: Sendable, Equatable, Codable {
        public var kind: MasterKind
        public var company: String?
        public var key: String

        public init(kind: MasterKind, company: String?, key: String) {
            self.kind = kind
            self.company = company
            self.key = key
        }
    }

    public init(
        plant: String, since: Int64, through: Int64, records: [MasterRecord], removed: [Removed], more: Bool, reset: Bool = false
    ) {
        self.plant = plant
        self.since = since
        self.through = through
        self.records = records
        self.removed = removed
        self.more = more
        self.reset = reset
    }

    enum CodingKeys: String, CodingKey {
        case plant, since, through, records, removed, more, reset
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        plant = try container.decode(String.self, forKey: .plant)
        since = try container.decode(Int64.self, forKey: .since)
        through = try container.decode(Int64.self, forKey: .through)
        records = try container.decode([MasterRecord].self, forKey: .records)
        removed = try container.decode([Removed].self, forKey: .removed)
        more = try container.decode(Bool.self, forKey: .more)
        reset = try container.decodeIfPresent(Bool.self, forKey: .reset) ?? false
    }
}
