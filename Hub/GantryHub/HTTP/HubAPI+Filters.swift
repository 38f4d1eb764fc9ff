import Foundation
import GantryCore
import Hummingbird

/// The `plant=`, `company=` and `item=` filters of the hub's reports, read one way everywhere: a malformed
/// value is `400 invalid-query`, one outside the principal's companies `403`, an unknown one `404` — never an
/// empty answer that looks like "nothing happened there".
extension HubAPI {
    /// `plant=`: an enrolled plant within `scope`, as its id; nil when absent (and not `required`).
    func plantFilter(_ query: Parameters, scope: CompanyScope, required: Bool = false) async throws -> String? {
        guard let text = query["plant"].map(String.init) else {
            if required { throw invalidQuery("plant", "the plant query parameter is required") }
            return nil
        }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let identity = try? PlantIdentity(company: String(parts[0]), code: String(parts[1])) else {
            throw invalidQuery("plant", "plant is a plant id COMPANY-PLANT (letters and digits), got \"\(text)\"")
        }
        try requireScope(scope, plant: identity.plantID)
        guard try await store.plants().contains(where: { $0.plantID == identity.plantID }) else {
            throw ProblemDetails(code: "not-found", title: "Not found", status: 404, detail: "no plant \(identity.plantID) is enrolled", field: "plant")
        }
        return identity.plantID
    }

    /// `company=`: a company within `scope` that the hub knows (an enrolled plant or a company master).
    func companyFilter(_ query: Parameters, scope: CompanyScope) async throws -> String? {
        guard let text = query["company"].map(String.init) else { return nil }
        guard let code = try? PlantIdentity(company: text, code: "0").company else {
            throw invalidQuery("company", "company is a company code of 1 to 16 letters or digits, got \"\(text)\"")
        }
        guard scope.covers(code) else {
            throw ProblemDetails.forbidden("company \(code) is outside this principal's companies")
        }
        var known = try await store.plants().contains { $0.company == code }
        if !known { known = try await !store.masters(kind: .company, key: code, company: code, scope: scope).isEmpty }
        guard known else {
            throw ProblemDetails(code: "not-found", title: "Not found", status: 404, detail: "no company \(code) at this hub", field: "company")
        }
        return code
    }

    /// A code filter such as `item=` or `lot=`: master code syntax; nil when absent.
    func codeFilter(_ query: Parameters, _ name: String, required: Bool = false) throws -> String? {
        guard let text = query[Substring(name)].map(String.init) else {
            if required { throw invalidQuery(name, "\(name) is required") }
            return nil
        }
        if let problem = MasterKey.problem(text) { throw invalidQuery(name, "\(name): \(problem)") }
        return text
    }
}
