import Foundation
import GantryCore

/// The command line's way to the local API: a request, and its answer or problem as text for the operator.
public struct LocalAPIClient: Sendable {
    let base: String
    /// A plant user's token, for the requests that need one (approvals).
    let token: String?

    public init(agentURL: String, token: String? = nil) {
        base = agentURL.hasSuffix("/") ? String(agentURL.dropLast()) : agentURL
        self.token = token
    }

    /// Sends the request; returns the JSON answer as text, or throws the problem's detail.
    public func send(_ method: String, _ path: String, body: JSONValue? = nil) async throws -> String {
        let http = try CurlHTTPClient()
        let response: CurlHTTPClient.Response
        let headers = ["Accept: application/json"] + (token.map { ["Authorization: Bearer \($0)"] } ?? [])
        do {
            if method == "GET" {
                response = try await http.get(url: base + path, headers: headers, timeout: .seconds(30), maximumBody: 64 << 20)
            } else {
                response = try await http.send(
                    method: method, url: base + path, headers: headers + ["Content-Type: application/json"],
                    body: Data((body ?? .object([:])).canonicalText.utf8), timeout: .seconds(30))
            }
        } catch let error as CurlHTTPClient.TransportError {
            throw LocalAPIError(message: "the agent at \(base) cannot be reached: \(error.message)")
        }
        let text = String(decoding: response.body, as: UTF8.self)
        guard (200..<300).contains(response.status) else {
            if case .object(let problem)? = try? JSONValue.parse(text), case .string(let detail)? = problem["detail"] {
                throw LocalAPIError(message: detail)
            }
            throw LocalAPIError(message: "the agent answered \(response.status)")
        }
        return text
    }
}

/// A refused or failed local API request, said plainly.
public struct LocalAPIError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
