import Foundation

/// How a supplier of one company delivered in a window, across that company's plants, with the counts behind
/// every figure (docs/sourcing.md defines each).
public struct SupplierScorecard: Sendable, Equatable, Codable {
    /// Lines due in the window: received in full on time, late, or not yet judged.
    public struct Delivery: Sendable, Equatable, Codable {
        /// Days after the due date a receipt completing the line still counts as on time.
        public var graceDays: Int
        public var onTime = 0
        /// Received in full after the grace day, or past it and still short (`lateOpen` of them).
        public var late = 0
        public var lateOpen = 0
        /// Still short, but before the end of the grace day: not judged yet.
        public var notYetDue = 0
        /// onTime / (onTime + late) × 100; nil with no line judged.
        public var onTimePercent: Decimal?
    }

    /// Whether the supplier confirmed the lines due in the window, and how soon after the order.
    public struct Confirmation: Sendable, Equatable, Codable {
        public var promptDays: Int
        public var confirmed = 0
        /// Confirmed within `promptDays` of the order.
        public var confirmedPromptly = 0
        public var confirmedPercent: Decimal?
        public var promptPercent: Decimal?
        /// Median days from order to first confirmation, over the confirmed lines.
        public var medianDaysToConfirm: Decimal?
    }

    /// Actual lead time (order day to the day of the receipt completing the line) against the promised one.
    public struct LeadTime: Sendable, Equatable, Codable {
        public var toleranceDays: Int
        /// Lines due in the window and received in full.
        public var measured = 0
        /// How many were measured against the supplier item's master lead time, and how many against the due date.
        public var againstMaster = 0
        public var againstDueDate = 0
        /// Actual minus promised days (positive: later than promised).
        public var meanDeviationDays: Decimal?
        public var medianDeviationDays: Decimal?
        /// |deviation| ≤ `toleranceDays`.
        public var withinTolerance = 0
        public var withinTolerancePercent: Decimal?
    }

    /// Nonconforming parts per million received, both counted in the window.
    public struct Quality: Sendable, Equatable, Codable {
        public var receipts = 0
        public var receivedQuantity = Quantity.zero
        public var nonconformances = 0
        public var nonconformingQuantity = Quantity.zero
        /// nonconforming / received × 1,000,000, rounded; nil with nothing received.
        public var ppm: Int64?
        /// Goods sent back against the supplier's lines in the window (not netted out of `receivedQuantity`).
        public var returns = 0
        public var returnedQuantity = Quantity.zero
    }

    public var company: String
    public var supplier: String
    /// The plants whose lines, receipts or nonconformances count here.
    public var plants: [String]
    /// Lines due in the window.
    public var lines: Int
    public var delivery: Delivery
    public var confirmation: Confirmation
    public var leadTime: LeadTime
    public var quality: Quality
}

extension SupplierPerformance {
    /// A receipt completing a line this many days after its due date is still on time.
    public static let onTimeGraceDays = 1
    /// A confirmation within this many days (48 hours) of the order is prompt, as the plants' alerts expect.
    public static let promptConfirmationDays = 2
    /// An actual lead time this many days either side of the promised one is reliable.
    public static let leadTimeToleranceDays = 2

    /// A scorecard per company and supplier with anything in `[from, to)`, judged as of `now`.
    public func scorecards(from: Date, to: Date, now: Date) -> [SupplierScorecard] {
        var tallies: [String: Tally] = [:]
        func tally(_ company: String, _ supplier: String, _ plant: String, _ change: (inout Tally) -> Void) {
            let key = "\(company)/\(supplier)"
            change(&tallies[key, default: Tally(company: company, supplier: supplier)])
            tallies[key]!.plants.insert(plant)
        }
        for line in lines {
            for receipt in line.receipts where receipt.at >= from && receipt.at < to {
                tally(line.company, line.supplier, line.plant) { $0.received(receipt.quantity) }
            }
            for returned in line.returns where returned.at >= from && returned.at < to {
                tally(line.company, line.supplier, line.plant) {
                    $0.card.quality.returns += 1
                    $0.card.quality.returnedQuantity = .saturating($0.card.quality.returnedQuantity, returned.quantity)
                }
            }
            guard let dueStart = line.start(of: line.due), dueStart >= from, dueStart < to else { continue }
            tally(line.company, line.supplier, line.plant) { countDue(line, dueStart: dueStart, now: now, into: &$0) }
        }
        for nonconformance in nonconformances where nonconformance.openedAt >= from && nonconformance.openedAt < to {
            tally(nonconformance.company, nonconformance.supplier, nonconformance.plant) {
                $0.card.quality.nonconformances += 1
                $0.card.quality.nonconformingQuantity = .saturating($0.card.quality.nonconformingQuantity, nonconformance.quantity)
            }
        }
        return tallies.keys.sorted().map { tallies[$0]!.summary }
    }

