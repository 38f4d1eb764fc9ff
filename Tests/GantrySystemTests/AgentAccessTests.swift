import Foundation
import GantryAgent
import GantryCore
import GantryTestSupport
import Testing

/// Each route of the agent's local API, asked without a token over real HTTP, answers as its rule in
/// `AgentEndpoint.all` says: plant-user routes `401`, master writes `405`, the rest reach their route.
@Suite struct AgentAccessTests {
    @Test func eachRouteAsksOfItsCallerWhatItsRuleSays() async throws {
        try await withTemporaryDirectory { dir in
            _ = try writePlantUsers([("alice", .buyer)], to: "\(dir)/users")
            try await withAgent(
                plantID: "ACME-BER", hubURL: "http://127.0.0.1:9", token: "unused", dir: dir,
                configure: { $0.usersFile = "\(dir)/users" }
            ) { agent in
                for endpoint in AgentEndpoint.all {
                    let path = endpoint.path.split(separator: "/").map { $0.hasPrefix(":") ? "X" : String($0) }.joined(separator: "/")
                    let body = [.get, .delete].contains(endpoint.method) ? nil : "{}"
                    let answer = try await HTTP.request(endpoint.method.rawValue, "\(agent)/\(path)", json: body)
                    // A problem's code is the end of its type (`urn:gantry:problem:CODE`).
                    let code = ((try? answer.json())?["type"] as? String)?.split(separator: ":").last.map(String.init)
                    switch endpoint.access {
                    case .plantUser:
                        #expect(answer.status == 401 && code == "unauthenticated", "\(endpoint): \(answer.status) \(answer.text)")
                    case .governedAtHub:
                        #expect(answer.status == 405 && code == "governed-at-hub", "\(endpoint): \(answer.status) \(answer.text)")
                    case .local, .localWithOverride:
                        #expect(![401, 403, 405].contains(answer.status) && code != "http-404", "\(endpoint): \(answer.status) \(answer.text)")
                    }
                }
            }
        }
    }
}
