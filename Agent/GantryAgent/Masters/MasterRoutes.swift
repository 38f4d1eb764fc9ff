import Foundation
import GantryCore
import Hummingbird

/// The plant's read-only view of the hub's masters. Global masters change only at the hub; the plant's
/// copy follows it by version.
extension AgentAPI {
    func addMasterRoutes(to router: Router<BasicRequestContext>) {
        router.get("/v1/masters") { request, _ in
            let kind = try request.uri.queryParameters["kind"].map { try masterKind(String($0)) }
            let state = try await store.masterState()
            return try jsonResponse(PlantMastersBody(version: state.version, records: try await store.masters(kind: kind, key: nil)))
        }
        router.get("/v1/masters/:kind/:key") { _, context in
            let kind = try masterKind(context.parameters.decoded("kind") ?? "")
            let key = context.parameters.decoded("key") ?? ""
            guard let record = try await store.masters(kind: kind, key: key).first else {
                throw ProblemDetails(code: "not-found", title: "Not found", status: 404,
                                     detail: "no \(kind.rawValue) \(key) in this plant's copy of the masters")
            }
            return try jsonResponse(record)
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

    private func masterKind(_ name: String) throws -> MasterKind {
        guard let kind = MasterKind(rawValue: name) else {
            throw invalidQuery("kind", "no master kind \(name) (kinds: \(MasterKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return kind
    }
}

struct PlantMastersBody: Encodable, Sendable {
    /// The hub master version the copy is at.
    var version: Int64
    var records: [MasterRecord]
}
