import Foundation
import Logging
import ServiceLifecycle

/// Runs `check` at once and then every `interval` until graceful shutdown. A failed check is logged with
/// `failure` and tried again at the next interval; shutdown ends the loop without failing the service group.
func runPeriodically(
    every interval: Duration, clock: any Clock<Duration>, logger: Logger, failure: Logger.Message,
    _ check: @escaping @Sendable () async throws -> Void
) async throws {
    do {
        try await cancelWhenGracefulShutdown {
            while true {
                do {
                    try await check()
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    logger.error(failure, metadata: ["error": "\(error)"])
                }
                try await clock.sleep(for: interval)
            }
        }
    } catch is CancellationError {
        // Shutdown: the loop ends here, not as a failure of the service group.
    }
}
