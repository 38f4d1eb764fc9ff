import Foundation
import GantryCore
import Logging
import ServiceLifecycle

/// Keeps the plant's copy of the hub's masters current: asks the hub for what changed since the version held,
/// applies each answer in one transaction, and asks again while more waits. Offline, the plant works on the
/// copy it has; failures back off and retry, and the next answer picks up exactly where the copy stands.
final class MasterPullService: Service {
    private let store: any PlantStore
    private let endpoint: String
    private let token: String
    private let interval: Duration
    private let timeout: Duration
    private let backoff: Backoff
    private let board: MasterPullBoard
    private let clock: any Clock<Duration>
    private let logger: Logger
    private let http: CurlHTTPClient

    init(
        store: any PlantStore, hubURL: String, token: String, plantID: String, interval: Duration, timeout: Duration,
        backoff: Backoff, board: MasterPullBoard, clock: any Clock<Duration> = ContinuousClock(), logger: Logger
    ) throws {
        self.store = store
        endpoint = hubURL.trimmingSuffix("/") + "/v1/plants/\(plantID)/masters"
        self.token = token
        self.interval = interval
        self.timeout = timeout
        self.backoff = backoff
        self.board = board
        self.clock = clock
        self.logger = logger
        http = try CurlHTTPClient()
    }

    /// Largest accepted answer: a pull asks for at most `limit` revisions, each a few KiB at most.
    static let maximumAnswer = 64 << 20
    static let limit = 2_000

    func run() async throws {
        let held = try await store.masterState()
        board.update {
            $0.version = held.version
            $0.lastPulledAt = held.pulledAt
        }
        try await cancelWhenGracefulShutdown {
            do {
                try await self.loop()
            } catch is CancellationError {
                // Shutdown came while waiting to retry.
            }
        }
    }

    private func loop() async throws {
        var failures = 0
        var random = SystemRandomNumberGenerator()
        while !Task.isCancelled {
            do {
                try await pullAll()
                failures = 0
                try await clock.sleep(for: interval)
            } catch is CancellationError {
                return
            } catch {
                failures += 1
                let count = failures
                board.update {
                    $0.lastError = "\(error)"
                    $0.consecutiveFailures = count
                }
                logger.warning("master pull failed", metadata: ["error": "\(error)", "failures": "\(count)"])
                try await clock.sleep(for: backoff.delay(afterFailures: count, unit: Double.random(in: 0..<1, using: &random)))
            }
        }
    }

    /// Pulls until the hub has nothing more.
    func pullAll() async throws {
        while true {
            let held = try await store.masterState().version
            let changes = try await fetch(since: held)
            if changes.through != held || changes.reset {
                try await store.applyMasters(changes, at: Date())
                logger.info("masters updated", metadata: [
                    "version": "\(changes.through)", "records": "\(changes.records.count)", "removed": "\(changes.removed.count)",
                ])
            }
            board.update {
                $0.version = changes.through
                $0.lastPulledAt = Date()
                $0.lastError = nil
                $0.consecutiveFailures = 0
            }
            if changes.reset { logger.warning("the hub holds older masters than this plant (restored?); the copy started over") }
            if !changes.more { return }
        }
    }

    private func fetch(since: Int64) async throws -> MasterChanges {
        let response: CurlHTTPClient.Response
        do {
            response = try await http.get(
                url: "\(endpoint)?since=\(since)&limit=\(Self.limit)",
                headers: ["Accept: application/json", "Authorization: Bearer \(token)"], timeout: timeout,
                maximumBody: Self.maximumAnswer)
        } catch let error as CurlHTTPClient.TransportError {
            throw MasterPullError(detail: "the hub cannot be reached: \(error.message)")
        }
        guard response.status == 200 else {
            let problem = try? WireFormat.decoder().decode(ProblemDetails.self, from: response.body)
            throw MasterPullError(detail: "the hub answered \(response.status)\(problem.map { ": \($0.detail)" } ?? "")")
        }
        let changes: MasterChanges
        do {
            changes = try WireFormat.decoder().decode(MasterChanges.self, from: response.body)
        } catch {
            throw MasterPullError(detail: "the hub's answer is not a master change list: \(error)")
        }
        guard changes.since == since, changes.through >= since || changes.reset else {
            throw MasterPullError(detail: "the hub answered for versions \(changes.since)…\(changes.through), asked from \(since)")
        }
        return changes
    }
}

/// A pull that did not get a usable answer.
struct MasterPullError: Error, CustomStringConvertible {
    var detail: String
    var description: String { detail }
}

/// What `/v1/status` shows of the plant's copy of the masters.
public struct MasterPullStatus: Sendable, Equatable, Codable {
    /// The hub master version the plant holds.
    public var version: Int64 = 0
    public var lastPulledAt: Date?
    public var lastError: String?
    public var consecutiveFailures = 0
}

/// Written by the pull service, read by the HTTP API.
typealias MasterPullBoard = StatusBoard<MasterPullStatus>
