import Foundation

/// The text of a page session's HTTP parts, the same at the hub and at every agent: the cookie, the form
/// fields a page posts, where to go after sign-in, and comparing secrets. No I/O: the servers pass text in and out.
public enum PageSessionText {
    /// The session cookie's name.
    public static let cookie = "gantry_session"

    /// The session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it), for
    /// the whole server, `Secure` over TLS. No Max-Age: it ends with the browser too (the server ends it sooner).
    public static func setCookie(_ id: String, secure: Bool) -> String {
        "\(cookie)=\(id); Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    /// Clears the cookie (sign-out).
    public static let clearCookie = "\(cookie)=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict"

    /// 256 random bits, URL-safe base64: a session id.
    public static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// An `application/x-www-form-urlencoded` body as fields (the last of a repeated name wins; a part that does
    /// not decode is left out).
    public static func formFields(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String? { String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding }
            guard let name = decode(parts[0]) else { continue }
            fields[name] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }

    /// Where to go after sign-in: a path under `root` of this server only (never another site: no `//`, no
    /// backslash, no scheme).
    public static func nextPage(_ text: String?, root: String) -> String? {
        guard let text, text == root || text.hasPrefix(root + "/") || text.hasPrefix(root + "?"), !text.contains("//"),
              !text.contains("\\"), text.count <= 512 else { return nil }
        return text
    }

    /// Equal secrets, compared in time that does not depend on where they differ.
    public static func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8), b = Array(rhs.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
