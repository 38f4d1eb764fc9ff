import Foundation
import GantryCore
import Logging
import ServiceLifecycle

/// Runs the reorder rules every `interval` (`reorder.check_interval`), placing what they propose as
/// `POST /v1/reorder/run` would. Off unless configured: a plant decides to let rules order on their own.
final class ReorderWatch: Service {
    private let store: any ReorderStore
    private let interval: Duration
    private let clock: any Clock<Duration>
    private let logger: Logger

    init(store: any ReorderStore, interval: Duration, clock: any Clock<Duration> = ContinuousClock(), logger: Logger) {
        self.store = store
        self.interval = interval
        self.clock = clock
        self.logger = logger
    }

    func run() async throws {
        try await runPeriodically(every: interval, clock: clock, logger: logger, failure: "reorder run failed; retrying") {
            try await self.check()
        }
    }

    func check() async throws {
        let run = try await store.runReorder()
        for order in run.placed {
            logger.notice("reorder placed a purchase order", metadata: [
                "order": "\(order.order)", "supplier": "\(order.supplier)", "items": "\(order.lines.map(\.item).joined(separator: ","))"])
        }
        for refused in run.refused {
            logger.warning("reorder could not place an order", metadata: ["order": "\(refused.order)", "reason": "\(refused.reason)"])
        }
        for unserved in run.unserved where unserved.quantity.isPositive {
            logger.warning("reorder rule cannot be served", metadata: ["item": "\(unserved.item)", "reason": "\(unserved.reason)"])
        }
    }
}
