import Foundation

/// Shift windows of a `ShiftCalendar` in the plant's zone (see `ShiftCalendar` for what a shift window is).
extension PlantCalendar {
    /// The shifts of `calendar` overlapping `[from, to)`, oldest first, each labelled with the local day it starts
    /// on and its name (`2026-03-28 night`).
    public func shifts(from: Date, to: Date, in calendar: ShiftCalendar) -> [KPIWindow] {
        guard from < to else { return [] }
        var result: [KPIWindow] = []
        var day = self.day(containing: self.day(containing: from).start.addingTimeInterval(-1))  // last night's shift
        while day.start < to {
            let weekday = isoWeekday(day.start)
            for shift in calendar.shifts where shift.days.contains(weekday) {
                guard let window = window(of: shift, on: day) else { continue }
                if window.start < to && window.end > from { result.append(window) }
            }
            day = self.day(containing: day.end)
        }
        return result.sorted { $0.start < $1.start }
    }

    /// The shift of `calendar` holding `instant`; nil between shifts.
    public func shift(containing instant: Date, in calendar: ShiftCalendar) -> KPIWindow? {
        shifts(from: instant, to: instant.addingTimeInterval(1), in: calendar).first { $0.contains(instant) }
    }

    /// `shift` as it runs from `day` (a local day's window).
    func window(of shift: ShiftCalendar.Shift, on day: KPIWindow) -> KPIWindow? {
        let endDay = shift.crossesMidnight ? day.end : day.start
        guard let start = WorkCalendar.instant(shift.start, on: day.start, in: calendar),
              let end = WorkCalendar.instant(shift.end, on: endDay, in: calendar), start < end else { return nil }
        return KPIWindow(kind: .shift, label: "\(day.label) \(shift.name)", start: start, end: end)
    }
}
