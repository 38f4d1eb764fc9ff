import Foundation
import GantryCore
import GRDB

/// A maintenance request as the local API shows it.
public struct MaintenanceRequestRecord: Sendable, Equatable, Codable {
    public var requestId: UUID
    public var line: String
    public var machine: String
    public var kind: String
    public var trigger: MaintenanceTrigger
    public var reason: String?
    public var planId: UUID?
    public var openedAt: Date
    public var completedAt: Date?
    public var note: String?
    public var parts: [SparePart]
}

/// The inputs of the maintenance policy, read in one snapshot.
public struct MaintenanceSituation: Sendable {
    public var latest: [MachineID: MachineTimeline.Change]
    public var openCorrective: Set<MachineID>
    /// The start of the latest stop each machine had a corrective request for.
    public var lastCorrective: [MachineID: Date]
    public var plans: [UUID: (lastOpenedAt: Date?, open: Bool, goodSince: Int64)]
    /// The plant's time zone, whose days preventive plans count.
    public var timeZone: TimeZone
}

/// A row of `maintenance_requests`; times are `Timestamp` text, parts a JSON array.
struct MaintenanceRequestRow: Decodable, FetchableRecord {
    var requestId: String
    var line: String
    var machine: String
    var kind: String
    var trigger: String
    var reason: String?
    var planId: String?
    var openedAt: String
    var completedAt: String?
    var note: String?
    var parts: String

    enum CodingKeys: String, CodingKey {
        case requestId = "request_id", line, machine, kind, trigger, reason, planId = "plan_id", openedAt = "opened_at"
        case completedAt = "completed_at", note, parts
    }

    /// The request as the API shows it; nil for a row this version cannot read.
    var record: MaintenanceRequestRecord? {
        guard let id = UUID(uuidString: requestId), let opened = Timestamp.parse(openedAt),
              let trigger = MaintenanceTrigger(rawValue: trigger)
        else { return nil }
        return MaintenanceRequestRecord(
            requestId: id, line: line, machine: machine, kind: kind, trigger: trigger, reason: reason,
            planId: planId.flatMap(UUID.init(uuidString:)), openedAt: opened, completedAt: completedAt.flatMap(Timestamp.parse), note: note,
            parts: (try? WireFormat.sharedDecoder.decode([SparePart].self, from: Data(parts.utf8))) ?? [])
    }
}

/// A row of `maintenance_plans`.
struct MaintenancePlanRow: Decodable, FetchableRecord {
    var planId: String
    var line: String
    var machine: String
    var everyDays: Int?
    var everyGoodParts: Int64?
    var description: String
    var createdAt: String

    enum CodingKeys: String, CodingKey {
        case planId = "plan_id", line, machine, everyDays = "every_days", everyGoodParts = "every_good_parts", description
        case createdAt = "created_at"
    }

    var plan: MaintenancePlan? {
        guard let id = UUID(uuidString: planId), let created = Timestamp.parse(createdAt) else { return nil }
        return MaintenancePlan(
            planId: id, line: line, machine: machine, everyDays: everyDays, everyGoodParts: everyGoodParts, description: description,
            createdAt: created)
    }
}

/// A machine's latest state change.
struct LatestMachineStateRow: Decodable, FetchableRecord {
    var line: String
    var machine: String
    var at: String
    var state: String
    var reason: String?
}

/// A machine, and for corrective requests the start of the latest stop one was opened for.
struct MachineStopRow: Decodable, FetchableRecord {
    var line: String
    var machine: String
    var stop: String?
}

/// A plan with its last request and whether one of its requests is open.
struct PlanProgressRow: Decodable, FetchableRecord {
    var planId: String
    var line: String
    var machine: String
    var createdAt: String
    var lastOpened: String?
    var open: Bool

    enum CodingKeys: String, CodingKey {
        case planId = "plan_id", line, machine, createdAt = "created_at", lastOpened = "last_opened", open
    }
}
