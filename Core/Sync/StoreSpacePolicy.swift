import Foundation

/// How much free space the filesystem of a plant's store must keep, and what follows from the space there is:
/// below the alarm level an alarm, below the reserve no new facts. The reserve is room kept for what cannot
/// be refused: messages the MQTT broker has already handed over, sync acknowledgements, SQLite's own journal.
///
/// A pure decision: the agent reads the filesystem's figures (`statvfs`) and asks here.
public struct StoreSpacePolicy: Sendable, Equatable {
    /// A size, either fixed or a share of the filesystem.
    public enum Amount: Sendable, Equatable, CustomStringConvertible {
        /// A number of bytes.
        case bytes(Int64)
        /// A whole percentage (0 to 99) of the filesystem's size.
        case percent(Int)

        /// The amount in bytes on a filesystem of `total` bytes.
        public func bytes(ofTotal total: Int64) -> Int64 {
            switch self {
            case .bytes(let bytes): bytes
            case .percent(let percent): total / 100 * Int64(percent) + total % 100 * Int64(percent) / 100
            }
        }

        /// Reads `64MiB`, `1048576`, `0` or `5%`; nil for anything else (a percentage of 100 or more, a negative size).
        public static func parse(_ text: String) -> Amount? {
            let text = text.trimmingCharacters(in: .whitespaces)
            if text.hasSuffix("%") {
                guard let percent = Int(text.dropLast()), (0...99).contains(percent) else { return nil }
                return .percent(percent)
            }
            if text == "0" { return .bytes(0) }
            return ConfigurationText.parseBytes(text).flatMap { $0 > 0 ? .bytes(Int64($0)) : nil }
        }

        public var description: String {
            switch self {
            case .bytes(let bytes): "\(bytes) bytes"
            case .percent(let percent): "\(percent)%"
            }
        }
    }

    /// Free space below which new facts are refused (`store.reserve`).
    public var reserve: Amount
    /// Free space below which the `store-space-low` alarm is raised (`store.alarm_free`); never below the reserve.
    public var alarm: Amount

    public init(reserve: Amount = .bytes(64 << 20), alarm: Amount = .bytes(512 << 20)) {
        self.reserve = reserve
        self.alarm = alarm
    }

    /// Where free space stands against the policy.
    public enum Level: String, Sendable, Codable, Equatable, Comparable {
        /// At or above the alarm level.
        case ok
        /// Below the alarm level, at or above the reserve: everything still works; an operator should act.
        case low
        /// Below the reserve: new facts are refused until space returns.
        case full

        public static func < (a: Level, b: Level) -> Bool {
            let order: [Level] = [.ok, .low, .full]
            return order.firstIndex(of: a)! < order.firstIndex(of: b)!
        }

        /// The alarm `/v1/status` shows at this level; nil at `ok`.
        public var alarm: String? {
            switch self {
            case .ok: nil
            case .low: "store-space-low"
            case .full: "store-space-full"
            }
        }
    }

    /// The reserve and the alarm level in bytes, on `space`'s filesystem.
    public func thresholds(_ space: StoreSpace) -> (reserve: Int64, alarm: Int64) {
        let reserve = self.reserve.bytes(ofTotal: space.total)
        return (reserve, max(reserve, alarm.bytes(ofTotal: space.total)))
    }

    /// The level of `space`.
    public func level(_ space: StoreSpace) -> Level {
        let (reserve, alarm) = thresholds(space)
        if space.free < reserve { return .full }
        if space.free < alarm { return .low }
        return .ok
    }

    /// Admits a write that takes new facts, or refuses it with the free and the required bytes.
    public func admit(_ space: StoreSpace) throws(InsufficientStorage) {
        let reserve = thresholds(space).reserve
        guard space.free >= reserve else { throw InsufficientStorage(free: space.free, required: reserve) }
    }
}

/// A filesystem's size and the space an unprivileged writer may still use on it, in bytes.
public struct StoreSpace: Sendable, Equatable, Codable {
    /// Bytes still available to the store's writer (`f_bavail × f_frsize`).
    public var free: Int64
    /// The filesystem's size (`f_blocks × f_frsize`).
    public var total: Int64

    public init(free: Int64, total: Int64) {
        self.free = free
        self.total = total
    }
}

/// A write refused because the store's filesystem has less free space than the reserve (or SQLite found it full):
/// 507 `insufficient-storage`, naming the free and the required bytes. Nothing of the request was recorded.
public struct InsufficientStorage: Error, Sendable, Equatable, CustomStringConvertible {
    /// Free bytes when the write was refused.
    public var free: Int64
    /// Free bytes the store keeps in reserve, below which new facts are refused.
    public var required: Int64

    public init(free: Int64, required: Int64) {
        self.free = free
        self.required = required
    }

    public var description: String {
        "the plant store's disk has \(free) bytes free and keeps \(required) in reserve: nothing new is recorded until "
            + "space is freed (what is already recorded is kept and still syncs; docs/reliability.md, A full disk)"
    }
}

extension InsufficientStorage: ProblemReporting {
    /// 507 `insufficient-storage`: the request was fine, the plant's disk is not; retry once space is freed.
    public var problem: ProblemDetails {
        ProblemDetails(code: "insufficient-storage", title: "Insufficient storage", status: 507, detail: description)
    }

    /// The agent's disk watch logs the level when it changes; a scanner retrying against a full disk is not logged
    /// once per scan (the log may well be on that disk).
    public var loggedWhereItArises: Bool { true }
}
