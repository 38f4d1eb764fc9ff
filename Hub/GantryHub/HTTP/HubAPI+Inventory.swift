import Foundation
import GantryCore
import Hummingbird

/// Consolidated stock and lot traces across plants, within the principal's companies.
extension HubAPI {
    /// `GET /v1/reports/stock[?plant=…&item=…&lot=…]`: balances per plant, item and lot, with totals.
    func stockReport(_ query: Parameters, scope: CompanyScope) async throws -> StockReportBody {
        let plant = try await plantFilter(query, scope: scope)
        let balances = try await store.stockBalances(
            plantID: plant, item: try codeFilter(query, "item"), lot: query["lot"].map(String.init), scope: scope)
        // Per company and item: two companies may use the same item code for different things.
        var totals: [String: Quantity] = [:]
        for balance in balances {
            let key = "\(PlantIdentity.company(of: balance.plant))/\(balance.item)"
            totals[key] = .saturating(totals[key, default: .zero], balance.quantity)
        }
        return StockReportBody(balances: balances, totals: totals)
    }

    /// Follows a lot or serial through every plant's genealogy, level by level, and says where each unit of
    /// the trace is in stock now (`GET /v1/lots/trace?item=…&lot=…|serial=…[&direction=…]`).
    func lotTrace(_ query: Parameters, scope: CompanyScope) async throws -> LotTraceBody {
        let item = try codeFilter(query, "item", required: true)!
        let direction = query["direction"].map(String.init) ?? "backward"
        guard direction == "backward" || direction == "forward" else {
            throw invalidQuery("direction", "direction is backward (what went into it) or forward (where it went)")
        }
        let start = StockUnit(item: item, lot: query["lot"].map(String.init), serial: query["serial"].map(String.init))
        let forward = direction == "forward"
        var links: [PlantLotLink] = []
        var frontier = [start], seen: Set<StockUnit> = [start], depth = 0
        while !frontier.isEmpty, depth < 50 {
            depth += 1
            var next: [StockUnit] = []
            for var link in try await store.lotLinks(of: frontier, forward: forward, scope: scope) {
                link.depth = depth
                links.append(link)
                let onward = forward ? link.output : link.input
                if seen.insert(onward).inserted { next.append(onward) }
            }
            frontier = next
        }
        var whereabouts: [StockBalance] = []
        for unit in seen.sorted(by: { ($0.item, $0.lot ?? "") < ($1.item, $1.lot ?? "") }) where unit.lot != nil {
            whereabouts += try await store.stockBalances(plantID: nil, item: unit.item, lot: unit.lot, scope: scope)
        }
        return LotTraceBody(unit: start, direction: direction, links: links, stock: whereabouts)
    }
}

struct StockReportBody: Codable, Sendable {
    var balances: [StockBalance]
    /// Per `COMPANY/ITEM`, over the listed balances.
    var totals: [String: Quantity]
}

struct LotTraceBody: Codable, Sendable {
    var unit: StockUnit
    var direction: String
    var links: [PlantLotLink]
    /// Where the lots of the trace are in stock now, per plant.
    var stock: [StockBalance]
}
