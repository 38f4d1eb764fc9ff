import Foundation

/// Why releasing a held supplier invoice is refused.
public struct InvoiceMatchRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, CaseIterable {
        /// Segregation of duties: who entered the invoice may not release it.
        case sameUser = "release-by-enterer"
        /// The invoice is not held (it matched, so it posted already).
        case notHeld = "not-held"
        /// It is held for a reason a release cannot lift (goods not received, a line not the supplier's).
        case notReleasable = "not-releasable"
    }

    public var code: Code
    public var detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { detail }
}

extension InvoiceMatchRefusal: ProblemReporting {
    public var problem: ProblemDetails {
        let status = code == .sameUser ? 403 : 409
        return ProblemDetails(code: code.rawValue, title: "Refused", status: status, detail: detail)
    }
}
