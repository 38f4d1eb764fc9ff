import Foundation

extension ServiceLevel {
    /// The day `date` falls on in `timeZone` (an IANA name; UTC when unknown), `YYYY-MM-DD`: a shipment counts by the
    /// plant's day it left.
    public static func day(of date: Date, timeZone: String) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        let year = parts.year ?? 1970, month = parts.month ?? 1, day = parts.day ?? 1
        return String(format: "%04d-%02d-%02d", year, month, day)
    }
}
