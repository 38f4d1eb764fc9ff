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

/// Every error a hub route throws leaves as `application/problem+json`; internals stay in the log. A refusal
/// carries its own answer (`ProblemReporting`, with `ProblemHeaders` when it has headers); the framework's own
/// errors and anything else are answered as the agent answers them (`ProblemDetails.answer`).
struct HubProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let reporting as any ProblemReporting {
            let problem = reporting.problem
            var headers = (reporting as? any ProblemHeaders)?.problemHeaders ?? [:]
            if problem.status == 401 { headers[.wwwAuthenticate] = "Bearer realm=\"gantry-hub\"" }
            if problem.status >= 500, !(reporting is ProblemDetails) {
                let metadata: Logger.Metadata = ["path": "\(request.uri.path)", "error": "\(reporting)"]
                if problem.status == 503 {
                    logger.warning("store unavailable", metadata: metadata)
                } else {
                    logger.error("request failed", metadata: metadata)
                }
            }
            return try problem.response(headers: headers)
        } catch {
            return try ProblemDetails.answer(error, to: request, server: "the hub", logger: logger)
        }
    }
}
