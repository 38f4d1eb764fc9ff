import Foundation
import GantryCore
import Hummingbird

/// Path parameters, percent-decoded. The agent and the hub differ on a malformed %-escape (`BOLT%ZZ`), and
/// keep differing, since callers see it: the agent takes the segment as it is and lets its code checks refuse
/// it (`decoded`); the hub refuses the request at once with 400 `invalid-path` (`decodedStrictly`).
extension Parameters {
    /// A path parameter percent-decoded (`BOLT%2DM8` is `BOLT-M8`); a malformed escape is left as it is, and
    /// the code checks then refuse it.
    public func decoded(_ name: String) -> String? {
        get(name).map { $0.removingPercentEncoding ?? $0 }
    }

    /// A path parameter percent-decoded, or the 400 problem `invalid-path` naming it when an escape is
    /// malformed; nil when the route has no such parameter.
    public func decodedStrictly(_ name: String) throws -> String? {
        guard let value = get(name) else { return nil }
        guard let decoded = value.removingPercentEncoding else {
            throw ProblemDetails(code: "invalid-path", title: "Invalid path", status: 400,
                                 detail: "the path segment \"\(value)\" has a malformed %-escape", field: name)
        }
        return decoded
    }
}
