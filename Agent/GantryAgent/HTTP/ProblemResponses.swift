import Foundation
import GantryCore
import Hummingbird
import Logging
import NIOCore

extension ProblemDetails {
    /// The problem as an `application/problem+json` response with its status.
    func response() throws -> Response {
        try jsonResponse(self, status: HTTPResponse.Status(code: status), contentType: ProblemDetails.mediaType)
    }
}

/// Encodes `value` in the wire format as the response body.
func jsonResponse(
    _ value: some Encodable, status: HTTPResponse.Status = .ok, contentType: String = "application/json"
) throws -> Response {
    let data = try WireFormat.encoder().encode(value)
    return Response(
        status: status, headers: [.contentType: contentType],
        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
}

/// Turns every error a route throws into an `application/problem+json` answer: the caller's mistakes
/// keep their 4xx, anything else becomes a 500 without internals (those go to the log).
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let reporting as any ProblemReporting {
            return try reporting.problem.response()
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
            return try ProblemDetails(
                code: "internal", title: "Internal error", status: 500,
                detail: "the agent could not complete the request; see its log"
            ).response()
        }
    }
}

extension Request {
    /// Reads the body strictly as JSON of type `T` (`StrictJSON`): 413 past `limit`, 400 when it is not JSON,
    /// 422 naming the field at fault for an unknown or missing member or a value of the wrong type.
    mutating func decodeJSON<T: Decodable>(_ type: T.Type, limit: Int) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await collectBody(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw ProblemDetails.bodyTooLarge(limit: limit)
        }
        do {
            return try StrictJSON.decode(T.self, from: Data(buffer.readableBytesView))
        } catch {
            throw ProblemDetails(refused: error)
        }
    }
}

extension Parameters {
    /// A path parameter percent-decoded (`BOLT%2DM8` is `BOLT-M8`); a malformed escape is left as it is, and
    /// the code checks then refuse it.
    func decoded(_ name: String) -> String? {
        get(name).map { $0.removingPercentEncoding ?? $0 }
    }
}
