import Foundation
import GantryCore
import Hummingbird

extension AgentAPI {
    func addMasterRoutes(to router: Router<BasicRequestContext>) {
        MasterRoutes(store: store).add(to: router)
    }
}

/// The plant's read-only view of the hub's masters. Global masters change only at the hub; the plant's
/// copy follows it by version.
struct MasterRoutes: Sendable {
    let store: any MasterCache

    func add(to router: Router<BasicRequestContext>) {
        router.get("/v1/masters") { request, _ in
            try jsonResponse(try await list(kind: request.uri.queryParameters["kind"].map(String.init)))
        }
        router.get("/v1/masters/:kind/:key") { _, context in
            try jsonResponse(try await record(kind: context.parameters.decoded("kind") ?? "", key: context.parameters.decoded("key") ?? ""))
        }
        for method in [HTTPRequest.Method.put, .post, .patch, .delete] {
            for path in ["/v1/masters", "/v1/masters/:kind/:key"] {
                router.on(RouterPath(path), method: method) { _, _ -> Response in
                    throw ProblemDetails(
                        code: "governed-at-hub", title: "Masters are governed at the hub", status: 405,
                        detail: "global masters change only at the hub; this plant receives them by version")
                }
            }
        }
    }

    /// `GET /v1/masters[?kind=…]`: the copy's version and its records.
    func list(kind name: String?) async throws -> PlantMastersBody {
        let kind = try name.map(masterKind)
        let state = try await store.masterState()
        return PlantMastersBody(version: state.version, records: try await store.masters(kind: kind, key: nil))
    }

    /// `GET /v1/masters/:kind/:key`.
    func record(kind name: String, key: String) async throws -> MasterRecord {
        let kind = try masterKind(name)
        guard let record = try await store.masters(kind: kind, key: key).first else {
            throw ProblemDetails(code: "not-found", title: "Not found", status: 404,
                                 detail: "no \(kind.rawValue) \(key) in this plant's copy of the masters")
        }
        return record
    }

    private func masterKind(_ name: String) throws -> MasterKind {
        guard let kind = MasterKind(rawValue: name) else {
            throw ProblemDetails(code: "invalid-query", title: "Invalid query", status: 400,
                                 detail: "no master kind \(name) (kinds: \(MasterKind.allCases.map(\.rawValue).joined(separator: ", ")))", field: "kind")
        }
        return kind
    }
}

struct PlantMastersBody: Codable, Sendable {
    /// The hub master version the copy is at.
    var version: Int64
    var records: [MasterRecord]
}
