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
        } catch let problem as ProblemDetails {
            return try problem.response()
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
    /// Reads the body as JSON of type `T`, answering 413 past `limit` and 400 naming the field at fault.
    mutating func decodeJSON<T: Decodable>(_ type: T.Type, limit: Int) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await collectBody(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw ProblemDetails(
                code: "body-too-large", title: "Request body too large", status: 413,
                detail: "the body exceeds \(limit) bytes")
        }
        do {
            return try WireFormat.decoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw ProblemDetails(
                code: "malformed-body", title: "Malformed request body", status: 400,
                detail: error.fieldDescription, field: error.fieldPath)
        }
    }
}

extension DecodingError {
    /// The dotted path of the field at fault, or `nil` when the body as a whole is wrong.
    var fieldPath: String? {
        let context: Context
        switch self {
        case .keyNotFound(let key, let keyContext):
            return (keyContext.codingPath + [key]).map(\.stringValue).joined(separator: ".")
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c): context = c
        @unknown default: return nil
        }
        return context.codingPath.isEmpty ? nil : context.codingPath.map(\.stringValue).joined(separator: ".")
    }
}
