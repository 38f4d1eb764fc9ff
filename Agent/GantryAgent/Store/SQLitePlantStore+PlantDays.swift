import Foundation
import GantryCore
import GRDB

/// The plant's calendar days: a date (`YYYY-MM-DD`) of the plant is a day of its own time zone, not of UTC. At
/// 00:30 in Berlin it is already tomorrow there, while UTC is still today.
struct PlantDays: Sendable {
    var calendar: Calendar

    init(timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    /// The plant's day that `date` falls on, `YYYY-MM-DD`.
    func day(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        let year = parts.year ?? 0, month = parts.month ?? 0, day = parts.day ?? 0
        return "\(year)".leftPadded(to: 4) + "-" + "\(month)".leftPadded(to: 2) + "-" + "\(day)".leftPadded(to: 2)
    }
}

extension SQLitePlantStore {
    /// The plant's days in the time zone of its own `plant` master from the hub (its `timeZone`), or UTC until that
    /// record arrives. 'Today', expiry, due and overdue dates at the plant are all days of this calendar.
    static func plantDays(in db: Database) throws -> PlantDays {
        let data = try String.fetchOne(db.cachedStatement(sql: """
            SELECT m.data FROM hub_masters m JOIN store_identity s ON m.key = s.plant_id
            WHERE m.kind = 'plant' ORDER BY m.company = '' LIMIT 1
            """))
        if let data, case .object(let fields) = try JSONValue.parse(data), case .string(let zone)? = fields["timeZone"],
           let timeZone = TimeZone(identifier: zone) {
            return PlantDays(timeZone: timeZone)
        }
        return PlantDays(timeZone: TimeZone(identifier: "UTC")!)
    }

    /// The plant's day of `date` (see `plantDays(in:)`).
    static func plantDay(_ date: Date, in db: Database) throws -> String { try plantDays(in: db).day(date) }
}

private extension String {
    func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
