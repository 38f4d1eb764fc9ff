import Foundation
import GantryCore

/// `gantry-agent recover --from-hub`: brings a store restored from an older backup level with what the hub holds
/// of the plant's log, so the agent continues after it and never records a new fact at a sequence the hub holds
/// another at (the hub refuses such a log with `plant-log-behind`). The hub's events are appended to the log as
/// they are; what `LogRecovery` decides, this carries out, a page at a time. Run it with the agent stopped (the
/// store's lock makes sure).
///
/// The recovered events are in the log and acknowledged; they are not projected into the plant's local views
/// (stock, work orders, …), which stay as the backup had them: the hub's figures are whole, the plant's lack
/// what happened between the backup and the loss.
public enum AgentRecovery {
    /// What a recovery did.
    public struct Outcome: Sendable, Equatable {
        /// The log's end before, and the events appended (none: the hub held nothing beyond it).
        public var headBefore: Int64
        public var recovered: Int
        public var headAfter: Int64

        /// The lines `gantry-agent recover` prints.
        public var text: String {
            guard recovered > 0 else {
                return "nothing to recover: the hub holds nothing of this plant beyond sequence \(headBefore); start the agent"
            }
            return """
                recovered \(recovered) events from the hub (sequences \(headBefore + 1)–\(headAfter)); the log continues at \(headAfter + 1)
                they are in the log and acknowledged, not replayed into this plant's local views (stock, work orders): those stay as the backup had them
                start the agent
                """
        }
    }

    /// Fetches the events the hub holds beyond the store's end with `token` (a principal allowed to read events,
    /// e.g. an `auditor` of the plant's company: the plant's own token may not read the feed) and appends them.
    public static func fromHub(_ configuration: AgentConfiguration, token: String, pageSize: Int = 1000) async throws -> Outcome {
        let store: SQLitePlantStore
        do {
            store = try SQLitePlantStore(path: configuration.storePath, plantID: configuration.plantID, durability: configuration.durability)
        } catch let error as StoreError {
            throw CommandLineError("\(error) (stop the agent before recovering its store)")
        }
        let http = try CurlHTTPClient(tls: configuration.hubTLS)
        var end = try await store.logEnd()
        let before = end.head
        var recovered = 0
        while true {
            let page = try await feed(
                http, configuration, token: token, after: max(end.head - 1, 0), limit: pageSize)
            let append: [EventEnvelope]
            do {
                append = try LogRecovery.decide(localHead: end.head, localLastID: end.id, hubPage: page)
            } catch {
                throw CommandLineError("cannot recover \(configuration.storePath) from the hub: \(error.detail)")
            }
            guard let last = append.last else { break }
            try await store.appendRecovered(append)
            recovered += append.count
            end = (last.sequence, last.id)
        }
        return Outcome(headBefore: before, recovered: recovered, headAfter: end.head)
    }

    /// A page of the hub's event feed for the plant, after `after`.
    static func feed(
        _ http: CurlHTTPClient, _ configuration: AgentConfiguration, token: String, after: Int64, limit: Int
    ) async throws -> [EventEnvelope] {
        let base = configuration.hubURL.hasSuffix("/") ? String(configuration.hubURL.dropLast()) : configuration.hubURL
        let url = "\(base)/v1/events?plant=\(configuration.plantID)&after=\(after)&limit=\(limit)"
        let response: CurlHTTPClient.Response
        do {
            response = try await http.get(
                url: url, headers: ["Accept: application/json", "Authorization: Bearer \(token)"],
                timeout: configuration.requestTimeout, maximumBody: 256 << 20)
        } catch let error as CurlHTTPClient.TransportError {
            throw CommandLineError("the hub at \(base) cannot be reached: \(error.message)")
        }
        guard response.status == 200 else {
            let problem = try? WireFormat.decoder().decode(ProblemDetails.self, from: response.body)
            throw CommandLineError(
                "the hub answered \(response.status) to GET /v1/events\(problem.map { ": \($0.code): \($0.detail)" } ?? "")"
                    + (response.status == 401 || response.status == 403
                        ? " (--token must be a principal that may read the plant's events, e.g. gantry-hub tokens add --role auditor)" : ""))
        }
        do {
            return try WireFormat.decoder().decode(Feed.self, from: response.body).events
        } catch {
            throw CommandLineError("the hub's answer to GET /v1/events cannot be read: \(error)")
        }
    }

    /// The event feed's body, as far as recovery reads it.
    struct Feed: Decodable {
        var events: [EventEnvelope]
    }
}
