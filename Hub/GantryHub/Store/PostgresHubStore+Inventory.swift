import Foundation
import GantryCore
import PostgresNIO

extension PostgresHubStore {
    public func stockBalances(plantID: String?, item: String?, lot: String?, scope: CompanyScope) async throws -> [StockBalance] {
        let scoped = PostgresCompanyFilter(scope)
        return try await run { [logger] client in
            var balances: [StockBalance] = []
            for try await (plant, item, lot, quantity) in try await client.query("""
                SELECT b.plant_id, b.item, b.lot, b.quantity FROM stock_balances b JOIN plants p ON p.plant_id = b.plant_id
                WHERE b.quantity <> 0 AND (\(plantID)::text IS NULL OR b.plant_id = \(plantID))
                  AND (\(item)::text IS NULL OR b.item = \(item)) AND (\(lot)::text IS NULL OR b.lot = \(lot))
                  AND (\(scoped.everyCompany) OR p.company = ANY(\(scoped.companies)))
                ORDER BY b.item, b.lot, b.plant_id
                """, logger: logger).decode((String, String, String, Int64).self) {
                balances.append(StockBalance(plant: plant, item: item, lot: lot.isEmpty ? nil : lot, quantity: Quantity(micro: quantity)))
            }
            return balances
        }
    }

    public func lotLinks(of units: [StockUnit], forward: Bool, scope: CompanyScope) async throws -> [PlantLotLink] {
        guard !units.isEmpty else { return [] }
        let scoped = PostgresCompanyFilter(scope)
        let items = units.map(\.item), lots = units.map { $0.lot ?? "" }, serials = units.map { $0.serial ?? "" }
        return try await run { [logger] client in
            var links: [PlantLotLink] = []
            let rows = try await client.query("""
                SELECT l.plant_id, l.work_order, l.output_item, l.output_lot, l.output_serial, l.input_item, l.input_lot,
                       l.input_serial, l.quantity
                FROM lot_links l JOIN plants p ON p.plant_id = l.plant_id
                JOIN unnest(\(items), \(lots), \(serials)) AS u(item, lot, serial)
                  ON CASE WHEN \(forward) THEN l.input_item = u.item AND l.input_lot = u.lot AND (u.serial = '' OR l.input_serial = u.serial)
                          ELSE l.output_item = u.item AND l.output_lot = u.lot AND (u.serial = '' OR l.output_serial = u.serial) END
                WHERE (\(scoped.everyCompany) OR p.company = ANY(\(scoped.companies)))
                ORDER BY l.plant_id, l.seq
                """, logger: logger)
            for try await (plant, order, outputItem, outputLot, outputSerial, inputItem, inputLot, inputSerial, quantity) in rows
                .decode((String, String, String, String, String, String, String, String, Int64).self) {
                links.append(PlantLotLink(
                    plant: plant, workOrder: order, output: StockUnit(stored: outputItem, lot: outputLot, serial: outputSerial),
                    input: StockUnit(stored: inputItem, lot: inputLot, serial: inputSerial), quantity: Quantity(micro: quantity)))
            }
            return links
        }
    }
}
