import GantryCore

/// What `/v1/status` (`store`) and `/metrics` show of the store's disk.
struct StoreSpaceStatus: Encodable, Sendable, Equatable {
    /// `ok`, `low` (below `store.alarm_free`: alarm `store-space-low`) or `full` (below `store.reserve`: new facts are
    /// refused with 507, the MQTT inbox is paused; alarm `store-space-full`).
    var level: StoreSpacePolicy.Level
    /// Bytes the store's writer may still use on its filesystem.
    var freeBytes: Int64
    /// The filesystem's size.
    var totalBytes: Int64
    /// Free bytes below which new facts are refused.
    var reserveBytes: Int64
    /// Free bytes below which the alarm is raised.
    var alarmBytes: Int64

    init(space: StoreSpace, policy: StoreSpacePolicy) {
        let (reserve, alarm) = policy.thresholds(space)
        level = policy.level(space)
        freeBytes = space.free
        totalBytes = space.total
        reserveBytes = reserve
        alarmBytes = alarm
    }
}

extension StoreCapacity {
    /// The status now; nil when the filesystem cannot be read.
    var status: StoreSpaceStatus? {
        space().map { StoreSpaceStatus(space: $0, policy: policy) }
    }
}

extension StoreSpacePolicy {
    /// `store.reserve` and `store.alarm_free`: a size (`64MiB`, `0` for none) or a share of the filesystem (`5%`).
    init(_ settings: ConfigurationText) throws(ConfigurationError) {
        self.init()
        for key in ["store.reserve", "store.alarm_free"] {
            guard let text = settings.values[key] else { continue }
            guard let amount = Amount.parse(text) else {
                throw ConfigurationError(
                    key: key, origin: settings.origins[key], reason: "expected a size like 64MiB or 0, or a share like 5%, got \"\(text)\"")
            }
            if key == "store.reserve" { reserve = amount } else { alarm = amount }
        }
    }
}
