import Foundation

/// Whether a company's fiscal period may close: only once no plant of the company can still owe events dated in it.
///
/// What the hub knows of a plant's log is its sync position: the last sequence it applied, the head the plant
/// reported at its last contact, when that contact was (the hub's clock) and when the plant recorded the last applied
/// event (the plant's clock). A plant owes events for a period while
/// - it reported a head beyond what the hub applied (events are on their way), or
/// - the last event the hub has from it was recorded before the period's end and the plant has not been heard from
///   since the period's end plus `grace` (it may hold events of the period it has not sent yet).
///
/// A plant clock that runs fast would make its events look recorded after the period's end too soon: a recorded time
/// later than the hub's receive time of that contact plus `grace` is not trusted, and the plant counts as owing
/// until it has been heard from after the period's end plus `grace` by the hub's clock.
public enum PeriodClose {
    /// One plant's sync position, as the hub holds it.
    public struct PlantPosition: Sendable, Equatable {
        public var plant: String
        public var lastSequence: Int64
        public var agentHead: Int64
        /// The hub's receive time of the plant's last contact.
        public var lastSeenAt: Date?
        /// The plant's recorded time of the last event the hub applied.
        public var lastEventRecordedAt: Date?
        /// The plant's time zone, in which the period's days are days.
        public var timeZone: String

        public init(plant: String, lastSequence: Int64, agentHead: Int64, lastSeenAt: Date?, lastEventRecordedAt: Date?, timeZone: String) {
            self.plant = plant
            self.lastSequence = lastSequence
            self.agentHead = agentHead
            self.lastSeenAt = lastSeenAt
            self.lastEventRecordedAt = lastEventRecordedAt
            self.timeZone = timeZone
        }
    }

    /// The grace after a period's end within which a plant's contact does not yet prove it sent everything.
    public static let defaultGrace: TimeInterval = 3600

    /// Decides closing `period` given the periods closed already and the company's plants; returns the period.
    public static func decide(
        _ period: FiscalPeriodMaster?, code: String, company: String, closed: Set<String>, plants: [PlantPosition],
        grace: TimeInterval = defaultGrace
    ) throws(AccountingRefusal) -> FiscalPeriodMaster {
        guard let period else { throw AccountingRefusal(.invalid, "company \(company) has no fiscal period \(code)") }
        if closed.contains(period.key) { throw AccountingRefusal(.periodClosed, "period \(period.key) of \(company) is closed already") }
        let owing = plants.compactMap { plant in reason(plant, owesFor: period, grace: grace).map { "\(plant.plant): \($0)" } }
        if !owing.isEmpty {
            throw AccountingRefusal(.periodNotClosable, "plants may still owe events for \(period.key): \(owing.sorted().joined(separator: "; "))")
        }
        return period
    }

    /// Why `plant` may still owe events for `period`, or nil when it cannot.
    public static func reason(_ plant: PlantPosition, owesFor period: FiscalPeriodMaster, grace: TimeInterval = defaultGrace) -> String? {
        if plant.agentHead > plant.lastSequence {
            return "reported head \(plant.agentHead) beyond \(plant.lastSequence) applied"
        }
        guard let end = endInstant(of: period, timeZone: plant.timeZone) else { return "period end \(period.end) is not a day" }
        let heardAfter = plant.lastSeenAt.map { $0 >= end.addingTimeInterval(grace) } ?? false
        if heardAfter { return nil }
        if let recorded = plant.lastEventRecordedAt, recorded >= end {
            // Trusted only when the plant's clock agrees with the hub's at that contact.
            if let seen = plant.lastSeenAt, recorded <= seen.addingTimeInterval(grace) { return nil }
            return "its last event is recorded \(Timestamp.format(recorded)), after the hub last heard from it: its clock is not trusted"
        }
        return "not heard from since the period's end plus \(Int(grace)) s"
    }

    /// The instant `period` ends: the start of the day after its last day, in `timeZone`.
    public static func endInstant(of period: FiscalPeriodMaster, timeZone: String) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")!
        let parts = period.end.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, let day = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])) else {
            return nil
        }
        return calendar.date(byAdding: .day, value: 1, to: day)
    }
}
