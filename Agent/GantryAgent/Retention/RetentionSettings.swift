import GantryCore

/// How long the agent keeps events the hub has acknowledged in its log (`retention.*`, docs/operations.md).
public struct RetentionSettings: Sendable, Equatable {
    /// Age (by the agent's recording time) after which an acknowledged event leaves the log for the archive files
    /// beside the store; nil (`off`, the default): the log keeps every event.
    public var eventsAfter: Duration?
    /// How often the agent looks for events to archive.
    public var checkInterval: Duration = .seconds(3600)
    /// Events per archiving transaction, at most: each holds the store's writer for a few milliseconds only.
    public var batchEvents: Int = 1000

    public init() {}

    static let keys: Set<String> = ["retention.events_after", "retention.check_interval", "retention.batch_events"]

    init(_ settings: ConfigurationText) throws(ConfigurationError) {
        if let text = settings.values["retention.events_after"], text != "off" {
            eventsAfter = try settings.duration("retention.events_after", default: .zero)
        }
        checkInterval = try settings.duration("retention.check_interval", default: checkInterval)
        batchEvents = try settings.integer("retention.batch_events", default: batchEvents, in: 1...100_000)
    }
}
