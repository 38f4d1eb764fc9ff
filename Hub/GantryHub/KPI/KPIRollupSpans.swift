import Foundation

/// What the database sums to answer a window cut into spans (`kpiRollupSpans`): each span between two cuts read
/// from the coarsest rows that fit inside it (whole UTC months from the month rows, whole days from the day rows,
/// the rest from the hour rows), every part stamped with its span's start, so the sums per machine and stamp are
/// each span's figures. The stores turn each part into one `SELECT` of a `UNION ALL` (values bound, never spliced).
struct KPIRollupSpans: Sendable, Equatable {
    /// Which rows a part reads.
    enum Rows: Sendable, Equatable {
        /// `lineDays`: the day rows of whole lines (`KPILineDayRollup`), read instead of `days` where no machine is
        /// kept apart.
        case hours, days, lineDays, months

        var machineTable: String {
            switch self {
            case .hours: "kpi_machine_hours"
            case .days: "kpi_machine_days"
            case .lineDays: "kpi_line_days"
            case .months: "kpi_machine_months"
            }
        }

        var downtimeTable: String {
            switch self {
            case .hours: "kpi_downtime_hours"
            case .days: "kpi_downtime_days"
            case .lineDays: "kpi_line_downtime_days"
            case .months: "kpi_downtime_months"
            }
        }

        /// The column holding the row's start.
        var column: String {
            switch self {
            case .hours: "hour"
            case .days, .lineDays: "day"
            case .months: "month"
            }
        }

        /// The key columns as a part selects them: the line rows have no machine.
        var keyColumns: String {
            self == .lineDays ? "company, plant_id, line, '' AS machine" : "company, plant_id, line, machine"
        }
    }

    /// Rows of one kind starting in `range`, summed into the span starting at `stamp`.
    struct Part: Sendable, Equatable {
        var rows: Rows
        var stamp: Date
        var range: Range<Date>
        /// Whether every row read is a span of its own (spans of exactly one day or hour, one after the other):
        /// each row is then stamped with its own start, and the days or hours of many spans are one range read.
        var ownStamp = false

        /// The rows read for a read kept apart down to `depth`: whole days from the line rows when no machine is.
        func rows(at depth: KPIRollupDepth) -> Rows {
            rows == .days && depth <= .line ? .lineDays : rows
        }
    }

    var parts: [Part]

    /// The spans between consecutive `cuts` (sorted, repeated ones dropped; fewer than two cuts: no span).
    init(cuts: [Date]) {
        let edges = Array(Set(cuts)).sorted()
        parts = []
        for (start, end) in zip(edges, edges.dropFirst()) {
            let (months, days, hours) = KPIMonthRollup.levels(from: start, to: end)
            if let months { parts.append(Part(rows: .months, stamp: start, range: months)) }
            parts += days.map { Part(rows: .days, stamp: start, range: $0) }
            parts += hours.map { Part(rows: .hours, stamp: start, range: $0) }
        }
        // A month's days or a day's hours as one range of rows, each its own span, rather than one read per span.
        var merged: [Part] = []
        for var part in parts {
            let unit: TimeInterval? = part.rows == .days ? 86_400 : part.rows == .hours ? 3_600 : nil
            if let unit, part.stamp == part.range.lowerBound, part.range.upperBound.timeIntervalSince(part.range.lowerBound) == unit {
                part.ownStamp = true
                if let last = merged.last, last.ownStamp, last.rows == part.rows, last.range.upperBound == part.range.lowerBound {
                    merged[merged.count - 1].range = last.range.lowerBound..<part.range.upperBound
                    continue
                }
            }
            merged.append(part)
        }
        parts = merged
    }
}
