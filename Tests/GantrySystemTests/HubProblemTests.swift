import Foundation
import GantryCore
@testable import GantryHub
import Hummingbird
import Testing

/// Every refusal the hub's routes throw carries its own answer: status, problem code and headers.
@Suite struct HubProblemTests {
    struct Expected: Sendable, CustomTestStringConvertible {
        var error: any ProblemReporting
        var status: Int
        var code: String
        var retryAfter: String?

        var testDescription: String { "\(type(of: error)) \(code)" }
    }

    static let malformedChangeSet: any ProblemReporting = {
        do {
            _ = try MasterChangeSet.read(Data("{".utf8))
        } catch let malformed as MasterChangeSet.Malformed {
            return malformed
        } catch {}
        return ProblemDetails(code: "unreachable", title: "", status: 0, detail: "")
    }()

    static let expected: [Expected] = [
        Expected(error: HubStoreError(.unavailable, "gone"), status: 503, code: "store-unavailable", retryAfter: "5"),
        Expected(error: HubStoreError(.notFound, "no plant"), status: 404, code: "not-found"),
        Expected(error: HubStoreError(.duplicate, "taken"), status: 409, code: "duplicate"),
        Expected(error: HubStoreError(.versionConflict, "changed"), status: 409, code: "version-conflict"),
        Expected(error: HubStoreError(.newerSchema, "newer"), status: 500, code: "internal"),
        Expected(error: HubStoreError(.credentials, "refused"), status: 500, code: "internal"),
        Expected(error: AccessDenied("not yours"), status: 403, code: "forbidden"),
        Expected(error: MastersRefused(problems: [], invalid: []), status: 422, code: "invalid-masters"),
        Expected(error: IdentifierError(reason: "bad code"), status: 422, code: "invalid-request"),
        Expected(error: ConfigurationError(key: "http.public_url", origin: nil, reason: "unreachable"), status: 409, code: "hub-configuration"),
        Expected(error: malformedChangeSet, status: 422, code: "invalid-request"),
        Expected(error: SyncBatchError(code: .wrongPlant, detail: "other plant"), status: 403, code: "wrong-plant"),
        Expected(error: SyncBatchError(code: .sequenceConflict, detail: "diverged"), status: 409, code: "sequence-conflict"),
        Expected(error: SyncBatchError(code: .invalidSequence, detail: "gap"), status: 422, code: "invalid-sequence"),
        Expected(error: SyncBatchError(code: .invalidEvent, detail: "year 10000"), status: 422, code: "invalid-event"),
        Expected(error: ShippingRefusal(.unknownCounterpart, "no transfer price"), status: 422, code: "unknown-counterpart"),
        Expected(error: ShippingRefusal(.invalid, "a date YYYY-MM-DD", field: "requested"), status: 422, code: "invalid"),
        Expected(error: ShippingRefusal(.settledAlready, "settled"), status: 409, code: "settled-already"),
    ]

    @Test(arguments: expected) func aRefusalCarriesItsStatusCodeAndHeaders(_ expected: Expected) {
        let problem = expected.error.problem
        #expect(problem.status == expected.status && problem.code == expected.code, "\(problem)")
        #expect((expected.error as? any ProblemHeaders)?.problemHeaders[.retryAfter] == expected.retryAfter)
    }
}
