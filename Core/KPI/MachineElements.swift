import Foundation

/// A machine's KPI elements from its timeline and counts: over a window, or per bucket (an hour by default) of
/// it, which is what a store keeps per machine so that a query never scans raw signals. The buckets of a window
/// sum to the window's elements exactly, and each bucket computed on its own equals the same bucket cut from a
/// longer window.
///
/// Seconds per state are the machine-time report's (`MachineTimeline.summary`): the same intervals, with time
/// after `now` cut (it has not happened; it is not unknown time either) and signal gaps as `unknown`.
///
/// A failure counts in the window where its `down` stretch begins. A stretch already down (with the same reason)
/// when the window opens adds its repair time but no failure, so that windows and buckets add up; this is where
/// these figures differ from `GET /v1/reports/reliability`, which counts such a stretch in every window it reaches.
public enum MachineElements {
    /// The elements of `[from, to)` cut at `now`. Counts are taken by their instant, within the same cut window.
    public static func elements(
        _ timeline: MachineTimeline, counts: [KPICount], from: Date, to: Date, now: Date, reasons: DowntimeReasons
    ) -> KPIElements {
        let end = min(to, now)
        guard from < end else { return .zero }
        var elements = KPIElements.zero
        for piece in pieces(timeline, from: from, to: end, reasons: reasons) { piece.add(to: &elements) }
        for count in counts where from <= count.at && count.at < end { elements += count.elements }
        return elements
    }

    /// The elements of `[from, to)` cut at `now`, split into buckets of `length` seconds aligned to the Unix epoch
    /// (3600: UTC hours; 900: quarter-hours, which every time zone's offset and every shift on a quarter-hour
    /// align with). Every bucket the cut window reaches is listed, oldest first, empty ones too; the first and
    /// last may be partly outside the window and then hold only the part inside.
    public static func buckets(
        _ timeline: MachineTimeline, counts: [KPICount], from: Date, to: Date, now: Date, reasons: DowntimeReasons,
        length: TimeInterval = 3600
    ) -> [KPIBucket] {
        let end = min(to, now)
        guard from < end, length > 0 else { return [] }
        let first = bucketStart(of: from, length: length)
        var buckets: [KPIBucket] = []
        var start = first
        while start < end {
            buckets.append(KPIBucket(start: start, end: start.addingTimeInterval(length), elements: .zero))
            start = start.addingTimeInterval(length)
        }
        func index(of instant: Date) -> Int {
            var position = Int(((instant.timeIntervalSince1970 - first.timeIntervalSince1970) / length).rounded(.down))
            position = max(0, min(buckets.count - 1, position))
            while position > 0 && buckets[position].start > instant { position -= 1 }
            while position < buckets.count - 1 && buckets[position].end <= instant { position += 1 }
            return position
        }
        for piece in pieces(timeline, from: from, to: end, reasons: reasons) {
            var part = piece
            var position = index(of: piece.start)
            while part.start < piece.end, position < buckets.count {
                part.end = min(piece.end, buckets[position].end)
                part.add(to: &buckets[position].elements)
                part.start = part.end
                part.beginsFailure = false  // a failure counts once, in the bucket where it begins
                position += 1
            }
        }
        for count in counts where from <= count.at && count.at < end { buckets[index(of: count.at)].elements += count.elements }
        return buckets
    }

    /// The start of the bucket of `length` seconds that holds `instant`.
    public static func bucketStart(of instant: Date, length: TimeInterval = 3600) -> Date {
        Date(timeIntervalSince1970: (instant.timeIntervalSince1970 / length).rounded(.down) * length)
    }

    /// One stretch of one state, classified for reliability.
    struct Piece {
        var start: Date
        var end: Date
        var state: MachineState
        /// Down time of a failure (its reason is a failure, unknown or missing).
        var failure: Bool
        /// The failure begins here (it was not already down when the window opened).
        var beginsFailure: Bool

        func add(to elements: inout KPIElements) {
            let seconds = end.timeIntervalSince(start)
            elements[state] += seconds
            if failure { elements.repairTime += seconds }
            if beginsFailure { elements.failures += 1 }
        }
    }

    static func pieces(_ timeline: MachineTimeline, from: Date, to: Date, reasons: DowntimeReasons) -> [Piece] {
        // What held just before the window: a stretch down for the same reason carries in, it does not begin.
        let before = timeline.intervals(from: .distantPast, to: from).last
        return timeline.intervals(from: from, to: to).enumerated().map { index, interval in
            let failure = interval.state == .down && (reasons[interval.reason]?.failure ?? true)
            let carried = index == 0 && before?.state == .down && before?.reason == interval.reason
            return Piece(
                start: interval.start, end: interval.end, state: interval.state, failure: failure, beginsFailure: failure && !carried)
        }
    }
}
