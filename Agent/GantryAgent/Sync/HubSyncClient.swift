import Foundation
import GantryCore
import GantryWeb
import Synchronization

/// What came of sending one batch, in the terms of the sync state machine.
enum SyncOutcome: Sendable, Equatable {
    /// The hub applied everything through the given sequence.
    case acknowledged(through: Int64)
    /// The hub expects another sequence next (the batch started past it, or the hub went back).
    case refused(expected: Int64)
    /// The hub refused the batch for a reason a retry will not fix.
    case rejected(ProblemDetails)
    /// No usable answer: connection failure, timeout, 5xx, or a response that is not the protocol.
    case unavailable(String)
}

/// One batch sent: what came of it, and its body's size before and after compression.
struct SyncExchange: Sendable, Equatable {
    var outcome: SyncOutcome
    /// Bytes of the JSON body.
    var jsonBytes: Int
    /// Bytes of the body as sent (gzip, or the JSON itself).
    var wireBytes: Int
    /// True when the hub did not take a gzip body and this one went (and later ones go) plain.
    var fellBackToPlain = false
}

/// Sends sync batches to the hub's `POST /v1/sync/batches` over libcurl and classifies the answers. Bodies go
/// gzip-compressed (`Content-Encoding: gzip`) unless `compress` is off; a hub that does not take gzip (an older one
/// answers 400 `malformed-body`, another server 415) gets the same batch again plain, and every later one plain.
struct HubSyncClient: Sendable {
    let endpoint: String
    let token: String
    let timeouts: SyncStateMachine.Timeouts
    let compress: Bool
    private let http: CurlHTTPClient
    /// The agent's clock, sent in `X-Gantry-Agent-Time`, and where the hub's clock in each answer is compared with it.
    var now: @Sendable () -> Date = { Date() }
    var clock: ClockSkewWatch?
    private let hubTakesGzip: GzipSupport

    /// How long one request may take in all.
    var timeout: Duration { timeouts.request }

    init(hubURL: String, token: String, timeout: Duration, tls: HubTLSClientSettings = HubTLSClientSettings()) throws {
        try self.init(hubURL: hubURL, token: token, timeouts: SyncStateMachine.Timeouts(request: timeout), tls: tls)
    }

    init(
        hubURL: String, token: String, timeouts: SyncStateMachine.Timeouts, compress: Bool = true,
        tls: HubTLSClientSettings = HubTLSClientSettings()
    ) throws {
        endpoint = hubURL.trimmingSuffix("/") + "/v1/sync/batches"
        self.token = token
        self.timeouts = timeouts
        self.compress = compress
        http = try CurlHTTPClient(tls: tls)
        hubTakesGzip = GzipSupport()
    }

    /// Sends a batch body (`SyncBatch.body`).
    func send(body: Data) async throws -> SyncOutcome {
        try await send(body: body, requestID: RequestID.make())
    }

    /// Sends a batch body with `requestID` in `X-Request-Id`: the hub logs it on its access line, the sync service
    /// on its own, so one batch can be followed across both logs.
    func send(body: Data, requestID: String) async throws -> SyncOutcome {
        try await exchange(body: body, requestID: requestID).outcome
    }

    /// Sends a batch body and says how large it was on the wire.
    func exchange(body: Data, requestID: String) async throws -> SyncExchange {
        guard compress, hubTakesGzip.value else {
            return SyncExchange(outcome: try await post(body, gzip: false, requestID: requestID), jsonBytes: body.count, wireBytes: body.count)
        }
        let packed = Gzip.compress(body)
        let answer: CurlHTTPClient.Response
        do {
            answer = try await transmit(packed, gzip: true, requestID: requestID)
        } catch let error as CurlHTTPClient.TransportError {
            return SyncExchange(outcome: Self.unavailable(error), jsonBytes: body.count, wireBytes: packed.count)
        }
        guard Self.refusesGzip(status: answer.status, body: answer.body) else {
            return SyncExchange(outcome: Self.classify(status: answer.status, body: answer.body), jsonBytes: body.count, wireBytes: packed.count)
        }
        hubTakesGzip.value = false
        let plain = try await post(body, gzip: false, requestID: requestID)
        return SyncExchange(outcome: plain, jsonBytes: body.count, wireBytes: packed.count + body.count, fellBackToPlain: true)
    }

