import Foundation
import GantryCore
import Hummingbird
import NIOCore

/// Encodes `value` in the wire format as the response body, `application/json` unless `contentType` says otherwise.
public func jsonResponse(
    _ value: some Encodable, status: HTTPResponse.Status = .ok, contentType: String = "application/json"
) throws -> Response {
    let data = try WireFormat.encoder().encode(value)
    return Response(
        status: status, headers: [.contentType: contentType],
        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
}

extension ProblemDetails {
    /// The problem as an `application/problem+json` response with its status, and `headers` added (a
    /// `WWW-Authenticate` challenge, a `Retry-After`).
    public func response(headers: HTTPFields = [:]) throws -> Response {
        var response = try jsonResponse(self, status: HTTPResponse.Status(code: status), contentType: ProblemDetails.mediaType)
        response.headers.append(contentsOf: headers)
        return response
    }
}
