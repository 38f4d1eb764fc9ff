import Foundation

/// Recovering an agent's log that is behind the hub's (the store restored from an older backup): the events the
/// hub holds beyond the log's end are appended to it as they are, so the agent continues after them and never
/// records a new fact at a sequence the hub holds another one at. Pure: the agent reads its log's end and a page
/// of the hub's event feed starting at that end, and asks what to append.
public enum LogRecovery {
    /// The events of `hubPage` to append after a log ending at `localHead` with the event `localLastID`.
    /// `hubPage` is the hub's feed for the plant from `localHead` itself (from 1 when the log is empty), so the
    /// hub's copy of the log's last event shows the two logs are the same up to there. Empty: nothing to append
    /// (the hub holds nothing beyond the log; ordinary sync sends the rest).
    public static func decide(localHead: Int64, localLastID: UUID?, hubPage: [EventEnvelope]) throws(LogRecoveryError) -> [EventEnvelope] {
        var beyond = hubPage[...]
        if localHead > 0 {
            guard let first = hubPage.first else { return [] }
            guard first.sequence == localHead else {
                throw LogRecoveryError(
                    code: .unexpectedAnswer, detail: "asked the hub for sequence \(localHead) on, it answered from \(first.sequence)")
            }
            guard first.id == localLastID else {
                throw LogRecoveryError(
                    code: .diverged,
                    detail: "this store's event \(localHead) is \(localLastID?.uuidString ?? "missing") but the hub holds "
                        + "\(first.id.uuidString) there: the store recorded facts after it was restored at sequences the hub "
                        + "holds others at, and an append-only log cannot take both. Restore the backup again and run "
                        + "`gantry-agent recover --from-hub` before starting the agent, or enrol this server as a new plant")
            }
            beyond = hubPage.dropFirst()
        }
        for (offset, event) in beyond.enumerated() where event.sequence != localHead + 1 + Int64(offset) {
            throw LogRecoveryError(
                code: .unexpectedAnswer,
                detail: "the hub's event feed skips from \(localHead + Int64(offset)) to \(event.sequence)")
        }
        return Array(beyond)
    }
}

/// Why a log cannot be recovered from the hub.
public struct LogRecoveryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable codes.
    public struct Code: RawRepresentable, Sendable, Hashable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The log holds an event the hub holds another at: the two logs differ, not one behind the other.
        public static let diverged = Code(rawValue: "diverged")
        /// The hub's feed is not the consecutive events asked for.
        public static let unexpectedAnswer = Code(rawValue: "unexpected-answer")
    }

    public var code: Code
    public var detail: String

    public init(code: Code, detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code.rawValue): \(detail)" }
}
