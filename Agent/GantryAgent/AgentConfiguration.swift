import Foundation
import GantryCore

/// Everything `gantry-agent run` needs, read from one file plus `GANTRY_AGENT_*` environment overrides.
/// docs/operations.md lists every key with its type and default.
public struct AgentConfiguration: Sendable {
    /// The plant this agent records for (`COMPANY-PLANT`, as printed by `gantry-hub plants add`).
    public var plantID: String
    /// The SQLite store file; by default `/var/lib/gantry/{plant.id}.sqlite` (`defaultStorePath`), never
    /// a path relative to wherever the agent happens to be started.
    public var storePath: String
    /// What an acknowledged fact survives: `.powerLoss` (fsync on every commit) or `.processCrash`.
    public var durability: Durability = .powerLoss
    /// Free space the store's filesystem keeps (`store.reserve`, below which new facts are refused with 507) and the
    /// level of the `store-space-low` alarm (`store.alarm_free`); sizes like `64MiB` or shares like `5%`.
    public var storeSpace = StoreSpacePolicy()
    /// The local API's listening address.
    public var httpHost: String = "127.0.0.1"
    /// The local API's port; 0 picks a free one (printed at start).
    public var httpPort: Int = 8080
    /// The hub's base URL, e.g. `http://hub.example:8480`.
    public var hubURL: String
    /// The plant's secret token, as printed at enrolment.
    public var hubToken: String
    /// Events per sync batch, at most.
    public var batchEvents: Int = 500
    /// Payload bytes per sync batch, at most (a single larger event still goes alone).
    public var batchBytes: Int = 1 << 20
    /// How long one sync request may take.
    public var requestTimeout: Duration = .seconds(30)
    /// The smallest batch a failing link shrinks sync batches to (`SyncStateMachine.BatchSizing`).
    public var minimumBatchEvents: Int = 10
    /// The other sync timeouts: connecting, and the low-speed abort (`sync.connect_timeout`, `sync.low_speed_*`);
    /// `requestTimeout` is the whole request's.
    public var syncTimeouts = SyncStateMachine.Timeouts()
    /// Whether sync bodies go gzip-compressed (`sync.compress = gzip`, the default) or plain (`none`).
    public var compressSync = true
    /// First retry wait after a failure.
    public var backoffInitial: Duration = .milliseconds(500)
    /// Longest retry wait.
    public var backoffMaximum: Duration = .seconds(60)
    /// Texts the plant's scanners send instead of GS (0x1D), e.g. `Alt029` or `|`.
    public var scanSeparators: [String] = []
    /// Supplier alerts and their webhook.
    public var alerts = AlertSettings()
    /// Roles whose override may release a work order short of material or consume beyond its reservation.
    public var overrideRoles: Set<String> = ["planner", "administrator"]
    /// Where work orders planned for the hub's demand take components from and put output, unless the demand says.
    public var demandDefaults = DemandDefaults()
    /// The plant's users who ask for and decide approvals (see `PlantUsers`).
    public var usersFile: String?
    /// Whether stock of an expired lot may be issued (it is blocked by default).
    public var issueExpiredLots = false
    /// How often the agent asks the hub for changed masters.
    public var mastersPollInterval: Duration = .seconds(30)
    /// How often an idle agent checks in with the hub.
    public var heartbeat: Duration = .seconds(15)
    /// Skew between this plant's clock and the hub's beyond which `clock-skew` is raised (`sync.clock_skew_alarm`).
    public var clockSkew = ClockSkewPolicy()
    /// Backlog size that raises the `backlog-bytes` alarm in `/v1/status`.
    public var backlogAlarmBytes: Int = 256 << 20
    /// Age of the oldest unsynced event that raises the `backlog-age` alarm.
    public var backlogAlarmAge: Duration = .seconds(24 * 3600)
    /// Largest accepted request body of the local API.
    public var maxRequestBytes: Int = 64 << 10
    /// Log level: trace, debug, info, notice, warning, error, critical.
    public var logLevel: String = "info"
    /// Log line format and access log (`log.format`, `log.access`).
    public var log = LogSettings()
    /// Machine signals over MQTT; off until `mqtt.host` is set.
    public var mqtt = MQTTSettings()
    /// The Sparkplug B host application on the same broker; off until `sparkplug.groups` is set.
    public var sparkplug = SparkplugSettings()
    /// The downtime reason taxonomy (`code,class,failure,description` lines); codes not in it are flagged.
    public var reasonsFile: String?
    /// How long a machine may stay down before a corrective maintenance request opens.
    public var maintenanceDownThreshold: Duration = .seconds(15 * 60)
    /// How often the maintenance watch looks for due requests.
    public var maintenanceCheckInterval: Duration = .seconds(10)
    /// How often the reorder rules place their proposed orders on their own; nil (the default): only on request.
    public var reorderCheckInterval: Duration?

