import Foundation
import GantryCore
import PostgresNIO

extension PostgresHubStore {
    public func operationsFacts(scope: CompanyScope, plant: String?, from: Date, to: Date) async throws -> [OperationsPlantFacts] {
        try await run { [logger] client in
            let scoped = PostgresCompanyFilter(scope)
            var plants: [String: OperationsPlantFacts] = [:]
            for try await (plantID, company, timeZone) in try await client.query("""
                SELECT plant_id, company, time_zone FROM plants
                WHERE (\(plant)::text IS NULL OR plant_id = \(plant)) AND (\(scoped.everyCompany) OR company = ANY(\(scoped.companies)))
                """, logger: logger).decode((String, String, String).self) {
                plants[plantID] = OperationsPlantFacts(company: company, plant: plantID, timeZone: timeZone, flows: [:], owedLines: [])
            }
            for try await (plantID, element, value) in try await client.query("""
                SELECT plant_id, element, sum(value)::bigint FROM kpi_operations_hours
                WHERE hour >= \(from) AND hour < \(to) AND (\(plant)::text IS NULL OR plant_id = \(plant))
                  AND (\(scoped.everyCompany) OR company = ANY(\(scoped.companies)))
                GROUP BY plant_id, element
                """, logger: logger).decode((String, String, Int64).self) {
                guard let element = OperationsElement(rawValue: element) else { continue }
                plants[plantID]?.flows[element, default: 0] += value
            }
            for try await (plantID, due, confirmed, lines) in try await client.query("""
                SELECT l.plant_id, l.due, l.confirmed_at IS NOT NULL, count(*)
                FROM supplier_order_lines l JOIN plants p ON p.plant_id = l.plant_id
                LEFT JOIN (SELECT plant_id, purchase_order, line, sum(quantity) AS received FROM supplier_receipts
                           GROUP BY plant_id, purchase_order, line) r
                  ON r.plant_id = l.plant_id AND r.purchase_order = l.purchase_order AND r.line = l.line
                WHERE l.quantity > coalesce(r.received, 0) AND (\(plant)::text IS NULL OR l.plant_id = \(plant))
                  AND (\(scoped.everyCompany) OR p.company = ANY(\(scoped.companies)))
                GROUP BY l.plant_id, l.due, l.confirmed_at IS NOT NULL
                """, logger: logger).decode((String, String?, Bool, Int64).self) {
                plants[plantID]?.owedLines.append(OperationsPlantFacts.OwedLines(due: due, confirmed: confirmed, lines: lines))
            }
            return plants.values.sorted { ($0.company, $0.plant) < ($1.company, $1.plant) }
        }
    }
}
