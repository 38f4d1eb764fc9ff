import Foundation

/// On time in full (OTIF), lead time and backorders of customer order lines, from what the plants shipped.
///
/// A line is due on its requested date, or on the date promised for it when the basis is `promised` (a line with
/// no promised date is held to its requested date). Shipments count by the plant's day they left. A line is
/// **on time** when its last shipment left no later than `lateDays` after it was due (earlier is on time too), **in
/// full** when everything shipped is within `tolerancePercent` of the ordered quantity, and **OTIF** when the
/// quantity shipped by the end of its window is within that tolerance. A line is measured once it has shipped in
/// full or its window has passed; until then it is open and counts in no ratio.
public enum ServiceLevel {
    public enum Basis: String, Sendable, Codable, CaseIterable { case requested, promised }

    public struct Policy: Sendable, Equatable, Codable {
        public var basis: Basis
        /// Days after the due date that still count as on time.
        public var lateDays: Int
        /// How far the shipped quantity may fall short of (or exceed) the ordered one and still be in full, in percent.
        public var tolerancePercent: Decimal

        public init(basis: Basis = .requested, lateDays: Int = 0, tolerancePercent: Decimal = 0) {
            self.basis = basis
            self.lateDays = lateDays
            self.tolerancePercent = tolerancePercent
        }
    }

    public struct Shipment: Sendable, Equatable {
        /// The plant's day it left, `YYYY-MM-DD`.
        public var day: String
        public var at: Date
        public var quantity: Quantity

        public init(day: String, at: Date, quantity: Quantity) {
            self.day = day
            self.at = at
            self.quantity = quantity
        }
    }

    public struct Line: Sendable, Equatable {
        public var ordered: Quantity
        public var requested: String
        public var promised: String?
        /// When the order was placed.
        public var orderedAt: Date
        public var shipments: [Shipment]

        public init(ordered: Quantity, requested: String, promised: String?, orderedAt: Date, shipments: [Shipment]) {
            self.ordered = ordered
            self.requested = requested
            self.promised = promised
            self.orderedAt = orderedAt
            self.shipments = shipments
        }
    }

    public enum Status: String, Sendable, Codable { case open, measured }

    /// One line's figures.
    public struct Result: Sendable, Equatable, Codable {
        public var status: Status
        public var due: String
        public var windowEnd: String
        public var shipped: Quantity
        public var shippedInWindow: Quantity
        /// nil while open.
        public var onTime: Bool?
        public var inFull: Bool?
        public var otif: Bool?
        /// Days from the order to the shipment that completed the line (or its last one), two decimals; nil before any.
        public var leadTimeDays: Decimal?
        /// Still owed: ordered less shipped, when the line is short of full and a shipment left or its window passed.
        public var backorder: Quantity
    }

    /// The figures of `line` on `today` (the plant's day, `YYYY-MM-DD`).
    public static func evaluate(_ line: Line, policy: Policy, today: String) -> Result {
        let due = policy.basis == .promised ? (line.promised ?? line.requested) : line.requested
        let windowEnd = adding(days: policy.lateDays, to: due)
        let shipments = line.shipments.sorted { $0.at < $1.at }
        let shipped = shipments.reduce(Quantity.zero) { $0 + $1.quantity }
        let inWindow = shipments.filter { $0.day <= windowEnd }.reduce(Quantity.zero) { $0 + $1.quantity }
        let lowest = line.ordered.times(1 - policy.tolerancePercent / 100) ?? line.ordered
        let highest = line.ordered.times(1 + policy.tolerancePercent / 100) ?? line.ordered
        let complete = shipped >= lowest
        let measured = complete || today > windowEnd
        var result = Result(
            status: measured ? .measured : .open, due: due, windowEnd: windowEnd, shipped: shipped, shippedInWindow: inWindow,
            onTime: nil, inFull: nil, otif: nil, leadTimeDays: nil, backorder: .zero)
        if let last = shipments.last {
            // The shipment that brought the line to full, else the last one.
            var running = Quantity.zero
            let completing = shipments.first { running += $0.quantity; return running >= lowest } ?? last
            let seconds = Decimal(completing.at.timeIntervalSince(line.orderedAt))
            var days = seconds / 86_400, rounded = Decimal()
            NSDecimalRound(&rounded, &days, 2, .plain)
            result.leadTimeDays = rounded
        }
        if !complete, !shipments.isEmpty || today > windowEnd {
            // Ordered less shipped (`Quantity.saturating` adds: it is no difference).
            result.backorder = line.ordered - shipped
        }
        if measured {
            result.onTime = shipments.last.map { $0.day <= windowEnd } ?? false
            result.inFull = shipped >= lowest && shipped <= highest
            result.otif = inWindow >= lowest && inWindow <= highest
        }
        return result
    }

    /// Ratios over measured lines.
    public struct Summary: Sendable, Equatable, Codable {
        public var lines: Int
        public var measured: Int
        public var onTime: Int
        public var inFull: Int
        public var otif: Int
        /// Percent of measured lines, two decimals; nil when none is measured.
        public var onTimePercent: Decimal?
        public var inFullPercent: Decimal?
        public var otifPercent: Decimal?
        /// Mean lead time of the lines that shipped, two decimals.
        public var averageLeadTimeDays: Decimal?
        public var backorderLines: Int
    }

    public static func summarise(_ results: [Result]) -> Summary {
        let measured = results.filter { $0.status == .measured }
        let onTime = measured.count { $0.onTime == true }, inFull = measured.count { $0.inFull == true }
        let otif = measured.count { $0.otif == true }
        let leads = results.compactMap(\.leadTimeDays)
        return Summary(
            lines: results.count, measured: measured.count, onTime: onTime, inFull: inFull, otif: otif,
            onTimePercent: percent(onTime, of: measured.count), inFullPercent: percent(inFull, of: measured.count),
            otifPercent: percent(otif, of: measured.count),
            averageLeadTimeDays: leads.isEmpty ? nil : round(leads.reduce(0, +) / Decimal(leads.count)),
            backorderLines: results.count { $0.backorder.isPositive })
    }

    static func percent(_ part: Int, of whole: Int) -> Decimal? {
        whole == 0 ? nil : round(Decimal(part) * 100 / Decimal(whole))
    }

    static func round(_ value: Decimal) -> Decimal {
        var value = value, rounded = Decimal()
        NSDecimalRound(&rounded, &value, 2, .plain)
        return rounded
    }

    /// `day` (`YYYY-MM-DD`) moved by `days`.
    public static func adding(days: Int, to day: String) -> String {
        guard days != 0, let start = DemandInstruction.day(day) else { return day }
        return String(Timestamp.format(start.addingTimeInterval(Double(days) * 86_400)).prefix(10))
    }
}
