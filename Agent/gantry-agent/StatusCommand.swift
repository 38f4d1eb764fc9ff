import ArgumentParser
import Foundation
import GantryAgent
import GantryCore

/// `gantry-agent status`: where the running agent's log stands and how fast its backlog drains, asked of its
/// local API (`GET /v1/status`).
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the running agent's backlog, last acknowledged sequence, the hub's reachability, catch-up rate and time to drain.",
        discussion: "Exits 1 with a message when no agent answers at --agent.")

    @Option(help: "The agent's local API.") var agent: String = "http://127.0.0.1:8080"
    @Flag(help: "Print the agent's status document (GET /v1/status) as JSON.") var json = false

    func run() async throws {
        let text: String
        do {
            text = try await LocalAPIClient(agentURL: agent).send("GET", "/v1/status")
        } catch let error as LocalAPIError {
            throw CommandLineError("\(error.message) (is gantry-agent running, and is --agent its http.host and http.port?)")
        }
        if json {
            print(text)
            return
        }
        let status = try WireFormat.decoder().decode(StatusView.self, from: Data(text.utf8))
        print(status.table(now: Date()).table(), terminator: "")
    }
}

/// The fields of `GET /v1/status` the table shows.
struct StatusView: Decodable {
    struct Hub: Decodable {
        var reachable: Bool
        var lastContactAt: Date?
        var lastError: String?
        var unreachableSince: Date?
        var sendRate: Double?
        var catchingUp: Bool?
        var alarm: String?
    }

    struct Backlog: Decodable {
        var events: Int64
        var bytes: Int64
        var oldestAgeSeconds: Double
        var drainSeconds: Double?
    }

    var plantId: String
    var lastSequence: Int64
    var acknowledgedSequence: Int64
    var hub: Hub
    var backlog: Backlog
    var alarms: [String]
    /// The plant's clock against the hub's, once measured (agents before it leave it out).
    var clock: ClockView?
    /// The store's disk (agents before it leave it out).
    var store: StoreView?

    struct ClockView: Decodable {
        var skewSeconds: Double
        var thresholdSeconds: Double
    }

    struct StoreView: Decodable {
        var freeBytes: Int64
        var reserveBytes: Int64
    }

    /// Two columns, one fact a row, under the headers FIELD and VALUE.
    func table(now: Date) -> ListOutput {
        let hubState: String
        if hub.reachable {
            hubState = "reachable" + (hub.lastContactAt.map { ", last answer \(Timestamp.format($0))" } ?? "")
        } else if let since = hub.unreachableSince {
            hubState = "unreachable since \(Timestamp.format(since)) (\(Self.duration(now.timeIntervalSince(since))))"
        } else {
            hubState = "not reached yet"
        }
        var rows: [[String?]] = [
            ["plant", plantId],
            ["backlog events", "\(backlog.events)"],
            ["backlog bytes", "\(backlog.bytes)"],
            ["oldest unsent", backlog.events > 0 ? Self.duration(backlog.oldestAgeSeconds) + " ago" : "—"],
            ["last sequence", "\(lastSequence)"],
            ["last acknowledged", "\(acknowledgedSequence)"],
            ["hub", hubState],
            ["catching up", hub.catchingUp == true ? "yes" : "no"],
            ["catch-up rate", hub.sendRate.map { String(format: "%.1f events/s", $0) } ?? "—"],
            ["time to drain", backlog.drainSeconds.map(Self.duration) ?? "—"],
            ["alarms", alarms.isEmpty ? "none" : alarms.joined(separator: ", ")],
        ]
        if let clock {
            let way = clock.skewSeconds >= 0 ? "ahead of" : "behind"
            rows.append(["clock", String(format: "%.1fs ", abs(clock.skewSeconds)) + "\(way) the hub's (alarm beyond \(Int(clock.thresholdSeconds))s)"])
        }
        if let store { rows.append(["store disk free", "\(store.freeBytes) bytes (reserve \(store.reserveBytes))"]) }
        if let error = hub.lastError { rows.append(["last error", error]) }
        return ListOutput(columns: ["field", "value"], rows: rows)
    }

    /// Seconds as `45s`, `12m 5s` or `3h 20m`.
    static func duration(_ seconds: Double) -> String {
        let whole = Int(max(seconds, 0).rounded())
        if whole < 60 { return "\(whole)s" }
        if whole < 3600 { return "\(whole / 60)m \(whole % 60)s" }
        return "\(whole / 3600)h \(whole % 3600 / 60)m"
    }
}
