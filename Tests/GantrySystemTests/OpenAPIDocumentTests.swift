import Foundation
@testable import GantryAgent
@testable import GantryHub
import Hummingbird
import Testing

/// docs/openapi/hub.json and docs/openapi/agent.json against the endpoint tables: every route described, nothing
/// described that does not exist, each operation's security what the route's access rule asks, and every error
/// answered as a problem document.
@Suite struct OpenAPIDocumentTests {
    /// One operation of a document: its security as the names of the schemes of each alternative (`[[]]` is "none
    /// needed", `[]` open), and the access rule it states (`x-gantry-access`).
    struct Operation: Equatable, CustomStringConvertible {
        var security: [[String]]
        var access: String
        var description: String { "security \(security), access \(access)" }
    }

    @Test func theHubDocumentDescribesEveryEndpointAndNothingElse() throws {
        let document = try Self.operations(in: "hub.json")
        var expected: [String: Operation] = [:]
        for endpoint in HubEndpoint.allCases {
            expected["\(endpoint.method.rawValue) \(Self.openAPIPath(endpoint.path))"] = Self.operation(for: endpoint.access)
        }
        #expect(expected.count == HubEndpoint.allCases.count, "each endpoint has a method and path of its own")
        Self.compare(document, expected)
    }

    @Test func theAgentDocumentDescribesEveryEndpointAndNothingElse() throws {
        let document = try Self.operations(in: "agent.json")
        var expected: [String: Operation] = [:]
        for endpoint in AgentEndpoint.all {
            expected["\(endpoint.method.rawValue) \(Self.openAPIPath(endpoint.path))"] = Self.operation(for: endpoint.access)
        }
        #expect(expected.count == AgentEndpoint.all.count, "each endpoint has a method and path of its own")
        Self.compare(document, expected)
    }

    @Test(arguments: ["hub.json", "agent.json"])
    func everyErrorIsAProblemDocumentAndEverySecuredRouteSaysSo(_ name: String) throws {
        let paths = try #require(try Self.document(name)["paths"] as? [String: [String: Any]])
        for (path, methods) in paths {
            for (method, value) in methods {
                let operation = try #require(value as? [String: Any])
                let responses = try #require(operation["responses"] as? [String: [String: Any]], "\(method) \(path): responses")
                for (status, response) in responses where Int(status).map({ $0 >= 400 }) ?? false {
                    let content = response["content"] as? [String: Any]
                    #expect(content?.keys.sorted() == ["application/problem+json"], "\(method) \(path) \(status): a problem document")
                }
                let security = operation["security"] as? [[String: [String]]] ?? []
                if security.contains(where: { !$0.isEmpty }) && !security.contains(where: \.isEmpty) {
                    #expect(responses["401"] != nil, "\(method) \(path): a route that needs a token answers 401 without one")
                }
            }
        }
    }

    // MARK: The documents

    /// The operations of a document in docs/openapi, keyed `METHOD /path/{name}`.
    static func operations(in name: String) throws -> [String: Operation] {
        let paths = try #require(try document(name)["paths"] as? [String: [String: Any]], "\(name) has paths")
        var operations: [String: Operation] = [:]
        for (path, methods) in paths {
            for (method, value) in methods {
                let operation = try #require(value as? [String: Any], "\(method) \(path) is an object")
                let security = try #require(operation["security"] as? [[String: [String]]], "\(method) \(path) states its security")
                operations["\(method.uppercased()) \(path)"] = Operation(
                    security: security.map { $0.keys.sorted() }, access: operation["x-gantry-access"] as? String ?? "")
            }
        }
        return operations
    }

    static func document(_ name: String) throws -> [String: Any] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let data = try Data(contentsOf: root.appendingPathComponent("docs/openapi/\(name)"))
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(document["openapi"] as? String == "3.1.0", "\(name) is OpenAPI 3.1")
        return document
    }

    /// A route pattern as OpenAPI writes it: `:name` is `{name}`.
    static func openAPIPath(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
    }

    static func compare(_ document: [String: Operation], _ expected: [String: Operation]) {
        let missing = Set(expected.keys).subtracting(document.keys).sorted()
        let extra = Set(document.keys).subtracting(expected.keys).sorted()
        #expect(missing == [], "routes the document does not describe")
        #expect(extra == [], "operations the document describes that no route serves")
        for (route, operation) in expected.sorted(by: { $0.key < $1.key }) {
            guard let described = document[route] else { continue }
            #expect(described == operation, "\(route)")
        }
    }

    // MARK: What each access rule asks, in OpenAPI terms

    static func operation(for access: HubEndpoint.Access) -> Operation {
        switch access {
        case .open: Operation(security: [], access: "open")
        case .plant(let permission): Operation(security: [["plantToken"]], access: "plant:\(permission.rawValue)")
        case .principal(let permission): Operation(security: [["principalToken"]], access: "principal:\(permission.rawValue)")
        case .masterWriter: Operation(security: [["principalToken"]], access: "masterWriter")
        }
    }

    static func operation(for access: AgentEndpoint.Access) -> Operation {
        switch access {
        case .local: Operation(security: [], access: "local")
        // The token is needed only when the body asks for an override: none, or a plant user's.
        case .localWithOverride: Operation(security: [[], ["plantUser"]], access: "localWithOverride")
        case .plantUser: Operation(security: [["plantUser"]], access: "plantUser")
        case .governedAtHub: Operation(security: [], access: "governedAtHub")
        }
    }
}