    /// How long acknowledged events stay in the log before they leave for the archive files (`retention.*`).
    public var retention = RetentionSettings()

    /// How the agent verifies an `https://` hub and which client certificate it presents (`hub.ca_file`, …).
    public var hubTLS = HubTLSClientSettings()
    /// The local API's second listener on the plant LAN, and whether loopback writes need tokens (`http.lan.*`).
    public var lan = LANListenerSettings()

    /// What an acknowledged fact survives.
    public enum Durability: String, Sendable {
        /// Every commit is fsynced (SQLite `synchronous=FULL`): survives power loss.
        case powerLoss = "power-loss"
        /// Commits reach the OS but are not fsynced (`synchronous=NORMAL`): survives a process crash.
        case processCrash = "process-crash"
    }

    public init(plantID: String, hubURL: String, hubToken: String) {
        self.plantID = plantID
        self.hubURL = hubURL
        self.hubToken = hubToken
        storePath = Self.defaultStorePath(plantID: plantID)
    }

    /// Where a plant's store is kept unless `store.path` says otherwise: one fixed place, so an agent started
    /// from another folder finds the same store instead of creating an empty one the hub refuses.
    public static func defaultStorePath(plantID: String) -> String {
        "/var/lib/gantry/\(plantID).sqlite"
    }

    /// Every key a configuration file may hold.
    public static let keys: Set<String> = Set<String>([
        "plant.id", "store.path", "store.durability", "store.reserve", "store.alarm_free", "http.host", "http.port", "hub.url", "hub.token",
        "sync.batch_events", "sync.batch_bytes", "sync.request_timeout", "sync.backoff_initial", "sync.min_batch_events",
        "sync.connect_timeout", "sync.low_speed_bytes", "sync.low_speed_time", "sync.compress",
        "sync.backoff_max", "sync.heartbeat", "sync.clock_skew_alarm", "masters.poll_interval", "scan.separators", "inventory.issue_expired", "workorders.override_roles",
        "workorders.demand_source_location", "workorders.demand_output_location", "users.file", "alerts.webhook_url", "alerts.webhook_secret", "alerts.confirm_within", "alerts.check_interval", "backlog.alarm_bytes", "backlog.alarm_age",
        "http.max_request_bytes", "log.level", "machines.reasons_file", "maintenance.down_threshold",
        "maintenance.check_interval", "reorder.check_interval",
    ]).union(MQTTSettings.keys).union(SparkplugSettings.keys).union(HubTLSClientSettings.keys).union(LANListenerSettings.keys).union(LogSettings.keys)
        .union(RetentionSettings.keys)

    /// The prefix of environment overrides.
    public static let environmentPrefix = "GANTRY_AGENT_"

    /// Reads `path` (which may be `nil` for environment-only configuration) and applies overrides.
    public static func load(path: String?, environment: [String: String]) throws -> AgentConfiguration {
        var text = ""
        if let path {
            do {
                text = try LocalFiles.text(path, role: "the configuration file")
            } catch {
                throw ConfigurationError(key: nil, origin: nil, reason: "\(error)")
            }
        }
        let settings = try ConfigurationText(
            text: text, source: path ?? "environment", environment: environment,
            prefix: environmentPrefix, knownKeys: keys)
        return try AgentConfiguration(settings)
    }

