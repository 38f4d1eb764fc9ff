import Crypto
import Foundation
import GantryCore

/// Someone at the plant who asks for and decides approvals.
public struct PlantUser: Sendable, Equatable {
    public var name: String
    public var role: Role

    public init(name: String, role: Role) {
        self.name = name
        self.role = role
    }
}

/// The plant's users, one a line in `users.file`: `NAME ROLE SHA256-OF-TOKEN` (`#` starts a comment). The file
/// holds no token, only its hash; `gantry-agent users add` writes a line and shows the token once. It is read at
/// each request that needs a user, so a line added or removed counts at once.
public struct PlantUsers: Sendable {
    public let path: String?

    public init(path: String?) { self.path = path }

    /// The user a bearer token belongs to; `nil` for none.
    public func user(token: String) throws -> PlantUser? {
        guard let path else { return nil }
        let digest = Self.hash(token)
        return try Self.read(String(contentsOfFile: path, encoding: .utf8)).first { $0.hash == digest }?.user
    }

    /// Reads the file's lines, refusing the whole file over one bad line (a half-read list of approvers is worse
    /// than none).
    public static func read(_ text: String) throws(ConfigurationError) -> [(user: PlantUser, hash: String)] {
        var users: [(user: PlantUser, hash: String)] = []
        for (index, raw) in TextLines.split(text).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            if fields.isEmpty { continue }
            guard fields.count == 3, let role = Role(rawValue: fields[1]), role != .plantAgent,
                  fields[2].count == 64, fields[2].allSatisfy(\.isHexDigit) else {
                throw ConfigurationError(key: "users.file", origin: nil,
                                         reason: "line \(index + 1): expected NAME ROLE SHA256-HEX (roles: buyer, planner, controller, …)")
            }
            users.append((PlantUser(name: fields[0], role: role), fields[2].lowercased()))
        }
        return users
    }

    /// A new token and the line that admits it.
    public static func enrol(name: String, role: Role) throws -> (token: String, line: String) {
        guard (1...64).contains(name.count), name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.@".contains($0) }) else {
            throw ConfigurationError(key: "name", origin: nil, reason: "a user name is 1 to 64 letters, digits, '-', '_', '.' or '@'")
        }
        guard role != .plantAgent else { throw ConfigurationError(key: "role", origin: nil, reason: "plant-agent is the agent's own role, not a user's") }
        var generator = SystemRandomNumberGenerator()
        let token = "gpu_" + (0..<32).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
        return (token, "\(name) \(role.rawValue) \(hash(token))")
    }

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