    private func post(_ body: Data, gzip: Bool, requestID: String) async throws -> SyncOutcome {
        do {
            let response = try await transmit(body, gzip: gzip, requestID: requestID)
            return Self.classify(status: response.status, body: response.body)
        } catch let error as CurlHTTPClient.TransportError {
            return Self.unavailable(error)
        }
    }

    /// One request with the agent's clock in `X-Gantry-Agent-Time`; the hub's clock in its answer goes to the clock
    /// watch, whatever the body's coding.
    private func transmit(_ body: Data, gzip: Bool, requestID: String) async throws -> CurlHTTPClient.Response {
        let sentAt = now()
        let response = try await http.post(
            url: endpoint, headers: headers(requestID: requestID, gzip: gzip, sentAt: sentAt), body: body, timeouts: timeouts)
        clock?.answered(status: response.status, body: response.body, sentAt: sentAt, answeredAt: now())
        return response
    }

    private func headers(requestID: String, gzip: Bool, sentAt: Date) -> [String] {
        var headers = [
            "Content-Type: application/json", "Accept: application/json", "Authorization: Bearer \(token)",
            "\(RequestID.header): \(requestID)", "\(ClockSkew.agentTimeHeader): \(Timestamp.format(sentAt))",
            // No `Expect: 100-continue`: on a link with a long round trip, waiting for the hub's go-ahead costs one.
            "Expect:",
        ]
        if gzip { headers.append("Content-Encoding: gzip") }
        return headers
    }

    private static func unavailable(_ error: CurlHTTPClient.TransportError) -> SyncOutcome {
        .unavailable(error.isTLSFailure ? HubTLSClientSettings.failure(error.message) : error.message)
    }

    /// Whether the answer to a gzip body says the hub cannot read gzip: 415, or the 400 `malformed-body` of a hub
    /// that reads the compressed bytes as JSON.
    static func refusesGzip(status: Int, body: Data) -> Bool {
        if status == 415 { return true }
        guard status == 400, let problem = try? WireFormat.decoder().decode(ProblemDetails.self, from: body) else { return false }
        return problem.code == "malformed-body" && !problem.detail.contains("gzip")
    }

    static func classify(status: Int, body: Data) -> SyncOutcome {
        let decoder = WireFormat.decoder()
        switch status {
        case 200:
            guard let ack = try? decoder.decode(SyncAcknowledgement.self, from: body),
                  (0...SyncBatch.maximumSequence).contains(ack.acknowledgedThrough)
            else {
                return .unavailable("the hub answered 200 without a valid acknowledgement")
            }
            return .acknowledged(through: ack.acknowledgedThrough)
        case 408, 429, 500...599:
            return .unavailable("the hub answered \(status)")
        default:
            let problem = (try? decoder.decode(ProblemDetails.self, from: body)) ?? ProblemDetails(
                code: "http-\(status)", title: "Unexpected response", status: status,
                detail: String(decoding: body.prefix(300), as: UTF8.self))
            if status == 409, problem.code == "sequence-gap", let expected = problem.expectedSequence,
               (1...SyncBatch.maximumSequence).contains(expected) {
                return .refused(expected: expected)
            }
            return status >= 400 && status < 500 ? .rejected(problem) : .unavailable("the hub answered \(status)")
        }
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        var text = self
        while text.hasSuffix(suffix) { text.removeLast(suffix.count) }
        return text
    }
}

/// Whether the hub has taken gzip bodies so far: true until it refuses one. `Sendable` through its atomic.
private final class GzipSupport: Sendable {
    private let state = Atomic<Bool>(true)

    var value: Bool {
        get { state.load(ordering: .relaxed) }
        set { state.store(newValue, ordering: .relaxed) }
    }
}
