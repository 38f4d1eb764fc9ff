import Foundation
import GantryCore
import Hummingbird
import Logging
import NIOCore

extension ProblemDetails {
    static func unauthorized(_ detail: String) -> ProblemDetails {
        ProblemDetails(code: "unauthorized", title: "Authentication required", status: 401, detail: detail)
    }

    static func forbidden(_ detail: String) -> ProblemDetails {
        ProblemDetails(code: "forbidden", title: "Not allowed", status: 403, detail: detail)
    }
}

/// Every error a hub route throws leaves as `application/problem+json`; internals stay in the log.
struct HubProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let reporting as any ProblemReporting {
            let problem = reporting.problem
            let challenge: HTTPFields = problem.status == 401 ? [.wwwAuthenticate: "Bearer realm=\"gantry-hub\""] : [:]
            return try problem.response(headers: challenge)
        } catch is NIOTooManyBytesError {
            return try ProblemDetails.bodyTooLarge(limit: nil).response()
        } catch let error as HubStoreError where error.code == .unavailable {
            logger.warning("store unavailable", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return try ProblemDetails(
                code: "store-unavailable", title: "Store unavailable", status: 503,
                detail: "the hub's database is unavailable; retry later (nothing of this request was acknowledged)"
            ).response(headers: [.retryAfter: "5"])
        } catch let refused as MastersRefused {
            let items = refused.problems.map { ProblemDetails.Item(line: $0.line, field: $0.column, detail: $0.detail) }
                + refused.invalid.flatMap { invalid in
                    invalid.problems.map { ProblemDetails.Item(subject: invalid.identity.description, field: $0.field, detail: $0.detail) }
                }
            return try ProblemDetails(
                code: "invalid-masters", title: "Masters refused", status: 422,
                detail: "\(items.count) problem(s); nothing was changed", errors: items
            ).response()
        } catch let malformed as MasterChangeSet.Malformed {
            return try ProblemDetails(
                code: "invalid-request", title: "Invalid request", status: 422, detail: malformed.detail, field: malformed.field
            ).response()
        } catch let denied as AccessDenied {
            return try ProblemDetails.forbidden(denied.reason).response()
        } catch let error as ConfigurationError {
            // The hub's own settings stop the request (a plant cannot be enrolled without a URL agents reach).
            return try ProblemDetails(
                code: "hub-configuration", title: "Hub configuration", status: 409, detail: error.description
            ).response()
        } catch let error as IdentifierError {
            return try ProblemDetails(code: "invalid-request", title: "Invalid request", status: 422, detail: error.reason).response()
        } catch let error as HubStoreError where [.duplicate, .notFound, .versionConflict].contains(error.code) {
            let status = error.code == .notFound ? 404 : 409
            return try ProblemDetails(code: error.code.rawValue, title: "Refused", status: status, detail: error.message).response()
        } catch let error as HTTPError {
            let status = Int(error.status.code)
            return try ProblemDetails(
                code: "http-\(status)", title: error.status.reasonPhrase, status: status,
                detail: error.body ?? "\(request.method) \(request.uri.path): \(error.status.reasonPhrase)"
            ).response()
        } catch {
            logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return try ProblemDetails(
                code: "internal", title: "Internal error", status: 500,
                detail: "the hub could not complete the request; see its log"
            ).response()
        }
    }
}
