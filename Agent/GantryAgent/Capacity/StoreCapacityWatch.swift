import GantryCore
import Logging
import ServiceLifecycle

/// Looks at the store's disk every `interval` and logs each change of level once, when it begins and when it ends:
/// a warning below the alarm level, an error below the reserve, a notice when space returns. The refusals
/// themselves need no watch (`StoreCapacityMiddleware` asks on every write); neither does the MQTT inbox, which
/// pauses and resumes on its own readings (`MachineSignalIngest`).
struct StoreCapacityWatch: Service {
    let capacity: StoreCapacity
    let interval: Duration
    let logger: Logger
    var clock: any Clock<Duration> = ContinuousClock()

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                var previous = StoreSpacePolicy.Level.ok
                while true {
                    if let status = capacity.status, status.level != previous {
                        log(status, after: previous)
                        previous = status.level
                    }
                    try await clock.sleep(for: interval)
                }
            }
        } catch is CancellationError {}
    }

    private func log(_ status: StoreSpaceStatus, after previous: StoreSpacePolicy.Level) {
        let metadata: Logger.Metadata = [
            "folder": "\(capacity.folder)", "free_bytes": "\(status.freeBytes)", "reserve_bytes": "\(status.reserveBytes)",
            "alarm_bytes": "\(status.alarmBytes)", "alarm": "\(status.level.alarm ?? "none")",
        ]
        switch status.level {
        case .full:
            let message = "the store's disk is below its reserve: scans and other new facts are refused (507) and the MQTT inbox "
                + "is paused until space is freed; recorded facts are kept and still sync"
            logger.error("\(message)", metadata: metadata)
        case .low:
            let message = previous == .full
                ? "the store's disk is above its reserve again, still below the alarm level: writes resume"
                : "the store's disk is running low: it is below the alarm level, the reserve comes next"
            logger.warning("\(message)", metadata: metadata)
        case .ok:
            logger.notice("the store's disk has room again", metadata: metadata)
        }
    }
}