    init(_ settings: ConfigurationText) throws(ConfigurationError) {
        let plantID = try settings.required("plant.id")
        let hubURL = try settings.required("hub.url")
        guard hubURL.hasPrefix("http://") || hubURL.hasPrefix("https://") else {
            throw ConfigurationError(key: "hub.url", origin: settings.origins["hub.url"],
                                     reason: "expected an http:// or https:// URL, got \"\(hubURL)\"")
        }
        self.init(plantID: plantID, hubURL: hubURL, hubToken: try settings.required("hub.token"))
        storePath = settings.string("store.path", default: storePath)
        durability = Durability(rawValue: try settings.choice(
            "store.durability", default: durability.rawValue, among: ["power-loss", "process-crash"]))!
        storeSpace = try StoreSpacePolicy(settings)
        httpHost = settings.string("http.host", default: httpHost)
        httpPort = try settings.integer("http.port", default: httpPort, in: 0...65535)
        batchEvents = try settings.integer("sync.batch_events", default: batchEvents, in: 1...100_000)
        batchBytes = try settings.bytes("sync.batch_bytes", default: batchBytes)
        requestTimeout = try settings.duration("sync.request_timeout", default: requestTimeout)
        backoffInitial = try settings.duration("sync.backoff_initial", default: backoffInitial)
        backoffMaximum = try settings.duration("sync.backoff_max", default: backoffMaximum)
        guard backoffMaximum >= backoffInitial else {
            throw ConfigurationError(key: "sync.backoff_max", origin: settings.origins["sync.backoff_max"],
                                     reason: "must not be shorter than sync.backoff_initial")
        }
        heartbeat = try settings.duration("sync.heartbeat", default: heartbeat)
        clockSkew.threshold = try settings.duration("sync.clock_skew_alarm", default: clockSkew.threshold)
        minimumBatchEvents = try settings.integer("sync.min_batch_events", default: min(minimumBatchEvents, batchEvents), in: 1...batchEvents)
        syncTimeouts = SyncStateMachine.Timeouts(
            connect: try settings.duration("sync.connect_timeout", default: min(syncTimeouts.connect, requestTimeout)),
            request: requestTimeout,
            lowSpeedBytesPerSecond: try settings.integer("sync.low_speed_bytes", default: syncTimeouts.lowSpeedBytesPerSecond, in: 0...1 << 30),
            lowSpeedTime: try settings.duration("sync.low_speed_time", default: max(min(syncTimeouts.lowSpeedTime, requestTimeout), .seconds(1))))
        if let inconsistency = syncTimeouts.inconsistency {
            let key = inconsistency.contains("low-speed") ? "sync.low_speed_time" : "sync.connect_timeout"
            throw ConfigurationError(key: key, origin: settings.origins[key], reason: inconsistency)
        }
        compressSync = try settings.choice("sync.compress", default: "gzip", among: ["gzip", "none"]) == "gzip"
        mastersPollInterval = try settings.duration("masters.poll_interval", default: mastersPollInterval)
        scanSeparators = settings.values["scan.separators"].map { $0.split(separator: " ").map(String.init) } ?? []
        issueExpiredLots = try settings.choice("inventory.issue_expired", default: "block", among: ["block", "allow"]) == "allow"
        if let roles = settings.values["workorders.override_roles"] {
            overrideRoles = Set(roles.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
            if let unknown = overrideRoles.first(where: { Role(rawValue: $0) == nil }) {
                throw ConfigurationError(key: "workorders.override_roles", origin: settings.origins["workorders.override_roles"],
                                         reason: "unknown role \(unknown) (roles: \(Role.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
        }
        demandDefaults = DemandDefaults(
            sourceLocation: settings.values["workorders.demand_source_location"],
            outputLocation: settings.values["workorders.demand_output_location"])
        usersFile = settings.values["users.file"]
        if let path = usersFile {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ConfigurationError(key: "users.file", origin: settings.origins["users.file"], reason: "cannot read \(path)")
            }
            _ = try PlantUsers.read(text)
        }
        alerts.webhookURL = settings.values["alerts.webhook_url"]
        if let url = alerts.webhookURL, !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            throw ConfigurationError(key: "alerts.webhook_url", origin: settings.origins["alerts.webhook_url"], reason: "expected an http:// or https:// URL")
        }
        alerts.webhookSecret = settings.values["alerts.webhook_secret"]
        alerts.confirmWithin = try settings.duration("alerts.confirm_within", default: alerts.confirmWithin)
        alerts.checkInterval = try settings.duration("alerts.check_interval", default: alerts.checkInterval)
        backlogAlarmBytes = try settings.bytes("backlog.alarm_bytes", default: backlogAlarmBytes)
        backlogAlarmAge = try settings.duration("backlog.alarm_age", default: backlogAlarmAge)
        maxRequestBytes = try settings.bytes("http.max_request_bytes", default: maxRequestBytes)
        logLevel = try settings.choice(
            "log.level", default: logLevel,
            among: ["trace", "debug", "info", "notice", "warning", "error", "critical"])
        log = try LogSettings(settings)
        mqtt = try MQTTSettings(settings)
        sparkplug = try SparkplugSettings(settings, mqttEnabled: mqtt.enabled)
        reasonsFile = settings.values["machines.reasons_file"]
        maintenanceDownThreshold = try settings.duration("maintenance.down_threshold", default: maintenanceDownThreshold)
        maintenanceCheckInterval = try settings.duration("maintenance.check_interval", default: maintenanceCheckInterval)
        if let text = settings.values["reorder.check_interval"], text != "off" {
            reorderCheckInterval = try settings.duration("reorder.check_interval", default: .zero)
        }
        hubTLS = try HubTLSClientSettings(settings)
        lan = try LANListenerSettings(settings)
        retention = try RetentionSettings(settings)
    }

    /// Reads the reason taxonomy file, if one is configured.
    func downtimeReasons() throws -> DowntimeReasons {
        guard let path = reasonsFile else { return DowntimeReasons() }
        let text: String
        do {
            text = try LocalFiles.text(path, role: "the reasons file")
        } catch {
            throw ConfigurationError(key: "machines.reasons_file", origin: nil, reason: "\(error)")
        }
        return try DowntimeReasons(csv: text, source: path)
    }
}
