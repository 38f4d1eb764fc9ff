import Foundation

/// The counts behind the figures of buyers, planners and plant managers at one plant (or many, summed): like
/// `KPIElements`, they add across plants and hours, and every level divides its sums, never averages ratios.
///
/// Two kinds: flows counted when their fact happened (work orders completed, count lines, maintenance requests),
/// which the hub rolls up per plant and UTC hour as it applies events (`OperationsFact`), and purchase-line states
/// that hold now (open, confirmed, overdue), read from the hub's supplier order lines when asked.
public struct OperationsElements: Sendable, Equatable, Codable {
    /// Work orders completed in the window.
    public var workOrdersCompleted: Int64
    /// Of those, finished by their planned finish.
    public var workOrdersOnTime: Int64
    /// Of those, with at least the planned quantity good.
    public var workOrdersInFull: Int64
    /// Of those, both on time and in full.
    public var workOrdersOnTimeInFull: Int64
    /// Cycle-count lines counted in the window.
    public var countLines: Int64
    /// Of those, the lines whose count matched the books.
    public var countLinesExact: Int64
    /// Corrective maintenance requests raised in the window: stops the plant did not plan.
    public var maintenanceInterruptions: Int64
    /// Purchase-order lines still owed now (received less than ordered).
    public var purchaseLinesOpen: Int64
    /// Of those, the lines the supplier has confirmed.
    public var purchaseLinesConfirmed: Int64
    /// Of those, the lines due before the plant's today.
    public var purchaseLinesOverdue: Int64

    public init(
        workOrdersCompleted: Int64 = 0, workOrdersOnTime: Int64 = 0, workOrdersInFull: Int64 = 0,
        workOrdersOnTimeInFull: Int64 = 0, countLines: Int64 = 0, countLinesExact: Int64 = 0,
        maintenanceInterruptions: Int64 = 0, purchaseLinesOpen: Int64 = 0, purchaseLinesConfirmed: Int64 = 0,
        purchaseLinesOverdue: Int64 = 0
    ) {
        self.workOrdersCompleted = workOrdersCompleted
        self.workOrdersOnTime = workOrdersOnTime
        self.workOrdersInFull = workOrdersInFull
        self.workOrdersOnTimeInFull = workOrdersOnTimeInFull
        self.countLines = countLines
        self.countLinesExact = countLinesExact
        self.maintenanceInterruptions = maintenanceInterruptions
        self.purchaseLinesOpen = purchaseLinesOpen
        self.purchaseLinesConfirmed = purchaseLinesConfirmed
        self.purchaseLinesOverdue = purchaseLinesOverdue
    }

    public static let zero = OperationsElements()

    /// The formulas these elements make.
    public static let formulas: Set<KPIFormula> = [
        .supplierConfirmationRate, .overduePurchaseLines, .scheduleAdherence, .orderCompletionReliability,
        .cycleCountAccuracy, .maintenanceInterruptions,
    ]

    /// The count stored for `element`.
    public subscript(element: OperationsElement) -> Int64 {
        get {
            switch element {
            case .workOrdersCompleted: workOrdersCompleted
            case .workOrdersOnTime: workOrdersOnTime
            case .workOrdersInFull: workOrdersInFull
            case .workOrdersOnTimeInFull: workOrdersOnTimeInFull
            case .countLines: countLines
            case .countLinesExact: countLinesExact
            case .maintenanceInterruptions: maintenanceInterruptions
            }
        }
        set {
            switch element {
            case .workOrdersCompleted: workOrdersCompleted = newValue
            case .workOrdersOnTime: workOrdersOnTime = newValue
            case .workOrdersInFull: workOrdersInFull = newValue
            case .workOrdersOnTimeInFull: workOrdersOnTimeInFull = newValue
            case .countLines: countLines = newValue
            case .countLinesExact: countLinesExact = newValue
            case .maintenanceInterruptions: maintenanceInterruptions = newValue
            }
        }
    }

    public static func += (lhs: inout OperationsElements, rhs: OperationsElements) {
        lhs.workOrdersCompleted += rhs.workOrdersCompleted
        lhs.workOrdersOnTime += rhs.workOrdersOnTime
        lhs.workOrdersInFull += rhs.workOrdersInFull
        lhs.workOrdersOnTimeInFull += rhs.workOrdersOnTimeInFull
        lhs.countLines += rhs.countLines
        lhs.countLinesExact += rhs.countLinesExact
        lhs.maintenanceInterruptions += rhs.maintenanceInterruptions
        lhs.purchaseLinesOpen += rhs.purchaseLinesOpen
        lhs.purchaseLinesConfirmed += rhs.purchaseLinesConfirmed
        lhs.purchaseLinesOverdue += rhs.purchaseLinesOverdue
    }

    /// Supplier confirmation rate: open purchase lines the supplier confirmed / open purchase lines.
    public var supplierConfirmationRate: Double? { Self.ratio(purchaseLinesConfirmed, purchaseLinesOpen) }
    /// Schedule adherence: work orders finished by their planned finish / work orders completed.
    public var scheduleAdherence: Double? { Self.ratio(workOrdersOnTime, workOrdersCompleted) }
    /// Order completion reliability: work orders completed on time and in full / work orders completed.
    public var orderCompletionReliability: Double? { Self.ratio(workOrdersOnTimeInFull, workOrdersCompleted) }
    /// Cycle-count accuracy: lines counted as the books said / lines counted.
    public var cycleCountAccuracy: Double? { Self.ratio(countLinesExact, countLines) }

    /// The value of `formula` (a fraction for ratios, a count for overdue lines and interruptions); nil for a
    /// machines' formula, or a ratio over nothing.
    public func value(_ formula: KPIFormula) -> Double? {
        switch formula {
        case .supplierConfirmationRate: supplierConfirmationRate
        case .overduePurchaseLines: Double(purchaseLinesOverdue)
        case .scheduleAdherence: scheduleAdherence
        case .orderCompletionReliability: orderCompletionReliability
        case .cycleCountAccuracy: cycleCountAccuracy
        case .maintenanceInterruptions: Double(maintenanceInterruptions)
        case .availability, .effectiveness, .qualityRatio, .oee, .scrapRatio, .reworkRatio, .mtbf, .mttr, .setupRatio,
             .technicalEfficiency:
            nil
        }
    }

    static func ratio(_ part: Int64, _ whole: Int64) -> Double? {
        whole > 0 ? Double(part) / Double(whole) : nil
    }
}

/// An element the hub rolls up per plant and hour, by its stored name.
public enum OperationsElement: String, Sendable, Codable, CaseIterable {
    case workOrdersCompleted = "work-orders-completed"
    case workOrdersOnTime = "work-orders-on-time"
    case workOrdersInFull = "work-orders-in-full"
    case workOrdersOnTimeInFull = "work-orders-on-time-in-full"
    case countLines = "count-lines"
    case countLinesExact = "count-lines-exact"
    case maintenanceInterruptions = "maintenance-interruptions"
}
