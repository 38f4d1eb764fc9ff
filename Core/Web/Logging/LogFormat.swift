/// How a process writes its log records to standard error (`log.format`).
public enum LogFormat: String, Sendable, CaseIterable {
    /// swift-log's plain text line: `time level label: metadata [source] message`, for a person at a terminal.
    case text
    /// One `key=value` line per record (logfmt), values quoted when they hold spaces, `"`, `=` or control characters.
    case logfmt
    /// One JSON object per line.
    case json

    /// The names a configuration may give.
    public static var names: [String] { allCases.map(\.rawValue) }
}
