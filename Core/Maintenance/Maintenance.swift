import Foundation

/// Why a maintenance request was opened.
public enum MaintenanceTrigger: String, Sendable, Codable {
    /// A machine stayed down longer than the configured threshold.
    case downThreshold = "down-threshold"
    /// A machine went down for a reason the taxonomy marks as a failure.
    case failureReason = "failure-reason"
    /// A preventive plan's calendar interval came round.
    case calendar
    /// A preventive plan's count of good parts was reached.
    case counter
    /// Someone asked for it.
    case manual
}

/// A spare part issued to a maintenance request.
public struct SparePart: Sendable, Equatable, Codable {
    public var item: String
    /// A decimal quantity as text, e.g. `2` or `0.5`.
    public var quantity: String
    public var lot: String?

    public init(item: String, quantity: String, lot: String? = nil) {
        self.item = item
        self.quantity = quantity
        self.lot = lot
    }
}

/// A preventive maintenance plan for one machine: every N days, every N good parts, or both.
public struct MaintenancePlan: Sendable, Equatable, Codable {
    public var planId: UUID
    public var line: String
    public var machine: String
    public var everyDays: Int?
    public var everyGoodParts: Int64?
    public var description: String
    public var createdAt: Date

    public init(planId: UUID, line: String, machine: String, everyDays: Int?, everyGoodParts: Int64?, description: String, createdAt: Date) {
        self.planId = planId
        self.line = line
        self.machine = machine
        self.everyDays = everyDays
        self.everyGoodParts = everyGoodParts
        self.description = description
        self.createdAt = createdAt
    }
}

/// A maintenance request was opened at the plant.
public struct MaintenanceRequested: PlantEvent {
    public static let eventType = "MaintenanceRequested"
    public static let schemaVersion = 1

    public var requestId: UUID
    public var line: String
    public var machine: String
    /// `corrective` or `preventive`.
    public var kind: String
    public var trigger: MaintenanceTrigger
    public var reason: String?
    public var planId: UUID?
    public var at: Date

    public init(requestId: UUID, line: String, machine: String, kind: String, trigger: MaintenanceTrigger,
                reason: String?, planId: UUID?, at: Date) {
        self.requestId = requestId
        self.line = line
        self.machine = machine
        self.kind = kind
        self.trigger = trigger
        self.reason = reason
        self.planId = planId
        self.at = at
    }
}

/// A maintenance request was completed, with the spare parts it used.
public struct MaintenanceCompleted: PlantEvent {
    public static let eventType = "MaintenanceCompleted"
    public static let schemaVersion = 1

    public var requestId: UUID
    public var note: String?
    public var parts: [SparePart]
    public var at: Date

    public init(requestId: UUID, note: String?, parts: [SparePart], at: Date) {
        self.requestId = requestId
        self.note = note
        self.parts = parts
        self.at = at
    }
}

/// A preventive maintenance plan was defined at the plant.
public struct MaintenancePlanDefined: PlantEvent {
    public static let eventType = "MaintenancePlanDefined"
    public static let schemaVersion = 1

    public var plan: MaintenancePlan

    public init(plan: MaintenancePlan) { self.plan = plan }
}

/// When maintenance is due: the pure decision behind the agent's maintenance watch.
public struct MaintenancePolicy: Sendable {
    /// How long a machine may stay down before a corrective request opens.
    public var downThreshold: TimeInterval
    public var reasons: DowntimeReasons
    /// The plant's time zone: a plan's days are the plant's calendar days, so "every 7 days" from Monday 09:00 is
    /// the next Monday at 09:00 on the plant's clock, also across a clock change.
    public var timeZone: TimeZone

    public init(downThreshold: TimeInterval, reasons: DowntimeReasons, timeZone: TimeZone = TimeZone(identifier: "UTC")!) {
        self.downThreshold = downThreshold
        self.reasons = reasons
        self.timeZone = timeZone
    }

    /// A corrective request is due when the machine is `down` (`latest.at` is when the stop began) and either
    /// its reason is a failure in the taxonomy, or it has been down for the threshold; never while one is open,
    /// and once per stop: a request for this stop (`requestedStop`, even if completed) covers it.
    public func corrective(
        latest: MachineTimeline.Change?, hasOpenRequest: Bool, requestedStop: Date? = nil, now: Date
    ) -> MaintenanceTrigger? {
        guard !hasOpenRequest, let latest, latest.state == .down else { return nil }
        if let requestedStop, requestedStop >= latest.at { return nil }
        if reasons[latest.reason]?.failure == true { return .failureReason }
        return now.timeIntervalSince(latest.at) >= downThreshold ? .downThreshold : nil
    }

    /// A preventive request is due when the plan's days have passed since its last request (or its
    /// creation), or its good parts have been made since then; never while one of the plan's is open.
    public func preventive(
        plan: MaintenancePlan, lastOpenedAt: Date?, goodPartsSince: Int64, hasOpenRequest: Bool, now: Date
    ) -> MaintenanceTrigger? {
        guard !hasOpenRequest else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        if let days = plan.everyDays, let due = calendar.date(byAdding: .day, value: days, to: lastOpenedAt ?? plan.createdAt), now >= due {
            return .calendar
        }
        if let parts = plan.everyGoodParts, goodPartsSince >= parts { return .counter }
        return nil
    }
}
