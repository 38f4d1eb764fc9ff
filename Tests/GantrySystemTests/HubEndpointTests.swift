import Foundation
@testable import GantryHub
import GantryTestSupport
import Hummingbird
import Testing

/// The hub's router holds exactly the routes of `HubEndpoint`: a route registered without an entry in the table
/// (and so without its access rule) fails here, and so does an entry with no route.
@Suite struct HubEndpointTests {
    @Test func theRouterHoldsEveryEndpointAndNothingElse() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteHubStore(path: "\(dir)/hub.sqlite")
            let api = HubAPI(store: store, configuration: HubConfiguration(), logger: quietLogger, now: { Date() })
            let registered = api.router().routes.map { "\($0.method.rawValue) \($0.path)" }
            let listed = HubEndpoint.allCases.map { "\($0.method.rawValue) \(RouterPath($0.path))" }
            #expect(registered.count == Set(registered).count, "no route is registered twice")
            #expect(Set(registered) == Set(listed), "registered: \(registered.sorted()), listed: \(listed.sorted())")
            #expect(Set(listed).count == HubEndpoint.allCases.count, "every endpoint has a route of its own")
        }
    }
}
