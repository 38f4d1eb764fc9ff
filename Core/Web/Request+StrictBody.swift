import Foundation
import GantryCore
import Hummingbird
import NIOCore

extension Request {
    /// The whole body, or the 413 problem `body-too-large` naming `limit` when it is longer; a gzip body is
    /// inflated first, within the same limit (`decodedBody(limit:)`).
    public mutating func boundedBody(limit: Int) async throws -> ByteBuffer {
        try await decodedBody(limit: limit)
    }

    /// Reads the body strictly as JSON of type `T` (`StrictJSON`): 413 past `limit`, 400 when it is not JSON,
    /// 422 naming the field at fault for an unknown or missing member or a value of the wrong type.
    public mutating func decodeJSON<T: Decodable>(_ type: T.Type, limit: Int) async throws -> T {
        let buffer = try await boundedBody(limit: limit)
        do {
            return try StrictJSON.decode(T.self, from: Data(buffer.readableBytesView))
        } catch {
            throw ProblemDetails(refused: error)
        }
    }
}
