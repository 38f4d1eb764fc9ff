/// An RFC 9457 problem document: every 4xx and 5xx answer of the agent and the hub has this shape.
public struct ProblemDetails: Codable, Sendable, Equatable, Error {
    /// A URI naming the kind of problem, `urn:gantry:problem:<code>`.
    public var type: String
    /// A short summary of the kind of problem.
    public var title: String
    /// The HTTP status code.
    public var status: Int
    /// What exactly was wrong this time, for a person.
    public var detail: String
    /// The request field at fault, when there is one (`data`, `events[3].sequence`, …).
    public var field: String?
    /// For a refused sync batch: the sequence the hub expects next.
    public var expectedSequence: Int64?
    /// Every problem of a refused change set or import, by line, record and field.
    public var errors: [Item]?
    /// For a refused reservation: each line that could not be covered, with its figures.
    public var shortages: [Shortage]?

    /// One of several problems of a request.
    public struct Item: Codable, Sendable, Equatable {
        /// The line of an imported file.
        public var line: Int?
        /// The record, e.g. `item ACME/BOLT-M8`.
        public var subject: String?
        public var field: String?
        public var detail: String

        public init(line: Int? = nil, subject: String? = nil, field: String? = nil, detail: String) {
            self.line = line
            self.subject = subject
            self.field = field
            self.detail = detail
        }
    }

    public init(
        code: String, title: String, status: Int, detail: String,
        field: String? = nil, expectedSequence: Int64? = nil, errors: [Item]? = nil, shortages: [Shortage]? = nil
    ) {
        self.type = "urn:gantry:problem:\(code)"
        self.title = title
        self.status = status
        self.detail = detail
        self.field = field
        self.expectedSequence = expectedSequence
        self.errors = errors
        self.shortages = shortages
    }

    /// The code part of `type`.
    public var code: String {
        type.hasPrefix("urn:gantry:problem:") ? String(type.dropFirst("urn:gantry:problem:".count)) : type
    }

    /// The media type problem documents are served with.
    public static let mediaType = "application/problem+json"
}

extension ProblemDetails {
    /// A request body refused by `StrictJSON`: 400 when it is not JSON at all, otherwise 422 naming the field
    /// (an unknown member, a missing one, or a value of the wrong type).
    public init(refused: StrictJSON.Refusal) {
        if refused.malformed {
            self.init(code: "malformed-body", title: "Malformed request body", status: 400, detail: refused.detail, field: refused.field)
        } else {
            self.init(code: "invalid-request", title: "Invalid request", status: 422, detail: refused.detail, field: refused.field)
        }
    }

    /// A request body past the route's limit: 413, whatever the route.
    public static func bodyTooLarge(limit: Int?) -> ProblemDetails {
        ProblemDetails(
            code: "body-too-large", title: "Request body too large", status: 413,
            detail: limit.map { "the body exceeds \($0) bytes" } ?? "the body exceeds this route's limit")
    }
}
