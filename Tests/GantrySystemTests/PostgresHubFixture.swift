import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GantryCore
import GantryHub
import GantryTestSupport
import Testing

/// A hub built in-process over a database of its own on the shared test PostgreSQL cluster, listening on a free
/// loopback port: `withHub`'s fixture on the hub's production backend. `storeTimeout` is how long a request may
/// wait for a pooled connection before the hub answers 503; the default is generous, so a loaded machine never
/// turns waiting into a refusal the test did not mean to provoke.
func withPostgresHub<T: Sendable>(
    storeTimeout: Duration = .seconds(120), poolSize: Int = 10, _ body: (HubFixture) async throws -> T
) async throws -> T {
    var configuration = HubConfiguration()
    configuration.storeURL = try PostgresServer.shared.createDatabase()
    configuration.storeTimeout = storeTimeout
    configuration.storePoolSize = poolSize
    configuration.httpPort = 0
    // As in `withHub`: port 0 has no URL to print at enrolment; the fixture's administration gets the real one.
    configuration.publicURL = "http://127.0.0.1:8480"
    return try await serveHub(configuration, body)
}

/// `GET /v1/kpis`'s body as a client reads it: the nodes with their summed elements.
struct KPIAnswer: Decodable {
    var nodes: [KPINode]

    /// The node of one machine (`level=machine`).
    func machine(_ plant: String, _ line: String, _ machine: String) -> KPINode? {
        nodes.first { $0.plant == plant && $0.line == line && $0.machine == machine }
    }
}

extension HubFixture {
    /// Every machine's KPI elements over `[from, to)` (whole UTC hours), through `GET /v1/kpis?level=machine`.
    func machineKPIs(plant: String? = nil, from: Date, to: Date) async throws -> KPIAnswer {
        let filter = plant.map { "&plant=\($0)" } ?? ""
        let answer = try await HTTP.request(
            "GET", "\(url)/v1/kpis?from=\(Timestamp.format(from))&to=\(Timestamp.format(to))&level=machine\(filter)", token: adminToken)
        try #require(answer.status == 200, "GET /v1/kpis: \(answer.text)")
        return try answer.decode(KPIAnswer.self)
    }
}

/// `HTTP.request` for many requests at once on a loaded machine: a two-minute timeout instead of ten seconds and
/// up to 64 connections to the hub, so that a request queued behind fifty others is never taken for a hung hub.
enum PatientHTTP {
    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 120
        configuration.httpMaximumConnectionsPerHost = 64
        return URLSession(configuration: configuration)
    }()

    static func post(_ url: String, token: String, json: String) async throws -> HTTPAnswer {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = "POST"
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(json.utf8)
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        var headers: [String: String] = [:]
        for (key, value) in http.allHeaderFields { headers["\(key)"] = "\(value)" }
        return HTTPAnswer(status: http.statusCode, headers: headers, body: data)
    }
}

/// The whole UTC hour `date` falls in.
func wholeHour(_ date: Date) -> Date {
    Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 3600).rounded(.down) * 3600)
}
