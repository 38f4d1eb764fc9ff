import Foundation
import GantryCore
import Prometheus

/// The hub's metrics: what it counts as batches arrive, and what it reads from its store at scrape time.
///
/// Counted here (process-wide, reset at restart, no plant names): requests (`HTTPMetricsMiddleware`), events
/// applied and the time a batch takes to apply and project. Read at scrape time (`scrape`), filtered to the
/// caller's companies: each plant's last contact, how far behind its reported head the hub is, events received,
/// and the store's size. docs/operations.md "Metrics" lists every name.
struct HubMetrics: Sendable {
    static let eventsApplied = "gantry_hub_events_applied_total"
    static let applyDuration = "gantry_hub_batch_apply_duration_seconds"
    static let plantLastSeen = "gantry_hub_plant_last_seen_seconds"
    static let plantEventsBehind = "gantry_hub_plant_events_behind"
    static let plantLag = "gantry_hub_plant_lag_seconds"
    static let plantEventsReceived = "gantry_hub_plant_events_received_total"
    static let plantQuarantined = "gantry_hub_plant_quarantined_events"
    static let storeBytes = "gantry_hub_store_bytes"
    static let plantClockSkew = "gantry_hub_plant_clock_skew_seconds"
    static let plantClockSkewAlarm = "gantry_hub_plant_clock_skew_alarm"

    /// Every name `/metrics` at the hub can show, for the test that checks the dashboard and alert rules.
    static let names = [
        ApplicationMetrics.httpRequests, ApplicationMetrics.httpRequestDuration,
        eventsApplied, applyDuration, plantLastSeen, plantEventsBehind, plantLag, plantEventsReceived, plantQuarantined, storeBytes,
        plantClockSkew, plantClockSkewAlarm,
    ]

    let application: ApplicationMetrics
    private let eventsAppliedCounter: Prometheus.Counter
    private let applyHistogram: DurationHistogram

    init() {
        let application = ApplicationMetrics()
        self.application = application
        eventsAppliedCounter = application.registry.makeCounter(descriptor: MetricNameDescriptor(
            namespace: "gantry", subsystem: "hub", metricName: "events_applied", unitName: "total",
            helpText: "Events applied at the hub, each once."))
        applyHistogram = application.registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(
                namespace: "gantry", subsystem: "hub", metricName: "batch_apply_duration", unitName: "seconds",
                helpText: "Time to apply and project one sync batch, in one transaction."),
            buckets: ApplicationMetrics.durationBuckets)
    }

    /// A batch applied: `applied` new events (0 for a resend or a handshake) in `took`, projection included.
    func batchApplied(_ applied: Int, took: Duration) {
        eventsAppliedCounter.increment(by: Int64(applied))
        applyHistogram.record(took)
    }

    /// The figures read from `store` at `now`, of the plants within `scope` only.
    func scrape(_ store: any HubStore, scope: CompanyScope, now: Date, clocks: ClockSkewPolicy = ClockSkewPolicy()) async throws -> ScrapeText {
        let plants = try await store.syncReport(now: now).filter { scope.covers($0.company) }
        var text = ScrapeText()
        func labels(_ plant: PlantSyncReport) -> [(String, String)] { [("plant", plant.plant), ("company", plant.company)] }
        text.add(Self.plantLastSeen, .gauge, help: "Seconds since the plant last contacted the hub (plants never seen are left out).",
                 plants.compactMap { plant in plant.lastSeenAt.map { ScrapeText.Sample(labels(plant), max(now.timeIntervalSince($0), 0)) } })
        text.add(Self.plantEventsBehind, .gauge, help: "Events the plant reported at its last contact that the hub has not applied.",
                 plants.map { ScrapeText.Sample(labels($0), $0.pendingEvents) })
        text.add(Self.plantLag, .gauge, help: "Age of the newest event the hub has from the plant while events are pending, else 0.",
                 plants.map { ScrapeText.Sample(labels($0), $0.lagSeconds) })
        text.add(Self.plantEventsReceived, .counter, help: "Events of the plant applied at the hub since it was enrolled.",
                 plants.map { ScrapeText.Sample(labels($0), $0.eventsReceived) })
        text.add(Self.plantQuarantined, .gauge, help: "Events of the plant the hub kept but could not read.",
                 plants.map { ScrapeText.Sample(labels($0), $0.quarantinedEvents) })
        let skews = try await store.plantClocks()
        let measured = plants.compactMap { plant in skews[plant.plant].map { (plant, $0.skew) } }
        text.add(Self.plantClockSkew, .gauge, help: "The plant's clock minus the hub's, in seconds, at its last sync request (plants never measured are left out).",
                 measured.map { ScrapeText.Sample(labels($0.0), $0.1.seconds) })
        text.add(Self.plantClockSkewAlarm, .gauge, help: "1 while the plant's clock skew is beyond sync.clock_skew_alarm (clock-skew), else 0.",
                 measured.map { ScrapeText.Sample(labels($0.0), clocks.alarms($0.1) ? 1.0 : 0.0) })
        if scope == .all, let sizing = store as? any StoreSizeReading {
            let size = try await sizing.storeBytes()
            text.add(Self.storeBytes, .gauge, help: "Bytes of the hub's database: the SQLite file and its WAL, or pg_database_size.",
                     [("backend", size.backend)], Double(size.bytes))
        }
        return text
    }
}
