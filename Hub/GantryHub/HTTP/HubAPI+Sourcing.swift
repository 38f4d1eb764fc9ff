import Foundation
import GantryCore
import Hummingbird

/// Supplier scorecards and price and lead-time anomaly flags across plants, within the principal's companies.
extension HubAPI {
    /// `GET /v1/reports/suppliers?from=…&to=…[&company=…&supplier=…]`: scorecards as of the hub's now.
    func supplierReport(_ query: Parameters, scope: CompanyScope) async throws -> SupplierReportBody {
        let window = try reportWindow(query)
        let company = try await companyFilter(query, scope: scope), supplier = try codeFilter(query, "supplier")
        // Every supplier of the company is read: an item's history from other suppliers can judge this one's values.
        var performance = try await store.supplierPerformance(company: company, from: window.from, to: window.to, scope: scope)
        performance.masterLeadTimes = try await masterLeadTimes(scope: scope)
        let cards = performance.scorecards(from: window.from, to: window.to, now: now())
        let anomalies = performance.anomalies(from: window.from, to: window.to)
        return SupplierReportBody(
            from: window.from, to: window.to,
            suppliers: cards.filter { supplier == nil || $0.supplier == supplier },
            anomalies: anomalies.filter { supplier == nil || $0.supplier == supplier })
    }

    /// The supplier items' lead times in days, by `SupplierPerformance.leadTimeKey` (company "" for shared ones).
    private func masterLeadTimes(scope: CompanyScope) async throws -> [String: Int] {
        var leadTimes: [String: Int] = [:]
        for record in try await store.masters(kind: .supplierItem, key: nil, company: nil, scope: scope) where record.active {
            guard let terms = SupplierItemMaster(record) else { continue }
            leadTimes[SupplierPerformance.leadTimeKey(company: record.company ?? "", supplier: terms.supplier, item: terms.item)] = terms.leadTimeDays
        }
        return leadTimes
    }
}

struct SupplierReportBody: Codable, Sendable {
    var from: Date
    var to: Date
    /// Per company and supplier.
    var suppliers: [SupplierScorecard]
    /// Only the values found to be outliers, each with its explanation.
    var anomalies: [SupplierAnomaly]
}
