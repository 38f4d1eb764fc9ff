import Foundation

/// Which events leave an agent's log for its archive files once the hub has them (docs/reliability.md,
/// "Retention"). Pure: the store reads how far it archived, how far the hub acknowledged and the next events
/// in order, and asks which run to archive; and it asks before answering a read of the log whether the events
/// asked for are still there.
///
/// The rules: only events the hub acknowledged, and never the newest acknowledged one (the log's byte total
/// and the sync position are read from it, and the log's end is never empty once written); only events
/// recorded before the cutoff; only a run that continues the archive without a gap, so that "archived through
/// N" says exactly what left the log. The run stops at the first event too young, even if a later one is older
/// (a clock set back): the archive never skips an event.
public enum EventRetention {
    /// An event that may leave the log: its sequence and when the agent recorded it.
    public struct Candidate: Sendable, Equatable {
        public var sequence: Int64
        public var recordedAt: Date

        public init(sequence: Int64, recordedAt: Date) {
            self.sequence = sequence
            self.recordedAt = recordedAt
        }
    }

    /// What the store read inside its transaction.
    public struct Snapshot: Sendable, Equatable {
        /// Every event through this sequence has left the log (0: none).
        public var archivedThrough: Int64
        /// The newest sequence the hub acknowledged.
        public var acknowledged: Int64
        /// The log's next events from `archivedThrough + 1`, in order.
        public var candidates: [Candidate]

        public init(archivedThrough: Int64, acknowledged: Int64, candidates: [Candidate]) {
            self.archivedThrough = archivedThrough
            self.acknowledged = acknowledged
            self.candidates = candidates
        }
    }

    /// The run of sequences to archive now (nil: nothing yet), for events recorded before `cutoff`.
    public static func decide(_ snapshot: Snapshot, recordedBefore cutoff: Date) throws(EventRetentionError) -> ClosedRange<Int64>? {
        var last: Int64?
        for (offset, candidate) in snapshot.candidates.enumerated() {
            let expected = snapshot.archivedThrough + 1 + Int64(offset)
            guard candidate.sequence == expected else {
                throw EventRetentionError(
                    code: .logNotContiguous,
                    detail: "the log holds \(candidate.sequence) where \(expected) should follow the archive's \(snapshot.archivedThrough)")
            }
            guard candidate.sequence < snapshot.acknowledged, candidate.recordedAt < cutoff else { break }
            last = candidate.sequence
        }
        return last.map { (snapshot.archivedThrough + 1)...$0 }
    }

    /// Refuses a read of the log from `sequence` when that event has left it (the hub asks for events it
    /// acknowledged before, after its database was restored from an older backup).
    public static func checkReadable(from sequence: Int64, archivedThrough: Int64) throws(EventRetentionError) {
        guard archivedThrough == 0 || sequence > archivedThrough else {
            throw EventRetentionError(
                code: .archived,
                detail: "event \(sequence) was archived (events 1 to \(archivedThrough) left this store's log after the hub "
                    + "acknowledged them); restore the hub's database to include them, or read them from the archive files "
                    + "beside the store (docs/reliability.md, \"Retention\")")
        }
    }
}

/// Why events cannot be archived or read back.
public struct EventRetentionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable codes.
    public struct Code: RawRepresentable, Sendable, Hashable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The events asked for left the log for the archive files.
        public static let archived = Code(rawValue: "events-archived")
        /// The log does not continue the archive (a sequence missing): nothing is archived.
        public static let logNotContiguous = Code(rawValue: "log-not-contiguous")
    }

    public var code: Code
    public var detail: String

    public init(code: Code, detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code.rawValue): \(detail)" }
}

extension EventRetentionError: ProblemReporting {
    /// An archived event is gone from the log for good: 410; a broken log is the store's own failure: 500.
    public var problem: ProblemDetails {
        code == .archived
            ? ProblemDetails(code: code.rawValue, title: "Events archived", status: 410, detail: detail)
            : ProblemDetails(code: "internal", title: "Internal error", status: 500, detail: "the agent's event log is not contiguous; see its log")
    }
}
