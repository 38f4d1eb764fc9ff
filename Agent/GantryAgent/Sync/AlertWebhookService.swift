import Crypto
import Foundation
import GantryCore
import Logging
import ServiceLifecycle

/// Finds purchase order lines that turned overdue or stayed unconfirmed, and delivers every alert to the
/// configured webhook: signed (HMAC-SHA256 over timestamp and body), retried with backoff until a 2xx answer,
/// each attempt logged.
final class AlertWebhookService: Service {
    private let store: any AlertOutbox
    private let settings: AlertSettings
    private let clock: any Clock<Duration>
    /// The agent's clock: which alerts are due, the signed timestamp, when to retry.
    private let now: @Sendable () -> Date
    private let logger: Logger

    init(
        store: any AlertOutbox, settings: AlertSettings, clock: any Clock<Duration> = ContinuousClock(),
        now: @escaping @Sendable () -> Date, logger: Logger
    ) {
        self.store = store
        self.settings = settings
        self.clock = clock
        self.now = now
        self.logger = logger
    }

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            do { try await self.loop() } catch is CancellationError {}
        }
    }

    private func loop() async throws {
        let http = try CurlHTTPClient()
        var lastScan = ContinuousClock.now - settings.checkInterval
        while !Task.isCancelled {
            if ContinuousClock.now - lastScan >= settings.checkInterval {
                lastScan = ContinuousClock.now
                do {
                    for exception in try await store.purchaseExceptions(unconfirmedAfter: settings.confirmWithin.seconds) {
                        try await store.raise(exception)
                    }
                } catch is CancellationError {
                    // Stopping (or another service failed to start): not a failure of the check.
                    return
                } catch {
                    logger.error("checking purchase order lines failed", metadata: ["error": "\(error)"])
                }
            }
            if let url = settings.webhookURL {
                for alert in (try? await store.alertsDue(at: now())) ?? [] {
                    await deliver(alert, to: url, http: http)
                }
            }
            try await clock.sleep(for: settings.pollInterval)
        }
    }

    private func deliver(_ alert: (id: UUID, body: String, attempts: Int), to url: String, http: CurlHTTPClient) async {
        let timestamp = String(Int(now().timeIntervalSince1970))
        var headers = ["Content-Type: application/json", "X-Gantry-Alert: \(alert.id.uuidString)", "X-Gantry-Timestamp: \(timestamp)"]
        if let secret = settings.webhookSecret {
            headers.append("X-Gantry-Signature: sha256=\(Self.signature(secret: secret, timestamp: timestamp, body: alert.body))")
        }
        var status: Int?, failure: String?
        do {
            let response = try await http.post(url: url, headers: headers, body: Data(alert.body.utf8), timeout: .seconds(10))
            status = response.status
            if !(200..<300).contains(response.status) { failure = "answered \(response.status)" }
        } catch {
            failure = "\(error)"
        }
        let delay = settings.backoff.delay(afterFailures: alert.attempts + 1, unit: Double.random(in: 0..<1))
        do {
            try await store.recordDelivery(
                alert.id, url: url, status: status, error: failure, delivered: failure == nil, retryAt: now().addingTimeInterval(delay.seconds))
        } catch {
            logger.error("could not log an alert delivery", metadata: ["alert": "\(alert.id)", "error": "\(error)"])
        }
        if let failure { logger.warning("alert webhook failed; retrying", metadata: ["alert": "\(alert.id)", "error": "\(failure)"]) }
    }

    /// Lower-case hex HMAC-SHA256 of `timestamp.body` under `secret`: what a receiver recomputes to trust the alert.
    static func signature(secret: String, timestamp: String, body: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(timestamp).\(body)".utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return mac.map { String(format: "%02x", $0) }.joined()
    }
}

/// Where alerts go and how often the agent looks for late lines.
public struct AlertSettings: Sendable {
    public var webhookURL: String?
    public var webhookSecret: String?
    /// How long a placed line may stay unconfirmed before it raises `supplier-unconfirmed`.
    public var confirmWithin: Duration = .seconds(48 * 3600)
    /// How often open lines are checked for being overdue or unconfirmed.
    public var checkInterval: Duration = .seconds(300)
    /// How often undelivered alerts are looked at.
    public var pollInterval: Duration = .seconds(1)
    public var backoff = Backoff(initial: .seconds(1), maximum: .seconds(3600))

    public init() {}
}
