import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GantryAgent
import GantryCore
import Testing

/// An HTTP answer as a test sees it.
struct HTTPAnswer {
    var status: Int
    var headers: [String: String]
    var body: Data

    var contentType: String? { headers.first { $0.key.lowercased() == "content-type" }?.value }

    func json() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any], "not a JSON object: \(text)")
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try WireFormat.decoder().decode(T.self, from: body)
    }

    var text: String { String(decoding: body, as: UTF8.self) }
}

/// Real HTTP over loopback, through URLSession (which is libcurl underneath on Linux, a separate client
/// from the agent's own).
enum HTTP {
    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 10
        return URLSession(configuration: configuration)
    }()

    static func request(
        _ method: String, _ url: String, token: String? = nil, json: String? = nil, body: Data? = nil,
        contentType: String = "application/json", headers extra: [String: String] = [:]
    ) async throws -> HTTPAnswer {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let json {
            request.httpBody = Data(json.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        } else if let body {
            request.httpBody = body
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        }
        for (name, value) in extra { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        var headers: [String: String] = [:]
        for (key, value) in http.allHeaderFields { headers["\(key)"] = "\(value)" }
        return HTTPAnswer(status: http.statusCode, headers: headers, body: data)
    }
}

/// Polls `condition` until it holds or `timeout` passes; fails the test with `message` on timeout.
func eventually(
    _ message: String, timeout: Duration = .seconds(60), interval: Duration = .milliseconds(100),
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if (try? await condition()) == true { return }
        try await Task.sleep(for: interval)
    }
    Issue.record("timed out after \(timeout): \(message)")
    throw CancellationError()
}

/// Writes a plant users file (`users.file`) for `users` and returns each one's token by name.
func writePlantUsers(_ users: [(name: String, role: Role)], to path: String) throws -> [String: String] {
    var tokens: [String: String] = [:], lines: [String] = []
    for user in users {
        let (token, line) = try PlantUsers.enrol(name: user.name, role: user.role)
        tokens[user.name] = token
        lines.append(line)
    }
    try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    return tokens
}
