import Foundation

/// The outcome of one check at a quality point, as `QualityRules.outcome` decides it.
public struct QualityOutcome: Sendable, Equatable {
    /// Where a failed quantity goes when the point quarantines.
    public struct Quarantine: Sendable, Equatable {
        public var lot: String
        public var from: String
        public var to: String
        public var quantity: Quantity

        public init(lot: String, from: String, to: String, quantity: Quantity) {
            self.lot = lot
            self.from = from
            self.to = to
            self.quantity = quantity
        }
    }

    /// The item the point checks.
    public var item: String
    public var passed: Bool
    /// The point blocks (`onFailure: block`): a failure at it holds the order's operation and output until a pass.
    public var blocks: Bool
    /// Set for a failure at a `quarantine` point: the move to make and the lot to hold.
    public var quarantine: Quarantine?
    /// For a failure: what the nonconformance says.
    public var reason: String?
    /// For a failure: `blocked` (the order waits for a pass) or `quarantined`.
    public var disposition: String?
}

/// Quality checks: pass or fail at a point, what a failure does, and which failures block an order.
public enum QualityRules {
    /// What was reported at `point` (nil: not defined here): a pass/fail point needs `passed`, a measurement the
    /// value, which passes within the limits. A check for a work order needs the order (`workOrderFound`). A
    /// failure at a `quarantine` point needs the lot, where it is, how much and the quarantine location.
    public static func outcome(
        at point: QualityPointDefined?, named name: String, passed: Bool?, value: Quantity?, workOrder: String?, workOrderFound: Bool,
        lot: String?, location: String?, quantity: Quantity?, quarantineLocation: String?
    ) throws(ProductionRefusal) -> QualityOutcome {
        guard let point else { throw ProductionRefusal(.notFound, "no quality point \(name)") }
        let result: Bool
        switch point.kind {
        case .passFail:
            guard let passed else { throw ProductionRefusal(.invalid, "\(name) is pass/fail: give passed") }
            result = passed
        case .measurement:
            guard let value else { throw ProductionRefusal(.invalid, "\(name) measures \(point.characteristic): give the value") }
            result = (point.lower.map { value >= $0 } ?? true) && (point.upper.map { value <= $0 } ?? true)
        }
        if let workOrder, !workOrderFound { throw ProductionRefusal(.notFound, "no work order \(workOrder)") }
        guard !result else { return QualityOutcome(item: point.item, passed: true, blocks: point.onFailure == .block) }
        let reason = point.kind == .measurement
            ? "\(point.characteristic) \(value!) outside \(point.lower.map(\.description) ?? "-")…\(point.upper.map(\.description) ?? "-")"
            : "\(point.characteristic) failed"
        guard point.onFailure == .quarantine else {
            return QualityOutcome(item: point.item, passed: false, blocks: true, reason: reason, disposition: "blocked")
        }
        let amount = quantity ?? .zero
        guard let lot, let location, let quarantine = quarantineLocation, amount.isPositive else {
            throw ProductionRefusal(.invalid, "\(name) sends failures to quarantine: give lot, location, quantity and quarantineLocation")
        }
        return QualityOutcome(
            item: point.item, passed: false, blocks: false, quarantine: .init(lot: lot, from: location, to: quarantine, quantity: amount), reason: reason,
            disposition: "quarantined")
    }

    /// Failed goods go to a location of type quarantine only.
    public static func checkQuarantine(_ code: String, type: LocationType) throws(ProductionRefusal) {
        guard type == .quarantine else { throw ProductionRefusal(.invalid, "\(code) is not a quarantine location") }
    }

    /// The first of an order's standing failures (failed blocking checks with no pass at the point since, as
    /// `(point, operation of the point)` in point order) that blocks: finishing `operation` is blocked by points of
    /// that operation and by points of no operation; reporting output (`operation` nil) by any.
    public static func blockingPoint(_ failing: [(point: String, operation: Int?)], operation: Int?) -> String? {
        guard let operation else { return failing.first?.point }
        return failing.first { $0.operation == nil || $0.operation == operation }?.point
    }
}
