import Foundation
import GantryCore

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

/// Sends sync batches to the hub's `POST /v1/sync/batches` over libcurl and classifies the answers.
struct HubSyncClient: Sendable {
    let endpoint: String
    let token: String
    let timeout: Duration
    private let http: CurlHTTPClient
    /// The agent's clock, sent in `X-Gantry-Agent-Time`, and where the hub's clock in each answer is compared with it.
    var now: @Sendable () -> Date = { Date() }
    var clock: ClockSkewWatch?

    init(hubURL: String, token: String, timeout: Duration, tls: HubTLSClientSettings = HubTLSClientSettings()) throws {
        endpoint = hubURL.trimmingSuffix("/") + "/v1/sync/batches"
        self.token = token
        self.timeout = timeout
        http = try CurlHTTPClient(tls: tls)
    }

    /// Sends a batch body (`SyncBatch.body`).
    func send(body: Data) async throws -> SyncOutcome {
        try await send(body: body, requestID: RequestID.make())
    }

    /// Sends a batch body with `requestID` in `X-Request-Id`: the hub logs it on its access line, the sync service
    /// on its own, so one batch can be followed across both logs.
    func send(body: Data, requestID: String) async throws -> SyncOutcome {
        let response: CurlHTTPClient.Response
        let sentAt = now()
        do {
            response = try await http.post(
                url: endpoint,
                headers: [
                    "Content-Type: application/json", "Accept: application/json", "Authorization: Bearer \(token)",
                    "\(RequestID.header): \(requestID)", "\(ClockSkew.agentTimeHeader): \(Timestamp.format(sentAt))",
                ],
                body: body, timeout: timeout)
        } catch let error as CurlHTTPClient.TransportError {
            return .unavailable(error.isTLSFailure ? HubTLSClientSettings.failure(error.message) : error.message)
        }
        clock?.answered(status: response.status, body: response.body, sentAt: sentAt, answeredAt: now())
        return Self.classify(status: response.status, body: response.body)
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
