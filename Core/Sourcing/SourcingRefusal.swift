import Foundation

/// Why a sourcing intent (a reorder rule, a request for approval) is refused, with the HTTP answer it gets:
/// `404` for what does not exist, `422` for the request itself. The problem documents are the ones these intents
/// have always answered with (title `Refused`, the code, the field when one is at fault).
public struct SourcingRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, CaseIterable {
        case invalid
        case notFound = "not-found"
        case unknownItem = "unknown-item"
        case unknownUnit = "unknown-unit"
    }

    public var code: Code
    public var detail: String
    public var field: String?

    public init(_ code: Code, _ detail: String, field: String? = nil) {
        self.code = code
        self.detail = detail
        self.field = field
    }

    public var description: String { detail }
}

extension SourcingRefusal: ProblemReporting {
    public var problem: ProblemDetails {
        ProblemDetails(code: code.rawValue, title: "Refused", status: code == .notFound ? 404 : 422, detail: detail, field: field)
    }
}
