import Foundation
import GantryCore
import Hummingbird
import Logging
import NIOCore

extension ProblemDetails {
    /// The problem as an `application/problem+json` response with its status.
    func response(headers: HTTPFields = [:]) throws -> Response {
        var response = try jsonResponse(self, status: HTTPResponse.Status(code: status))
        response.headers[.contentType] = ProblemDetails.mediaType
        response.headers.append(contentsOf: headers)
        return response
    }

    static func unauthorized(_ detail: String) -> ProblemDetails {
        ProblemDetails(code: "unauthorized", title: "Authentication required", status: 401, detail: detail)
    }

    static func forbidden(_ detail: String) -> ProblemDetails {
        ProblemDetails(code: "forbidden", title: "Not allowed", status: 403, detail: detail)
    }
}

/// Encodes `value` in the wire format as a JSON response.
func jsonResponse(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
    Response(
        status: status, headers: [.contentType: "application/json"],
        body: ResponseBody(byteBuffer: ByteBuffer(bytes: try WireFormat.encoder().encode(value))))
}

/// Every error a hub route throws leaves as `application/problem+json`; internals stay in the log. A refusal
/// carries its own answer (`ProblemReporting`, with `ProblemHeaders` when it has headers); besides those only
/// the framework's own errors are answered here, and anything else is a 500.
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
        } catch is NIOTooManyBytesError {
            return try ProblemDetails.bodyTooLarge(limit: nil).response()
        } catch let error as HTTPError {
            let status = Int(error.status.code)
            return try ProblemDetails(
                code: "http-\(status)", title: error.status.reasonPhrase, status: status,
                detail: error.body ?? "\(request.method) \(request.uri.path): \(error.status.reasonPhrase)"
            ).response()
        } catch {
            logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return try ProblemDetails.internalError.response()
        }
    }
}
