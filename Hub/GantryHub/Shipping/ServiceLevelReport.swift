import Foundation
import GantryCore

/// `GET /v1/reports/service-level`: every customer order line's figures (`ServiceLevel.evaluate`, its definitions),
/// summarised per customer, plant and company and in total, with what is still owed.
struct ServiceLevelReport: Codable, Sendable, Equatable {
    struct Line: Codable, Sendable, Equatable {
        var company: String
        var plant: String
        var customer: String
        var order: String
        var line: Int
        var item: String
        var ordered: Quantity
        var requested: String
        var promised: String?
        var figures: ServiceLevel.Result
    }

    var policy: ServiceLevel.Policy
    /// The day lines are judged on; each plant's today (in its time zone) when not given.
    var asOf: String?
    var lines: [Line]
    /// Keyed `COMPANY/CUSTOMER`: customers are a company's own.
    var customers: [String: ServiceLevel.Summary]
    var plants: [String: ServiceLevel.Summary]
    var companies: [String: ServiceLevel.Summary]
    var total: ServiceLevel.Summary
    /// Still owed per `COMPANY/ITEM`.
    var backorders: [String: Quantity]

    /// The report over `facts`, judged on `asOf` or each plant's day at `now`; `timeZones` overrides a plant's time zone
    /// as enrolled (from its plant master).
    init(_ facts: [ServiceLevelFacts], policy: ServiceLevel.Policy, asOf: String?, now: Date, timeZones: [String: String]) {
        self.policy = policy
        self.asOf = asOf
        let lines = facts.map { fact in
            let zone = timeZones[fact.plant] ?? fact.timeZone
            let shipments = fact.shipments.map { ServiceLevel.Shipment(day: ServiceLevel.day(of: $0.at, timeZone: zone), at: $0.at, quantity: $0.quantity) }
            let figures = ServiceLevel.evaluate(
                ServiceLevel.Line(ordered: fact.ordered, requested: fact.requested, promised: fact.promised, orderedAt: fact.orderedAt,
                                  shipments: shipments),
                policy: policy, today: asOf ?? ServiceLevel.day(of: now, timeZone: zone))
            return Line(company: fact.company, plant: fact.plant, customer: fact.customer, order: fact.order, line: fact.line, item: fact.item,
                        ordered: fact.ordered, requested: fact.requested, promised: fact.promised, figures: figures)
        }
        self.lines = lines
        func summaries(_ key: (Line) -> String) -> [String: ServiceLevel.Summary] {
            Dictionary(grouping: lines, by: key).mapValues { ServiceLevel.summarise($0.map(\.figures)) }
        }
        customers = summaries { "\($0.company)/\($0.customer)" }
        plants = summaries(\.plant)
        companies = summaries(\.company)
        total = ServiceLevel.summarise(lines.map(\.figures))
        var owed: [String: Quantity] = [:]
        for line in lines where line.figures.backorder.isPositive {
            owed["\(line.company)/\(line.item)", default: .zero] += line.figures.backorder
        }
        backorders = owed
    }
}