    /// A scorecard being counted, with the values its medians and means are taken over.
    private struct Tally {
        var card: SupplierScorecard
        var plants: Set<String> = []
        var confirmDays: [Decimal] = []
        var deviations: [Decimal] = []

        init(company: String, supplier: String) {
            card = SupplierScorecard(
                company: company, supplier: supplier, plants: [], lines: 0,
                delivery: .init(graceDays: SupplierPerformance.onTimeGraceDays),
                confirmation: .init(promptDays: SupplierPerformance.promptConfirmationDays),
                leadTime: .init(toleranceDays: SupplierPerformance.leadTimeToleranceDays), quality: .init())
        }

        mutating func received(_ quantity: Quantity) {
            card.quality.receipts += 1
            card.quality.receivedQuantity = .saturating(card.quality.receivedQuantity, quantity)
        }

        var summary: SupplierScorecard {
            var card = card
            card.plants = plants.sorted()
            SupplierPerformance.summarise(&card, confirmDays: confirmDays, deviations: deviations)
            return card
        }
    }

    /// Counts a line due in the window: its delivery, its confirmation and its lead time.
    private func countDue(_ line: SupplierLineRecord, dueStart: Date, now: Date, into tally: inout Tally) {
        tally.card.lines += 1
        judgeDelivery(line, dueStart: dueStart, now: now, into: &tally.card.delivery)
        if let confirmedAt = line.confirmedAt {
            let days = Decimal(confirmedAt.timeIntervalSince(line.orderedAt)) / 86_400
            tally.card.confirmation.confirmed += 1
            if days <= Decimal(Self.promptConfirmationDays) { tally.card.confirmation.confirmedPromptly += 1 }
            tally.confirmDays.append(days)
        }
        if let deviation = leadTimeDeviation(line, &tally.card.leadTime) { tally.deviations.append(deviation) }
    }

    private func judgeDelivery(_ line: SupplierLineRecord, dueStart: Date, now: Date, into delivery: inout SupplierScorecard.Delivery) {
        let deadline = line.calendar.date(byAdding: .day, value: Self.onTimeGraceDays + 1, to: dueStart) ?? dueStart
        if let completed = line.completedAt {
            if completed < deadline { delivery.onTime += 1 } else { delivery.late += 1 }
        } else if now >= deadline {
            delivery.late += 1
            delivery.lateOpen += 1
        } else {
            delivery.notYetDue += 1
        }
    }

    /// Counts a line received in full into `leadTime` and returns its deviation from the promised lead time.
    private func leadTimeDeviation(_ line: SupplierLineRecord, _ leadTime: inout SupplierScorecard.LeadTime) -> Decimal? {
        guard let actual = line.actualLeadTimeDays else { return nil }
        let promised: Int
        if let master = masterLeadTimes[Self.leadTimeKey(company: line.company, supplier: line.supplier, item: line.item)]
            ?? masterLeadTimes[Self.leadTimeKey(company: "", supplier: line.supplier, item: line.item)] {
            promised = master
            leadTime.againstMaster += 1
        } else if let dueStart = line.start(of: line.due) {
            promised = line.days(from: line.orderedAt, to: dueStart)
            leadTime.againstDueDate += 1
        } else {
            return nil
        }
        leadTime.measured += 1
        if abs(actual - promised) <= Self.leadTimeToleranceDays { leadTime.withinTolerance += 1 }
        return Decimal(actual - promised)
    }

    private static func summarise(_ card: inout SupplierScorecard, confirmDays: [Decimal], deviations: [Decimal]) {
        let delivery = card.delivery
        card.delivery.onTimePercent = percent(delivery.onTime, of: delivery.onTime + delivery.late)
        card.confirmation.confirmedPercent = percent(card.confirmation.confirmed, of: card.lines)
        card.confirmation.promptPercent = percent(card.confirmation.confirmedPromptly, of: card.lines)
        card.confirmation.medianDaysToConfirm = RobustStatistics.median(confirmDays).map { RobustStatistics.rounded($0, 2) }
        card.leadTime.withinTolerancePercent = percent(card.leadTime.withinTolerance, of: card.leadTime.measured)
        card.leadTime.medianDeviationDays = RobustStatistics.median(deviations).map { RobustStatistics.rounded($0, 2) }
        if !deviations.isEmpty {
            card.leadTime.meanDeviationDays = RobustStatistics.rounded(deviations.reduce(0, +) / Decimal(deviations.count), 2)
        }
        let received = card.quality.receivedQuantity.micro
        if received > 0 {
            let ppm = Decimal(card.quality.nonconformingQuantity.micro) * 1_000_000 / Decimal(received)
            card.quality.ppm = NSDecimalNumber(decimal: RobustStatistics.rounded(min(ppm, Decimal(Int64.max)), 0)).int64Value
        }
    }

    static func percent(_ part: Int, of whole: Int) -> Decimal? {
        whole == 0 ? nil : RobustStatistics.rounded(Decimal(part) * 100 / Decimal(whole), 2)
    }
}
