import Foundation
import Logging
import Synchronization

/// Sets up a process's logging once, from its configuration (`log.format`, `log.level`): every `Logger` made
/// afterwards, the app's and the libraries', writes in that format to standard error.
public enum LogOutput {
    private static let bootstrapped = Mutex(false)

    /// A handler for `label` in `format` at `level`: swift-log's text line or a `StructuredLogHandler`; either adds
    /// the `request_id` of the request being served (`RequestLogScope`).
    public static func handler(label: String, format: LogFormat, level: Logger.Level) -> any LogHandler {
        switch format {
        case .text:
            var handler = StreamLogHandler.standardError(label: label, metadataProvider: RequestLogScope.metadataProvider)
            handler.logLevel = level
            return handler
        case .logfmt, .json:
            return StructuredLogHandler(label: label, format: format, level: level, metadataProvider: RequestLogScope.metadataProvider)
        }
    }

    /// Bootstraps swift-log's logging system (the first call in a process; later calls only make the logger) and
    /// returns a logger for `label`. Executables call it once at start; tests that build apps in-process pass
    /// their own loggers and never call it.
    public static func bootstrap(label: String, format: LogFormat, level: Logger.Level) -> Logger {
        let first = bootstrapped.withLock { done in
            defer { done = true }
            return !done
        }
        if first {
            LoggingSystem.bootstrap { label in handler(label: label, format: format, level: level) }
        }
        return Logger(label: label) { label in handler(label: label, format: format, level: level) }
    }
}
