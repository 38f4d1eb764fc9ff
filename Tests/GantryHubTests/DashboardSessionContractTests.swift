import Foundation
import GantryCore
import GantryPages
import GantryTestSupport
@testable import GantryHub
import Testing

/// Dashboard sessions on both backends (migration 16): kept by the hash of their id only, touched, deleted on
/// sign-out, swept when expired; and the pure expiry decision.
@Suite struct DashboardSessionContractTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test(arguments: HubBackend.allCases) func sessionsAreKeptByHashTouchedAndDeleted(backend: HubBackend) async throws {
        try await backend.withStore { store in
            let policy = DashboardSessionPolicy()
            let session = policy.start(principal: "ana", idHash: SecretToken.hash("secret-id"), now: Self.t0)
            try await store.addDashboardSession(session)
            #expect(try await store.dashboardSession(idHash: SecretToken.hash("secret-id")) == session)
            #expect(try await store.dashboardSession(idHash: "secret-id") == nil)  // the id itself is stored nowhere

            try await store.touchDashboardSession(idHash: session.idHash, at: Self.t0.addingTimeInterval(600))
            #expect(try await store.dashboardSession(idHash: session.idHash)?.lastSeenAt == Self.t0.addingTimeInterval(600))

            // Sweep: one idle since t0 + 10 min (30 min ago at t0 + 40 min), one fresh: only the idle one goes.
            let fresh = policy.start(principal: "ben", idHash: SecretToken.hash("other"), now: Self.t0.addingTimeInterval(2_000))
            try await store.addDashboardSession(fresh)
            let now = Self.t0.addingTimeInterval(2_400)
            #expect(try await store.deleteExpiredDashboardSessions(now: now, idleSince: now.addingTimeInterval(-policy.idle)) == 1)
            #expect(try await store.dashboardSession(idHash: session.idHash) == nil)
            #expect(try await store.deleteDashboardSession(idHash: fresh.idHash))
            #expect(try await !store.deleteDashboardSession(idHash: fresh.idHash))
        }
    }

    @Test(arguments: [
        (0.0, 0.0, DashboardSessionPolicy.Decision.valid),
        (3_600, 1_799, .valid),  // used 1 799 s ago: still within 30 min
        (3_600, 1_800, .idleExpired),  // unused for 30 min
        (43_199, 0, .valid),
        (43_200, 0, .expired),  // 12 h after sign-in, however active
    ])
    func expiry(sinceSignIn: Double, sinceLastUse: Double, decision: DashboardSessionPolicy.Decision) {
        let policy = DashboardSessionPolicy()
        let now = Self.t0.addingTimeInterval(sinceSignIn)
        var session = policy.start(principal: "ana", idHash: "h", now: Self.t0)
        session.lastSeenAt = now.addingTimeInterval(-sinceLastUse)
        #expect(policy.decide(session, now: now) == decision)
    }

    @Test func csrfTokensAreBoundToTheSession() {
        #expect(DashboardSessionPolicy.csrfToken(sessionID: "a", hash: sha256Hex) == DashboardSessionPolicy.csrfToken(sessionID: "a", hash: sha256Hex))
        #expect(DashboardSessionPolicy.csrfToken(sessionID: "a", hash: sha256Hex) != DashboardSessionPolicy.csrfToken(sessionID: "b", hash: sha256Hex))
        #expect(DashboardSessionPolicy.csrfToken(sessionID: "a", hash: sha256Hex) != SecretToken.hash("a"))  // not the stored hash of the id
    }
}
