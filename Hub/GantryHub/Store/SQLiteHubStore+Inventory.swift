import Foundation
import GantryCore
import GRDB

extension SQLiteHubStore {
    public func stockBalances(plantID: String?, item: String?, lot: String?, scope: CompanyScope) async throws -> [StockBalance] {
        var sql = """
            SELECT b.plant_id, b.item, b.lot, b.quantity FROM stock_balances b JOIN plants p ON p.plant_id = b.plant_id
            WHERE b.quantity <> 0 AND (?1 IS NULL OR b.plant_id = ?1) AND (?2 IS NULL OR b.item = ?2) AND (?3 IS NULL OR b.lot = ?3)
            """
        var arguments: StatementArguments = [plantID, item, lot]
        if let companies = scope.companies {
            sql += " AND p.company IN (\(Array(repeating: "?", count: companies.count).joined(separator: ", ")))"
            arguments += StatementArguments(companies.sorted())
        }
        let query = sql + " ORDER BY b.item, b.lot, b.plant_id", values = arguments
        return try await pool.read { db in
            try Row.fetchAll(db, sql: query, arguments: values).map { row in
                let lot: String = row["lot"]
                return StockBalance(plant: row["plant_id"], item: row["item"], lot: lot.isEmpty ? nil : lot, quantity: Quantity(micro: row["quantity"]))
            }
        }
    }

    public func lotLinks(of units: [StockUnit], forward: Bool, scope: CompanyScope) async throws -> [PlantLotLink] {
        let side = forward ? "input" : "output"
        var sql = """
            SELECT l.* FROM lot_links l JOIN plants p ON p.plant_id = l.plant_id
            WHERE l.\(side)_item = ? AND l.\(side)_lot = ? AND (? = '' OR l.\(side)_serial = ?)
            """
        var scoped: [String] = []
        if let companies = scope.companies {
            sql += " AND p.company IN (\(Array(repeating: "?", count: companies.count).joined(separator: ", ")))"
            scoped = companies.sorted()
        }
        let query = sql + " ORDER BY l.plant_id, l.seq", companies = scoped
        return try await pool.read { db in
            var links: [PlantLotLink] = []
            for unit in units {
                var arguments: StatementArguments = [unit.item, unit.lot ?? "", unit.serial ?? "", unit.serial ?? ""]
                arguments += StatementArguments(companies)
                for row in try Row.fetchAll(db, sql: query, arguments: arguments) {
                    links.append(PlantLotLink(
                        plant: row["plant_id"], workOrder: row["work_order"],
                        output: StockUnit(stored: row["output_item"], lot: row["output_lot"], serial: row["output_serial"]),
                        input: StockUnit(stored: row["input_item"], lot: row["input_lot"], serial: row["input_serial"]), quantity: Quantity(micro: row["quantity"])))
                }
            }
            return links
        }
    }
}
