import Foundation
import GantryCore
import Logging
import ServiceLifecycle

/// Opens maintenance requests when they are due: corrective when a machine has been down past the threshold
/// or went down for a failure-class reason, preventive when a plan's days or good parts come round.
final class MaintenanceWatch: Service {
    private let store: any MaintenanceStore & MasterCache
    private let policy: MaintenancePolicy
    private let interval: Duration
    private let clock: any Clock<Duration>
    /// The time the policy compares stops and plans with (the wall clock; `clock` only paces the checks).
    private let now: @Sendable () -> Date
    private let logger: Logger

    init(store: any MaintenanceStore & MasterCache, policy: MaintenancePolicy, interval: Duration,
         clock: any Clock<Duration> = ContinuousClock(), now: @escaping @Sendable () -> Date = { Date() }, logger: Logger) {
        self.store = store
        self.policy = policy
        self.interval = interval
        self.clock = clock
        self.now = now
        self.logger = logger
    }

    func run() async throws {
        try await runPeriodically(every: interval, clock: clock, logger: logger, failure: "maintenance check failed; retrying") {
            try await self.check(now: self.now())
        }
    }

    func check(now: Date) async throws {
        let situation = try await store.maintenanceSituation()
        var policy = self.policy
        policy.reasons = try await store.downtimeReasons(base: policy.reasons)
        policy.timeZone = situation.timeZone
        for (machine, latest) in situation.latest.sorted(by: { $0.key < $1.key }) {
            guard let trigger = policy.corrective(
                latest: latest, hasOpenRequest: situation.openCorrective.contains(machine),
                requestedStop: situation.lastCorrective[machine], now: now) else { continue }
            if let request = try await store.openMaintenanceRequest(
                machine: machine, kind: "corrective", trigger: trigger, reason: latest.reason, planID: nil, stopAt: latest.at, at: now) {
                logger.notice("corrective maintenance requested", metadata: [
                    "machine": "\(machine)", "trigger": "\(trigger.rawValue)", "request": "\(request.requestId)"])
            }
        }
        for plan in try await store.maintenancePlans() {
            let state = situation.plans[plan.planId]
            guard let trigger = policy.preventive(
                plan: plan, lastOpenedAt: state?.lastOpenedAt, goodPartsSince: state?.goodSince ?? 0,
                hasOpenRequest: state?.open ?? false, now: now) else { continue }
            if let request = try await store.openMaintenanceRequest(
                machine: MachineID(line: plan.line, machine: plan.machine), kind: "preventive", trigger: trigger,
                reason: plan.description, planID: plan.planId, stopAt: nil, at: now) {
                logger.notice("preventive maintenance requested", metadata: [
                    "plan": "\(plan.planId)", "trigger": "\(trigger.rawValue)", "request": "\(request.requestId)"])
            }
        }
    }
}
