import Foundation
import GantryCore
import Hummingbird
import NIOCore

extension Request {
    /// The body as the route reads it, at most `limit` bytes after decoding: a `Content-Encoding: gzip` body is
    /// inflated (an old client's plain body is read as is). 413 `body-too-large` past `limit`, sent or inflated
    /// (a zip bomb stops at `limit`); 400 `malformed-body` for gzip that does not inflate; 415
    /// `unsupported-content-encoding` for any other coding.
    public mutating func decodedBody(limit: Int) async throws -> ByteBuffer {
        let coding = try BodyCoding(header: headers[.contentEncoding])
        let buffer: ByteBuffer
        do {
            buffer = try await collectBody(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw ProblemDetails.bodyTooLarge(limit: limit)
        }
        guard coding == .gzip else { return buffer }
        do {
            return ByteBuffer(bytes: try Gzip.inflate(Data(buffer.readableBytesView), limit: limit))
        } catch .tooLarge {
            throw ProblemDetails(
                code: "body-too-large", title: "Request body too large", status: 413,
                detail: "the gzip body inflates past \(limit) bytes")
        } catch .corrupt(let reason) {
            throw ProblemDetails(
                code: "malformed-body", title: "Malformed request body", status: 400,
                detail: "the body is sent as gzip but does not inflate: \(reason)")
        }
    }
}

/// The content codings a request body may arrive in.
enum BodyCoding: Equatable {
    case identity
    case gzip

    /// The coding `header` (a `Content-Encoding` value) names: none or `identity` is the body as is; `gzip` (or
    /// its old alias `x-gzip`) is inflated; anything else, a list of codings included, is 415.
    init(header: String?) throws(ProblemDetails) {
        switch header?.trimmingCharacters(in: .whitespaces).lowercased() {
        case nil, "", "identity":
            self = .identity
        case "gzip", "x-gzip":
            self = .gzip
        case let other?:
            throw ProblemDetails(
                code: "unsupported-content-encoding", title: "Unsupported content encoding", status: 415,
                detail: "Content-Encoding \(other) is not accepted; send the body plain or as gzip")
        }
    }
}
