import Foundation
import GantryCore
import Logging
import ServiceLifecycle

/// Archives the acknowledged events older than `retention.events_after` every `retention.check_interval`
/// (`PlantEventArchive.archiveEvents`). Off unless configured: by default the log keeps every event.
final class RetentionWatch: Service {
    private let store: any PlantEventArchive
    private let eventsAfter: Duration
    private let settings: RetentionSettings
    private let clock: any Clock<Duration>
    private let now: @Sendable () -> Date
    private let logger: Logger

    init(
        store: any PlantEventArchive, eventsAfter: Duration, settings: RetentionSettings, clock: any Clock<Duration> = ContinuousClock(),
        now: @escaping @Sendable () -> Date, logger: Logger
    ) {
        self.store = store
        self.eventsAfter = eventsAfter
        self.settings = settings
        self.clock = clock
        self.now = now
        self.logger = logger
    }

    func run() async throws {
        try await runPeriodically(every: settings.checkInterval, clock: clock, logger: logger, failure: "archiving old events failed; retrying") {
            try await self.check()
        }
    }

    /// One pass: archives what may leave the log now.
    func check() async throws {
        let cutoff = now().addingTimeInterval(-eventsAfter.seconds)
        let pass = try await store.archiveEvents(recordedBefore: cutoff, batchEvents: settings.batchEvents)
        if let through = pass.through {
            logger.info("archived acknowledged events", metadata: ["events": "\(pass.events)", "through": "\(through)"])
        }
    }
}
