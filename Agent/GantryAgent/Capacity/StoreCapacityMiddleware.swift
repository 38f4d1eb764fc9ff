import GantryCore
import GRDB
import Hummingbird

/// Refuses requests that would record new facts while the store's disk is below its reserve, and answers SQLite's
/// `SQLITE_FULL` the same way: 507 `insufficient-storage` naming the free and required bytes, never a 500.
///
/// Every write of the local API (POST, PUT, PATCH, DELETE) appends events or changes state, so all of them are
/// held back; reads (GET, HEAD) go on, and so does sync, which only reads the log and records acknowledgements
/// in the reserve. Signing in to the dashboards and out again goes on too: a session is a row of a few bytes, and
/// the dashboards are where the plant manager sees the disk alarm. Sits inside `ProblemMiddleware`, which turns the
/// refusal into its problem document.
struct StoreCapacityMiddleware<Context: RequestContext>: RouterMiddleware {
    let capacity: StoreCapacity

    /// Whether a request of `method` to `path` records new facts, and so is held back below the reserve.
    static func holdsBack(method: HTTPRequest.Method, path: String) -> Bool {
        method != .get && method != .head && method != .options && !dashboardSessionPaths.contains(path)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if Self.holdsBack(method: request.method, path: request.uri.path) { try capacity.admit() }
        do {
            return try await next(request, context)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_FULL {
            throw capacity.storeFull()
        }
    }
}

/// The writes that spend the reserve rather than wait for space: dashboard sessions.
private let dashboardSessionPaths: Set<String> = ["\(AgentDashboards.root)/sign-in", "\(AgentDashboards.root)/sign-out"]
