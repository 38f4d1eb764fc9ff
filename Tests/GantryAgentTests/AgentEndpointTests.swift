import Foundation
import GantryCore
import GantryTestSupport
@testable import GantryAgent
import Hummingbird
import Logging
import Testing

/// The agent's endpoint table against the router its domains build: no route without a rule, no rule without
/// a route, and every rule pointing at a heading that exists.
@Suite struct AgentEndpointTests {
    @Test func everyRegisteredRouteHasItsRuleAndEveryRuleItsRoute() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLitePlantStore(path: "\(dir)/agent.sqlite", plantID: "ACME-BER")
            let api = AgentAPI(
                store: store, board: SyncStatusBoard(HubLinkStatus()), machines: MQTTStatusBoard(),
                masters: MasterPullBoard(MasterPullStatus()), reasons: DowntimeReasons(),
                configuration: AgentConfiguration(plantID: "ACME-BER", hubURL: "http://127.0.0.1:9", hubToken: "unused"),
                logger: Logger(label: "gantry-test") { _ in SwiftLogNoOpLogHandler() }, now: { Date() })
            let registered = Set(api.router().routes.map { "\($0.method) \($0.path)" })
            let listed = AgentEndpoint.all.map { "\($0.method) \(RouterPath($0.path))" }
            #expect(Set(listed).count == listed.count, "a route is listed once")
            #expect(registered.subtracting(listed).sorted() == [], "routes registered without a rule in AgentEndpoint.all")
            #expect(Set(listed).subtracting(registered).sorted() == [], "rules in AgentEndpoint.all without a route")
        }
    }

    @Test func everyEndpointNamesAHeadingOfTheDocs() throws {
        let docs = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("docs")
        for endpoint in AgentEndpoint.all {
            let parts = endpoint.doc.split(separator: "#", maxSplits: 1).map(String.init)
            try #require(parts.count == 2, "\(endpoint): \(endpoint.doc) names a file and an anchor")
            let text = try String(contentsOf: docs.appendingPathComponent(parts[0]), encoding: .utf8)
            let anchors = Set(text.split(separator: "\n").filter { $0.hasPrefix("#") }.map { Self.anchor(String($0)) })
            #expect(anchors.contains(parts[1]), "\(endpoint): no heading \(endpoint.doc)")
        }
    }

    /// A heading's anchor as GitHub makes it: lower case, letters, digits, `-` and `_` kept, spaces as `-`.
    static func anchor(_ heading: String) -> String {
        let title = heading.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces).lowercased()
        return String(title.compactMap { character -> Character? in
            if character == " " { return "-" }
            return character.isLetter || character.isNumber || character == "-" || character == "_" ? character : nil
        })
    }
}
