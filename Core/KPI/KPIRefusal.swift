import Foundation

/// A KPI input refused: a work calendar or time zone that cannot make windows, naming the field at fault.
///
/// It answers over HTTP by itself (`ProblemReporting`) with `422 invalid`.
public struct KPIRefusal: Error, Sendable, Equatable, CustomStringConvertible, ProblemReporting {
    /// Stable codes, sent as the problem's `code`.
    public enum Code: String, Sendable, CaseIterable {
        case invalid
    }

    public var code: Code
    /// The field at fault (`timeZone`, `shifts[1].start`, …).
    public var field: String
    public var detail: String

    public init(_ code: Code, field: String, _ detail: String) {
        self.code = code
        self.field = field
        self.detail = detail
    }

    public var description: String { "\(field): \(detail)" }

    /// `422 invalid` naming the field.
    public var problem: ProblemDetails {
        ProblemDetails(code: code.rawValue, title: "Invalid KPI input", status: 422, detail: detail, field: field)
    }
}
