import Foundation
import GantryCore
import Hummingbird
import Logging

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

/// Every error a hub route throws leaves as `application/problem+json`; internals stay in the log.
struct HubProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as ProblemDetails {
            let challenge: HTTPFields = problem.status == 401 ? [.wwwAuthenticate: "Bearer realm=\"gantry-hub\""] : [:]
            return try problem.response(headers: challenge)
        } catch let error as HubStoreError where error.code == .unavailable {
            logger.warning("store unavailable", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return try ProblemDetails(
                code: "store-unavailable", title: "Store unavailable", status: 503,
                detail: "the hub's database is unavailable; retry later (nothing of this request was acknowledged)"
            ).response(headers: [.retryAfter: "5"])
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
