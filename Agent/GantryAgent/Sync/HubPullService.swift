import Foundation
import GantryCore
import Logging
import ServiceLifecycle

/// Keeps the plant's copy of the hub's masters current, then takes the hub's instructions to the plant (demand,
/// decisions on requests above its limit): asks for what changed since what the plant holds, applies each answer
/// in one transaction, and asks again while more waits. Offline, the plant works on what it has; failures back off
/// and retry, and the next answer picks up exactly where the plant stands.
final class HubPullService: Service {
    private let store: any MasterCache & ApprovalStore
    private let endpoint: String
    private let instructionsEndpoint: String
    private let demandDefaults: DemandDefaults
    fileprivate let token: String
    private let interval: Duration
    fileprivate let timeout: Duration
    private let backoff: Backoff
    private let board: MasterPullBoard
    private let clock: any Clock<Duration>
    /// The agent's clock: when masters were applied and pulled.
    private let now: @Sendable () -> Date
    private let logger: Logger
    fileprivate let http: CurlHTTPClient

    init(
        store: any MasterCache & ApprovalStore, hubURL: String, token: String, plantID: String, interval: Duration, timeout: Duration,
        backoff: Backoff, board: MasterPullBoard, demandDefaults: DemandDefaults, clock: any Clock<Duration> = ContinuousClock(),
        now: @escaping @Sendable () -> Date, logger: Logger, tls: HubTLSClientSettings = HubTLSClientSettings()
    ) throws {
        self.store = store
        endpoint = hubURL.trimmingSuffix("/") + "/v1/plants/\(plantID)/masters"
        instructionsEndpoint = hubURL.trimmingSuffix("/") + "/v1/plants/\(plantID)/instructions"
        self.demandDefaults = demandDefaults
        self.token = token
        self.interval = interval
        self.timeout = timeout
        self.backoff = backoff
        self.board = board
        self.clock = clock
        self.now = now
        self.logger = logger
        http = try CurlHTTPClient(tls: tls)
    }

    /// Largest accepted answer: a pull asks for at most `limit` revisions, each a few KiB at most.
    static let maximumAnswer = 64 << 20
    static let limit = 2_000

    func run() async throws {
        let held = try await store.masterState()
        let applied = try await store.instructionsApplied()
        board.update {
            $0.version = held.version
            $0.lastPulledAt = held.pulledAt
            $0.instructionsApplied = applied
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
                // Healthy only once masters and instructions both came through.
                board.update {
                    $0.lastError = nil
                    $0.consecutiveFailures = 0
                }
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
                logger.warning("pull from the hub failed", metadata: ["error": "\(error)", "failures": "\(count)"])
                try await clock.sleep(for: backoff.delay(afterFailures: count, unit: Double.random(in: 0..<1, using: &random)))
            }
        }
    }

    /// Pulls masters, then instructions (demand may name an item the same pull brought), until the hub has
    /// nothing more.
    func pullAll() async throws {
        try await pullMasters()
        try await pullInstructions()
    }

    private func pullInstructions() async throws {
        while true {
            let applied = try await store.instructionsApplied()
            let answer = try await fetch(PlantInstructions.self, from: "\(instructionsEndpoint)?after=\(applied)", what: "an instruction list")
            guard answer.after == applied else {
                throw MasterPullError(detail: "the hub answered instructions after \(answer.after), asked after \(applied)")
            }
            if let latest = answer.latest, latest < applied {
                // Taking the hub's next numbers would skip instructions this plant never saw; an operator decides.
                throw MasterPullError(detail: """
                    the hub's instructions for this plant end at \(latest), but the plant applied through \(applied): the hub was \
                    restored from an older backup; no instruction is taken until that is resolved (docs/approvals.md)
                    """)
            }
            if !answer.instructions.isEmpty {
                try await store.applyInstructions(answer.instructions, defaults: demandDefaults)
                logger.info("instructions applied", metadata: [
                    "through": "\(answer.instructions.map(\.sequence).max() ?? applied)", "count": "\(answer.instructions.count)",
                ])
            }
            let through = try await store.instructionsApplied()
            board.update { $0.instructionsApplied = through }
            if !answer.more { return }
        }
    }

    private func pullMasters() async throws {
        while true {
            let held = try await store.masterState().version
            let changes = try await fetch(since: held)
            if changes.through != held || changes.reset {
                try await store.applyMasters(changes, at: now())
                logger.info("masters updated", metadata: [
                    "version": "\(changes.through)", "records": "\(changes.records.count)", "removed": "\(changes.removed.count)",
                ])
            }
            board.update {
                $0.version = changes.through
                $0.lastPulledAt = now()
            }
            if changes.reset { logger.warning("the hub holds older masters than this plant (restored?); the copy started over") }
            if !changes.more { return }
        }
    }

    private func fetch(since: Int64) async throws -> MasterChanges {
        let changes = try await fetch(MasterChanges.self, from: "\(endpoint)?since=\(since)&limit=\(Self.limit)", what: "a master change list")
        guard changes.since == since, changes.through >= since || changes.reset else {
            throw MasterPullError(detail: "the hub answered for versions \(changes.since)…\(changes.through), asked from \(since)")
        }
        return changes
    }
}

extension HubPullService {
    fileprivate func fetch<T: Decodable>(_ type: T.Type, from url: String, what: String) async throws -> T {
        let response: CurlHTTPClient.Response
        // The hub logs this id on its access line, so a failed pull can be found in both logs.
        let requestID = RequestID.make()
        do {
            response = try await http.get(
                url: url, headers: ["Accept: application/json", "Authorization: Bearer \(token)", "\(RequestID.header): \(requestID)"],
                timeout: timeout,
                maximumBody: Self.maximumAnswer)
        } catch let error as CurlHTTPClient.TransportError {
            throw MasterPullError(detail: error.isTLSFailure ? HubTLSClientSettings.failure(error.message) : "the hub cannot be reached: \(error.message)")
        }
        guard response.status == 200 else {
            let problem = try? WireFormat.decoder().decode(ProblemDetails.self, from: response.body)
            throw MasterPullError(
                detail: "the hub answered \(response.status)\(problem.map { ": \($0.detail)" } ?? "") (request \(requestID))")
        }
        do {
            return try WireFormat.decoder().decode(T.self, from: response.body)
        } catch {
            throw MasterPullError(detail: "the hub's answer is not \(what): \(error)")
        }
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
    /// The newest of the hub's instructions to this plant applied.
    public var instructionsApplied: Int64 = 0
}

/// Written by the pull service, read by the HTTP API.
typealias MasterPullBoard = StatusBoard<MasterPullStatus>
