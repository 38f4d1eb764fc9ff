import Crypto
import Foundation

/// Bearer tokens: 256 random bits, shown once, stored only as a SHA-256 hash. A fast hash is right for
/// secrets of full entropy (nothing to brute-force); lookups go by hash, so no comparison leaks timing.
public enum SecretToken {
    /// What a token is for, visible in its prefix so a leaked one is recognisable.
    public enum Kind: String, Sendable {
        case plant = "gpt"
        case admin = "gat"
        case user = "gut"
    }

    /// A new token of `kind`.
    public static func generate(_ kind: Kind) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let encoded = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return "\(kind.rawValue)_\(encoded)"
    }

    /// The stored form of `token`: lower-case hex SHA-256.
    public static func hash(_ token: String) -> String {
        sha256Hex(token)
    }
}

/// Lower-case hex SHA-256 of a text's UTF-8: token hashes and the links of the audit chain.
@Sendable public func sha256Hex(_ text: String) -> String {
    SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
}
