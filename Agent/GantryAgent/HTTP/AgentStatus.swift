import Foundation
import GantryCore

/// The body of `GET /v1/status`: where the plant's log stands and how its way to the hub looks.
struct AgentStatus: Encodable, Sendable {
    struct Backlog: Encodable, Sendable {
        /// Events recorded but not yet acknowledged by the hub.
        var events: Int64
        /// Their payload bytes.
        var bytes: Int64
        /// Age in seconds of the oldest of them; 0 when there are none.
        var oldestAgeSeconds: Double
        /// Seconds until the backlog is sent at the hub's recent rate (`hub.sendRate`): 0 with no backlog, absent
        /// while there is no rate (the hub unreachable, or no answers yet).
        var drainSeconds: Double?
    }

    var plantId: String
    var lastSequence: Int64
    var acknowledgedSequence: Int64
    var hub: HubLinkStatus
    var backlog: Backlog
    /// Raised alarms: `backlog-bytes`, `backlog-age`, `store-space-low` or `store-space-full` (`store`), `clock-skew` (`clock`), and `hub-refused-token` or `hub-refused-events` while the
    /// hub refuses the plant (`HubLinkStatus.alarm`).
    var alarms: [String]
    /// The machine-signal ingest, when MQTT is configured.
    var mqtt: MQTTStatus?
    /// The plant's copy of the hub's masters.
    var masters: MasterPullStatus?
    /// Dead letters kept in the store (`GET /v1/dead-letters`).
    var deadLettersKept = 0
    /// The store's disk: free space against `store.reserve` and `store.alarm_free`.
    var store: StoreSpaceStatus?
    /// The plant's clock against the hub's, once the hub has answered with its time.
    var clock: AgentClockStatus?

    init(plantID: String, position: LogPosition, hub: HubLinkStatus, now: Date, alarmBytes: Int, alarmAge: Duration) {
        plantId = plantID
        lastSequence = position.head
        acknowledgedSequence = position.acknowledged
        self.hub = hub
        let age = position.oldestUnsyncedAt.map { max(now.timeIntervalSince($0), 0) }
        backlog = Backlog(
            events: position.backlogEvents, bytes: position.backlogBytes, oldestAgeSeconds: age ?? 0,
            drainSeconds: SyncProgress.drainSeconds(backlog: position.backlogEvents, rate: hub.sendRate))
        alarms = []
        if position.backlogBytes >= alarmBytes { alarms.append("backlog-bytes") }
        if let age, age >= alarmAge.seconds { alarms.append("backlog-age") }
        if let alarm = hub.alarm { alarms.append(alarm) }
    }
}
