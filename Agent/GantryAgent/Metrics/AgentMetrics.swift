import Foundation
import GantryCore

/// The agent's metrics, read at scrape time from its store and status boards; requests are counted as they come
/// (`HTTPMetricsMiddleware` into `ApplicationMetrics`). Every figure carries the `plant` label, so one
/// dashboard shows many agents. docs/operations.md "Metrics" lists every name.
///
/// Counts "since the agent started" (MQTT) are counters that reset at restart, which Prometheus' `rate` and
/// `increase` expect; counts along the log (events recorded, acknowledged) are counters over the log's life.
struct AgentMetrics {
    static let backlogEvents = "gantry_agent_sync_backlog_events"
    static let backlogBytes = "gantry_agent_sync_backlog_bytes"
    static let backlogAge = "gantry_agent_sync_backlog_oldest_age_seconds"
    static let eventsRecorded = "gantry_agent_events_recorded_total"
    static let eventsAcknowledged = "gantry_agent_sync_events_acknowledged_total"
    static let hubReachable = "gantry_agent_hub_reachable"
    static let hubFailures = "gantry_agent_hub_consecutive_failures"
    static let mqttConnected = "gantry_agent_mqtt_connected"
    static let mqttReceived = "gantry_agent_mqtt_messages_received_total"
    static let mqttStored = "gantry_agent_mqtt_messages_stored_total"
    static let mqttProjected = "gantry_agent_mqtt_messages_projected_total"
    static let mqttDeadLettered = "gantry_agent_mqtt_messages_dead_lettered_total"
    static let mqttLost = "gantry_agent_mqtt_messages_lost_total"
    static let mqttInbox = "gantry_agent_mqtt_inbox_backlog"
    static let deadLetters = "gantry_agent_dead_letters"
    static let storeBytes = "gantry_agent_store_bytes"
    static let storeFreeBytes = "gantry_agent_store_free_bytes"
    static let storeSpaceAlarm = "gantry_agent_store_space_alarm"
    static let clockSkew = "gantry_agent_clock_skew_seconds"
    static let clockSkewAlarm = "gantry_agent_clock_skew_alarm"
    static let syncEventsSent = "gantry_agent_sync_events_sent_total"
    static let syncBodyBytes = "gantry_agent_sync_body_bytes_total"
    static let syncTransportFailures = "gantry_agent_sync_transport_failures_total"
    static let syncBatchLimit = "gantry_agent_sync_batch_limit"

    /// Every name `/metrics` at the agent can show, for the test that checks the dashboard and alert rules.
    static let names = [
        ApplicationMetrics.httpRequests, ApplicationMetrics.httpRequestDuration,
        backlogEvents, backlogBytes, backlogAge, eventsRecorded, eventsAcknowledged, hubReachable, hubFailures,
        mqttConnected, mqttReceived, mqttStored, mqttProjected, mqttDeadLettered, mqttLost, mqttInbox, deadLetters, storeBytes,
        storeFreeBytes, storeSpaceAlarm, clockSkew, clockSkewAlarm,
        syncEventsSent, syncBodyBytes, syncTransportFailures, syncBatchLimit,
    ]

    var plantID: String
    var position: LogPosition
    var hub: HubLinkStatus
    var mqtt: MQTTStatus
    var deadLettersKept: Int
    var storeSize: Int64
    var now: Date
    /// The store's disk, when its filesystem can be read.
    var space: StoreSpaceStatus? = nil
    /// The plant's clock against the hub's, once measured.
    var clock: AgentClockStatus? = nil

