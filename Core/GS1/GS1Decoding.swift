import Foundation

extension GS1Parser {
    /// Decodes `raw` to the JSON `gantry-agent gs1 decode` prints: the message, or `{"error": …}` with the
    /// AI and position when known. Returns whether the data was valid.
    public func decodeJSON(_ raw: String) -> (json: String, valid: Bool) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            let message = try parse(raw)
            return (String(decoding: try encoder.encode(message), as: UTF8.self), true)
        } catch let error as GS1Error {
            let body = DecodeFailure(error: error.description, ai: error.ai, position: error.position)
            return ((try? String(decoding: encoder.encode(body), as: UTF8.self)) ?? #"{"error":"invalid GS1 data"}"#, false)
        } catch {
            return (#"{"error":"invalid GS1 data"}"#, false)
        }
    }
}

private struct DecodeFailure: Encodable {
    var error: String
    var ai: String?
    var position: Int?
}
