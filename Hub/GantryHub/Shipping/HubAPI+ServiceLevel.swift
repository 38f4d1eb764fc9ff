import Foundation
import GantryCore
import Hummingbird

/// Service level and traces at the hub (docs/shipping.md).
extension HubAPI {
    /// `GET /v1/reports/service-level?company=&plant=&customer=&basis=&lateDays=&tolerancePercent=&asOf=`.
    func serviceLevelReport(_ query: Parameters, scope: CompanyScope) async throws -> ServiceLevelReport {
        let basisText = query["basis"].map(String.init) ?? ServiceLevel.Basis.requested.rawValue
        guard let basis = ServiceLevel.Basis(rawValue: basisText) else {
            throw invalidQuery("basis", "basis is requested or promised, got \"\(basisText)\"")
        }
        let lateDays = Int(try integer(query, "lateDays", range: 0...365) ?? 0)
        var tolerance = Decimal.zero
        if let text = query["tolerancePercent"].map(String.init) {
            guard let value = DecimalText.parse(text), value >= 0, value <= 100 else {
                throw invalidQuery("tolerancePercent", "tolerancePercent is a decimal number from 0 to 100, got \"\(text)\"")
            }
            tolerance = value
        }
        let asOf = query["asOf"].map(String.init)
        if let asOf, DemandInstruction.day(asOf) == nil { throw invalidQuery("asOf", "asOf is a date YYYY-MM-DD, got \"\(asOf)\"") }
        let filter = OutboundFilter(
            company: try await companyFilter(query, scope: scope), plant: try await plantFilter(query, scope: scope),
            customer: try codeFilter(query, "customer"))
        let facts = try await store.serviceLevelFacts(filter, scope: scope)
        // The plant master's time zone decides the plant's day; the one given at enrolment stands in without one.
        var zones: [String: String] = [:]
        for record in try await store.masters(kind: .plant, key: nil, company: nil, scope: scope) {
            if let plant = PlantMaster(record) { zones[record.key] = plant.timeZone }
        }
        return ServiceLevelReport(
            facts, policy: ServiceLevel.Policy(basis: basis, lateDays: lateDays, tolerancePercent: tolerance), asOf: asOf, now: now(),
            timeZones: zones)
    }

    /// `GET /v1/shipments/{plant}/{shipment}/trace`: back to the supplier lots inside it.
    func shipmentTrace(plant: String, shipment: String, scope: CompanyScope) async throws -> ShipmentTrace {
        try requireScope(scope, plant: plant)
        guard let trace = try await store.shipmentTrace(plant: plant, shipment: shipment, scope: scope) else {
            throw ProblemDetails(code: "not-found", title: "Not found", status: 404, detail: "no shipment \(shipment) of plant \(plant)")
        }
        return trace
    }

    /// `GET /v1/recalls?item=&lot=`: forward from a lot to every lot, unit and customer it reached.
    func recall(_ query: Parameters, scope: CompanyScope) async throws -> RecallReport {
        let item = try codeFilter(query, "item", required: true)!
        guard let lot = query["lot"].map(String.init), !lot.isEmpty, lot.count <= 64 else {
            throw invalidQuery("lot", "lot is required: the lot code, 1 to 64 characters")
        }
        return try await store.recall(item: item, lot: lot, scope: scope)
    }
}