    /// The figures in the Prometheus text format.
    var text: ScrapeText {
        let plant = [("plant", plantID)]
        var text = ScrapeText()
        text.add(Self.backlogEvents, .gauge, help: "Events recorded and not yet acknowledged by the hub.", plant, Double(position.backlogEvents))
        text.add(Self.backlogBytes, .gauge, help: "Payload bytes of the events not yet acknowledged.", plant, Double(position.backlogBytes))
        text.add(Self.backlogAge, .gauge, help: "Age of the oldest event not yet acknowledged; 0 when none is.", plant,
                 position.oldestUnsyncedAt.map { max(now.timeIntervalSince($0), 0) } ?? 0)
        text.add(Self.eventsRecorded, .counter, help: "Events written to the plant's log (its newest sequence).", plant, Double(position.head))
        text.add(Self.eventsAcknowledged, .counter, help: "Events the hub has acknowledged (the acknowledged sequence).", plant,
                 Double(position.acknowledged))
        text.add(Self.hubReachable, .gauge, help: "1 when the last attempt got an answer from the hub, else 0.", plant, hub.reachable ? 1 : 0)
        text.add(Self.hubFailures, .gauge, help: "Consecutive failed attempts to reach the hub.", plant, Double(hub.consecutiveFailures))
        text.add(Self.mqttConnected, .gauge, help: "1 while connected to the MQTT broker, else 0.", plant, mqtt.connected ? 1 : 0)
        text.add(Self.mqttReceived, .counter, help: "MQTT messages received since the agent started.", plant, Double(mqtt.received))
        text.add(Self.mqttStored, .counter, help: "MQTT messages made durable in the inbox since the agent started.", plant, Double(mqtt.stored))
        text.add(Self.mqttProjected, .counter, help: "MQTT messages projected into machine states and counts since the agent started.",
                 plant, Double(mqtt.recorded))
        text.add(Self.mqttDeadLettered, .counter, help: "MQTT messages dead-lettered since the agent started.", plant, Double(mqtt.deadLetters))
        text.add(Self.mqttLost, .counter, help: "MQTT messages that could not be stored since the agent started.", plant, Double(mqtt.lost))
        text.add(Self.mqttInbox, .gauge, help: "Inbox entries waiting to be projected.", plant, Double(mqtt.inboxBacklog))
        text.add(Self.deadLetters, .gauge, help: "Dead letters kept in the store.", plant, Double(deadLettersKept))
        text.add(Self.storeBytes, .gauge, help: "Bytes of the plant's SQLite store: the file and its WAL.", plant, Double(storeSize))
        // Always named (no sample while unknown), so the set of names served does not depend on the moment.
        text.add(Self.storeFreeBytes, .gauge, help: "Bytes still free on the store's filesystem.",
                 space.map { [ScrapeText.Sample(plant, Double($0.freeBytes))] } ?? [])
        text.add(Self.storeSpaceAlarm, .gauge,
                 help: "0 with room, 1 below store.alarm_free (store-space-low), 2 below store.reserve (store-space-full: writes refused).",
                 space.map { [ScrapeText.Sample(plant, Double([StoreSpacePolicy.Level.ok, .low, .full].firstIndex(of: $0.level)!))] } ?? [])
        text.add(Self.clockSkew, .gauge,
                 help: "This plant's clock minus the hub's, in seconds, at the hub's last answer (none before it).",
                 clock.map { [ScrapeText.Sample(plant, $0.skewSeconds)] } ?? [])
        text.add(Self.clockSkewAlarm, .gauge, help: "1 while the clock skew is beyond sync.clock_skew_alarm (clock-skew), else 0.",
                 [ScrapeText.Sample(plant, clock?.alarm == true ? 1.0 : 0.0)])
        let traffic = hub.traffic
        text.add(Self.syncEventsSent, .counter, help: "Events in sync batches the hub answered since the agent started (resends count again).",
                 plant, Double(traffic.events))
        text.add(Self.syncBodyBytes, .counter, help: "Bytes of those batches' bodies: as JSON (form=json) and as sent (form=wire, gzip).", [
            ScrapeText.Sample(plant + [("form", "json")], Double(traffic.jsonBytes)),
            ScrapeText.Sample(plant + [("form", "wire")], Double(traffic.wireBytes)),
        ])
        text.add(Self.syncTransportFailures, .counter, help: "Sync requests that got no answer (timeout, cut connection, 5xx) since the agent started.",
                 plant, Double(traffic.transportFailures))
        text.add(Self.syncBatchLimit, .gauge, help: "Events the next sync batch may hold, adapted to the link.", plant, Double(traffic.batchLimit))
        return text
    }
}
