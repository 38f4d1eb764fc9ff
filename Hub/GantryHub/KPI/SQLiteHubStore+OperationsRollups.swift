import Foundation
import GantryCore
import GRDB

extension SQLiteHubStore {
    public func operationsFacts(scope: CompanyScope, plant: String?, from: Date, to: Date) async throws -> [OperationsPlantFacts] {
        try await pool.read { db in
            let scoped = SQLiteCompanyFilter(scope, column: "p.company")
            let plantFilter = plant == nil ? "" : " AND p.plant_id = ?"
            let plantArgument: StatementArguments = plant.map { [$0] } ?? []
            var plants: [String: OperationsPlantFacts] = [:]
            for row in try OperationsPlantRow.fetchAll(db, sql: """
                SELECT p.plant_id, p.company, p.time_zone FROM plants p WHERE 1 = 1\(plantFilter)\(scoped.and)
                """, arguments: plantArgument + scoped.arguments) {
                plants[row.plantID] = OperationsPlantFacts(
                    company: row.company, plant: row.plantID, timeZone: row.timeZone, flows: [:], owedLines: [])
            }
            for row in try OperationsFlowRow.fetchAll(db, sql: """
                SELECT h.plant_id, h.element, sum(h.value) AS value FROM kpi_operations_hours h JOIN plants p USING (plant_id)
                WHERE h.hour >= ? AND h.hour < ?\(plantFilter)\(scoped.and)
                GROUP BY h.plant_id, h.element
                """, arguments: [Timestamp.format(from), Timestamp.format(to)] + plantArgument + scoped.arguments) {
                guard let element = OperationsElement(rawValue: row.element) else { continue }
                plants[row.plantID]?.flows[element, default: 0] += row.value
            }
            for row in try OperationsOwedRow.fetchAll(db, sql: """
                SELECT l.plant_id, l.due, l.confirmed_at IS NOT NULL AS confirmed, count(*) AS lines
                FROM supplier_order_lines l JOIN plants p USING (plant_id)
                LEFT JOIN (SELECT plant_id, purchase_order, line, sum(quantity) AS received FROM supplier_receipts
                           GROUP BY plant_id, purchase_order, line) r USING (plant_id, purchase_order, line)
                WHERE l.quantity > coalesce(r.received, 0)\(plantFilter)\(scoped.and)
                GROUP BY l.plant_id, l.due, confirmed
                """, arguments: plantArgument + scoped.arguments) {
                plants[row.plantID]?.owedLines.append(OperationsPlantFacts.OwedLines(due: row.due, confirmed: row.confirmed, lines: row.lines))
            }
            return plants.values.sorted { ($0.company, $0.plant) < ($1.company, $1.plant) }
        }
    }
}

private struct OperationsPlantRow: Decodable, FetchableRecord {
    var plantID, company, timeZone: String
    enum CodingKeys: String, CodingKey { case plantID = "plant_id", company, timeZone = "time_zone" }
}

private struct OperationsFlowRow: Decodable, FetchableRecord {
    var plantID, element: String
    var value: Int64
    enum CodingKeys: String, CodingKey { case plantID = "plant_id", element, value }
}

private struct OperationsOwedRow: Decodable, FetchableRecord {
    var plantID: String
    var due: String?
    var confirmed: Bool
    var lines: Int64
    enum CodingKeys: String, CodingKey { case plantID = "plant_id", due, confirmed, lines }
}
