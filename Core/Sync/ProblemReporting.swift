/// An error that knows how it is answered over HTTP: the status lives with the error, not with the route.
///
/// Refusals adopt it next to their codes; the agent's and the hub's error middleware answer any
/// `ProblemReporting` error with its `problem`, so a route never chooses a status for a refusal itself.
public protocol ProblemReporting: Error {
    /// The problem document this error is answered with.
    var problem: ProblemDetails { get }
    /// Whether the condition behind a 5xx is logged where it arises, once as it begins and once as it ends (a full
    /// disk), so that the requests it refuses are not each logged as failures. False unless an error says so.
    var loggedWhereItArises: Bool { get }
}

extension ProblemReporting {
    public var loggedWhereItArises: Bool { false }
}

extension ProblemDetails: ProblemReporting {
    /// A problem document is its own answer.
    public var problem: ProblemDetails { self }
}
