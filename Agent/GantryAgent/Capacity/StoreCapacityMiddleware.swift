import GantryCore
import GRDB
import Hummingbird

/// Refuses requests that would record new facts while the store's disk is below its reserve, and answers SQLite's
/// `SQLITE_FULL` the same way: 507 `insufficient-storage` naming the free and required bytes, never a 500.
///
/// Every write of the local API (POST, PUT, PATCH, DELETE) appends events or changes state, so all of them are
/// held back; reads (GET, HEAD) go on, and so does sync, which only reads the log and records acknowledgements
/// in the reserve. Sits inside `ProblemMiddleware`, which turns the refusal into its problem document.
struct StoreCapacityMiddleware<Context: RequestContext>: RouterMiddleware {
    let capacity: StoreCapacity

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let writes = request.method != .get && request.method != .head && request.method != .options
        if writes { try capacity.admit() }
        do {
            return try await next(request, context)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_FULL {
            throw capacity.storeFull()
        }
    }
}
