import GantryCore
import Hummingbird
import Logging
import NIOCore

/// Turns every error a route throws into an `application/problem+json` answer: the caller's mistakes keep
/// their 4xx, anything else becomes a 500 without internals (those go to the log). The agent uses it as is;
/// the hub answers its own store and master errors first and hands the rest to `ProblemDetails.answer(_:…)`.
public struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger
    /// Who could not complete a request, in the 500's detail ("the agent").
    let server: String

    public init(logger: Logger, server: String) {
        self.logger = logger
        self.server = server
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return try ProblemDetails.answer(error, to: request, server: server, logger: logger)
        }
    }
}

extension ProblemDetails {
    /// The answer to `error`, thrown while serving `request`: a `ProblemReporting` error's own problem; 413 for a
    /// body over its limit; `http-NNN` for Hummingbird's `HTTPError` (an unknown path is `http-404`); 500
    /// `internal` for anything else, logged with the path, saying that `server` ("the agent", "the hub") could
    /// not complete the request.
    public static func answer(_ error: any Error, to request: Request, server: String, logger: Logger) throws -> Response {
        switch error {
        case let reporting as any ProblemReporting:
            let problem = reporting.problem
            if problem.status >= 500, !(reporting is ProblemDetails), !reporting.loggedWhereItArises {
                logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(reporting)"])
            }
            return try problem.response()
        case is NIOTooManyBytesError:
            return try ProblemDetails.bodyTooLarge(limit: nil).response()
        case let error as HTTPError:
            let status = Int(error.status.code)
            return try ProblemDetails(
                code: "http-\(status)", title: error.status.reasonPhrase, status: status,
                detail: error.body ?? "\(request.method) \(request.uri.path): \(error.status.reasonPhrase)"
            ).response()
        default:
            logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return try ProblemDetails(
                code: "internal", title: "Internal error", status: 500,
                detail: "\(server) could not complete the request; see its log"
            ).response()
        }
    }
}
