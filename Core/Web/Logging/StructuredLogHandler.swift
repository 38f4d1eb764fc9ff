import Foundation
import Logging

/// A swift-log handler writing one logfmt or JSON line per record to standard error, where journald (or the
/// supervisor) takes it. Metadata is a value, as swift-log asks: a change on one `Logger` never reaches another.
public struct StructuredLogHandler: LogHandler {
    /// logfmt or JSON (`.text` is swift-log's own `StreamLogHandler`; see `LogOutput`).
    public let format: LogFormat
    /// The logger's label.
    public let label: String
    /// The lowest level written.
    public var logLevel: Logger.Level
    /// Metadata on every record of this logger.
    public var metadata: Logger.Metadata = [:]
    /// Contextual metadata added at each record.
    public var metadataProvider: Logger.MetadataProvider?
    let write: @Sendable (String) -> Void
    let now: @Sendable () -> Date

    /// A handler for `label` writing `format` lines through `write` (standard error unless a test gives another).
    public init(
        label: String, format: LogFormat, level: Logger.Level = .info, metadataProvider: Logger.MetadataProvider? = nil,
        now: @escaping @Sendable () -> Date = { Date() }, write: @escaping @Sendable (String) -> Void = StructuredLogHandler.standardError
    ) {
        self.label = label
        self.format = format
        self.logLevel = level
        self.metadataProvider = metadataProvider
        self.now = now
        self.write = write
    }

    /// Writes `line` to standard error in one call, so lines from several threads never interleave.
    public static let standardError: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data(line.utf8))
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let given = event.metadata { merged.merge(given) { $1 } }
        if let error = event.error { merged["error"] = .string("\(error)") }
        let record = LogRecord(time: now(), level: event.level, message: event.message.description, label: label, metadata: merged)
        write(format == .json ? LogLineFormatter.json(record) : LogLineFormatter.logfmt(record))
    }
}
