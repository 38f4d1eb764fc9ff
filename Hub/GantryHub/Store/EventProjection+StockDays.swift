import Foundation
import GantryCore

extension EventProjection {
    /// A plant's stock change of one item on one plant-local day (`stock_days`).
    struct StockDay: Equatable {
        var item: String
        var day: String
        var delta: Int64
    }

    /// The run's stock moves summed per item and the day of their event in `timeZone` (the day a posting of the same
    /// event takes, `PostingSource.day`), zero sums left out, sorted by item and day: the store adds each sum once.
    func stockDays(timeZone: String) -> [StockDay] {
        guard !moves.isEmpty else { return [] }
        var days: [Int64: String] = [:]
        for stored in events where stored.status == .applied {
            days[stored.envelope.sequence] = ServiceLevel.day(of: stored.envelope.occurredAt, timeZone: timeZone)
        }
        var sums: [String: StockDay] = [:]
        for move in moves {
            guard let day = days[move.sequence] else { continue }
            sums["\(move.item)\u{1F}\(day)", default: StockDay(item: move.item, day: day, delta: 0)].delta += move.delta
        }
        return sums.values.filter { $0.delta != 0 }.sorted { ($0.item, $0.day) < ($1.item, $1.day) }
    }
}
