import Foundation

/// What an operator wants to read about the way to the hub, as a pure value: told what came of each attempt,
/// it answers with the lines worth logging, only at transitions. The hub becoming unreachable is one note, not
/// one per retry; its return says how long it was away; a catch-up (the backlog left by an outage or a stop)
/// is announced when it starts and summed up when the backlog is drained. It also keeps the acknowledgement
/// rate over a recent window, for `/v1/status` and the time to drain.
struct SyncProgress: Sendable {
    /// A line to log.
    enum Note: Sendable, Equatable {
        /// The hub could not be reached (first failure after it answered, or since the start).
        case unreachable(reason: String, backlog: Int64)
        /// The hub answered again after `away` seconds; `backlog` events were waiting.
        case reachable(away: TimeInterval, backlog: Int64)
        /// A catch-up began: `backlog` events to send, from `from` on.
        case catchUpStarted(backlog: Int64, from: Int64)
        /// The backlog is drained: `events` acknowledged in `seconds`, at `rate` events per second (nil: no time passed).
        case catchUpEnded(events: Int64, seconds: TimeInterval, rate: Double?)
        /// The hub asked to go back: the acknowledged position moved from `from` to `to`.
        case rewound(from: Int64, to: Int64, reason: String)
    }

    private struct CatchUp: Sendable {
        var startedAt: Date
        var fromAcknowledged: Int64
    }

    private struct Sample: Sendable {
        var at: Date
        var acknowledged: Int64
    }

    /// Since when the hub has been unreachable; nil while it answers.
    private(set) var unreachableSince: Date?
    private var catchUp: CatchUp?
    /// False at the start and after an outage: the next answer with a backlog begins a catch-up.
    private var steady = false
    private var samples: [Sample] = []
    /// How far back the rate looks.
    let window: TimeInterval

    /// Progress that measures the rate over the last `window` seconds.
    init(window: TimeInterval = 60) {
        self.window = window
    }

    /// Whether a catch-up is under way.
    var catchingUp: Bool { catchUp != nil }

    /// No answer came from the hub (refused connection, timeout, 5xx).
    mutating func transportFailed(reason: String, at now: Date, backlog: Int64) -> [Note] {
        samples = []
        steady = false
        guard unreachableSince == nil else { return [] }
        unreachableSince = now
        return [.unreachable(reason: reason, backlog: backlog)]
    }

    /// The hub answered a batch sent at `sentAt`, when `acknowledgedBefore` was acknowledged and the log ended at
    /// `head`; `acknowledged` is where the answer left the position.
    mutating func answered(at now: Date, sentAt: Date, acknowledgedBefore: Int64, acknowledged: Int64, head: Int64) -> [Note] {
        var notes: [Note] = []
        // After a rewind the answer left the position behind where it was: the backlog counts from there.
        let base = min(acknowledgedBefore, acknowledged)
        let backlogBefore = max(head - base, 0)
        if let since = unreachableSince {
            notes.append(.reachable(away: now.timeIntervalSince(since), backlog: backlogBefore))
            unreachableSince = nil
        }
        if !steady {
            steady = true
            if catchUp == nil, backlogBefore > 0 {
                catchUp = CatchUp(startedAt: sentAt, fromAcknowledged: base)
                notes.append(.catchUpStarted(backlog: backlogBefore, from: base + 1))
            }
        }
        if samples.isEmpty { samples.append(Sample(at: sentAt, acknowledged: base)) }
        samples.append(Sample(at: now, acknowledged: acknowledged))
        if let first = samples.firstIndex(where: { $0.at >= now.addingTimeInterval(-window) }), first > 0 {
            // Keep one sample older than the window, so the rate spans all of it.
            samples.removeFirst(first - 1)
        }
        if let started = catchUp, head <= acknowledged {
            let seconds = now.timeIntervalSince(started.startedAt)
            let events = acknowledged - started.fromAcknowledged
            notes.append(.catchUpEnded(events: events, seconds: seconds, rate: seconds > 0 ? Double(events) / seconds : nil))
            catchUp = nil
        }
        return notes
    }

    /// The hub moved the acknowledged position back from `from` to `to` (it restored an older database, or lost
    /// what it had acknowledged); the rate starts over.
    mutating func rewound(from: Int64, to: Int64, reason: String) -> Note {
        samples = []
        if var started = catchUp {
            started.fromAcknowledged = min(started.fromAcknowledged, to)
            catchUp = started
        }
        return .rewound(from: from, to: to, reason: reason)
    }

    /// Events acknowledged per second over the window up to the last answer; nil while unreachable or before two
    /// answers span some time.
    var rate: Double? {
        guard unreachableSince == nil, let first = samples.first, let last = samples.last else { return nil }
        let seconds = last.at.timeIntervalSince(first.at)
        guard seconds > 0 else { return nil }
        return Double(max(last.acknowledged - first.acknowledged, 0)) / seconds
    }

    /// Seconds until `backlog` events are sent at `rate`: 0 with no backlog, nil with no rate (or a rate of 0).
    static func drainSeconds(backlog: Int64, rate: Double?) -> Double? {
        guard backlog > 0 else { return 0 }
        guard let rate, rate > 0 else { return nil }
        return Double(backlog) / rate
    }
}
