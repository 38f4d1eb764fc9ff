import Foundation

/// Where a work order stands. Its raw values are the wire format (`"in-progress"`).
///
/// ```
/// planned ─release─▶ released ─operation started─▶ in-progress ─complete─▶ completed
///                                                    ▲     │ operation started
///                                                    └─────┘
/// ```
public enum WorkOrderStatus: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case planned, released, inProgress = "in-progress", completed

    /// What happens to a work order that moves its status.
    public enum Transition: String, Sendable, CaseIterable {
        /// The material gate let it through (`WorkOrderReleased`).
        case release
        /// One of its operations started (`OperationProgressed` with `started`).
        case startOperation
        /// Its operations are all finished and it closes (`WorkOrderCompleted`).
        case complete
    }

    /// The status after `transition`, or nil when the transition is not legal from this status.
    public func after(_ transition: Transition) -> WorkOrderStatus? {
        switch (self, transition) {
        case (.planned, .release): .released
        case (.released, .startOperation), (.inProgress, .startOperation): .inProgress
        case (.inProgress, .complete): .completed
        default: nil
        }
    }

    /// Operations run (start, pause, resume, finish) and components are consumed only once the order is released.
    public var runsOperations: Bool { self == .released || self == .inProgress }

    /// Output is reported only while the order is in progress.
    public var reportsOutput: Bool { self == .inProgress }

    /// Readiness looks at every order that is not completed.
    public var isOpen: Bool { self != .completed }

    public var description: String { rawValue }
}

/// Where one operation of a work order stands. Its raw values are the wire format.
public enum OperationStatus: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case pending, running, paused, finished

    /// The status after `step`, or nil when the step is not legal from this status: an operation starts once,
    /// pauses while running, resumes while paused and finishes while running.
    public func after(_ step: OperationProgressed.Step) -> OperationStatus? {
        switch (step, self) {
        case (.started, .pending), (.resumed, .paused): .running
        case (.paused, .running): .paused
        case (.finished, .running): .finished
        default: nil
        }
    }

    public var description: String { rawValue }
}
