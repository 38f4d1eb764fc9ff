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
        let scoped = SQLiteCompanyFilter(scope, column: "p.company")
        sql += scoped.and
        arguments += scoped.arguments
        let query = sql + " ORDER BY b.item, b.lot, b.plant_id", values = arguments
        return try await pool.read { db in try BalanceRow.fetchAll(db, sql: query, arguments: values).map(\.balance) }
    }

    public func lotLinks(of units: [StockUnit], forward: Bool, scope: CompanyScope) async throws -> [PlantLotLink] {
        let side = forward ? "input" : "output"
        let sql = """
            SELECT l.* FROM lot_links l JOIN plants p ON p.plant_id = l.plant_id
            WHERE l.\(side)_item = ? AND l.\(side)_lot = ? AND (? = '' OR l.\(side)_serial = ?)
            """
        let scoped = SQLiteCompanyFilter(scope, column: "p.company")
        let query = sql + scoped.and + " ORDER BY l.plant_id, l.seq", companies = scoped.arguments
        return try await pool.read { db in
            var links: [PlantLotLink] = []
            for unit in units {
                var arguments: StatementArguments = [unit.item, unit.lot ?? "", unit.serial ?? "", unit.serial ?? ""]
                arguments += companies
                links += try LinkRow.fetchAll(db, sql: query, arguments: arguments).map(\.link)
            }
            return links
        }
    }

    /// A row of `stock_balances`.
    private struct BalanceRow: Decodable, FetchableRecord {
        var plantID: String
        var item: String
        var lot: String
        var quantity: Int64

        enum CodingKeys: String, CodingKey { case plantID = "plant_id", item, lot, quantity }

        var balance: StockBalance {
            StockBalance(plant: plantID, item: item, lot: lot.isEmpty ? nil : lot, quantity: Quantity(micro: quantity))
        }
    }

    /// A row of `lot_links`.
    private struct LinkRow: Decodable, FetchableRecord {
        var plantID: String
        var workOrder: String
        var outputItem: String
        var outputLot: String
        var outputSerial: String
        var inputItem: String
        var inputLot: String
        var inputSerial: String
        var quantity: Int64

        enum CodingKeys: String, CodingKey {
            case plantID = "plant_id", workOrder = "work_order", outputItem = "output_item", outputLot = "output_lot"
            case outputSerial = "output_serial", inputItem = "input_item", inputLot = "input_lot", inputSerial = "input_serial"
            case quantity
        }

        var link: PlantLotLink {
            PlantLotLink(
                plant: plantID, workOrder: workOrder, output: StockUnit(stored: outputItem, lot: outputLot, serial: outputSerial),
                input: StockUnit(stored: inputItem, lot: inputLot, serial: inputSerial), quantity: Quantity(micro: quantity))
        }
    }
}
